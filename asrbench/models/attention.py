"""Multi-head attention and the pre-LN residual block shared by every encoder and decoder.

Parameter names follow OpenAI Whisper (query/key/value/out, attn_ln, mlp, ...) so its weights load
one-to-one. Decoders pass an explicit ``KVCache`` instead of re-running their prefix.
"""

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn


@dataclass
class KVCache:
    """Keys and values of one attention layer, (batch, heads, time, head_dim) each."""

    key: torch.Tensor
    value: torch.Tensor

    def reorder(self, index: torch.Tensor) -> "KVCache":
        return KVCache(self.key.index_select(0, index), self.value.index_select(0, index))


class MultiHeadAttention(nn.Module):
    def __init__(self, dim: int, heads: int):
        super().__init__()
        assert dim % heads == 0, f"attention width {dim} is not divisible by {heads} heads"
        self.heads = heads
        self.query = nn.Linear(dim, dim)
        self.key = nn.Linear(dim, dim, bias=False)
        self.value = nn.Linear(dim, dim)
        self.out = nn.Linear(dim, dim)
        self.record_weights = False  # set to keep the last attention weights in ``recorded`` (for plots)
        self.recorded: torch.Tensor | None = None

    def project_kv(self, source: torch.Tensor) -> KVCache:
        return KVCache(self._split(self.key(source)), self._split(self.value(source)))

    def forward(self, x: torch.Tensor, source: torch.Tensor | None = None, mask: torch.Tensor | None = None,
                cache: KVCache | None = None, static_kv: bool = False,
                need_weights: bool = False) -> tuple[torch.Tensor, KVCache, torch.Tensor | None]:
        """Attend from ``x`` (B, Tq, D) to ``source`` (self-attention when None).

        ``mask`` is boolean, True where attention is allowed, broadcastable to (B, heads, Tq, Tk).
        Self-attention appends the new keys/values to ``cache``; with ``static_kv`` the cache already
        holds the (cross-attention) keys/values and is used as is. A source (cache) with fewer rows than
        ``x`` is shared by consecutive rows of ``x``, e.g. the beams of one utterance.
        """
        q = self._split(self.query(x))
        if static_kv and cache is not None:
            kv = cache
        else:
            kv = self.project_kv(x if source is None else source)
            if cache is not None:
                kv = KVCache(torch.cat([cache.key, kv.key], dim=2), torch.cat([cache.value, kv.value], dim=2))
        group = q.shape[0] // kv.key.shape[0]
        if group > 1:  # `group` consecutive rows (beams) share one source: fold them into the query length
            q = q.unflatten(0, (-1, group)).transpose(1, 2).flatten(2, 3)
        need_weights = need_weights or self.record_weights
        if need_weights:
            scores = (q @ kv.key.transpose(-1, -2)) * q.shape[-1] ** -0.5
            if mask is not None:
                scores = scores.masked_fill(~mask, float("-inf"))
            weights = scores.softmax(dim=-1)
            out = weights @ kv.value
        else:
            weights = None
            out = F.scaled_dot_product_attention(q, kv.key, kv.value, attn_mask=mask)
        if group > 1:
            out = out.unflatten(2, (group, -1)).transpose(1, 2).flatten(0, 1)
            weights = weights.unflatten(2, (group, -1)).transpose(1, 2).flatten(0, 1) if need_weights else None
        if self.record_weights:
            self.recorded = weights.detach()
        return self.out(out.transpose(1, 2).flatten(2)), kv, weights

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        return x.unflatten(-1, (self.heads, -1)).transpose(1, 2)


class LayerNorm(nn.LayerNorm):
    """LayerNorm computed in float32 (as in Whisper), whatever the autocast dtype."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return super().forward(x.float()).type(x.dtype)


class ResidualAttentionBlock(nn.Module):
    """Pre-LN block: self-attention, optional cross-attention, then a GELU MLP."""

    def __init__(self, dim: int, heads: int, cross_attention: bool = False, mlp_ratio: int = 4,
                 dropout: float = 0.0):
        super().__init__()
        self.attn = MultiHeadAttention(dim, heads)
        self.attn_ln = LayerNorm(dim)
        self.cross_attn = MultiHeadAttention(dim, heads) if cross_attention else None
        self.cross_attn_ln = LayerNorm(dim) if cross_attention else None
        self.mlp = nn.Sequential(nn.Linear(dim, dim * mlp_ratio), nn.GELU(), nn.Linear(dim * mlp_ratio, dim))
        self.mlp_ln = LayerNorm(dim)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None, source: torch.Tensor | None = None,
                source_mask: torch.Tensor | None = None, cache: KVCache | None = None,
                cross_cache: KVCache | None = None) -> tuple[torch.Tensor, KVCache, KVCache | None]:
        y, cache, _ = self.attn(self.attn_ln(x), mask=mask, cache=cache)
        x = x + self.dropout(y)
        if self.cross_attn is not None:
            y, cross_cache, _ = self.cross_attn(self.cross_attn_ln(x), source, mask=source_mask,
                                                cache=cross_cache, static_kv=cross_cache is not None)
            x = x + self.dropout(y)
        x = x + self.dropout(self.mlp(self.mlp_ln(x)))
        return x, cache, cross_cache

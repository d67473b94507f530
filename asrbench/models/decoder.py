"""Autoregressive transformer decoder with cross-attention (Whisper's TextDecoder, explicit KV cache)."""

from dataclasses import dataclass

import torch
from torch import nn

from asrbench.models.attention import KVCache, LayerNorm, ResidualAttentionBlock


@dataclass
class DecoderState:
    self_caches: list[KVCache | None]  # grows by one position per step
    cross_caches: list[KVCache]  # encoder keys/values, computed once per utterance
    source_mask: torch.Tensor  # (B, 1, 1, T') True on valid encoder frames, one row per utterance
    offset: int = 0  # number of tokens already in the self-attention caches
    group: int = 1  # consecutive hypothesis rows that share one utterance's cross caches (e.g. its beams)

    def reorder(self, index: torch.Tensor) -> "DecoderState":
        rows = torch.arange(len(index), device=index.device)
        if len(index) == len(self.source_mask) * self.group and torch.equal(index, rows):
            return self
        self_caches = [c.reorder(index) if c is not None else None for c in self.self_caches]
        utterances = len(self.source_mask)
        group = len(index) // utterances
        if group * utterances == len(index) and torch.equal(index // self.group, rows // group):
            # every row stays with its utterance (beam search): the encoder memory is shared, not copied
            return DecoderState(self_caches, self.cross_caches, self.source_mask, self.offset, group)
        source = index // self.group
        return DecoderState(self_caches, [c.reorder(source) for c in self.cross_caches],
                            self.source_mask.index_select(0, source), self.offset, 1)


class TransformerDecoder(nn.Module):
    def __init__(self, vocab_size: int, dim: int, layers: int, heads: int, max_positions: int = 448,
                 dropout: float = 0.0):
        super().__init__()
        self.token_embedding = nn.Embedding(vocab_size, dim)
        nn.init.normal_(self.token_embedding.weight, std=dim**-0.5)  # tied output: keep initial logits small
        self.positional_embedding = nn.Parameter(torch.empty(max_positions, dim).normal_(std=0.01))
        self.blocks = nn.ModuleList(ResidualAttentionBlock(dim, heads, cross_attention=True, dropout=dropout)
                                    for _ in range(layers))
        self.ln = LayerNorm(dim)
        self.dropout = nn.Dropout(dropout)

    def start(self, enc: torch.Tensor, source_mask: torch.Tensor) -> DecoderState:
        cross = [block.cross_attn.project_kv(enc) for block in self.blocks]
        return DecoderState([None] * len(self.blocks), cross, source_mask)

    def forward(self, tokens: torch.Tensor, state: DecoderState) -> tuple[torch.Tensor, DecoderState]:
        """Logits (N, t, V) for ``tokens`` (N, t) placed after the ``state.offset`` cached tokens."""
        length, offset = tokens.shape[1], state.offset
        if offset + length > self.positional_embedding.shape[0]:
            raise ValueError(f"decoder input of {offset + length} tokens exceeds max_positions="
                             f"{self.positional_embedding.shape[0]}")
        x = self.token_embedding(tokens) + self.positional_embedding[offset : offset + length]
        x = self.dropout(x)
        causal = torch.ones(length, offset + length, dtype=torch.bool, device=tokens.device).tril(offset)
        new_caches = []
        for block, cache, cross in zip(self.blocks, state.self_caches, state.cross_caches, strict=True):
            x, cache, _ = block(x, mask=causal, cache=cache, source_mask=state.source_mask, cross_cache=cross)
            new_caches.append(cache)
        x = self.ln(x)
        weight = self.token_embedding.weight.to(x.dtype)  # tied input/output embeddings
        if x.shape[0] * x.shape[1] <= 64:
            # decoding steps: for a few rows, (V, D) @ (D, rows) runs ~2x faster on CPU than (rows, D) @ (D, V)
            logits = (weight @ x.flatten(0, 1).T).T.contiguous().unflatten(0, x.shape[:2])
        else:
            logits = x @ weight.T
        return logits, DecoderState(new_caches, state.cross_caches, state.source_mask, offset + length, state.group)

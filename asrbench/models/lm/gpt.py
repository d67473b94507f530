"""The built-in GPT-style causal LM: pre-LN blocks, learned positions, tied embeddings, explicit KV cache.

``python -m asrbench lm`` pretrains it and writes a self-contained checkpoint (architecture, weights,
sentencepiece tokenizer) that loads with ``torch.load(weights_only=True)``.
"""

import os
from pathlib import Path

import torch
from torch import nn

from asrbench.models.attention import KVCache, LayerNorm, ResidualAttentionBlock
from asrbench.models.lm import positions_from_mask
from asrbench.text.tokenizer import Tokenizer

Cache = list[KVCache | None]


class GPT(nn.Module):
    def __init__(self, vocab_size: int, dim: int = 256, layers: int = 4, heads: int = 4,
                 max_positions: int = 256, dropout: float = 0.0):
        super().__init__()
        self.vocab_size, self.dim, self.max_positions = vocab_size, dim, max_positions
        self.heads = heads
        self.token_embedding = nn.Embedding(vocab_size, dim)
        nn.init.normal_(self.token_embedding.weight, std=0.02)
        self.positional_embedding = nn.Parameter(torch.empty(max_positions, dim).normal_(std=0.01))
        self.blocks = nn.ModuleList(ResidualAttentionBlock(dim, heads, dropout=dropout) for _ in range(layers))
        self.ln = LayerNorm(dim)
        self.dropout = nn.Dropout(dropout)

    def arch(self) -> dict:
        """Constructor arguments that fix the parameter shapes (dropout is a training choice)."""
        return {"vocab_size": self.vocab_size, "dim": self.dim, "layers": len(self.blocks), "heads": self.heads,
                "max_positions": self.max_positions}

    def embed(self, tokens: torch.Tensor) -> torch.Tensor:
        return self.token_embedding(tokens)

    def forward(self, x: torch.Tensor, mask: torch.Tensor, cache: Cache | None = None, use_cache: bool = False,
                logits_to_keep: int = 0, positions: torch.Tensor | None = None) -> tuple[torch.Tensor, Cache]:
        """Logits (N, t, V) for embeddings ``x`` (N, t, D) after the cached ones; ``mask`` (N, S) covers both.

        ``logits_to_keep > 0`` returns only the last that many positions (as in Hugging Face models);
        ``positions`` (N, t) defaults to counting the valid tokens of ``mask``.
        """
        new, total = x.shape[1], mask.shape[1]
        positions = positions_from_mask(mask, new) if positions is None else positions
        if int(positions.max()) >= self.max_positions:
            raise ValueError(f"LM input of {int(positions.max()) + 1} tokens exceeds "
                             f"max_positions={self.max_positions}")
        x = self.dropout(x + self.positional_embedding[positions].to(x.dtype))
        query = torch.arange(new, device=x.device)[:, None] + (total - new)
        key = torch.arange(total, device=x.device)[None, :]
        # Left-padding rows attend to themselves only (never to nothing, which gives NaN).
        allowed = ((key <= query) & mask[:, None, None, :]) | (key == query)
        caches = cache if cache is not None else [None] * len(self.blocks)
        new_caches = []
        for block, layer_cache in zip(self.blocks, caches, strict=True):
            x, layer_cache, _ = block(x, mask=allowed, cache=layer_cache)
            new_caches.append(layer_cache)
        x = self.ln(x[:, -logits_to_keep:])
        return x @ self.token_embedding.weight.to(x.dtype).T, new_caches

    @staticmethod
    def reorder(cache: Cache, index: torch.Tensor) -> Cache:
        return [c.reorder(index) if c is not None else None for c in cache]


def save_gpt(path: str | Path, model: GPT, tokenizer: Tokenizer, **info: float | str) -> Path:
    """Write architecture, weights, tokenizer (and ``info`` such as the validation perplexity) atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    torch.save({"asrbench_lm": "gpt", "arch": model.arch(), "state_dict": state,
                "tokenizer": tokenizer.to_tensor(), "info": dict(info)}, tmp)
    tmp.replace(path)
    return path


def read_gpt(path: str | Path) -> dict:
    """The checkpoint written by ``save_gpt``, loaded with ``weights_only=True``."""
    from asrbench.training.checkpoint import CheckpointError, read_checkpoint

    checkpoint = read_checkpoint(path)
    if checkpoint.get("asrbench_lm") != "gpt":
        raise CheckpointError(f"{path} is not a built-in LM checkpoint (write one with `python -m asrbench lm`)")
    return checkpoint

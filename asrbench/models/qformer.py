"""Window-level Q-Former (SALMONN): a few learned queries per fixed window of encoder frames.

Every window is an independent item of one batch (B * windows, window, D), so the cost is linear
in the audio length and no Python loop runs over windows.
"""

import torch
from torch import nn

from asrbench.models.attention import LayerNorm, ResidualAttentionBlock
from asrbench.models.encoder import padding_mask


class WindowQFormer(nn.Module):
    """(B, T, in_dim) encoder states -> (B, ceil(T / window) * num_queries, out_dim) speech tokens."""

    def __init__(self, in_dim: int, out_dim: int, window: int = 8, num_queries: int = 1, layers: int = 2,
                 heads: int = 4, dim: int | None = None, dropout: float = 0.1):
        super().__init__()
        dim = dim or in_dim
        self.window, self.num_queries = window, num_queries
        self.input = nn.Linear(in_dim, dim) if dim != in_dim else nn.Identity()
        self.queries = nn.Parameter(torch.randn(num_queries, dim) * 0.02)
        self.blocks = nn.ModuleList(ResidualAttentionBlock(dim, heads, cross_attention=True, dropout=dropout)
                                    for _ in range(layers))
        self.ln = LayerNorm(dim)
        self.proj = nn.Linear(dim, out_dim)

    def output_lengths(self, enc_lens: torch.Tensor) -> torch.Tensor:
        windows = torch.div(enc_lens + self.window - 1, self.window, rounding_mode="floor")
        return windows * self.num_queries

    def forward(self, enc: torch.Tensor, enc_lens: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        b, t, _ = enc.shape
        windows = -(-t // self.window)
        x = self.input(enc)
        x = nn.functional.pad(x, (0, 0, 0, windows * self.window - t)).reshape(b * windows, self.window, -1)
        valid = padding_mask(enc_lens, windows * self.window).reshape(b * windows, self.window)
        # Windows past the end have no valid frame; let them attend to everything (their output is
        # dropped) instead of to nothing, which would give NaN.
        valid = valid | ~valid.any(dim=1, keepdim=True)
        queries = self.queries.to(x.dtype).expand(b * windows, -1, -1)
        for block in self.blocks:
            queries, _, _ = block(queries, source=x, source_mask=valid[:, None, None, :])
        out = self.proj(self.ln(queries)).reshape(b, windows * self.num_queries, -1)
        return out, self.output_lengths(enc_lens)

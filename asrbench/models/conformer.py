"""Conformer encoder (Gulati et al., 2020): the conv2d stem, then macaron-FFN / self-attention / convolution blocks.

Each block's depthwise convolution gives every layer local context from the first step, so it learns much
faster from scratch than a plain transformer on a small budget. Written here rather than taken from
torchaudio because torchaudio's convolution module does not mask padding: an utterance's output would then
depend on what it is batched with (up to 0.2 on its last frames), and batch-1 latency runs and batched
evaluation would score different outputs. Here padded frames are zeroed before the depthwise convolution
(the same as zero-padding an unpadded input) and LayerNorm replaces BatchNorm.
"""

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from asrbench.models.attention import LayerNorm, MultiHeadAttention
from asrbench.models.encoder import Conv2dStem, add_positions, load_pretrained, padding_mask, sinusoids, strided_lengths


class FeedForward(nn.Sequential):
    def __init__(self, dim: int, hidden: int, dropout: float):
        super().__init__(LayerNorm(dim), nn.Linear(dim, hidden), nn.SiLU(), nn.Dropout(dropout),
                         nn.Linear(hidden, dim), nn.Dropout(dropout))


class ConvModule(nn.Module):
    def __init__(self, dim: int, kernel_size: int, dropout: float):
        super().__init__()
        self.ln = LayerNorm(dim)
        # The pointwise (kernel-1) convolutions are Linear layers: the same maps on (B, T, D) with no
        # transposes around them (a CTC training step 2% faster on a CPU: experiments/pointwise_linear).
        self.pointwise_in = nn.Linear(dim, 2 * dim)
        self.depthwise = nn.Conv1d(dim, dim, kernel_size, padding=kernel_size // 2, groups=dim)
        self.norm = LayerNorm(dim)
        self.pointwise_out = nn.Linear(dim, dim)
        self.dropout = nn.Dropout(dropout)
        self.register_load_state_dict_pre_hook(_pointwise_from_conv1d)

    def forward(self, x: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
        """(B, T, D) -> (B, T, D); ``valid`` (B, T) marks real frames."""
        y = F.glu(self.pointwise_in(self.ln(x)), dim=-1)
        y = self.depthwise(y.masked_fill(~valid[..., None], 0.0).transpose(1, 2))
        return self.dropout(self.pointwise_out(F.silu(self.norm(y.transpose(1, 2)))))


def _pointwise_from_conv1d(module: ConvModule, state_dict: dict, prefix: str, *_: object) -> None:
    """Checkpoints written before the pointwise layers were Linear hold (out, in, 1) Conv1d weights."""
    for name in ("pointwise_in", "pointwise_out"):
        weight = state_dict.get(f"{prefix}{name}.weight")
        if weight is not None and weight.dim() == 3:
            state_dict[f"{prefix}{name}.weight"] = weight.squeeze(-1)


class ConformerBlock(nn.Module):
    def __init__(self, dim: int, heads: int, ffn_dim: int, kernel_size: int, dropout: float):
        super().__init__()
        self.ffn1, self.ffn2 = FeedForward(dim, ffn_dim, dropout), FeedForward(dim, ffn_dim, dropout)
        self.attn_ln = LayerNorm(dim)
        self.attn = MultiHeadAttention(dim, heads)
        self.conv = ConvModule(dim, kernel_size, dropout)
        self.ln = LayerNorm(dim)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
        x = x + 0.5 * self.ffn1(x)
        y, _, _ = self.attn(self.attn_ln(x), mask=valid[:, None, None, :])
        x = x + self.dropout(y)
        x = x + self.conv(x, valid)
        return self.ln(x + 0.5 * self.ffn2(x))


class ConformerEncoder(nn.Module):
    def __init__(self, n_mels: int = 80, dim: int = 256, layers: int = 4, heads: int = 4, ffn_dim: int = 1024,
                 kernel_size: int = 15, strides: tuple[int, ...] = (2, 2),
                 stem_channels: int | Sequence[int] = 64,
                 max_positions: int = 6000, dropout: float = 0.1, checkpoint: str | None = None,
                 freeze: bool = False):
        super().__init__()
        self.dim, self.strides = dim, tuple(strides)
        self.stem = Conv2dStem(n_mels, dim, self.strides, stem_channels)
        self.register_buffer("positional_embedding", sinusoids(max_positions, dim), persistent=False)
        self.dropout = nn.Dropout(dropout)
        self.blocks = nn.ModuleList(ConformerBlock(dim, heads, ffn_dim, kernel_size, dropout) for _ in range(layers))
        if checkpoint:
            load_pretrained(self, checkpoint)
        if freeze:
            self.requires_grad_(False)

    def output_lengths(self, lengths: torch.Tensor) -> torch.Tensor:
        return strided_lengths(lengths, self.strides)

    def forward(self, features: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(B, n_mels, T) features -> (B, T', dim) states and (B,) lengths T'."""
        x = self.stem(features, lengths)
        x = self.dropout(add_positions(x, self.positional_embedding))
        lengths = self.output_lengths(lengths)
        valid = padding_mask(lengths, x.shape[1])
        for block in self.blocks:
            x = block(x, valid)
        return x, lengths

"""The shared speech encoder: a strided conv1d stem and a pre-LN transformer.

``strides=(2, 2)`` subsamples 10 ms frames by 4 (the asrbench default); ``strides=(1, 2)`` with
sinusoidal positions and Whisper's sizes is exactly Whisper's encoder, so its weights load as is.
"""

import math
from collections.abc import Sequence
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from asrbench.models.attention import LayerNorm, ResidualAttentionBlock


def sinusoids(length: int, channels: int, max_timescale: float = 10000.0) -> torch.Tensor:
    """Whisper's sinusoidal position table: (length, channels), sines then cosines."""
    increment = math.log(max_timescale) / (channels // 2 - 1)
    inv_timescales = torch.exp(-increment * torch.arange(channels // 2))
    scaled_time = torch.arange(length)[:, None] * inv_timescales[None, :]
    return torch.cat([scaled_time.sin(), scaled_time.cos()], dim=1)


def padding_mask(lengths: torch.Tensor, max_len: int) -> torch.Tensor:
    """(B, max_len) boolean, True on valid positions."""
    return torch.arange(max_len, device=lengths.device) < lengths[:, None]


def strided_lengths(lengths: torch.Tensor, strides: tuple[int, ...]) -> torch.Tensor:
    """Valid frames after convolutions with kernel 3, padding 1 and these strides: ceil(T / s) each."""
    for stride in strides:
        lengths = torch.div(lengths - 1, stride, rounding_mode="floor") + 1
    return lengths


def add_positions(x: torch.Tensor, table: torch.Tensor) -> torch.Tensor:
    """``x`` (B, T, D) plus the first T rows of the position ``table``, which must cover them."""
    if x.shape[1] > table.shape[0]:
        raise ValueError(f"input of {x.shape[1]} encoder frames exceeds max_positions={table.shape[0]}; "
                         "chunk long audio or raise encoder.max_positions")
    return x + table[: x.shape[1]].to(x.dtype)


class Conv2dStem(nn.Module):
    """Strided 3x3 convolutions over (frequency, time), then a projection to the model width.

    Unlike a conv1d stem, which treats the mel bins as unrelated channels, it is shift-equivariant in
    frequency, so a voice's pitch or formants moving up or down a few bins look alike to it. Frames past
    an utterance's end are zeroed before each convolution, so batching never changes an utterance's output.
    The output is layer-normalised: at initialisation a projection's output is ~0.05 in scale while the
    sinusoidal positions are ~0.6, and a transformer trained from scratch would first see little but position.
    """

    def __init__(self, n_mels: int, dim: int, strides: tuple[int, ...], channels: int | Sequence[int] = 64):
        super().__init__()
        self.strides = tuple(strides)
        widths = [channels] * len(self.strides) if isinstance(channels, int) else list(channels)
        if len(widths) != len(self.strides):
            raise ValueError(f"encoder.stem_channels: one width per stride {list(self.strides)}, got {widths}")
        self.convs, in_channels, freq = nn.ModuleList(), 1, n_mels
        for stride, width in zip(self.strides, widths, strict=True):
            self.convs.append(nn.Conv2d(in_channels, width, 3, stride=(2, stride), padding=1))
            in_channels, freq = width, (freq - 1) // 2 + 1
        self.proj = nn.Linear(in_channels * freq, dim)
        self.ln = LayerNorm(dim)

    def forward(self, features: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        x = features[:, None]  # (B, 1, F, T)
        for conv, stride in zip(self.convs, self.strides, strict=True):
            x = F.gelu(conv(x.masked_fill(~padding_mask(lengths, x.shape[-1])[:, None, None, :], 0.0)))
            lengths = strided_lengths(lengths, (stride,))
        return self.ln(self.proj(x.flatten(1, 2).transpose(1, 2)))


class TransformerEncoder(nn.Module):
    def __init__(self, n_mels: int = 80, dim: int = 256, layers: int = 6, heads: int = 4,
                 strides: tuple[int, ...] = (2, 2), max_positions: int = 6000, dropout: float = 0.1,
                 stem: str = "conv1d", stem_channels: int | Sequence[int] = 64, checkpoint: str | None = None,
                 freeze: bool = False):
        super().__init__()
        self.dim, self.strides = dim, tuple(strides)
        if stem == "conv2d":
            self.stem = Conv2dStem(n_mels, dim, self.strides, stem_channels)
        elif stem == "conv1d":
            self.stem = None
            channels = n_mels
            for i, stride in enumerate(self.strides, start=1):
                # Named conv1/conv2 like Whisper so its stem loads without renaming.
                self.add_module(f"conv{i}", nn.Conv1d(channels, dim, kernel_size=3, stride=stride, padding=1))
                channels = dim
        else:
            raise ValueError(f"encoder.stem must be 'conv1d' or 'conv2d', got {stem!r}")
        self.register_buffer("positional_embedding", sinusoids(max_positions, dim), persistent=False)
        self.blocks = nn.ModuleList(ResidualAttentionBlock(dim, heads, dropout=dropout) for _ in range(layers))
        self.ln_post = LayerNorm(dim)
        self.dropout = nn.Dropout(dropout)
        if checkpoint:
            load_pretrained(self, checkpoint)
        if freeze:
            self.requires_grad_(False)

    @property
    def convs(self) -> list[nn.Conv1d]:
        return [getattr(self, f"conv{i}") for i in range(1, len(self.strides) + 1)]

    def output_lengths(self, lengths: torch.Tensor) -> torch.Tensor:
        return strided_lengths(lengths, self.strides)

    def forward(self, features: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(B, n_mels, T) features -> (B, T', dim) states and (B,) lengths T'."""
        if self.stem is not None:
            x = self.stem(features, lengths)
        else:
            x, frames = features, lengths
            for conv, stride in zip(self.convs, self.strides, strict=True):
                # zeroing frames past the end makes batching invisible; with Whisper's 30 s input it is a no-op
                x = F.gelu(conv(x.masked_fill(~padding_mask(frames, x.shape[-1])[:, None, :], 0.0)))
                frames = strided_lengths(frames, (stride,))
            x = x.transpose(1, 2)
        x = self.dropout(add_positions(x, self.positional_embedding))
        lengths = self.output_lengths(lengths)
        mask = padding_mask(lengths, x.shape[1])[:, None, None, :]
        for block in self.blocks:
            x, _, _ = block(x, mask=mask)
        return self.ln_post(x), lengths


def load_pretrained(encoder: nn.Module, path: str) -> None:
    """Initialise ``encoder`` from an asrbench checkpoint or an imported Whisper file (its ``encoder.*`` weights)."""
    from asrbench.training.checkpoint import load_state_dict

    state = load_state_dict(Path(path))
    prefix = next((p for p in ("model.encoder.", "encoder.") if any(k.startswith(p) for k in state)), None)
    if prefix is None:
        raise ValueError(f"{path} holds no encoder weights (no keys starting with 'encoder.')")
    encoder_state = {k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)}
    try:
        missing, unexpected = encoder.load_state_dict(encoder_state, strict=False)
    except RuntimeError as err:  # same names, other sizes
        raise ValueError(f"{path}: encoder weights do not fit encoder config: "
                         f"{str(err).splitlines()[1].strip()}") from None
    if missing or unexpected:
        raise ValueError(f"{path}: encoder weights do not fit encoder config "
                         f"(missing {missing[:5]}, unexpected {unexpected[:5]})")

"""Whisper-compatible log-Mel frontend (an nn.Module, so checkpoints carry it and latency counts it)."""

import torch
import torchaudio
from torch import nn


class LogMel(nn.Module):
    """Log-Mel features exactly as Whisper computes them, for a padded batch.

    16 kHz audio, 400-point periodic Hann STFT with hop 160 (10 ms), Slaney-scale/Slaney-normalised
    mel filters, log10 clamped at 1e-10 and at (utterance max - 8), then (x + 4) / 4. Whisper takes
    the max over the whole utterance; here it is taken over each utterance's valid frames, so
    padding never changes an utterance's features.

    ``mean_norm=True`` (off for Whisper compatibility) then subtracts each mel bin's mean over the
    utterance's valid frames (cepstral mean normalisation done on log-Mel), so a voice's or a channel's
    long-term spectral colouring is removed and what remains is how the spectrum moves; padded frames are 0.
    """

    def __init__(self, sample_rate: int = 16000, n_fft: int = 400, hop_length: int = 160, n_mels: int = 80,
                 pad_to_seconds: float = 0.0, mean_norm: bool = False, specaugment: nn.Module | None = None):
        super().__init__()
        self.sample_rate, self.hop_length, self.n_mels = sample_rate, hop_length, n_mels
        # Whisper pads every input to 30 s; ``pad_to_seconds=30`` reproduces its encoder input exactly.
        self.pad_to_samples = int(pad_to_seconds * sample_rate)
        self.mel = torchaudio.transforms.MelSpectrogram(
            sample_rate=sample_rate, n_fft=n_fft, hop_length=hop_length, n_mels=n_mels,
            power=2.0, center=True, pad_mode="reflect", norm="slaney", mel_scale="slaney",
        )
        self.mean_norm = mean_norm
        self.specaugment = specaugment

    def num_frames(self, num_samples: torch.Tensor) -> torch.Tensor:
        return torch.div(num_samples, self.hop_length, rounding_mode="floor")

    def forward(self, audio: torch.Tensor, audio_lens: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(B, samples) float audio -> (B, n_mels, frames) features and (B,) frame counts."""
        if self.pad_to_samples:
            audio = nn.functional.pad(audio, (0, max(self.pad_to_samples - audio.shape[-1], 0)))
        lengths = self.num_frames(audio_lens)
        if self.pad_to_samples:
            lengths = torch.full_like(lengths, self.pad_to_samples // self.hop_length)
        with torch.autocast(audio.device.type, enabled=False):
            power = self.mel(audio.float())[..., :-1]  # Whisper drops the last STFT frame
            log_spec = power.clamp(min=1e-10).log10()
            valid = torch.arange(log_spec.shape[-1], device=audio.device) < lengths[:, None]
            utt_max = log_spec.masked_fill(~valid[:, None, :], float("-inf")).amax(dim=(1, 2), keepdim=True)
            log_spec = (torch.maximum(log_spec, utt_max - 8.0) + 4.0) / 4.0
            if self.mean_norm:
                log_spec = log_spec.masked_fill(~valid[:, None, :], 0.0)
                mean = log_spec.sum(-1, keepdim=True) / lengths.clamp(min=1)[:, None, None]
                log_spec = (log_spec - mean).masked_fill(~valid[:, None, :], 0.0)
        if self.training and self.specaugment is not None:
            log_spec = self.specaugment(log_spec)
        return log_spec, lengths

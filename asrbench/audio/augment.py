"""On-the-fly waveform augmentation for training: speed perturbation, additive noise, room reverberation.

Every random choice comes from a ``torch.Generator`` that the dataset seeds per (seed, epoch, utterance),
so an augmented epoch is reproducible, and a resumed run sees exactly the audio the uninterrupted one saw.
SpecAugment, on the features, stays in the frontend (``frontend.specaugment``).
"""

import math
from pathlib import Path

import torch
import torchaudio.functional as AF
from torchaudio.transforms import Resample

from asrbench.audio.io import AUDIO_SUFFIXES, load_audio

NOISE_COLORS = {"white": 0.0, "pink": 1.0, "brown": 2.0}  # power spectrum ~ 1 / f^exponent


def uniform(low: float, high: float, generator: torch.Generator) -> float:
    return low + (high - low) * float(torch.rand((), generator=generator))


def chance(p: float, generator: torch.Generator) -> bool:
    return p > 0 and float(torch.rand((), generator=generator)) < p


class SpeedPerturbation:
    """Resample to change tempo and pitch together (Kaldi/sox "speed"), one factor drawn per utterance."""

    def __init__(self, factors: tuple[float, ...] = (0.9, 1.0, 1.1), sample_rate: int = 16000):
        if not factors or min(factors) <= 0:
            raise ValueError(f"speed factors must be positive, got {factors}")
        self.factors = list(factors)
        # What torchaudio.functional.speed does, with each factor's resampling kernel built once.
        self.resamplers = {f: Resample(int(f * sample_rate), sample_rate) for f in self.factors if f != 1.0}

    def __call__(self, audio: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        factor = self.factors[int(torch.randint(len(self.factors), (), generator=generator))]
        if factor == 1.0:
            return audio
        return self.resamplers[factor](audio)


def colored_noise(num_samples: int, exponent: float, generator: torch.Generator) -> torch.Tensor:
    """Gaussian noise whose power spectrum falls as 1/f^exponent (0 white, 1 pink, 2 brown), unit RMS."""
    white = torch.randn(num_samples, generator=generator)
    if exponent == 0:
        return white / white.std().clamp(min=1e-8)
    spectrum = torch.fft.rfft(white)
    freqs = torch.fft.rfftfreq(num_samples)
    freqs[0] = freqs[1] if num_samples > 1 else 1.0  # no infinite gain at DC
    noise = torch.fft.irfft(spectrum / freqs.pow(exponent / 2), n=num_samples)
    return noise / noise.std().clamp(min=1e-8)


class AddNoise:
    """Add noise at a signal-to-noise ratio drawn uniformly from ``snr_db`` (dB), with probability ``p``.

    Noise comes from the audio files under ``noise_dir`` (a random excerpt, looped when shorter) or,
    when ``noise_dir`` is null, is generated with a random colour from ``colors``.
    """

    def __init__(self, p: float = 0.5, snr_db: tuple[float, float] = (5.0, 20.0), noise_dir: str | None = None,
                 colors: tuple[str, ...] = ("white", "pink", "brown"), sample_rate: int = 16000):
        unknown = set(colors) - set(NOISE_COLORS)
        if unknown:
            raise ValueError(f"unknown noise colour(s) {sorted(unknown)}; choose from {sorted(NOISE_COLORS)}")
        self.p, self.snr_db, self.colors, self.sample_rate = p, tuple(snr_db), list(colors), sample_rate
        self.noise_files: list[Path] = []
        if noise_dir is not None:
            self.noise_files = sorted(f for f in Path(noise_dir).rglob("*") if f.suffix.lower() in AUDIO_SUFFIXES)
            if not self.noise_files:
                raise FileNotFoundError(f"noise_dir {noise_dir} holds no audio files ({', '.join(AUDIO_SUFFIXES)})")

    def noise(self, num_samples: int, generator: torch.Generator) -> torch.Tensor:
        if not self.noise_files:
            color = self.colors[int(torch.randint(len(self.colors), (), generator=generator))]
            return colored_noise(num_samples, NOISE_COLORS[color], generator)
        path = self.noise_files[int(torch.randint(len(self.noise_files), (), generator=generator))]
        noise = load_audio(path, self.sample_rate)
        noise = noise.repeat(math.ceil(num_samples / len(noise)) + 1)
        start = int(torch.randint(len(noise) - num_samples + 1, (), generator=generator))
        return noise[start : start + num_samples]

    def __call__(self, audio: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        if not chance(self.p, generator):
            return audio
        snr = torch.tensor([uniform(*self.snr_db, generator)])
        noise = self.noise(len(audio), generator)
        return AF.add_noise(audio[None], noise[None], snr)[0]


def synthetic_rir(rt60: float, sample_rate: int, generator: torch.Generator,
                  direct_to_reverb_db: float = 0.0) -> torch.Tensor:
    """A room impulse response: a direct-path impulse followed by exponentially decaying Gaussian noise
    that falls by 60 dB after ``rt60`` seconds (the standard statistical model of late reverberation)."""
    num_samples = max(int(rt60 * sample_rate), 2)
    t = torch.arange(num_samples) / sample_rate
    tail = torch.randn(num_samples, generator=generator) * torch.exp(-math.log(1000.0) * t / rt60)
    tail[0] = 0.0
    tail *= 10 ** (-direct_to_reverb_db / 20) / tail.norm().clamp(min=1e-8)
    tail[0] = 1.0
    return tail


def convolve(signal: torch.Tensor, kernel: torch.Tensor) -> torch.Tensor:
    """Full linear convolution, as ``torchaudio.functional.fftconvolve`` computes it, but with the FFT
    length rounded up to a power of two: 5x faster at utterance lengths, whose sizes often have large
    prime factors."""
    full = len(signal) + len(kernel) - 1
    n = 1 << (full - 1).bit_length()
    return torch.fft.irfft(torch.fft.rfft(signal, n) * torch.fft.rfft(kernel, n), n)[:full]


class Reverberate:
    """Convolve with a synthetic room impulse response (RT60 drawn from ``rt60`` s) with probability ``p``.

    The output keeps the input's length and RMS level, so SNR and loudness stay comparable.
    """

    def __init__(self, p: float = 0.3, rt60: tuple[float, float] = (0.2, 0.8),
                 direct_to_reverb_db: tuple[float, float] = (0.0, 10.0), sample_rate: int = 16000):
        self.p, self.rt60, self.sample_rate = p, tuple(rt60), sample_rate
        self.direct_to_reverb_db = tuple(direct_to_reverb_db)

    def __call__(self, audio: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        if not chance(self.p, generator):
            return audio
        rir = synthetic_rir(uniform(*self.rt60, generator), self.sample_rate, generator,
                            uniform(*self.direct_to_reverb_db, generator))
        wet = convolve(audio, rir)[: len(audio)]
        return wet * (audio.pow(2).mean().sqrt() / wet.pow(2).mean().sqrt().clamp(min=1e-8))


class WaveformAugment:
    """Speed perturbation, then reverberation (the room), then noise (heard in the room or added by the
    microphone), as Kaldi and ESPnet order them; any of the three may be None (off)."""

    def __init__(self, speed: SpeedPerturbation | None = None, reverb: Reverberate | None = None,
                 noise: AddNoise | None = None):
        self.steps = [step for step in (speed, reverb, noise) if step is not None]

    def __call__(self, audio: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        for step in self.steps:
            audio = step(audio, generator)
        return audio

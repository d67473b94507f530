"""Audio reading with soundfile: mono float32 at the requested sample rate, with clear errors."""

from pathlib import Path

import numpy as np
import soundfile as sf
import torch
import torchaudio.functional as AF

AUDIO_SUFFIXES = (".wav", ".flac", ".mp3", ".ogg", ".opus")  # what soundfile (libsndfile >= 1.1) reads


class AudioError(ValueError):
    """Audio that cannot be used; the message names the file and what was wrong."""


def load_audio(path: str | Path, sample_rate: int = 16000, offset: float = 0.0,
               duration: float | None = None) -> torch.Tensor:
    """Read ``path`` as a 1-D float32 tensor at ``sample_rate``.

    Multi-channel audio is averaged to mono and any other rate is resampled. ``offset`` and
    ``duration`` (seconds) select a segment, as Kaldi ``segments`` files do.
    """
    path = Path(path)
    if not path.is_file():
        raise AudioError(f"audio file {path} does not exist")
    try:
        with sf.SoundFile(path) as f:
            native_rate = f.samplerate
            f.seek(int(round(offset * native_rate)))
            frames = -1 if duration is None else int(round(duration * native_rate))
            samples = f.read(frames, dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, TypeError) as err:
        raise AudioError(f"audio file {path} cannot be read as audio ({err})") from None
    if samples.shape[0] == 0:
        raise AudioError(f"audio file {path} is empty (0 samples)")
    waveform = torch.from_numpy(np.ascontiguousarray(samples.mean(axis=1)))
    if native_rate != sample_rate:
        waveform = AF.resample(waveform, native_rate, sample_rate)
    return waveform


def save_audio(path: str | Path, waveform: torch.Tensor | np.ndarray, sample_rate: int) -> None:
    """Write a mono waveform (format from the suffix: .wav, .flac, .ogg)."""
    data = waveform.numpy() if isinstance(waveform, torch.Tensor) else waveform
    sf.write(str(path), data, sample_rate)

import numpy as np
import pytest
import soundfile as sf
import torch

from asrbench.audio.io import AudioError, load_audio
from tests.conftest import tone


@pytest.mark.parametrize("rate", [8000, 16000, 22050, 44100])
def test_other_rates_are_resampled(tmp_path, rate):
    path = tmp_path / f"t{rate}.wav"
    sf.write(path, tone(1.0, rate, freq=440.0), rate)
    audio = load_audio(path, 16000)
    assert audio.dtype == torch.float32 and abs(len(audio) - 16000) <= 1
    spectrum = np.abs(np.fft.rfft(audio.numpy()))
    assert abs(int(spectrum.argmax()) - 440) <= 2  # the tone survives resampling


def test_stereo_is_averaged_to_mono(tmp_path):
    left, right = tone(0.5), np.zeros(8000, dtype=np.float32)
    sf.write(tmp_path / "s.flac", np.stack([left, right], axis=1), 16000)
    audio = load_audio(tmp_path / "s.flac")
    assert audio.ndim == 1 and torch.allclose(audio, torch.from_numpy(left) / 2, atol=1e-4)


def test_segment_by_offset_and_duration(tmp_path):
    sf.write(tmp_path / "a.wav", np.arange(32000, dtype=np.float32) / 32000, 16000)
    segment = load_audio(tmp_path / "a.wav", offset=0.5, duration=0.25)
    assert len(segment) == 4000 and abs(float(segment[0]) - 0.25) < 1e-3


@pytest.mark.parametrize("content, message", [
    (None, "does not exist"),
    (b"", "cannot be read as audio"),
    (b"RIFF\x24\x00\x00\x00WAVEfmt garbage", "cannot be read as audio"),
    (b"id,text\n1,hello\n", "cannot be read as audio"),
])
def test_unreadable_audio_names_the_file(tmp_path, content, message):
    path = tmp_path / "bad.wav"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(AudioError, match=rf"bad\.wav .*{message}"):
        load_audio(path)


def test_zero_length_audio_is_rejected(tmp_path):
    sf.write(tmp_path / "empty.wav", np.zeros(0, dtype=np.float32), 16000)
    with pytest.raises(AudioError, match=r"empty\.wav is empty"):
        load_audio(tmp_path / "empty.wav")

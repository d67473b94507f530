"""Waveform augmentation: each step measured against what it claims (speed, SNR, colour, RT60), and seeded."""

import math

import numpy as np
import pytest
import soundfile as sf
import torch
import torchaudio.functional as AF

from asrbench.audio.augment import (
    AddNoise,
    Reverberate,
    SpeedPerturbation,
    WaveformAugment,
    colored_noise,
    convolve,
    synthetic_rir,
)
from tests.conftest import tone

SR = 16000


def gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def dominant_frequency(audio: torch.Tensor) -> float:
    spectrum = torch.fft.rfft(audio).abs()
    return float(torch.fft.rfftfreq(len(audio), 1 / SR)[spectrum.argmax()])


@pytest.mark.parametrize("factor", [0.9, 1.1])
def test_speed_matches_torchaudio_and_scales_length_and_pitch(factor):
    audio = torch.from_numpy(tone(2.0, SR, freq=400.0))
    out = SpeedPerturbation(factors=(factor,))(audio, gen())
    reference = AF.speed(audio, SR, factor)[0]
    assert out.shape == reference.shape and torch.allclose(out, reference, atol=1e-5)
    assert abs(len(out) - len(audio) / factor) <= 1
    assert dominant_frequency(out) == pytest.approx(400.0 * factor, abs=1.0)


def test_speed_factor_one_is_the_identity():
    audio = torch.randn(8000)
    assert SpeedPerturbation(factors=(1.0,))(audio, gen()) is audio


def test_noise_is_added_at_the_drawn_snr():
    audio = torch.from_numpy(tone(1.0, SR))
    out = AddNoise(p=1.0, snr_db=(10.0, 10.0))(audio, gen())
    noise = out - audio
    snr = 10 * math.log10(float(audio.pow(2).sum() / noise.pow(2).sum()))
    assert snr == pytest.approx(10.0, abs=0.01)


@pytest.mark.parametrize(("color", "slope"), [(0.0, 0.0), (1.0, -1.0), (2.0, -2.0)])
def test_colored_noise_has_the_requested_spectral_slope(color, slope):
    noise = colored_noise(2**16, color, gen())
    assert float(noise.std()) == pytest.approx(1.0, abs=1e-4)
    power = torch.fft.rfft(noise).abs().pow(2)[1:].double()
    freqs = torch.fft.rfftfreq(2**16)[1:].double()
    fitted = np.polyfit(freqs.log().numpy(), power.log().numpy(), 1)[0]
    assert fitted == pytest.approx(slope, abs=0.05)


def test_noise_from_a_folder_is_used_and_an_empty_folder_is_an_error(tmp_path):
    sf.write(tmp_path / "hum.wav", tone(0.3, SR, freq=1000.0), SR)  # shorter than the speech: looped
    speech = torch.from_numpy(tone(1.0, SR, freq=200.0))
    out = AddNoise(p=1.0, snr_db=(0.0, 0.0), noise_dir=str(tmp_path))(speech, gen())
    assert dominant_frequency(out - speech) == pytest.approx(1000.0, abs=2.0)
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="empty holds no audio files"):
        AddNoise(noise_dir=str(tmp_path / "empty"))
    with pytest.raises(ValueError, match="unknown noise colour"):
        AddNoise(colors=("purple",))


def test_synthetic_rir_decays_60_db_in_rt60():
    rt60 = 0.5
    rir = synthetic_rir(rt60, SR, gen(), direct_to_reverb_db=0.0)
    assert rir[0] == 1.0 and float(rir[1:].norm()) == pytest.approx(1.0, rel=1e-5)
    # Schroeder backward integration of the tail: its decay from -5 to -25 dB, extrapolated to 60 dB.
    energy = rir[1:].double().pow(2).flip(0).cumsum(0).flip(0)
    decay_db = 10 * torch.log10(energy / energy[0])
    t5, t25 = [int((decay_db > -db).sum()) / SR for db in (5, 25)]
    assert 3 * (t25 - t5) == pytest.approx(rt60, rel=0.1)


def test_reverberation_keeps_length_and_level():
    audio = torch.from_numpy(tone(1.0, SR))
    out = Reverberate(p=1.0, rt60=(0.6, 0.6))(audio, gen())
    assert out.shape == audio.shape and not torch.allclose(out, audio, atol=1e-3)
    assert float(out.pow(2).mean().sqrt()) == pytest.approx(float(audio.pow(2).mean().sqrt()), rel=1e-4)


def test_probability_zero_leaves_audio_untouched():
    audio = torch.randn(SR)
    assert AddNoise(p=0.0)(audio, gen()) is audio and Reverberate(p=0.0)(audio, gen()) is audio


def test_augmentation_is_a_function_of_the_generator_seed():
    augment = WaveformAugment(SpeedPerturbation(), Reverberate(p=0.5), AddNoise(p=0.5))
    audio = torch.from_numpy(tone(1.0, SR))
    outputs = [augment(audio, gen(seed)) for seed in range(6)]
    assert all(torch.equal(out, augment(audio, gen(seed))) for seed, out in enumerate(outputs))
    assert len({(len(o), round(float(o.sum()), 4)) for o in outputs}) > 1


def test_convolve_equals_torchaudio_fftconvolve():
    signal, kernel = torch.randn(9973), torch.randn(1201)  # prime lengths
    assert torch.allclose(convolve(signal, kernel), AF.fftconvolve(signal, kernel), atol=1e-4)

import numpy as np
import torch
import torchaudio

from asrbench.audio.features import LogMel


def slaney_mel_filters(sample_rate: int, n_fft: int, n_mels: int) -> np.ndarray:
    """Slaney-scale, Slaney-normalised triangular filters, written from the definition (as librosa does)."""
    f_sp, min_log_hz, min_log_mel, logstep = 200.0 / 3, 1000.0, 15.0, np.log(6.4) / 27.0

    def hz_to_mel(f):
        f = np.asarray(f, dtype=np.float64)
        return np.where(f < min_log_hz, f / f_sp, min_log_mel + np.log(np.maximum(f, 1e-10) / min_log_hz) / logstep)

    def mel_to_hz(m):
        return np.where(m < min_log_mel, m * f_sp, min_log_hz * np.exp(logstep * (m - min_log_mel)))

    fft_freqs = np.linspace(0, sample_rate / 2, n_fft // 2 + 1)
    hz = mel_to_hz(np.linspace(hz_to_mel(0.0), hz_to_mel(sample_rate / 2), n_mels + 2))
    filters = np.zeros((n_mels, len(fft_freqs)))
    for i in range(n_mels):
        lower = (fft_freqs - hz[i]) / (hz[i + 1] - hz[i])
        upper = (hz[i + 2] - fft_freqs) / (hz[i + 2] - hz[i + 1])
        filters[i] = np.maximum(0, np.minimum(lower, upper)) * 2.0 / (hz[i + 2] - hz[i])
    return filters


def reference_log_mel(audio: np.ndarray, n_fft: int = 400, hop: int = 160, n_mels: int = 80) -> np.ndarray:
    padded = np.pad(audio.astype(np.float64), n_fft // 2, mode="reflect")
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n_fft) / n_fft)  # periodic Hann
    frames = np.lib.stride_tricks.sliding_window_view(padded, n_fft)[::hop] * window
    power = np.abs(np.fft.rfft(frames, axis=-1)) ** 2
    mel = slaney_mel_filters(16000, n_fft, n_mels) @ power[:-1].T
    log_spec = np.log10(np.maximum(mel, 1e-10))
    log_spec = np.maximum(log_spec, log_spec.max() - 8.0)
    return (log_spec + 4.0) / 4.0


def speech_like(seconds: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * 16000)) / 16000
    tone = sum(np.sin(2 * np.pi * f * t) * a for f, a in [(180, 0.3), (720, 0.1), (2500, 0.05)])
    return (tone * (0.5 + 0.5 * np.sin(2 * np.pi * 3 * t)) + 0.01 * rng.standard_normal(len(t))).astype(np.float32)


def test_logmel_matches_independent_numpy_reference():
    frontend = LogMel().eval()
    for seed, seconds in enumerate([0.5, 1.37, 3.0]):
        audio = speech_like(seconds, seed)
        features, lengths = frontend(torch.from_numpy(audio)[None], torch.tensor([len(audio)]))
        expected = reference_log_mel(audio)
        assert features.shape == (1, 80, expected.shape[1]) and int(lengths[0]) == expected.shape[1]
        np.testing.assert_allclose(features[0].numpy(), expected, atol=1e-4)


def test_padding_does_not_change_an_utterance():
    frontend = LogMel().eval()
    short, long = speech_like(1.0, 1), speech_like(2.0, 2)
    batch = torch.zeros(2, len(long))
    batch[0, : len(short)], batch[1] = torch.from_numpy(short), torch.from_numpy(long)
    features, lengths = frontend(batch, torch.tensor([len(short), len(long)]))
    alone, _ = frontend(torch.from_numpy(short)[None], torch.tensor([len(short)]))
    n = int(lengths[0])
    # the last frames see the zero padding through the STFT window; all earlier frames are identical
    torch.testing.assert_close(features[0, :, : n - 2], alone[0, :, : n - 2], atol=1e-5, rtol=0)


def test_specaugment_only_in_training():
    frontend = LogMel(specaugment=torchaudio.transforms.SpecAugment(2, 20, 2, 10, zero_masking=True))
    audio = torch.from_numpy(speech_like(2.0, 3))[None]
    lengths = torch.tensor([audio.shape[1]])
    frontend.eval()
    clean, _ = frontend(audio, lengths)
    torch.testing.assert_close(frontend(audio, lengths)[0], clean)
    frontend.train()
    torch.manual_seed(0)
    assert not torch.equal(frontend(audio, lengths)[0], clean)


def test_mean_norm_removes_each_bins_utterance_mean_over_valid_frames():
    short, long = speech_like(1.0, 4), speech_like(2.0, 5)
    batch = torch.zeros(2, len(long))
    batch[0, : len(short)], batch[1] = torch.from_numpy(short), torch.from_numpy(long)
    lens = torch.tensor([len(short), len(long)])
    plain, lengths = LogMel().eval()(batch, lens)
    normed, _ = LogMel(mean_norm=True).eval()(batch, lens)
    for row, n in enumerate(lengths.tolist()):
        expected = plain[row, :, :n] - plain[row, :, :n].mean(-1, keepdim=True)
        torch.testing.assert_close(normed[row, :, :n], expected, atol=1e-5, rtol=0)
        assert normed[row, :, :n].mean(-1).abs().max() < 1e-5
        assert torch.all(normed[row, :, n:] == 0)  # padding stays neutral for the stem and SpecAugment's zeros


def test_mean_norm_cancels_a_fixed_colouring_of_the_voice():
    audio = torch.from_numpy(speech_like(1.5, 6))[None]
    lens = torch.tensor([audio.shape[1]])
    # a fixed filter (a different channel or vocal tract) multiplies each bin's power by a constant,
    # which log-Mel turns into a per-bin offset: mean normalisation removes it, the plain features keep it
    coloured = torchaudio.functional.lfilter(audio, torch.tensor([1.0, -0.9]), torch.tensor([1.0, 0.0]), clamp=False)
    coloured = coloured / coloured.abs().max() * audio.abs().max()
    plain, normed = LogMel().eval(), LogMel(mean_norm=True).eval()
    plain_gap = (plain(audio, lens)[0] - plain(coloured, lens)[0]).abs().mean()
    normed_gap = (normed(audio, lens)[0] - normed(coloured, lens)[0]).abs().mean()
    assert normed_gap < 0.2 * plain_gap, (float(normed_gap), float(plain_gap))

import torch

from asrbench.audio.features import LogMel
from asrbench.models.conformer import ConformerEncoder
from asrbench.models.encoder import TransformerEncoder
from asrbench.models.qformer import WindowQFormer


def test_speech_token_count_matches_a_hand_computed_case():
    # 2.5 s at 16 kHz -> 250 log-Mel frames (10 ms hop) -> 125 -> 63 encoder frames (two stride-2 convs, 40 ms)
    # -> ceil(63 / 8) = 8 windows of 0.32 s. 1.0 s -> 100 -> 50 -> 25 frames -> ceil(25 / 8) = 4 windows.
    torch.manual_seed(0)
    frontend, encoder = LogMel().eval(), TransformerEncoder(dim=32, layers=1, heads=2).eval()
    audio = torch.randn(2, 40000) * 0.1
    enc, enc_lens = encoder(*frontend(audio, torch.tensor([40000, 16000])))
    assert enc_lens.tolist() == [63, 25]
    for queries, expected in [(1, [8, 4]), (2, [16, 8])]:
        qformer = WindowQFormer(32, 48, window=8, num_queries=queries, heads=2).eval()
        tokens, lens = qformer(enc, enc_lens)
        assert lens.tolist() == expected
        assert tokens.shape == (2, expected[0], 48)


def test_speech_token_count_with_the_default_60_ms_encoder():
    # conformer_s's strides (2, 3): 2.5 s -> 250 frames -> 125 -> ceil(125 / 3) = 42 encoder frames (60 ms)
    # -> ceil(42 / 6) = 7 windows of 0.36 s (model.qformer.window=6). 1.0 s -> 100 -> 50 -> 17 -> 3 windows.
    frontend = LogMel().eval()
    encoder = ConformerEncoder(dim=32, layers=1, heads=2, ffn_dim=64, strides=(2, 3), stem_channels=4).eval()
    audio = torch.randn(2, 40000) * 0.1
    enc, enc_lens = encoder(*frontend(audio, torch.tensor([40000, 16000])))
    assert enc_lens.tolist() == [42, 17] and enc.shape[1] == 42
    tokens, lens = WindowQFormer(32, 48, window=6, heads=2).eval()(enc, enc_lens)
    assert lens.tolist() == [7, 3] and tokens.shape == (2, 7, 48)


def test_windows_are_independent_and_padding_is_ignored():
    torch.manual_seed(0)
    qformer = WindowQFormer(16, 24, window=4, num_queries=2, layers=2, heads=2, dropout=0.0).eval()
    enc = torch.randn(1, 10, 16)
    alone, lens = qformer(enc, torch.tensor([10]))
    assert lens.tolist() == [6] and alone.shape == (1, 6, 24)  # ceil(10 / 4) = 3 windows x 2 queries
    changed = enc.clone()
    changed[:, 4:8] += 1.0  # the second window only
    other, _ = qformer(changed, torch.tensor([10]))
    torch.testing.assert_close(other[:, [0, 1, 4, 5]], alone[:, [0, 1, 4, 5]])
    assert not torch.allclose(other[:, 2:4], alone[:, 2:4])
    padded = torch.cat([torch.cat([enc, torch.randn(1, 7, 16) * 100], dim=1), torch.randn(1, 17, 16)])
    batch, batch_lens = qformer(padded, torch.tensor([10, 17]))
    assert batch_lens.tolist() == [6, 10]
    assert torch.isfinite(batch).all()
    torch.testing.assert_close(batch[:1, :6], alone, atol=1e-5, rtol=1e-5)

import pytest
import torch

from asrbench.models.conformer import ConformerEncoder
from asrbench.models.encoder import TransformerEncoder

ENCODERS = [
    lambda: TransformerEncoder(dim=64, layers=2, heads=2, dropout=0.0),  # conv1d stem, as Whisper
    lambda: TransformerEncoder(dim=64, layers=2, heads=2, dropout=0.0, stem="conv2d"),
    lambda: ConformerEncoder(dim=64, layers=2, heads=2, ffn_dim=128, dropout=0.0),
    lambda: ConformerEncoder(dim=64, layers=2, heads=2, ffn_dim=128, dropout=0.0, stem_channels=[4, 8]),
]


@pytest.mark.parametrize("make", ENCODERS)
def test_batching_never_changes_an_utterance(make):
    torch.manual_seed(0)
    encoder = make().eval()
    short = torch.randn(1, 80, 203)
    batch = torch.cat([torch.cat([short, 50 * torch.randn(1, 80, 150)], dim=-1), torch.randn(1, 80, 353)])
    together, lengths = encoder(batch, torch.tensor([203, 353]))
    alone, alone_lengths = encoder(short, torch.tensor([203]))
    n = int(lengths[0])
    assert n == int(alone_lengths[0]) == alone.shape[1] == 51  # 203 frames -> x4 subsampling, rounded up
    torch.testing.assert_close(together[0, :n], alone[0], atol=1e-5, rtol=1e-5)


def test_whisper_stem_keeps_whisper_parameter_names():
    names = set(TransformerEncoder(dim=64, layers=1, heads=2, strides=(1, 2)).state_dict())
    assert {"conv1.weight", "conv2.weight", "blocks.0.attn.query.weight", "ln_post.weight"} <= names


def test_unknown_stem_is_a_clear_error():
    with pytest.raises(ValueError, match="encoder.stem must be 'conv1d' or 'conv2d'"):
        TransformerEncoder(stem="conv3d")


def test_stem_channels_per_convolution():
    stem = ConformerEncoder(dim=64, layers=1, heads=2, ffn_dim=128, strides=(2, 3), stem_channels=[16, 64]).stem
    assert [conv.out_channels for conv in stem.convs] == [16, 64]
    assert [conv.in_channels for conv in stem.convs] == [1, 16]
    assert stem.proj.in_features == 64 * 20  # 80 mel bins halved twice
    same = ConformerEncoder(dim=64, layers=1, heads=2, stem_channels=8).stem
    assert [conv.out_channels for conv in same.convs] == [8, 8]
    with pytest.raises(ValueError, match=r"encoder.stem_channels: one width per stride \[2, 3\], got \[16\]"):
        ConformerEncoder(dim=64, layers=1, heads=2, strides=(2, 3), stem_channels=[16])


def test_conformer_loads_checkpoints_with_conv1d_pointwise_weights():
    torch.manual_seed(0)
    encoder = ConformerEncoder(dim=64, layers=2, heads=2, ffn_dim=128, dropout=0.0).eval()
    old = {name: weight[..., None] if ".pointwise_" in name and name.endswith("weight") else weight
           for name, weight in encoder.state_dict().items()}
    assert old["blocks.1.conv.pointwise_in.weight"].shape == (128, 64, 1)  # nn.Conv1d(64, 128, 1)'s layout
    reloaded = ConformerEncoder(dim=64, layers=2, heads=2, ffn_dim=128, dropout=0.0).eval()
    reloaded.load_state_dict(old)
    features, lengths = torch.randn(2, 80, 120), torch.tensor([120, 97])
    torch.testing.assert_close(reloaded(features, lengths)[0], encoder(features, lengths)[0], atol=0, rtol=0)

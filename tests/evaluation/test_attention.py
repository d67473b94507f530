import torch

from asrbench.audio.features import LogMel
from asrbench.evaluation.attention import plot_attention, record_attention
from asrbench.models.asr_model import ASRModel
from asrbench.models.encoder import TransformerEncoder
from asrbench.models.heads.aed import AEDHead
from asrbench.models.heads.ctc import CTCHead
from asrbench.text.tokenizer import CharTokenizer


def model_with(head_class) -> ASRModel:
    torch.manual_seed(0)
    tokenizer = CharTokenizer.train(["abc"])
    encoder = TransformerEncoder(dim=32, layers=2, heads=2, dropout=0.0)
    head = head_class(32, tokenizer.vocab_size, **({"layers": 3, "heads": 2} if head_class is AEDHead else {}))
    return ASRModel(LogMel(), encoder, head, tokenizer).eval()


def test_aed_attention_maps_have_one_row_per_output_token(tmp_path):
    model = model_with(AEDHead)
    audio = 0.1 * torch.randn(16000 * 2)
    recorded = record_attention(model, audio)
    tokens = len(recorded["labels"])
    assert len(recorded["cross"]) == 3 and recorded["cross"][0].shape == (2, tokens, 50)
    torch.testing.assert_close(recorded["cross"][1].sum(-1), torch.ones(2, tokens))  # softmax rows
    assert recorded["encoder"][0].shape == (2, 50, 50)
    paths = plot_attention(recorded, tmp_path)
    assert {p.name for p in paths} >= {"cross_attention_layer0.png", "cross_attention_layer2_heads.png",
                                       "encoder_self_attention_layer1_head0.png"}
    assert all(p.stat().st_size > 1000 for p in paths)
    assert all(not m.record_weights for m in model.modules() if hasattr(m, "record_weights"))


def test_ctc_has_encoder_attention_only(tmp_path):
    recorded = record_attention(model_with(CTCHead), 0.1 * torch.randn(16000))
    assert "cross" not in recorded
    assert [p.name for p in plot_attention(recorded, tmp_path, encoder_layer=0, encoder_head=1)] == [
        "encoder_self_attention_layer0_head1.png"]

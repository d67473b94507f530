import pytest
import torch

from asrbench.models.heads.aed import AEDHead
from asrbench.models.heads.options import DecodingOptions


@pytest.mark.parametrize("ctc_weight", [0.0, 0.3])
@pytest.mark.parametrize("beam_size", [1, 3])
def test_an_utterance_decodes_the_same_alone_and_beside_a_longer_one(beam_size, ctc_weight):
    torch.manual_seed(0)
    head = AEDHead(16, 12, layers=1, heads=2, dropout=0.0, ctc_weight=ctc_weight).eval()
    enc, enc_lens = torch.randn(3, 40, 16), torch.tensor([40, 9, 4])
    options = DecodingOptions(beam_size=beam_size, max_length=30, max_length_ratio=1.0)
    together = head.decode(enc, enc_lens, options)
    for i, hyp in enumerate(together):
        alone = head.decode(enc[i : i + 1, : enc_lens[i]], enc_lens[i : i + 1], options)[0]
        assert hyp.tokens == alone.tokens
        assert len(hyp.tokens) <= min(30, int(enc_lens[i]))  # its own frames cap it, not the batch's
    assert max(len(h.tokens) for h in together) > 4  # random weights run long: the caps were reached

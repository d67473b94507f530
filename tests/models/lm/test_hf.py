import pytest
import torch

from asrbench.models.lm.hf import load_hf, read_hf_arch
from tests.models.lm.factories import tiny_hf

pytestmark = pytest.mark.usefixtures("one_thread")

pytest.importorskip("transformers")


@pytest.fixture(scope="module", params=["llama", "gpt2"])
def folder(request, tmp_path_factory):
    return tiny_hf(tmp_path_factory.mktemp(request.param), request.param)


def test_local_folder_loads_offline_with_its_tokenizer(folder, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    lm, tokenizer = load_hf(folder)
    assert (tokenizer.bos_id, tokenizer.eos_id) == (1, 2)
    assert tokenizer.decode(tokenizer.encode("the cat sat on the mat")) == "the cat sat on the mat"
    assert lm.vocab_size == tokenizer.vocab_size + 4 and lm.dim == 32
    rebuilt, none = load_hf(folder.parent / "moved", arch=read_hf_arch(folder))
    assert none is None and rebuilt.state_dict().keys() == lm.state_dict().keys()


def test_left_padding_and_cache_match_an_unpadded_forward(folder):
    lm, _ = load_hf(folder)
    lm.eval()
    torch.manual_seed(0)
    x = torch.randn(1, 7, lm.dim)
    full, _ = lm(x, torch.ones(1, 7, dtype=torch.bool))
    padded = torch.cat([torch.zeros(1, 2, lm.dim), x], dim=1)
    batch = torch.cat([padded, torch.randn(1, 9, lm.dim)])
    mask = torch.ones(2, 9, dtype=torch.bool)
    mask[0, :2] = False
    logits, cache = lm(batch[:, :6], mask[:, :6], use_cache=True)
    step, _ = lm(batch[:, 6:], mask, cache)
    torch.testing.assert_close(torch.cat([logits[:1, 2:], step[:1]], dim=1), full, atol=1e-5, rtol=1e-5)

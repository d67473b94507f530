import pytest
import torch

from asrbench.models.lm.gpt import GPT, read_gpt
from asrbench.models.lm.load import load_lm
from tests.models.lm.factories import tiny_gpt

pytestmark = pytest.mark.usefixtures("one_thread")


def test_cached_steps_and_left_padding_match_a_full_forward():
    torch.manual_seed(0)
    gpt = GPT(50, dim=32, layers=2, heads=2, max_positions=64).eval()
    x = gpt.embed(torch.randint(0, 50, (1, 9)))
    full, _ = gpt(x, torch.ones(1, 9, dtype=torch.bool))
    # the same sequence left-padded by 3 in a batch, prefilled with 5 tokens, then fed one at a time
    padded = torch.cat([torch.randn(1, 3, 32) * 10, x], dim=1)
    mask = torch.arange(12)[None] >= 3
    logits, cache = gpt(padded[:, :8], mask[:, :8])
    steps = [logits[:, 3:]]
    for t in range(8, 12):
        logits, cache = gpt(padded[:, t : t + 1], mask[:, : t + 1], cache)
        steps.append(logits)
    torch.testing.assert_close(torch.cat(steps, dim=1), full, atol=1e-5, rtol=1e-5)


def test_checkpoint_is_self_contained_and_loads_weights_only(tmp_path):
    path = tiny_gpt(tmp_path / "lm.ckpt")
    checkpoint = torch.load(path, weights_only=True)
    assert checkpoint["arch"] == read_gpt(path)["arch"] and "tokenizer" in checkpoint
    lm, tokenizer = load_lm("gpt", str(path))
    assert tokenizer.decode(tokenizer.encode("the cat sat")) == "the cat sat"
    rebuilt, none = load_lm("gpt", str(tmp_path / "moved.ckpt"), arch=checkpoint["arch"])
    assert none is None and rebuilt.state_dict().keys() == lm.state_dict().keys()

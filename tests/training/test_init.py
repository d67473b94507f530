"""``train init=FILE``: fine-tuning starts from every weight of a checkpoint, or says why it cannot."""

import pytest
import torch

from asrbench.training.checkpoint import CheckpointError, read_checkpoint
from tests.training.test_robustness import tiny_run


@pytest.fixture(scope="module")
def trained(tiny_corpus, tmp_path_factory):
    """A tiny CTC model with character units, one epoch on the tiny corpus."""
    run_dir = tmp_path_factory.mktemp("trained")
    tiny_run(tiny_corpus, run_dir, "trainer.max_epochs=1", "tokenizer=char")
    return run_dir / "checkpoints" / "last.ckpt"


def test_a_run_starts_from_every_weight_and_the_units_of_init(tiny_corpus, tmp_path, trained):
    # at learning rate 0 the fine-tuned weights stay the initial ones, so they must be the checkpoint's
    tiny_run(tiny_corpus, tmp_path, "trainer.max_epochs=1", f"init={trained}", "tokenizer=checkpoint", "optim.lr=0")
    before, after = read_checkpoint(trained), read_checkpoint(tmp_path / "checkpoints" / "last.ckpt")
    assert before["state_dict"].keys() == after["state_dict"].keys()
    for name, value in before["state_dict"].items():
        assert torch.equal(value, after["state_dict"][name]), name
    assert torch.equal(before["tokenizer"], after["tokenizer"])
    assert after["global_step"] > 0


def test_a_fresh_run_does_not(tiny_corpus, tmp_path, trained):
    tiny_run(tiny_corpus, tmp_path, "trainer.max_epochs=1", "tokenizer=char", "optim.lr=0")
    before, after = read_checkpoint(trained), read_checkpoint(tmp_path / "checkpoints" / "last.ckpt")
    name = "model.head.proj.weight"
    assert not torch.equal(before["state_dict"][name], after["state_dict"][name])


@pytest.mark.parametrize(("overrides", "error", "message"), [
    (["tokenizer=sentencepiece"], CheckpointError, r"init=.*last\.ckpt was trained with another tokenizer than "
                                                   r"this run's; pass tokenizer=checkpoint"),
    (["tokenizer=checkpoint", "encoder.dim=48"], CheckpointError,
     r"last\.ckpt: weights do not fit the model this run's frontend/encoder/model config describes: size mismatch"),
    (["tokenizer=checkpoint", "frontend.mean_norm=false"], ValueError,
     r"init=.*last\.ckpt was trained on other features \(mean_norm=True there, False here\); "
     r"pass frontend\.mean_norm=true"),
    (["tokenizer=checkpoint", "encoder.checkpoint=${init}"], ValueError, r"init=.* sets every weight, "
                                                                       r"encoder\.checkpoint=.* the encoder's"),
])
def test_an_init_that_does_not_fit_the_run_is_named(tiny_corpus, tmp_path, trained, overrides, error, message):
    with pytest.raises(error, match=message):
        tiny_run(tiny_corpus, tmp_path, "trainer.max_epochs=1", f"init={trained}", *overrides)


def test_checkpoint_units_need_init(tiny_corpus, tmp_path):
    with pytest.raises(ValueError, match=r"tokenizer=checkpoint takes the units of the checkpoint in `init`"):
        tiny_run(tiny_corpus, tmp_path, "tokenizer=checkpoint")

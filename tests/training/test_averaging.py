"""averaging=ema|uniform: the checkpoints, and so every decode, hold the average of the weights, and the raw
weights beside it (that a killed run resumes from them is tests/training/test_resume.py's)."""

import pytest
import torch

from asrbench.commands.train import run
from asrbench.training.checkpoint import CheckpointError, load_model, read_checkpoint
from asrbench.training.module import ASRTask
from tests.conftest import compose

QUICK = ["encoder=transformer_xs", "data.batch_seconds=8", "data.num_workers=0", "bench.enabled=false",
         "trainer.precision=32", "optim.warmup_steps=2", "trainer.max_epochs=2"]


def test_checkpoints_hold_the_moving_average_of_the_weights_after_each_step(tiny_corpus, tmp_path, monkeypatch):
    decay, start = 0.9, 2
    raw = []  # every weight after each optimiser step

    def record(self, outputs, batch, batch_idx):
        raw.append({name: value.detach().clone() for name, value in self.state_dict().items()})

    monkeypatch.setattr(ASRTask, "on_train_batch_end", record, raising=False)
    overrides = [f"corpus.out_dir={tiny_corpus}", *QUICK, "averaging=ema", f"averaging.decay={decay}",
                 f"averaging.start_step={start}"]
    metrics = run(compose("train", overrides), tmp_path)
    assert metrics["steps"] == len(raw) > start + 2

    average = dict(raw[start])  # the first update copies; the steps before it are left out
    for weights in raw[start + 1:]:
        average = {name: decay * average[name] + (1 - decay) * value if value.is_floating_point() else value
                   for name, value in weights.items()}
    checkpoint = read_checkpoint(tmp_path / "checkpoints" / "last.ckpt")
    changed = {name for name, value in raw[-1].items() if not torch.equal(value, raw[0][name])}
    assert changed and all(not torch.equal(average[name], raw[-1][name]) for name in changed)
    for name, value in checkpoint["state_dict"].items():
        if name in changed:
            torch.testing.assert_close(value, average[name], rtol=0, atol=1e-6, msg=name)
        else:  # constant buffers (the window, the mel filterbank) and frozen weights stay bit-exact
            assert torch.equal(value, raw[-1][name]), name

    for name, value in checkpoint["current_model_state"].items():  # what a resumed run trains on from
        assert torch.equal(value, raw[-1][name]), name

    # eval, bench and transcribe decode the average; eval weights=raw the trained weights
    for raw_weights, expected in [(False, checkpoint["state_dict"]), (True, checkpoint["current_model_state"])]:
        model, _ = load_model(tmp_path / "checkpoints" / "last.ckpt", raw_weights=raw_weights)
        assert all(torch.equal(value, expected[f"model.{name}"]) for name, value in model.state_dict().items())
    del checkpoint["current_model_state"]
    torch.save(checkpoint, tmp_path / "plain.ckpt")
    with pytest.raises(CheckpointError, match=r"plain\.ckpt holds one set of weights .*averaging="):
        load_model(tmp_path / "plain.ckpt", raw_weights=True)


def test_uniform_average_is_the_mean_from_its_start_and_raw_weights_are_validated_before_it(
        tiny_corpus, tmp_path, monkeypatch):
    raw, validated = [], []  # the weights after each optimiser step; those each validation decodes

    def record(self, outputs, batch, batch_idx):
        raw.append({name: value.detach().clone() for name, value in self.state_dict().items()})

    def record_validated(self, batch, batch_idx):
        if batch_idx == 0 and not self.trainer.sanity_checking:
            validated.append({name: value.detach().clone() for name, value in self.state_dict().items()})
        return validate(self, batch, batch_idx)

    validate = ASRTask.validation_step
    monkeypatch.setattr(ASRTask, "on_train_batch_end", record, raising=False)
    monkeypatch.setattr(ASRTask, "validation_step", record_validated)
    steps_per_epoch = 5  # 8 training utterances in 8 s batches (by duration): checked below
    start = steps_per_epoch + 1  # in the second epoch
    overrides = [f"corpus.out_dir={tiny_corpus}", *QUICK, "averaging=uniform", f"averaging.start_step={start}"]
    metrics = run(compose("train", overrides), tmp_path)
    assert metrics["steps"] == len(raw) == 2 * steps_per_epoch and len(validated) == 2

    mean = {name: torch.stack([weights[name] for weights in raw[start:]]).mean(0)
            for name, value in raw[-1].items() if value.is_floating_point()}
    changed = {name for name in mean if not torch.equal(raw[-1][name], raw[start][name])}
    assert changed
    assert all(torch.equal(value, raw[steps_per_epoch - 1][name]) for name, value in validated[0].items())
    checkpoint = read_checkpoint(tmp_path / "checkpoints" / "last.ckpt")
    for name, value in validated[1].items():
        expected = mean[name] if name in changed else raw[-1][name]
        torch.testing.assert_close(value, expected, rtol=0, atol=1e-6, msg=name)
        torch.testing.assert_close(checkpoint["state_dict"][name], expected, rtol=0, atol=1e-6, msg=name)
        assert torch.equal(checkpoint["current_model_state"][name], raw[-1][name]), name

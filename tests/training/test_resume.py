"""A run that crashes mid-epoch and resumes ends bit-identical to one that never stopped (on CPU),
and the same seed twice gives the same weights and hypotheses, with or without waveform augmentation; with
averaging=ema the resumed run trains on from the raw weights and ends with the same average, and with
averaging=uniform begun after the crash, it starts its average as the uninterrupted run did."""

import pytest
import torch

from asrbench.commands.train import run
from asrbench.training.module import ASRTask
from tests.conftest import compose

BASE = ["encoder=transformer_xs", "trainer.max_epochs=2", "checkpoint_every_n_steps=3", "data.batch_seconds=8",
        "data.num_workers=1", "bench.enabled=false", "optim.warmup_steps=2", "threads=1"]


def weights(run_dir):
    return torch.load(run_dir / "checkpoints" / "last.ckpt", weights_only=True)["state_dict"]


@pytest.mark.slow
@pytest.mark.parametrize("options", [[], ["data/augment=speed_noise_reverb"],
                                     ["averaging=ema", "averaging.start_step=1"],
                                     ["averaging=uniform", "averaging.start_step=5"]],
                         ids=["plain", "augmented", "ema", "uniform_begun_after_the_crash"])
def test_crash_then_resume_is_bit_identical_and_runs_are_deterministic(tiny_corpus, tmp_path, monkeypatch, options):
    overrides = [f"corpus.out_dir={tiny_corpus}", *BASE, *options]
    reference = run(compose("train", overrides), tmp_path / "a")
    again = run(compose("train", overrides), tmp_path / "a2")
    assert (tmp_path / "a" / "hyps.jsonl").read_text() == (tmp_path / "a2" / "hyps.jsonl").read_text()
    assert reference["wer"] == again["wer"]
    assert all(torch.equal(v, weights(tmp_path / "a2")[k]) for k, v in weights(tmp_path / "a").items())

    original = ASRTask.training_step

    def crash_at_step_four(self, batch, batch_idx):
        if self.global_step == 4:  # mid-epoch: the last checkpoint is from step 3
            raise RuntimeError("simulated crash")
        return original(self, batch, batch_idx)

    monkeypatch.setattr(ASRTask, "training_step", crash_at_step_four)
    with pytest.raises(RuntimeError, match="simulated crash"):
        run(compose("train", overrides), tmp_path / "b")
    killed = torch.load(tmp_path / "b" / "checkpoints" / "last.ckpt", weights_only=True)
    assert killed["global_step"] == 3
    timer = next(v for k, v in killed["callbacks"].items() if k.startswith("Timer"))
    assert timer["time_elapsed"]["train"] > 0
    monkeypatch.setattr(ASRTask, "training_step", original)
    resumed = run(compose("train", [*overrides, "resume=true"]), tmp_path / "b")

    assert resumed["steps"] == reference["steps"]
    assert resumed["train_seconds"] > timer["time_elapsed"]["train"]  # both legs count
    assert all(torch.equal(v, weights(tmp_path / "b")[k]) for k, v in weights(tmp_path / "a").items())
    assert (tmp_path / "a" / "hyps.jsonl").read_text() == (tmp_path / "b" / "hyps.jsonl").read_text()

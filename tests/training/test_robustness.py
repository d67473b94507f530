"""Training never loses or poisons weights: NaN batches, checkpoint writes, and unsafe checkpoint files."""

import csv
import os
import pickle

import fsspec.implementations.local
import pytest
import torch

from asrbench.commands import train
from asrbench.commands.train import run
from asrbench.models.asr_model import ASRModel
from asrbench.text.tokenizer import SentencePieceTokenizer
from asrbench.training.checkpoint import CheckpointError, load_model, read_checkpoint
from asrbench.training.module import ASRTask
from tests.conftest import compose

QUICK = ["encoder=transformer_xs", "data.batch_seconds=8", "data.num_workers=0", "evaluate=false",
         "bench.enabled=false", "trainer.precision=32", "optim.warmup_steps=2"]


def tiny_run(corpus, tmp_path, *overrides):
    return run(compose("train", [f"corpus.out_dir={corpus}", *QUICK, *overrides]), tmp_path)


def test_non_finite_losses_skip_the_batch_and_never_touch_the_weights(tiny_corpus, tmp_path, monkeypatch):
    original = ASRModel.forward
    calls = {"n": 0}

    def every_other_batch_is_nan(self, batch):
        out = original(self, batch)
        calls["n"] += 1
        if self.training and calls["n"] % 2 == 0:
            out["loss"] = out["loss"] * float("nan")
        return out

    monkeypatch.setattr(ASRModel, "forward", every_other_batch_is_nan)
    metrics = tiny_run(tiny_corpus, tmp_path, "trainer.max_epochs=2")
    checkpoint = read_checkpoint(tmp_path / "checkpoints" / "last.ckpt")
    assert metrics["skipped_batches"] > 0 and checkpoint["skipped_batches"] == metrics["skipped_batches"]
    assert metrics["steps"] + metrics["skipped_batches"] == calls["n"] - 2 * 1  # minus 2 validation batches
    assert all(torch.isfinite(v).all() for v in checkpoint["state_dict"].values())


def test_last_checkpoint_holds_the_end_of_training_when_the_last_epoch_was_not_the_best(tiny_corpus, tmp_path,
                                                                                         monkeypatch):
    def worse_every_epoch(self):
        self._dev_refs, self._dev_hyps = [], []
        self.log("dev_wer", float(self.current_epoch))

    monkeypatch.setattr(ASRTask, "on_validation_epoch_end", worse_every_epoch)
    metrics = tiny_run(tiny_corpus, tmp_path, "trainer.max_epochs=2", "checkpoint_every_n_steps=3")
    assert metrics["steps"] % 3  # the periodic copy's last write is before the end
    (best,) = (tmp_path / "checkpoints").glob("best-*.ckpt")
    assert best.name.startswith("best-epoch00")
    last = read_checkpoint(tmp_path / "checkpoints" / "last.ckpt")
    assert last["global_step"] == metrics["steps"] > read_checkpoint(best)["global_step"]


def test_interrupted_checkpoint_write_keeps_the_previous_file(tiny_corpus, tmp_path, monkeypatch):
    tiny_run(tiny_corpus, tmp_path, "trainer.max_epochs=1")
    last = tmp_path / "checkpoints" / "last.ckpt"
    before = last.read_bytes()

    def die_halfway(self, data):
        self.f.write(data[: len(data) // 2])
        raise OSError("killed during the checkpoint write")

    monkeypatch.setattr(fsspec.implementations.local.LocalFileOpener, "write", die_halfway)
    with pytest.raises(OSError, match="killed during the checkpoint write"):
        tiny_run(tiny_corpus, tmp_path, "trainer.max_epochs=2", "resume=true")
    monkeypatch.undo()
    assert last.read_bytes() == before  # Lightning writes to a temp file and renames it
    model, _ = load_model(last)
    assert isinstance(model, ASRModel)


def test_resuming_under_another_config_is_refused_but_a_longer_budget_is_not(tiny_corpus, tmp_path):
    tiny_run(tiny_corpus, tmp_path, "trainer.max_epochs=1")
    first_leg = list(csv.DictReader((tmp_path / "logs" / "metrics.csv").open()))
    # As if written before data.sortagrad_epochs and optim.lr_scales existed: left off (0, empty) they
    # resume, set they are a change.
    last = tmp_path / "checkpoints" / "last.ckpt"
    checkpoint = torch.load(last, weights_only=True)
    del checkpoint["hyper_parameters"]["config"]["data"]["sortagrad_epochs"]
    del checkpoint["hyper_parameters"]["config"]["optim"]["lr_scales"]
    torch.save(checkpoint, last)
    with pytest.raises(SystemExit, match=r"(?s)cannot resume .*last\.ckpt.*\n"
                                         r"  data\.sortagrad_epochs: '<absent>' -> 1\n"
                                         r"  optim\.lr: 0\.002 -> 0\.001\n  seed: 0 -> 1\n"):
        tiny_run(tiny_corpus, tmp_path, "trainer.max_epochs=2", "resume=true", "optim.lr=1e-3", "seed=1",
                 "data.sortagrad_epochs=1")
    metrics = tiny_run(tiny_corpus, tmp_path, "trainer.max_epochs=2", "resume=true", "threads=1")
    assert metrics["epochs"] == 2
    # The training log keeps the first leg's rows and appends the second's (Lightning's CSVLogger deletes it).
    log = list(csv.DictReader((tmp_path / "logs" / "metrics.csv").open()))
    assert all(row.items() <= log[i].items() for i, row in enumerate(first_leg))
    assert [row["epoch"] for row in log if row["dev_wer"]] == ["0", "1"]
    # the best dev WER over both legs: what train returns to a sweeper (the search never reads test WERs)
    assert metrics["dev_wer"] == pytest.approx(min(float(row["dev_wer"]) for row in log if row["dev_wer"]))


def test_the_final_evaluation_decodes_long_utterances_in_data_window_seconds(tiny_corpus, tmp_path, monkeypatch):
    seen = {}
    evaluate_manifest = train.evaluate_manifest

    def spy(*args, **kwargs):
        seen.update(kwargs)
        return evaluate_manifest(*args, **kwargs)

    monkeypatch.setattr(train, "evaluate_manifest", spy)
    tiny_run(tiny_corpus, tmp_path, "trainer.max_epochs=1", "evaluate=true", "data.window_seconds=4.5")
    assert seen["window_seconds"] == 4.5
    # an evaluation setting, so a run resumes under another window
    tiny_run(tiny_corpus, tmp_path, "trainer.max_epochs=1", "resume=true", "data.window_seconds=10")


def test_a_run_folder_moved_before_resuming_uses_its_own_checkpoints(tiny_corpus, tmp_path):
    tiny_run(tiny_corpus, tmp_path / "before", "trainer.max_epochs=1")
    (tmp_path / "before").rename(tmp_path / "after")
    metrics = tiny_run(tiny_corpus, tmp_path / "after", "trainer.max_epochs=1", "resume=true")
    best = metrics["best_checkpoint"]
    assert best.startswith(str(tmp_path / "after" / "checkpoints")) and os.path.isfile(best)


class Payload:
    def __reduce__(self):
        return (os.system, ("echo pwned > /dev/null",))


def test_checkpoints_with_pickled_objects_are_refused(tmp_path):
    path = tmp_path / "evil.ckpt"
    torch.save({"state_dict": {}, "hyper_parameters": {"config": Payload()}}, path)
    with pytest.raises(CheckpointError, match=r"refusing to load .*evil\.ckpt: it contains pickled Python objects"):
        load_model(path)
    path.write_bytes(pickle.dumps({"x": Payload()}))
    with pytest.raises(CheckpointError, match="refusing to load"):
        read_checkpoint(path)


def test_truncated_and_foreign_checkpoints_are_named(tmp_path, tiny_corpus):
    tiny_run(tiny_corpus, tmp_path / "run", "trainer.max_epochs=1")
    good = (tmp_path / "run" / "checkpoints" / "last.ckpt").read_bytes()
    (tmp_path / "cut.ckpt").write_bytes(good[: len(good) // 3])
    with pytest.raises(CheckpointError, match=r"cut\.ckpt is truncated or not a PyTorch file"):
        load_model(tmp_path / "cut.ckpt")
    torch.save({"weights": torch.zeros(2)}, tmp_path / "foreign.pt")
    with pytest.raises(CheckpointError, match=r"foreign\.pt is not an asrbench checkpoint"):
        load_model(tmp_path / "foreign.pt")


def test_weights_for_another_tokenizer_are_a_clear_error(tmp_path, tiny_corpus):
    tiny_run(tiny_corpus, tmp_path / "run", "trainer.max_epochs=1", "tokenizer=char")
    checkpoint = read_checkpoint(tmp_path / "run" / "checkpoints" / "last.ckpt")
    checkpoint["tokenizer"] = SentencePieceTokenizer.train(["some other text"] * 20, vocab_size=40).to_tensor()
    torch.save(checkpoint, tmp_path / "mixed.ckpt")
    with pytest.raises(CheckpointError, match=r"mixed\.ckpt: weights do not fit .*size mismatch for head\.proj"):
        load_model(tmp_path / "mixed.ckpt")


def test_a_moved_run_keeps_its_best_score_and_maps_its_paths(tiny_corpus, tmp_path):
    from lightning.pytorch.callbacks import ModelCheckpoint

    from asrbench.commands.train import build_trainer

    tiny_run(tiny_corpus, tmp_path / "before", "trainer.max_epochs=1")
    (tmp_path / "before").rename(tmp_path / "after")
    directory = tmp_path / "after" / "checkpoints"
    cfg = compose("train", [f"corpus.out_dir={tiny_corpus}", *QUICK])
    callback = build_trainer(cfg, tmp_path / "after").checkpoint_callback
    saved = read_checkpoint(directory / "last.ckpt")["callbacks"][callback.state_key]  # the key of older runs too
    assert callback.state_key.startswith("ModelCheckpoint{")
    assert saved["dirpath"] == str(tmp_path / "before" / "checkpoints")
    callback.load_state_dict(saved)
    (best,) = directory.glob("best-*.ckpt")
    assert callback.best_model_score == saved["best_model_score"] is not None
    assert callback.best_model_path == str(best) and list(callback.best_k_models) == [str(best)]
    plain = ModelCheckpoint(dirpath=directory, monitor="dev_wer")
    plain.load_state_dict(saved)  # what Lightning alone does: the next validation would count as the best
    assert plain.best_model_score is None

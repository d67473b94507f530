"""``python -m asrbench data <format>`` as a user runs it: a subprocess, a summary table, then training on it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.data.importers.test_folder import audio_folder

ENV = {**os.environ, "OMP_NUM_THREADS": "1", "COLUMNS": "200"}


def asrbench(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "asrbench", *args], cwd=cwd, env=ENV, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture
def corpus(tmp_path) -> Path:
    """train/dev/test folders, 2 speakers each; train has one audio file without transcript."""
    root = tmp_path / "corpus"
    texts = ["hello there", "good morning", "one two three", "good night"]
    for split, count in [("train", 4), ("dev", 2), ("test", 2)]:
        audio_folder(root / split, {f"{'ab'[i % 2]}/{split}{i}.wav": (0.5 + 0.25 * i, texts[i]) for i in range(count)})
    audio_folder(root / "train", {"b/untranscribed.wav": (1.0, None)})
    return root


def test_data_without_action_lists_every_format(tmp_path):
    out = asrbench("data", cwd=tmp_path)
    assert out.returncode != 0
    for action in ("synth", "librispeech", "commonvoice", "kaldi", "lhotse", "folder"):
        assert f"\n  {action} " in out.stderr


def test_folder_import_prints_the_summary_and_writes_nothing_else(corpus, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    out = asrbench("data", "folder", *(f"splits.{s}={corpus / s}" for s in ("train", "dev", "test")), "out=imported",
                   cwd=work)
    assert out.returncode == 0, out.stderr[-3000:]
    rows = {line.split("│")[1].strip(): [cell.strip() for cell in line.split("│")[2:6]]
            for line in out.stdout.splitlines() if line.count("│") == 7 and "jsonl" in line}
    assert rows == {"train": ["4", "0.00", "2", "1 no transcript"], "dev": ["2", "0.00", "2", "0"],
                    "test": ["2", "0.00", "2", "0"]}
    assert "python -m asrbench train data=manifests data.root=imported" in out.stdout
    assert sorted(p.name for p in work.iterdir()) == ["imported"]  # no outputs/ folder, no log file
    assert sorted(p.name for p in (work / "imported").iterdir()) == ["dev.jsonl", "test.jsonl", "train.jsonl"]


def test_nothing_to_import_is_said_plainly(tmp_path):
    out = asrbench("data", "kaldi", cwd=tmp_path)
    assert out.returncode != 0 and "nothing to import: give at least one split" in out.stderr


def test_strict_stops_at_the_first_bad_entry_without_a_traceback(corpus, tmp_path):
    out = asrbench("data", "folder", f"splits.train={corpus / 'train'}", "strict=true", cwd=tmp_path)
    assert out.returncode != 0 and "Traceback" not in out.stderr
    assert f"asrbench data folder: {corpus}/train/b/untranscribed.wav: no transcript:" in out.stderr


@pytest.mark.slow
def test_imported_folder_trains_and_evaluates(corpus, tmp_path):
    imported, run = tmp_path / "imported", tmp_path / "run"
    out = asrbench("data", "folder", *(f"splits.{s}={corpus / s}" for s in ("train", "dev", "test")),
                   f"out={imported}", cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-3000:]
    out = asrbench("train", "data=manifests", f"data.root={imported}", "data.batch_seconds=1000",
                   "data.num_workers=0", "encoder=transformer_xs", "tokenizer=char", "trainer.precision=32",
                   "trainer.max_epochs=1", "trainer.log_every_n_steps=1", "bench.enabled=false", "evaluate=true",
                   "threads=1", f"hydra.run.dir={run}", cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-3000:]
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["status"] == "ok" and metrics["utterances"] == 2

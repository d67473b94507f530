import csv
import json
import subprocess
import sys

import pytest


def tiny_training(corpus, epochs: int) -> list[str]:
    return [f"data.train_manifest={corpus / 'train.jsonl'}", f"data.dev_manifest={corpus / 'dev.jsonl'}",
            f"data.test_manifest={corpus / 'test.jsonl'}", "data.batch_seconds=1000", "data.max_batch_size=2",
            "data.num_workers=0", "encoder=transformer_xs", "tokenizer=char", "trainer.precision=32",
            f"trainer.max_epochs={epochs}", "trainer.log_every_n_steps=1", "bench.utterances=2", "bench.batch_size=2",
            "bench.warmup=1"]


@pytest.mark.slow
def test_ddp_two_cpu_processes_through_the_cli(tiny_corpus, tmp_path):
    # a real `strategy=ddp` launch re-runs the CLI in a child process, so it must run outside pytest
    run_dir = tmp_path / "run"
    result = subprocess.run([sys.executable, "-m", "asrbench", "train", "trainer=ddp", "trainer.devices=2",
                             *tiny_training(tiny_corpus, epochs=2), f"hydra.run.dir={run_dir}"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Starting with 2 processes" in result.stdout + result.stderr
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert metrics["status"] == "ok" and metrics["utterances"] == 4 and "bench" in metrics
    # 8 training utterances in 4 batches of 2, sharded over 2 ranks: 2 optimiser steps per epoch, not 4
    assert metrics["steps"] == 4
    with (run_dir / "logs" / "metrics.csv").open() as f:
        dev_wer = [row["dev_wer"] for row in csv.DictReader(f) if row["dev_wer"]]
    assert len(dev_wer) == 2  # one all-gathered value per epoch
    assert (run_dir / "checkpoints" / "last.ckpt").is_file()

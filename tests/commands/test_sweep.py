import json
import subprocess
import sys

import pytest

from tests.commands.test_ddp import tiny_training


@pytest.mark.slow
def test_a_failing_sweep_job_leaves_the_others_results(tiny_corpus, tmp_path):
    sweep = tmp_path / "sweep"
    # job 0 fails at model construction (dropout 2 is invalid) but still composes, so Hydra launches it
    result = subprocess.run([sys.executable, "-m", "asrbench", "train", "-m", "model.dropout=2,0",
                             *tiny_training(tiny_corpus, epochs=1), f"hydra.sweep.dir={sweep}",
                             "hydra.sweep.subdir=dropout${model.dropout}"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert result.returncode != 0  # the sweep reports the failure...
    failed = json.loads((sweep / "dropout2" / "metrics.json").read_text())
    assert failed["status"] == "failed" and failed["error"].startswith("ValueError: dropout probability")
    ok = json.loads((sweep / "dropout0" / "metrics.json").read_text())  # ...after running the other job
    assert ok["status"] == "ok" and 0 <= ok["wer"] and (sweep / "dropout0" / "hyps.jsonl").is_file()

    report = subprocess.run([sys.executable, "-m", "asrbench", "report", str(sweep)], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120, env={"COLUMNS": "250", "PATH": ""})
    assert report.returncode == 0, report.stderr
    assert "failed: ValueError: dropout probability" in (sweep / "report.md").read_text()

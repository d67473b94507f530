import subprocess
import sys

from tests.evaluation.test_report import fake_sweep


def test_report_cli_on_two_sweeps_with_a_failed_job(tmp_path):
    first, second = fake_sweep(tmp_path / "sweep1"), tmp_path / "sweep2"
    fake_sweep(second)
    out = subprocess.run([sys.executable, "-m", "asrbench", "report", str(first), str(second),
                          f"output_dir={tmp_path / 'out'}"], cwd=tmp_path, check=True, capture_output=True, text=True,
                         env={"COLUMNS": "250", "PATH": ""}, timeout=60)
    assert "failed: ValueError: boom" in out.stdout
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "report.csv", "report.md", "report.tex", "wer_vs_latency.png"]
    markdown = (tmp_path / "out" / "report.md").read_text()
    assert "| sweep1/model=aed |" in markdown and "| sweep2/model=aed |" in markdown

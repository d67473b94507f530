import csv
import json
from pathlib import Path

from asrbench.evaluation.plot import pareto_front, plot_wer_latency
from asrbench.evaluation.report import caption, collect, write_csv, write_latex, write_markdown


def bench(p50: float, first_token: float | None = None) -> dict:
    block = {"latency_p50_ms": p50, "latency_p90_ms": 2 * p50, "latency_p99_ms": 3 * p50, "rtf": p50 / 4000,
             "throughput_utt_per_s": 1000 / p50, "parameters": 5_000_000, "cpu": "Test CPU", "gpu": None,
             "threads": 1, "batch_size": 16, "torch": "2.14.1"}
    return {**block, "first_token_p50_ms": first_token} if first_token else block


def fake_run(root: Path, name: str, head: str, metrics: dict | None) -> None:
    run = root / name
    (run / ".hydra").mkdir(parents=True)
    (run / ".hydra" / "config.yaml").write_text("seed: 0\n")
    (run / ".hydra" / "hydra.yaml").write_text(
        f"hydra:\n  runtime:\n    choices:\n      model: {head}\n      encoder: transformer_s\n")
    if metrics is not None:
        (run / "metrics.json").write_text(json.dumps(metrics))


def fake_sweep(root: Path) -> Path:
    common = {"status": "ok", "cer": 0.05, "utterances": 300, "normalizer": "lower-nopunct-v1",
              "test_manifest": "/data/exp8000/test.jsonl", "train_seconds": 600.0}
    fake_run(root, "model=ctc", "ctc", {**common, "wer": 0.20, "wer_ci_low": 0.18, "wer_ci_high": 0.22,
                                        "bench": bench(20.0)})
    fake_run(root, "model=aed", "aed", {**common, "dev_wer": 0.12, "wer": 0.15, "wer_ci_low": 0.13, "wer_ci_high": 0.17,
                                        "bench": bench(60.0, first_token=25.0)})
    fake_run(root, "model=slow", "aed", {**common, "wer": 0.25, "wer_ci_low": 0.23, "wer_ci_high": 0.27,
                                         "bench": bench(90.0, first_token=30.0)})
    fake_run(root, "model=llm", "llm", {"status": "failed", "error": "ValueError: boom | bang"})
    (root / "model=llm" / "lm").mkdir()  # the LM pretrained inside the run: part of it, not a row
    (root / "model=llm" / "lm" / "metrics.json").write_text(json.dumps({"lm_val_perplexity": 100.0}))
    fake_run(root, "model=killed", "aed", None)  # crashed before writing anything
    return root


def test_pareto_front():
    points = [(20, 20.0), (60, 15.0), (90, 25.0), (60, 16.0), (10, 30.0)]
    assert pareto_front(points) == [4, 0, 1]


def test_report_lists_every_run_and_keeps_failed_ones(tmp_path):
    rows = collect([fake_sweep(tmp_path / "sweep")])
    assert [r["run"] for r in rows] == ["model=aed", "model=ctc", "model=slow", "model=killed", "model=llm"]
    assert [r["status"] for r in rows] == ["ok", "ok", "ok", "incomplete", "failed"]
    assert rows[0]["head"] == "aed" and rows[0]["encoder"] == "transformer_s" and rows[0]["params_m"] == 5.0

    write_markdown(rows, tmp_path / "report.md")
    markdown = (tmp_path / "report.md").read_text()
    assert "| model=aed | aed | transformer_s | 5.00 | 12.00 | 15.00 [13.00, 17.00] | 5.00 | 0.0150 | 60.0 | 120.0 | " \
        "25.0 |" in markdown
    assert "| model=ctc | ctc | transformer_s | 5.00 | - | 20.00 [18.00, 22.00] |" in markdown  # run before dev_wer
    assert "failed: ValueError: boom \\| bang" in markdown
    assert "incomplete: no metrics.json" in markdown

    text = caption(rows)
    for expected in ("lower-nopunct-v1", "exp8000/test.jsonl", "Test CPU", "1 thread(s)", "2 run(s) failed"):
        assert expected in text
    assert "WARNING" not in text

    write_csv(rows, tmp_path / "report.csv")
    with (tmp_path / "report.csv").open() as f:
        table = list(csv.DictReader(f))
    assert table[1]["wer"] == "20.0" and table[4]["status"] == "failed"

    write_latex(rows, tmp_path / "report.tex")
    latex = (tmp_path / "report.tex").read_text()
    assert r"model=aed & aed & transformer\_s & 5.00 & 12.00 & 15.00 [13.00, 17.00]" in latex
    assert r"\caption{" in latex and "lower-nopunct-v1" in latex


def test_plot_marks_points_and_writes_png(tmp_path):
    rows = collect([fake_sweep(tmp_path / "sweep")])
    assert plot_wer_latency(rows, tmp_path / "plot.png") == 3
    assert (tmp_path / "plot.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for row in rows:  # eval runs measure no batch-1 latency: nothing to plot, no empty axes written
        row["latency_p50_ms"] = None
    assert plot_wer_latency(rows, tmp_path / "none.png") == 0 and not (tmp_path / "none.png").exists()


def test_caption_warns_when_runs_are_not_comparable(tmp_path):
    rows = collect([fake_sweep(tmp_path / "sweep")])
    rows[0]["threads"] = 4
    assert "WARNING: runs differ in threads" in caption(rows)


def test_the_same_test_set_in_two_folders_is_one_test_set(tmp_path):
    common = {"status": "ok", "wer": 0.2, "cer": 0.1, "utterances": 2, "normalizer": "lower-nopunct-v1"}
    refs = {"a": ["utt1", "one two"], "b": ["utt1", "one two"], "c": ["utt1", "one three"]}
    for name, (utt, ref) in refs.items():
        fake_run(tmp_path, name, "ctc", {**common, "test_manifest": f"/data/{name}/test.jsonl"})
        lines = [{"id": utt, "ref": ref, "hyp": ref}, {"id": "utt0", "ref": "zero", "hyp": ""}]
        (tmp_path / name / "hyps.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    same = [row for row in collect([tmp_path]) if row["run"] != "c"]
    assert "differ in test set" not in caption(same)
    assert "on a/test.jsonl (2 utterances)" in caption(same)  # one test set, named once
    assert "WARNING: runs differ in test set" in caption(collect([tmp_path]))

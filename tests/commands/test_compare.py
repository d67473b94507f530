import json
import subprocess
import sys
from pathlib import Path

import pytest

from asrbench.commands.compare import compare_pair, load_hyps, verdict
from asrbench.commands.paths import positional_paths


def write_hyps(run_dir: Path, hyps: dict[str, str]) -> Path:
    run_dir.mkdir(parents=True)
    lines = [json.dumps({"id": i, "ref": "one two three four", "hyp": h, "duration": 1.0}) for i, h in hyps.items()]
    (run_dir / "hyps.jsonl").write_text("\n".join(lines) + "\n")
    return run_dir


def two_runs(root: Path) -> tuple[Path, Path]:
    a = write_hyps(root / "model=ctc", {f"u{i}": "one two" for i in range(30)} | {"only_a": "x"})
    b = write_hyps(root / "model=aed", {f"u{i}": "one two three four" for i in range(30)})
    return a, b


def test_positional_paths_become_one_override(tmp_path):
    a, b = two_runs(tmp_path)
    args = positional_paths([str(a), "n=10", str(b)], "runs")
    assert args == ["n=10", f"runs=['{a}','{b}']"]
    assert positional_paths(["n=10"], "runs") == ["n=10"]
    assert positional_paths([f"checkpoint={a}", "n=1"], "checkpoint", many=False) == ["n=1", f"checkpoint='{a}'"]
    # `runs=.../model=ctc` arrives quoted by quote_values and still joins the bare paths.
    assert positional_paths([f"runs='{a}'", str(b)], "runs") == [f"runs=['{b}','{a}']"]


def test_compare_pair_uses_shared_utterances_only(tmp_path):
    a, b = two_runs(tmp_path)
    result = compare_pair(load_hyps(a), load_hyps(b), n=200)
    assert result["utterances"] == 30
    assert result["wer_a"] == 0.5 and result["wer_b"] == 0.0
    assert result["bootstrap"]["delta"] == 0.5 and result["bootstrap"]["p_value"] < 0.05
    assert result["sign"]["b_better"] == 30
    assert verdict(result, "ctc", "aed", alpha=0.05) == "aed"


def test_compare_refuses_different_references(tmp_path):
    a, _ = two_runs(tmp_path)
    other = [{"id": "u0", "ref": "something else", "hyp": "x", "duration": 1.0}]
    with pytest.raises(ValueError, match="different references"):
        compare_pair(load_hyps(a), other)


def test_compare_cli_with_bare_run_folders(tmp_path):
    a, b = two_runs(tmp_path)
    c = write_hyps(tmp_path / "model=llm", {f"u{i}": "one two three" for i in range(30)})
    out = subprocess.run([sys.executable, "-m", "asrbench", "compare", str(a), str(b), str(c / "hyps.jsonl"), "n=100",
                          f"output={tmp_path / 'pairs.json'}"], cwd=tmp_path, check=True, capture_output=True,
                         text=True, env={"COLUMNS": "200", "PATH": ""}, timeout=60)
    assert "model=aed" in out.stdout
    pairs = json.loads((tmp_path / "pairs.json").read_text())
    assert [(p["a"], p["b"], p["better"]) for p in pairs] == [
        ("model=ctc", "model=aed", "model=aed"), ("model=ctc", "model=llm", "model=llm"),
        ("model=aed", "model=llm", "model=aed")]

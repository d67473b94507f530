import json
import subprocess
import sys
from pathlib import Path

import pytest

from asrbench.commands.compare import compare_pair, label_speakers, load_hyps, speaker_tests, verdict
from asrbench.commands.paths import positional_paths
from asrbench.evaluation.scoring import score, wer_by_speaker


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


def test_compare_cli_breaks_the_wer_down_by_speaker_from_a_manifest(tmp_path):
    a, b = two_runs(tmp_path)  # hyps.jsonl without speakers, as runs evaluated before speakers were kept
    speakers = {f"u{i}": "rms" if i < 10 else "slt" for i in range(30)}
    manifest = tmp_path / "test.jsonl"
    manifest.write_text("".join(json.dumps({"id": i, "audio": f"{i}.wav", "text": "one two three four",
                                            "duration": 1.0, "speaker": s}) + "\n" for i, s in speakers.items()))
    out = subprocess.run([sys.executable, "-m", "asrbench", "compare", str(a), str(b), "n=10", f"speakers={manifest}",
                          f"output={tmp_path / 'pairs.json'}"], cwd=tmp_path, check=True, capture_output=True,
                         text=True, env={"COLUMNS": "200", "PATH": ""}, timeout=60)
    assert "WER % by speaker" in out.stdout
    by_speaker = json.loads((tmp_path / "pairs.json").read_text())[0]["wer_by_speaker"]
    assert by_speaker["a"] == {"rms": {"wer": 0.5, "utterances": 10, "ref_words": 40},
                               "slt": {"wer": 0.5, "utterances": 20, "ref_words": 80}}
    assert by_speaker["b"]["rms"]["wer"] == 0.0 and by_speaker["b"]["slt"]["utterances"] == 20
    # each speaker's paired test, printed beside its WERs
    tests = json.loads((tmp_path / "pairs.json").read_text())[0]["tests_by_speaker"]
    assert set(tests) == {"rms", "slt"} and tests["rms"]["utterances"] == 10
    assert tests["rms"]["bootstrap"]["delta"] == 0.5 and "A-B pts" in out.stdout


def test_speaker_group_pools_the_speakers_sharing_the_regex_match():
    records = {"a": [{"id": "1", "ref": "one two", "hyp": "one two", "speaker": "espeak:en-us+m3"},
                     {"id": "2", "ref": "one two", "hyp": "one", "speaker": "espeak:en-gb+f4"},
                     {"id": "3", "ref": "one two", "hyp": "", "speaker": "flite:rms"}]}
    score(records["a"])
    assert wer_by_speaker(label_speakers(records, group="^[a-z]+")["a"]) == {
        "espeak": {"wer": 0.25, "utterances": 2, "ref_words": 4},
        "flite": {"wer": 1.0, "utterances": 1, "ref_words": 2}}
    assert len(wer_by_speaker(label_speakers(records)["a"])) == 3


def test_speaker_tests_pair_each_speakers_utterances_only():
    def run(hyps: list[str]) -> list[dict]:
        speakers = ["x", "x", "y", "y", None]
        records = [{"id": str(i), "ref": "one two", "hyp": h, "speaker": s}
                   for i, (h, s) in enumerate(zip(hyps, speakers, strict=True))]
        score(records)  # adds each record's errors
        return records

    a, b = run(["one", "one", "one two", "one two", ""]), run(["one two", "one two", "one two", "", ""])
    tests = speaker_tests(a, b, n=100)
    assert set(tests) == {"x", "y", "?"}  # no speaker: "?", as wer_by_speaker names it
    assert tests["x"]["bootstrap"]["delta"] == 0.5 and tests["x"]["wer_b"] == 0.0  # B better on x
    assert tests["y"]["bootstrap"]["delta"] == -0.5  # A better on y
    assert tests["?"]["bootstrap"]["delta"] == 0.0 and tests["?"]["utterances"] == 1
    assert tests["x"] == compare_pair(a[:2], b[:2], n=100)

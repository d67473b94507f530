"""``python -m asrbench compare RUN_A RUN_B [...]``: paired significance tests on the utterances runs share."""

import itertools
import json
import re
import sys
from pathlib import Path

import hydra
from omegaconf import DictConfig
from rich.console import Console
from rich.table import Table

from asrbench.commands.paths import positional_paths
from asrbench.config import CONF_DIR
from asrbench.data.manifest import read_manifest
from asrbench.evaluation.scoring import read_hyps, score, speaker_label, wer_by_speaker
from asrbench.evaluation.stats import error_counts, matched_pairs, paired_bootstrap, sign_test


def load_hyps(path: str | Path) -> list[dict]:
    """Records of a run folder's hyps.jsonl (or of a hyps.jsonl file), scored if they lack ``errors``."""
    path = Path(path)
    file = path / "hyps.jsonl" if path.is_dir() else path
    if not file.is_file():
        raise FileNotFoundError(f"{file} does not exist: pass run folders holding hyps.jsonl, or hyps.jsonl files")
    records = read_hyps(file)
    if records and "errors" not in records[0]:
        score(records)
    return records


def run_name(path: str | Path) -> str:
    path = Path(path)
    return path.parent.name if path.is_file() else path.name


def compare_pair(records_a: list[dict], records_b: list[dict], n: int = 1000, seed: int = 0) -> dict:
    """All tests for system A against system B on the utterance ids both decoded."""
    by_id = {r["id"]: r for r in records_b}
    shared = [(a, by_id[a["id"]]) for a in records_a if a["id"] in by_id]
    if not shared:
        raise ValueError("the two runs share no utterance id")
    for a, b in shared:
        if a["ref"] != b["ref"]:
            raise ValueError(f"utterance {a['id']!r} has different references in the two runs: "
                             f"{a['ref']!r} vs {b['ref']!r}")
    errors_a, words = error_counts([a for a, _ in shared])
    errors_b, _ = error_counts([b for _, b in shared])
    total = max(words.sum(), 1)
    return {"utterances": len(shared), "wer_a": float(errors_a.sum() / total), "wer_b": float(errors_b.sum() / total),
            "bootstrap": paired_bootstrap(errors_a, errors_b, words, n, seed),
            "sign": sign_test(errors_a, errors_b), "mapsswe": matched_pairs(errors_a, errors_b)}


def verdict(result: dict, name_a: str, name_b: str, alpha: float) -> str:
    """The better system when the paired bootstrap is significant at ``alpha``."""
    if result["bootstrap"]["p_value"] >= alpha:
        return "no significant difference"
    return name_b if result["wer_b"] < result["wer_a"] else name_a


def print_comparisons(rows: list[dict], alpha: float, n: int) -> None:
    table = Table(title="Paired comparison on shared test utterances")
    for column in ("A", "B", "utts", "WER A %", "WER B %", "A-B pts [95% CI]", "p boot", "p sign", "p MAPSSWE",
                   f"better (p<{alpha})"):
        table.add_column(column, justify="left" if column in ("A", "B") else "right")
    for row in rows:
        r, boot = row["result"], row["result"]["bootstrap"]
        table.add_row(row["a"], row["b"], str(r["utterances"]), f"{100 * r['wer_a']:.2f}", f"{100 * r['wer_b']:.2f}",
                      f"{100 * boot['delta']:+.2f} [{100 * boot['delta_ci_low']:+.2f}, "
                      f"{100 * boot['delta_ci_high']:+.2f}]",
                      f"{boot['p_value']:.3g}", f"{r['sign']['p_value']:.3g}", f"{r['mapsswe']['p_value']:.3g}",
                      row["better"])
    Console().print(table)
    Console().print(f"paired bootstrap: {n} utterance-level resamples (two-sided p); sign test: exact binomial on "
                    "utterances whose error counts differ; MAPSSWE: matched-pairs z-test on per-utterance errors")


def label_speakers(records: dict[str, list[dict]], manifest: str | None = None,
                   group: str | None = None) -> dict[str, list[dict]]:
    """Each run's records of the utterances every run shares, with their ``speaker``. Speakers come from the
    records (evaluation keeps the manifest's) or, for older runs, from ``manifest``; with ``group`` (a regex),
    speakers sharing its first match are pooled (``^[a-z]+`` pools by TTS engine)."""
    speakers = {u.id: u.speaker for u in read_manifest(manifest)} if manifest else {}
    shared = set.intersection(*({r["id"] for r in rows} for rows in records.values()))

    def speaker_of(record: dict) -> str | None:
        speaker = speakers.get(record["id"], record.get("speaker"))
        match = re.search(group, speaker) if group and speaker else None
        return match.group(0) if match else speaker

    return {name: [{**r, "speaker": speaker_of(r)} for r in rows if r["id"] in shared]
            for name, rows in records.items()}


def speaker_tests(records_a: list[dict], records_b: list[dict], n: int = 1000, seed: int = 0) -> dict[str, dict]:
    """``compare_pair`` on each speaker's utterances (records labelled by ``label_speakers``; speakers named
    by ``speaker_label``, as in ``wer_by_speaker``)."""
    def of(records: list[dict], speaker: str) -> list[dict]:
        return [r for r in records if speaker_label(r) == speaker]

    speakers = sorted(set(map(speaker_label, records_a)))
    return {speaker: compare_pair(of(records_a, speaker), of(records_b, speaker), n, seed) for speaker in speakers}


def print_speaker_wers(by_run: dict[str, dict[str, dict]], tests: dict[str, dict] | None = None) -> None:
    """WER per speaker and run; with ``tests`` (two runs), each speaker's paired bootstrap A - B too."""
    names = list(by_run)
    table = Table(title="WER % by speaker on the shared utterances")
    columns = ("speaker", "utts", *names, *(("A-B pts [95% CI]", "p boot") if tests else ()))
    for column in columns:
        table.add_column(column, justify="left" if column == "speaker" else "right")
    for speaker, row in by_run[names[0]].items():
        cells = [f"{100 * by_run[n][speaker]['wer']:.2f}" for n in names]
        if tests:
            boot = tests[speaker]["bootstrap"]
            cells += [f"{100 * boot['delta']:+.2f} [{100 * boot['delta_ci_low']:+.2f}, "
                      f"{100 * boot['delta_ci_high']:+.2f}]", f"{boot['p_value']:.3g}"]
        table.add_row(speaker, str(row["utterances"]), *cells)
    Console().print(table)
    if tests:
        Console().print("per-speaker tests are not corrected for multiple comparisons: with many speakers, "
                        "expect some p < 0.05 by chance")


@hydra.main(config_path=CONF_DIR, config_name="compare", version_base="1.3")
def app(cfg: DictConfig) -> None:
    runs = list(cfg.runs)
    if len(runs) < 2:
        raise SystemExit("asrbench compare: give at least two runs (run folders or hyps.jsonl files)")
    names = [run_name(r) for r in runs]
    if len(set(names)) < len(names):
        names = runs
    records = {name: load_hyps(path) for name, path in zip(names, runs, strict=True)}
    rows = []
    for a, b in itertools.combinations(names, 2):
        result = compare_pair(records[a], records[b], cfg.n, cfg.seed)
        rows.append({"a": a, "b": b, "result": result, "better": verdict(result, a, b, cfg.alpha)})
    print_comparisons(rows, cfg.alpha, cfg.n)
    labelled = label_speakers(records, cfg.speakers, cfg.speaker_group)
    by_speaker = {name: wer_by_speaker(rows) for name, rows in labelled.items()}
    if any(set(table) != {"?"} for table in by_speaker.values()):
        for row in rows:
            row["wer_by_speaker"] = {"a": by_speaker[row["a"]], "b": by_speaker[row["b"]]}
            row["tests_by_speaker"] = speaker_tests(labelled[row["a"]], labelled[row["b"]], cfg.n, cfg.seed)
        print_speaker_wers(by_speaker, rows[0]["tests_by_speaker"] if len(rows) == 1 else None)
    if cfg.output:
        Path(cfg.output).write_text(json.dumps(rows, indent=2) + "\n")
        print(f"wrote {cfg.output}")


def main() -> None:
    sys.argv[1:] = positional_paths(sys.argv[1:], "runs")
    app()

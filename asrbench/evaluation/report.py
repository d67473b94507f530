"""Gather the metrics.json of one or more sweeps into one table (Markdown, CSV, LaTeX) with a caption."""

import csv
import hashlib
import json
from pathlib import Path

from omegaconf import OmegaConf

from asrbench.evaluation.scoring import read_hyps

# (header, row key, format); percentages and minutes are converted in ``row_from``
COLUMNS = [
    ("run", "run", "{}"), ("head", "head", "{}"), ("encoder", "encoder", "{}"), ("params M", "params_m", "{:.2f}"),
    ("dev WER %", "dev_wer", "{:.2f}"), ("WER % [95% CI]", "wer", "{:.2f}"), ("CER %", "cer", "{:.2f}"),
    ("RTF", "rtf", "{:.4f}"),
    ("p50 ms", "latency_p50_ms", "{:.1f}"), ("p90 ms", "latency_p90_ms", "{:.1f}"),
    ("1st token p50 ms", "first_token_p50_ms", "{:.1f}"), ("utt/s", "throughput_utt_per_s", "{:.1f}"),
    ("train min", "train_minutes", "{:.1f}"),
]


def find_runs(dirs: list[str | Path]) -> list[tuple[str, Path]]:
    """(name, run folder) of every outermost folder under ``dirs`` with a metrics.json or a Hydra ``.hydra`` folder.

    Names are paths relative to their ``dirs`` entry (prefixed by its name when there are several)."""
    runs: dict[Path, str] = {}
    for root in map(Path, dirs):
        if not root.is_dir():
            raise FileNotFoundError(f"{root} is not a folder")
        found = {p.parent for p in root.rglob("metrics.json")}
        found |= {p.parent.parent for p in root.rglob(".hydra/config.yaml")}
        # A run's own sub-runs (model=llm pretrains its LM in <run>/lm) are part of it, not rows.
        found = {d for d in found if not any(parent in found for parent in d.parents)}
        for run_dir in sorted(found):
            name = str(run_dir.relative_to(root)) if run_dir != root else root.resolve().name
            if len(dirs) > 1 and run_dir != root:  # runs of different sweeps often share names like model=aed
                name = f"{root.resolve().name}/{name}"
            runs.setdefault(run_dir.resolve(), name)
    return [(name, path) for path, name in runs.items()]


def _choices(run_dir: Path) -> dict:
    """Hydra's chosen config group options (``model: aed``, ``encoder: transformer_s``) of a run."""
    hydra_yaml = run_dir / ".hydra" / "hydra.yaml"
    if not hydra_yaml.is_file():
        return {}
    return dict(OmegaConf.load(hydra_yaml).hydra.runtime.get("choices", {}))


def row_from(name: str, run_dir: Path) -> dict:
    """One table row: the fields the table, CSV and plot use, plus what the caption needs."""
    path = run_dir / "metrics.json"
    metrics = json.loads(path.read_text()) if path.is_file() else {}
    bench = metrics.get("bench", {})
    choices = _choices(run_dir)
    status = metrics.get("status") or ("ok" if "wer" in metrics else "incomplete")
    parameters = bench.get("parameters") or metrics.get("parameters")
    row = {
        "run": name, "status": status, "head": choices.get("model") or metrics.get("head", "?"),
        "encoder": choices.get("encoder") or metrics.get("encoder", "?"),
        "error": metrics.get("error", "" if path.is_file() else "no metrics.json"),
        "params_m": parameters / 1e6 if parameters else None,
        "dev_wer": _percent(metrics.get("dev_wer")),
        "wer": _percent(metrics.get("wer")), "wer_ci_low": _percent(metrics.get("wer_ci_low")),
        "wer_ci_high": _percent(metrics.get("wer_ci_high")), "cer": _percent(metrics.get("cer")),
        "train_minutes": metrics["train_seconds"] / 60 if "train_seconds" in metrics else None,
        "utterances": metrics.get("utterances"), "test_manifest": metrics.get("test_manifest"),
        "test_set": _test_set(run_dir) or metrics.get("test_manifest"),
        "normalizer": metrics.get("normalizer"), "run_dir": str(run_dir),
    }
    for key in ("rtf", "latency_p50_ms", "latency_p90_ms", "latency_p99_ms", "first_token_p50_ms",
                "throughput_utt_per_s", "throughput_audio_s_per_s", "peak_memory_mb", "threads", "batch_size",
                "torch"):
        row[key] = bench.get(key)
    row["hardware"] = (bench.get("gpu") or bench.get("cpu")) if bench else None
    return row


def _test_set(run_dir: Path) -> str | None:
    """A fingerprint of the (id, reference) pairs a run was scored on, so that the same test set read
    from two folders counts as one; None without hyps.jsonl."""
    path = run_dir / "hyps.jsonl"
    if not path.is_file():
        return None
    pairs = sorted((r["id"], r["ref"]) for r in read_hyps(path))
    return hashlib.sha256(json.dumps(pairs).encode()).hexdigest()


def _percent(value: float | None) -> float | None:
    return None if value is None else 100 * value


def collect(dirs: list[str | Path]) -> list[dict]:
    """Rows of every run under ``dirs``: finished runs by WER, then failed or incomplete ones."""
    rows = [row_from(name, run_dir) for name, run_dir in find_runs(dirs)]
    return sorted(rows, key=lambda r: (r["status"] != "ok", r["wer"] if r["wer"] is not None else 0.0, r["run"]))


def cells(row: dict) -> list[str]:
    """The formatted table cells of a row; a failed run shows its error in the WER column."""
    out = []
    for _, key, fmt in COLUMNS:
        value = row.get(key)
        if key == "wer" and row["status"] != "ok":
            out.append(f"{row['status']}: {row['error'].splitlines()[0][:80] if row['error'] else '?'}")
        elif value is None:
            out.append("-")
        elif key == "wer" and row["wer_ci_low"] is not None:
            out.append(f"{value:.2f} [{row['wer_ci_low']:.2f}, {row['wer_ci_high']:.2f}]")
        else:
            out.append(fmt.format(value))
    return out


def _distinct(rows: list[dict], key: str) -> str:
    values = sorted({str(r[key]) for r in rows if r.get(key) is not None})
    return " / ".join(values) if values else "unknown"


def caption(rows: list[dict]) -> str:
    """Names the normalizer, test set, hardware and threads, and warns when runs differ in any of them."""
    ok = [r for r in rows if r["status"] == "ok"]
    manifests: dict[str, set[str]] = {}  # test set -> the manifests it was read from
    for r in ok:
        if r["test_manifest"]:
            manifests.setdefault(r["test_set"], set()).add(f"{Path(r['test_manifest']).parent.name}/"
                                                            f"{Path(r['test_manifest']).name}")
    tests = sorted(min(names) for names in manifests.values())  # one name per test set, not per folder
    text = (f"WER and CER (%) on {' / '.join(tests) or 'unknown'} "
            f"({_distinct(ok, 'utterances')} utterances), normalizer `{_distinct(ok, 'normalizer')}`, "
            f"95% bootstrap CI over utterances. Latency: batch 1 (p50/p90, first token for autoregressive heads), "
            f"RTF at batch 1, throughput at batch {_distinct(ok, 'batch_size')}; frontend + encoder + decoding; "
            f"{_distinct(ok, 'hardware')}, {_distinct(ok, 'threads')} thread(s), torch {_distinct(ok, 'torch')}.")
    differing = [what for what, key in [("test set", "test_set"), ("normalizer", "normalizer"),
                                         ("hardware", "hardware"), ("threads", "threads")]
                 if len({r[key] for r in ok if r.get(key) is not None}) > 1]
    if differing:
        text += f" WARNING: runs differ in {', '.join(differing)}; they are not directly comparable."
    failed = len(rows) - len(ok)
    if failed:
        text += f" {failed} run(s) failed or did not finish."
    return text


def write_markdown(rows: list[dict], path: Path) -> None:
    headers = [h for h, _, _ in COLUMNS]
    lines = [caption(rows), "", "| " + " | ".join(headers) + " |",
             "|" + "|".join(":---" if i < 3 else "---:" for i in range(len(headers))) + "|"]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in cells(r)) + " |" for r in rows]
    path.write_text("\n".join(lines) + "\n")


def write_csv(rows: list[dict], path: Path) -> None:
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]) if rows else ["run"])
        writer.writeheader()
        writer.writerows(rows)


LATEX_SPECIAL = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
                 "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}"}


def _latex_escape(text: str) -> str:
    return "".join(LATEX_SPECIAL.get(char, char) for char in text)


def write_latex(rows: list[dict], path: Path) -> None:
    """A booktabs table (needs ``\\usepackage{booktabs}``)."""
    headers = [h for h, _, _ in COLUMNS]
    lines = [r"\begin{table}[t]", r"\centering", r"\small",
             r"\begin{tabular}{" + "lll" + "r" * (len(headers) - 3) + "}", r"\toprule",
             " & ".join(_latex_escape(h) for h in headers) + r" \\", r"\midrule"]
    lines += [" & ".join(_latex_escape(c) for c in cells(r)) + r" \\" for r in rows]
    lines += [r"\bottomrule", r"\end{tabular}", r"\caption{" + _latex_escape(caption(rows).replace("`", "")) + "}",
              r"\end{table}"]
    path.write_text("\n".join(lines) + "\n")

"""WER/CER with jiwer, per-utterance error counts and per-speaker WER, all under one named normaliser."""

import json
from pathlib import Path

import jiwer

from asrbench.evaluation.stats import bootstrap_ci, error_counts
from asrbench.text.normalizer import NAME as NORMALIZER
from asrbench.text.normalizer import normalize


def read_hyps(file: str | Path) -> list[dict]:
    """The records (``id``, ``ref``, ``hyp``, ...) of a hyps.jsonl file, as evaluation writes them."""
    return [json.loads(line) for line in Path(file).read_text().splitlines() if line.strip()]


def utterance_errors(ref: str, hyp: str) -> dict[str, int]:
    """Word-level hits/substitutions/deletions/insertions of one normalised pair."""
    if not ref:
        return {"ref_words": 0, "hits": 0, "sub": 0, "del": 0, "ins": len(hyp.split())}
    out = jiwer.process_words(ref, hyp)
    return {"ref_words": len(ref.split()), "hits": out.hits, "sub": out.substitutions,
            "del": out.deletions, "ins": out.insertions}


def score(records: list[dict]) -> dict:
    """Corpus WER/CER over records with ``ref`` and ``hyp``; adds per-utterance ``errors`` in place.

    Records that carry a ``speaker`` (from the manifest) also get a per-speaker WER, ``wer_by_speaker``.
    """
    refs, hyps = [normalize(r["ref"]) for r in records], [normalize(r["hyp"]) for r in records]
    totals = {"ref_words": 0, "hits": 0, "sub": 0, "del": 0, "ins": 0}
    for record, ref, hyp in zip(records, refs, hyps, strict=True):
        record["errors"] = utterance_errors(ref, hyp)
        for key, value in record["errors"].items():
            totals[key] += value
    words = max(totals["ref_words"], 1)
    ci_low, ci_high = bootstrap_ci(*error_counts(records))  # 95%, 1000 utterance-level resamples, seed 0
    return {
        "wer": (totals["sub"] + totals["del"] + totals["ins"]) / words, "wer_ci_low": ci_low, "wer_ci_high": ci_high,
        "cer": jiwer.cer(refs, hyps) if any(refs) else 0.0,
        "substitutions": totals["sub"], "deletions": totals["del"], "insertions": totals["ins"],
        "ref_words": totals["ref_words"], "utterances": len(records), "normalizer": NORMALIZER,
        **({"wer_by_speaker": wer_by_speaker(records)} if any(r.get("speaker") for r in records) else {}),
    }


def speaker_label(record: dict) -> str:
    """The speaker a record counts under in per-speaker tables: its ``speaker``, or "?" without one."""
    return record.get("speaker") or "?"


def wer_by_speaker(records: list[dict]) -> dict[str, dict]:
    """``{speaker: {"wer", "utterances", "ref_words"}}`` over scored records (with ``errors``), by
    ``speaker_label``."""
    totals: dict[str, dict] = {}
    for record in records:
        speaker = totals.setdefault(speaker_label(record), {"errors": 0, "utterances": 0, "ref_words": 0})
        errors = record["errors"]
        speaker["errors"] += errors["sub"] + errors["del"] + errors["ins"]
        speaker["utterances"] += 1
        speaker["ref_words"] += errors["ref_words"]
    return {name: {"wer": t["errors"] / max(t["ref_words"], 1), "utterances": t["utterances"],
                   "ref_words": t["ref_words"]} for name, t in sorted(totals.items())}

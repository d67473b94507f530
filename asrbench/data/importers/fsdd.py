"""The Free Spoken Digit Dataset (real recorded English digits) with a speaker-independent split.

The audio stays where it is (CC BY-SA 4.0: read it, do not copy it); the manifests written here point to it.
"""

import json
import logging
from pathlib import Path

from asrbench.data.manifest import Utterance, read_manifest, write_manifest
from asrbench.data.sentences import load_sentences

log = logging.getLogger(__name__)


def take_number(utt: Utterance) -> int:
    """FSDD ids end with the take: ``fsdd_<digit>_<speaker>_<take>``."""
    try:
        return int(utt.id.rsplit("_", 1)[1])
    except (IndexError, ValueError):
        raise ValueError(f"FSDD id {utt.id!r} does not end with _<take number>") from None


def split_fsdd(utterances: list[Utterance], test_speaker: str, dev_takes: int) -> dict[str, list[Utterance]]:
    """``test``: every take of ``test_speaker``; ``dev``: takes below ``dev_takes`` of the other speakers;
    ``train``: the rest. Train and dev share speakers; the test speaker is never heard in training."""
    speakers = sorted({u.speaker for u in utterances if u.speaker})
    if test_speaker not in speakers:
        raise ValueError(f"test_speaker {test_speaker!r} is not an FSDD speaker; choose from {speakers}")
    splits: dict[str, list[Utterance]] = {"train": [], "dev": [], "test": []}
    for utt in utterances:
        if utt.speaker == test_speaker:
            splits["test"].append(utt)
        else:
            splits["dev" if take_number(utt) < dev_takes else "train"].append(utt)
    return splits


def prepare_fsdd(root: str | Path, out_dir: str | Path, test_speaker: str = "theo", dev_takes: int = 5,
                 lm_fortunes: bool = True) -> dict[str, Path]:
    """Write ``{train,dev,test}.jsonl`` (absolute paths into ``root``) and ``lm_text.txt`` into ``out_dir``.

    ``lm_text.txt`` (for ``model=llm``'s LM pretraining) holds the training transcripts and, with
    ``lm_fortunes``, the built-in corpus's fortune sentences, so that the LM learns English, not only digits.
    """
    root, out_dir = Path(root).resolve(), Path(out_dir)
    manifest = root / "manifest.jsonl"
    if not manifest.is_file():
        raise FileNotFoundError(f"{manifest} not found: point corpus.root at the FSDD folder "
                                "(the one holding manifest.jsonl and audio/)")
    splits = split_fsdd(read_manifest(manifest), test_speaker, dev_takes)
    written = {name: write_manifest(out_dir / f"{name}.jsonl", utts) for name, utts in splits.items()}
    lm_text = [u.text for u in splits["train"]] + ([s.text for s in load_sentences()] if lm_fortunes else [])
    (out_dir / "lm_text.txt").write_text("".join(t + "\n" for t in lm_text), encoding="utf-8")
    summary = {name: {"utterances": len(utts), "hours": round(sum(u.duration for u in utts) / 3600, 3),
                      "speakers": sorted({u.speaker for u in utts})} for name, utts in splits.items()}
    (out_dir / "corpus.json").write_text(json.dumps({"root": str(root), "test_speaker": test_speaker,
                                                     "dev_takes": dev_takes, "splits": summary}, indent=1))
    log.info("FSDD split (test speaker %s): %s", test_speaker,
             ", ".join(f"{n} {s['utterances']}" for n, s in summary.items()))
    return written

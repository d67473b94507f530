"""What each CTC unit inventory asks of the default encoder's 60 ms frames, on the built-in corpus.

For sentencepiece at several sizes (and characters), trained on the training transcripts exactly as `train`
does: units per word and per second, how many training utterances have fewer encoder frames than CTC needs
(labels + repeated neighbours), how many test words are one unit, and how many test words never occur in
training (what no unit inventory can have memorised). Writes units.json next to this file.

    .venv/bin/python experiments/ctc_units/units.py [--corpus data/builtin]
"""

import argparse
import json
from itertools import pairwise
from pathlib import Path

import torch
from rich.console import Console
from rich.table import Table

from asrbench.data.manifest import read_manifest
from asrbench.models.encoder import strided_lengths
from asrbench.text.tokenizer import load_or_train_tokenizer

HOP_SECONDS = 0.01    # log-Mel hop: 160 samples at 16 kHz
STRIDES = (2, 3)      # conformer_s: 60 ms frames
SETTINGS = [("char", None), ("sentencepiece", 128), ("sentencepiece", 256), ("sentencepiece", 512),
            ("sentencepiece", 1024)]


def ctc_min_frames(labels: list[int]) -> int:
    """CTC needs one frame per label plus a blank between equal neighbours."""
    return len(labels) + sum(a == b for a, b in pairwise(labels))


def unit_statistics(train: list, frames: list[int], test_words: list[str], kind: str, vocab_size: int | None,
                    cache_dir: Path) -> dict:
    """Statistics of one inventory; ``frames`` are the training utterances' encoder frames."""
    tokenizer = load_or_train_tokenizer([u.text for u in train], cache_dir, kind=kind,
                                        vocab_size=vocab_size or 0)
    labels = [tokenizer.encode(u.text) for u in train]
    words = sum(len(u.text.split()) for u in train)
    return {
        "units": kind if vocab_size is None else f"{kind} {vocab_size}",
        "units_per_word": round(sum(map(len, labels)) / words, 3),
        "units_per_second": round(sum(map(len, labels)) / sum(u.duration for u in train), 2),
        "frames_per_unit": round(sum(frames) / sum(map(len, labels)), 2),
        "train_utterances_too_short_for_ctc": sum(ctc_min_frames(y) > t for y, t in zip(labels, frames, strict=True)),
        "test_words_one_unit": round(sum(len(tokenizer.encode(w)) == 1 for w in test_words) / len(test_words), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=Path("data/builtin"))
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("units.json"))
    args = parser.parse_args()
    train = read_manifest(args.corpus / "train.jsonl")
    test = read_manifest(args.corpus / "test.jsonl")
    train_vocabulary = {w for u in train for w in u.text.split()}
    test_words = [w for u in test for w in u.text.split()]
    frames = strided_lengths(torch.tensor([round(u.duration / HOP_SECONDS) for u in train]), STRIDES).tolist()
    rows = [unit_statistics(train, frames, test_words, kind, size, args.corpus) for kind, size in SETTINGS]
    summary = {"corpus": str(args.corpus), "train_utterances": len(train), "frame_seconds": 0.06,
               "test_words": len(test_words),
               "test_words_unseen_in_train": round(sum(w not in train_vocabulary for w in test_words)
                                                   / len(test_words), 3),
               "settings": rows}
    args.out.write_text(json.dumps(summary, indent=1) + "\n")

    table = Table(title=f"CTC units on {args.corpus} ({len(train)} training utterances, 60 ms frames)")
    for column in rows[0]:
        table.add_column(column.replace("_", " "), justify="left" if column == "units" else "right")
    for row in rows:
        table.add_row(*(str(v) for v in row.values()))
    Console().print(table)
    print(f"test words unseen in training: {summary['test_words_unseen_in_train']:.1%} of {len(test_words)}")


if __name__ == "__main__":
    main()

"""Print the ``decoding.ngram.*`` overrides (or those starting with PREFIX, several separated by commas) of
the lowest-WER run of an eval sweep (ties: the first by name).

    .venv/bin/python experiments/aed_ngram/pick.py SWEEP_DIR [PREFIX[,PREFIX...]]
"""

import json
import sys
from pathlib import Path

from omegaconf import OmegaConf


def main(sweep: Path, prefix: str = "decoding.ngram.") -> None:
    runs = sorted(p.parent for p in sweep.glob("*/metrics.json"))
    if not runs:
        sys.exit(f"no metrics.json under {sweep}")
    best = min(runs, key=lambda run: json.loads((run / "metrics.json").read_text())["wer"])
    overrides = OmegaConf.load(best / ".hydra" / "overrides.yaml")
    print(" ".join(o for o in overrides if o.startswith(tuple(prefix.split(",")))))


if __name__ == "__main__":
    main(Path(sys.argv[1]), *sys.argv[2:3])

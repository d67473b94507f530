"""Dev WER of each AED run by beam size and joint CTC/attention weight, from the eval sweeps of run.sh.

    .venv/bin/python experiments/aed_ctc_weight/joint_dev.py runs/aed_ctc_weight/joint_dev OUT.json
"""

import json
import sys
from pathlib import Path

from omegaconf import OmegaConf


def main(sweeps: Path, out: Path) -> None:
    table = {}
    for metrics in sorted(sweeps.glob("*/*/metrics.json")):
        config = OmegaConf.load(metrics.parent / ".hydra" / "config.yaml").decoding
        key = f"beam {config.beam_size}, joint {config.ctc_weight}"
        table.setdefault(metrics.parent.parent.name, {})[key] = round(100 * json.loads(metrics.read_text())["wer"], 2)
    if not table:
        sys.exit(f"no metrics.json under {sweeps}/*/")
    out.write_text(json.dumps(table, indent=1) + "\n")
    keys = sorted({key for row in table.values() for key in row})
    print("| training weight | " + " | ".join(keys) + " |")
    print("|---|" + "---:|" * len(keys))
    for name, row in table.items():
        print(f"| {name} | " + " | ".join(f"{row.get(key, '-')}" for key in keys) + " |")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))

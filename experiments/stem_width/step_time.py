"""Cost of one CTC training step for conv2d stem widths (`encoder.stem_channels`), on real batches.

    .venv/bin/python experiments/stem_width/step_time.py [--batches 8] [--threads 2] [--repeats 2]
        [--bf16] [--out experiments/stem_width/step_time.json]

Forms batches of the built-in training split as `train` does, then times the same batches (forward,
backward, AdamW; float32 unless --bf16) through the default model with each stem width, after one warm-up
step. Each width is timed --repeats times in turn and the fastest kept, as other work on a shared VM only
ever slows a step down.
"""

import json
import os
import platform
import sys
from pathlib import Path

import torch
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).parents[1] / "encoder_budget"))
from step_time import build, comparison_arguments, seconds_per_step, training_batches  # noqa: E402

WIDTHS = ["64", "48", "32", "[16,64]", "[32,64]", "[16,32]"]  # one width for both convolutions, or one each


def main() -> None:
    args = comparison_arguments(__doc__, "experiments/stem_width/step_time.json", batches=8, repeats=2)

    batches, audio_seconds = training_batches(args.batches)

    rows = {width: {"seconds": []} for width in WIDTHS}
    for _ in range(args.repeats):
        for width, row in rows.items():
            model, _ = build([f"encoder.stem_channels={width}"])
            row["parameters"] = sum(p.numel() for p in model.parameters())
            row["seconds"].append(seconds_per_step(model, batches, bf16=args.bf16))
    base = min(rows["64"]["seconds"])
    for row in rows.values():
        row["seconds_per_step"] = min(row["seconds"])
        row["vs_64"] = row["seconds_per_step"] / base

    precision = "bf16 autocast" if args.bf16 else "float32"
    table = Table(title=f"CTC training step by stem width, {args.batches} batches of {audio_seconds:.1f} s "
                        f"audio, {precision}, {args.threads} thread(s)")
    for column in ("stem_channels", "params M", "s / step", "vs 64"):
        table.add_column(column, justify="left" if column == "stem_channels" else "right")
    for width, row in rows.items():
        table.add_row(width, f"{row['parameters'] / 1e6:.2f}", f"{row['seconds_per_step']:.3f}", f"{row['vs_64']:.2f}")
    Console().print(table)
    result = {"widths": rows, "precision": precision, "batches": args.batches, "repeats": args.repeats,
              "audio_seconds_per_batch": audio_seconds, "threads": args.threads, "torch": torch.__version__,
              "cpu": platform.processor() or platform.machine(), "cores": os.cpu_count()}
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()

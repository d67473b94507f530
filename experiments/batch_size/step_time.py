"""Training cost per second of audio for batch sizes (`data.batch_seconds`), on real batches.

    .venv/bin/python experiments/batch_size/step_time.py [--threads 2] [--repeats 2]
        [--bf16] [--out experiments/batch_size/step_time.json]

For each batch size, forms batches of the built-in training split as `train` does (duration buckets, padded
seconds per batch) until they hold AUDIO_SECONDS of speech, then times them through the default CTC
model (forward, backward, AdamW; float32 unless --bf16) after one warm-up step. Each size is timed
--repeats times in turn and the fastest kept, as other work on a shared VM only ever slows a step down.
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
from step_time import build, comparison_arguments, seconds_per_step  # noqa: E402

BATCH_SECONDS = [80, 40, 20]
AUDIO_SECONDS = 640.0  # about eight of the 80 s batches


def batches_holding(batch_seconds: int, audio_seconds: float) -> tuple[list[dict], float, float]:
    """One warm-up batch, then training batches of ``batch_seconds`` until they hold ``audio_seconds`` of
    speech; also the speech they hold (seconds) and the share of the timed batches' frames that is padding."""
    _, datamodule = build([f"data.batch_seconds={batch_seconds}"])
    datamodule.setup("fit")
    loader = iter(datamodule.train_dataloader())
    batches, held = [next(loader)], 0.0
    while held < audio_seconds:
        batches.append(next(loader))
        held += float(batches[-1]["audio_lens"].sum()) / 16000
    padded = sum(b["audio_lens"].numel() * int(b["audio_lens"].max()) for b in batches[1:]) / 16000
    return batches, held, 1 - held / padded


def main() -> None:
    args = comparison_arguments(__doc__, "experiments/batch_size/step_time.json", batches=0, repeats=2)
    rows, batches = {}, {}
    for size in BATCH_SECONDS:
        batches[size], held, padding = batches_holding(size, AUDIO_SECONDS)
        rows[size] = {"steps": len(batches[size]) - 1, "padding": padding, "seconds": [], "audio_seconds": held}
    for _ in range(args.repeats):
        for size, row in rows.items():
            model, _ = build([f"data.batch_seconds={size}"])
            row["seconds"].append(seconds_per_step(model, batches[size], bf16=args.bf16) * row["steps"])
    for row in rows.values():
        row["seconds_per_audio_second"] = min(row["seconds"]) / row["audio_seconds"]
    base = rows[BATCH_SECONDS[0]]["seconds_per_audio_second"]

    precision = "bf16 autocast" if args.bf16 else "float32"
    table = Table(title=f"CTC training cost by batch size, ~{AUDIO_SECONDS:.0f} s of training audio each, {precision}, "
                        f"{args.threads} thread(s)")
    for column in ("batch_seconds", "steps", "padding %", "s / step", "ms / audio s", f"vs {BATCH_SECONDS[0]}"):
        table.add_column(column, justify="right")
    for size, row in rows.items():
        table.add_row(str(size), str(row["steps"]), f"{100 * row['padding']:.1f}",
                      f"{min(row['seconds']) / row['steps']:.3f}", f"{1000 * row['seconds_per_audio_second']:.1f}",
                      f"{row['seconds_per_audio_second'] / base:.2f}")
    Console().print(table)
    result = {"batch_seconds": rows, "precision": precision, "repeats": args.repeats, "threads": args.threads,
              "torch": torch.__version__, "cpu": platform.processor() or platform.machine(),
              "cores": os.cpu_count()}
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()

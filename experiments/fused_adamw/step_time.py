"""Cost of one CTC training step of the default model with the per-tensor AdamW (the default) and the fused
one (``optim.fused=true``), on real batches.

    .venv/bin/python experiments/fused_adamw/step_time.py [--batches 6] [--threads 2] [--repeats 4]
        [--out experiments/fused_adamw/step_time.json]

Both forms start from the same weights and take the same steps on the same batches (forward, backward,
gradient clipping at 5 as trainer=cpu does, AdamW from asrbench's build_adamw), in turn, --repeats times,
after one warm-up step each. The script first checks that after those steps both models hold the same
weights up to float rounding, then reports the fastest and the median time per step and the optimiser's
share of it.
"""

import copy
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import torch
from omegaconf import OmegaConf
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).parents[1] / "encoder_budget"))
from step_time import build, comparison_arguments, training_batches  # noqa: E402

from asrbench.config import CONF_DIR  # noqa: E402
from asrbench.training.schedule import build_adamw  # noqa: E402

FORMS = {"per-tensor (default)": False, "fused": True}


def timed_steps(model: torch.nn.Module, batches: list[dict], fused: bool) -> tuple[float, float]:
    """Mean seconds per step over ``batches[1:]`` and the part of it spent in the optimiser's step."""
    optim = OmegaConf.to_container(OmegaConf.load(Path(CONF_DIR) / "optim" / "adamw_cosine.yaml"))
    optimizer = build_adamw(model, {**optim, "fused": fused})
    model.train()
    total = in_optimizer = 0.0
    for i, batch in enumerate(batches):
        torch.manual_seed(i)  # the same SpecAugment masks for both forms
        start = time.perf_counter()
        model(batch)["loss"].backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        before_step = time.perf_counter()
        optimizer.step()
        optimizer.zero_grad()
        end = time.perf_counter()
        if i > 0:  # the first one warms up
            total, in_optimizer = total + end - start, in_optimizer + end - before_step
    return total / (len(batches) - 1), in_optimizer / (len(batches) - 1)


def main() -> None:
    args = comparison_arguments(__doc__, "experiments/fused_adamw/step_time.json", batches=6, repeats=4)
    batches, audio_seconds = training_batches(args.batches)
    initial = build([])[0]

    models = {name: copy.deepcopy(initial) for name in FORMS}
    for name, fused in FORMS.items():
        timed_steps(models[name], batches, fused)
    for a, b in zip(*(m.parameters() for m in models.values()), strict=True):
        torch.testing.assert_close(a, b, rtol=1e-3, atol=1e-4)

    seconds = {name: [] for name in FORMS}
    optimizer_seconds = {name: [] for name in FORMS}
    for _ in range(args.repeats):
        for name, fused in FORMS.items():
            step, optimizer = timed_steps(copy.deepcopy(initial), batches, fused)
            seconds[name].append(step)
            optimizer_seconds[name].append(optimizer)
    rows = {name: {"seconds": seconds[name], "fastest": min(seconds[name]), "median": statistics.median(seconds[name]),
                   "optimizer_median": statistics.median(optimizer_seconds[name])} for name in FORMS}
    before = rows["per-tensor (default)"]
    for row in rows.values():
        row["vs_per_tensor_median"] = row["median"] / before["median"]

    table = Table(title=f"CTC training step, {args.batches} batches of {audio_seconds:.1f} s audio, float32, "
                        f"{args.threads} thread(s), {args.repeats} repeats")
    for column in ("AdamW", "fastest s", "median s", "optimiser step s (median)", "vs per-tensor"):
        table.add_column(column, justify="left" if column == "AdamW" else "right")
    for name, row in rows.items():
        table.add_row(name, f"{row['fastest']:.3f}", f"{row['median']:.3f}", f"{row['optimizer_median']:.3f}",
                      f"{row['vs_per_tensor_median']:.2f}")
    Console().print(table)
    result = {"forms": rows, "batches": args.batches, "repeats": args.repeats, "audio_seconds_per_batch": audio_seconds,
              "threads": args.threads, "torch": torch.__version__, "cpu": platform.processor() or platform.machine(),
              "cores": os.cpu_count()}
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()

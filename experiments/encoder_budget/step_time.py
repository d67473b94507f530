"""Cost of one CTC training step (forward, backward, AdamW) for encoder variants, on real batches.

    .venv/bin/python experiments/encoder_budget/step_time.py [--batches 12] [--threads 2]
        [--out experiments/encoder_budget/step_time.json]

Forms batches of the built-in training split as `train` does (data.batch_seconds, duration buckets), then
times the same batches through each variant's model under bf16 autocast (trainer.precision=bf16-mixed),
after one warm-up step. Each variant is a list of Hydra overrides of conf/train.yaml; the first is the
encoder as it was before the 60 ms default, so the table reads as "what each change buys".
"""

import argparse
import json
import os
import platform
import time
from functools import partial
from pathlib import Path

import torch
from hydra import compose, initialize_config_dir
from hydra.utils import instantiate
from rich.console import Console
from rich.table import Table
from torch.profiler import ProfilerActivity, profile

from asrbench.config import CONF_DIR
from asrbench.models.build import build_model

PREVIOUS = ["encoder.strides=[2,2]", "encoder.dropout=0.05", "model.dropout=0.05"]
VARIANTS = {
    "previous default (40 ms, dropout 0.05)": PREVIOUS,
    "40 ms, no dropout": ["encoder.strides=[2,2]"],
    "60 ms, no dropout (default)": [],
    "80 ms, no dropout": ["encoder.strides=[2,2,2]"],
}


def build(overrides: list[str]):
    with initialize_config_dir(config_dir=CONF_DIR, version_base="1.3"):
        cfg = compose(config_name="train", overrides=overrides)
    datamodule = instantiate(cfg.data)
    tokenizer = instantiate(cfg.tokenizer)(texts=datamodule.train_texts(),
                                           cache_dir=Path(cfg.data.train_manifest).parent)
    model = build_model(cfg, tokenizer)
    datamodule.tokenizer = model.tokenizer
    return model, datamodule


def training_batches(n: int) -> tuple[list[dict], float]:
    """``n`` + 1 batches of the built-in training split as ``train`` forms them (the first for warm-up),
    and the mean audio seconds of the ``n`` timed ones."""
    _, datamodule = build([])
    datamodule.setup("fit")
    loader = iter(datamodule.train_dataloader())
    batches = [next(loader) for _ in range(n + 1)]
    return batches, sum(float(b["audio_lens"].sum()) for b in batches[1:]) / 16000 / n


def comparison_arguments(doc: str, out: str, batches: int, repeats: int) -> argparse.Namespace:
    """The command line of the scripts that time variants in turn (stem_width, pointwise_linear); sets
    torch's intra-op threads."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batches", type=int, default=batches)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=repeats)
    parser.add_argument("--bf16", action="store_true", help="bf16 autocast (trainer.precision=bf16-mixed)")
    parser.add_argument("--out", default=out)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    return args


def seconds_per_step(model: torch.nn.Module, batches: list[dict], bf16: bool = True) -> float:
    """Mean time of a training step over ``batches[1:]`` (bf16 autocast, or float32 with ``bf16=False``)."""
    torch.manual_seed(0)
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4)

    def step(batch: dict) -> None:
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            loss = model(batch)["loss"]
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()

    step(batches[0])  # warm-up: allocator, oneDNN kernels
    start = time.perf_counter()
    for batch in batches[1:]:
        step(batch)
    return (time.perf_counter() - start) / (len(batches) - 1)


def op_share(work, op: str) -> float:
    """The share of CPU time that ``op`` takes while ``work()`` runs."""
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        work()
    events = prof.key_averages()
    return sum(e.self_cpu_time_total for e in events if e.key == op) / sum(e.self_cpu_time_total for e in events)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batches", type=int, default=12)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", default="experiments/encoder_budget/step_time.json")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    batches, audio_seconds = training_batches(args.batches)

    rows, dropout_share = {}, None
    for name, overrides in VARIANTS.items():
        model, _ = build(overrides)
        rows[name] = {"overrides": overrides, "seconds_per_step": seconds_per_step(model, batches)}
        if overrides is PREVIOUS:
            dropout_share = op_share(partial(seconds_per_step, model, batches[:3]), "aten::bernoulli_")
    base = rows[next(iter(VARIANTS))]["seconds_per_step"]
    for row in rows.values():
        row["speedup"] = base / row["seconds_per_step"]

    table = Table(title=f"CTC training step, {args.batches} batches of {audio_seconds:.1f} s audio, "
                        f"{args.threads} thread(s)")
    for column in ("variant", "s / step", "speed-up"):
        table.add_column(column, justify="left" if column == "variant" else "right")
    for name, row in rows.items():
        table.add_row(name, f"{row['seconds_per_step']:.3f}", f"{row['speedup']:.2f}x")
    console = Console()
    console.print(table)
    console.print(f"dropout's Bernoulli masks: {100 * dropout_share:.1f}% of the previous default's CPU time")
    result = {"variants": rows, "dropout_share_previous": dropout_share, "batches": args.batches,
              "audio_seconds_per_batch": audio_seconds, "threads": args.threads, "torch": torch.__version__,
              "cpu": platform.processor() or platform.machine(), "cores": os.cpu_count()}
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()

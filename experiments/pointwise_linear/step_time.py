"""Cost of one CTC training step with the Conformer's pointwise convolutions as Linear layers (now) or as
kernel-1 Conv1d layers (before commit 53a2b18), on real batches.

    .venv/bin/python experiments/pointwise_linear/step_time.py [--batches 6] [--threads 2] [--repeats 6]
        [--bf16] [--out experiments/pointwise_linear/step_time.json]

Both forms compute the same maps from the same weights: the script first checks that they give the same
loss on a batch, then times the same batches (forward, backward, AdamW; float32 unless --bf16) through
each form in turn, --repeats times, after one warm-up step each. It reports the fastest and the median
time, as other work on a shared VM only ever slows a step down.
"""

import copy
import json
import os
import platform
import statistics
import sys
from pathlib import Path

import torch
import torch.nn.functional as F
from rich.console import Console
from rich.table import Table
from torch import nn

sys.path.insert(0, str(Path(__file__).parents[1] / "encoder_budget"))
from step_time import build, comparison_arguments, seconds_per_step, training_batches  # noqa: E402

from asrbench.models.conformer import ConvModule  # noqa: E402


class Conv1dPointwise(nn.Module):
    """The convolution module as it was: kernel-1 Conv1d layers on (B, D, T), transposed around them."""

    def __init__(self, new: ConvModule):
        super().__init__()
        self.ln, self.depthwise, self.norm, self.dropout = new.ln, new.depthwise, new.norm, new.dropout
        self.pointwise_in = as_conv1d(new.pointwise_in)
        self.pointwise_out = as_conv1d(new.pointwise_out)

    def forward(self, x: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
        y = F.glu(self.pointwise_in(self.ln(x).transpose(1, 2)), dim=1)
        y = self.depthwise(y.masked_fill(~valid[:, None, :], 0.0))
        y = self.pointwise_out(F.silu(self.norm(y.transpose(1, 2)).transpose(1, 2)))
        return self.dropout(y.transpose(1, 2))


def as_conv1d(linear: nn.Linear) -> nn.Conv1d:
    conv = nn.Conv1d(linear.in_features, linear.out_features, 1)
    conv.weight.data.copy_(linear.weight.data[..., None])
    conv.bias.data.copy_(linear.bias.data)
    return conv


def with_conv1d_pointwise(model: nn.Module) -> nn.Module:
    for block in model.encoder.blocks:
        block.conv = Conv1dPointwise(block.conv)
    return model


def main() -> None:
    args = comparison_arguments(__doc__, "experiments/pointwise_linear/step_time.json", batches=6, repeats=6)

    batches, audio_seconds = training_batches(args.batches)
    forms = {"Linear (now)": lambda: build([])[0], "Conv1d (before)": lambda: with_conv1d_pointwise(build([])[0])}

    linear = forms["Linear (now)"]().eval()
    conv1d = with_conv1d_pointwise(copy.deepcopy(linear))  # the same weights in both forms
    with torch.no_grad():
        losses = [float(model(batches[1])["loss"]) for model in (linear, conv1d)]
    torch.testing.assert_close(losses[0], losses[1], rtol=1e-5, atol=0)

    seconds = {name: [] for name in forms}
    for _ in range(args.repeats):
        for name, make in forms.items():
            seconds[name].append(seconds_per_step(make(), batches, bf16=args.bf16))
    rows = {name: {"seconds": times, "fastest": min(times), "median": statistics.median(times)}
            for name, times in seconds.items()}
    before = rows["Conv1d (before)"]
    for row in rows.values():
        row["vs_before_fastest"] = row["fastest"] / before["fastest"]
        row["vs_before_median"] = row["median"] / before["median"]

    precision = "bf16 autocast" if args.bf16 else "float32"
    table = Table(title=f"CTC training step, {args.batches} batches of {audio_seconds:.1f} s audio, {precision}, "
                        f"{args.threads} thread(s), {args.repeats} repeats")
    for column in ("pointwise layers", "fastest s", "median s", "vs before"):
        table.add_column(column, justify="left" if column == "pointwise layers" else "right")
    for name, row in rows.items():
        table.add_row(name, f"{row['fastest']:.3f}", f"{row['median']:.3f}",
                      f"{row['vs_before_fastest']:.2f} / {row['vs_before_median']:.2f}")
    Console().print(table)
    result = {"forms": rows, "losses": losses, "precision": precision, "batches": args.batches,
              "repeats": args.repeats, "audio_seconds_per_batch": audio_seconds, "threads": args.threads,
              "torch": torch.__version__, "cpu": platform.processor() or platform.machine(),
              "cores": os.cpu_count()}
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()

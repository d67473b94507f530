"""AdamW and its learning-rate schedules (LambdaLR multipliers of the peak learning rate)."""

import math

import torch

from asrbench.config import flatten


def build_adamw(model: torch.nn.Module, optim: dict, precision: str = "32-true") -> torch.optim.AdamW:
    """AdamW over the trainable parameters; weight decay on matrices only, not on biases and norms.

    ``optim.lr_scales`` multiplies the learning rate of submodules, keyed by their path in ``model`` (nested
    keys spell dotted paths: ``{"encoder": 0.1}``, ``{"head": {"lm": 0.5}}``); the longest matching path wins,
    and the schedule scales every group alike. ``optim.fused`` updates all parameters in one kernel (CPU and
    GPU). Not under fp16 AMP (``precision`` ``16-mixed``): Lightning's gradient scaler must unscale gradients
    before clipping, which a fused optimiser does inside its step.
    """
    scales = {path: float(scale) for path, scale in flatten(optim.get("lr_scales") or {}).items()
              if not isinstance(scale, dict)}  # an empty mapping scales nothing
    groups: dict[tuple[float, bool], list[torch.nn.Parameter]] = {}
    matched = set()
    for name, param in model.named_parameters():
        if param.requires_grad:
            path = longest_path(name, scales)
            matched.add(path)
            groups.setdefault((scales.get(path, 1.0), param.ndim >= 2), []).append(param)
    if unmatched := sorted(scales.keys() - matched):
        modules = ", ".join(name for name, _ in model.named_children())
        raise ValueError(f"optim.lr_scales: {', '.join(unmatched)} holds no trainable parameter (the model's "
                         f"modules: {modules}; a frozen module has nothing to scale)")
    fused = bool(optim.get("fused", False)) and str(precision) != "16-mixed"
    # The unscaled groups come first, in the order asrbench always used, so runs without scales reproduce.
    ordered = sorted(groups, key=lambda key: (key[0] != 1.0, -key[0], not key[1]))
    return torch.optim.AdamW([{"params": groups[key], "lr": optim["lr"] * key[0],
                               "weight_decay": optim["weight_decay"] if key[1] else 0.0} for key in ordered],
                             lr=optim["lr"], betas=tuple(optim["betas"]), fused=fused)


def longest_path(name: str, paths: dict[str, float]) -> str | None:
    """The longest of ``paths`` that the parameter ``name`` lies under, or ``None``."""
    under = [path for path in paths if name == path or name.startswith(path + ".")]
    return max(under, key=len, default=None)


class WarmupSchedule:
    """Linear warmup, then cosine decay to ``final_ratio`` ("cosine") or inverse square root ("noam").

    ``total_steps`` is set once the trainer knows it (``on_train_start``): asking Lightning for it in
    ``configure_optimizers`` builds the train dataloader before a resumed checkpoint is restored, and the
    loader's saved position is then silently dropped (Lightning issue #20550). Being a callable object,
    LambdaLR stores its attributes in the scheduler's state_dict.
    """

    def __init__(self, name: str, warmup_steps: int, final_ratio: float = 0.01):
        if name not in ("cosine", "noam"):
            raise ValueError(f"optim.schedule must be 'cosine' or 'noam', got {name!r}")
        self.name, self.warmup, self.final_ratio = name, max(1, warmup_steps), final_ratio
        self.total_steps: int | None = None

    def __call__(self, step: int) -> float:
        if step < self.warmup:
            return (step + 1) / self.warmup
        if self.name == "noam":
            return (self.warmup / (step + 1)) ** 0.5
        if self.total_steps is None:
            raise RuntimeError("WarmupSchedule.total_steps must be set before the warmup ends")
        progress = min(1.0, (step - self.warmup) / max(1, self.total_steps - self.warmup))
        return self.final_ratio + (1 - self.final_ratio) * 0.5 * (1 + math.cos(math.pi * progress))


def build_scheduler(optimizer: torch.optim.Optimizer, name: str, total_steps: int, warmup_steps: int,
                    final_lr_ratio: float = 0.01) -> torch.optim.lr_scheduler.LambdaLR:
    """A LambdaLR over ``WarmupSchedule`` for callers that know the number of steps up front."""
    schedule = WarmupSchedule(name, warmup_steps, final_lr_ratio)
    schedule.total_steps = total_steps
    return torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)

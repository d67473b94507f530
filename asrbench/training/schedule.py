"""Learning-rate schedules as LambdaLR multipliers of the peak learning rate."""

import math
from functools import partial

import torch


def _warmup_cosine(step: int, warmup: int, total: int, final_ratio: float) -> float:
    if step < warmup:
        return (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return final_ratio + (1 - final_ratio) * 0.5 * (1 + math.cos(math.pi * progress))


def _noam(step: int, warmup: int) -> float:
    """Transformer (Noam) schedule, scaled so that the peak at ``step == warmup`` is 1."""
    step = step + 1
    return min(step / warmup, (warmup / step) ** 0.5)


def build_scheduler(optimizer: torch.optim.Optimizer, name: str, total_steps: int, warmup_steps: int,
                    final_lr_ratio: float = 0.01) -> torch.optim.lr_scheduler.LambdaLR:
    if name == "cosine":
        fn = partial(_warmup_cosine, warmup=warmup_steps, total=total_steps, final_ratio=final_lr_ratio)
    elif name == "noam":
        fn = partial(_noam, warmup=warmup_steps)
    else:
        raise ValueError(f"optim.schedule must be 'cosine' or 'noam', got {name!r}")
    return torch.optim.lr_scheduler.LambdaLR(optimizer, fn)

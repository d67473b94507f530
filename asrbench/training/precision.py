"""Training precision for CPUs: bf16 autocast where the CPU computes bf16 fast, float32 where it does not."""

import functools
import logging
import time

import torch

log = logging.getLogger(__name__)


@functools.cache
def cpu_precision() -> str:
    """Lightning's ``precision`` for this CPU: ``bf16-mixed`` when a bf16 training step is no slower than
    a float32 one (AVX-512 and AMX cores), else ``32-true``. Without AVX-512, oneDNN emulates bf16 and a
    step runs about 20x slower than in float32, so measuring beats guessing from CPU flags."""
    float32, bfloat16 = _step_seconds(enabled=False), _step_seconds(enabled=True)
    precision = "bf16-mixed" if bfloat16 < 1.2 * float32 else "32-true"
    log.info("trainer.precision=%s: a bf16 matmul step takes %.1f ms, float32 %.1f ms", precision,
             bfloat16 * 1e3, float32 * 1e3)
    return precision


def _step_seconds(enabled: bool, repeats: int = 2) -> float:
    """The fastest of ``repeats`` forward + backward passes of a 1024-wide linear layer on 512 rows (smaller
    matmuls hide the gap: 1.8x at 256 x 512 against 3.9x at 1024 x 1024 on an AVX2 EPYC)."""
    layer = torch.nn.Linear(1024, 1024)
    x = torch.randn(512, 1024)
    times = []
    for _ in range(repeats + 1):  # the first one warms up
        start = time.perf_counter()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=enabled):
            layer(x).float().sum().backward()
        times.append(time.perf_counter() - start)
    return min(times[1:])

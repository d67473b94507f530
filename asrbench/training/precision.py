"""Training precision for CPUs: bf16 autocast where the CPU computes bf16 fast, float32 where it does not."""

import functools
import logging
import platform
import time

import torch

log = logging.getLogger(__name__)


@functools.cache
def cpu_precision() -> str:
    """Lightning's ``precision`` for this CPU: ``bf16-mixed`` when a bf16 training step is no slower than
    a float32 one (AVX-512 and AMX cores), else ``32-true``. Without AVX-512, oneDNN emulates bf16 and a
    step runs about 5-20x slower than in float32: an x86 CPU without it trains in float32 untimed (a
    timing taken while other work loads the machine could decide otherwise). Other CPUs are timed,
    because their flags tell less than a measurement."""
    capability = torch.backends.cpu.get_cpu_capability()
    if platform.machine().lower() in ("x86_64", "amd64") and "AVX512" not in capability:
        log.info("trainer.precision=32-true: this CPU (%s) has no AVX-512 and would emulate bf16", capability)
        return "32-true"
    with torch.random.fork_rng(devices=[]):  # a config may resolve after seeding: the run's draws stay its own
        float32, bfloat16 = _step_seconds()
    precision = "bf16-mixed" if bfloat16 < 1.2 * float32 else "32-true"
    log.info("trainer.precision=%s: a bf16 matmul step takes %.1f ms, float32 %.1f ms", precision,
             bfloat16 * 1e3, float32 * 1e3)
    return precision


def _step_seconds(repeats: int = 3) -> tuple[float, float]:
    """The fastest of ``repeats`` forward + backward passes of a 1024-wide linear layer on 512 rows, in
    float32 and under bf16 autocast, taken in turn so that a burst of load slows both alike (smaller
    matmuls hide the gap: 1.8x at 256 x 512 against 3.9x at 1024 x 1024 on an AVX2 EPYC)."""
    layer = torch.nn.Linear(1024, 1024)
    x = torch.randn(512, 1024)
    times: dict[bool, list[float]] = {False: [], True: []}
    for _ in range(repeats + 1):  # the first round warms up
        for bf16 in (False, True):
            start = time.perf_counter()
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                layer(x).float().sum().backward()
            times[bf16].append(time.perf_counter() - start)
    return min(times[False][1:]), min(times[True][1:])

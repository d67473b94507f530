import pytest
import torch

from asrbench.training import precision
from tests.conftest import compose


@pytest.fixture
def cpu(monkeypatch):
    """Pretend to be a CPU of the given architecture and capability; clears the cached decision around it."""
    def pretend(machine: str, capability: str) -> None:
        monkeypatch.setattr(precision.platform, "machine", lambda: machine)
        monkeypatch.setattr(torch.backends.cpu, "get_cpu_capability", lambda: capability)

    precision.cpu_precision.cache_clear()
    yield pretend
    precision.cpu_precision.cache_clear()


@pytest.mark.parametrize(("bf16_seconds", "expected"), [(0.05, "bf16-mixed"), (0.11, "bf16-mixed"),
                                                         (0.13, "32-true"), (0.4, "32-true")])
@pytest.mark.parametrize(("machine", "capability"), [("x86_64", "AVX512"), ("aarch64", "SVE256")])
def test_bf16_only_where_it_is_not_slower_than_float32(cpu, monkeypatch, machine, capability, bf16_seconds, expected):
    cpu(machine, capability)
    monkeypatch.setattr(precision, "_step_seconds", lambda: (0.1, bf16_seconds))
    assert precision.cpu_precision() == expected


def test_an_x86_cpu_without_avx512_trains_in_float32_without_a_timing(cpu, monkeypatch):
    cpu("x86_64", "AVX2")
    monkeypatch.setattr(precision, "_step_seconds", lambda: pytest.fail("an AVX2 CPU must not be timed"))
    assert precision.cpu_precision() == "32-true"


def test_timing_leaves_the_seeded_random_stream_alone(cpu):
    # train resolves its config after seeding when run from Python; the timing's random weights must not
    # shift the run's initialisation (the first of two identical runs in a process trained differently)
    cpu("x86_64", "AVX512")
    torch.manual_seed(0)
    precision.cpu_precision()
    after_timing = torch.rand(3)
    torch.manual_seed(0)
    torch.testing.assert_close(after_timing, torch.rand(3), rtol=0, atol=0)


def test_the_cpu_trainer_resolves_its_precision_on_this_machine():
    cfg = compose("train", [])
    assert cfg.trainer.precision in ("bf16-mixed", "32-true")
    assert compose("train", ["trainer.precision=16-mixed"]).trainer.precision == "16-mixed"

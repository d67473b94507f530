import pytest

from asrbench.training import precision
from tests.conftest import compose


@pytest.mark.parametrize(("bf16_seconds", "expected"), [(0.05, "bf16-mixed"), (0.11, "bf16-mixed"),
                                                         (0.13, "32-true"), (0.4, "32-true")])
def test_bf16_only_where_it_is_not_slower_than_float32(monkeypatch, bf16_seconds, expected):
    monkeypatch.setattr(precision, "_step_seconds", lambda enabled: bf16_seconds if enabled else 0.1)
    precision.cpu_precision.cache_clear()
    try:
        assert precision.cpu_precision() == expected
    finally:
        precision.cpu_precision.cache_clear()


def test_the_cpu_trainer_resolves_its_precision_on_this_machine():
    cfg = compose("train", [])
    assert cfg.trainer.precision in ("bf16-mixed", "32-true")
    assert compose("train", ["trainer.precision=16-mixed"]).trainer.precision == "16-mixed"

from asrbench.config import _run_name


def test_run_names_are_readable_and_bounded():
    assert _run_name("") == "default"
    assert _run_name("model=aed,trainer.max_epochs=5") == "model=aed,trainer.max_epochs=5"
    long = ",".join(f"model.option_{i}=value_{i}" for i in range(30))
    name = _run_name(long)
    assert len(name) == 120 and name.startswith("model.option_0=value_0") and name != _run_name(long + "x")

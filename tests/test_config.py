from pathlib import Path

import pytest
from omegaconf import OmegaConf

from asrbench.config import CONF_DIR, _run_name
from tests.conftest import compose


def test_run_names_are_readable_and_bounded():
    assert _run_name("") == "default"
    assert _run_name("model=aed,trainer.max_epochs=5") == "model=aed,trainer.max_epochs=5"
    long = ",".join(f"model.option_{i}=value_{i}" for i in range(30))
    name = _run_name(long)
    assert len(name) == 120 and name.startswith("model.option_0=value_0") and name != _run_name(long + "x")


@pytest.mark.parametrize("experiment", ["compare_heads", "fsdd_heads"])
def test_experiments_compose_and_name_runs_without_paths(experiment):
    cfg = compose("train", [f"experiment={experiment}", "encoder=whisper_tiny_en", "encoder.checkpoint=a/b.ckpt"],
                  return_hydra_config=True)
    assert cfg.hydra.sweeper.params.model == "ctc,aed,llm"
    assert "encoder.checkpoint" in cfg.hydra.job.config.override_dirname.exclude_keys
    subdir = OmegaConf.to_container(cfg.hydra.sweep)["subdir"]  # unresolved: it needs a running job
    assert subdir.startswith("${asrbench.run_name:")  # no "/" from a path in the name: one folder a run
    if experiment == "fsdd_heads":
        assert cfg.corpus._target_.endswith("prepare_fsdd") and "fsdd-theo" in cfg.data.test_manifest


@pytest.mark.parametrize(("overrides", "mean_norm"), [
    ([], True), (["frontend=whisper"], False), (["encoder=whisper_tiny_en"], False),
    (["encoder=whisper_tiny_en", "frontend.mean_norm=true"], True)])
def test_features_are_mean_normalised_unless_the_encoder_is_whispers(overrides, mean_norm):
    cfg = compose("train", overrides)
    assert cfg.frontend.mean_norm is mean_norm
    if "encoder=whisper_tiny_en" in overrides:  # the preset still describes the encoder alone
        assert cfg.encoder.dim == 384 and cfg.encoder.stem == "conv1d" and cfg.encoder.strides == [1, 2]


@pytest.mark.parametrize("command", sorted(p.stem for p in (Path(CONF_DIR)).glob("*.yaml")))
def test_commands_that_run_in_the_working_folder_leave_no_log_file_there(command):
    hydra = compose(command, [], return_hydra_config=True).hydra
    if OmegaConf.to_container(hydra.run)["dir"] == ".":  # unresolved: train's dir interpolates the Hydra runtime
        assert "file" not in hydra.job_logging.get("handlers", {}), f"{command}.yaml would write {command}.log here"


def test_whisper_finetune_takes_architecture_units_and_features_from_whisper():
    cfg = compose("train", ["experiment=whisper_finetune", "init=w.ckpt"])
    assert cfg.tokenizer.path == "w.ckpt" and cfg.tokenizer._target_.endswith("checkpoint_tokenizer")
    assert cfg.encoder.dim == 384 and cfg.encoder.stem == "conv1d" and cfg.model.prompt == [50257, 50362]
    assert cfg.frontend.mean_norm is False and cfg.encoder.checkpoint is None

"""Where the Hydra configs live, and the OmegaConf resolvers they use."""

from pathlib import Path

from omegaconf import OmegaConf

CONF_DIR = str(Path(__file__).resolve().parent.parent / "conf")


def _run_name(override_dirname: str) -> str:
    return override_dirname.replace("/", "_") or "default"


def register_resolvers() -> None:
    if not OmegaConf.has_resolver("asrbench.run_name"):
        OmegaConf.register_new_resolver("asrbench.run_name", _run_name)


register_resolvers()

"""Where the Hydra configs live, and the OmegaConf resolvers they use."""

import hashlib
from pathlib import Path

from omegaconf import OmegaConf

CONF_DIR = str(Path(__file__).resolve().parent.parent / "conf")


def _run_name(override_dirname: str, limit: int = 120) -> str:
    """A run folder named by its overrides (``model=aed,trainer.max_epochs=5``); long ones keep a readable
    prefix and a hash, since file names are limited to 255 bytes."""
    name = override_dirname.replace("/", "_") or "default"
    if len(name) <= limit:
        return name
    return f"{name[: limit - 11]}-{hashlib.sha1(name.encode()).hexdigest()[:10]}"


def _cpu_precision() -> str:
    from asrbench.training.precision import cpu_precision  # imports torch: only when a config asks for it

    return cpu_precision()


def flatten(tree: dict, prefix: str = "") -> dict:
    """``{"a": {"b": 1}}`` -> ``{"a.b": 1}``."""
    flat = {}
    for key, value in tree.items():
        if isinstance(value, dict) and value:
            flat.update(flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def register_resolvers() -> None:
    if not OmegaConf.has_resolver("asrbench.run_name"):
        OmegaConf.register_new_resolver("asrbench.run_name", _run_name)
    if not OmegaConf.has_resolver("asrbench.cpu_precision"):
        OmegaConf.register_new_resolver("asrbench.cpu_precision", _cpu_precision)


register_resolvers()

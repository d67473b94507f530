"""Loading checkpoints safely (``weights_only=True``) and rebuilding the model they describe."""

import pickle
from pathlib import Path

import torch
from omegaconf import OmegaConf

from asrbench.models.asr_model import ASRModel


class CheckpointError(ValueError):
    """A checkpoint that cannot be loaded; the message names the file and why."""


def read_checkpoint(path: str | Path) -> dict:
    """``torch.load`` with ``weights_only=True``: tensors and plain containers only, never code."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"checkpoint {path} does not exist")
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as err:
        first_line = str(err).strip().splitlines()[-1] if str(err).strip() else ""
        raise CheckpointError(f"refusing to load {path}: it contains pickled Python objects, which could run "
                              f"code when loaded; only tensors and plain containers are accepted ({first_line})"
                              ) from None
    except (RuntimeError, EOFError) as err:
        raise CheckpointError(f"checkpoint {path} is truncated or not a PyTorch file ({err})") from None


def load_state_dict(path: str | Path) -> dict[str, torch.Tensor]:
    checkpoint = read_checkpoint(path)
    return checkpoint.get("state_dict", checkpoint)


def load_model(path: str | Path, raw_weights: bool = False) -> tuple[ASRModel, dict]:
    """Rebuild the ASRModel stored in an asrbench checkpoint; returns it (eval mode) and its config.
    ``raw_weights``: of a run trained with ``averaging=``, the trained weights instead of their average."""
    from asrbench.models.build import build_model
    from asrbench.text.tokenizer import tokenizer_from_tensor

    checkpoint = read_checkpoint(path)
    if raw_weights:
        if "current_model_state" not in checkpoint:
            raise CheckpointError(f"{path} holds one set of weights (trained without averaging=, or saved before the "
                                  "average began): drop weights=raw")
        checkpoint["state_dict"] = checkpoint["current_model_state"]
    try:
        config = checkpoint["hyper_parameters"]["config"]
        tokenizer = tokenizer_from_tensor(checkpoint["tokenizer"])
    except KeyError as err:
        raise CheckpointError(f"{path} is not an asrbench checkpoint (no {err} entry)") from None
    cfg = OmegaConf.create(config)
    cfg.encoder.checkpoint = None  # the weights below already contain any pretrained initialisation
    model = build_model(cfg, tokenizer)
    load_weights(model, checkpoint, path, "its own config")
    return model.eval(), config


def initialise_from(model: ASRModel, checkpoint: dict, path: str | Path) -> None:
    """Start training from every weight of ``checkpoint``, read from ``path`` (``train init=PATH``: fine-tuning,
    e.g. an imported Whisper model); the run must configure the same architecture and tokenizer."""
    if "tokenizer" in checkpoint and not torch.equal(checkpoint["tokenizer"], model.tokenizer.to_tensor()):
        raise CheckpointError(f"init={path} was trained with another tokenizer than this run's; pass "
                              "tokenizer=checkpoint to write with the checkpoint's units")
    load_weights(model, checkpoint, path, "this run's frontend/encoder/model config")


def load_weights(model: ASRModel, checkpoint: dict, path: str | Path, described_by: str) -> None:
    state = {k.removeprefix("model."): v for k, v in checkpoint.get("state_dict", checkpoint).items()}
    try:
        missing, unexpected = model.load_state_dict(state, strict=False)
    except RuntimeError as err:  # shape mismatches, e.g. a head sized for another tokenizer
        raise CheckpointError(f"{path}: weights do not fit the model {described_by} describes: "
                              f"{str(err).splitlines()[1].strip()}") from None
    if missing or unexpected:
        raise CheckpointError(f"{path}: weights do not match {described_by} (missing {missing[:3]}, "
                              f"unexpected {unexpected[:3]})")

"""Assemble an ASRModel from the ``frontend``, ``encoder`` and ``model`` (head) config groups."""

from hydra.utils import instantiate
from omegaconf import DictConfig

from asrbench.models.asr_model import ASRModel
from asrbench.text.tokenizer import Tokenizer
from asrbench.training.checkpoint import read_checkpoint

# The frontend settings that change what an encoder sees (pad_to_seconds and SpecAugment do not: padded
# frames are masked, SpecAugment only acts in training); a key absent from an older checkpoint had this value.
FEATURE_KEYS = {"sample_rate": 16000, "n_fft": 400, "hop_length": 160, "n_mels": 80, "mean_norm": False}


def build_model(cfg: DictConfig, tokenizer: Tokenizer | None) -> ASRModel:
    """Instantiate frontend, encoder and head (each through its ``_target_``) around ``tokenizer``.

    A head that brings its own tokenizer (the LLM head writes with its LM's) replaces ``tokenizer``.
    """
    if cfg.encoder.get("checkpoint"):
        path = cfg.encoder.checkpoint
        check_pretrained_features(cfg.frontend, read_checkpoint(path), f"encoder.checkpoint={path}")
    frontend = instantiate(cfg.frontend)
    encoder = instantiate(cfg.encoder, n_mels=frontend.n_mels)
    head = instantiate(cfg.model, dim=encoder.dim, vocab_size=tokenizer.vocab_size if tokenizer else 0)
    tokenizer = getattr(head, "tokenizer", None) or tokenizer
    if tokenizer is None:
        raise ValueError(f"head {cfg.model._target_} brings no tokenizer and none was configured")
    return ASRModel(frontend, encoder, head, tokenizer)


def check_pretrained_features(frontend: DictConfig, checkpoint: dict, source: str) -> None:
    """Refuse to initialise an encoder from ``checkpoint`` (loaded from ``source``, e.g. ``init=FILE``) when this
    run's frontend computes other features than the ones its weights were trained on (e.g. mean-normalised
    log-Mel into Whisper's encoder)."""
    stored = checkpoint.get("hyper_parameters", {}).get("config", {}).get("frontend")
    if stored is None:  # a bare state dict: nothing recorded to compare with
        return
    differ = {key: (stored.get(key, default), frontend.get(key, default)) for key, default in FEATURE_KEYS.items()
              if stored.get(key, default) != frontend.get(key, default)}
    if differ:
        fixes = " ".join(f"frontend.{key}={str(trained).lower()}" for key, (trained, _) in differ.items())
        details = ", ".join(f"{key}={trained} there, {ours} here" for key, (trained, ours) in differ.items())
        raise ValueError(f"{source} was trained on other features ({details}); "
                         f"pass {fixes} so the pretrained encoder sees what it learned from")

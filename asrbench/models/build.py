"""Assemble an ASRModel from the ``frontend``, ``encoder`` and ``model`` (head) config groups."""

from hydra.utils import instantiate
from omegaconf import DictConfig

from asrbench.models.asr_model import ASRModel
from asrbench.text.tokenizer import Tokenizer


def build_model(cfg: DictConfig, tokenizer: Tokenizer | None) -> ASRModel:
    """Instantiate frontend, encoder and head (each through its ``_target_``) around ``tokenizer``.

    A head that brings its own tokenizer (the LLM head writes with its LM's) replaces ``tokenizer``.
    """
    frontend = instantiate(cfg.frontend)
    encoder = instantiate(cfg.encoder, n_mels=frontend.n_mels)
    head = instantiate(cfg.model, dim=encoder.dim, vocab_size=tokenizer.vocab_size if tokenizer else 0)
    tokenizer = getattr(head, "tokenizer", None) or tokenizer
    if tokenizer is None:
        raise ValueError(f"head {cfg.model._target_} brings no tokenizer and none was configured")
    return ASRModel(frontend, encoder, head, tokenizer)

"""Any local Hugging Face causal LM folder (config.json, weights, tokenizer.json), loaded offline."""

import json
from pathlib import Path

import torch
from torch import nn

from asrbench.models.lm import positions_from_mask
from asrbench.text.hf_tokenizer import HFTokenizer


def _first(token_id: int | list[int] | None) -> int | None:
    return token_id[0] if isinstance(token_id, list) else token_id


class HFCausalLM(nn.Module):
    """Wraps ``AutoModelForCausalLM``; its ``DynamicCache`` is the KV cache, reordered in place for beams."""

    def __init__(self, model: nn.Module):
        super().__init__()
        self.model = model
        config = model.config.get_text_config()
        self.dim = config.hidden_size
        self.vocab_size = model.get_output_embeddings().weight.shape[0]
        self.max_positions = getattr(config, "max_position_embeddings", None)

    def embed(self, tokens: torch.Tensor) -> torch.Tensor:
        return self.model.get_input_embeddings()(tokens)

    def forward(self, x: torch.Tensor, mask: torch.Tensor, cache=None, use_cache: bool = False,
                logits_to_keep: int = 0, positions: torch.Tensor | None = None):
        positions = positions_from_mask(mask, x.shape[1]) if positions is None else positions
        out = self.model(inputs_embeds=x, attention_mask=mask.long(), position_ids=positions, past_key_values=cache,
                         use_cache=use_cache or cache is not None, logits_to_keep=logits_to_keep)
        return out.logits, out.past_key_values

    @staticmethod
    def reorder(cache, index: torch.Tensor):
        cache.reorder_cache(index)
        return cache


def read_hf_arch(path: str | Path) -> dict:
    """The folder's model config as plain JSON values (recorded in run configs)."""
    from transformers import AutoConfig

    return json.loads(AutoConfig.from_pretrained(str(path), local_files_only=True).to_json_string())


def load_hf(path: str | Path, arch: dict | None = None,
            dtype: str = "float32") -> tuple[HFCausalLM, HFTokenizer | None]:
    """Load the LM in ``path``; without the folder, build it from ``arch`` (weights then come from elsewhere)."""
    from transformers import AutoConfig, AutoModelForCausalLM
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    path = Path(path)
    if not (path / "config.json").is_file():
        if arch is None:
            raise FileNotFoundError(f"{path} is not a Hugging Face model folder (no config.json); "
                                    "set model.lm.path to a local folder saved with save_pretrained()")
        config = AutoConfig.for_model(**arch)
        return HFCausalLM(AutoModelForCausalLM.from_config(config, dtype=getattr(torch, dtype))), None
    model = AutoModelForCausalLM.from_pretrained(str(path), local_files_only=True, dtype=getattr(torch, dtype))
    if not (path / "tokenizer.json").is_file():
        raise FileNotFoundError(f"{path} has no tokenizer.json; asrbench reads HF tokenizers through the "
                                "`tokenizers` library only (save a fast tokenizer into the folder)")
    config = model.config.get_text_config()
    generation = getattr(model, "generation_config", None)
    eos = _first(config.eos_token_id) if config.eos_token_id is not None else _first(
        getattr(generation, "eos_token_id", None))
    if eos is None:
        raise ValueError(f"{path}: config.json names no eos_token_id, so the LM cannot end a transcript")
    bos = _first(config.bos_token_id)
    tokenizer = HFTokenizer.from_file(path / "tokenizer.json", bos_id=bos if bos is not None else -1, eos_id=eos)
    return HFCausalLM(model), tokenizer

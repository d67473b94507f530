"""Build the LLM head's language model from its config node (``model.lm``): source, weights, fine-tuning."""

import logging
from pathlib import Path

from torch import nn

from asrbench.text.tokenizer import Tokenizer, tokenizer_from_tensor

log = logging.getLogger(__name__)
FINETUNE = ("frozen", "lora", "full")


def read_arch(source: str, path: str | Path) -> dict:
    """The LM's architecture, as recorded in a run config so that its checkpoints rebuild without the LM files."""
    if source == "gpt":
        from asrbench.models.lm.gpt import read_gpt

        return read_gpt(path)["arch"]
    if source == "hf":
        from asrbench.models.lm.hf import read_hf_arch

        return read_hf_arch(path)
    raise ValueError(f"model.lm.source must be 'gpt' or 'hf', got {source!r}")


def load_lm(source: str, path: str, arch: dict | None = None, dtype: str = "float32",
            **_: object) -> tuple[nn.Module, Tokenizer | None]:
    """The LM and its tokenizer from ``path``; when ``path`` is gone but ``arch`` is known, an LM of
    that shape (weights and tokenizer then come from the model=llm checkpoint being loaded)."""
    if source == "hf":
        from asrbench.models.lm.hf import load_hf

        return load_hf(path, arch, dtype)
    if source != "gpt":
        raise ValueError(f"model.lm.source must be 'gpt' or 'hf', got {source!r}")
    from asrbench.models.lm.gpt import GPT, read_gpt

    if Path(path).is_file():
        checkpoint = read_gpt(path)
        if arch is None or dict(arch) == checkpoint["arch"]:
            model = GPT(**checkpoint["arch"])
            model.load_state_dict(checkpoint["state_dict"])
            return model, tokenizer_from_tensor(checkpoint["tokenizer"])
        log.warning("%s holds a different LM than the one recorded in this config; ignoring it", path)
    if arch is None:
        raise FileNotFoundError(f"LM checkpoint {path} does not exist: pretrain it with `python -m asrbench lm "
                                f"output={path}` (train model=llm does this itself for the built-in corpus)")
    return GPT(**arch), None


def set_finetuning(lm: nn.Module, finetune: str, lora: dict | None = None) -> None:
    """``frozen``: no LM weight trains; ``full``: all do; ``lora``: only peft LoRA adapters (injected in place)."""
    if finetune not in FINETUNE:
        raise ValueError(f"model.lm.finetune must be one of {FINETUNE}, got {finetune!r}")
    lm.requires_grad_(finetune == "full")
    if finetune == "lora":
        from peft import LoraConfig, inject_adapter_in_model

        lora = dict(lora or {})
        targets = lora.get("target_modules")
        config = LoraConfig(r=lora.get("rank", 8), lora_alpha=lora.get("alpha", 16),
                            lora_dropout=lora.get("dropout", 0.0),
                            target_modules=list(targets) if targets is not None else None)
        # An HF model is injected directly, so that peft can pick its default target modules by model type.
        inject_adapter_in_model(config, getattr(lm, "model", lm))

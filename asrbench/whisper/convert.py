"""Whisper weights (openai-whisper .pt, Hugging Face folder, CTranslate2 folder) -> an asrbench checkpoint.

The checkpoint has the layout of a trained one (state dict, resolved config, packed tokenizer), so
``eval``/``transcribe`` take it as is and ``encoder.checkpoint=FILE`` initialises any head's encoder from it.
"""

from pathlib import Path

import torch
from omegaconf import DictConfig, OmegaConf

from asrbench.models.encoder import sinusoids
from asrbench.text.hf_tokenizer import HFTokenizer
from asrbench.whisper.ctranslate2 import read_ctranslate2
from asrbench.whisper.huggingface import read_huggingface
from asrbench.whisper.openai import read_openai
from asrbench.whisper.tokenizer import (
    complete_vocabulary,
    decoding_config,
    openai_whisper_tokenizer_json,
    read_tokenizer_json,
)


def detect_format(src: Path) -> str:
    if src.is_file():
        return "openai"
    if (src / "model.bin").is_file():
        return "ctranslate2"
    if (src / "config.json").is_file():
        return "huggingface"
    raise ValueError(f"{src} is neither an openai-whisper .pt file nor a Hugging Face or CTranslate2 Whisper folder")


def read_whisper(src: str | Path, tokenizer: str | Path | None = None) -> tuple[str, dict, dict, str]:
    """Format, dimensions, float32 state dict (openai-whisper names) and tokenizer.json text of a Whisper source."""
    src = Path(src)
    fmt = detect_format(src)
    dims, state = {"openai": read_openai, "huggingface": read_huggingface, "ctranslate2": read_ctranslate2}[fmt](src)
    if tokenizer is None and (src / "tokenizer.json").is_file():
        tokenizer = src / "tokenizer.json"
    if tokenizer is not None:
        tokenizer_json = read_tokenizer_json(tokenizer)
    elif fmt == "openai":
        multilingual = dims["n_vocab"] >= 51865
        # as openai-whisper counts them: the vocabulary size tells how many language tokens there are
        tokenizer_json = openai_whisper_tokenizer_json(multilingual, dims["n_vocab"] - 51765 - int(multilingual))
    else:
        raise ValueError(f"{src} has no tokenizer.json: pass tokenizer_json=PATH")
    return fmt, dims, state, complete_vocabulary(tokenizer_json, dims["n_vocab"])


def whisper_config(base: DictConfig, dims: dict, ids: dict) -> dict:
    """The run config of an imported model: ``base`` (frontend/encoder/model/decoding/data...) with Whisper's
    dims and the token ids of ``decoding_config``."""
    if dims["n_audio_state"] != dims["n_text_state"]:
        raise ValueError("encoder and decoder widths differ; asrbench's AED head uses the encoder width")
    cfg = OmegaConf.to_container(base, resolve=True)
    cfg["frontend"].update(n_mels=dims["n_mels"], pad_to_seconds=30, mean_norm=False, specaugment=None)
    cfg["encoder"].update(dim=dims["n_audio_state"], layers=dims["n_audio_layer"], heads=dims["n_audio_head"],
                          strides=[1, 2], stem="conv1d", max_positions=dims["n_audio_ctx"], checkpoint=None,
                          freeze=False)
    cfg["model"].update(layers=dims["n_text_layer"], heads=dims["n_text_head"], max_positions=dims["n_text_ctx"],
                        ctc_weight=0.0, prompt=ids["prompt"], eos_id=ids["eos_id"],
                        suppress_tokens=ids["suppress_tokens"], suppress_at_start=ids["suppress_at_start"],
                        context_token=ids["context_token"])
    cfg["decoding"]["max_length"] = dims["n_text_ctx"] // 2  # openai-whisper's default sample_len
    return cfg


def asrbench_state_dict(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Rename openai-whisper parameters onto ASRModel's (the module names are the same below the top level)."""
    positions = state.get("encoder.positional_embedding")
    if positions is not None and (positions - sinusoids(*positions.shape)).abs().max() > 1e-2:
        raise ValueError("encoder positional embeddings are not Whisper's sinusoids; asrbench computes them")
    renamed = {}
    for name, value in state.items():
        if name == "encoder.positional_embedding":
            continue
        part, rest = name.split(".", 1)
        renamed[{"encoder": "encoder.", "decoder": "head.decoder."}[part] + rest] = value
    return renamed


def import_whisper(src: str | Path, out: str | Path, base: DictConfig, tokenizer: str | Path | None = None,
                   language: str = "en") -> Path:
    """Convert Whisper weights at ``src`` into the asrbench checkpoint ``out``; returns its path."""
    from asrbench.models.build import build_model

    fmt, dims, state, tokenizer_json = read_whisper(src, tokenizer)
    multilingual = dims["n_vocab"] >= 51865
    ids = decoding_config(tokenizer_json, multilingual, language)
    config = whisper_config(base, dims, ids)
    config["whisper"] = {"source": str(Path(src).resolve()), "format": fmt, "dims": dims, "language": language,
                         "multilingual": multilingual}
    text_tokenizer = HFTokenizer(tokenizer_json, bos_id=ids["prompt"][0], eos_id=ids["eos_id"],
                                 first_special_id=ids["first_special_id"])
    model = build_model(OmegaConf.create(config), text_tokenizer)
    missing, unexpected = model.load_state_dict(asrbench_state_dict(state), strict=False)
    missing = [k for k in missing if not k.startswith("frontend.")]  # the mel filters are computed, not imported
    if missing or unexpected:
        raise ValueError(f"{src}: weights do not fit Whisper's architecture (missing {missing[:5]}, "
                         f"unexpected {unexpected[:5]})")
    checkpoint = {
        "state_dict": {f"model.{k}": v.detach().clone() for k, v in model.state_dict().items()},
        "hyper_parameters": {"config": config},
        "tokenizer": text_tokenizer.to_tensor(),
    }
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.save(checkpoint, out)
    return out

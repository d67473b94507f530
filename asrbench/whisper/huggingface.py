"""Hugging Face transformers Whisper folders (config.json + model.safetensors or pytorch_model.bin)."""

import json
import re
from pathlib import Path

import torch

from asrbench.training.checkpoint import read_checkpoint

# transformers name (after model.encoder./model.decoder.layers.N.) -> openai-whisper name
LAYER_NAMES = {
    "self_attn.q_proj": "attn.query", "self_attn.k_proj": "attn.key", "self_attn.v_proj": "attn.value",
    "self_attn.out_proj": "attn.out", "self_attn_layer_norm": "attn_ln",
    "encoder_attn.q_proj": "cross_attn.query", "encoder_attn.k_proj": "cross_attn.key",
    "encoder_attn.v_proj": "cross_attn.value", "encoder_attn.out_proj": "cross_attn.out",
    "encoder_attn_layer_norm": "cross_attn_ln", "fc1": "mlp.0", "fc2": "mlp.2", "final_layer_norm": "mlp_ln",
}
TOP_NAMES = {
    "model.encoder.conv1": "encoder.conv1", "model.encoder.conv2": "encoder.conv2",
    "model.encoder.embed_positions": "encoder.positional_embedding", "model.encoder.layer_norm": "encoder.ln_post",
    "model.decoder.embed_tokens": "decoder.token_embedding",
    "model.decoder.embed_positions": "decoder.positional_embedding", "model.decoder.layer_norm": "decoder.ln",
}


def hf_name(name: str) -> str | None:
    """openai-whisper name of a transformers parameter; None for the tied output projection."""
    if name.startswith("proj_out."):
        return None
    if m := re.fullmatch(r"model\.(encoder|decoder)\.layers\.(\d+)\.(.+)\.(weight|bias)", name):
        part, layer, module, kind = m.groups()
        return f"{part}.blocks.{layer}.{LAYER_NAMES[module]}.{kind}"
    module, kind = name.rsplit(".", 1)
    if module not in TOP_NAMES:
        raise ValueError(f"unexpected Whisper parameter {name}")
    # positional embeddings are plain tensors in openai-whisper
    return TOP_NAMES[module] if "embed_positions" in module else f"{TOP_NAMES[module]}.{kind}"


def read_huggingface(folder: str | Path) -> tuple[dict, dict[str, torch.Tensor]]:
    folder = Path(folder)
    config = json.loads((folder / "config.json").read_text())
    if config.get("model_type") != "whisper":
        raise ValueError(f"{folder}/config.json describes a {config.get('model_type')!r} model, not Whisper")
    if (folder / "model.safetensors").is_file():
        from safetensors.torch import load_file

        weights = load_file(folder / "model.safetensors")
    elif (folder / "pytorch_model.bin").is_file():
        weights = read_checkpoint(folder / "pytorch_model.bin")
    else:
        raise ValueError(f"{folder} has no model.safetensors or pytorch_model.bin (sharded files are not supported)")
    state = {}
    for name, value in weights.items():
        if (target := hf_name(name)) is not None:
            state[target] = value.float()
    dims = {
        "n_mels": config["num_mel_bins"], "n_audio_ctx": config["max_source_positions"],
        "n_audio_state": config["d_model"], "n_audio_head": config["encoder_attention_heads"],
        "n_audio_layer": config["encoder_layers"], "n_vocab": config["vocab_size"],
        "n_text_ctx": config["max_target_positions"], "n_text_state": config["d_model"],
        "n_text_head": config["decoder_attention_heads"], "n_text_layer": config["decoder_layers"],
    }
    return dims, state

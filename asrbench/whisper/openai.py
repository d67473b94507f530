"""openai-whisper ``.pt`` checkpoints: ``{"dims": ModelDimensions fields, "model_state_dict": ...}``.

Their parameter names are asrbench's canonical Whisper names; the other formats are renamed onto them.
"""

from pathlib import Path

import torch

from asrbench.training.checkpoint import read_checkpoint

DIM_KEYS = ("n_mels", "n_audio_ctx", "n_audio_state", "n_audio_head", "n_audio_layer",
            "n_vocab", "n_text_ctx", "n_text_state", "n_text_head", "n_text_layer")


def read_openai(path: str | Path) -> tuple[dict, dict[str, torch.Tensor]]:
    """Dimensions and float32 state dict of an openai-whisper ``.pt`` file (loaded with ``weights_only``)."""
    checkpoint = read_checkpoint(path)
    if "dims" not in checkpoint or "model_state_dict" not in checkpoint:
        raise ValueError(f"{path} is not an openai-whisper checkpoint (no 'dims'/'model_state_dict')")
    dims = {k: int(checkpoint["dims"][k]) for k in DIM_KEYS}
    state = {k: v.float() for k, v in checkpoint["model_state_dict"].items()}
    return dims, state


def to_openai(checkpoint: dict) -> tuple[dict, dict[str, torch.Tensor]]:
    """Dimensions and openai-whisper state dict of an imported asrbench checkpoint (the inverse of the import)."""
    from asrbench.models.encoder import sinusoids

    dims = dict(checkpoint["hyper_parameters"]["config"]["whisper"]["dims"])
    state = {}
    for name, value in checkpoint["state_dict"].items():
        for ours, theirs in (("model.encoder.", "encoder."), ("model.head.decoder.", "decoder.")):
            if name.startswith(ours):
                state[theirs + name.removeprefix(ours)] = value
    state["encoder.positional_embedding"] = sinusoids(dims["n_audio_ctx"], dims["n_audio_state"])
    return dims, state

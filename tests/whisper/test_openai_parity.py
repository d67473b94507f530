"""At random weights with tiny dims, asrbench computes what openai-whisper computes: log-Mel, logits, decoding."""

import pytest
import torch

from asrbench.models.heads.options import DecodingOptions
from asrbench.training.checkpoint import load_model, read_checkpoint
from asrbench.whisper.convert import import_whisper
from asrbench.whisper.openai import to_openai
from asrbench.whisper.tokenizer import decoding_config, openai_whisper_tokenizer_json
from tests.audio.test_features import speech_like
from tests.whisper.test_import import base_config

whisper = pytest.importorskip("whisper")


@pytest.fixture(scope="module")
def pair(openai_pt, tmp_path_factory, tokenizer_json):
    """The asrbench model imported from the .pt fixture, and openai-whisper's model with the same weights."""
    from whisper.model import ModelDimensions, Whisper

    out = import_whisper(openai_pt, tmp_path_factory.mktemp("parity") / "w.ckpt", base_config(),
                         tokenizer=tokenizer_json)
    dims, state = to_openai(read_checkpoint(out))
    reference = Whisper(ModelDimensions(**dims)).eval()
    reference.load_state_dict(state)
    return load_model(out)[0], reference


def inputs():
    return [torch.from_numpy(speech_like(seconds, seed)) for seed, seconds in enumerate([1.3, 4.0, 11.7])]


def test_log_mel_matches_openai_whisper(pair):
    model, _ = pair
    for audio in inputs():
        ours, lengths = model.frontend(audio[None], torch.tensor([len(audio)]))
        expected = whisper.log_mel_spectrogram(whisper.pad_or_trim(audio))
        assert ours.shape[1:] == expected.shape and lengths.tolist() == [3000]
        torch.testing.assert_close(ours[0], expected, atol=1e-4, rtol=0)


def test_logits_match_openai_whisper(pair):
    model, reference = pair
    audio = inputs()[1]
    tokens = torch.tensor([[50257, 50362, 464, 2068, 7586, 21831, 13]])
    with torch.no_grad():
        mel = whisper.log_mel_spectrogram(whisper.pad_or_trim(audio))[None]
        expected = reference.logits(tokens, reference.embed_audio(mel))
        enc, enc_lens = model.encode(audio[None], torch.tensor([len(audio)]))
        _, state = model.head.start(enc, enc_lens)
        full, _ = model.head.decoder(tokens, state)
        stepwise = [model.head.decoder(tokens[:, :2], state)]  # prompt, then one token at a time via the cache
        for t in range(2, tokens.shape[1]):
            stepwise.append(model.head.decoder(tokens[:, t : t + 1], stepwise[-1][1]))
    torch.testing.assert_close(full, expected, atol=1e-3, rtol=0)
    torch.testing.assert_close(torch.cat([s[0] for s in stepwise], dim=1), expected, atol=1e-3, rtol=0)


@pytest.mark.parametrize("beam_size", [None, 5])
def test_decoding_matches_openai_whisper(pair, beam_size):
    """Greedy (and beam 5) output is token-for-token openai-whisper's ``decode`` without timestamps."""
    model, reference = pair
    options = whisper.DecodingOptions(language="en", without_timestamps=True, fp16=False, beam_size=beam_size)
    for audio in inputs()[: 2 if beam_size is None else 1]:
        expected = whisper.decode(reference, whisper.log_mel_spectrogram(whisper.pad_or_trim(audio)), options)
        ours = model.transcribe(audio[None], torch.tensor([len(audio)]), DecodingOptions(beam_size=beam_size or 1))
        assert ours[0].tokens == expected.tokens
        assert ours[0].text.strip() == expected.text


@pytest.mark.parametrize("multilingual", [False, True])
def test_tokenizer_and_suppression_match_openai_whisper(multilingual):
    """tokenizer.json built from openai-whisper's vocabulary files encodes like tiktoken; the decoding ids are
    those of DecodingTask (suppress_tokens="-1", SuppressBlank, sot sequence without timestamps)."""
    from whisper.decoding import DecodingTask
    from whisper.model import ModelDimensions, Whisper
    from whisper.tokenizer import get_tokenizer

    n_vocab = 51865 if multilingual else 51864
    dims = ModelDimensions(80, 4, 8, 1, 1, n_vocab, 4, 8, 1, 1)
    options = whisper.DecodingOptions(language="de" if multilingual else "en", without_timestamps=True, fp16=False)
    task = DecodingTask(Whisper(dims), options)
    tokenizer_json = openai_whisper_tokenizer_json(multilingual, num_languages=99)
    ids = decoding_config(tokenizer_json, multilingual, options.language)
    assert ids["prompt"] == list(task.initial_tokens)
    assert ids["suppress_tokens"] == list(task._get_suppress_tokens())
    assert ids["suppress_at_start"] == task.tokenizer.encode(" ") + [task.tokenizer.eot]
    assert ids["eos_id"] == task.tokenizer.eot

    from tokenizers import Tokenizer

    ours = Tokenizer.from_str(tokenizer_json)
    reference = get_tokenizer(multilingual, num_languages=99)
    assert ours.get_vocab_size(with_added_tokens=True) == n_vocab
    for text in ["Hello, world!", " it's 3.14 - naïve café", "♪♪ [MUSIC] (( 「x」", "日本語", " two  spaces\n"]:
        assert ours.encode(text, add_special_tokens=False).ids == reference.encode(text)


def test_multilingual_pt_decodes_like_openai_whisper(tmp_path):
    """A multilingual .pt without tokenizer.json: the vocabulary comes from openai-whisper's files, the prompt
    carries the language and task tokens, and greedy decoding matches openai-whisper's."""
    from whisper.model import ModelDimensions, Whisper

    from tests.whisper.conftest import TINY, randomize

    dims = {**TINY, "n_vocab": 51865}
    reference = Whisper(ModelDimensions(**dims)).eval()
    randomize(reference.named_parameters(), seed=3)
    torch.save({"dims": dims, "model_state_dict": reference.state_dict()}, tmp_path / "m.pt")
    base = base_config()
    out = import_whisper(tmp_path / "m.pt", tmp_path / "m.ckpt", base, language="de")
    model, config = load_model(out)
    assert config["model"]["prompt"] == [50258, 50261, 50359, 50363] and config["whisper"]["multilingual"]
    audio = inputs()[0]
    options = whisper.DecodingOptions(language="de", without_timestamps=True, fp16=False)
    expected = whisper.decode(reference, whisper.log_mel_spectrogram(whisper.pad_or_trim(audio)), options)
    assert model.transcribe(audio[None], torch.tensor([len(audio)]))[0].tokens == expected.tokens

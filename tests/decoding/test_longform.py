import torch

from asrbench.audio.features import LogMel
from asrbench.decoding.longform import quietest_cut, transcribe_long
from asrbench.models.asr_model import ASRModel
from asrbench.models.encoder import TransformerEncoder
from asrbench.models.heads.ctc import CTCHead
from asrbench.models.heads.options import DecodingOptions
from asrbench.text.tokenizer import CharTokenizer


def local_ctc_model() -> ASRModel:
    """A CTC model whose outputs depend only on nearby audio (no transformer layers, no absolute positions):
    chunking must not change any frame that had enough context on both sides."""
    torch.manual_seed(0)
    tokenizer = CharTokenizer.train(["abc"])
    encoder = TransformerEncoder(dim=32, layers=0, heads=2, dropout=0.0)
    encoder.positional_embedding.zero_()
    return ASRModel(LogMel(), encoder, CTCHead(32, tokenizer.vocab_size, dropout=0.0), tokenizer).eval()


def test_ctc_chunks_stitch_to_the_full_pass():
    model = local_ctc_model()
    generator = torch.Generator().manual_seed(1)
    audio = 0.1 * torch.randn(16000 * 20, generator=generator)  # constant level: per-chunk log-Mel max is equal
    full = model.transcribe(audio[None], torch.tensor([len(audio)]), DecodingOptions())[0]
    (segment,) = transcribe_long(model, audio, DecodingOptions(), window=6.0, overlap=1.0)
    assert segment.end == 20.0 and segment.text == full.text and len(full.text) > 20


def test_cut_lands_in_the_silence_near_the_window_end():
    rate = 16000
    audio = 0.5 * torch.ones(rate * 10)
    audio[int(8.2 * rate) : int(8.5 * rate)] = 0.0
    cut = quietest_cut(audio, 0, rate * 9, rate)
    assert 8.2 * rate <= cut <= 8.5 * rate
    assert quietest_cut(audio, 0, rate * 12, rate) == len(audio)


def test_autoregressive_windows_cover_the_audio_in_order():
    from asrbench.models.heads.aed import AEDHead

    torch.manual_seed(0)
    tokenizer = CharTokenizer.train(["abc"])
    model = ASRModel(LogMel(), TransformerEncoder(dim=32, layers=1, heads=2, dropout=0.0),
                     AEDHead(32, tokenizer.vocab_size, layers=1, heads=2, dropout=0.0), tokenizer).eval()
    audio = 0.1 * torch.randn(16000 * 25)
    segments = transcribe_long(model, audio, DecodingOptions(max_length=5), window=10.0)
    assert segments[0].start == 0.0 and segments[-1].end == 25.0 and len(segments) == 3
    assert all(a.end == b.start for a, b in zip(segments, segments[1:], strict=False))

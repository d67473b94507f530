"""Audio longer than a model's window: overlapping chunks for CTC, consecutive windows otherwise.

CTC: each chunk of ``window`` seconds overlaps its neighbours by ``overlap`` seconds on both sides;
only the frames of each chunk's central part are kept, so every kept frame saw at least ``overlap``
seconds of context, and the stitched log-probs are searched once (no word is cut at a boundary).
Autoregressive heads: windows end at the quietest 100 ms of their last few seconds (rarely inside a
word), and each window's text is passed to the next as context when the head supports it (Whisper).
Memory stays bounded by one window whatever the length of the audio.
"""

from dataclasses import dataclass

import torch

from asrbench.models.asr_model import ASRModel
from asrbench.models.heads.ctc import CTCHead
from asrbench.models.heads.options import DecodingOptions


@dataclass
class Segment:
    start: float  # seconds
    end: float
    text: str


def frame_seconds(model: ASRModel) -> float:
    """Duration of one encoder output frame, measured on one second of audio."""
    samples = torch.tensor([model.frontend.sample_rate])
    frames = model.encoder.output_lengths(model.frontend.num_frames(samples))
    return 1.0 / float(frames[0])


@torch.no_grad()
def transcribe_long(model: ASRModel, audio: torch.Tensor, options: DecodingOptions, window: float = 30.0,
                    overlap: float = 2.0) -> list[Segment]:
    """Transcribe a 1-D waveform of any length; returns segments whose texts join into the transcript."""
    rate = model.frontend.sample_rate
    if isinstance(model.head, CTCHead):
        return _ctc_chunks(model, audio, options, window, overlap, rate)
    return _windows(model, audio, options, window, rate)


def _ctc_chunks(model: ASRModel, audio: torch.Tensor, options: DecodingOptions, window: float, overlap: float,
                rate: int) -> list[Segment]:
    total = len(audio) / rate
    if total <= window:
        hyp = model.transcribe(audio[None], torch.tensor([len(audio)]), options)[0]
        return [Segment(0.0, total, hyp.text)]
    step = window - 2 * overlap
    if step <= 0:
        raise ValueError(f"window ({window} s) must be longer than twice the overlap ({overlap} s)")
    per_frame = frame_seconds(model)
    kept = []
    start = 0.0
    while start < total:
        chunk = audio[int(start * rate) : int(min(start + window, total) * rate)]
        enc, enc_lens = model.encode(chunk[None], torch.tensor([len(chunk)]))
        log_probs = model.head.log_probs(enc)[0, : int(enc_lens[0])]
        times = start + torch.arange(len(log_probs)) * per_frame
        lower = start + overlap if start > 0 else 0.0
        upper = start + window - overlap if start + window < total else float("inf")
        kept.append(log_probs[(times >= lower) & (times < upper)])
        start += step
    stitched = torch.cat(kept)[None]
    hyp = model.head.search(stitched, torch.tensor([stitched.shape[1]]), model.decoding_options(options))[0]
    return [Segment(0.0, total, model.tokenizer.decode(hyp.tokens))]


def quietest_cut(audio: torch.Tensor, start: int, end: int, rate: int, search: float = 3.0) -> int:
    """Sample index in the last ``search`` seconds before ``end`` where 100 ms of audio has least energy."""
    if end >= len(audio):
        return len(audio)
    hop = rate // 10
    lo = max(start + hop, end - int(search * rate))
    region = audio[lo:end]
    if len(region) < hop:
        return end
    energy = region[: len(region) // hop * hop].reshape(-1, hop).pow(2).mean(dim=1)
    return lo + int(energy.argmin()) * hop + hop // 2


def _windows(model: ASRModel, audio: torch.Tensor, options: DecodingOptions, window: float,
             rate: int) -> list[Segment]:
    segments, start, context = [], 0, []
    while start < len(audio):
        end = quietest_cut(audio, start, start + int(window * rate), rate)
        piece = audio[start:end]
        step_options = DecodingOptions(**{**options.__dict__, "context": context or None})
        hyp = model.transcribe(piece[None], torch.tensor([len(piece)]), step_options)[0]
        segments.append(Segment(start / rate, end / rate, hyp.text))
        context = (context + hyp.tokens)[-224:]
        start = end
    return segments

"""CTC decoding: greedy and prefix beam search over per-frame log-probabilities."""

import math
from collections import defaultdict

import torch

from asrbench.decoding.hypothesis import Hypothesis

NEG_INF = -math.inf


def _logaddexp(a: float, b: float) -> float:
    if a == NEG_INF:
        return b
    if b == NEG_INF:
        return a
    hi, lo = (a, b) if a > b else (b, a)
    return hi + math.log1p(math.exp(lo - hi))


def ctc_greedy(log_probs: torch.Tensor, lengths: torch.Tensor, blank: int) -> list[Hypothesis]:
    """Best path: argmax per frame, merge repeats, drop blanks. ``log_probs`` is (B, T, C)."""
    scores, best = log_probs.max(dim=-1)
    hyps = []
    for path, score, length in zip(best.tolist(), scores, lengths.tolist(), strict=True):
        path = path[:length]
        tokens = [t for i, t in enumerate(path) if t != blank and (i == 0 or t != path[i - 1])]
        hyps.append(Hypothesis(tokens=tokens, score=float(score[:length].sum())))
    return hyps


def ctc_prefix_beam_search(log_probs: torch.Tensor, blank: int, beam_size: int = 8,
                           token_beam: int | None = None) -> list[Hypothesis]:
    """Prefix beam search for one utterance; ``log_probs`` is (T, C).

    Each prefix keeps two log-probabilities, of all its alignments ending in blank and ending in a
    non-blank, so that alignments collapsing to the same label sequence are summed (not maxed).
    Returns up to ``beam_size`` hypotheses, best first, scored by log P(labels | audio).
    """
    frames = log_probs.detach().double().cpu()
    token_beam = min(token_beam or beam_size, frames.shape[-1])
    beams: dict[tuple[int, ...], tuple[float, float]] = {(): (0.0, NEG_INF)}
    for frame in frames:
        candidates = frame.topk(token_beam).indices.tolist()
        if blank not in candidates:
            candidates.append(blank)
        frame = frame.tolist()
        next_beams: dict[tuple[int, ...], list[float]] = defaultdict(lambda: [NEG_INF, NEG_INF])
        for prefix, (p_blank, p_label) in beams.items():
            p_total = _logaddexp(p_blank, p_label)
            last = prefix[-1] if prefix else None
            for token in candidates:
                p = frame[token]
                if token == blank:
                    entry = next_beams[prefix]
                    entry[0] = _logaddexp(entry[0], p_total + p)
                elif token == last:
                    # a repeat only extends the prefix after a blank; otherwise it merges into it
                    entry = next_beams[prefix + (token,)]
                    entry[1] = _logaddexp(entry[1], p_blank + p)
                    entry = next_beams[prefix]
                    entry[1] = _logaddexp(entry[1], p_label + p)
                else:
                    entry = next_beams[prefix + (token,)]
                    entry[1] = _logaddexp(entry[1], p_total + p)
        ranked = sorted(next_beams.items(), key=lambda kv: _logaddexp(*kv[1]), reverse=True)
        beams = {prefix: (pb, pl) for prefix, (pb, pl) in ranked[:beam_size]}
    return [Hypothesis(tokens=list(prefix), score=_logaddexp(pb, pl)) for prefix, (pb, pl) in beams.items()]

"""Prefix scorers that a beam search can mix with a head's own log-probs (shallow fusion)."""

from dataclasses import dataclass
from typing import Any, Protocol

import torch


class PrefixScorer(Protocol):
    def start(self, enc: torch.Tensor, enc_lens: torch.Tensor, rows: torch.Tensor) -> Any: ...
    def score(self, state: Any, candidates: torch.Tensor) -> tuple[torch.Tensor, Any]: ...
    def select(self, state: Any, index: torch.Tensor, tokens: torch.Tensor) -> Any: ...


@dataclass
class _CTCState:
    log_probs: torch.Tensor  # (T, N, C) frame log-probs per hypothesis row
    lengths: torch.Tensor  # (N,)
    r: torch.Tensor  # (T, 2, N): log forward probs of the prefix, ending in a label / in blank
    prefix_score: torch.Tensor  # (N,) log P_ctc(prefix ...)
    last: torch.Tensor  # (N,) last label of the prefix, -1 when empty
    candidates: torch.Tensor | None = None
    r_new: torch.Tensor | None = None  # (T, 2, N, K) for each candidate
    score_new: torch.Tensor | None = None  # (N, K)


class CTCPrefixScorer:
    """CTC prefix probability of each hypothesis extended by each candidate token, as in hybrid
    CTC/attention decoding (Watanabe et al., 2017). ``score`` returns log P_ctc(h + c ...) - log P_ctc(h ...),
    and for ``eos`` the probability that the whole utterance is exactly ``h``.
    """

    def __init__(self, log_probs: torch.Tensor, lengths: torch.Tensor, blank: int, eos: int):
        self.log_probs, self.lengths, self.blank, self.eos = log_probs.float(), lengths, blank, eos

    def start(self, enc: torch.Tensor, enc_lens: torch.Tensor, rows: torch.Tensor) -> _CTCState:
        x = self.log_probs.index_select(0, rows).transpose(0, 1)  # (T, N, C)
        lengths = self.lengths.index_select(0, rows)
        frames = torch.arange(x.shape[0], device=x.device)[:, None]
        x = x.masked_fill((frames >= lengths[None, :])[..., None], float("-inf"))
        x[..., self.blank] = x[..., self.blank].masked_fill(frames >= lengths[None, :], 0.0)
        r = torch.full((x.shape[0], 2, x.shape[1]), float("-inf"), device=x.device)
        r[:, 1] = x[..., self.blank].cumsum(0)
        return _CTCState(x, lengths, r, torch.zeros(x.shape[1], device=x.device),
                         torch.full((x.shape[1],), -1, device=x.device))

    def score(self, state: _CTCState, candidates: torch.Tensor) -> tuple[torch.Tensor, _CTCState]:
        x, (frames, rows) = state.log_probs, state.log_probs.shape[:2]
        xc = x.gather(2, candidates.clamp(max=x.shape[-1] - 1)[None].expand(frames, -1, -1))  # (T, N, K)
        xb = x[..., self.blank][..., None]
        r_label, r_blank = state.r[:, 0, :, None], state.r[:, 1, :, None]
        repeat = candidates == state.last[:, None]
        # a repeated label needs a blank in between, so only blank-ending prefixes may continue into it
        phi = torch.where(repeat[None], r_blank, torch.logaddexp(r_label, r_blank))
        r_new = torch.full((frames, 2, *candidates.shape), float("-inf"), device=x.device)
        empty = state.last < 0
        r_new[0, 0] = torch.where(empty[:, None], xc[0], float("-inf"))
        for t in range(1, frames):
            r_new[t, 0] = torch.logaddexp(r_new[t - 1, 0], phi[t - 1]) + xc[t]
            r_new[t, 1] = torch.logaddexp(r_new[t - 1, 0], r_new[t - 1, 1]) + xb[t]
        starts = torch.cat([r_new[:1, 0], phi[:-1] + xc[1:]], dim=0)  # label c first emitted at frame t
        score_new = starts.logsumexp(dim=0)
        last_frame = (state.lengths - 1).clamp(min=0)
        full = state.r.gather(0, last_frame[None, None, :].expand(1, 2, rows))[0].logsumexp(dim=0)
        score_new = torch.where(candidates == self.eos, full[:, None], score_new)
        state.candidates, state.r_new, state.score_new = candidates, r_new, score_new
        increment = score_new - state.prefix_score[:, None]
        return increment.masked_fill(state.prefix_score[:, None] == float("-inf"), float("-inf")), state

    def select(self, state: _CTCState, index: torch.Tensor, tokens: torch.Tensor) -> _CTCState:
        match = state.candidates.index_select(0, index) == tokens[:, None]
        column = match.float().argmax(dim=1)
        found = match.any(dim=1)
        r = state.r_new[:, :, index, column]
        r = torch.where(found[None, None, :], r, state.r.index_select(2, index))
        prefix_score = torch.where(found, state.score_new[index, column], state.prefix_score[index])
        last = torch.where(found, tokens, state.last[index])
        return _CTCState(state.log_probs.index_select(1, index), state.lengths.index_select(0, index), r,
                         prefix_score, last)

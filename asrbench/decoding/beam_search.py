"""One batched beam search for every autoregressive head; greedy decoding is beam size 1.

All utterances of a batch and all their beams advance together as rows of one tensor; each step
feeds only the newest token (the head keeps a KV cache), so no step re-runs the prefix.
The bookkeeping follows OpenAI Whisper's beam search, so that with Whisper weights both pick
the same hypotheses.
"""

import time

import torch

from asrbench.decoding.hypothesis import Hypothesis
from asrbench.decoding.ngram_fusion import NgramFusion
from asrbench.decoding.protocol import AutoregressiveHead
from asrbench.decoding.scorers import PrefixScorer

NEG_INF = float("-inf")


def length_normalised(score: float, length: int, length_penalty: float | None) -> float:
    """Whisper's ranking: score / length, or / ((5 + length) / 6) ** penalty (GNMT) when a penalty is given."""
    if length_penalty is None:
        return score / max(length, 1)
    return score / ((5 + length) / 6) ** length_penalty


@torch.no_grad()
def beam_search(head: AutoregressiveHead, enc: torch.Tensor, enc_lens: torch.Tensor, beam_size: int = 1,
                max_length: int | list[int] = 224, length_penalty: float | None = None,
                scorer: PrefixScorer | None = None, scorer_weight: float = 0.0,
                prompt: torch.Tensor | None = None, fusion: NgramFusion | None = None) -> list[Hypothesis]:
    """Return the best hypothesis of each utterance.

    Each step keeps the ``beam_size`` best unfinished expansions per utterance; expansions that choose
    EOS and rank above them are collected as finished. An utterance is done with ``beam_size`` finished
    hypotheses, or at its ``max_length`` (one per utterance, or one for all) with its best unfinished
    beams added; the best is chosen by ``length_normalised`` score. With ``scorer`` (joint CTC/attention)
    the top ``1.5 * beam`` attention tokens are rescored as ``(1 - w) * attention + w * scorer``.
    ``prompt`` (B, P) replaces the head's own start tokens, e.g. to put previous text before them.
    ``fusion`` adds a word n-gram's score to each hypothesis as it completes words (shallow fusion).
    """
    start_time = time.perf_counter()
    batch, k = enc.shape[0], beam_size
    start_tokens, state = head.start(enc, enc_lens)
    prompt = start_tokens if prompt is None else prompt
    rows = torch.arange(batch, device=enc.device).repeat_interleave(k)
    state = head.reorder(state, rows)
    tokens = prompt.index_select(0, rows)
    scores = torch.full((batch, k), NEG_INF, device=enc.device)
    scores[:, 0] = 0.0  # the k beams start identical: expand only the first one at step 0
    histories: list[list[int]] = [[] for _ in range(batch * k)]
    scorer_state = scorer.start(enc, enc_lens, rows) if scorer is not None and scorer_weight > 0 else None
    fusion_state = fusion.start(batch * k) if fusion is not None else None
    finished: list[list[tuple[float, list[int]]]] = [[] for _ in range(batch)]
    done = [False] * batch
    limits = [max_length] * batch if isinstance(max_length, int) else list(max_length)
    first_token_seconds = 0.0
    for step in range(max(limits)):
        for b in range(batch):
            if not done[b] and step >= limits[b]:  # a shorter limit than the batch's longest: stop it here
                finished[b] += _best_unfinished(scores, histories, b, k, fusion, fusion_state)[: k - len(finished[b])]
                done[b] = True
        if all(done):
            break
        logits, state = head.step(tokens, state)
        logits = logits.float()
        banned = head.suppress(step)
        if banned:
            logits[:, banned] = NEG_INF
        log_probs = logits.log_softmax(dim=-1)
        if step == 0:
            first_token_seconds = time.perf_counter() - start_time
        if scorer_state is not None:
            log_probs, scorer_state = _joint_scores(scorer, scorer_state, log_probs, scorer_weight, k, head.eos_id)
        if fusion_state is not None:
            log_probs = fusion.fuse(fusion_state, log_probs, head.eos_id)
        vocab = log_probs.shape[-1]
        candidates = (scores[..., None] + log_probs.view(batch, k, vocab)).view(batch, k * vocab)
        top_scores, top_index = candidates.topk(min(2 * k, k * vocab), dim=-1)
        kept: list[tuple[int, int, float]] = []
        for b in range(batch):
            alive = []
            for score, flat in zip(top_scores[b].tolist(), top_index[b].tolist(), strict=True):
                if done[b] or score == NEG_INF or len(alive) == k:
                    break
                row, token = b * k + flat // vocab, flat % vocab
                if token != head.eos_id:
                    alive.append((row, token, score))
                elif len(finished[b]) < k:
                    finished[b].append((score, histories[row]))
            done[b] = done[b] or len(finished[b]) >= k or not alive
            # finished utterances keep k placeholder rows so the batch stays rectangular
            kept += alive + [(b * k, head.eos_id, NEG_INF)] * (k - len(alive))
        if all(done):
            break
        index = torch.tensor([row for row, _, _ in kept], device=enc.device)
        new_tokens = torch.tensor([token for _, token, _ in kept], device=enc.device)
        histories = [histories[row] + [token] if score > NEG_INF else [] for row, token, score in kept]
        scores = torch.tensor([score for _, _, score in kept], device=enc.device).view(batch, k)
        state = head.reorder(state, index)
        if scorer_state is not None:
            scorer_state = scorer.select(scorer_state, index, new_tokens)
        if fusion_state is not None:
            fusion_state = fusion.select(fusion_state, index, new_tokens)
        tokens = new_tokens[:, None]
    hyps = []
    for b in range(batch):
        pool = list(finished[b])
        if not done[b]:  # utterances that hit max_length: take their best partial beams
            pool += _best_unfinished(scores, histories, b, k, fusion, fusion_state)[: max(0, k - len(pool))]
        score, best = max(pool, key=lambda c: length_normalised(c[0], len(c[1]), length_penalty),
                          default=(NEG_INF, []))
        hyps.append(Hypothesis(tokens=list(best), score=score, timings={"first_token_seconds": first_token_seconds}))
    return hyps


def _best_unfinished(scores: torch.Tensor, histories: list[list[int]], b: int, k: int,
                     fusion: NgramFusion | None = None, fusion_state=None) -> list[tuple[float, list[int]]]:
    """Utterance ``b``'s live beams as (score, tokens), best first; with ``fusion``, scored as ended here."""
    rows = [b * k + j for j in range(k) if scores[b, j] > NEG_INF]
    ends = fusion.finish([fusion_state[row] for row in rows]) if fusion_state is not None else [0.0] * len(rows)
    live = [(float(scores.view(-1)[row]) + end, histories[row]) for row, end in zip(rows, ends, strict=True)]
    return sorted(live, key=lambda c: c[0], reverse=True)


def _joint_scores(scorer: PrefixScorer, scorer_state, att: torch.Tensor, weight: float, k: int, eos: int):
    """Mix attention and scorer log-probs over the best attention candidates and EOS; others get -inf."""
    width = min(att.shape[-1], max(int(1.5 * k), 2))
    candidates = att.topk(width, dim=-1).indices
    candidates = torch.cat([candidates, candidates.new_full((len(candidates), 1), eos)], dim=1)
    prefix_scores, scorer_state = scorer.score(scorer_state, candidates)
    joint = torch.full_like(att, NEG_INF)
    joint.scatter_(1, candidates, (1 - weight) * att.gather(1, candidates) + weight * prefix_scores)
    return joint, scorer_state

import itertools
import math

import torch

from asrbench.decoding.ctc import ctc_greedy, ctc_prefix_beam_search


def brute_force(log_probs: torch.Tensor, blank: int) -> dict[tuple[int, ...], float]:
    """log P(labels) for every label sequence, by summing over all T^C alignments."""
    totals: dict[tuple[int, ...], float] = {}
    frames, classes = log_probs.shape
    for path in itertools.product(range(classes), repeat=frames):
        score = sum(float(log_probs[t, c]) for t, c in enumerate(path))
        labels = tuple(c for i, c in enumerate(path) if c != blank and (i == 0 or c != path[i - 1]))
        previous = totals.get(labels, -math.inf)
        top = max(previous, score)
        totals[labels] = top + math.log(math.exp(previous - top) + math.exp(score - top))
    return totals


def test_prefix_beam_search_equals_brute_force():
    generator = torch.Generator().manual_seed(0)
    for trial in range(20):
        frames, classes = 4 + trial % 3, 3 + trial % 2
        log_probs = (torch.randn(frames, classes, generator=generator) * 2).log_softmax(-1).double()
        blank = trial % classes
        exact = brute_force(log_probs, blank)
        ranked = sorted(exact.items(), key=lambda kv: kv[1], reverse=True)
        hyps = ctc_prefix_beam_search(log_probs, blank, beam_size=len(exact))
        assert tuple(hyps[0].tokens) == ranked[0][0]
        for hyp in hyps:  # with a beam covering every prefix, all scores are exact
            assert math.isclose(hyp.score, exact[tuple(hyp.tokens)], rel_tol=1e-9, abs_tol=1e-9)


def test_beam_search_finds_the_label_sequence_greedy_misses():
    # Two frames, blank=0: the best path is "blank blank" (P("") = 0.16), but the label sequence "1" has
    # three alignments: P("1") = 0.35*0.35 + 0.35*0.4 + 0.4*0.35 = 0.4025. Summing alignments wins.
    probs = torch.tensor([[0.4, 0.35, 0.25], [0.4, 0.35, 0.25]]).log()
    greedy = ctc_greedy(probs[None], torch.tensor([2]), blank=0)[0]
    beam = ctc_prefix_beam_search(probs, blank=0, beam_size=10)[0]
    assert greedy.tokens == []
    exact = brute_force(probs, 0)
    assert tuple(beam.tokens) == max(exact, key=exact.get) == (1,)


def test_greedy_collapses_repeats_and_respects_lengths():
    path = [1, 1, 0, 1, 2, 2, 0, 0]
    log_probs = torch.full((1, len(path), 3), -10.0)
    log_probs[0, torch.arange(len(path)), torch.tensor(path)] = 0.0
    assert ctc_greedy(log_probs, torch.tensor([8]), blank=0)[0].tokens == [1, 1, 2]
    assert ctc_greedy(log_probs, torch.tensor([4]), blank=0)[0].tokens == [1, 1]

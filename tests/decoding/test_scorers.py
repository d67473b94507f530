import itertools
import math

import torch

from asrbench.decoding.scorers import CTCPrefixScorer


def label_probabilities(log_probs: torch.Tensor, blank: int) -> dict[tuple[int, ...], float]:
    totals: dict[tuple[int, ...], float] = {}
    frames, classes = log_probs.shape
    for path in itertools.product(range(classes), repeat=frames):
        p = math.exp(sum(float(log_probs[t, c]) for t, c in enumerate(path)))
        labels = tuple(c for i, c in enumerate(path) if c != blank and (i == 0 or c != path[i - 1]))
        totals[labels] = totals.get(labels, 0.0) + p
    return totals


def test_ctc_prefix_scores_match_brute_force():
    torch.manual_seed(0)
    frames, classes, blank = 5, 4, 3  # labels 0..2; label 0 doubles as "eos" at the end
    log_probs = torch.randn(1, frames, classes).log_softmax(-1).double()
    exact = label_probabilities(log_probs[0], blank)

    def prefix_prob(prefix):
        return sum(p for labels, p in exact.items() if labels[: len(prefix)] == prefix)

    scorer = CTCPrefixScorer(log_probs.float(), torch.tensor([frames]), blank=blank, eos=99)
    state = scorer.start(None, None, torch.tensor([0]))
    history: tuple[int, ...] = ()
    for token in [1, 1, 2]:  # includes a repeated label, which needs a blank in between
        candidates = torch.tensor([[0, 1, 2]])
        increments, state = scorer.score(state, candidates)
        for c, inc in zip([0, 1, 2], increments[0].tolist(), strict=True):
            expected = math.log(prefix_prob(history + (c,))) - math.log(prefix_prob(history))
            assert math.isclose(inc, expected, rel_tol=1e-4, abs_tol=1e-4)
        state = scorer.select(state, torch.tensor([0]), torch.tensor([token]))
        history += (token,)
    # the end-of-sequence candidate scores the probability that the labels are exactly the history
    scorer.eos = 0
    increments, _ = scorer.score(state, torch.tensor([[0]]))
    assert math.isclose(float(increments[0, 0]), math.log(exact[history]) - math.log(prefix_prob(history)),
                        rel_tol=1e-4, abs_tol=1e-4)

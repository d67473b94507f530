import itertools

import torch

from asrbench.decoding.beam_search import beam_search, length_normalised

VOCAB, EOS = 4, 0


class TableHead:
    """A toy autoregressive head: next-token logits are a fixed random function of the whole prefix."""

    eos_id = EOS

    def __init__(self, batch: int, seed: int):
        self.batch, self.seed = batch, seed

    def logits(self, utterance: int, prefix: tuple[int, ...]) -> torch.Tensor:
        generator = torch.Generator().manual_seed(hash((self.seed, utterance, prefix)) % 2**31)
        return torch.randn(VOCAB, generator=generator) * 2

    def start(self, enc, enc_lens):
        return torch.full((self.batch, 1), 9), [(b, ()) for b in range(self.batch)]

    def step(self, tokens, state):
        new_state = [(b, prefix + tuple(t for t in new if t != 9))  # 9 is the prompt token
                     for (b, prefix), new in zip(state, tokens.tolist(), strict=True)]
        return torch.stack([self.logits(b, prefix) for b, prefix in new_state]), new_state

    def reorder(self, state, index):
        return [state[i] for i in index.tolist()]

    def suppress(self, step):
        return []


def exhaustive_best(head: TableHead, utterance: int, max_length: int) -> tuple[list[int], float]:
    best, best_key = None, float("-inf")
    for length in range(max_length + 1):
        for seq in itertools.product(range(1, VOCAB), repeat=length):
            complete = length < max_length
            score, prefix = 0.0, ()
            for token in seq + ((EOS,) if complete else ()):
                score += float(head.logits(utterance, prefix).log_softmax(-1)[token])
                prefix += (token,)
            key = length_normalised(score, length, None)
            if key > best_key:
                best, best_key = (list(seq), score), key
    return best


def test_wide_beam_equals_exhaustive_search():
    for seed in range(3):
        head = TableHead(batch=2, seed=seed)
        enc, lens = torch.zeros(2, 1, 1), torch.tensor([1, 1])
        hyps = beam_search(head, enc, lens, beam_size=3 ** 4, max_length=4)
        for b, hyp in enumerate(hyps):
            tokens, score = exhaustive_best(head, b, max_length=4)
            assert hyp.tokens == tokens and abs(hyp.score - score) < 1e-4


def test_beam_one_is_greedy():
    head = TableHead(batch=3, seed=7)
    enc, lens = torch.zeros(3, 1, 1), torch.ones(3, dtype=torch.long)
    hyps = beam_search(head, enc, lens, beam_size=1, max_length=12)
    for b, hyp in enumerate(hyps):
        prefix: tuple[int, ...] = ()
        while len(prefix) < 12:
            token = int(head.logits(b, prefix).argmax())
            if token == EOS:
                break
            prefix += (token,)
        assert hyp.tokens == list(prefix)


def test_batching_does_not_change_results():
    head = TableHead(batch=3, seed=11)
    enc, lens = torch.zeros(3, 1, 1), torch.ones(3, dtype=torch.long)
    together = beam_search(head, enc, lens, beam_size=3, max_length=6)
    for b in range(3):
        single = TableHead(batch=1, seed=11)
        single.logits = lambda u, prefix, b=b: head.logits(b, prefix)
        alone = beam_search(single, enc[:1], lens[:1], beam_size=3, max_length=6)[0]
        assert alone.tokens == together[b].tokens and abs(alone.score - together[b].score) < 1e-5


def test_each_utterance_stops_at_its_own_max_length():
    for seed in range(3):
        head = TableHead(batch=3, seed=seed)
        enc, lens = torch.zeros(3, 1, 1), torch.ones(3, dtype=torch.long)
        limits = [2, 4, 1]
        hyps = beam_search(head, enc, lens, beam_size=3 ** 4, max_length=limits)
        for b, hyp in enumerate(hyps):
            tokens, score = exhaustive_best(head, b, max_length=limits[b])
            assert hyp.tokens == tokens and abs(hyp.score - score) < 1e-4

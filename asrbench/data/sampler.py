"""Duration-bucketing batch sampler: batches of similar-length utterances, capped by padded seconds."""

import math
import random
from collections.abc import Iterator, Sequence

from torch.utils.data import Sampler


class DurationBatchSampler(Sampler[list[int]]):
    """Groups utterances of similar duration so that ``batch size x longest duration <= max_seconds``.

    Batches are formed once (sorted by duration), then shuffled per epoch with ``seed + epoch``.
    Under DDP each rank takes every ``num_replicas``-th batch; the batch list is padded by repeating
    batches so that every rank runs the same number of steps (otherwise the collectives hang).
    The sampler is stateful: ``state_dict`` records the position within the epoch so that a resumed
    run continues with the batch it would have seen next.
    """

    def __init__(self, durations: Sequence[float], max_seconds: float, max_batch_size: int = 512,
                 shuffle: bool = True, seed: int = 0, num_replicas: int = 1, rank: int = 0):
        if max_seconds < max(durations):
            raise ValueError(f"batch budget of {max_seconds} s is shorter than the longest utterance "
                             f"({max(durations):.1f} s); raise data.batch_seconds or lower data.max_duration")
        self.shuffle, self.seed, self.num_replicas, self.rank = shuffle, seed, num_replicas, rank
        self.epoch, self.consumed = 0, 0
        self.batches = self._make_batches(durations, max_seconds, max_batch_size)

    @staticmethod
    def _make_batches(durations: Sequence[float], max_seconds: float, max_batch_size: int) -> list[list[int]]:
        order = sorted(range(len(durations)), key=lambda i: durations[i])
        batches, batch, longest = [], [], 0.0
        for i in order:
            longest_if_added = max(longest, durations[i])
            if batch and (longest_if_added * (len(batch) + 1) > max_seconds or len(batch) == max_batch_size):
                batches.append(batch)
                batch, longest_if_added = [], durations[i]
            batch.append(i)
            longest = longest_if_added
        if batch:
            batches.append(batch)
        return batches

    def _epoch_batches(self) -> list[list[int]]:
        batches = list(self.batches)
        if self.shuffle:
            random.Random(self.seed + self.epoch).shuffle(batches)
        per_rank = math.ceil(len(batches) / self.num_replicas)
        batches += batches[: per_rank * self.num_replicas - len(batches)]
        return batches[self.rank :: self.num_replicas]

    def __iter__(self) -> Iterator[list[int]]:
        batches = self._epoch_batches()
        start, self.consumed = self.consumed, 0
        for position in range(start, len(batches)):
            self.consumed = position + 1
            yield batches[position]
        self.consumed = 0

    def __len__(self) -> int:
        return math.ceil(len(self.batches) / self.num_replicas)

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def state_dict(self) -> dict:
        return {"epoch": self.epoch, "consumed": self.consumed}

    def load_state_dict(self, state: dict) -> None:
        self.epoch, self.consumed = state["epoch"], state["consumed"]

"""Duration-bucketing batch sampler: batches of similar-length utterances, capped by padded seconds."""

import math
import random
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from torch.utils.data import Sampler


class EpochIndex(NamedTuple):
    """A dataset index tagged with its epoch, for per-epoch augmentation seeds (``tag_epoch=True``)."""

    epoch: int
    index: int


class DurationBatchSampler(Sampler[list[int]]):
    """Groups utterances of similar duration so that ``batch size x longest duration <= max_seconds``.

    Batches are formed once (sorted by duration), then shuffled per epoch with ``seed + epoch``.
    Under DDP each rank takes every ``num_replicas``-th batch. For training (``even_shards``) the batch
    list is padded by repeating batches so that every rank runs the same number of steps (otherwise the
    gradient all-reduce hangs); evaluation leaves it unpadded so that no utterance is counted twice.
    ``start`` skips the first batches of the current epoch once: a resumed run sets it (see
    ``asrbench.data.loader.ResumableDataLoader``) to continue with the batch it would have seen next.
    ``tag_epoch`` yields :class:`EpochIndex` items instead of plain indices (for augmentation).
    ``sorted_epochs`` (SortaGrad, Amodei et al. 2016) keeps the first epochs in order of duration, shortest
    first, meant to ease a model trained from scratch past CTC's all-blank stage (on the built-in corpus it
    made no difference; see experiments/ctc_levers).
    """

    def __init__(self, durations: Sequence[float], max_seconds: float, max_batch_size: int = 512,
                 shuffle: bool = True, seed: int = 0, num_replicas: int = 1, rank: int = 0,
                 even_shards: bool = True, tag_epoch: bool = False, sorted_epochs: int = 0):
        if max_seconds < max(durations):
            raise ValueError(f"batch budget of {max_seconds} s is shorter than the longest utterance "
                             f"({max(durations):.1f} s); raise data.batch_seconds or lower data.max_duration")
        self.shuffle, self.seed, self.num_replicas, self.rank = shuffle, seed, num_replicas, rank
        self.even_shards, self.tag_epoch, self.sorted_epochs = even_shards, tag_epoch, sorted_epochs
        self.epoch, self.start = 0, 0
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
        if self.shuffle and self.epoch >= self.sorted_epochs:
            random.Random(self.seed + self.epoch).shuffle(batches)
        if self.even_shards:
            batches += batches[: len(self) * self.num_replicas - len(batches)]
        return batches[self.rank :: self.num_replicas]

    def __iter__(self) -> Iterator[list[int] | list[EpochIndex]]:
        batches = self._epoch_batches()
        start, self.start = self.start, 0
        for batch in batches[start:]:
            yield [EpochIndex(self.epoch, i) for i in batch] if self.tag_epoch else batch

    def __len__(self) -> int:
        if self.even_shards:
            return math.ceil(len(self.batches) / self.num_replicas)
        return len(range(self.rank, len(self.batches), self.num_replicas))

    def set_epoch(self, epoch: int) -> None:
        if epoch != self.epoch:
            self.epoch, self.start = epoch, 0

    @property
    def sampler(self) -> "DurationBatchSampler":
        # Lightning calls set_epoch on ``loader.batch_sampler.sampler``, never on a batch sampler itself.
        return self

import pytest

from asrbench.data.loader import ResumableDataLoader
from asrbench.data.sampler import DurationBatchSampler


def test_batches_respect_padded_budget_and_cover_everything():
    durations = [0.5 + (i * 7919 % 100) / 10 for i in range(300)]
    sampler = DurationBatchSampler(durations, max_seconds=40.0, seed=1)
    batches = list(sampler)
    assert sorted(i for b in batches for i in b) == list(range(300))
    for batch in batches:
        assert len(batch) * max(durations[i] for i in batch) <= 40.0
    assert len(batches) == len(sampler)


def test_epochs_shuffle_deterministically():
    durations = [1.0 + i % 13 for i in range(200)]
    a, b = DurationBatchSampler(durations, 30.0, seed=5), DurationBatchSampler(durations, 30.0, seed=5)
    first = list(a)
    assert first == list(b)
    a.set_epoch(1)
    assert list(a) != first and sorted(map(tuple, a)) == sorted(map(tuple, first))


def test_ranks_get_shards_of_equal_length_for_training_and_disjoint_ones_for_evaluation():
    durations = [1.0 + i % 7 for i in range(101)]
    shards = [list(DurationBatchSampler(durations, 20.0, num_replicas=3, rank=r)) for r in range(3)]
    assert len({len(s) for s in shards}) == 1
    seen = [i for shard in shards for batch in shard for i in batch]
    assert set(seen) == set(range(101))
    samplers = [DurationBatchSampler(durations, 20.0, False, num_replicas=3, rank=r, even_shards=False)
                for r in range(3)]
    seen = sorted(i for sampler in samplers for batch in sampler for i in batch)
    assert seen == list(range(101))  # each utterance exactly once
    assert [len(s) for s in samplers] == [len(list(s)) for s in samplers]


def test_resume_position_within_epoch_despite_prefetching():
    durations = [1.0 + i % 5 for i in range(60)]
    dataset = list(range(60))
    loader = ResumableDataLoader(dataset, batch_sampler=DurationBatchSampler(durations, 10.0, seed=2),
                                 collate_fn=list, num_workers=1, prefetch_factor=4)
    loader.batch_sampler.set_epoch(3)
    full = list(loader)
    iterator = iter(loader)
    seen = [next(iterator) for _ in range(3)]  # the worker has prefetched further than this
    state = loader.state_dict()
    assert state == {"epoch": 3, "delivered": 3}
    resumed = ResumableDataLoader(dataset, batch_sampler=DurationBatchSampler(durations, 10.0, seed=2),
                                  collate_fn=list)
    resumed.load_state_dict(state)
    assert seen + list(resumed) == full
    assert list(resumed) == full  # the skip applies to the resumed epoch only
    resumed.load_state_dict({"epoch": 3, "delivered": len(full)})  # written at the end of epoch 3
    resumed.batch_sampler.set_epoch(4)  # as Lightning does when it starts the next epoch
    assert len(list(resumed)) == len(full)


def test_lightning_reshuffles_every_epoch():
    from lightning.fabric.utilities.data import _set_sampler_epoch

    loader = ResumableDataLoader(list(range(40)), batch_sampler=DurationBatchSampler([1.0 + i % 3 for i in range(40)],
                                                                                    6.0), collate_fn=list)
    orders = []
    for epoch in range(3):
        _set_sampler_epoch(loader, epoch)
        orders.append(list(loader))
    assert orders[0] != orders[1] != orders[2]


def test_budget_shorter_than_an_utterance_is_an_error():
    with pytest.raises(ValueError, match="batch_seconds"):
        DurationBatchSampler([1.0, 50.0], max_seconds=10.0)


def test_sortagrad_epochs_go_shortest_first_then_shuffle():
    durations = [1.0 + (i * 37 % 50) / 5 for i in range(200)]
    sampler = DurationBatchSampler(durations, 30.0, seed=3, sorted_epochs=1)
    longest = [max(durations[i] for i in batch) for batch in sampler]
    assert longest == sorted(longest) and len(longest) > 5
    sampler.set_epoch(1)
    longest = [max(durations[i] for i in batch) for batch in sampler]
    assert longest != sorted(longest)

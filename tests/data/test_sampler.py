import pytest

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


def test_ranks_get_disjoint_shards_of_equal_length():
    durations = [1.0 + i % 7 for i in range(101)]
    shards = [list(DurationBatchSampler(durations, 20.0, num_replicas=3, rank=r)) for r in range(3)]
    assert len({len(s) for s in shards}) == 1
    seen = [i for shard in shards for batch in shard for i in batch]
    assert set(seen) == set(range(101))


def test_resume_position_within_epoch():
    durations = [1.0 + i % 5 for i in range(60)]
    sampler = DurationBatchSampler(durations, 10.0, seed=2)
    full = list(sampler)
    iterator = iter(sampler)
    consumed = [next(iterator) for _ in range(3)]
    state = sampler.state_dict()
    resumed = DurationBatchSampler(durations, 10.0, seed=2)
    resumed.load_state_dict(state)
    assert consumed + list(resumed) == full


def test_budget_shorter_than_an_utterance_is_an_error():
    with pytest.raises(ValueError, match="batch_seconds"):
        DurationBatchSampler([1.0, 50.0], max_seconds=10.0)

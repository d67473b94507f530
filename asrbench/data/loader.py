"""A DataLoader whose position within the epoch survives a checkpoint (Lightning saves its state_dict)."""

from collections.abc import Iterator

from torch.utils.data import DataLoader

from asrbench.data.sampler import DurationBatchSampler


class ResumableDataLoader(DataLoader):
    """Counts the batches it has handed to the training loop, not those its workers prefetched,
    so a run resumed from a mid-epoch checkpoint continues with exactly the next unseen batch."""

    batch_sampler: DurationBatchSampler

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.delivered = 0

    def __iter__(self) -> Iterator:
        self.delivered = self.batch_sampler.start
        for batch in super().__iter__():
            self.delivered += 1
            yield batch

    def state_dict(self) -> dict:
        return {"epoch": self.batch_sampler.epoch, "delivered": self.delivered}

    def load_state_dict(self, state: dict) -> None:
        # If Lightning then starts a later epoch (the checkpoint was written at an epoch end),
        # set_epoch resets the start to 0.
        self.batch_sampler.epoch, self.batch_sampler.start = state["epoch"], state["delivered"]

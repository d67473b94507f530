"""Averages of the weights over the end of a run, on Lightning's weight averaging callback."""

from typing import Any

import lightning as L
from lightning.pytorch.callbacks import WeightAveraging
from torch.optim.swa_utils import get_ema_multi_avg_fn


class DelayedAveraging(WeightAveraging):
    """Averages the weights after every optimiser step from ``start_step`` on. Once it has begun, Lightning swaps
    the average in for validation and writes it as the checkpoints' ``state_dict`` (the raw weights go to
    ``current_model_state``, which a resumed run trains on from); before that, validation and the checkpoints
    see the raw weights, not the untrained copy the average starts as."""

    def __init__(self, start_step: int = 0, **averaged_model_options: Any) -> None:
        super().__init__(**averaged_model_options)
        self.start_step = start_step

    def should_update(self, step_idx: int | None = None, epoch_idx: int | None = None) -> bool:
        # The first update copies the weights, so the steps before start_step are left out of the average.
        return step_idx is not None and step_idx >= self.start_step

    def has_begun(self) -> bool:
        return self._average_model is not None and self._average_model.n_averaged.item() > 0

    def on_validation_epoch_start(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        if self.has_begun():
            super().on_validation_epoch_start(trainer, pl_module)

    def on_validation_epoch_end(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        if self.has_begun():
            super().on_validation_epoch_end(trainer, pl_module)

    def on_save_checkpoint(self, trainer: L.Trainer, pl_module: L.LightningModule, checkpoint: dict) -> None:
        if self.has_begun():
            super().on_save_checkpoint(trainer, pl_module, checkpoint)

    def on_load_checkpoint(self, trainer: L.Trainer, pl_module: L.LightningModule, checkpoint: dict) -> None:
        # A checkpoint from before the start holds only the raw weights, already loaded; the average's first
        # update will copy them.
        if "averaging_state" in checkpoint:
            super().on_load_checkpoint(trainer, pl_module, checkpoint)

    def on_train_end(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        # Lightning would copy the average into the module here, just before the last checkpoint is written,
        # which would then hold the average twice; train decodes the checkpoints, never the module.
        pass


class ExponentialMovingAverage(DelayedAveraging):
    """Unlike Lightning's ``EMAWeightAveraging`` (``decay * average + (1 - decay) * weight``), the update is a
    lerp, ``average + (1 - decay) * (weight - average)``: buffers that never change, such as the mel
    filterbank, stay bit-exact instead of drifting by a rounding error every step."""

    def __init__(self, decay: float = 0.998, start_step: int = 0) -> None:
        super().__init__(start_step, multi_avg_fn=get_ema_multi_avg_fn(decay))


class UniformAverage(DelayedAveraging):
    """The plain mean of the weights after every step from ``start_step`` to the end (Polyak averaging, as SWA
    without its learning-rate schedule; a step-by-step version of averaging the last epochs' checkpoints).
    ``AveragedModel``'s default update is ``average + (weight - average) / (n + 1)``, a lerp too."""

    def __init__(self, start_step: int = 0) -> None:
        super().__init__(start_step)

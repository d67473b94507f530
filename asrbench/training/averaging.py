"""An exponential moving average of the weights, on Lightning's weight averaging callback."""

import lightning as L
from lightning.pytorch.callbacks import WeightAveraging
from torch.optim.swa_utils import get_ema_multi_avg_fn


class ExponentialMovingAverage(WeightAveraging):
    """Lightning swaps the average in for validation and writes it as the checkpoints' ``state_dict`` (the raw
    weights go to ``current_model_state``, which a resumed run trains on from).

    Unlike Lightning's ``EMAWeightAveraging`` (``decay * average + (1 - decay) * weight``), the update is a
    lerp, ``average + (1 - decay) * (weight - average)``: buffers that never change, such as the mel
    filterbank, stay bit-exact instead of drifting by a rounding error every step.
    """

    def __init__(self, decay: float = 0.998, start_step: int = 0) -> None:
        super().__init__(multi_avg_fn=get_ema_multi_avg_fn(decay))
        self.start_step = start_step

    def on_train_end(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        # Lightning would copy the average into the module here, just before the last checkpoint is written,
        # which would then hold the average twice; train decodes the checkpoints, never the module.
        pass

    def should_update(self, step_idx: int | None = None, epoch_idx: int | None = None) -> bool:
        # The first update copies the weights, so the steps before start_step are left out of the average.
        return step_idx is not None and step_idx >= self.start_step

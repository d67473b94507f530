"""The LightningModule shared by every head: it only knows the ASRModel interface."""

import math

import jiwer
import lightning as L
import torch
from omegaconf import DictConfig, OmegaConf

from asrbench.models.asr_model import ASRModel
from asrbench.models.heads.options import DecodingOptions
from asrbench.text.normalizer import normalize
from asrbench.training.schedule import WarmupSchedule, build_adamw


class ASRTask(L.LightningModule):
    """Trains any frontend/encoder/head combination; validation decodes greedily and logs ``dev_wer``.

    ``config`` is the resolved run configuration; it is stored in every checkpoint together with the
    tokenizer so that ``eval``/``bench``/``transcribe`` rebuild the model from the checkpoint alone.
    """

    def __init__(self, model: ASRModel, config: dict | DictConfig):
        super().__init__()
        self.model = model
        config = OmegaConf.to_container(config, resolve=True) if isinstance(config, DictConfig) else config
        self.save_hyperparameters({"config": config})
        self.optim = config["optim"]
        self.skipped_batches = 0
        self._rng_to_restore: torch.Tensor | None = None
        self._dev_refs: list[str] = []
        self._dev_hyps: list[str] = []

    def training_step(self, batch: dict, batch_idx: int) -> torch.Tensor | None:
        out = self.model(batch)
        loss = out["loss"]
        if not torch.isfinite(loss):
            # Skip the batch: no backward, no optimiser step, so the weights stay clean.
            self.skipped_batches += 1
            self.log("train/skipped_batches", float(self.skipped_batches), prog_bar=True)
            return None
        size = len(batch["ids"])
        for name, value in out.items():
            self.log(f"train/{name}", value.detach(), prog_bar=name == "loss", batch_size=size)
        return loss

    def validation_step(self, batch: dict, batch_idx: int) -> None:
        out = self.model(batch)
        self.log("dev/loss", out["loss"], prog_bar=True, batch_size=len(batch["ids"]), sync_dist=True)
        hyps = self.model.transcribe(batch["audio"], batch["audio_lens"], DecodingOptions(beam_size=1))
        self._dev_refs += [normalize(t) for t in batch["texts"]]
        self._dev_hyps += [normalize(h.text) for h in hyps]

    def on_validation_epoch_end(self) -> None:
        errors = jiwer.process_words(self._dev_refs, self._dev_hyps) if self._dev_refs else None
        stats = torch.tensor([errors.substitutions + errors.deletions + errors.insertions,
                              errors.hits + errors.substitutions + errors.deletions] if errors else [0, 0],
                             dtype=torch.float64, device=self.device)
        stats = self.all_gather(stats).reshape(-1, 2).sum(0)  # exact corpus WER across DDP ranks
        self.log("dev_wer", float(stats[0] / stats[1].clamp(min=1)), prog_bar=True, sync_dist=True)  # same on all ranks
        self._dev_refs, self._dev_hyps = [], []

    def configure_optimizers(self) -> dict:
        opt = self.optim
        optimizer = build_adamw(self.model, opt, self.trainer.precision)
        self.schedule = WarmupSchedule(opt["schedule"], opt["warmup_steps"], opt.get("final_lr_ratio", 0.01))
        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, self.schedule)
        return {"optimizer": optimizer, "lr_scheduler": {"scheduler": scheduler, "interval": "step"}}

    def on_train_start(self) -> None:
        total = self.trainer.estimated_stepping_batches
        self.schedule.total_steps = int(total) if math.isfinite(total) else 10 * self.schedule.warmup

    def on_save_checkpoint(self, checkpoint: dict) -> None:
        checkpoint["tokenizer"] = self.model.tokenizer.to_tensor()
        checkpoint["skipped_batches"] = self.skipped_batches
        checkpoint["torch_rng"] = torch.get_rng_state()  # dropout and SpecAugment draw from it

    def on_load_checkpoint(self, checkpoint: dict) -> None:
        self.skipped_batches = checkpoint.get("skipped_batches", 0)
        self._rng_to_restore = checkpoint.get("torch_rng")

    def on_train_batch_start(self, batch: dict, batch_idx: int) -> None:
        # Restored here rather than at load time: building the data iterators on resume draws from the
        # global RNG, which the uninterrupted run did before the checkpoint was written.
        if self._rng_to_restore is not None:
            torch.set_rng_state(self._rng_to_restore)
            self._rng_to_restore = None

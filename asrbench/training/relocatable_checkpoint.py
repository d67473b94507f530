"""A ModelCheckpoint that keeps its best-k bookkeeping when the run folder moved before a resume."""

from pathlib import Path
from typing import Any

from lightning.pytorch.callbacks import ModelCheckpoint

PATH_KEYS = ("best_model_path", "kth_best_model_path", "last_model_path")


class RelocatableCheckpoint(ModelCheckpoint):
    """Lightning forgets the best scores when ``dirpath`` differs from the checkpoint's. A resumed run then
    takes its next validation for the best one, and a worse checkpoint can be evaluated as "best".
    This callback maps the checkpoint's file paths into its own folder and keeps the scores."""

    @property
    def state_key(self) -> str:
        # ModelCheckpoint's own key, so that checkpoints written before this class existed still restore it.
        return super().state_key.replace(type(self).__qualname__, ModelCheckpoint.__qualname__, 1)

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        old = state_dict.get("dirpath")
        if self.dirpath and old and old != self.dirpath:
            def moved(path: str) -> str:
                return str(Path(self.dirpath) / Path(path).name) if path else path

            state_dict = {**state_dict, "dirpath": self.dirpath,
                          **{key: moved(state_dict[key]) for key in PATH_KEYS if key in state_dict},
                          "best_k_models": {moved(p): v for p, v in state_dict.get("best_k_models", {}).items()}}
        super().load_state_dict(state_dict)

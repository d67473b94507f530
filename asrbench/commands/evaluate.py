"""``python -m asrbench eval checkpoint=PATH``: score a checkpoint on its test split or any manifest."""

import sys
from pathlib import Path

import hydra
import torch
from hydra.utils import instantiate
from omegaconf import DictConfig

from asrbench.commands.paths import positional_paths
from asrbench.config import CONF_DIR
from asrbench.evaluation.evaluate import evaluate_manifest, write_results
from asrbench.evaluation.table import print_metrics
from asrbench.training.checkpoint import load_model


@hydra.main(config_path=CONF_DIR, config_name="eval", version_base="1.3")
def app(cfg: DictConfig) -> float:
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    if cfg.weights not in ("averaged", "raw"):
        raise SystemExit(f"asrbench: weights={cfg.weights}: expected averaged (the checkpoint's weights) or raw")
    model, train_config = load_model(cfg.checkpoint, raw_weights=cfg.weights == "raw")
    manifest = cfg.data.test_manifest or train_config["data"]["test_manifest"]
    records, metrics = evaluate_manifest(model, manifest, instantiate(cfg.decoding), cfg.data.batch_seconds,
                                         cfg.device, cfg.data.skip_bad, window_seconds=cfg.data.window_seconds)
    # head and encoder name report rows, as train's do
    metrics.update(checkpoint=str(Path(cfg.checkpoint).resolve()), weights=cfg.weights,
                   head=type(model.head).__name__, encoder=type(model.encoder).__name__)
    write_results(cfg.output_dir, records, metrics)
    print_metrics(metrics, title=f"{cfg.checkpoint} on {manifest}")
    print(f"wrote {Path(cfg.output_dir) / 'metrics.json'} and hyps.jsonl")
    return metrics["wer"]


def main() -> None:
    sys.argv[1:] = positional_paths(sys.argv[1:], "checkpoint", many=False)  # `eval CHECKPOINT` works too
    app()

"""``python -m asrbench attention checkpoint=PATH audio=FILE``: PNG heatmaps of the model's attention."""

import sys
from pathlib import Path

import hydra
from omegaconf import DictConfig
from rich.console import Console

from asrbench.audio.io import load_audio
from asrbench.commands.paths import positional_paths
from asrbench.config import CONF_DIR
from asrbench.evaluation.attention import plot_attention, record_attention
from asrbench.training.checkpoint import load_model


@hydra.main(config_path=CONF_DIR, config_name="attention", version_base="1.3")
def app(cfg: DictConfig) -> None:
    model, _ = load_model(cfg.checkpoint)
    audio = load_audio(cfg.audio, model.frontend.sample_rate)
    recorded = record_attention(model, audio)
    paths = plot_attention(recorded, cfg.output_dir, cfg.encoder_layer, cfg.encoder_head)
    console = Console()
    console.print(f"transcript: {recorded['text']}")
    if "cross" not in recorded:
        console.print(f"{type(model.head).__name__} has no decoder cross-attention: encoder self-attention only")
    if not recorded["encoder"]:
        console.print(f"{type(model.encoder).__name__} does not expose its self-attention: no encoder picture")
    for path in paths:
        console.print(f"wrote {path}")


def main() -> None:
    args = sys.argv[1:]
    checkpoints = [a for a in args if a.endswith(".ckpt") and Path(a).is_file()]
    rest = positional_paths([a for a in args if a not in checkpoints], "audio", many=False)
    sys.argv[1:] = rest + positional_paths(checkpoints, "checkpoint", many=False)
    app()

"""``python -m asrbench transcribe checkpoint=PATH audio=FILE...``: text for audio files of any length."""

import json
import sys
import time
from pathlib import Path

import hydra
import torch
from hydra.utils import instantiate
from omegaconf import DictConfig, ListConfig
from rich.console import Console

from asrbench.audio.io import load_audio
from asrbench.commands.paths import positional_paths
from asrbench.config import CONF_DIR
from asrbench.decoding.longform import transcribe_long
from asrbench.training.checkpoint import load_model


@hydra.main(config_path=CONF_DIR, config_name="transcribe", version_base="1.3")
def app(cfg: DictConfig) -> None:
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    console = Console()
    model, _ = load_model(cfg.checkpoint)
    model = model.to(cfg.device)
    options = instantiate(cfg.decoding)
    files = list(cfg.audio) if isinstance(cfg.audio, ListConfig) else [cfg.audio]
    out_dir = Path(cfg.output_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for file in files:
        audio = load_audio(file, model.frontend.sample_rate).to(cfg.device)
        start = time.perf_counter()
        segments = transcribe_long(model, audio, options, cfg.window_seconds, cfg.overlap_seconds)
        seconds = time.perf_counter() - start
        text = " ".join(s.text for s in segments if s.text)
        duration = len(audio) / model.frontend.sample_rate
        stem = out_dir / Path(file).stem
        stem.with_suffix(".txt").write_text(text + "\n")
        stem.with_suffix(".json").write_text(json.dumps({
            "audio": str(Path(file).resolve()), "checkpoint": str(Path(cfg.checkpoint).resolve()),
            "text": text, "duration": duration, "decode_seconds": seconds, "rtf": seconds / duration,
            "segments": [s.__dict__ for s in segments],
        }, indent=2) + "\n")
        console.print(f"[bold]{file}[/bold] ({duration:.1f} s, RTF {seconds / duration:.3f}): {text}")
    console.print(f"wrote .txt and .json files to {out_dir}")


def main() -> None:
    args = sys.argv[1:]
    checkpoints = [a for a in args if a.endswith(".ckpt") and Path(a).is_file()]
    rest = positional_paths([a for a in args if a not in checkpoints], "audio")
    sys.argv[1:] = rest + positional_paths(checkpoints, "checkpoint", many=False)
    app()

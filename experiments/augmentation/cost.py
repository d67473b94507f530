"""Cost of on-the-fly augmentation per training batch (1 thread, as in a DataLoader worker).

    .venv/bin/python experiments/augmentation/cost.py [--batches 20] [--out experiments/augmentation/cost.json]

Forms training batches of the built-in corpus as `train` does (data.batch_seconds, duration buckets), then
times each step of conf/data/augment/speed_noise_reverb.yaml alone at probability 1, and the configured
pipeline, per batch and per second of audio. Loading the audio is timed too, for scale.
"""

import argparse
import json
import os
import platform
import time

import torch
from hydra import compose, initialize_config_dir
from hydra.utils import instantiate
from rich.console import Console
from rich.table import Table

from asrbench.audio.augment import WaveformAugment
from asrbench.audio.io import load_audio
from asrbench.config import CONF_DIR
from asrbench.data.datamodule import load_split
from asrbench.data.sampler import DurationBatchSampler


def time_per_batch(step, batches: list[list[torch.Tensor]]) -> float:
    generator = torch.Generator().manual_seed(0)
    start = time.perf_counter()
    for batch in batches:
        for audio in batch:
            step(audio, generator)
    return (time.perf_counter() - start) / len(batches)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--out", default="experiments/augmentation/cost.json")
    args = parser.parse_args()
    torch.set_num_threads(1)
    with initialize_config_dir(config_dir=CONF_DIR, version_base="1.3"):
        cfg = compose(config_name="train", overrides=["data/augment=speed_noise_reverb"])
    utterances = load_split(cfg.data.train_manifest)
    sampler = DurationBatchSampler([u.duration for u in utterances], cfg.data.batch_seconds,
                                   cfg.data.max_batch_size, seed=0)
    indices = list(sampler)[: args.batches]
    start = time.perf_counter()
    batches = [[load_audio(utterances[i].audio) for i in batch] for batch in indices]
    load_seconds = (time.perf_counter() - start) / len(batches)
    audio_seconds = sum(len(a) for b in batches for a in b) / 16000 / len(batches)

    pipeline = instantiate(cfg.data.augment)
    alone = {"speed": pipeline.steps[0], "reverb": pipeline.steps[1], "noise": pipeline.steps[2]}
    alone["reverb"].p = alone["noise"].p = 1.0
    seconds = {f"{name} (p=1)": time_per_batch(step, batches) for name, step in alone.items()}
    alone["reverb"].p, alone["noise"].p = cfg.data.augment.reverb.p, cfg.data.augment.noise.p
    configured = WaveformAugment(**alone)
    name = f"pipeline (reverb p={alone['reverb'].p}, noise p={alone['noise'].p})"
    seconds[name] = time_per_batch(configured, batches)
    seconds["loading the audio (soundfile)"] = load_seconds

    table = Table(title=f"augmentation cost, {args.batches} batches of {audio_seconds:.1f} s audio "
                        f"({sum(map(len, indices)) / len(indices):.1f} utterances), 1 thread")
    for column in ("step", "ms / batch", "ms / s of audio"):
        table.add_column(column, justify="left" if column == "step" else "right")
    for name, value in seconds.items():
        table.add_row(name, f"{value * 1000:.1f}", f"{value * 1000 / audio_seconds:.2f}")
    Console().print(table)
    result = {"ms_per_batch": {k: round(v * 1000, 2) for k, v in seconds.items()},
              "audio_seconds_per_batch": round(audio_seconds, 2), "batches": args.batches,
              "batch_seconds": cfg.data.batch_seconds, "threads": 1, "load_average": os.getloadavg()[0],
              "machine": platform.processor() or platform.machine()}
    with open(args.out, "w") as f:
        json.dump(result, f, indent=1)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

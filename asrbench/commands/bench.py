"""``python -m asrbench bench checkpoint=PATH``: the latency protocol, merged into the run's metrics.json."""

import sys
from pathlib import Path

import hydra
from hydra.utils import instantiate
from omegaconf import DictConfig
from rich.console import Console
from rich.table import Table

from asrbench.commands.paths import positional_paths
from asrbench.config import CONF_DIR
from asrbench.data.datamodule import load_split
from asrbench.evaluation.evaluate import update_metrics
from asrbench.evaluation.latency import benchmark, select
from asrbench.models.asr_model import ASRModel
from asrbench.models.heads.options import DecodingOptions
from asrbench.training.checkpoint import load_model


def run_dir_of(checkpoint: str | Path) -> Path:
    """The training run folder of a checkpoint: the parent of its ``checkpoints/`` folder."""
    parent = Path(checkpoint).resolve().parent
    return parent.parent if parent.name == "checkpoints" else parent


def run(model: ASRModel, manifest: str | Path, options: DecodingOptions, utterances: int = 100,
        batch_size: int = 16, warmup: int = 5, threads: int = 1, device: str = "cpu", skip_bad: bool = False,
        progress: bool = True) -> dict:
    """Benchmark ``model`` on ``utterances`` test utterances; returns the ``bench`` block of metrics.json."""
    chosen = select(load_split(manifest, normalize_text=True, skip_bad=skip_bad), utterances)
    result = benchmark(model, chosen, options, threads, warmup, batch_size, device, progress)
    return {**result, "test_manifest": str(manifest)}


def print_bench(result: dict, title: str) -> None:
    table = Table(title=title)
    columns = {"p50 ms": "latency_p50_ms", "p90 ms": "latency_p90_ms", "p99 ms": "latency_p99_ms", "RTF": "rtf",
               "1st token p50 ms": "first_token_p50_ms", "utt/s": "throughput_utt_per_s",
               "audio s/s": "throughput_audio_s_per_s", "peak MB": "peak_memory_mb"}
    for column in columns:
        table.add_column(column, justify="right")
    table.add_row(*(f"{result[key]:.4g}" if key in result else "-" for key in columns.values()))
    Console().print(table)
    Console().print(f"{result['utterances']} utterances at batch 1, throughput at batch {result['batch_size']}; "
                    f"{result['device']} ({result['gpu'] or result['cpu']}), {result['threads']} thread(s), "
                    f"torch {result['torch']}; {result['parameters'] / 1e6:.2f} M parameters; "
                    f"peak memory = {result['peak_memory']}")


@hydra.main(config_path=CONF_DIR, config_name="bench", version_base="1.3")
def app(cfg: DictConfig) -> float:
    model, train_config = load_model(cfg.checkpoint)
    manifest = cfg.data.test_manifest or train_config["data"]["test_manifest"]
    result = run(model, manifest, instantiate(cfg.decoding), cfg.utterances, cfg.batch_size, cfg.warmup,
                 cfg.threads, cfg.device, cfg.data.skip_bad)
    result["checkpoint"] = str(Path(cfg.checkpoint).resolve())
    output_dir = Path(cfg.output_dir or run_dir_of(cfg.checkpoint))
    output_dir.mkdir(parents=True, exist_ok=True)
    path = update_metrics(output_dir, {"bench": result})
    print_bench(result, title=f"{cfg.checkpoint} on {manifest}")
    print(f"merged into {path} (key 'bench')")
    return result["latency_p50_ms"]


def main() -> None:
    sys.argv[1:] = positional_paths(sys.argv[1:], "checkpoint", many=False)
    app()

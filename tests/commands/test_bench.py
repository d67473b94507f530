import json
import subprocess
import sys
from pathlib import Path

import torch
from omegaconf import OmegaConf

from asrbench.models.build import build_model
from asrbench.text.tokenizer import CharTokenizer
from tests.conftest import compose, write_manifest_lines

ROOT = Path(__file__).resolve().parents[2]


def fake_checkpoint(run_dir: Path, head: str, manifest: Path) -> Path:
    """What `train` saves, without training: config, tokenizer and (random) weights."""
    cfg = compose("train", [f"model={head}", "encoder=transformer_xs", "tokenizer=char",
                            f"data.test_manifest={manifest}"])
    tokenizer = CharTokenizer.train(["hello world"])
    model = build_model(cfg, tokenizer)
    path = run_dir / "checkpoints" / "best-epoch=00-dev_wer=1.0000.ckpt"  # "=" as Lightning names them
    path.parent.mkdir(parents=True)
    torch.save({"hyper_parameters": {"config": OmegaConf.to_container(cfg, resolve=True)},
                "tokenizer": tokenizer.to_tensor(),
                "state_dict": {f"model.{k}": v for k, v in model.state_dict().items()}}, path)
    return path


def test_bench_cli_merges_into_the_run_metrics(audio_dir, tmp_path):
    manifest = write_manifest_lines(audio_dir / "test.jsonl", [
        {"id": name, "audio": str(audio_dir / f"{name}.wav"), "text": "hello", "duration": seconds}
        for name, seconds in [("a", 1.0), ("b", 1.5), ("c", 2.0)]])
    run_dir, cwd = tmp_path / "run", tmp_path / "cwd"
    cwd.mkdir()
    checkpoint = fake_checkpoint(run_dir, "aed", manifest)
    (run_dir / "metrics.json").write_text(json.dumps({"wer": 0.5}))
    subprocess.run([sys.executable, "-m", "asrbench", "bench", str(checkpoint), "utterances=2",
                    "batch_size=2", "warmup=1", "decoding.max_length=5"], cwd=cwd, check=True, timeout=120)
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert metrics["wer"] == 0.5  # merged, not replaced
    bench = metrics["bench"]
    assert bench["utterances"] == 2 and bench["threads"] == 1 and bench["test_manifest"] == str(manifest)
    assert bench["latency_p50_ms"] <= bench["latency_p99_ms"] and bench["first_token_p50_ms"] > 0
    assert not any(cwd.iterdir())  # no Hydra output folder or log left behind

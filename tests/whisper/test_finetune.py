"""``train experiment=whisper_finetune``: a whole imported Whisper (here tiny, random) fine-tunes on a corpus
with its own tokenizer, then evaluates and reloads like any run."""

import csv
import json

import torch

from asrbench.commands.train import run
from asrbench.training.checkpoint import load_model, read_checkpoint
from asrbench.whisper.convert import import_whisper
from tests.conftest import compose
from tests.whisper.test_import import base_config

TINY_DIMS = ["encoder.dim=64", "encoder.layers=2", "encoder.heads=2", "model.layers=2", "model.heads=2"]


def test_an_imported_whisper_fine_tunes_end_to_end(openai_pt, tokenizer_json, tiny_corpus, tmp_path):
    whisper = import_whisper(openai_pt, tmp_path / "tiny.ckpt", base_config(), tokenizer=tokenizer_json)
    cfg = compose("train", ["experiment=whisper_finetune", f"init={whisper}", f"corpus.out_dir={tiny_corpus}",
                            *TINY_DIMS, "trainer.max_epochs=2", "data.batch_seconds=8", "data.num_workers=0",
                            "bench.enabled=false", "trainer.precision=32", "optim.warmup_steps=2",
                            "decoding.max_length=20"])
    metrics = run(cfg, tmp_path / "run")

    start, end = read_checkpoint(whisper), read_checkpoint(tmp_path / "run" / "checkpoints" / "last.ckpt")
    assert torch.equal(start["tokenizer"], end["tokenizer"])  # Whisper's units, not a new sentencepiece model
    changed = [k for k, v in start["state_dict"].items() if not torch.equal(v, end["state_dict"][k])]
    assert "model.head.decoder.token_embedding.weight" in changed and "model.encoder.conv1.weight" in changed
    losses = [float(row["train/loss"]) for row in _log(tmp_path / "run") if row.get("train/loss")]
    assert losses and all(torch.isfinite(torch.tensor(losses)))
    assert metrics["head"] == "AEDHead" and metrics["utterances"] == 4 and 0 <= metrics["wer"]
    model, config = load_model(metrics["best_checkpoint"])
    assert model.head.prompt == [50257, 50362] and config["init"] == str(whisper)
    hyps = [json.loads(line) for line in (tmp_path / "run" / "hyps.jsonl").read_text().splitlines()]
    assert len(hyps) == 4 and all("<|" not in h["hyp"] for h in hyps)  # control tokens never reach the text


def _log(run_dir):
    return list(csv.DictReader((run_dir / "logs" / "metrics.csv").open()))

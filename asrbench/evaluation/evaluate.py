"""Decode a manifest with a trained model and score it; write metrics.json and hyps.jsonl."""

import json
import time
from pathlib import Path

import torch
from rich.progress import track
from torch.utils.data import DataLoader, Subset

from asrbench.data.datamodule import load_split
from asrbench.data.dataset import ASRDataset, collate
from asrbench.data.sampler import DurationBatchSampler
from asrbench.decoding.longform import transcribe_long
from asrbench.evaluation.scoring import score
from asrbench.models.asr_model import ASRModel
from asrbench.models.heads.options import DecodingOptions


def transcribe_manifest(model: ASRModel, manifest: str | Path, options: DecodingOptions,
                        batch_seconds: float = 200.0, device: str = "cpu", skip_bad: bool = False,
                        progress: bool = True, window_seconds: float = 30.0) -> tuple[list[dict], float]:
    """Decode every utterance of ``manifest``; returns records in manifest order and decode seconds.

    Utterances up to ``window_seconds`` are decoded in duration-bucketed batches; longer ones one by one
    in chunks (``asrbench.decoding.longform``), so memory stays bounded. Decode time covers frontend,
    encoder and decoding (audio reading excluded).
    """
    utterances = load_split(manifest, normalize_text=True, skip_bad=skip_bad)
    dataset = ASRDataset(utterances, None, model.frontend.sample_rate, manifest=str(manifest))
    short = [i for i, u in enumerate(utterances) if u.duration <= window_seconds]
    long = [i for i, u in enumerate(utterances) if u.duration > window_seconds]
    model = model.to(device).eval()
    by_id, decode_seconds = {}, 0.0
    if short:
        durations = [utterances[i].duration for i in short]
        sampler = DurationBatchSampler(durations, max(batch_seconds, max(durations)), shuffle=False)
        loader = DataLoader(Subset(dataset, short), batch_sampler=sampler, collate_fn=collate)
        for batch in track(loader, description=f"decoding {Path(manifest).name}", disable=not progress):
            start = time.perf_counter()
            hyps = model.transcribe(batch["audio"].to(device), batch["audio_lens"].to(device), options)
            decode_seconds += _elapsed(start, device)
            by_id.update({utt_id: hyp.text for utt_id, hyp in zip(batch["ids"], hyps, strict=True)})
    for i in track(long, description="decoding long utterances in chunks", disable=not progress or not long):
        item = dataset[i]
        start = time.perf_counter()
        segments = transcribe_long(model, item["audio"].to(device), options, window=window_seconds)
        decode_seconds += _elapsed(start, device)
        by_id[item["id"]] = " ".join(s.text for s in segments if s.text)
    records = [{"id": u.id, "ref": u.text, "hyp": by_id[u.id], "duration": u.duration,
                **({"speaker": u.speaker} if u.speaker else {})} for u in utterances]
    return records, decode_seconds


def _elapsed(start: float, device: str) -> float:
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    return time.perf_counter() - start


def evaluate_manifest(model: ASRModel, manifest: str | Path, options: DecodingOptions,
                      batch_seconds: float = 200.0, device: str = "cpu", skip_bad: bool = False,
                      progress: bool = True, window_seconds: float = 30.0) -> tuple[list[dict], dict]:
    records, decode_seconds = transcribe_manifest(model, manifest, options, batch_seconds, device,
                                                  skip_bad, progress, window_seconds)
    metrics = score(records)
    audio_seconds = sum(r["duration"] for r in records)
    metrics.update(
        test_manifest=str(manifest), audio_seconds=audio_seconds, decode_seconds=decode_seconds,
        rtf=decode_seconds / audio_seconds, beam_size=options.beam_size, device=device,
        threads=torch.get_num_threads(), parameters=model.num_parameters(),
        trainable_parameters=model.num_parameters(trainable_only=True),
    )
    return records, metrics


def write_results(run_dir: str | Path, records: list[dict], metrics: dict) -> Path:
    """Write hyps.jsonl and merge ``metrics`` into run_dir/metrics.json (keeping keys from other steps)."""
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    with (run_dir / "hyps.jsonl").open("w") as f:
        for record in records:
            f.write(json.dumps(record) + "\n")
    return update_metrics(run_dir, metrics)


def update_metrics(run_dir: str | Path, metrics: dict) -> Path:
    path = Path(run_dir) / "metrics.json"
    merged = json.loads(path.read_text()) if path.is_file() else {}
    merged.update(metrics)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(merged, indent=2, sort_keys=True) + "\n")
    tmp.replace(path)
    return path

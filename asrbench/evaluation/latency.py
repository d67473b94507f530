"""The latency protocol: fixed threads, warm-up, batch-1 latency percentiles, RTF, throughput, memory.

Everything from the padded waveform to the text counts (frontend, encoder, decoding, detokenising);
reading and resampling the audio files does not: the audio is loaded before the clock starts.
"""

import platform
import re
import resource
import time
from pathlib import Path

import numpy as np
import torch
from rich.progress import track

from asrbench.data.dataset import ASRDataset, collate
from asrbench.data.manifest import Utterance
from asrbench.models.asr_model import ASRModel
from asrbench.models.heads.options import DecodingOptions


def cpu_name() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        match = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        if match:
            return match.group(1).strip()
    return platform.processor() or platform.machine()


def reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS mark (Linux >= 4.0), so the peak covers the benchmark, not what ran before."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def peak_rss_mb() -> float:
    status = Path("/proc/self/status")
    match = re.search(r"VmHWM:\s+(\d+) kB", status.read_text()) if status.is_file() else None
    if match:
        return int(match.group(1)) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux; process lifetime peak


def select(utterances: list[Utterance], n: int) -> list[Utterance]:
    """``n`` utterances evenly spaced through the manifest: deterministic and spanning its whole range."""
    n = min(n, len(utterances))
    return [utterances[i * len(utterances) // n] for i in range(n)]


def _timed(model: ASRModel, batch: dict, options: DecodingOptions, device: str) -> tuple[float, list]:
    audio, lens = batch["audio"].to(device), batch["audio_lens"].to(device)
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    start = time.perf_counter()
    hyps = model.transcribe(audio, lens, options)
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    return time.perf_counter() - start, hyps


def _percentiles(prefix: str, seconds: list[float]) -> dict[str, float]:
    p50, p90, p99 = np.percentile(np.array(seconds) * 1000, [50, 90, 99])
    return {f"{prefix}_p50_ms": float(p50), f"{prefix}_p90_ms": float(p90), f"{prefix}_p99_ms": float(p99)}


def benchmark(model: ASRModel, utterances: list[Utterance], options: DecodingOptions, threads: int = 1,
              warmup: int = 5, batch_size: int = 16, device: str = "cpu", progress: bool = True) -> dict:
    """Run the protocol on ``utterances``; returns the ``bench`` block of metrics.json.

    First-token latency (autoregressive heads) is frontend + encoder time plus the head's time to its
    first token, as reported in ``Hypothesis.timings``.
    """
    saved_threads = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        model = model.to(device).eval()
        dataset = ASRDataset(utterances, None, model.frontend.sample_rate)
        items = [dataset[i] for i in range(len(dataset))]
        durations = [u.duration for u in utterances]
        for item in items[:warmup]:
            _timed(model, collate([item]), options, device)
        by_length = sorted(range(len(items)), key=lambda i: durations[i])
        batches = [by_length[i:i + batch_size] for i in range(0, len(items), batch_size)]
        _timed(model, collate([items[i] for i in batches[-1]]), options, device)  # warm up the batched shapes

        if device.startswith("cuda"):
            torch.cuda.reset_peak_memory_stats()
        baseline = peak_rss_mb() if reset_peak_rss() else None  # RSS before timing: torch, model, audio
        latencies, first_tokens = [], []
        for item in track(items, description=f"batch 1, {threads} thread(s)", disable=not progress):
            seconds, hyps = _timed(model, collate([item]), options, device)
            latencies.append(seconds)
            timings = hyps[0].timings
            if "first_token_seconds" in timings:
                first_tokens.append(timings.get("encode_seconds", 0.0) + timings["first_token_seconds"])
        batched_seconds = 0.0
        for batch in track(batches, description=f"batch {batch_size}", disable=not progress):
            batched_seconds += _timed(model, collate([items[i] for i in batch]), options, device)[0]
        if device.startswith("cuda"):
            peak = {"peak_memory_mb": torch.cuda.max_memory_allocated() / 2**20, "peak_memory": "cuda max allocated"}
        else:
            peak = {"peak_memory_mb": peak_rss_mb(), "peak_memory": "process peak RSS", "baseline_rss_mb": baseline}
    finally:
        torch.set_num_threads(saved_threads)

    audio_seconds = sum(durations)
    return {
        **_percentiles("latency", latencies),
        "latency_mean_ms": 1000 * float(np.mean(latencies)),
        "rtf": sum(latencies) / audio_seconds,
        **(_percentiles("first_token", first_tokens) if first_tokens else {}),
        "throughput_utt_per_s": len(items) / batched_seconds,
        "throughput_audio_s_per_s": audio_seconds / batched_seconds,
        **peak,
        "parameters": model.num_parameters(), "trainable_parameters": model.num_parameters(trainable_only=True),
        "utterances": len(items), "audio_seconds": audio_seconds, "batch_size": batch_size, "warmup": warmup,
        "beam_size": options.beam_size, "threads": threads, "device": device, "cpu": cpu_name(),
        "gpu": torch.cuda.get_device_name() if device.startswith("cuda") else None, "torch": torch.__version__,
    }

"""Helpers for importer tests: tone audio files, raw manifest lines, and the check that train accepts a manifest."""

import json
from pathlib import Path

import soundfile as sf

from asrbench.data.datamodule import load_split
from asrbench.data.dataset import ASRDataset
from tests.conftest import tone


def write_tone(path: Path, seconds: float, sample_rate: int = 16000, freq: float = 220.0) -> Path:
    """A tone file in the format its suffix names (.wav, .flac, .mp3, .ogg)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, tone(seconds, sample_rate, freq), sample_rate)
    return path


def manifest_lines(path: Path) -> dict[str, dict]:
    """The manifest's JSON records by id, exactly as written."""
    records = [json.loads(line) for line in path.read_text().splitlines()]
    return {record["id"]: record for record in records}


def assert_train_accepts(out_dir: Path, splits: list[str], sample_rate: int = 16000) -> None:
    """``load_split`` reads each manifest and ``ASRDataset`` loads each item with as many samples as its
    duration says: the audio path, the offset and the duration all point at the right samples."""
    for name in splits:
        utterances = load_split(out_dir / f"{name}.jsonl")
        dataset = ASRDataset(utterances, sample_rate=sample_rate)
        for index, utt in enumerate(utterances):
            samples = len(dataset[index]["audio"])
            assert abs(samples - utt.duration * sample_rate) <= 1, (utt.id, samples, utt.duration)

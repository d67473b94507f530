"""A folder of audio files, each with a same-named ``.txt`` transcript beside it, to JSONL manifests."""

from pathlib import Path

from rich.progress import track

from asrbench.audio.io import AUDIO_SUFFIXES
from asrbench.data.importers.summary import ImportReport, Skip, SplitBuilder, import_splits


def read_audio_folder(folder: str | Path, split: SplitBuilder) -> None:
    """Add every audio file under ``folder`` (recursively) that has a transcript to ``split``.

    Ids are paths relative to ``folder`` without the suffix (``spk1/a``); the speaker is the name of the
    folder holding the file, and None for files directly in ``folder``.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder")
    audio_files = sorted(p for p in folder.rglob("*") if p.suffix.lower() in AUDIO_SUFFIXES and p.is_file())
    if not audio_files:
        raise FileNotFoundError(f"{folder} holds no audio files ({', '.join(AUDIO_SUFFIXES)})")
    for audio in track(audio_files, description=f"reading {folder.name}"):
        transcript = audio.with_suffix(".txt")
        if not transcript.is_file():
            split.skip(str(audio), Skip("no transcript", f"{transcript.name} is missing beside {audio.name}"))
            continue
        utt_id = audio.relative_to(folder).with_suffix("").as_posix()
        speaker = audio.parent.name if audio.parent != folder else None
        split.add(f"{transcript}:1", utt_id, audio, transcript.read_text(encoding="utf-8"), speaker)


def import_folder(out_dir: str | Path, splits: dict[str, str | Path], strict: bool = False) -> ImportReport:
    """Write one manifest per split, e.g. ``{"train": "audio/train", "dev": "audio/dev"}``."""
    return import_splits(out_dir, splits, read_audio_folder, strict)

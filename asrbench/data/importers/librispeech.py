"""LibriSpeech folders (SUBSET/SPEAKER/CHAPTER/*.flac + SPEAKER-CHAPTER.trans.txt) to JSONL manifests."""

from pathlib import Path

import soundfile as sf
from rich.progress import track

from asrbench.data.manifest import Utterance, write_manifest
from asrbench.text.normalizer import normalize


def read_librispeech_subset(subset_dir: str | Path) -> list[Utterance]:
    """Every utterance of one subset folder (e.g. ``LibriSpeech/dev-clean``), sorted by id."""
    subset_dir = Path(subset_dir)
    transcripts = sorted(subset_dir.glob("*/*/*.trans.txt"))
    if not transcripts:
        raise FileNotFoundError(f"{subset_dir} holds no SPEAKER/CHAPTER/*.trans.txt files: not a LibriSpeech subset")
    utterances = []
    for transcript in track(transcripts, description=f"reading {subset_dir.name}"):
        for number, line in enumerate(transcript.read_text().splitlines(), start=1):
            if not line.strip():
                continue
            utt_id, _, text = line.partition(" ")
            audio = transcript.parent / f"{utt_id}.flac"
            if not audio.is_file():
                raise FileNotFoundError(f"{transcript}:{number}: audio {audio} for {utt_id} is missing")
            if not normalize(text):
                raise ValueError(f"{transcript}:{number}: empty transcript for {utt_id}")
            utterances.append(Utterance(id=utt_id, audio=audio.resolve(), text=normalize(text),
                                        duration=sf.info(str(audio)).duration, speaker=utt_id.split("-")[0]))
    return sorted(utterances, key=lambda u: u.id)


def import_librispeech(root: str | Path, out_dir: str | Path, splits: dict[str, list[str]]) -> dict[str, Path]:
    """Write one manifest per split, e.g. ``{"train": ["train-clean-100"], "dev": ["dev-clean"]}``.

    ``root`` is the folder holding the subset folders (usually ``.../LibriSpeech``).
    """
    root = Path(root)
    written = {}
    for split, subsets in splits.items():
        utterances = [u for subset in subsets for u in read_librispeech_subset(root / subset)]
        written[split] = write_manifest(Path(out_dir) / f"{split}.jsonl", utterances)
    return written

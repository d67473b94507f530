"""LibriSpeech folders (SUBSET/SPEAKER/CHAPTER/*.flac + SPEAKER-CHAPTER.trans.txt) to JSONL manifests."""

from pathlib import Path

from rich.progress import track

from asrbench.data.importers.summary import ImportReport, SplitBuilder, import_splits


def read_librispeech_subset(subset_dir: str | Path, split: SplitBuilder) -> None:
    """Add every utterance of one subset folder (e.g. ``LibriSpeech/dev-clean``) to ``split``."""
    subset_dir = Path(subset_dir)
    transcripts = sorted(subset_dir.glob("*/*/*.trans.txt"))
    if not transcripts:
        raise FileNotFoundError(f"{subset_dir} holds no SPEAKER/CHAPTER/*.trans.txt files: not a LibriSpeech subset")
    for transcript in track(transcripts, description=f"reading {subset_dir.name}"):
        for number, line in enumerate(transcript.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                utt_id, _, text = line.partition(" ")
                split.add(f"{transcript}:{number}", utt_id, transcript.parent / f"{utt_id}.flac", text,
                          speaker=utt_id.split("-")[0])


def import_librispeech(root: str | Path, out_dir: str | Path, splits: dict[str, list[str]],
                       strict: bool = False) -> ImportReport:
    """Write one manifest per split, e.g. ``{"train": ["train-clean-100"], "dev": ["dev-clean"]}``.

    ``root`` is the folder holding the subset folders (usually ``.../LibriSpeech``).
    """
    def read(subsets: list[str], split: SplitBuilder) -> None:
        for subset in subsets:
            read_librispeech_subset(Path(root) / subset, split)
        split.utterances.sort(key=lambda u: u.id)

    return import_splits(out_dir, splits, read, strict)

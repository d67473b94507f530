"""Kaldi data folders (``wav.scp``, ``text``, optional ``segments`` and ``utt2spk``) to JSONL manifests."""

import re
from pathlib import Path

from rich.progress import track

from asrbench.data.importers.summary import ImportReport, Skip, SplitBuilder, import_splits

# Kaldi transcripts mark non-speech with bracketed tokens; normalising would turn "[noise]" into the word "noise"
NON_SPEECH = r"<[^>\s]*>|\[[^\]\s]*\]"
_ARK_REFERENCE = re.compile(r"^ark:|\.ark:\d+$")


def read_table(path: Path) -> list[tuple[int, str, str]]:
    """``(line number, key, rest of the line)`` for each non-blank line of a Kaldi table."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        key, _, rest = line.strip().partition(" ")
        if key:
            rows.append((number, key, rest.strip()))
    return rows


def _lookup(path: Path) -> dict[str, tuple[str, str]]:
    """key -> (``file:line``, value)."""
    return {key: (f"{path}:{number}", value) for number, key, value in read_table(path)}


def audio_path(entry: str, audio_root: Path) -> Path | Skip:
    """The file a ``wav.scp`` entry names; pipes and archive references are not audio files."""
    if entry.endswith("|"):
        return Skip("wav.scp command", f"{entry!r} is a command: run it into an audio file and list that file instead")
    if _ARK_REFERENCE.search(entry):
        return Skip("wav.scp ark reference", f"{entry!r} points into a Kaldi archive: convert it to an audio file "
                                             "(e.g. wav-copy) and list that file instead")
    if not entry:
        return Skip("malformed line", "no audio path after the id")
    return audio_root / entry


def read_kaldi_dir(data_dir: str | Path, split: SplitBuilder, audio_root: str | Path = ".",
                   non_speech: str | None = NON_SPEECH) -> None:
    """Add every utterance of ``data_dir/text`` to ``split``; audio paths relative to ``audio_root``."""
    data_dir, audio_root = Path(data_dir), Path(audio_root)
    for required in ("wav.scp", "text"):
        if not (data_dir / required).is_file():
            raise FileNotFoundError(f"{data_dir / required} not found: not a Kaldi data folder")
    wavs = _lookup(data_dir / "wav.scp")
    segments = _lookup(data_dir / "segments") if (data_dir / "segments").is_file() else None
    utt2spk = data_dir / "utt2spk"
    speakers = {utt: speaker for _, utt, speaker in read_table(utt2spk)} if utt2spk.is_file() else {}
    texts = read_table(data_dir / "text")
    for number, utt, text in track(texts, description=f"reading {data_dir.name}"):
        where = f"{data_dir / 'text'}:{number}"
        source_where, source = _source(utt, where, wavs, segments, audio_root)
        if isinstance(source, Skip):
            split.skip(source_where, source)
            continue
        audio, offset, duration = source
        text = re.sub(non_speech, " ", text) if non_speech else text
        split.add(where, utt, audio, text, speakers.get(utt), offset, duration)
    _count_untranscribed(data_dir, segments if segments is not None else wavs, {utt for _, utt, _ in texts}, split)


def _source(utt: str, where: str, wavs: dict, segments: dict | None,
            audio_root: Path) -> tuple[str, tuple[Path, float | None, float | None] | Skip]:
    """``(file:line, (audio, offset, duration))`` of one utterance, or ``(file:line, why not)``."""
    if segments is None:
        if utt not in wavs:
            return where, Skip("no audio entry", f"{utt!r} is not in wav.scp")
        where, entry = wavs[utt]
        audio = audio_path(entry, audio_root)
        return where, audio if isinstance(audio, Skip) else (audio, None, None)
    if utt not in segments:
        return where, Skip("no audio entry", f"{utt!r} is not in segments")
    where, fields = segments[utt]
    try:
        recording, start, end = fields.split()
        start, end = float(start), float(end)
    except ValueError:
        return where, Skip("malformed line", f"expected '<utt> <recording> <start> <end>', got {utt} {fields!r}")
    if recording not in wavs:
        return where, Skip("no audio entry", f"recording {recording!r} of {utt!r} is not in wav.scp")
    where, entry = wavs[recording]
    audio = audio_path(entry, audio_root)
    # end -1: to the end of the recording
    return where, audio if isinstance(audio, Skip) else (audio, start, None if end < 0 else end - start)


def _count_untranscribed(data_dir: Path, entries: dict, transcribed: set[str], split: SplitBuilder) -> None:
    for key, (where, _) in entries.items():
        if key not in transcribed:
            split.skip(where, Skip("no transcript", f"{key!r} has no line in {data_dir / 'text'}"))


def import_kaldi(out_dir: str | Path, splits: dict[str, str | Path], strict: bool = False,
                 audio_root: str | Path = ".", non_speech: str | None = NON_SPEECH) -> ImportReport:
    """Write one manifest per split, e.g. ``{"train": "data/train", "dev": "data/dev"}``.

    Relative ``wav.scp`` paths are read from ``audio_root`` (Kaldi resolves them from the recipe
    folder its scripts run in). Tokens matching ``non_speech`` (``<unk>``, ``[noise]``) are dropped.
    """
    return import_splits(out_dir, splits,
                         lambda data_dir, split: read_kaldi_dir(data_dir, split, audio_root, non_speech), strict)

"""Lhotse manifests (a CutSet, or a RecordingSet + SupervisionSet) to JSONL manifests: one utterance a supervision.

Entries are located as ``manifest:N``, N counting from 1 (the line of a JSONL manifest).
"""

from pathlib import Path

from rich.progress import track

from asrbench.data.importers.summary import ImportReport, Skip, SplitBuilder, import_splits


def _lhotse():
    try:
        import lhotse
    except ImportError:
        raise ImportError("importing lhotse manifests needs lhotse: pip install 'asrbench[lhotse]'") from None
    return lhotse


def audio_file(recording, supervision) -> Path | Skip:
    """The one audio file holding ``supervision``; asrbench reads files and averages channels to mono."""
    sources = recording.sources
    if len(sources) != 1 or sources[0].type != "file":
        kinds = ", ".join(source.type for source in sources)
        return Skip("not one audio file", f"recording {recording.id!r} has audio sources [{kinds}]; asrbench "
                                          "reads a single audio file: write the audio to files first")
    transforms = [t if isinstance(t, dict) else t.to_dict() for t in recording.transforms or []]
    changed = [t["name"] for t in transforms if t["name"] != "Resample"]  # asrbench resamples anyway
    if changed:
        return Skip("audio transforms", f"recording {recording.id!r} has transforms {changed} that asrbench would "
                                        "not apply: import the recordings without them")
    channels = supervision.channel if isinstance(supervision.channel, list) else [supervision.channel]
    if sorted(channels) != sorted(recording.channel_ids):
        return Skip("channel subset", f"supervision {supervision.id!r} is on channel(s) {channels} of recording "
                                      f"{recording.id!r} (channels {recording.channel_ids}), but asrbench reads "
                                      "all channels averaged to mono")
    return Path(sources[0].source)  # relative paths: from the current folder, as lhotse reads them


def _add(split: SplitBuilder, where: str, recording, supervision, offset: float) -> None:
    audio = audio_file(recording, supervision)
    if isinstance(audio, Skip):
        return split.skip(where, audio)
    split.add(where, supervision.id, audio, supervision.text or "", supervision.speaker, offset, supervision.duration)


def read_cuts(path: Path, cuts, split: SplitBuilder) -> None:
    """Each supervision of each cut; its offset is the cut's start plus the supervision's start in the cut."""
    from lhotse.cut.data import DataCut

    for number, cut in enumerate(track(cuts, total=len(cuts), description=f"reading {path.name}"), start=1):
        where = f"{path}:{number}"
        if not isinstance(cut, DataCut) or not cut.has_recording:
            split.skip(where, Skip("not a recording cut", f"{type(cut).__name__} {cut.id!r} is not a cut of one "
                                                          "recording (mixed, padding or feature-only cuts are not)"))
            continue
        if not cut.supervisions:
            split.skip(where, Skip("no supervision", f"cut {cut.id!r} has no supervision (no transcript)"))
        for supervision in cut.supervisions:
            _add(split, where, cut.recording, supervision, cut.start + supervision.start)


def read_supervisions(path: Path, supervisions, recordings, split: SplitBuilder) -> None:
    """Each supervision, its offset its start in the recording."""
    recordings = {recording.id: recording for recording in recordings}  # RecordingSet's `in` is a linear scan
    total = len(supervisions)
    for number, supervision in enumerate(track(supervisions, total=total, description=f"reading {path.name}"),
                                         start=1):
        where = f"{path}:{number}"
        if supervision.recording_id not in recordings:
            split.skip(where, Skip("no audio entry", f"recording {supervision.recording_id!r} of supervision "
                                                     f"{supervision.id!r} is not in the RecordingSet"))
        else:
            _add(split, where, recordings[supervision.recording_id], supervision, supervision.start)


def read_lhotse_split(manifests: str | Path | list[str | Path], split: SplitBuilder) -> None:
    """Add the utterances of one CutSet manifest, or of a RecordingSet and a SupervisionSet (any order)."""
    lhotse = _lhotse()
    paths = [Path(manifests)] if isinstance(manifests, str | Path) else [Path(p) for p in manifests]
    loaded = {}
    for path in paths:
        if not path.is_file():
            raise FileNotFoundError(f"lhotse manifest {path} not found (split {split.name!r})")
        manifest = lhotse.load_manifest(path)
        loaded[type(manifest).__name__] = (path, manifest)
    if len(paths) == 1 and set(loaded) == {"CutSet"}:
        read_cuts(*loaded["CutSet"], split)
    elif len(paths) == 2 and set(loaded) == {"RecordingSet", "SupervisionSet"}:
        read_supervisions(*loaded["SupervisionSet"], loaded["RecordingSet"][1], split)
    else:
        got = ", ".join(f"{path} ({kind})" for kind, (path, _) in loaded.items())
        raise ValueError(f"split {split.name!r}: expected a CutSet manifest, or a RecordingSet and a SupervisionSet "
                         f"manifest; got {got}")


def import_lhotse(out_dir: str | Path, splits: dict[str, str | Path | list[str | Path]],
                  strict: bool = False) -> ImportReport:
    """Write one manifest per split, e.g. ``{"train": "cuts_train.jsonl.gz",
    "dev": ["recordings_dev.jsonl.gz", "supervisions_dev.jsonl.gz"]}``."""
    return import_splits(out_dir, splits, read_lhotse_split, strict)

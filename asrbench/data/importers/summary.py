"""What every importer shares: source entries to utterances or counted skips, and the summary table."""

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import soundfile as sf
from rich.console import Console
from rich.table import Table

from asrbench.data.manifest import Utterance, write_manifest
from asrbench.text.normalizer import normalize

log = logging.getLogger(__name__)

# a segment may end this far past its audio and is then cut at the end (Kaldi extract-segments' --max-overshoot)
MAX_OVERSHOOT = 0.5


@dataclass(frozen=True)
class Skip:
    reason: str  # short and counted in the summary, e.g. "missing audio file"
    detail: str  # the specifics, for the debug log and the strict error


@dataclass
class SplitReport:
    manifest: Path
    utterances: int
    seconds: float
    speakers: int
    skipped: Counter = field(default_factory=Counter)

    @property
    def hours(self) -> float:
        return self.seconds / 3600


@dataclass
class ImportReport:
    out_dir: Path
    splits: dict[str, SplitReport] = field(default_factory=dict)


@lru_cache(maxsize=4096)
def _audio_info(path: Path) -> tuple[int, float] | str:
    """(frames, seconds), or why soundfile cannot read the file."""
    try:
        info = sf.info(str(path))
    except (sf.LibsndfileError, RuntimeError, TypeError) as err:
        return str(err)
    return info.frames, info.duration


def to_utterance(utt_id: str, audio: Path, text: str, speaker: str | None = None, offset: float | None = None,
                 duration: float | None = None) -> Utterance | Skip:
    """An utterance with normalised text and checked audio, or why it cannot be one.

    ``offset=None`` means the whole file; with an offset, ``duration=None`` means "to the end of the
    audio", and a segment ending up to ``MAX_OVERSHOOT`` s past the audio is shortened to fit.
    """
    if not audio.is_file():
        return Skip("missing audio file", f"{audio} does not exist")
    info = _audio_info(audio.resolve())
    if isinstance(info, str):
        return Skip("unreadable audio", f"{audio} cannot be read as audio ({info})")
    frames, seconds = info
    if frames == 0:
        return Skip("unreadable audio", f"{audio} is empty (0 samples)")
    normalized = normalize(text)
    if not normalized:
        return Skip("empty transcript", f"transcript {text!r} of {utt_id!r} is empty after normalisation")
    if offset is None:
        return Utterance(id=utt_id, audio=audio.resolve(), text=normalized, speaker=speaker,
                         duration=round(seconds, 6))
    end = seconds if duration is None else offset + duration
    if not 0 <= offset < end <= seconds + MAX_OVERSHOOT:
        return Skip("segment outside the audio",
                    f"segment {offset:.3f}-{end:.3f} s of {utt_id!r} is not within {audio} ({seconds:.3f} s)")
    return Utterance(id=utt_id, audio=audio.resolve(), text=normalized, speaker=speaker,
                     offset=round(offset, 6), duration=round(min(end, seconds) - offset, 6))


class SplitBuilder:
    """One split's utterances; bad entries are logged and counted, or raise a ValueError when ``strict``."""

    def __init__(self, name: str, strict: bool = False):
        self.name, self.strict = name, strict
        self.utterances: list[Utterance] = []
        self.skipped: Counter = Counter()
        self._first_seen: dict[str, str] = {}
        _audio_info.cache_clear()  # files may have changed since the last import in this process

    def add(self, where: str, utt_id: str, audio: Path, text: str, speaker: str | None = None,
            offset: float | None = None, duration: float | None = None) -> None:
        """Add the entry found at ``where`` (``source-file:line``), or skip it."""
        if utt_id in self._first_seen:
            return self.skip(where, Skip("duplicate id", f"{utt_id!r} was first seen at {self._first_seen[utt_id]}"))
        result = to_utterance(utt_id, audio, text, speaker, offset, duration)
        if isinstance(result, Skip):
            return self.skip(where, result)
        self._first_seen[utt_id] = where
        self.utterances.append(result)

    def skip(self, where: str, skip: Skip) -> None:
        if self.strict:
            raise ValueError(f"{where}: {skip.reason}: {skip.detail} (strict=false skips and counts such entries)")
        log.debug("skipping %s: %s: %s", where, skip.reason, skip.detail)
        self.skipped[skip.reason] += 1

    def write(self, out_dir: str | Path) -> SplitReport:
        """Write ``<out_dir>/<name>.jsonl``; a split left without utterances is an error, not an empty file."""
        if not self.utterances:
            reasons = ", ".join(f"{n} {reason}" for reason, n in self.skipped.items()) or "no entries"
            raise ValueError(f"split {self.name!r}: no utterance to import ({reasons}; see the debug log: "
                             "hydra.verbose=asrbench.data.importers)")
        manifest = write_manifest(Path(out_dir) / f"{self.name}.jsonl", self.utterances)
        speakers = {u.speaker for u in self.utterances if u.speaker is not None}
        return SplitReport(manifest, len(self.utterances), sum(u.duration for u in self.utterances),
                           len(speakers), self.skipped)


def import_splits(out_dir: str | Path, sources: dict[str, Any], read: Callable[[Any, SplitBuilder], None],
                  strict: bool = False) -> ImportReport:
    """``read(source, split)`` each split's source into a :class:`SplitBuilder`, then write its manifest."""
    report = ImportReport(Path(out_dir))
    for name, source in sources.items():
        split = SplitBuilder(name, strict)
        read(source, split)
        report.splits[name] = split.write(out_dir)
    return report


def print_report(report: ImportReport, console: Console | None = None) -> None:
    """One row per split: utterances, hours, speakers, skipped entries by reason, manifest."""
    table = Table(title=f"imported into {report.out_dir}")
    for column in ("split", "utterances", "hours", "speakers", "skipped", "manifest"):
        table.add_column(column, justify="right" if column in ("utterances", "hours", "speakers") else "left")
    for name, split in report.splits.items():
        skipped = "; ".join(f"{n} {reason}" for reason, n in split.skipped.most_common()) or "0"
        table.add_row(name, str(split.utterances), f"{split.hours:.2f}", str(split.speakers), skipped,
                      str(split.manifest))
    (console or Console()).print(table)

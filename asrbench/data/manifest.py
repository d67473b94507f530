"""JSONL manifests: one utterance a line with ``id``, ``audio``, ``text``, ``duration`` (s),
optional ``speaker`` and ``offset`` (s). With ``offset`` the utterance is the segment [offset, offset + duration]
of the file (also when offset is 0); without it, the whole file. Audio paths are relative to the manifest's
folder or absolute."""

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

REQUIRED_FIELDS = ("id", "audio", "text", "duration")


class ManifestError(ValueError):
    """A manifest line that cannot be used; the message names the file, the line and the field."""


@dataclass(frozen=True)
class Utterance:
    id: str
    audio: Path
    text: str
    duration: float
    speaker: str | None = None
    offset: float | None = None  # None: the whole file; a number: a segment of ``duration`` s from there
    line: int = 0  # 1-based line number in the manifest, for error messages

    def to_json(self, relative_to: Path | None = None) -> dict:
        record = asdict(self)
        del record["line"]
        audio = self.audio
        if relative_to is not None and audio.is_relative_to(relative_to):
            audio = audio.relative_to(relative_to)
        record["audio"] = str(audio)
        if record["speaker"] is None:
            del record["speaker"]
        if record["offset"] is None:
            del record["offset"]
        return record


def read_manifest(path: str | Path) -> list[Utterance]:
    """Read and validate a manifest; raise :class:`ManifestError` naming the line on any defect."""
    path = Path(path)
    if not path.is_file():
        raise ManifestError(f"manifest {path} does not exist")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as err:
        line = path.read_bytes()[: err.start].count(b"\n") + 1
        raise ManifestError(f"{path}:{line}: not valid UTF-8 ({err.reason} at byte {err.start})") from None
    utterances, seen = [], {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        utt = _parse_line(path, number, line)
        if utt.id in seen:
            raise ManifestError(f"{path}:{number}: duplicate id {utt.id!r} (first on line {seen[utt.id]})")
        seen[utt.id] = number
        utterances.append(utt)
    if not utterances:
        raise ManifestError(f"manifest {path} has no utterances")
    return utterances


def _parse_line(path: Path, number: int, line: str) -> Utterance:
    where = f"{path}:{number}"
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        raise ManifestError(f"{where}: not a JSON object ({err.msg})") from None
    if not isinstance(record, dict):
        raise ManifestError(f"{where}: expected a JSON object, got {type(record).__name__}")
    missing = [field for field in REQUIRED_FIELDS if field not in record]
    if missing:
        raise ManifestError(f"{where}: missing field(s) {', '.join(missing)}; every line needs {REQUIRED_FIELDS}")
    text = record["text"]
    if not isinstance(text, str) or not text.strip():
        raise ManifestError(f"{where}: field 'text' is empty for id {record['id']!r}")
    try:
        duration = float(record["duration"])
        offset = None if record.get("offset") is None else float(record["offset"])
    except (TypeError, ValueError):
        raise ManifestError(f"{where}: fields 'duration'/'offset' must be numbers (seconds)") from None
    if duration <= 0:
        raise ManifestError(f"{where}: field 'duration' must be > 0 s, got {duration}")
    audio = Path(record["audio"])
    if not audio.is_absolute():
        audio = path.parent / audio
    speaker = record.get("speaker")
    return Utterance(
        id=str(record["id"]), audio=audio, text=text, duration=duration,
        speaker=None if speaker is None else str(speaker), offset=offset, line=number,
    )


def write_manifest(path: str | Path, utterances: Iterable[Utterance]) -> Path:
    """Write utterances as JSONL, audio paths relative to the manifest's folder when possible."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        for utt in utterances:
            f.write(json.dumps(utt.to_json(relative_to=path.parent.resolve())) + "\n")
    tmp.replace(path)
    return path

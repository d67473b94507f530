from pathlib import Path

import pytest

from asrbench.data.importers.folder import import_folder
from tests.data.importers.conftest import assert_train_accepts, manifest_lines, write_tone


def audio_folder(root: Path, files: dict[str, tuple[float, str | None]]) -> Path:
    """``{relative path: (seconds, transcript or None)}`` as tone files with .txt transcripts beside them."""
    for name, (seconds, text) in files.items():
        audio = write_tone(root / name, seconds)
        if text is not None:
            audio.with_suffix(".txt").write_text(text)
    return root


@pytest.fixture
def folders(tmp_path) -> dict[str, Path]:
    """train: 2 speaker folders with wav/flac/mp3/ogg, a file at the top (no speaker), audio without
    transcript, a corrupt file; dev: one file."""
    train = audio_folder(tmp_path / "corpus" / "train", {
        "alice/a.wav": (1.0, "Hello there!\n"), "alice/b.flac": (1.5, "Good\nmorning"),
        "bob/c.mp3": (0.75, "It's 3 o'clock"), "bob/d.ogg": (1.25, "one, two"), "e.wav": (0.5, "top level"),
        "bob/f.wav": (1.0, None)})
    (train / "bob" / "g.wav").write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt garbage")
    (train / "bob" / "g.txt").write_text("corrupt")
    (train / "README.txt").write_text("a transcript without audio is not counted")
    dev = audio_folder(tmp_path / "corpus" / "dev", {"carol/x.wav": (1.0, "good night")})
    return {"train": train, "dev": dev}


def test_import(folders, tmp_path):
    report = import_folder(tmp_path / "out", folders)
    train = manifest_lines(tmp_path / "out" / "train.jsonl")
    assert train["alice/a"] == {"id": "alice/a", "audio": str(folders["train"] / "alice" / "a.wav"),
                                "text": "hello there", "duration": 1.0, "speaker": "alice"}
    assert [(r["id"], r["text"], r["duration"], r.get("speaker")) for r in train.values()] == [
        ("alice/a", "hello there", 1.0, "alice"), ("alice/b", "good morning", 1.5, "alice"),
        ("bob/c", "it's three o'clock", 0.75, "bob"), ("bob/d", "one two", 1.25, "bob"), ("e", "top level", 0.5, None)]
    stats = report.splits["train"]
    assert (stats.utterances, stats.seconds, stats.speakers) == (5, 5.0, 2)
    assert stats.skipped == {"no transcript": 1, "unreadable audio": 1}
    assert list(manifest_lines(tmp_path / "out" / "dev.jsonl")) == ["carol/x"]


def test_manifests_inside_the_corpus_use_relative_paths(folders, tmp_path):
    import_folder(tmp_path / "corpus", folders)
    assert manifest_lines(tmp_path / "corpus" / "dev.jsonl")["carol/x"]["audio"] == "dev/carol/x.wav"


def test_strict_names_the_file(folders, tmp_path):
    with pytest.raises(ValueError, match=r"bob/f\.wav: no transcript: f\.txt is missing beside f\.wav"):
        import_folder(tmp_path / "out", folders, strict=True)


def test_a_folder_without_audio_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"holds no audio files \(\.wav, \.flac"):
        import_folder(tmp_path / "out", {"train": tmp_path})


def test_round_trips_into_a_manifest_that_train_accepts(folders, tmp_path):
    import_folder(tmp_path / "out", folders)
    assert_train_accepts(tmp_path / "out", ["train", "dev"])

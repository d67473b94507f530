from pathlib import Path

import pytest

from asrbench.data.importers.commonvoice import import_commonvoice
from tests.data.importers.conftest import assert_train_accepts, manifest_lines, write_tone

HEADER = "client_id\tpath\tsentence_id\tsentence\tsentence_domain\tup_votes\tdown_votes\tage\tgender\taccents"
SPLITS = {"train": "train.tsv", "dev": "dev.tsv"}


def _row(client: str, clip: str, sentence: str) -> str:
    return f"{client}\t{clip}\tsid\t{sentence}\t\t2\t0\t\t\t\n"


@pytest.fixture
def commonvoice(tmp_path) -> Path:
    """A language folder: train has 2 speakers, a sentence with an unbalanced quote, a clip that is missing
    and a sentence that normalises to nothing; dev has one clip."""
    root = tmp_path / "cv-corpus" / "en"
    for clip, seconds in [("common_voice_en_1.mp3", 1.0), ("common_voice_en_2.mp3", 1.5),
                          ("common_voice_en_3.mp3", 0.75), ("common_voice_en_5.mp3", 1.0),
                          ("common_voice_en_9.mp3", 1.25)]:
        write_tone(root / "clips" / clip, seconds)
    rows = [_row("aaa", "common_voice_en_1.mp3", 'He said "stop, now.'),
            _row("aaa", "common_voice_en_2.mp3", "It's 5 o'clock."),
            _row("bbb", "common_voice_en_3.mp3", "Café au lait"),
            _row("bbb", "common_voice_en_4.mp3", "This clip is missing"),
            _row("bbb", "common_voice_en_5.mp3", "¿?")]
    (root / "train.tsv").write_text(HEADER + "\n" + "".join(rows), encoding="utf-8")
    (root / "dev.tsv").write_text(HEADER + "\n" + _row("ccc", "common_voice_en_9.mp3", "Good night"))
    return root


def test_import(commonvoice, tmp_path):
    report = import_commonvoice(commonvoice, tmp_path / "out", SPLITS)
    train = manifest_lines(tmp_path / "out" / "train.jsonl")
    assert train["common_voice_en_1"] == {"id": "common_voice_en_1", "text": "he said stop now", "duration": 1.0,
                                          "audio": str(commonvoice / "clips" / "common_voice_en_1.mp3"),
                                          "speaker": "aaa"}
    assert [(r["text"], r["speaker"]) for r in train.values()] == [
        ("he said stop now", "aaa"), ("it's five o'clock", "aaa"), ("cafe au lait", "bbb")]
    assert [r["duration"] for r in train.values()] == [1.0, 1.5, 0.75]
    stats = report.splits["train"]
    assert (stats.utterances, stats.seconds, stats.speakers) == (3, 3.25, 2)
    assert stats.skipped == {"missing audio file": 1, "empty transcript": 1}
    assert list(manifest_lines(tmp_path / "out" / "dev.jsonl")) == ["common_voice_en_9"]


def test_strict_names_the_tsv_line(commonvoice, tmp_path):
    with pytest.raises(ValueError, match=r"train\.tsv:5: missing audio file: .*common_voice_en_4\.mp3 does not exist"):
        import_commonvoice(commonvoice, tmp_path / "out", SPLITS, strict=True)


def test_default_splits_need_test_tsv_and_other_files_are_rejected(commonvoice, tmp_path):
    with pytest.raises(FileNotFoundError, match=r"test\.tsv not found: root= must be a Common Voice language folder"):
        import_commonvoice(commonvoice, tmp_path / "out")
    (commonvoice / "other.tsv").write_text("path\ttext\n")
    with pytest.raises(ValueError, match=r"other\.tsv: expected a Common Voice TSV with header columns client_id"):
        import_commonvoice(commonvoice, tmp_path / "out", {"train": "other.tsv"})


def test_round_trips_into_a_manifest_that_train_accepts(commonvoice, tmp_path):
    import_commonvoice(commonvoice, tmp_path / "out", SPLITS)
    assert_train_accepts(tmp_path / "out", list(SPLITS))

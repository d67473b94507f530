from pathlib import Path

import pytest

from asrbench.data.importers.librispeech import import_librispeech
from tests.data.importers.conftest import assert_train_accepts, manifest_lines, write_tone

SPLITS = {"train": ["train-clean-5"], "dev": ["dev-clean-2"]}


@pytest.fixture
def librispeech(tmp_path) -> Path:
    """LibriSpeech/SUBSET/SPEAKER/CHAPTER/: 2 speakers in train (one line without audio), 1 in dev."""
    root = tmp_path / "LibriSpeech"
    chapters = {"train-clean-5/19/198": {"19-198-0000": ("HELLO WORLD", 1.0), "19-198-0001": ("THE 2ND TIME", 1.5)},
                "train-clean-5/26/495": {"26-495-0000": ("GOOD NIGHT", 0.75), "26-495-0001": ("NO AUDIO", None)},
                "dev-clean-2/84/121": {"84-121-0000": ("DON'T STOP", 1.25)}}
    for chapter, utterances in chapters.items():
        folder = root / chapter
        for utt_id, (_, seconds) in utterances.items():
            if seconds:
                write_tone(folder / f"{utt_id}.flac", seconds)
        speaker, number = chapter.split("/")[1:]
        lines = [f"{utt_id} {text}\n" for utt_id, (text, _) in utterances.items()]
        (folder / f"{speaker}-{number}.trans.txt").write_text("".join(lines))
    return root


def test_import(librispeech, tmp_path):
    report = import_librispeech(librispeech, tmp_path / "out", SPLITS)
    train = manifest_lines(tmp_path / "out" / "train.jsonl")
    assert list(train) == ["19-198-0000", "19-198-0001", "26-495-0000"]
    audio = librispeech / "train-clean-5/19/198/19-198-0001.flac"
    assert train["19-198-0001"] == {"id": "19-198-0001", "audio": str(audio), "text": "the second time",
                                    "duration": 1.5, "speaker": "19"}
    assert train["26-495-0000"]["speaker"] == "26"
    assert manifest_lines(tmp_path / "out" / "dev.jsonl")["84-121-0000"]["text"] == "don't stop"
    stats = report.splits["train"]
    assert (stats.utterances, stats.seconds, stats.speakers, dict(stats.skipped)) == (3, 3.25, 2,
                                                                                       {"missing audio file": 1})
    assert report.splits["dev"].utterances == 1


def test_strict_names_the_transcript_line(librispeech, tmp_path):
    with pytest.raises(ValueError, match=r"495\.trans\.txt:2: missing audio file: .*26-495-0001\.flac does not exist"):
        import_librispeech(librispeech, tmp_path / "out", SPLITS, strict=True)


def test_round_trips_into_a_manifest_that_train_accepts(librispeech, tmp_path):
    import_librispeech(librispeech, tmp_path / "out", SPLITS)
    assert_train_accepts(tmp_path / "out", list(SPLITS))

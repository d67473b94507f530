import logging
from pathlib import Path

import pytest
from rich.console import Console

from asrbench.data.importers.summary import ImportReport, Skip, SplitBuilder, print_report, to_utterance
from tests.data.importers.conftest import manifest_lines, write_tone


@pytest.fixture
def audio(tmp_path) -> Path:
    return write_tone(tmp_path / "a.wav", 2.0)


def test_an_entry_becomes_a_normalised_utterance(audio):
    utt = to_utterance("u1", audio, "Hello, World 42!", speaker="s1")
    # a whole file has no offset
    assert (utt.id, utt.text, utt.speaker, utt.offset, utt.duration) == ("u1", "hello world forty two", "s1", None, 2.0)
    assert utt.audio == audio.resolve()
    segment = to_utterance("u2", audio, "hi", offset=0.5, duration=1.25)
    assert (segment.offset, segment.duration) == (0.5, 1.25)
    assert to_utterance("u3", audio, "hi", offset=0.5).duration == 1.5  # no duration: to the end of the file


def test_a_segment_may_overshoot_a_little_and_is_cut_at_the_end(audio):
    assert to_utterance("u", audio, "hi", offset=1.5, duration=0.9).duration == 0.5
    assert to_utterance("u", audio, "hi", offset=1.5, duration=1.2) == Skip(
        "segment outside the audio", f"segment 1.500-2.700 s of 'u' is not within {audio} (2.000 s)")


@pytest.mark.parametrize("name, content, reason", [
    ("missing.wav", None, "missing audio file"),
    ("notes.wav", b"not audio", "unreadable audio"),
    ("a.wav", b"", "empty transcript"),
])
def test_skip_reasons(audio, name, content, reason):
    path = audio.parent / name
    if content:
        path.write_bytes(content)
    result = to_utterance("u", path, "?!" if name == "a.wav" else "hi")
    assert isinstance(result, Skip) and result.reason == reason


def test_split_builder_counts_logs_and_writes(audio, tmp_path, caplog):
    split = SplitBuilder("train")
    split.add("src.tsv:2", "u1", audio, "one", "s1")
    split.add("src.tsv:3", "u1", audio, "again", "s1")
    split.add("src.tsv:4", "u2", tmp_path / "gone.wav", "two", "s2")
    with caplog.at_level(logging.DEBUG, logger="asrbench.data.importers"):
        split.add("src.tsv:5", "u3", audio, "...", "s2")
        split.add("src.tsv:6", "u4", audio, "four", "s2", offset=1.0)
    assert "skipping src.tsv:5: empty transcript" in caplog.text
    assert split.skipped == {"duplicate id": 1, "missing audio file": 1, "empty transcript": 1}
    report = split.write(tmp_path / "out")
    assert (report.utterances, report.seconds, report.speakers) == (2, 3.0, 2)
    assert report.hours == pytest.approx(3.0 / 3600)
    assert manifest_lines(report.manifest)["u4"]["offset"] == 1.0


def test_strict_raises_naming_source_line_and_problem(tmp_path):
    split = SplitBuilder("dev", strict=True)
    with pytest.raises(ValueError, match=r"^src\.tsv:7: missing audio file: .*gone\.wav does not exist \(strict=false"):
        split.add("src.tsv:7", "u", tmp_path / "gone.wav", "hi")


def test_a_split_with_nothing_left_is_an_error(tmp_path):
    split = SplitBuilder("test")
    split.add("x:1", "u", tmp_path / "gone.wav", "hi")
    with pytest.raises(ValueError, match=r"split 'test': no utterance to import \(1 missing audio file"):
        split.write(tmp_path)
    assert not (tmp_path / "test.jsonl").exists()


def test_print_report_shows_each_split_and_skip_reasons(audio, tmp_path):
    split = SplitBuilder("train")
    split.add("x:1", "u1", audio, "one", "s1")
    split.add("x:2", "u2", tmp_path / "gone.wav", "two", "s1")
    report = ImportReport(tmp_path, {"train": split.write(tmp_path)})
    console = Console(record=True, width=200)
    print_report(report, console)
    row = next(line for line in console.export_text().splitlines() if "train" in line and "jsonl" in line)
    assert [cell.strip() for cell in row.split("│")[1:6]] == ["train", "1", "0.00", "1", "1 missing audio file"]

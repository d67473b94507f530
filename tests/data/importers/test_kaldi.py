from pathlib import Path

import pytest

from asrbench.data.importers.kaldi import import_kaldi
from tests.data.importers.conftest import assert_train_accepts, manifest_lines, write_tone


def write_table(path: Path, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(line + "\n" for line in lines))


@pytest.fixture
def kaldi(tmp_path) -> Path:
    """``data/train``: segments of two recordings (one 8 kHz, listed by a relative path), 2 speakers, a pipe
    command, a segment past the end of its audio and a segment without transcript.
    ``data/dev``: no segments, no utt2spk; an ark: reference and a transcript without audio."""
    corpus = tmp_path / "corpus"
    rec1, d1 = write_tone(corpus / "rec1.wav", 3.0), write_tone(corpus / "d1.wav", 1.0)
    write_tone(corpus / "audio" / "rec2.flac", 2.0, sample_rate=8000)
    train, dev = corpus / "data" / "train", corpus / "data" / "dev"
    write_table(train / "wav.scp", [f"rec1 {rec1}", "rec2 audio/rec2.flac", f"rec3 sox {rec1} -t wav - |"])
    write_table(train / "segments", ["utt1 rec1 0.5 1.5", "utt2 rec1 1.5 2.75", "utt3 rec2 0.25 -1",
                                     "utt4 rec3 0.1 1.0", "utt5 rec1 2.5 4.0", "utt6 rec1 0.1 0.9"])
    write_table(train / "text", ["utt1 HELLO <UNK> WORLD", "utt2 [noise] GOOD MORNING", "utt3 ONE TWO",
                                 "utt4 A COMMAND", "utt5 TOO LONG"])
    write_table(train / "utt2spk", ["utt1 A", "utt2 A", "utt3 B", "utt4 B", "utt5 B", "utt6 B"])
    write_table(dev / "wav.scp", [f"d1 {d1}", "d2 /data/raw/feats.ark:123"])
    write_table(dev / "text", ["d1 GOOD NIGHT", "d2 ARK ENTRY", "d3 NOT IN WAV SCP"])
    return corpus


def splits(corpus: Path) -> dict[str, Path]:
    return {"train": corpus / "data" / "train", "dev": corpus / "data" / "dev"}


def test_import(kaldi, tmp_path):
    report = import_kaldi(tmp_path / "out", splits(kaldi), audio_root=kaldi)
    train = manifest_lines(tmp_path / "out" / "train.jsonl")
    assert train["utt1"] == {"id": "utt1", "audio": str(kaldi / "rec1.wav"), "text": "hello world", "duration": 1.0,
                             "speaker": "A", "offset": 0.5}
    assert [(r["offset"], r["duration"], r["text"], r["speaker"]) for r in train.values()] == [
        (0.5, 1.0, "hello world", "A"), (1.5, 1.25, "good morning", "A"), (0.25, 1.75, "one two", "B")]
    assert train["utt3"]["audio"] == str(kaldi / "audio" / "rec2.flac")
    stats = report.splits["train"]
    assert (stats.utterances, stats.seconds, stats.speakers) == (3, 4.0, 2)
    assert stats.skipped == {"wav.scp command": 1, "segment outside the audio": 1, "no transcript": 1}
    assert manifest_lines(tmp_path / "out" / "dev.jsonl") == {
        "d1": {"id": "d1", "audio": str(kaldi / "d1.wav"), "text": "good night", "duration": 1.0}}
    assert report.splits["dev"].skipped == {"wav.scp ark reference": 1, "no audio entry": 1}


def test_non_speech_tokens_can_be_kept(kaldi, tmp_path):
    import_kaldi(tmp_path / "out", splits(kaldi), audio_root=kaldi, non_speech=None)
    assert manifest_lines(tmp_path / "out" / "train.jsonl")["utt1"]["text"] == "hello unk world"


def test_strict_names_the_wav_scp_line_and_says_what_to_do(kaldi, tmp_path):
    with pytest.raises(ValueError, match=r"train/wav\.scp:3: wav\.scp command: 'sox .* -t wav - \|' is a command: "
                                         r"run it into an audio file"):
        import_kaldi(tmp_path / "out", splits(kaldi), strict=True, audio_root=kaldi)
    with pytest.raises(ValueError, match=r"dev/wav\.scp:2: wav\.scp ark reference: .* convert it to an audio file"):
        import_kaldi(tmp_path / "out", {"dev": kaldi / "data" / "dev"}, strict=True)


def test_not_a_data_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"wav\.scp not found: not a Kaldi data folder"):
        import_kaldi(tmp_path / "out", {"train": tmp_path})


def test_round_trips_into_a_manifest_that_train_accepts(kaldi, tmp_path):
    import_kaldi(tmp_path / "out", splits(kaldi), audio_root=kaldi)
    assert_train_accepts(tmp_path / "out", ["train", "dev"])


def test_a_segment_at_the_start_of_a_recording_loads_only_the_segment(kaldi, tmp_path):
    train = kaldi / "data" / "train"
    write_table(train / "segments", ["utt1 rec1 0.0 1.0"])
    write_table(train / "text", ["utt1 HELLO"])
    import_kaldi(tmp_path / "out", {"train": train}, audio_root=kaldi)
    assert_train_accepts(tmp_path / "out", ["train"])

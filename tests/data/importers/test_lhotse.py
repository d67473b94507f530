import sys
from pathlib import Path

import pytest

from asrbench.data.importers.lhotse import audio_file, import_lhotse
from asrbench.data.importers.summary import Skip
from tests.data.importers.conftest import assert_train_accepts, manifest_lines, write_tone

lhotse = pytest.importorskip("lhotse")
from lhotse import CutSet, MonoCut, Recording, RecordingSet, SupervisionSegment, SupervisionSet  # noqa: E402


def sup(sup_id: str, recording: Recording, start: float, duration: float, text: str, speaker: str):
    return SupervisionSegment(sup_id, recording.id, start, duration, text=text, speaker=speaker)


@pytest.fixture
def manifests(tmp_path) -> dict[str, Path]:
    """train: a CutSet (a windowed cut, a mixed cut, a cut without supervision, an empty transcript, a missing
    file); dev: a RecordingSet + SupervisionSet pair, one 8 kHz flac, 2 speakers in each."""
    r1 = Recording.from_file(write_tone(tmp_path / "audio" / "r1.wav", 3.0))
    r2 = Recording.from_file(write_tone(tmp_path / "audio" / "r2.flac", 2.0, sample_rate=8000))
    gone = Recording.from_file(write_tone(tmp_path / "audio" / "gone.wav", 1.0))
    (tmp_path / "audio" / "gone.wav").unlink()
    cuts = CutSet.from_cuts([
        MonoCut("c1", start=0.3, duration=1.5, channel=0, recording=r1,
                supervisions=[sup("s1", r1, 0.2, 0.8, "Hello world", "A"), sup("s2", r1, 1.0, 0.5, "", "A")]),
        MonoCut("c2", start=0.0, duration=2.0, channel=0, recording=r2,
                supervisions=[sup("s3", r2, 0.5, 1.25, "One, two.", "B")]),
        MonoCut("c3", start=0.0, duration=1.0, channel=0, recording=gone,
                supervisions=[sup("s4", gone, 0.0, 1.0, "gone", "B")]),
        MonoCut("c4", start=2.0, duration=1.0, channel=0, recording=r1),
    ])
    cuts = cuts + CutSet.from_cuts([cuts["c1"].append(cuts["c4"])])
    paths = {"cuts": tmp_path / "cuts_train.jsonl.gz", "recordings": tmp_path / "recordings_dev.jsonl.gz",
             "supervisions": tmp_path / "supervisions_dev.jsonl.gz"}
    cuts.to_file(paths["cuts"])
    RecordingSet.from_recordings([r1, r2]).to_file(paths["recordings"])
    SupervisionSet.from_segments([sup("d1", r1, 1.0, 1.5, "Good night", "C"), sup("d2", r2, 0.0, 2.0, "Yes", "D"),
                                  sup("d3", gone, 0.0, 1.0, "no recording", "D")]).to_file(paths["supervisions"])
    return paths


def splits(paths: dict[str, Path]) -> dict:
    return {"train": paths["cuts"], "dev": [paths["supervisions"], paths["recordings"]]}


def test_import(manifests, tmp_path):
    report = import_lhotse(tmp_path / "out", splits(manifests))
    train = manifest_lines(tmp_path / "out" / "train.jsonl")
    # offset = cut start + supervision start within the cut
    assert train["s1"] == {"id": "s1", "audio": str(tmp_path / "audio" / "r1.wav"), "text": "hello world",
                           "duration": 0.8, "speaker": "A", "offset": 0.5}
    assert train["s3"] == {"id": "s3", "audio": str(tmp_path / "audio" / "r2.flac"), "text": "one two",
                           "duration": 1.25, "speaker": "B", "offset": 0.5}
    assert list(train) == ["s1", "s3"]
    stats = report.splits["train"]
    assert (stats.utterances, stats.seconds, stats.speakers) == (2, 2.05, 2)
    assert stats.skipped == {"empty transcript": 1, "missing audio file": 1, "no supervision": 1,
                             "not a recording cut": 1}
    dev = manifest_lines(tmp_path / "out" / "dev.jsonl")
    assert [(r["id"], r.get("offset", 0), r["duration"], r["speaker"]) for r in dev.values()] == [
        ("d1", 1.0, 1.5, "C"), ("d2", 0, 2.0, "D")]
    assert report.splits["dev"].skipped == {"no audio entry": 1}


def test_strict_names_the_manifest_entry(manifests, tmp_path):
    with pytest.raises(ValueError, match=r"cuts_train\.jsonl\.gz:1: empty transcript: transcript '' of 's2'"):
        import_lhotse(tmp_path / "out", splits(manifests), strict=True)


def test_other_manifest_combinations_are_rejected(manifests, tmp_path):
    with pytest.raises(ValueError, match=r"split 'train': expected a CutSet manifest, or a RecordingSet and a "
                                         r"SupervisionSet manifest; got .*recordings_dev\.jsonl\.gz \(RecordingSet\)"):
        import_lhotse(tmp_path / "out", {"train": manifests["recordings"]})


def test_only_whole_single_file_audio_is_accepted(manifests):
    recording = lhotse.load_manifest(manifests["recordings"])["r1"]
    segment = sup("s", recording, 0.0, 1.0, "hi", "A")
    assert audio_file(recording, segment) == Path(recording.sources[0].source)
    url = Recording("r1", [lhotse.AudioSource("url", [0], "https://example.com/r1.wav")], 16000, 48000, 3.0)
    assert audio_file(url, segment).reason == "not one audio file"
    assert audio_file(recording.perturb_speed(1.1), segment).reason == "audio transforms"
    assert isinstance(audio_file(recording.resample(8000), segment), Path)
    stereo = Recording(recording.id, [lhotse.AudioSource("file", [0, 1], recording.sources[0].source)],
                       16000, 48000, 3.0)
    assert audio_file(stereo, segment) == Skip(
        "channel subset", "supervision 's' is on channel(s) [0] of recording 'r1' (channels [0, 1]), but asrbench "
        "reads all channels averaged to mono")
    segment.channel = [0, 1]
    assert isinstance(audio_file(stereo, segment), Path)


def test_round_trips_into_a_manifest_that_train_accepts(manifests, tmp_path):
    import_lhotse(tmp_path / "out", splits(manifests))
    assert_train_accepts(tmp_path / "out", ["train", "dev"])


def test_without_lhotse_the_error_says_how_to_install_it(manifests, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "lhotse", None)
    with pytest.raises(ImportError, match=r"pip install 'asrbench\[lhotse\]'"):
        import_lhotse(tmp_path / "out", splits(manifests))

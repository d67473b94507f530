"""Bad data never reaches the model: each case fails early naming the manifest line and the file,
or, with skip_bad, is skipped and counted."""

import json
import logging

import numpy as np
import pytest
import soundfile as sf

from asrbench.commands.train import run
from asrbench.data.datamodule import ASRDataModule, load_split
from asrbench.data.manifest import ManifestError
from asrbench.text.tokenizer import CharTokenizer, TokenizerError
from tests.conftest import compose, tone, write_manifest_lines


def manifest_with(audio_dir, bad_audio: str, name: str = "m.jsonl"):
    records = [{"id": "good", "audio": "a.wav", "text": "Hello there!", "duration": 1.0},
               {"id": "bad", "audio": bad_audio, "text": "broken", "duration": 1.0}]
    return write_manifest_lines(audio_dir / name, records)


@pytest.fixture
def broken_files(audio_dir):
    (audio_dir / "corrupt.wav").write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt garbage")
    (audio_dir / "notes.wav").write_text("not audio at all\n")
    sf.write(audio_dir / "empty.wav", np.zeros(0, dtype=np.float32), 16000)
    return audio_dir


@pytest.mark.parametrize("bad_audio, problem", [
    ("missing.wav", "does not exist"),
    ("corrupt.wav", "cannot be read as audio"),
    ("notes.wav", "cannot be read as audio"),
    ("empty.wav", r"is empty \(0 samples\)"),
])
def test_bad_audio_fails_naming_line_and_file(broken_files, bad_audio, problem):
    manifest = manifest_with(broken_files, bad_audio)
    with pytest.raises(ManifestError, match=rf"m\.jsonl:2 \(id 'bad'\): audio file .*{bad_audio} {problem}"):
        load_split(manifest)


def test_skip_bad_skips_and_counts(broken_files, caplog):
    records = [{"id": "good", "audio": "a.wav", "text": "hi", "duration": 1.0}]
    records += [{"id": f"bad{i}", "audio": name, "text": "x", "duration": 1.0}
                for i, name in enumerate(["missing.wav", "corrupt.wav", "notes.wav", "empty.wav"])]
    manifest = write_manifest_lines(broken_files / "m.jsonl", records)
    with caplog.at_level(logging.WARNING):
        kept = load_split(manifest, skip_bad=True)
    assert [u.id for u in kept] == ["good"]
    assert "skipped 4 of 5 utterances" in caplog.text


def test_train_skips_bad_test_lines_in_its_final_evaluation_and_latency_run(tiny_corpus, tmp_path):
    records = [json.loads(line) for line in (tiny_corpus / "test.jsonl").read_text().splitlines()]
    for record in records:
        record["audio"] = str(tiny_corpus / record["audio"])
    records.insert(1, {"id": "gone", "audio": str(tmp_path / "gone.flac"), "text": "lost", "duration": 1.0})
    manifest = write_manifest_lines(tmp_path / "test.jsonl", records)
    cfg = compose("train", [f"corpus.out_dir={tiny_corpus}", f"data.test_manifest={manifest}", "data.skip_bad=true",
                            "encoder=transformer_xs", "data.batch_seconds=8", "data.num_workers=0",
                            "trainer.max_epochs=1", "trainer.precision=32", "bench.warmup=0"])
    metrics = run(cfg, tmp_path / "run")
    assert metrics["utterances"] == len(records) - 1
    assert metrics["bench"]["utterances"] == len(records) - 1


def test_text_is_normalised_and_empty_after_normalisation_is_rejected(audio_dir):
    manifest = manifest_with(audio_dir, "b.wav")
    assert [u.text for u in load_split(manifest)] == ["hello there", "broken"]
    records = [{"id": "p", "audio": "a.wav", "text": "?!", "duration": 1.0}]
    with pytest.raises(ManifestError, match=r"m2\.jsonl:1: transcript of id 'p' is empty after normalisation"):
        load_split(write_manifest_lines(audio_dir / "m2.jsonl", records))


def test_too_long_training_utterances_are_skipped_and_counted(audio_dir, caplog):
    records = [{"id": n, "audio": f"{n}.wav", "text": "some words", "duration": d}
               for n, d in [("a", 1.0), ("b", 1.5), ("c", 2.0)]]
    manifest = write_manifest_lines(audio_dir / "m.jsonl", records)
    with caplog.at_level(logging.WARNING):
        kept = load_split(manifest, max_duration=1.6)
    assert [u.id for u in kept] == ["a", "b"] and "skipped 1 utterances outside [0.0, 1.6] s" in caplog.text


def test_characters_the_tokenizer_cannot_encode_fail_before_training(audio_dir):
    records = [{"id": "u", "audio": "a.wav", "text": "naïve café", "duration": 1.0}]
    manifest = write_manifest_lines(audio_dir / "m.jsonl", records)
    datamodule = ASRDataModule(manifest, manifest, manifest, normalize_text=False)
    datamodule.tokenizer = CharTokenizer.train(["plain ascii"])
    expected = r"m\.jsonl:1 \(id 'u'\): .*outside the tokenizer's alphabet: \['é', 'ï'\]"
    with pytest.raises(TokenizerError, match=expected):
        datamodule.setup("fit")
    datamodule = ASRDataModule(manifest, manifest, manifest)  # the default normaliser folds them instead
    datamodule.tokenizer = CharTokenizer.train(["plain ascii"])
    datamodule.setup("fit")
    assert datamodule.split("train")[0].text == "naive cafe"


def test_stereo_and_other_rates_are_accepted(audio_dir):
    sf.write(audio_dir / "stereo.wav", np.stack([tone(1.0), tone(1.0)], axis=1), 16000)
    sf.write(audio_dir / "narrow.wav", tone(1.0, 8000), 8000)
    sf.write(audio_dir / "cd.flac", tone(1.0, 44100), 44100)
    records = [{"id": n, "audio": f"{n}", "text": "ok", "duration": 1.0}
               for n in ["stereo.wav", "narrow.wav", "cd.flac"]]
    manifest = write_manifest_lines(audio_dir / "m.jsonl", records)
    datamodule = ASRDataModule(manifest, manifest, manifest, num_workers=0)
    dataset = datamodule._loader("dev", shuffle=False).dataset
    for i in range(3):
        assert dataset[i]["audio"].shape == (16000,)


def test_manifest_line_missing_a_field(audio_dir):
    path = audio_dir / "m.jsonl"
    path.write_text(json.dumps({"id": "x", "audio": "a.wav", "text": "hi"}) + "\n")
    with pytest.raises(ManifestError, match=r"m\.jsonl:1: missing field\(s\) duration"):
        load_split(path)

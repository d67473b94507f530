import json
import shutil
from pathlib import Path

import pytest
import soundfile as sf
import torch
import torchaudio

from asrbench.data import synth
from asrbench.data.manifest import read_manifest
from asrbench.data.sentences import Sentence, make_sentence
from asrbench.text.normalizer import ALPHABET

pytestmark = pytest.mark.skipif(
    shutil.which("espeak-ng") is None or shutil.which("flite") is None,
    reason="needs espeak-ng and flite (apt-get install espeak-ng flite)",
)

SIZES = {"n_train": 6, "n_dev": 2, "n_test": 3}
SUBJECTS = ["The old dog", "A quiet child", "My neighbor", "The farmer", "Every teacher", "The doctor"]
PLACES = ["down to the river", "into the garden", "across the bridge", "around the market", "over the hill"]


@pytest.fixture(scope="module")
def fortune_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("fortunes")
    lines = [f"{who} walked {where} after {n} days." for who in SUBJECTS for where in PLACES for n in (2, 9)]
    (folder / "walks").write_text("\n%\n".join(lines) + "\n")
    return folder


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, fortune_dir) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    synth.build_corpus(out, **SIZES, seed=3, workers=2, fortune_dir=fortune_dir)
    return out


def _split(corpus: Path, split: str):
    return read_manifest(corpus / f"{split}.jsonl")


def test_manifests_and_audio(corpus):
    for split, size in zip(synth.SPLITS, SIZES.values(), strict=True):
        utterances = _split(corpus, split)
        assert len(utterances) == size
        for utt in utterances:
            assert utt.audio == corpus / "audio" / split / f"{utt.id}.flac"
            info = sf.info(str(utt.audio))
            assert (info.samplerate, info.channels) == (16000, 1)
            assert utt.duration == pytest.approx(info.duration, abs=1e-3) and utt.duration > 0.5
            assert set(utt.text) <= ALPHABET and utt.speaker.split(":")[0] in ("espeak", "flite")
    assert not list(corpus.glob("audio/*/*.*.*"))  # no temp files left


def test_test_split_is_held_out(corpus):
    train, dev, test = (_split(corpus, split) for split in synth.SPLITS)
    pools = synth.voice_pools()
    assert not set(pools["test"]) & set(pools["train"])
    assert {u.speaker for u in train + dev} <= set(pools["train"])
    assert {u.speaker for u in test} <= set(pools["test"])
    assert not {u.text for u in test} & {u.text for u in train + dev}
    assert not {u.text for u in dev} & {u.text for u in train}


def test_lm_text_has_no_dev_or_test_sentence(corpus):
    lm_lines = set((corpus / "lm_text.txt").read_text().splitlines())
    assert {u.text for u in _split(corpus, "train")} <= lm_lines
    assert not lm_lines & {u.text for split in ("dev", "test") for u in _split(corpus, split)}
    assert len(lm_lines) == 60 - SIZES["n_dev"] - SIZES["n_test"]


def test_corpus_json(corpus):
    info = json.loads((corpus / "corpus.json").read_text())
    assert info["complete"] and info["params"]["seed"] == 3
    assert set(info["hours"]) == set(synth.SPLITS) and info["hours"]["train"] > 0
    assert "flite" in info["tools"]["flite"]


def test_same_seed_same_corpus(corpus, fortune_dir, tmp_path):
    synth.build_corpus(tmp_path, **SIZES, seed=3, workers=1, fortune_dir=fortune_dir)
    for split in synth.SPLITS:
        assert (tmp_path / f"{split}.jsonl").read_text() == (corpus / f"{split}.jsonl").read_text()


def test_cached_and_resumed(corpus, fortune_dir, tmp_path):
    out = tmp_path / "copy"
    shutil.copytree(corpus, out)
    mtimes = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    synth.build_corpus(out, **SIZES, seed=3, workers=2, fortune_dir=fortune_dir)
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == mtimes

    # an interrupted build: one file and the manifests are missing; only that file is synthesized again
    lost = out / "audio" / "train" / "train_000001.flac"
    lost.unlink()
    for split in synth.SPLITS:
        (out / f"{split}.jsonl").unlink()
    synth.build_corpus(out, **SIZES, seed=3, workers=2, fortune_dir=fortune_dir)
    assert lost.is_file()
    kept = [p for p in out.glob("audio/*/*.flac") if p != lost]
    assert all(p.stat().st_mtime_ns == mtimes[p] for p in kept)
    assert (out / "train.jsonl").read_text() == (corpus / "train.jsonl").read_text()


def test_other_parameters_rebuild(corpus, fortune_dir, tmp_path):
    out = tmp_path / "copy"
    shutil.copytree(corpus, out)
    synth.build_corpus(out, n_train=4, n_dev=2, n_test=3, seed=4, fortune_dir=fortune_dir)
    assert len(_split(out, "train")) == 4 and len(list(out.glob("audio/train/*.flac"))) == 4
    assert json.loads((out / "corpus.json").read_text())["params"]["seed"] == 4


def test_another_training_size_keeps_the_audio(corpus, fortune_dir, tmp_path):
    out = tmp_path / "copy"
    shutil.copytree(corpus, out)
    mtimes = {p: p.stat().st_mtime_ns for p in out.glob("audio/*/*.flac")}
    synth.build_corpus(out, n_train=8, n_dev=2, n_test=3, seed=3, fortune_dir=fortune_dir)
    assert all(p.stat().st_mtime_ns == mtime for p, mtime in mtimes.items())
    grown = (out / "train.jsonl").read_text().splitlines()
    assert len(grown) == 8 and grown[:6] == (corpus / "train.jsonl").read_text().splitlines()
    synth.build_corpus(out, n_train=3, n_dev=2, n_test=3, seed=3, fortune_dir=fortune_dir)
    assert (out / "train.jsonl").read_text().splitlines() == grown[:3]


FESTIVAL = pytest.mark.skipif(shutil.which("text2wave") is None, reason="needs festival (apt-get install festival)")


@pytest.mark.parametrize("voice", [
    "espeak:en-gb-scotland+f3", "flite:kal", "flite:slt",
    pytest.param("festival:ked_diphone", marks=FESTIVAL),
    pytest.param("festival:cmu_us_slt_arctic_hts", marks=FESTIVAL),
])
def test_synthesize_one_voice(voice, tmp_path):
    rate, pitch = (170, 40) if voice.startswith("espeak") else (1.1, 0.9)
    job = synth.Job("train", "x", make_sentence("Hello there, how are you today?"), voice, rate, pitch)
    synth.synthesize(job, tmp_path / "x.flac")
    audio, rate = sf.read(str(tmp_path / "x.flac"))
    assert rate == 16000 and audio.ndim == 1 and 0.8 < len(audio) / rate < 4 and abs(audio).max() > 0.05


def test_warp_scales_pitch_and_keeps_the_duration(tmp_path):
    sentence = make_sentence("Hello there, how are you today? I am fine, thank you.")
    durations, pitches = {}, {}
    for factor in (0.8, 1.0, 1.25):
        path = tmp_path / f"{factor}.flac"
        synth.synthesize(synth.Job("train", "x", sentence, "flite:slt", 1.0, 1.0, factor), path)
        audio, rate = sf.read(str(path), dtype="float32")
        durations[factor] = len(audio) / rate
        pitches[factor] = float(torchaudio.functional.detect_pitch_frequency(torch.from_numpy(audio), rate).median())
    # the flite stretch compensates the warp's change of tempo; pitch moves by the factor
    assert durations[0.8] == pytest.approx(durations[1.0], rel=0.05) == durations[1.25]
    assert pitches[0.8] / pitches[1.0] == pytest.approx(0.8, rel=0.08)
    assert pitches[1.25] / pitches[1.0] == pytest.approx(1.25, rel=0.08)


def test_warp_and_festival_leave_the_test_split_alone():
    sentences = [Sentence(f"Sentence number {i}.", f"sentence number {i}", "") for i in range(300)]
    sizes = {"train": 200, "dev": 20, "test": 50}
    pools = synth.partition_sentences(sentences, 20, 50, seed=1)
    plain = synth.plan_corpus(pools, sizes, seed=1)
    varied = synth.plan_corpus(pools, sizes, seed=1, festival=True, warp=(0.8, 1.2))
    assert varied["test"] == plain["test"]
    engines = {job.voice.split(":")[0] for job in varied["train"]}
    assert engines == {"espeak", "flite", "festival"}
    for job in varied["train"] + varied["dev"]:
        assert job.warp == 1.0 if job.voice.startswith("espeak") else 0.8 <= job.warp <= 1.2
    assert len({job.warp for job in varied["train"]}) > 10
    # the espeak utterances of a corpus do not change when only the warp is added
    warped = synth.plan_corpus(pools, sizes, seed=1, warp=(0.8, 1.2))
    assert [j for j in warped["train"] if j.warp == 1.0] == [j for j in plain["train"] if j.voice.startswith("espeak")]


def test_bad_warp_is_refused(fortune_dir, tmp_path):
    with pytest.raises(ValueError, match="corpus.warp"):
        synth.build_corpus(tmp_path, 3, 2, 3, fortune_dir=fortune_dir, warp=(1.2, 0.8))


def test_too_many_utterances(fortune_dir, tmp_path):
    with pytest.raises(ValueError, match="train asks for 100 utterances"):
        synth.build_corpus(tmp_path, 100, 2, 3, fortune_dir=fortune_dir)


def test_missing_engine_names_the_package(monkeypatch, tmp_path):
    monkeypatch.setattr(synth.shutil, "which", lambda tool: None if tool == "flite" else "/usr/bin/" + tool)
    with pytest.raises(RuntimeError, match="apt-get install flite"):
        synth.build_corpus(tmp_path, 1, 1, 1)


def test_plan_is_seeded():
    sentences = [Sentence(f"Sentence number {i}.", f"sentence number {i}", "") for i in range(40)]
    sizes = {"train": 20, "dev": 5, "test": 5}
    first = synth.plan_corpus(synth.partition_sentences(sentences, 5, 5, seed=1), sizes, seed=1)
    again = synth.plan_corpus(synth.partition_sentences(sentences, 5, 5, seed=1), sizes, seed=1)
    other = synth.plan_corpus(synth.partition_sentences(sentences, 5, 5, seed=2), sizes, seed=2)
    assert first == again and first != other
    for job in first["train"]:
        low, high = synth.ESPEAK_RATE if job.voice.startswith("espeak") else synth.FLITE_STRETCH
        assert low <= job.rate <= high


def test_festival_without_festival_names_the_packages(monkeypatch, fortune_dir, tmp_path):
    monkeypatch.setattr(synth.shutil, "which", lambda tool: None if tool == "text2wave" else "/usr/bin/" + tool)
    with pytest.raises(RuntimeError, match="apt-get install festival festvox-kdlpc16k festvox-us-slt-hts"):
        synth.build_corpus(tmp_path, 3, 2, 3, fortune_dir=fortune_dir, festival=True)

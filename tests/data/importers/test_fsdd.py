"""FSDD (real recorded digits, ../shared/data/fsdd): the speaker-independent split and `data=fsdd`."""

import pytest

from asrbench.commands.train import ensure_corpus
from asrbench.data.datamodule import load_split
from asrbench.data.importers.fsdd import prepare_fsdd
from asrbench.data.manifest import read_manifest
from tests.conftest import compose


@pytest.mark.parametrize("test_speaker", ["theo", "lucas"])
def test_the_held_out_speaker_is_the_whole_test_set_and_nowhere_else(fsdd, tmp_path, test_speaker):
    manifests = prepare_fsdd(fsdd, tmp_path, test_speaker=test_speaker, dev_takes=5, lm_fortunes=False)
    splits = {name: read_manifest(path) for name, path in manifests.items()}
    speakers = {name: {u.speaker for u in utts} for name, utts in splits.items()}
    assert speakers["test"] == {test_speaker}
    assert test_speaker not in speakers["train"] | speakers["dev"] and speakers["train"] == speakers["dev"]
    assert [len(splits[n]) for n in ("train", "dev", "test")] == [2250, 250, 500]  # 5 x 450, 5 x 50, 500
    assert {u.id.rsplit("_", 1)[1] for u in splits["dev"]} == {"0", "1", "2", "3", "4"}
    assert all(u.audio.is_file() and u.audio.is_relative_to(fsdd.resolve()) for u in splits["test"])
    lm_text = (tmp_path / "lm_text.txt").read_text().split("\n")[:-1]
    assert sorted(set(lm_text)) == sorted({u.text for u in splits["train"]})


def test_unknown_test_speaker_lists_the_speakers(fsdd, tmp_path):
    with pytest.raises(ValueError, match=r"'nobody' is not an FSDD speaker; choose from \['george'"):
        prepare_fsdd(fsdd, tmp_path, test_speaker="nobody")


def test_missing_root_says_what_to_point_at(tmp_path):
    with pytest.raises(FileNotFoundError, match="point corpus.root at the FSDD folder"):
        prepare_fsdd(tmp_path / "nowhere", tmp_path / "out")


def test_data_fsdd_selects_the_corpus_and_train_writes_its_manifests(fsdd, tmp_path):
    cfg = compose("train", ["data=fsdd", f"corpus.root={fsdd}", f"corpus.out_dir={tmp_path}/fsdd",
                            "corpus.test_speaker=nicolas"])
    assert cfg.corpus._target_.endswith("prepare_fsdd") and cfg.data.test_manifest == f"{tmp_path}/fsdd/test.jsonl"
    ensure_corpus(cfg)
    test = load_split(cfg.data.test_manifest)
    assert len(test) == 500 and {u.speaker for u in test} == {"nicolas"}
    assert {u.text for u in test} == {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}

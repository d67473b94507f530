"""The command line as a user meets it: help, and Hydra's errors for bad options (in a subprocess)."""

import subprocess
import sys


def asrbench(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "asrbench", *args], capture_output=True, text=True, timeout=300)


def test_help_lists_every_command_with_one_line():
    out = asrbench("--help")
    assert out.returncode == 0
    for command in ("train", "eval", "data", "transcribe", "bench", "compare", "report", "whisper", "lm",
                    "ngram"):
        assert f"\n  {command} " in out.stdout


def test_unknown_command_is_named():
    out = asrbench("trian")
    assert out.returncode != 0 and "unknown command 'trian'" in out.stderr


def test_unknown_group_option_lists_the_valid_ones():
    out = asrbench("train", "model=transducer", "--cfg", "job")
    assert out.returncode != 0
    assert "Could not find 'model/transducer'" in out.stderr
    assert "Available options in 'model':" in out.stderr and "\tctc\n" in out.stderr and "\taed\n" in out.stderr


def test_misspelled_key_is_named_not_a_traceback():
    out = asrbench("train", "trainer.max_epoch=3", "--cfg", "job")
    assert out.returncode != 0
    assert "Key 'max_epoch' is not in struct" in out.stderr and "full_key: trainer.max_epoch" in out.stderr
    assert "Traceback" not in out.stderr


def test_train_help_shows_config_groups():
    out = asrbench("train", "--help")
    assert out.returncode == 0
    for group in ("model: aed, ctc", "encoder:", "frontend:", "data:", "tokenizer:", "trainer:"):
        assert group in out.stdout


def test_override_values_with_equals_signs_are_quoted_for_hydra():
    out = asrbench("train", "model=ctc", "hydra.run.dir=runs/sweep/model=aed,seed=1", "--cfg", "hydra")
    assert out.returncode == 0, out.stderr
    assert "dir: runs/sweep/model=aed,seed=1" in out.stdout


def test_quote_values_leaves_other_arguments_alone(tmp_path, monkeypatch):
    from asrbench.commands.paths import quote_values

    monkeypatch.chdir(tmp_path)
    (tmp_path / "out=1=2").mkdir()  # a bare path (transcribe, bench, report take them) stays a path
    args = ["model=ctc,aed", "+x=a=b", "y='c=d'", "z=[e=f]", "out=1=2", "-m", "--cfg"]
    assert quote_values(args) == ["model=ctc,aed", "+x='a=b'", "y='c=d'", "z=[e=f]", "out=1=2", "-m", "--cfg"]

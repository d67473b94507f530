"""``python -m asrbench ngram`` as a user runs it (in a subprocess)."""

import subprocess
import sys

import pytest

from asrbench.models.lm import ngram
from asrbench.models.lm.ngram import arpa_counts


def asrbench_ngram(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "asrbench", "ngram", *args], capture_output=True, text=True,
                          timeout=120)


@pytest.mark.skipif(not ngram.irstlm_installed(), reason="IRSTLM is needed (apt-get install irstlm)")
def test_writes_the_arpa_lm_it_reports(tmp_path):
    (tmp_path / "text.txt").write_text("the cat sat\n\nthe mat sat\n")
    out = asrbench_ngram(f"text={tmp_path / 'text.txt'}", "order=2", f"output={tmp_path / 'lm' / 'two.arpa'}")
    assert out.returncode == 0, out.stderr
    assert arpa_counts(tmp_path / "lm" / "two.arpa") == {1: 7, 2: 7}  # <s> <s>, <s> the, the cat/mat, ...
    assert "7 2-grams" in out.stdout
    for option in ("decoding.lexicon.lm", "decoding.ngram.lm"):  # the eval hints name it
        assert f"{option}={tmp_path / 'lm' / 'two.arpa'}" in out.stdout


def test_missing_text_is_named_without_a_traceback(tmp_path):
    out = asrbench_ngram(f"text={tmp_path / 'missing.txt'}", f"output={tmp_path / 'lm.arpa'}")
    assert out.returncode != 0
    assert "missing.txt does not exist" in out.stderr and "Traceback" not in out.stderr

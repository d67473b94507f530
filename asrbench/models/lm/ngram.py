"""Word n-gram LMs in ARPA format, estimated by IRSTLM (the Debian package ``irstlm``).

The ARPA file is what ``decoding.lexicon.lm`` takes: torchaudio's flashlight decoder loads it with KenLM
and scores every word as the CTC search extends a hypothesis. KenLM's own estimator (lmplz) has no
PyPI or Debian build; IRSTLM's ``build-lm.sh`` + ``compile-lm`` estimate the same kind of smoothed
back-off model offline.
"""

import os
import subprocess
import tempfile
from pathlib import Path

IRSTLM_HOME = Path(os.environ.get("IRSTLM", "/usr/lib/irstlm"))
SMOOTHING = ("witten-bell", "shift-beta", "improved-shift-beta", "stupid-backoff")


def irstlm_installed() -> bool:
    folder = IRSTLM_HOME / "bin"
    return (folder / "build-lm.sh").is_file() and (folder / "compile-lm").is_file()


def irstlm_bin() -> Path:
    """The folder of IRSTLM's tools; a clear error when the Debian package is missing."""
    if not irstlm_installed():
        raise FileNotFoundError(f"IRSTLM not found in {IRSTLM_HOME / 'bin'} (build-lm.sh, compile-lm): "
                                "apt-get install irstlm, or set IRSTLM to its install prefix")
    return IRSTLM_HOME / "bin"


def build_arpa(sentences: list[str], output: str | Path, order: int = 3,
               smoothing: str = "improved-shift-beta") -> Path:
    """Estimate an ``order``-gram LM over ``sentences`` (one sentence each, words split by spaces) into
    the ARPA file ``output``. Sentence starts and ends are modelled (``<s>``, ``</s>``), n-grams never
    cross sentences, and words outside the text map to ``<unk>``."""
    if smoothing not in SMOOTHING:
        raise ValueError(f"ngram smoothing must be one of {SMOOTHING}, got {smoothing!r}")
    if order < 1:
        raise ValueError(f"ngram order must be >= 1, got {order}")
    lines = [" ".join(s.split()) for s in sentences if s.strip()]
    if not lines:
        raise ValueError("no text to estimate an n-gram LM from")
    tools = irstlm_bin()
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "IRSTLM": str(tools.parent), "PATH": f"{tools}{os.pathsep}{os.environ.get('PATH', '')}"}
    with tempfile.TemporaryDirectory(prefix="asrbench-ngram-") as work:
        text, counts = Path(work) / "text", Path(work) / "lm.ilm.gz"
        text.write_text("".join(f"<s> {line} </s>\n" for line in lines), encoding="utf-8")
        # -k 1: one dictionary split (the splits only parallelise huge texts); build-lm.sh wants its own tmp dir.
        run([str(tools / "build-lm.sh"), "-i", f"cat {text}", "-n", str(order), "-s", smoothing,
             "-k", "1", "-t", str(Path(work) / "stat"), "-o", str(counts)], env)
        partial = output.with_name(output.name + ".partial")  # a failed build never leaves a truncated LM
        try:
            run([str(tools / "compile-lm"), str(counts), "--text=yes", str(partial)], env)
            partial.replace(output)
        finally:
            partial.unlink(missing_ok=True)
    return output


def run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise RuntimeError(f"{Path(command[0]).name} failed (exit {done.returncode}): " + " | ".join(tail))


def arpa_counts(path: str | Path) -> dict[int, int]:
    """The n-gram counts of an ARPA file's ``\\data\\`` header: {order: number of n-grams}."""
    counts = {}
    with open(path, encoding="utf-8", errors="replace") as f:  # a binary KenLM file gets the error below
        for line in f:
            if line.startswith("ngram "):
                order, number = line[len("ngram "):].split("=")
                counts[int(order)] = int(number)
            elif line.startswith("\\1-grams:"):
                break
    if not counts:
        raise ValueError(f"{path} is not an ARPA file (no \\data\\ header)")
    return counts


def arpa_vocabulary(path: str | Path) -> list[str]:
    """The words of an ARPA file (its 1-grams, ``<s>``, ``</s>`` and ``<unk>`` included), in file order."""
    arpa_counts(path)  # the header check
    words, in_unigrams = [], False
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("\\1-grams:"):
                in_unigrams = True
            elif in_unigrams:
                if line.startswith("\\"):
                    break
                fields = line.split()  # log10 P, word, optional back-off weight
                if len(fields) >= 2:
                    words.append(fields[1])
    return words

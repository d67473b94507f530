import pytest

from asrbench.models.lm import ngram
from asrbench.models.lm.ngram import arpa_counts, arpa_vocabulary, build_arpa

TEXT = ["the cat sat", "the mat sat", "a cat sat on the mat", "the cat sat"]

needs_irstlm = pytest.mark.skipif(not ngram.irstlm_installed(), reason="IRSTLM is needed (apt-get install irstlm)")


def read_arpa(path) -> dict[tuple[str, ...], tuple[float, float]]:
    """n-gram -> (log10 prob, log10 back-off weight), straight from the ARPA text."""
    grams, order = {}, 0
    for line in path.read_text().splitlines():
        if line.endswith("-grams:"):
            order = int(line[1:].split("-")[0])
        elif order and line.strip() and not line.startswith("\\"):
            fields = line.split("\t")
            words = tuple(fields[1].split())
            assert len(words) == order, line
            grams[words] = (float(fields[0]), float(fields[2]) if len(fields) > 2 else 0.0)
    return grams


def log10_prob(grams, word: str, history: tuple[str, ...]) -> float:
    """Back-off estimate of log10 P(word | history), the ARPA semantics KenLM implements."""
    if (*history, word) in grams:
        return grams[(*history, word)][0]
    backoff = grams[history][1] if history in grams else 0.0
    return backoff + log10_prob(grams, word, history[1:])


@needs_irstlm
@pytest.mark.parametrize("smoothing", ["improved-shift-beta", "witten-bell"])
def test_each_history_gets_a_distribution_over_the_next_word(tmp_path, smoothing):
    grams = read_arpa(build_arpa(TEXT, tmp_path / "lm.arpa", order=3, smoothing=smoothing))
    # IRSTLM counts the text as one stream that starts with a padding "<s>", so "<s> <s>" gets a count
    # (once per text: negligible on real text) and "<s>" is part of the distribution.
    vocabulary = [w for (w,) in (g for g in grams if len(g) == 1)]
    for history in [("<s>",), ("<s>", "the"), ("the", "cat"), ("cat", "sat"), ("on", "the"), ("sat", "the")]:
        total = sum(10 ** log10_prob(grams, w, history) for w in vocabulary)
        assert total == pytest.approx(1.0, abs=1e-3), history
    # Seen continuations beat unseen ones.
    assert log10_prob(grams, "sat", ("the", "cat")) > log10_prob(grams, "on", ("the", "cat"))


@needs_irstlm
def test_counts_are_the_distinct_ngrams_of_the_text_within_sentences(tmp_path):
    path = build_arpa(TEXT, tmp_path / "lm.arpa", order=2)
    sentences = [["<s>", *s.split(), "</s>"] for s in TEXT]
    words = {w for s in sentences for w in s}
    bigrams = {tuple(s[i:i + 2]) for s in sentences for i in range(len(s) - 1)}
    bigrams.add(("<s>", "<s>"))  # the stream's padding, see above
    assert arpa_counts(path) == {1: len(words | {"<unk>"}), 2: len(bigrams)}
    assert sorted(arpa_vocabulary(path)) == sorted(words | {"<unk>"})
    assert {g for g in read_arpa(path) if len(g) == 2} == bigrams  # none across sentences ("</s> <s>")
    assert not (tmp_path / "lm.arpa.partial").exists()


def test_a_missing_irstlm_is_named(tmp_path, monkeypatch):
    monkeypatch.setattr(ngram, "IRSTLM_HOME", tmp_path)
    with pytest.raises(FileNotFoundError, match="apt-get install irstlm"):
        build_arpa(TEXT, tmp_path / "lm.arpa")


@pytest.mark.parametrize(("kwargs", "message"), [({"smoothing": "kneser"}, "smoothing must be one of"),
                                                  ({"order": 0}, "order must be >= 1")])
def test_bad_settings_are_named(tmp_path, kwargs, message):
    with pytest.raises(ValueError, match=message):
        build_arpa(TEXT, tmp_path / "lm.arpa", **kwargs)


def test_empty_text_is_refused(tmp_path):
    with pytest.raises(ValueError, match="no text"):
        build_arpa(["", "  "], tmp_path / "lm.arpa")


def test_a_failed_build_keeps_the_previous_lm_and_leaves_no_partial_file(tmp_path, monkeypatch):
    def compile_lm_dies_midway(command: list[str], env: dict) -> None:
        if command[0].endswith("compile-lm"):
            (tmp_path / "lm.arpa.partial").write_text("\\data\\\nngram 1=")
            raise RuntimeError("compile-lm failed (exit 1)")

    monkeypatch.setattr(ngram, "irstlm_bin", lambda: tmp_path / "bin")
    monkeypatch.setattr(ngram, "run", compile_lm_dies_midway)
    (tmp_path / "lm.arpa").write_text("previous")
    with pytest.raises(RuntimeError, match="compile-lm failed"):
        build_arpa(TEXT, tmp_path / "lm.arpa")
    assert (tmp_path / "lm.arpa").read_text() == "previous"
    assert not (tmp_path / "lm.arpa.partial").exists()

from pathlib import Path

import pytest

from asrbench.text.tokenizer import SentencePieceTokenizer


@pytest.fixture(scope="module")
def tokenizer() -> SentencePieceTokenizer:
    # Pieces: ▁the ▁mat ▁cat ▁s at (and the single characters).
    return SentencePieceTokenizer.train(["the mat sat the cat"] * 20, vocab_size=40, model_type="bpe")


@pytest.fixture
def bigram_arpa(tmp_path) -> Path:
    """A bigram over "the mat sat" in which, after "the", "sat" is ten times likelier than "mat"."""
    path = tmp_path / "lm.arpa"
    path.write_text(
        "\\data\\\nngram 1=6\nngram 2=3\n\n\\1-grams:\n-1.0\t<s>\t-0.3\n-1.0\t</s>\n-3.0\t<unk>\n"
        "-0.7\tthe\t-0.3\n-2.0\tmat\n-2.0\tsat\n\n\\2-grams:\n-0.1\t<s> the\n-0.3\tthe sat\n-1.3\tthe mat\n"
        "\n\\end\\\n")
    return path

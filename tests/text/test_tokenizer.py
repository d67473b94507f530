import pytest

from asrbench.text.tokenizer import (
    CharTokenizer,
    SentencePieceTokenizer,
    TokenizerError,
    load_or_train_tokenizer,
    tokenizer_from_tensor,
)

TEXTS = ["the cat sat on the mat", "a dog ate the cat's dinner", "hello world again and again"] * 20


@pytest.mark.parametrize("tokenizer", [SentencePieceTokenizer.train(TEXTS, vocab_size=40),
                                       CharTokenizer.train(TEXTS)])
def test_roundtrip_and_serialisation(tokenizer):
    ids = tokenizer.encode("the dog sat again")
    assert min(ids) >= 3 and tokenizer.decode(ids) == "the dog sat again"
    clone = tokenizer_from_tensor(tokenizer.to_tensor())
    assert clone.encode("the dog sat again") == ids and clone.vocab_size == tokenizer.vocab_size


@pytest.mark.parametrize("tokenizer", [SentencePieceTokenizer.train(TEXTS, vocab_size=40),
                                       CharTokenizer.train(TEXTS)])
def test_unknown_characters_are_a_clear_error(tokenizer):
    assert tokenizer.decode(tokenizer.encode("quiz")) == "quiz"  # the whole alphabet is always covered
    with pytest.raises(TokenizerError, match=r"outside the tokenizer's alphabet: \['!', 'é'\]"):
        tokenizer.encode("café!")


def test_cache_is_keyed_by_texts(tmp_path):
    first = load_or_train_tokenizer(TEXTS, tmp_path, vocab_size=40)
    again = load_or_train_tokenizer(TEXTS, tmp_path, vocab_size=40)
    assert len(list(tmp_path.iterdir())) == 1 and again.encode("the cat") == first.encode("the cat")
    load_or_train_tokenizer(TEXTS[:30], tmp_path, vocab_size=40)
    assert len(list(tmp_path.iterdir())) == 2

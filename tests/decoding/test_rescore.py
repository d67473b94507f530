import math

import pytest
import torch

from asrbench.decoding.rescore import GPTRescorer
from asrbench.models.lm.gpt import read_gpt
from asrbench.models.lm.load import load_lm
from asrbench.text.tokenizer import tokenizer_from_tensor
from tests.models.lm.factories import tiny_gpt


@pytest.fixture(scope="module")
def lm_path(tmp_path_factory):
    return tiny_gpt(tmp_path_factory.mktemp("lm") / "gpt.ckpt")


def one_by_one(path, sentence: str) -> float:
    """log P(<s> sentence </s>) from one unpadded sequence, summing each next-token log-probability."""
    lm, tokenizer = load_lm("gpt", path)
    lm.eval()
    ids = [tokenizer.bos_id, *tokenizer.encode(sentence), tokenizer.eos_id]
    total = 0.0
    with torch.no_grad():
        for t in range(1, len(ids)):
            prefix = torch.tensor([ids[:t]])
            logits, _ = lm(lm.embed(prefix), torch.ones_like(prefix, dtype=torch.bool))
            total += float(logits[0, -1].log_softmax(-1)[ids[t]])
    return total


def test_batched_padded_scores_equal_one_sequence_at_a_time(lm_path):
    sentences = ["the cat sat on the mat", "a dog", "we like to read good books today"]
    rescorer = GPTRescorer(str(lm_path), batch_size=2)  # a padded batch and a batch of one
    for sentence, score in zip(sentences, rescorer.log_probs(sentences), strict=True):
        assert score == pytest.approx(one_by_one(lm_path, sentence), abs=1e-4)


def test_best_adds_weighted_lm_and_word_bonus_to_the_acoustic_score(lm_path):
    sentences = ["the cat sat on the mat", "the cat sat on the", "a dog ran in the park"]
    acoustic = [-10.0, -9.0, -12.0]
    rescorer = GPTRescorer(str(lm_path), weight=0.7, word_bonus=0.4)
    lm = rescorer.log_probs(sentences)
    expected = max(range(3), key=lambda i: acoustic[i] + 0.7 * lm[i] + 0.4 * len(sentences[i].split()))
    assert rescorer.best(sentences, acoustic) == expected
    rescorer.weight, rescorer.word_bonus = 0.0, 0.0
    assert rescorer.best(sentences, acoustic) == 1  # the acoustic score alone


def test_a_sentence_the_lm_cannot_spell_scores_minus_infinity(lm_path):
    assert GPTRescorer(str(lm_path)).log_probs(["the cat", "the ç"])[1] == -math.inf


def test_a_missing_checkpoint_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="rescorer.checkpoint: no LM checkpoint at .*gpt.ckpt"):
        GPTRescorer(str(tmp_path / "gpt.ckpt"))


class PickLast:
    def best(self, sentences, acoustic_scores) -> int:
        return len(sentences) - 1


def test_the_lexicon_search_keeps_an_nbest_list_and_returns_the_rescorers_choice(lm_path, tmp_path):
    pytest.importorskip("flashlight.lib.text.decoder")
    from asrbench.decoding.lexicon import LexiconSearch
    from tests.decoding.test_lexicon import emissions, spell

    tokenizer = tokenizer_from_tensor(read_gpt(lm_path)["tokenizer"])
    (tmp_path / "words.txt").write_text("the cat mat\n")
    frames = spell(tokenizer, "the") + spell(tokenizer, "mat", first={"▁cat": 0.3, "▁mat": 0.6})
    log_probs, lengths = emissions(tokenizer, frames), torch.tensor([len(frames)])
    search = LexiconSearch(str(tmp_path / "words.txt"), nbest=4, rescorer=PickLast())
    search.bind(tokenizer)
    nbest = search.nbest_lists(log_probs, lengths)[0]
    assert nbest[0][0] == "the mat" and "the cat" in [sentence for sentence, _ in nbest]
    assert [score for _, score in nbest] == sorted((score for _, score in nbest), reverse=True)
    assert tokenizer.decode(search(log_probs, lengths)[0].tokens) == nbest[-1][0] != "the mat"


def test_decoding_lexicon_gpt_builds_a_rescoring_lexicon_search(lm_path, tmp_path, monkeypatch):
    from hydra.utils import instantiate

    from asrbench.decoding.lexicon import LexiconSearch
    from tests.conftest import compose

    (tmp_path / "builtin").mkdir()
    (tmp_path / "builtin" / "lm").mkdir()
    (tmp_path / "builtin" / "lm" / "gpt.ckpt").write_bytes(lm_path.read_bytes())
    monkeypatch.setenv("ASRBENCH_DATA", str(tmp_path))  # where the built-in corpus and its LM live
    options = instantiate(compose("eval", ["checkpoint=x.ckpt", "decoding=lexicon_gpt"]).decoding)
    search = options.lexicon
    assert isinstance(search, LexiconSearch) and isinstance(search.rescorer, GPTRescorer)
    assert search.words == tmp_path / "builtin" / "lm_text.txt" and search.nbest == 16
    assert (search.rescorer.weight, search.rescorer.word_bonus) == (0.1, -1.0)
    plain = instantiate(compose("eval", ["checkpoint=x.ckpt", "decoding=lexicon", "decoding.lexicon.words=w"]).decoding)
    assert plain.lexicon.rescorer is None and plain.lexicon.nbest == 1

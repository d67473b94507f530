import math

import pytest
import torch

from asrbench.decoding.ctc import ctc_greedy
from asrbench.decoding.lexicon import LexiconSearch
from asrbench.models.lm.ngram import build_arpa, irstlm_installed

pytest.importorskip("flashlight.lib.text.decoder")


def emissions(tokenizer, frames: list[dict[str, float]]) -> torch.Tensor:
    """One frame per dict of piece -> probability; the rest of each frame's mass goes to the blank."""
    blank = tokenizer.vocab_size
    log_probs = torch.full((1, len(frames), blank + 1), math.log(1e-6))
    for t, frame in enumerate(frames):
        for piece, p in frame.items():
            log_probs[0, t, tokenizer.sp.piece_to_id(piece)] = math.log(p)
        log_probs[0, t, blank] = math.log(max(1e-6, 1 - sum(frame.values())))
    return log_probs


def spell(tokenizer, word: str, first: dict[str, float] | None = None) -> list[dict[str, float]]:
    """Frames for ``word``'s pieces, blanks between; ``first`` replaces its first frame."""
    pieces = [tokenizer.piece(i) for i in tokenizer.encode(word)]
    frames = [first or {pieces[0]: 0.9}, {}]
    for piece in pieces[1:]:
        frames += [{piece: 0.9}, {}]
    return frames


def decode(tokenizer, frames, tmp_path, **kwargs) -> str:
    log_probs = emissions(tokenizer, frames)
    search = LexiconSearch(str(tmp_path / "words.txt"), **kwargs)
    search.bind(tokenizer)
    return tokenizer.decode(search(log_probs, torch.tensor([log_probs.shape[1]]))[0].tokens)


def test_only_lexicon_words_come_out(tokenizer, tmp_path):
    (tmp_path / "words.txt").write_text("the mat sat\n")
    frames = spell(tokenizer, "the") + spell(tokenizer, "mat", first={"▁cat": 0.5, "▁mat": 0.4})
    greedy = ctc_greedy(emissions(tokenizer, frames), torch.tensor([len(frames)]), tokenizer.vocab_size)[0]
    assert tokenizer.decode(greedy.tokens) == "the cat"  # "cat" is not in the word list
    assert decode(tokenizer, frames, tmp_path) == "the mat"


def test_a_kenlm_model_overrules_a_slight_acoustic_preference(tokenizer, bigram_arpa, tmp_path):
    (tmp_path / "words.txt").write_text("the mat sat\n")
    frames = spell(tokenizer, "the") + [{"▁mat": 0.45, "▁s": 0.45}, {}, {"at": 0.45}, {}]
    assert decode(tokenizer, frames, tmp_path) == "the mat"  # the "at" frame is likelier blank than "at"
    assert decode(tokenizer, frames, tmp_path, lm=str(bigram_arpa), lm_weight=1.0) == "the sat"


@pytest.mark.skipif(not irstlm_installed(), reason="IRSTLM is needed (apt-get install irstlm)")
def test_an_ngram_estimated_by_asrbench_steers_the_search(tokenizer, tmp_path):
    (tmp_path / "words.txt").write_text("the mat sat\n")
    lm = build_arpa(["the sat"] * 10 + ["the mat"], tmp_path / "lm.arpa", order=2)
    # "the", then "mat" and "sat" nearly tied ("▁mat" against "▁s" "at"): the acoustics lean to "mat".
    frames = spell(tokenizer, "the") + [{"▁mat": 0.45, "▁s": 0.45}, {}, {"at": 0.45}, {}]
    assert decode(tokenizer, frames, tmp_path) == "the mat"
    assert decode(tokenizer, frames, tmp_path, lm=str(lm), lm_weight=1.0) == "the sat"


def test_a_missing_lm_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.arpa.*asrbench ngram"):
        LexiconSearch(str(tmp_path / "words.txt"), lm=str(tmp_path / "missing.arpa"))


def test_a_missing_word_list_is_named(tokenizer, tmp_path):
    with pytest.raises(FileNotFoundError, match="words.txt"):
        LexiconSearch(str(tmp_path / "words.txt")).bind(tokenizer)


def test_models_bind_the_lexicon_and_only_ctc_heads_take_one(tokenizer, tmp_path):
    from torch import nn

    from asrbench.models.asr_model import ASRModel
    from asrbench.models.heads.ctc import CTCHead
    from asrbench.models.heads.options import DecodingOptions

    (tmp_path / "words.txt").write_text("the mat\n")
    options = DecodingOptions(lexicon=LexiconSearch(str(tmp_path / "words.txt")))
    ctc = ASRModel(nn.Identity(), nn.Identity(), CTCHead(8, tokenizer.vocab_size), tokenizer)
    assert ctc.decoding_options(options).lexicon.tokenizer is tokenizer
    other = ASRModel(nn.Identity(), nn.Identity(), nn.Linear(8, 8), tokenizer)
    with pytest.raises(ValueError, match="CTC search; Linear cannot use it"):
        other.decoding_options(options)

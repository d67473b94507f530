import math

import pytest
import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from torch import nn

from asrbench.decoding.beam_search import beam_search
from asrbench.decoding.ngram_fusion import NgramFusion
from asrbench.text.hf_tokenizer import HFTokenizer
from asrbench.text.tokenizer import BOS, EOS, CharTokenizer

pytest.importorskip("flashlight.lib.text.decoder")

LN_10 = math.log(10)


def fusion_scores(fusion: NgramFusion, tokens: list[int]) -> list[float]:
    """What fusion adds at each token of one hypothesis ``tokens``, fed one token at a time."""
    histories, added = fusion.start(1), []
    for token in tokens:
        added.append(float(fusion.fuse(histories, torch.zeros(1, len(fusion.token_text)), EOS)[0, token]))
        histories = fusion.select(histories, torch.tensor([0]), torch.tensor([token]))
    return added


def byte_level_bpe(texts: list[str]) -> HFTokenizer:
    """A tokenizer.json tokenizer like Whisper's and GPT-2's (byte-level BPE: "the", "Ġsat"), specials 0-2."""
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    bpe.train_from_iterator(texts, trainers.BpeTrainer(vocab_size=300, special_tokens=["<unk>", "<s>", "</s>"],
                                                       initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    return HFTokenizer(bpe.to_str(), bos_id=BOS, eos_id=EOS)


@pytest.mark.parametrize("kind", ["sentencepiece", "char", "byte_bpe"])
def test_each_word_is_scored_once_when_the_next_one_starts_or_at_eos(kind, tokenizer, bigram_arpa):
    tokenizer = {"sentencepiece": tokenizer, "char": CharTokenizer.train(["the mat sat"]),
                 "byte_bpe": byte_level_bpe(["the mat sat"] * 5)}[kind]
    fusion = NgramFusion(str(bigram_arpa), weight=0.5, word_bonus=0.25)
    fusion.bind(tokenizer)
    tokens = [*tokenizer.encode("the sat"), EOS]
    added = fusion_scores(fusion, tokens)
    # log10 P(the | <s>) = -0.1 when "sat" starts; P(sat | the) = -0.3 and P(</s> | sat) = -1.0 (no "sat </s>"
    # bigram and no back-off weight for "sat": the unigram) at EOS; tokens inside a word add nothing.
    # "▁s" of "▁the ▁s at"; the space of "t h e _ s a t"; "Ġsat" of "the Ġsat"
    word_start = {"sentencepiece": 1, "char": 3, "byte_bpe": 1}[kind]
    if kind == "byte_bpe":
        assert [tokenizer.piece(t) for t in tokens[:-1]] == ["the", "Ġsat"]
    expected = [0.0] * len(tokens)
    expected[word_start] = 0.5 * LN_10 * -0.1 + 0.25
    expected[-1] = 0.5 * LN_10 * (-0.3 - 1.0) + 0.25
    assert added == pytest.approx(expected, abs=1e-5)


def test_a_word_pays_oov_score_once_where_it_leaves_the_lm_vocabulary(tokenizer, bigram_arpa):
    fusion = NgramFusion(str(bigram_arpa), weight=1.0, word_bonus=0.5, oov_score=-20.0)
    fusion.bind(tokenizer)
    # "▁cat" starts no LM word; at EOS, "cat" adds no LM score of its own, then P(</s> | <unk>) = -1.0.
    added = fusion_scores(fusion, [*tokenizer.encode("the cat"), EOS])
    assert added == pytest.approx([0.0, LN_10 * -0.1 + 0.5 - 20.0, 0.5 + LN_10 * -1.0], abs=1e-5)
    # Inside a word: "s" may still become "sat", "x" leaves the vocabulary, "t" after it costs nothing more.
    fusion.bind(CharTokenizer.train(["the mat sat"]))
    added = fusion_scores(fusion, [*fusion.tokenizer.encode("the sxt"), EOS])
    assert added == pytest.approx([0, 0, 0, LN_10 * -0.1 + 0.5, 0, -20.0, 0, 0.5 + LN_10 * -1.0], abs=1e-5)
    # "ma" begins "mat" but is no word: it pays where it ends.
    added = fusion_scores(fusion, [*fusion.tokenizer.encode("the ma"), EOS])
    assert added == pytest.approx([0, 0, 0, LN_10 * -0.1 + 0.5, 0, 0, -20.0 + 0.5 + LN_10 * -1.0], abs=1e-5)


class ScriptedHead:
    """An autoregressive head whose next-token probabilities come from a table keyed by the prefix's pieces."""

    eos_id = EOS

    def __init__(self, tokenizer, table: dict[tuple[str, ...], dict[str, float]]):
        self.tokenizer, self.table = tokenizer, table

    def log_probs(self, prefix: tuple[int, ...]) -> torch.Tensor:
        logits = torch.full((self.tokenizer.vocab_size,), math.log(1e-4))
        for piece, p in self.table.get(tuple(self.tokenizer.piece(t) for t in prefix), {}).items():
            logits[EOS if piece == "</s>" else self.tokenizer.sp.piece_to_id(piece)] = math.log(p)
        return logits.log_softmax(-1)

    def start(self, enc, enc_lens):
        return torch.full((1, 1), BOS), [()]

    def step(self, tokens, state):
        state = [prefix + tuple(t for t in new if t != BOS) for prefix, new in zip(state, tokens.tolist(), strict=True)]
        return torch.stack([self.log_probs(prefix) for prefix in state]), state

    def reorder(self, state, index):
        return [state[i] for i in index.tolist()]

    def suppress(self, step):
        return []


def test_fusion_turns_the_search_to_the_word_the_lm_prefers(tokenizer, bigram_arpa):
    # After "the" the acoustics say "mat" (0.6) over "s" "at" (0.3); the LM says "sat" ten times over.
    head = ScriptedHead(tokenizer, {(): {"▁the": 0.9}, ("▁the",): {"▁mat": 0.6, "▁s": 0.3},
                                    ("▁the", "▁mat"): {"</s>": 0.9}, ("▁the", "▁s"): {"at": 0.9},
                                    ("▁the", "▁s", "at"): {"</s>": 0.9}})
    enc, lens = torch.zeros(1, 1, 1), torch.tensor([1])
    plain = beam_search(head, enc, lens, beam_size=4, max_length=6)[0]
    assert tokenizer.decode(plain.tokens) == "the mat"
    fusion = NgramFusion(str(bigram_arpa), weight=1.0, word_bonus=0.5)
    fusion.bind(tokenizer)
    fused = beam_search(head, enc, lens, beam_size=4, max_length=6, fusion=fusion)[0]
    assert tokenizer.decode(fused.tokens) == "the sat"
    path = [*fused.tokens, EOS]
    acoustic = sum(float(head.log_probs(tuple(path[:i]))[token]) for i, token in enumerate(path))
    assert fused.score == pytest.approx(acoustic + sum(fusion_scores(fusion, path)), abs=1e-4)


def test_an_oov_score_of_minus_inf_allows_only_lm_words(tokenizer, bigram_arpa):
    # The acoustics say "cat" (not in the LM) over "mat"; after "cat" or "mat" the head ends the sentence.
    head = ScriptedHead(tokenizer, {(): {"▁the": 0.9}, ("▁the",): {"▁cat": 0.6, "▁mat": 0.3},
                                    ("▁the", "▁cat"): {"</s>": 0.9}, ("▁the", "▁mat"): {"</s>": 0.9}})
    enc, lens = torch.zeros(1, 1, 1), torch.tensor([1])
    fusion = NgramFusion(str(bigram_arpa), weight=0.1, word_bonus=0.0, oov_score=float("-inf"))
    fusion.bind(tokenizer)
    assert tokenizer.decode(beam_search(head, enc, lens, beam_size=4, max_length=6)[0].tokens) == "the cat"
    fused = beam_search(head, enc, lens, beam_size=4, max_length=6, fusion=fusion)[0]
    assert tokenizer.decode(fused.tokens) == "the mat" and math.isfinite(fused.score)


def test_an_aed_model_decodes_only_lm_words_with_oov_score_minus_inf(tokenizer, bigram_arpa):
    from asrbench.models.asr_model import ASRModel
    from asrbench.models.heads.aed import AEDHead
    from asrbench.models.heads.ctc import CTCHead
    from asrbench.models.heads.options import DecodingOptions

    torch.manual_seed(0)
    head = AEDHead(8, tokenizer.vocab_size, layers=1, heads=2).eval()
    aed = ASRModel(nn.Identity(), nn.Identity(), head, tokenizer)
    enc, lens = torch.randn(2, 5, 8), torch.tensor([5, 4])
    plain = [tokenizer.decode(h.tokens) for h in head.decode(enc, lens, DecodingOptions(beam_size=4, max_length=12))]
    assert not set(" ".join(plain).split()) <= {"the", "mat", "sat"}  # random weights spell anything
    options = aed.decoding_options(DecodingOptions(beam_size=4, max_length=12,
                                                   ngram=NgramFusion(str(bigram_arpa), oov_score=float("-inf"))))
    assert options.ngram.tokenizer is tokenizer  # bound by the model
    fused = [tokenizer.decode(h.tokens) for h in head.decode(enc, lens, options)]
    assert set(" ".join(fused).split()) <= {"the", "mat", "sat"}
    ctc = ASRModel(nn.Identity(), nn.Identity(), CTCHead(8, tokenizer.vocab_size), tokenizer)
    with pytest.raises(ValueError, match="CTCHead has none.*decoding=lexicon_ngram"):
        ctc.decoding_options(options)


def test_decoding_ngram_fusion_reads_the_built_in_4gram(bigram_arpa, tmp_path, monkeypatch):
    from hydra.utils import instantiate

    from tests.conftest import compose

    (tmp_path / "builtin" / "lm").mkdir(parents=True)
    (tmp_path / "builtin" / "lm" / "4gram.arpa").write_text(bigram_arpa.read_text())
    monkeypatch.setenv("ASRBENCH_DATA", str(tmp_path))
    options = instantiate(compose("eval", ["checkpoint=x.ckpt", "decoding=ngram_fusion"]).decoding)
    assert options.beam_size == 8 and isinstance(options.ngram, NgramFusion)
    assert options.ngram.lm == str(tmp_path / "builtin" / "lm" / "4gram.arpa")
    assert (options.ngram.weight, options.ngram.word_bonus, options.ngram.oov_score) == (0.5, 0.5, -10.0)


def test_a_missing_lm_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.arpa.*asrbench ngram"):
        NgramFusion(str(tmp_path / "missing.arpa"))


def test_an_lm_that_is_not_arpa_is_named(tmp_path):
    (tmp_path / "lm.bin").write_bytes(bytes(range(256)) * 4)  # e.g. a binary KenLM file
    with pytest.raises(ValueError, match="lm.bin is not an ARPA file.*fusion reads"):
        NgramFusion(str(tmp_path / "lm.bin"))


@pytest.mark.parametrize("kind", ["sentencepiece", "char", "byte_bpe"])
def test_leaving_costs_agree_with_checking_every_token(kind, tokenizer, bigram_arpa):
    tokenizer = {"sentencepiece": tokenizer, "char": CharTokenizer.train(["the mat sat xyz"]),
                 "byte_bpe": byte_level_bpe(["the mat sat cat"] * 5)}[kind]
    fusion = NgramFusion(str(bigram_arpa), oov_score=-7.0)
    fusion.bind(tokenizer)
    for partial in ["", "t", "th", "the", "m", "ma", "mat", "x", "tx", "sa", "cat"]:
        inside = partial in fusion.prefixes
        words = [(text[1:] if starts else partial + text, starts)
                 for text, starts in zip(fusion.token_text, fusion.word_starts, strict=True)]
        expected = [fusion.oov_score if (starts or inside) and word not in fusion.prefixes else 0.0
                    for word, starts in words]
        assert fusion.leaving_costs(partial).tolist() == expected, partial

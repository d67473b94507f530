"""Shallow fusion of a word n-gram LM into the subword beam search of the autoregressive heads."""

import bisect
import functools
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from asrbench.models.lm.ngram import arpa_vocabulary
from asrbench.text.hf_tokenizer import HFTokenizer
from asrbench.text.tokenizer import CharTokenizer, SentencePieceTokenizer, Tokenizer

LN_10 = math.log(10)


@dataclass
class WordHistory:
    lm_state: Any  # KenLM's state after the hypothesis's completed words
    partial: str  # the letters of the word it is spelling
    # KenLM's state and the score once ``partial`` is complete: asked by ``fuse``, reused by ``select``
    completed: tuple[Any, float] | None = field(default=None, compare=False, repr=False)


class NgramFusion:
    """Adds ``weight * ln P(word | previous words) + word_bonus`` to a hypothesis each time it completes
    a word: when it emits a token that starts the next word (a sentencepiece ``▁`` piece, a character
    tokenizer's space, a byte-level BPE token with its leading space) and at EOS, which also adds
    ``weight * ln P(</s> | words)``.

    A word outside the LM's vocabulary costs ``oov_score`` instead (``-inf`` allows only LM words, as a
    lexicon search does). A word LM can judge a word only once it is complete, so inside a word the
    vocabulary works as a prefix tree: a word pays ``oov_score`` at the token with which it stops being
    the beginning of any LM word, or where it ends if it is an LM word's beginning but no word. Without
    that a search can run words together, one unknown long word being cheaper than the LM's price of two.

    ``lm`` is an ARPA file (``python -m asrbench ngram`` writes one), loaded by flashlight's KenLM (the
    ``decode`` extra). ``word_bonus`` offsets the LM's preference for short hypotheses.
    Call ``bind(tokenizer)`` before decoding; ``ASRModel.transcribe`` does.
    """

    def __init__(self, lm: str, weight: float = 0.5, word_bonus: float = 0.5, oov_score: float = -10.0):
        if not Path(lm).is_file():
            raise FileNotFoundError(f"decoding.ngram.lm: no n-gram LM at {lm} "
                                    "(estimate one with `python -m asrbench ngram`)")
        try:
            from flashlight.lib.text.decoder.kenlm import KenLM
            from flashlight.lib.text.dictionary import Dictionary
        except ImportError as error:
            raise ImportError("decoding.ngram needs flashlight-text: pip install -e '.[decode]'") from error
        try:
            vocabulary = arpa_vocabulary(lm)
        except ValueError as error:
            raise ValueError(f"decoding.ngram.lm: {error}; fusion reads the LM's words from an ARPA file") from error
        words = ["<unk>", *(w for w in vocabulary if w not in ("<unk>", "<s>", "</s>"))]
        self.word_index = {word: i for i, word in enumerate(words) if i > 0}
        self.prefixes = {word[:end] for word in self.word_index for end in range(len(word) + 1)}
        self.sorted_prefixes = sorted(self.prefixes)
        self.kenlm = KenLM(str(lm), Dictionary(words))
        self.lm, self.weight, self.word_bonus, self.oov_score = lm, weight, word_bonus, oov_score
        self.tokenizer: Tokenizer | None = None

    def bind(self, tokenizer: Tokenizer) -> None:
        """Learn which tokens start a word and what each one spells."""
        if tokenizer is self.tokenizer:
            return
        if isinstance(tokenizer, SentencePieceTokenizer | CharTokenizer):
            self.token_text = [tokenizer.piece(i).replace("▁", " ") if i >= 3 else ""  # 0-2: <unk> <s> </s>
                               for i in range(tokenizer.vocab_size)]
        elif isinstance(tokenizer, HFTokenizer):  # e.g. a fine-tuned Whisper's byte-level BPE
            self.token_text = tokenizer.token_texts()
        else:
            raise ValueError("decoding.ngram needs a sentencepiece, character or tokenizer.json tokenizer, "
                             f"not {type(tokenizer).__name__}")
        self.word_starts = [text.startswith(" ") for text in self.token_text]  # for the per-row loops
        self.word_start_mask = torch.tensor(self.word_starts)  # for the (N, V) sum
        # A word-start token leaves the vocabulary whatever came before it; a token inside a word leaves it
        # unless the partial word plus its text begins an LM word: those are looked up from the LM side, as
        # a partial begins few LM words while a vocabulary (Whisper's: 51,864 tokens) holds many tokens.
        self.start_costs = torch.tensor([self.oov_score if starts and text[1:] not in self.prefixes else 0.0
                                         for text, starts in zip(self.token_text, self.word_starts, strict=True)])
        self.inner_tokens: dict[str, list[int]] = {}
        for token, (text, starts) in enumerate(zip(self.token_text, self.word_starts, strict=True)):
            if not starts:
                self.inner_tokens.setdefault(text, []).append(token)
        # at most 2**26 cached costs (256 MB): 16,384 partial words for sentencepiece, 1,293 for Whisper's vocabulary
        cached = min(16384, 2**26 // len(self.token_text))
        self.leaving_costs = functools.lru_cache(maxsize=cached)(self._leaving_costs)
        self.tokenizer = tokenizer

    def start(self, rows: int) -> list[WordHistory]:
        return [WordHistory(self.kenlm.start(False), "")] * rows

    def fuse(self, histories: list[WordHistory], log_probs: torch.Tensor, eos_id: int) -> torch.Tensor:
        """``log_probs`` (N, V) of the next token plus what fusion adds for each token."""
        if self.tokenizer is None:
            raise RuntimeError("NgramFusion.bind(tokenizer) must be called before decoding")
        if log_probs.shape[-1] != len(self.token_text):
            raise ValueError(f"decoding.ngram: the head scores {log_probs.shape[-1]} tokens but its tokenizer "
                             f"has {len(self.token_text)}")
        word_scores, end_scores = zip(*map(self._completion, histories), strict=True)
        leaving = torch.stack([self.leaving_costs(history.partial) for history in histories])
        device = log_probs.device
        # where, not a product: a word that ends outside the LM scores -inf with oov_score=-inf
        completed = torch.where(self.word_start_mask.to(device), torch.tensor(word_scores, device=device)[:, None], 0.0)
        fused = log_probs + completed + leaving.to(device)
        fused[:, eos_id] = log_probs[:, eos_id] + torch.tensor(end_scores, device=device)
        return fused

    def finish(self, histories: list[WordHistory]) -> list[float]:
        """What fusion adds if each hypothesis ended here (its last word and ``</s>``): for the hypotheses a
        search must cut at its length limit, so they are ranked as the sentences they become."""
        return [end for _, end in map(self._completion, histories)]

    def _completion(self, history: WordHistory) -> tuple[float, float]:
        """What completing the history's word adds (nothing before the first word), and that plus ``</s>``."""
        state, word_score = history.lm_state, 0.0
        if history.partial:
            state, score = self._score_word(history)
            word_score = score + self.word_bonus
        return word_score, word_score + self.weight * LN_10 * self.kenlm.finish(state)[1]

    def select(self, histories: list[WordHistory], index: torch.Tensor, tokens: torch.Tensor) -> list[WordHistory]:
        """The histories of the kept hypotheses: row i continues row ``index[i]`` with ``tokens[i]``."""
        selected = []
        for row, token in zip(index.tolist(), tokens.tolist(), strict=True):
            history, text = histories[row], self.token_text[token]
            if self.word_starts[token]:
                state = self._score_word(history)[0] if history.partial else history.lm_state
                selected.append(WordHistory(state, text[1:]))
            else:
                selected.append(WordHistory(history.lm_state, history.partial + text))
        return selected

    def _score_word(self, history: WordHistory) -> tuple[Any, float]:
        """KenLM's state after the history's partial word, and the word's weighted score: ``weight * ln P``
        for an LM word, ``oov_score`` for a beginning of LM words that ends there, nothing for a word
        that already paid ``oov_score`` when it left the vocabulary."""
        if history.completed is None:
            index = self.word_index.get(history.partial)
            if index is None:
                state = self.kenlm.score(history.lm_state, 0)[0]
                history.completed = state, self.oov_score if history.partial in self.prefixes else 0.0
            else:
                state, log10_prob = self.kenlm.score(history.lm_state, index)
                history.completed = state, self.weight * LN_10 * log10_prob
        return history.completed

    def _leaving_costs(self, partial: str) -> torch.Tensor:
        """(V,) ``oov_score`` for each token with which the word after ``partial`` leaves the vocabulary."""
        if partial not in self.prefixes:  # it left already and paid then
            return torch.where(self.word_start_mask, self.start_costs, 0.0)
        costs = torch.where(self.word_start_mask, self.start_costs, self.oov_score)
        staying = []
        for i in range(bisect.bisect_left(self.sorted_prefixes, partial), len(self.sorted_prefixes)):
            if not self.sorted_prefixes[i].startswith(partial):
                break
            staying += self.inner_tokens.get(self.sorted_prefixes[i][len(partial):], [])
        costs[staying] = 0.0
        return costs

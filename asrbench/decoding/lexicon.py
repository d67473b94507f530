"""Lexicon-constrained CTC beam search with an optional KenLM n-gram (torchaudio's flashlight decoder)
and optional n-best rescoring with a neural LM."""

import logging
import tempfile
from pathlib import Path

import torch

from asrbench.decoding.hypothesis import Hypothesis
from asrbench.decoding.rescore import GPTRescorer
from asrbench.text.tokenizer import UNK, SentencePieceTokenizer, Tokenizer, TokenizerError

log = logging.getLogger(__name__)
BLANK = "<ctc-blank>"


class LexiconSearch:
    """CTC beam search that spells only words of ``words``: a word list or any text file, whose
    distinct words become the lexicon (each spelt with the model's sentencepiece pieces). ``lm`` is a
    KenLM model (ARPA or binary) over those words; without it every lexicon word scores the same.
    With a ``rescorer``, the search keeps the ``nbest`` best sentences and the rescorer picks one.

    Needs flashlight-text (the ``decode`` extra). Call ``bind(tokenizer)`` before decoding;
    ``ASRModel.transcribe`` does.
    """

    def __init__(self, words: str, lm: str | None = None, beam_size: int = 50, lm_weight: float = 2.0,
                 word_score: float = 0.0, beam_threshold: float = 25.0, nbest: int = 16,
                 rescorer: GPTRescorer | None = None):
        if lm is not None and not Path(lm).is_file():
            raise FileNotFoundError(f"decoding.lexicon.lm: no n-gram LM at {lm} "
                                    "(estimate one with `python -m asrbench ngram`)")
        self.words, self.lm, self.rescorer = Path(words), lm, rescorer
        self.nbest = nbest if rescorer is not None else 1
        self.beam_size, self.lm_weight, self.word_score, self.beam_threshold = (
            beam_size, lm_weight, word_score, beam_threshold)
        self.tokenizer: Tokenizer | None = None
        self._decoder = None
        self._lexicon_dir = tempfile.TemporaryDirectory(prefix="asrbench-lexicon-")

    def bind(self, tokenizer: Tokenizer) -> None:
        if tokenizer is self.tokenizer:
            return
        if not isinstance(tokenizer, SentencePieceTokenizer):
            raise ValueError(f"decoding.lexicon needs a sentencepiece model, not {type(tokenizer).__name__}")
        try:
            from torchaudio.models.decoder import ctc_decoder
        except ImportError as error:
            raise ImportError("decoding.lexicon needs flashlight-text: pip install -e '.[decode]'") from error
        lexicon = self._write_lexicon(tokenizer, Path(self._lexicon_dir.name) / "lexicon.txt")
        tokens = [tokenizer.piece(i) for i in range(tokenizer.vocab_size)] + [BLANK]  # the CTC head's order
        # sentencepiece marks word starts itself, so no silence token is needed: <unk> (never emitted) stands in.
        self._decoder = ctc_decoder(lexicon=str(lexicon), tokens=tokens, lm=self.lm, beam_size=self.beam_size,
                                    beam_threshold=self.beam_threshold, lm_weight=self.lm_weight,
                                    word_score=self.word_score, nbest=self.nbest, blank_token=BLANK,
                                    sil_token=tokenizer.piece(UNK))
        self.tokenizer = tokenizer

    def _write_lexicon(self, tokenizer: Tokenizer, path: Path) -> Path:
        if not self.words.is_file():
            raise FileNotFoundError(f"decoding.lexicon.words: no word list at {self.words}")
        lines, skipped = [], 0
        for word in sorted(set(self.words.read_text(encoding="utf-8").split())):
            try:
                pieces = [tokenizer.piece(i) for i in tokenizer.encode(word)]
            except TokenizerError:
                skipped += 1  # characters the model cannot spell: it could never output this word anyway
                continue
            lines.append(f"{word} {' '.join(pieces)}\n")
        if not lines:
            raise ValueError(f"decoding.lexicon.words: {self.words} has no word the tokenizer can spell")
        if skipped:
            log.warning("lexicon: skipped %d words of %s with characters outside the tokenizer's alphabet",
                        skipped, self.words)
        path.write_text("".join(lines), encoding="utf-8")
        log.info("lexicon: %d words from %s%s", len(lines), self.words, f", KenLM {self.lm}" if self.lm else "")
        return path

    def nbest_lists(self, log_probs: torch.Tensor, lengths: torch.Tensor) -> list[list[tuple[str, float]]]:
        """(B, T, vocab + 1) log-probs, blank last -> per utterance, up to ``nbest`` (sentence, score), best first."""
        if self._decoder is None or self.tokenizer is None:
            raise RuntimeError("LexiconSearch.bind(tokenizer) must be called before decoding")
        results = self._decoder(log_probs.float().cpu().contiguous(), lengths.to(torch.int32).cpu())
        return [[(" ".join(result.words), float(result.score)) for result in nbest] for nbest in results]

    def __call__(self, log_probs: torch.Tensor, lengths: torch.Tensor) -> list[Hypothesis]:
        """(B, T, vocab + 1) log-probs, blank last -> the best hypothesis per utterance."""
        hyps = []
        for nbest in self.nbest_lists(log_probs, lengths):
            if not nbest:
                hyps.append(Hypothesis(tokens=[], score=float("-inf")))
                continue
            best = self.rescorer.best(*zip(*nbest, strict=True)) if self.rescorer else 0
            words, score = nbest[best]
            hyps.append(Hypothesis(tokens=self.tokenizer.encode(words) if words else [], score=score))
        return hyps

"""N-best rescoring with the built-in GPT LM (``python -m asrbench lm``): a neural LM over whole sentences."""

from collections.abc import Sequence
from pathlib import Path

import torch

from asrbench.models.lm.load import load_lm
from asrbench.text.tokenizer import TokenizerError


class GPTRescorer:
    """Picks the best of a beam's n-best list by ``acoustic + weight * log P_LM(sentence) + word_bonus * words``.

    ``log P_LM`` is the natural-log probability of ``<s> sentence </s>`` under the LM checkpoint, so it
    also judges where the sentence ends. ``word_bonus`` is added per word: positive favours longer
    hypotheses (against the LM's preference for short ones), negative penalises split words.
    """

    def __init__(self, checkpoint: str, weight: float = 0.1, word_bonus: float = -1.0, batch_size: int = 64):
        if not Path(checkpoint).is_file():
            raise FileNotFoundError(f"rescorer.checkpoint: no LM checkpoint at {checkpoint} "
                                    "(write one with `python -m asrbench lm`)")
        lm, self.tokenizer = load_lm("gpt", checkpoint)
        self.lm = lm.eval()
        self.weight, self.word_bonus, self.batch_size = weight, word_bonus, batch_size

    @torch.no_grad()
    def log_probs(self, sentences: list[str]) -> list[float]:
        """log P(``<s> sentence </s>``) per sentence; -inf for one the LM's tokenizer cannot spell."""
        scores = [float("-inf")] * len(sentences)
        encoded = []
        for i, sentence in enumerate(sentences):
            try:
                tokens = self.tokenizer.encode(sentence)
            except TokenizerError:
                continue
            encoded.append((i, [self.tokenizer.bos_id, *tokens, self.tokenizer.eos_id]
                            [: self.lm.max_positions + 1]))
        for start in range(0, len(encoded), self.batch_size):
            chunk = encoded[start:start + self.batch_size]
            width = max(len(ids) for _, ids in chunk)
            ids = torch.zeros(len(chunk), width, dtype=torch.long)
            valid = torch.zeros(len(chunk), width, dtype=torch.bool)
            for row, (_, sequence) in enumerate(chunk):
                ids[row, :len(sequence)] = torch.tensor(sequence)
                valid[row, :len(sequence)] = True
            logits, _ = self.lm(self.lm.embed(ids[:, :-1]), valid[:, :-1])
            token_log_probs = logits.float().log_softmax(-1).gather(-1, ids[:, 1:, None]).squeeze(-1)
            totals = (token_log_probs * valid[:, 1:]).sum(-1)
            for (i, _), total in zip(chunk, totals.tolist(), strict=True):
                scores[i] = total
        return scores

    def best(self, sentences: Sequence[str], acoustic_scores: Sequence[float],
             lm_scores: Sequence[float] | None = None) -> int:
        """Index of the best of ``sentences`` (one utterance's n-best) given their acoustic scores, and their
        ``log_probs`` when already computed (as when weights are tuned over the same n-best lists)."""
        lm_scores = self.log_probs(list(sentences)) if lm_scores is None else lm_scores
        totals = [a + self.weight * lm + self.word_bonus * len(s.split())
                  for s, a, lm in zip(sentences, acoustic_scores, lm_scores, strict=True)]
        return max(range(len(totals)), key=totals.__getitem__)

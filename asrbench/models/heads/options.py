from dataclasses import dataclass

import torch

from asrbench.decoding.lexicon import LexiconSearch
from asrbench.decoding.ngram_fusion import NgramFusion


@dataclass
class DecodingOptions:
    """How a head turns encoder states into text. Heads ignore the options that do not apply to them."""

    beam_size: int = 1
    length_penalty: float | None = None  # None: rank by score / length; else GNMT ((5 + len) / 6) ** penalty
    max_length_ratio: float = 1.0  # max output tokens per frame of the utterance's own encoder output
    max_length: int = 224
    ctc_weight: float | None = None  # joint CTC/attention scoring; None uses the head's training weight
    context: list[int] | None = None  # previous text (token ids), for heads trained with a context prompt
    lexicon: LexiconSearch | None = None  # CTC: beam search over a word list (+ KenLM), conf/decoding/lexicon.yaml
    ngram: NgramFusion | None = None  # AED/LLM: word n-gram shallow fusion, conf/decoding/ngram_fusion.yaml

    def max_lengths(self, enc_lens: torch.Tensor, cap: int | list[int] | None = None) -> list[int]:
        """Each utterance's output-token limit: ``max_length_ratio`` x its own encoder frames (not the
        batch's padded length, so batching never changes a hypothesis), at most ``max_length`` and ``cap``
        (one limit for all, or one per utterance), and at least 1."""
        caps = cap if isinstance(cap, list) else [self.max_length if cap is None else cap] * len(enc_lens)
        return [max(1, min(self.max_length, c, int(self.max_length_ratio * n)))
                for n, c in zip(enc_lens.tolist(), caps, strict=True)]

from dataclasses import dataclass

from asrbench.decoding.lexicon import LexiconSearch


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

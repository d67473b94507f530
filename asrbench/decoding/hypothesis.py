from dataclasses import dataclass, field


@dataclass
class Hypothesis:
    """One decoded utterance: token ids (without specials), score (log-prob), and the text once detokenised."""

    tokens: list[int]
    score: float = 0.0
    text: str = ""
    timings: dict[str, float] = field(default_factory=dict)

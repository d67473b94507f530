"""English sentences for the built-in corpus, taken from Debian's ``fortunes`` package.

Only sentences that a TTS engine reads exactly as their transcript are kept: no abbreviations,
acronyms, symbols, URLs or stray letters. Digits are spelled out before synthesis.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from asrbench.text.normalizer import normalize, spell_numbers

FORTUNE_DIR = Path("/usr/share/games/fortunes")
SKIP_FILES = frozenset({"translate-me"})  # mostly Latin and other languages
MIN_WORDS, MAX_WORDS = 4, 20

_ABBREVIATIONS = (
    "mr mrs ms dr st jr sr prof rev gen col capt lt sgt gov sen rep inc ltd co corp vs etc cf approx "
    "jan feb mar apr jun jul aug sep sept oct nov dec vol pp ca ave blvd dept mt ft"
)
_ABBREVIATION = re.compile(
    rf"\b(?:{'|'.join(_ABBREVIATIONS.split())})\.|\b[A-Za-z]\.|\bno\.\s*\d", re.IGNORECASE
)
_ENDS_WITH_ABBREVIATION = re.compile(rf"(?:{_ABBREVIATION.pattern})[\"')\]]*$", re.IGNORECASE)
_SHORT_FORM = re.compile(  # read as a unit name or title, or spelled out
    r"\b(?:km|kg|cm|mm|mph|lbs?|oz|ft|hrs?|min|sec|mrs?|ms|dr|jr|sr|st|vs|etc|cf)\b", re.IGNORECASE
)
_REJECT = [
    re.compile(r"[&%$@#/\\*+=<>_~^|\[\]{}]"),  # symbols read aloud or skipped
    re.compile(r"[^\x20-\x7e]"),  # non-ASCII and control characters (overstriking)
    re.compile(r"\b[A-Z]{2,}\b"),  # acronyms and shouting
    re.compile(r"[A-Za-z]\.[A-Za-z]"),  # URLs, e.g., U.S., Ph.D
    re.compile(r"://|\bwww\b", re.IGNORECASE),
    re.compile(r"\d[,:]\d"),  # 1,000 and 10:30
    _SHORT_FORM,
]
_GLUED_DIGIT = re.compile(r"[A-Za-z]\d|\d[A-Za-z]")
_ORDINAL = re.compile(r"\b\d+(?:st|nd|rd|th)\b", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)*")
_NO_VOWEL = re.compile(r"^[^aeiouy]+$", re.IGNORECASE)  # "ftp", "sh": spelled out letter by letter
_ATTRIBUTION = re.compile(r"^\s*--")
_PREFIX = re.compile(r"^\s*(?:[QA]:|\(\d+\)|\d+[.)]\s|[A-Z][a-z]+(?: [A-Z][a-z]+)?:\s)\s*")  # Q:, (1), Kirk:
_SEPARATOR = re.compile(r"^%[ \t]*$", re.MULTILINE)
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"')\]]))\s+(?![a-z])")  # '"Why?" he asked' is one


@dataclass(frozen=True)
class Sentence:
    spoken: str  # given to the TTS engine: digits spelled out, punctuation kept for prosody
    text: str  # the transcript: normalize(spoken)
    source: str  # "file:fortune-number", for tracing a sentence back


def load_sentences(fortune_dir: str | Path = FORTUNE_DIR) -> list[Sentence]:
    """All usable sentences of the fortune files in ``fortune_dir``, deduplicated, in file order."""
    fortune_dir = Path(fortune_dir)
    if not fortune_dir.is_dir():
        raise FileNotFoundError(
            f"fortune folder {fortune_dir} does not exist: install Debian's fortunes with "
            "`apt-get install fortunes` (or pass fortune_dir=...)"
        )
    files = sorted(
        p for p in fortune_dir.iterdir() if p.is_file() and not p.suffix and p.name not in SKIP_FILES
    )
    sentences, seen = [], set()
    for path in files:
        fortunes = _SEPARATOR.split(path.read_text(encoding="utf-8", errors="replace"))
        for number, fortune in enumerate(fortunes):
            for raw in split_sentences(fortune):
                sentence = make_sentence(raw, f"{path.name}:{number}")
                if sentence is not None and sentence.text not in seen:
                    seen.add(sentence.text)
                    sentences.append(sentence)
    if not sentences:
        raise ValueError(f"no usable sentences found in {fortune_dir}")
    return sentences


def split_sentences(fortune: str) -> list[str]:
    """Join a fortune's lines (without attributions and dialogue prefixes) and cut it into sentences."""
    lines = [_PREFIX.sub("", line) for line in fortune.splitlines()]
    text = " ".join(line.strip() for line in lines if not _ATTRIBUTION.match(line))
    text = re.sub(r"\s+", " ", text.replace("``", '"').replace("''", '"').replace("`", "'")).strip()
    pieces = [p.strip() for p in _SENTENCE_END.split(text) if p.strip()]
    # "Mr." or "S." does not end a sentence: merge so that the whole sentence is rejected below
    merged: list[str] = []
    for piece in pieces:
        if merged and _ENDS_WITH_ABBREVIATION.search(merged[-1]):
            merged[-1] += " " + piece
        else:
            merged.append(piece)
    return merged


def make_sentence(raw: str, source: str = "") -> Sentence | None:
    """A :class:`Sentence` if ``raw`` is read by TTS exactly as its transcript says, else None."""
    if raw.count('"') % 2:
        raw = raw.replace('"', "")
    if raw.count("(") != raw.count(")"):
        raw = raw.replace("(", "").replace(")", "")
    raw = raw.strip()
    if not raw or _ABBREVIATION.search(raw) or any(p.search(raw) for p in _REJECT):
        return None
    plain = _ORDINAL.sub("0", raw)
    if _GLUED_DIGIT.search(plain):
        return None
    for word in _WORD.findall(plain):
        if (len(word) == 1 and word.lower() not in "aio") or (len(word) > 1 and _NO_VOWEL.match(word)):
            return None
    spoken = spell_numbers(raw)
    text = normalize(spoken)
    if not MIN_WORDS <= len(text.split()) <= MAX_WORDS:
        return None
    return Sentence(spoken=spoken, text=text, source=source)

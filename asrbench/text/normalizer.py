"""Text normalisation shared by corpus building, tokenizer training and scoring.

One normaliser is used everywhere and its name is written into every metrics file, so WER
figures from different runs are only compared when they were scored the same way.
"""

import re
import unicodedata

from num2words import num2words

NAME = "lower-nopunct-v1"
ALPHABET = frozenset("abcdefghijklmnopqrstuvwxyz' ")

_ORDINAL = re.compile(r"\b(\d+)(st|nd|rd|th)\b", re.IGNORECASE)
_DECIMAL = re.compile(r"\b(\d+)\.(\d+)\b")
_NUMBER = re.compile(r"\d+")
_NOT_ALPHABET = re.compile(r"[^a-z' ]+")
_STRAY_APOSTROPHE = re.compile(r"(?<![a-z])'|'(?![a-z])")
_SPACES = re.compile(r"\s+")


def spell_numbers(text: str) -> str:
    """Write digits out as English words ("42nd" -> "forty-second", "1984" -> "nineteen eighty-four")."""
    text = _ORDINAL.sub(lambda m: num2words(int(m.group(1)), to="ordinal"), text)
    text = _DECIMAL.sub(lambda m: f"{num2words(int(m.group(1)))} point {_digits(m.group(2))}", text)
    return _NUMBER.sub(lambda m: _cardinal_or_year(m.group(0)), text)


def _digits(digits: str) -> str:
    return " ".join(num2words(int(d)) for d in digits)


def _cardinal_or_year(digits: str) -> str:
    value = int(digits)
    if len(digits) == 4 and 1100 <= value <= 2099 and value % 1000 >= 10:
        return num2words(value, to="year")
    return num2words(value)


def normalize(text: str) -> str:
    """Lower-case, spell out digits, drop punctuation (hyphens become spaces), collapse whitespace.

    Apostrophes inside words are kept ("don't"); accents are folded to ASCII ("café" -> "cafe").
    The result only uses characters from ``ALPHABET``.
    """
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = spell_numbers(text).lower().replace("`", "'")
    text = _NOT_ALPHABET.sub(" ", text)
    text = _STRAY_APOSTROPHE.sub(" ", text)
    return _SPACES.sub(" ", text).strip()

from pathlib import Path

import pytest

from asrbench.data.sentences import FORTUNE_DIR, load_sentences, make_sentence, split_sentences
from asrbench.text.normalizer import ALPHABET

FORTUNES = """\
The early bird gets the worm.  But the second mouse gets the cheese!
		-- Anonymous
%
Q:	Why did the chicken cross the road?
A:	To get to the other side, of course.
%
I met Mr. Smith at the station yesterday.  Then we both went home for lunch.
%
NASA sent a probe to the outer planets.  Rock & roll will never die tonight.
Visit www.example.com for more fun facts.  My mp3 player is broken again today.
%
It happened on the 21st of June in 1984, when I was 7 years old.
%
Press x to continue with the game.  Too short.
%
This sentence has far too many words in it to be kept because it goes on and on and on and on forever.
%
"Is a Nissan male or female?" he began asking his friends.
"""


@pytest.fixture
def fortune_dir(tmp_path: Path) -> Path:
    (tmp_path / "beta").write_text(FORTUNES)
    (tmp_path / "alpha").write_text("The early bird gets the worm.\n%\nA penny saved is a penny earned.\n")
    (tmp_path / "alpha.dat").write_bytes(b"\x00\x01binary index")
    (tmp_path / "alpha.u8").write_text("Ignored because of its suffix, as it should be.\n")
    return tmp_path


def test_load_sentences_filters_and_orders(fortune_dir):
    sentences = load_sentences(fortune_dir)
    texts = [s.text for s in sentences]
    assert texts == [
        "the early bird gets the worm",  # from alpha: files are read in name order, duplicates dropped
        "a penny saved is a penny earned",
        "but the second mouse gets the cheese",
        "why did the chicken cross the road",
        "to get to the other side of course",
        "then we both went home for lunch",  # "I met Mr." and "Smith at the station yesterday." are dropped
        "it happened on the twenty first of june in nineteen eighty four when i was seven years old",
        "is a nissan male or female he began asking his friends",
    ]
    assert sentences[0].source == "alpha:0"
    assert sentences[6].spoken == (
        "It happened on the twenty-first of June in nineteen eighty-four, when I was seven years old."
    )
    assert all(set(s.text) <= ALPHABET for s in sentences)


def test_split_sentences_drops_attribution_and_prefixes():
    assert split_sentences("Q: Who is there?\nA:  Nobody at all!\n\t\t-- Someone Famous") == [
        "Who is there?", "Nobody at all!",
    ]
    # an abbreviation does not end a sentence, so its sentence is rejected whole
    assert split_sentences("Dr. Who came here. We left.") == ["Dr. Who came here.", "We left."]


@pytest.mark.parametrize("raw", [
    "Dr. Who is a doctor of sorts.",
    "We left at five, i.e. early enough.",
    "The IBM machine was slow today.",
    "Bring salt & pepper to the table.",
    "See http://example.org for the details.",
    "Press x to start the game.",
    "The mp3 file was very big indeed.",
    "It cost $5 at the shop today.",
    "We sold 1,000 copies last week.",
    "Run the ftp client again tomorrow.",
    "Caf\u00e9 au lait is nice in the morning.",
    "Too short.",
])
def test_make_sentence_rejects(raw):
    assert make_sentence(raw) is None


def test_make_sentence_keeps_numbers_and_prosody():
    sentence = make_sentence("I have 3 cats -- and o'clock is 2nd nature to them!")
    assert sentence.spoken == "I have three cats -- and o'clock is second nature to them!"
    assert sentence.text == "i have three cats and o'clock is second nature to them"


def test_missing_folder_names_the_package(tmp_path):
    with pytest.raises(FileNotFoundError, match="apt-get install fortunes"):
        load_sentences(tmp_path / "nope")


@pytest.mark.skipif(not FORTUNE_DIR.is_dir(), reason="Debian's fortunes package is not installed")
def test_debian_fortunes_give_many_clean_sentences():
    sentences = load_sentences()
    assert len(sentences) > 10_000
    assert len({s.text for s in sentences}) == len(sentences)
    assert all(set(s.text) <= ALPHABET and 4 <= len(s.text.split()) <= 20 for s in sentences)

from asrbench.text.normalizer import ALPHABET, normalize


def test_normalize_examples():
    assert normalize("Hello, World!") == "hello world"
    assert normalize("It's  a well-known   fact.") == "it's a well known fact"
    assert normalize("In 1984, 3 men ate 21 pies.") == "in nineteen eighty four three men ate twenty one pies"
    assert normalize("The 2nd of 3.5 'quoted' words") == "the second of three point five quoted words"
    assert normalize("Café naïve") == "cafe naive"
    assert normalize("?!") == ""


def test_output_stays_in_alphabet():
    text = "Ünïcode — “quotes”, dashes – and 42% symbols & $5 #tags"
    assert set(normalize(text)) <= ALPHABET

"""Whisper's vocabulary as a ``tokenizer.json``, its special tokens, and its default suppression lists.

Ids and suppression rules follow openai-whisper's ``Tokenizer`` and ``DecodingTask``: ``suppress_tokens``
is its default ``"-1"`` list (non-speech symbols plus the control tokens), ``suppress_at_start`` is what
its ``SuppressBlank`` filter bans at the first step.
"""

import base64
import json
from pathlib import Path

from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers

N_TIMESTAMPS = 1501  # <|0.00|> ... <|30.00|>


def gpt2_byte_to_unicode() -> dict[int, str]:
    """GPT-2's reversible byte -> printable character map (the alphabet of byte-level BPE vocabularies)."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    mapping, extra = {b: chr(b) for b in printable}, 0
    for b in range(256):
        if b not in mapping:
            mapping[b] = chr(256 + extra)
            extra += 1
    return mapping


def _merge_of(token: bytes, ranks: dict[bytes, int]) -> tuple[bytes, bytes]:
    """The last BPE merge that builds ``token``: run BPE on its bytes with the lower-ranked merges only."""
    parts = [token[i : i + 1] for i in range(len(token))]
    limit = ranks[token]
    while len(parts) > 2:
        pairs = [(ranks.get(a + b, limit), i) for i, (a, b) in enumerate(zip(parts, parts[1:], strict=False))]
        rank, i = min(pairs)
        if rank >= limit:
            break
        parts[i : i + 2] = [parts[i] + parts[i + 1]]
    if len(parts) != 2:
        raise ValueError(f"token {token!r} cannot be built from lower-ranked tokens")
    return parts[0], parts[1]


def tokenizer_json_from_tiktoken(path: str | Path, special_tokens: list[str]) -> str:
    """Turn a ``.tiktoken`` rank file (openai-whisper ships gpt2/multilingual) into a byte-level BPE tokenizer.json.

    Specials get ids after the ranks, in order, as in openai-whisper's ``get_encoding``.
    """
    ranks = {}
    for line in Path(path).read_text().splitlines():
        if line.strip():
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    to_str = gpt2_byte_to_unicode()

    def text(token: bytes) -> str:
        return "".join(to_str[b] for b in token)

    vocab = {text(token): rank for token, rank in ranks.items()}
    merges = [tuple(map(text, _merge_of(token, ranks))) for token, _ in sorted(ranks.items(), key=lambda kv: kv[1])
              if len(token) > 1]
    tokenizer = Tokenizer(models.BPE(vocab, merges))
    # GPT-2's pre-tokenizer regex is the pattern of Whisper's tiktoken encodings
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in special_tokens])
    return tokenizer.to_str()


def openai_whisper_tokenizer_json(multilingual: bool, num_languages: int = 99) -> str:
    """Whisper's tokenizer.json built from the vocabulary files of the installed openai-whisper package."""
    try:
        from whisper.tokenizer import LANGUAGES
    except ImportError:
        raise ValueError("an openai-whisper .pt file carries no vocabulary: pass tokenizer_json=PATH/tokenizer.json "
                         "(from the Hugging Face or CTranslate2 release of the same model), or pip install "
                         "openai-whisper so its vocabulary files can be used") from None
    import whisper.tokenizer

    name = "multilingual" if multilingual else "gpt2"
    path = Path(whisper.tokenizer.__file__).parent / "assets" / f"{name}.tiktoken"
    specials = ["<|endoftext|>", "<|startoftranscript|>", *[f"<|{c}|>" for c in list(LANGUAGES)[:num_languages]],
                "<|translate|>", "<|transcribe|>", "<|startoflm|>", "<|startofprev|>", "<|nospeech|>",
                "<|notimestamps|>", *[f"<|{i * 0.02:.2f}|>" for i in range(N_TIMESTAMPS)]]
    return tokenizer_json_from_tiktoken(path, specials)


def complete_vocabulary(tokenizer_json: str, n_vocab: int) -> str:
    """Append the timestamp tokens that many Whisper tokenizer.json files omit, so ids cover the whole model."""
    tokenizer = Tokenizer.from_str(tokenizer_json)
    size = tokenizer.get_vocab_size(with_added_tokens=True)
    if size == n_vocab:
        return tokenizer_json
    if n_vocab - size != N_TIMESTAMPS or tokenizer.token_to_id("<|notimestamps|>") != size - 1:
        raise ValueError(f"tokenizer has {size} tokens but the model {n_vocab}: they do not belong together")
    tokenizer.add_special_tokens([AddedToken(f"<|{i * 0.02:.2f}|>", special=True, normalized=False)
                                  for i in range(N_TIMESTAMPS)])
    return tokenizer.to_str()


def special_id(tokenizer: Tokenizer, *names: str) -> int:
    for name in names:
        if (token_id := tokenizer.token_to_id(name)) is not None:
            return token_id
    raise ValueError(f"tokenizer has none of the Whisper tokens {names}")


def non_speech_tokens(tokenizer: Tokenizer) -> list[int]:
    """Tokens of speaker tags, music notes and bracketed annotations (openai-whisper's ``non_speech_tokens``).

    A symbol is banned when it is one token (alone or after a space); the music symbols, which may
    take several tokens, by their first token. Hyphens and quotes stay allowed inside words.
    """
    def encode(text: str) -> list[int]:
        return tokenizer.encode(text, add_special_tokens=False).ids

    symbols = list('"#()*+/:;<=>@[\\]^_`{|}~「」『』')
    symbols += "<< >> <<< >>> -- --- -( -[ (' (\" (( )) ((( ))) [[ ]] {{ }} ♪♪ ♪♪♪".split()
    music = set("♩♪♫♬♭♮♯")
    banned = {encode(" -")[0], encode(" '")[0]}
    for symbol in symbols + sorted(music):
        for ids in (encode(symbol), encode(" " + symbol)):
            if len(ids) == 1 or symbol in music:
                banned.add(ids[0])
    return sorted(banned)


def decoding_config(tokenizer_json: str, multilingual: bool, language: str = "en") -> dict:
    """AEDHead settings that decode like openai-whisper's ``decode`` without timestamps."""
    tokenizer = Tokenizer.from_str(tokenizer_json)
    eot = special_id(tokenizer, "<|endoftext|>")
    sot = special_id(tokenizer, "<|startoftranscript|>")
    prompt = [sot]
    if multilingual:
        prompt += [special_id(tokenizer, f"<|{language}|>"), special_id(tokenizer, "<|transcribe|>")]
    prompt.append(special_id(tokenizer, "<|notimestamps|>"))
    control = [special_id(tokenizer, t) for t in ("<|transcribe|>", "<|translate|>", "<|startoftranscript|>",
                                                  "<|startofprev|>", "<|startoflm|>")]
    control.append(special_id(tokenizer, "<|nospeech|>", "<|nocaptions|>"))
    return {
        "prompt": prompt,
        "eos_id": eot,
        "suppress_tokens": sorted(set(non_speech_tokens(tokenizer) + control)),
        "suppress_at_start": tokenizer.encode(" ", add_special_tokens=False).ids + [eot],
        "first_special_id": eot,
        "context_token": special_id(tokenizer, "<|startofprev|>"),  # long-form: previous text before the prompt
    }


def read_tokenizer_json(path: str | Path) -> str:
    text = Path(path).read_text(encoding="utf-8")
    json.loads(text)  # fail early on a file that is not JSON
    return text

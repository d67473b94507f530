"""Subword (sentencepiece) and character tokenizers with a common interface.

Both reserve ids 0/1/2 for <unk>/<s>/</s> and always cover the normaliser's alphabet, so any
normalised transcript can be encoded even if a letter never occurs in the training text.
A tokenizer serialises to a uint8 tensor so that it travels inside a checkpoint that loads
with ``torch.load(weights_only=True)``.
"""

import hashlib
import io
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol

import sentencepiece as spm
import torch

from asrbench.text.normalizer import ALPHABET

UNK, BOS, EOS = 0, 1, 2


class TokenizerError(ValueError):
    """Text the tokenizer cannot represent."""


class Tokenizer(Protocol):
    vocab_size: int
    bos_id: int
    eos_id: int

    def encode(self, text: str) -> list[int]: ...
    def decode(self, ids: Iterable[int]) -> str: ...
    def to_tensor(self) -> torch.Tensor: ...


def _unknown_characters_error(text: str, known: set[str]) -> TokenizerError:
    unknown = sorted({c for c in text if c not in known})
    return TokenizerError(f"text {text!r} has characters outside the tokenizer's alphabet: {unknown}; "
                          "normalise transcripts (asrbench.text.normalizer) or retrain the tokenizer")


class SentencePieceTokenizer:
    def __init__(self, model_proto: bytes):
        self.model_proto = model_proto
        self.sp = spm.SentencePieceProcessor(model_proto=model_proto)
        self.vocab_size = self.sp.get_piece_size()
        self.bos_id, self.eos_id = self.sp.bos_id(), self.sp.eos_id()
        self.alphabet = {c for i in range(3, self.vocab_size) for c in self.sp.id_to_piece(i).replace("▁", " ")}

    @classmethod
    def train(cls, texts: Iterable[str], vocab_size: int = 256,
              model_type: str = "unigram") -> "SentencePieceTokenizer":
        model = io.BytesIO()
        spm.SentencePieceTrainer.train(
            sentence_iterator=iter(texts), model_writer=model, vocab_size=vocab_size, model_type=model_type,
            character_coverage=1.0, required_chars="".join(sorted(ALPHABET - {" "})),
            unk_id=UNK, bos_id=BOS, eos_id=EOS, pad_id=-1,
            hard_vocab_limit=False,  # tiny corpora cannot always fill the requested vocabulary
            minloglevel=2,
        )
        return cls(model.getvalue())

    def encode(self, text: str) -> list[int]:
        ids = self.sp.encode(text, out_type=int)
        if UNK in ids:
            raise _unknown_characters_error(text, self.alphabet)
        return ids

    def decode(self, ids: Iterable[int]) -> str:
        return self.sp.decode([int(i) for i in ids if i >= 3])

    def piece(self, token_id: int) -> str:
        return self.sp.id_to_piece(token_id)

    def to_tensor(self) -> torch.Tensor:
        return pack({"type": "sentencepiece"}, self.model_proto)


class CharTokenizer:
    def __init__(self, characters: Iterable[str]):
        self.characters = sorted(set(characters))
        self.index = {c: i + 3 for i, c in enumerate(self.characters)}
        self.vocab_size = len(self.characters) + 3
        self.bos_id, self.eos_id = BOS, EOS

    @classmethod
    def train(cls, texts: Iterable[str]) -> "CharTokenizer":
        return cls(ALPHABET | {c for text in texts for c in text})

    def encode(self, text: str) -> list[int]:
        try:
            return [self.index[c] for c in text]
        except KeyError:
            raise _unknown_characters_error(text, set(self.index)) from None

    def decode(self, ids: Iterable[int]) -> str:
        return "".join(self.characters[i - 3] for i in ids if i >= 3)

    def piece(self, token_id: int) -> str:
        return ["<unk>", "<s>", "</s>"][token_id] if token_id < 3 else self.characters[token_id - 3]

    def to_tensor(self) -> torch.Tensor:
        return pack({"type": "char", "characters": self.characters}, b"")


def pack(header: dict, payload: bytes) -> torch.Tensor:
    """A JSON header line and a binary payload as one uint8 tensor (safe to store in a checkpoint)."""
    blob = json.dumps(header).encode() + b"\n" + payload
    return torch.frombuffer(bytearray(blob), dtype=torch.uint8)


def tokenizer_from_tensor(blob: torch.Tensor) -> Tokenizer:
    """Inverse of ``Tokenizer.to_tensor``."""
    header, payload = bytes(blob.numpy()).split(b"\n", 1)
    spec = json.loads(header)
    if spec["type"] == "sentencepiece":
        return SentencePieceTokenizer(payload)
    if spec["type"] == "char":
        return CharTokenizer(spec["characters"])
    if spec["type"] == "hf":
        from asrbench.text.hf_tokenizer import HFTokenizer

        return HFTokenizer.from_packed(spec, payload)
    raise ValueError(f"unknown tokenizer type {spec['type']!r} in checkpoint")


def load_or_train_tokenizer(texts: Sequence[str], cache_dir: str | Path, kind: str = "sentencepiece",
                            vocab_size: int = 256, model_type: str = "unigram") -> Tokenizer:
    """Return the tokenizer trained on ``texts``, from ``cache_dir`` when it was trained before.

    The cache file name carries the settings and a hash of the texts, so a changed training set
    never silently reuses a stale tokenizer.
    """
    digest = hashlib.sha1("\n".join(texts).encode()).hexdigest()[:10]
    name = f"tokenizer-{kind}-{model_type}-{vocab_size}" if kind == "sentencepiece" else f"tokenizer-{kind}"
    cache = Path(cache_dir) / f"{name}-{digest}.bin"
    if cache.is_file():
        return tokenizer_from_tensor(torch.frombuffer(bytearray(cache.read_bytes()), dtype=torch.uint8))
    if kind == "sentencepiece":
        tokenizer = SentencePieceTokenizer.train(texts, vocab_size=vocab_size, model_type=model_type)
    elif kind == "char":
        tokenizer = CharTokenizer.train(texts)
    else:
        raise ValueError(f"tokenizer.kind must be 'sentencepiece' or 'char', got {kind!r}")
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(f".tmp{os.getpid()}")
    tmp.write_bytes(bytes(tokenizer.to_tensor().numpy()))
    tmp.replace(cache)
    return tokenizer


def checkpoint_tokenizer(texts: Sequence[str], cache_dir: str | Path, path: str | None) -> Tokenizer:
    """The tokenizer packed in the asrbench checkpoint ``path`` (``tokenizer=checkpoint``, set to ``init``):
    a fine-tuned model keeps writing with its units. ``texts`` and ``cache_dir`` are not needed."""
    from asrbench.training.checkpoint import CheckpointError, read_checkpoint

    if not path:
        raise ValueError("tokenizer=checkpoint takes the units of the checkpoint in `init`: pass init=FILE")
    checkpoint = read_checkpoint(path)
    if "tokenizer" not in checkpoint:
        raise CheckpointError(f"{path} carries no tokenizer (not an asrbench checkpoint)")
    return tokenizer_from_tensor(checkpoint["tokenizer"])

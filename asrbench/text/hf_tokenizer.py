"""Tokenizers shipped as a Hugging Face ``tokenizer.json`` (Whisper, HF causal LMs), via the ``tokenizers`` library."""

from collections.abc import Iterable
from pathlib import Path

import torch
from tokenizers import Tokenizer as FastTokenizer


class HFTokenizer:
    """Wraps a ``tokenizers.Tokenizer``; ids at or above ``first_special_id`` (and added special tokens)
    are dropped when decoding, so hypotheses never contain control tokens."""

    def __init__(self, tokenizer_json: str, bos_id: int, eos_id: int, first_special_id: int | None = None):
        self.tokenizer_json = tokenizer_json
        self.fast = FastTokenizer.from_str(tokenizer_json)
        self.vocab_size = self.fast.get_vocab_size(with_added_tokens=True)
        self.bos_id, self.eos_id = bos_id, eos_id
        self.first_special_id = first_special_id if first_special_id is not None else self.vocab_size
        self.special_ids = {i for i, t in self.fast.get_added_tokens_decoder().items() if t.special} | {bos_id, eos_id}

    @classmethod
    def from_file(cls, path: str | Path, bos_id: int, eos_id: int,
                  first_special_id: int | None = None) -> "HFTokenizer":
        return cls(Path(path).read_text(encoding="utf-8"), bos_id, eos_id, first_special_id)

    def encode(self, text: str) -> list[int]:
        return self.fast.encode(text, add_special_tokens=False).ids

    def decode(self, ids: Iterable[int]) -> str:
        kept = [int(i) for i in ids if int(i) < self.first_special_id and int(i) not in self.special_ids]
        return self.fast.decode(kept, skip_special_tokens=True)

    def piece(self, token_id: int) -> str:
        return self.fast.id_to_token(token_id) or f"<{token_id}>"

    def token_texts(self) -> list[str]:
        """What each token writes on its own, a word's leading space included (byte-level BPE as Whisper's
        and GPT-2's); control and special tokens write nothing."""
        texts = self.fast.decode_batch([[i] for i in range(self.vocab_size)], skip_special_tokens=False)
        return ["" if i >= self.first_special_id or i in self.special_ids else text for i, text in enumerate(texts)]

    def to_tensor(self) -> torch.Tensor:
        from asrbench.text.tokenizer import pack

        header = {"type": "hf", "bos_id": self.bos_id, "eos_id": self.eos_id,
                  "first_special_id": self.first_special_id}
        return pack(header, self.tokenizer_json.encode("utf-8"))

    @classmethod
    def from_packed(cls, header: dict, payload: bytes) -> "HFTokenizer":
        return cls(payload.decode("utf-8"), header["bos_id"], header["eos_id"], header["first_special_id"])

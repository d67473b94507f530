"""Utterance dataset and padding collate."""

from collections.abc import Callable, Sequence

import numpy as np
import torch
from torch.utils.data import Dataset

from asrbench.audio.augment import WaveformAugment
from asrbench.audio.io import AudioError, load_audio
from asrbench.data.manifest import Utterance
from asrbench.data.sampler import EpochIndex
from asrbench.text.tokenizer import TokenizerError


class ASRDataset(Dataset):
    """Reads each utterance's audio (mono, resampled to ``sample_rate``) and encodes its text.

    With ``augment``, items are indexed by :class:`EpochIndex` and the augmentation draws from a
    generator seeded by (seed, epoch, index): the same in every DataLoader worker and after a resume.
    """

    def __init__(self, utterances: Sequence[Utterance], encode: Callable[[str], list[int]] | None = None,
                 sample_rate: int = 16000, manifest: str = "manifest", augment: WaveformAugment | None = None,
                 seed: int = 0):
        self.utterances, self.encode = list(utterances), encode
        self.sample_rate, self.manifest = sample_rate, manifest
        self.augment, self.seed = augment, seed

    def __len__(self) -> int:
        return len(self.utterances)

    def __getitem__(self, key: int | EpochIndex) -> dict:
        epoch, index = key if isinstance(key, EpochIndex) else (0, key)
        utt = self.utterances[index]
        try:
            audio = (load_audio(utt.audio, self.sample_rate) if utt.offset is None
                     else load_audio(utt.audio, self.sample_rate, utt.offset, utt.duration))
        except AudioError as err:
            raise AudioError(f"{self.manifest}:{utt.line} (id {utt.id!r}): {err}") from None
        if self.augment is not None:
            audio = self.augment(audio, self.generator(epoch, index))
        item = {"id": utt.id, "audio": audio, "text": utt.text}
        if self.encode is not None:
            try:
                item["tokens"] = torch.tensor(self.encode(utt.text), dtype=torch.long)
            except TokenizerError as err:
                raise TokenizerError(f"{self.manifest}:{utt.line} (id {utt.id!r}): {err}") from None
        return item

    def generator(self, epoch: int, index: int) -> torch.Generator:
        seed = np.random.SeedSequence([self.seed, epoch, index]).generate_state(1)[0]
        return torch.Generator().manual_seed(int(seed))


def collate(items: list[dict]) -> dict:
    """Pad audio (and tokens when present) into a batch with explicit lengths."""
    audio_lens = torch.tensor([len(item["audio"]) for item in items])
    audio = torch.zeros(len(items), int(audio_lens.max()))
    for i, item in enumerate(items):
        audio[i, : audio_lens[i]] = item["audio"]
    batch = {"ids": [item["id"] for item in items], "texts": [item["text"] for item in items],
             "audio": audio, "audio_lens": audio_lens}
    if "tokens" in items[0]:
        token_lens = torch.tensor([len(item["tokens"]) for item in items])
        tokens = torch.zeros(len(items), max(int(token_lens.max()), 1), dtype=torch.long)
        for i, item in enumerate(items):
            tokens[i, : token_lens[i]] = item["tokens"]
        batch.update(tokens=tokens, token_lens=token_lens)
    return batch

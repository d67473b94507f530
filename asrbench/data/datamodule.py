"""LightningDataModule over JSONL manifests: validation up front, duration filter, bucketed batches."""

import logging
from pathlib import Path

import lightning as L
import soundfile as sf
from torch.utils.data import DataLoader

from asrbench.audio.augment import WaveformAugment
from asrbench.data.dataset import ASRDataset, collate
from asrbench.data.loader import ResumableDataLoader
from asrbench.data.manifest import ManifestError, Utterance, read_manifest
from asrbench.data.sampler import DurationBatchSampler
from asrbench.text.normalizer import normalize
from asrbench.text.tokenizer import Tokenizer, TokenizerError

log = logging.getLogger(__name__)


def check_audio(utterances: list[Utterance], manifest: Path, skip_bad: bool) -> list[Utterance]:
    """Open every audio header once, so a missing, corrupt or empty file fails before training starts."""
    good = []
    for utt in utterances:
        try:
            frames = sf.info(str(utt.audio)).frames
            problem = "is empty (0 samples)" if frames == 0 else None
        except (sf.LibsndfileError, RuntimeError) as err:
            problem = "does not exist" if not utt.audio.exists() else f"cannot be read as audio ({err})"
        if problem is None:
            good.append(utt)
        elif skip_bad:
            log.debug("skipping %s:%d: audio %s %s", manifest, utt.line, utt.audio, problem)
        else:
            raise ManifestError(f"{manifest}:{utt.line} (id {utt.id!r}): audio file {utt.audio} {problem} "
                                "(set data.skip_bad=true to skip bad lines)")
    if len(good) < len(utterances):
        log.warning("%s: skipped %d of %d utterances with missing, unreadable or empty audio",
                    manifest, len(utterances) - len(good), len(utterances))
    return good


def load_split(manifest: str | Path, normalize_text: bool = True, skip_bad: bool = False,
               min_duration: float = 0.0, max_duration: float = float("inf")) -> list[Utterance]:
    """Read a manifest, check its audio, normalise its text and keep durations in [min, max]."""
    manifest = Path(manifest)
    utterances = check_audio(read_manifest(manifest), manifest, skip_bad)
    if normalize_text:
        kept = []
        for utt in utterances:
            text = normalize(utt.text)
            if not text:
                raise ManifestError(f"{manifest}:{utt.line}: transcript of id {utt.id!r} is empty after "
                                    f"normalisation ({utt.text!r})")
            kept.append(Utterance(**{**utt.__dict__, "text": text}))
        utterances = kept
    in_range = [u for u in utterances if min_duration <= u.duration <= max_duration]
    if len(in_range) < len(utterances):
        log.warning("%s: skipped %d utterances outside [%.1f, %.1f] s", manifest,
                    len(utterances) - len(in_range), min_duration, max_duration)
    if not in_range:
        raise ManifestError(f"{manifest}: no utterance left between {min_duration} and {max_duration} s")
    return in_range


class ASRDataModule(L.LightningDataModule):
    def __init__(self, train_manifest: str, dev_manifest: str, test_manifest: str, batch_seconds: float = 200.0,
                 max_batch_size: int = 256, min_duration: float = 0.3, max_duration: float = 30.0,
                 num_workers: int = 1, sample_rate: int = 16000, normalize_text: bool = True,
                 skip_bad: bool = False, seed: int = 0, augment: WaveformAugment | None = None,
                 sortagrad_epochs: int = 0, window_seconds: float = 30.0, **_: object):
        super().__init__()
        # evaluation decodes test utterances longer than this in windows (CTC: overlapping chunks)
        self.window_seconds = window_seconds
        self.augment = augment  # training split only
        self.manifests = {"train": train_manifest, "dev": dev_manifest, "test": test_manifest}
        self.batch_seconds, self.max_batch_size = batch_seconds, max_batch_size
        self.min_duration, self.max_duration = min_duration, max_duration
        self.num_workers, self.sample_rate, self.seed = num_workers, sample_rate, seed
        self.normalize_text, self.skip_bad = normalize_text, skip_bad
        self.sortagrad_epochs = sortagrad_epochs
        self.tokenizer: Tokenizer | None = None
        self._splits: dict[str, list[Utterance]] = {}

    def split(self, name: str) -> list[Utterance]:
        if name not in self._splits:
            limits = (self.min_duration, self.max_duration) if name == "train" else (0.0, float("inf"))
            self._splits[name] = load_split(self.manifests[name], self.normalize_text, self.skip_bad, *limits)
        return self._splits[name]

    def setup(self, stage: str) -> None:
        """Encode every transcript once, so text the tokenizer cannot represent fails before training."""
        if self.tokenizer is None:
            return
        for name in ("train", "dev") if stage == "fit" else ("test",) if stage == "test" else ("dev",):
            for utt in self.split(name):
                try:
                    self.tokenizer.encode(utt.text)
                except TokenizerError as err:
                    raise TokenizerError(f"{self.manifests[name]}:{utt.line} (id {utt.id!r}): {err}") from None

    def train_texts(self) -> list[str]:
        return [u.text for u in self.split("train")]

    def _loader(self, name: str, shuffle: bool) -> DataLoader:
        utterances = self.split(name)
        augment = self.augment if name == "train" else None
        trainer = self.trainer
        sampler = DurationBatchSampler(
            [u.duration for u in utterances], max(self.batch_seconds, max(u.duration for u in utterances)),
            self.max_batch_size, shuffle=shuffle, seed=self.seed,
            num_replicas=trainer.world_size if trainer else 1, rank=trainer.global_rank if trainer else 0,
            even_shards=shuffle, tag_epoch=augment is not None, sorted_epochs=self.sortagrad_epochs,
        )
        encode = self.tokenizer.encode if self.tokenizer is not None else None
        dataset = ASRDataset(utterances, encode, self.sample_rate, manifest=str(self.manifests[name]),
                             augment=augment, seed=self.seed)
        loader = ResumableDataLoader if shuffle else DataLoader
        return loader(dataset, batch_sampler=sampler, collate_fn=collate, num_workers=self.num_workers,
                      persistent_workers=self.num_workers > 0)

    def train_dataloader(self) -> DataLoader:
        return self._loader("train", shuffle=True)

    def val_dataloader(self) -> DataLoader:
        return self._loader("dev", shuffle=False)

    def test_dataloader(self) -> DataLoader:
        return self._loader("test", shuffle=False)

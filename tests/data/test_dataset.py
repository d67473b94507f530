"""Augmentation in the data pipeline: training split only, and a function of (seed, epoch, utterance)."""

import torch

from asrbench.audio.augment import AddNoise, SpeedPerturbation, WaveformAugment
from asrbench.data.datamodule import ASRDataModule
from asrbench.data.dataset import ASRDataset
from asrbench.data.manifest import read_manifest
from asrbench.data.sampler import EpochIndex
from tests.conftest import write_manifest_lines


def augment() -> WaveformAugment:
    return WaveformAugment(SpeedPerturbation(), AddNoise(p=1.0))


def manifest(audio_dir):
    records = [{"id": n, "audio": f"{n}.wav", "text": "a b", "duration": d} for n, d in [("a", 1.0), ("b", 1.5)]]
    return write_manifest_lines(audio_dir / "m.jsonl", records)


def test_augmented_items_depend_on_seed_epoch_and_index_only(audio_dir):
    utterances = read_manifest(manifest(audio_dir))
    dataset = ASRDataset(utterances, augment=augment(), seed=7)
    first = dataset[EpochIndex(0, 1)]["audio"]
    assert torch.equal(first, ASRDataset(utterances, augment=augment(), seed=7)[EpochIndex(0, 1)]["audio"])
    assert not torch.equal(first, dataset[EpochIndex(1, 1)]["audio"])
    assert not torch.equal(first, ASRDataset(utterances, augment=augment(), seed=8)[EpochIndex(0, 1)]["audio"])
    clean = ASRDataset(utterances)[1]["audio"]
    assert not torch.equal(first[: len(clean)], clean)


def test_only_the_training_split_is_augmented(audio_dir):
    path = manifest(audio_dir)
    datamodule = ASRDataModule(path, path, path, num_workers=0, batch_seconds=10, augment=augment())
    train = next(iter(datamodule.train_dataloader()))
    dev = next(iter(datamodule.val_dataloader()))
    clean = next(iter(ASRDataModule(path, path, path, num_workers=0, batch_seconds=10).val_dataloader()))
    assert torch.equal(dev["audio"], clean["audio"])
    assert not torch.equal(train["audio"][:, : clean["audio"].shape[1]], clean["audio"][: len(train["ids"])])

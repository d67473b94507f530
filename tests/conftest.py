"""Shared fixtures: small audio files and manifests written into temp folders."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import torch

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def tone(seconds: float, sample_rate: int = 16000, freq: float = 220.0) -> np.ndarray:
    t = np.arange(int(seconds * sample_rate)) / sample_rate
    return (0.3 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def write_manifest_lines(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path



@pytest.fixture(scope="module")
def one_thread():
    """Tiny models: thread synchronisation costs more than it saves (ten times more on a busy machine)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture
def audio_dir(tmp_path: Path) -> Path:
    """Three good 16 kHz wav files a.wav, b.wav, c.wav (1.0, 1.5, 2.0 s)."""
    for name, seconds in [("a", 1.0), ("b", 1.5), ("c", 2.0)]:
        sf.write(tmp_path / f"{name}.wav", tone(seconds), 16000)
    return tmp_path


@pytest.fixture(scope="session")
def tiny_corpus(tmp_path_factory) -> Path:
    """A real synthesised corpus (espeak-ng/flite): 8 train, 4 dev, 4 test utterances."""
    if not (shutil.which("espeak-ng") and shutil.which("flite")):
        pytest.skip("espeak-ng and flite are needed (apt-get install espeak-ng flite)")
    from asrbench.data.synth import build_corpus

    out = tmp_path_factory.mktemp("tiny_corpus")
    build_corpus(out, n_train=8, n_dev=4, n_test=4, seed=3, workers=2)
    return out


@pytest.fixture(scope="session")
def fsdd() -> Path:
    """Real recorded speech (Free Spoken Digit Dataset), read from ../shared/data/fsdd, never copied."""
    root = SHARED_DATA / "fsdd"
    if not (root / "manifest.jsonl").is_file():
        pytest.skip(f"{root} not found")
    return root


def compose(config_name: str, overrides: list[str], return_hydra_config: bool = False):
    """The config the CLI would build for ``python -m asrbench <command> overrides...``."""
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir

    from asrbench.config import CONF_DIR

    with initialize_config_dir(config_dir=CONF_DIR, version_base="1.3"):
        return hydra_compose(config_name=config_name, overrides=overrides, return_hydra_config=return_hydra_config)


def overfit_overrides(corpus: Path, steps: int) -> list[str]:
    """Train, validate and test on the same 8 utterances: a tiny model must memorise them."""
    train = corpus / "train.jsonl"
    return [
        f"data.train_manifest={train}", f"data.dev_manifest={train}", f"data.test_manifest={train}",
        "data.batch_seconds=1000", "data.num_workers=0", "encoder=transformer_xs", "encoder.dim=96",
        "frontend.specaugment=null", "model.dropout=0", "tokenizer=char", "trainer.precision=32",
        f"trainer.max_epochs={steps}", f"trainer.check_val_every_n_epoch={steps}", "trainer.log_every_n_steps=50",
        "optim.lr=3e-3", "optim.warmup_steps=20", "optim.weight_decay=0",
    ]

"""``python -m asrbench data <action>``: build the built-in corpus or import a real one."""

import sys

import hydra
from hydra.utils import instantiate
from omegaconf import DictConfig

from asrbench.config import CONF_DIR

ACTIONS = {
    "synth": "synthesise the built-in English corpus with espeak-ng and flite (corpus.n_train=... etc.)",
    "librispeech": "import LibriSpeech folders: root=DIR/LibriSpeech [out=data/librispeech] [splits.train=[...]]",
}


@hydra.main(config_path=CONF_DIR, config_name="data_synth", version_base="1.3")
def synth(cfg: DictConfig) -> None:
    manifests = instantiate(cfg.corpus)
    for split, path in manifests.items():
        print(f"{split}: {path}")


@hydra.main(config_path=CONF_DIR, config_name="data_librispeech", version_base="1.3")
def librispeech(cfg: DictConfig) -> None:
    from asrbench.data.importers.librispeech import import_librispeech

    for split, path in import_librispeech(cfg.root, cfg.out, dict(cfg.splits)).items():
        print(f"{split}: {path}")
    print(f"train on it with: python -m asrbench train data=manifests data.root={cfg.out}")


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in ACTIONS:
        lines = "\n".join(f"  {name:<12} {help_}" for name, help_ in ACTIONS.items())
        sys.exit(f"usage: python -m asrbench data <action> [hydra overrides]\n\nactions:\n{lines}")
    action = sys.argv.pop(1)
    {"synth": synth, "librispeech": librispeech}[action]()

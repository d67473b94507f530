"""``python -m asrbench data <action>``: build the built-in corpus or import a real one."""

import sys
from collections.abc import Callable

import hydra
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf

from asrbench.config import CONF_DIR
from asrbench.data.importers.summary import ImportReport, print_report

ACTIONS = {
    "synth": "synthesise the built-in English corpus with espeak-ng and flite (corpus.n_train=... etc.)",
    "librispeech": "import LibriSpeech folders: root=DIR/LibriSpeech [out=data/librispeech] [splits.train=[...]]",
    "commonvoice": "import a Common Voice language folder: root=DIR/cv-corpus-X/LANG [out=data/commonvoice]",
    "kaldi": "import Kaldi data folders: splits.train=DIR splits.dev=DIR splits.test=DIR [out=data/kaldi]",
    "lhotse": "import lhotse manifests: splits.train=CUTS|[RECORDINGS,SUPERVISIONS] ... [out=data/lhotse]",
    "folder": "import folders of audio + same-named .txt: splits.train=DIR splits.dev=DIR ... [out=data/folder]",
}


def _import(action: str, run: Callable[[], ImportReport], out: str) -> None:
    try:
        report = run()
    except (ValueError, OSError, ImportError) as err:  # bad input or a missing extra: say why, without a traceback
        sys.exit(f"asrbench data {action}: {err}")
    print_report(report)
    print(f"train on it with: python -m asrbench train data=manifests data.root={out}")


def _splits(cfg: DictConfig) -> dict:
    """Split name -> source; splits left null are not imported."""
    splits = {name: value for name, value in OmegaConf.to_container(cfg.splits).items() if value is not None}
    if not splits:
        sys.exit("nothing to import: give at least one split, e.g. splits.train=... splits.dev=... splits.test=...")
    return splits


@hydra.main(config_path=CONF_DIR, config_name="data_synth", version_base="1.3")
def synth(cfg: DictConfig) -> None:
    manifests = instantiate(cfg.corpus)
    for split, path in manifests.items():
        print(f"{split}: {path}")


@hydra.main(config_path=CONF_DIR, config_name="data_librispeech", version_base="1.3")
def librispeech(cfg: DictConfig) -> None:
    from asrbench.data.importers.librispeech import import_librispeech

    _import("librispeech", lambda: import_librispeech(cfg.root, cfg.out, _splits(cfg), cfg.strict), cfg.out)


@hydra.main(config_path=CONF_DIR, config_name="data_commonvoice", version_base="1.3")
def commonvoice(cfg: DictConfig) -> None:
    from asrbench.data.importers.commonvoice import import_commonvoice

    _import("commonvoice", lambda: import_commonvoice(cfg.root, cfg.out, _splits(cfg), cfg.strict), cfg.out)


@hydra.main(config_path=CONF_DIR, config_name="data_kaldi", version_base="1.3")
def kaldi(cfg: DictConfig) -> None:
    from asrbench.data.importers.kaldi import import_kaldi

    _import("kaldi", lambda: import_kaldi(cfg.out, _splits(cfg), cfg.strict, cfg.audio_root, cfg.non_speech), cfg.out)


@hydra.main(config_path=CONF_DIR, config_name="data_lhotse", version_base="1.3")
def lhotse(cfg: DictConfig) -> None:
    from asrbench.data.importers.lhotse import import_lhotse

    _import("lhotse", lambda: import_lhotse(cfg.out, _splits(cfg), cfg.strict), cfg.out)


@hydra.main(config_path=CONF_DIR, config_name="data_folder", version_base="1.3")
def folder(cfg: DictConfig) -> None:
    from asrbench.data.importers.folder import import_folder

    _import("folder", lambda: import_folder(cfg.out, _splits(cfg), cfg.strict), cfg.out)


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in ACTIONS:
        lines = "\n".join(f"  {name:<12} {help_}" for name, help_ in ACTIONS.items())
        sys.exit(f"usage: python -m asrbench data <action> [hydra overrides]\n\nactions:\n{lines}")
    action = sys.argv.pop(1)
    {"synth": synth, "librispeech": librispeech, "commonvoice": commonvoice, "kaldi": kaldi, "lhotse": lhotse,
     "folder": folder}[action]()

"""``python -m asrbench whisper import SRC out=FILE``: convert Whisper weights into an asrbench checkpoint."""

import sys

import hydra
from omegaconf import DictConfig, OmegaConf

from asrbench.config import CONF_DIR

USAGE = ("usage: python -m asrbench whisper import SRC out=FILE [tokenizer_json=FILE] [language=en] "
         "[hydra overrides]\n  SRC: openai-whisper .pt file, Hugging Face Whisper folder or CTranslate2 folder")
COMMAND_KEYS = ("src", "out", "tokenizer_json", "language")


@hydra.main(config_path=CONF_DIR, config_name="whisper", version_base="1.3")
def app(cfg: DictConfig) -> None:
    from asrbench.whisper.convert import import_whisper

    base = OmegaConf.masked_copy(cfg, [k for k in cfg if k not in COMMAND_KEYS])
    try:
        out = import_whisper(cfg.src, cfg.out, base, tokenizer=cfg.tokenizer_json, language=cfg.language)
    except (ValueError, OSError) as err:  # a wrong or unreadable source: say why, without a traceback
        sys.exit(f"asrbench whisper import: {err}")
    print(f"wrote {out}; evaluate it with: python -m asrbench eval checkpoint={out}")


def _quote(value: str) -> str:
    """A Hydra override value that keeps paths with spaces, commas or quotes intact."""
    return "'" + value.replace("'", "\\'") + "'"


def main() -> None:
    args = sys.argv[1:]
    if not args or args[0] != "import":
        sys.exit(USAGE if not args or args[0] in ("-h", "--help", "help") else
                 f"asrbench whisper: unknown action {args[0]!r}\n{USAGE}")
    overrides = args[1:]
    if overrides and "=" not in overrides[0] and not overrides[0].startswith("-"):
        overrides[0] = f"src={_quote(overrides[0])}"
    sys.argv = [sys.argv[0], *overrides]
    app()

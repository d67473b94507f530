"""``python -m asrbench <command> [hydra overrides]`` — see ``python -m asrbench --help``."""

import importlib
import os
import sys

# command -> (module with a ``main`` Hydra app, one line of help)
COMMANDS = {
    "train": ("asrbench.commands.train", "train a model (model=ctc|aed|llm), then evaluate it on the test split"),
    "eval": ("asrbench.commands.evaluate", "re-evaluate a checkpoint: checkpoint=PATH [data.test_manifest=FILE]"),
    "transcribe": ("asrbench.commands.transcribe", "text for audio of any length: transcribe CHECKPOINT FILE..."),
    "attention": ("asrbench.commands.attention", "PNG heatmaps of cross-/self-attention: attention CHECKPOINT FILE"),
    "whisper": ("asrbench.commands.whisper", "import Whisper weights: whisper import SRC(.pt|HF dir|CT2 dir) out=FILE"),
    "lm": ("asrbench.commands.lm", "pretrain the built-in LM of model=llm on text: lm [lm_arch=...] [text=FILE]"),
    "ngram": ("asrbench.commands.ngram", "word n-gram LM for decoding=lexicon_ngram: ngram [order=4] [text=FILE]"),
    "data": ("asrbench.commands.data", "build/import corpora: data synth|librispeech|commonvoice|kaldi|lhotse|folder"),
    "bench": ("asrbench.commands.bench", "latency protocol: bench CHECKPOINT [utterances=100] [threads=1]"),
    "compare": ("asrbench.commands.compare", "paired significance tests: compare RUN_A RUN_B [RUN_C ...]"),
    "report": ("asrbench.commands.report", "tables + WER-vs-latency plot of sweeps: report DIR [DIR ...]"),
}
ENV_KEY = "ASRBENCH_SUBCOMMAND"  # lets Lightning's DDP children (which re-run argv minus the command) find it


def usage() -> str:
    width = max(map(len, COMMANDS))
    lines = [f"  {name:<{width}}  {help_}" for name, (_, help_) in COMMANDS.items()]
    return ("usage: python -m asrbench <command> [hydra overrides]\n\ncommands:\n" + "\n".join(lines) +
            "\n\n`python -m asrbench <command> --help` lists that command's config groups and options;"
            "\n`--cfg job` prints the composed config; `-m` runs a sweep (e.g. train -m model=ctc,aed,llm).")


def main() -> None:
    args = sys.argv[1:]
    if args and args[0] in COMMANDS:
        command = sys.argv.pop(1)
        os.environ[ENV_KEY] = command
    elif os.environ.get(ENV_KEY) in COMMANDS and not (args and args[0] in ("-h", "--help")):
        command = os.environ[ENV_KEY]
    elif not args or args[0] in ("-h", "--help", "help"):
        print(usage())
        return
    else:
        sys.exit(f"asrbench: unknown command {args[0]!r}\n\n{usage()}")
    from asrbench.commands.paths import quote_values
    from asrbench.config import CONF_DIR

    sys.argv[1:] = quote_values(sys.argv[1:])

    if not os.path.isdir(CONF_DIR):
        sys.exit(f"asrbench: config folder {CONF_DIR} not found; install asrbench from a clone "
                 "(pip install -e .), which keeps conf/ beside the package")
    importlib.import_module(COMMANDS[command][0]).main()


if __name__ == "__main__":
    main()

"""``python -m asrbench <command> [hydra overrides]`` — see ``python -m asrbench --help``."""

import importlib
import os
import sys

# command -> (module with a ``main`` Hydra app, one line of help)
COMMANDS = {
    "train": ("asrbench.commands.train", "train a model (model=ctc|aed|llm), then evaluate it on the test split"),
    "eval": ("asrbench.commands.evaluate", "re-evaluate a checkpoint: checkpoint=PATH [data.test_manifest=FILE]"),
    "data": ("asrbench.commands.data", "build or import corpora: data synth | data librispeech root=DIR"),
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
    importlib.import_module(COMMANDS[command][0]).main()


if __name__ == "__main__":
    main()

"""Bare file arguments on the command line, turned into Hydra overrides."""

from pathlib import Path


def positional_paths(args: list[str], key: str, many: bool = True) -> list[str]:
    """Turn bare paths among the arguments into one quoted Hydra override: ``key=['a','b']`` (or ``key='a'``).

    A path is an argument that exists on disk, so run folders named ``model=aed`` and checkpoints named
    ``best-epoch=02-dev_wer=0.12.ckpt`` are paths, not overrides (which they would break).
    """
    paths = [arg for arg in args if not arg.startswith("-") and Path(arg).exists()]
    if not paths:
        return args
    if not many and len(paths) > 1:
        raise SystemExit(f"asrbench: expected one path for {key}, got {len(paths)}: {' '.join(paths)}")
    quoted = [f'"{p}"' if "'" in p else f"'{p}'" for p in paths]
    value = f"[{','.join(quoted)}]" if many else quoted[0]
    return [arg for arg in args if arg not in paths] + [f"{key}={value}"]

"""Bare file arguments on the command line, turned into Hydra overrides."""

from pathlib import Path


def positional_paths(args: list[str], key: str, many: bool = True) -> list[str]:
    """Turn bare paths among the arguments into one quoted Hydra override: ``key=['a','b']`` (or ``key='a'``).

    A path is an argument that exists on disk, or the value of ``key=PATH`` when that exists, so run
    folders named ``model=aed`` are paths, not overrides (which they would break).
    """
    prefix = f"{key}="
    given = {arg: arg.removeprefix(prefix) for arg in args if arg.startswith(prefix)
             and Path(arg.removeprefix(prefix)).exists()}  # `key=runs/x/model=aed/...` needs quoting too
    paths = [arg for arg in args if not arg.startswith("-") and Path(arg).exists()] + list(given.values())
    args = [arg for arg in args if arg not in given]
    if not paths:
        return args
    if not many and len(paths) > 1:
        raise SystemExit(f"asrbench: expected one path for {key}, got {len(paths)}: {' '.join(paths)}")
    quoted = [f'"{p}"' if "'" in p else f"'{p}'" for p in paths]
    value = f"[{','.join(quoted)}]" if many else quoted[0]
    return [arg for arg in args if arg not in paths] + [f"{key}={value}"]

"""Bare file arguments on the command line, turned into Hydra overrides."""

import re
from pathlib import Path


def positional_paths(args: list[str], key: str, many: bool = True) -> list[str]:
    """Turn bare paths among the arguments into one quoted Hydra override: ``key=['a','b']`` (or ``key='a'``).

    A path is an argument that exists on disk, or the value of ``key=PATH`` when that exists, so run
    folders named ``model=aed`` are paths, not overrides (which they would break).
    """
    prefix = f"{key}="
    # `key=PATH` may arrive quoted by quote_values (a run folder named model=aed); it joins the bare paths.
    values = {arg: _unquote(arg.removeprefix(prefix)) for arg in args if arg.startswith(prefix)}
    given = {arg: value for arg, value in values.items() if Path(value).exists()}
    paths = [arg for arg in args if not arg.startswith("-") and Path(arg).exists()] + list(given.values())
    args = [arg for arg in args if arg not in given]
    if not paths:
        return args
    if not many and len(paths) > 1:
        raise SystemExit(f"asrbench: expected one path for {key}, got {len(paths)}: {' '.join(paths)}")
    quoted = [_quote(p) for p in paths]
    value = f"[{','.join(quoted)}]" if many else quoted[0]
    return [arg for arg in args if arg not in paths] + [f"{key}={value}"]


def _quote(value: str) -> str:
    return f'"{value}"' if "'" in value else f"'{value}'"


def _unquote(value: str) -> str:
    return value[1:-1] if len(value) > 1 and value[0] == value[-1] and value[0] in "'\"" else value


OVERRIDE = re.compile(r"([~+]{0,2}[A-Za-z_][\w.@/-]*)=(.*)", re.DOTALL)


def quote_values(args: list[str]) -> list[str]:
    """Quote override values that contain ``=``, which Hydra's grammar rejects bare ("mismatched input '='"),
    although the run folders of our own sweeps are named that way: ``hydra.run.dir=runs/x/model=aed``
    becomes ``hydra.run.dir='runs/x/model=aed'``. Existing paths and already quoted, list or dict values
    are left alone."""
    quoted = []
    for arg in args:
        match = OVERRIDE.fullmatch(arg)
        value = match.group(2) if match else ""
        if "=" in value and value[0] not in "'\"[{" and "'" not in value and not Path(arg).exists():
            arg = f"{match.group(1)}={_quote(value)}"
        quoted.append(arg)
    return quoted

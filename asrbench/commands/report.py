"""``python -m asrbench report DIR...``: one table and one WER-vs-latency plot for one or more sweeps."""

import sys
from pathlib import Path

import hydra
from omegaconf import DictConfig
from rich.console import Console
from rich.table import Table

from asrbench.commands.paths import positional_paths
from asrbench.config import CONF_DIR
from asrbench.evaluation.plot import plot_wer_latency
from asrbench.evaluation.report import COLUMNS, caption, cells, collect, write_csv, write_latex, write_markdown


def print_report(rows: list[dict]) -> None:
    table = Table(title="asrbench report", caption=caption(rows))
    for i, (header, _, _) in enumerate(COLUMNS):
        table.add_column(header, justify="left" if i < 3 else "right")
    for row in rows:
        table.add_row(*cells(row), style=None if row["status"] == "ok" else "red")
    Console().print(table)


@hydra.main(config_path=CONF_DIR, config_name="report", version_base="1.3")
def app(cfg: DictConfig) -> None:
    dirs = list(cfg.dirs)
    rows = collect(dirs)
    if not rows:
        raise SystemExit(f"asrbench report: no run folders (metrics.json or .hydra/) under {', '.join(dirs)}")
    out = Path(cfg.output_dir or dirs[0])
    out.mkdir(parents=True, exist_ok=True)
    write_markdown(rows, out / "report.md")
    write_csv(rows, out / "report.csv")
    write_latex(rows, out / "report.tex")
    plotted = plot_wer_latency(rows, out / "wer_vs_latency.png", title=", ".join(Path(d).name for d in dirs))
    print_report(rows)
    skipped = sum(r["status"] == "ok" for r in rows) - plotted
    if not plotted:
        print(f"wrote {out}/report.md, report.csv and report.tex; no plot, since no run has a bench latency "
              "(`python -m asrbench bench CHECKPOINT` measures one)")
        return
    note = f" ({skipped} finished run(s) without a bench latency are not plotted)" if skipped else ""
    print(f"wrote {out}/report.md, report.csv, report.tex and wer_vs_latency.png{note}")


def main() -> None:
    sys.argv[1:] = positional_paths(sys.argv[1:], "dirs")
    app()

"""Small rich tables for the console."""

from rich.console import Console
from rich.table import Table


def print_metrics(metrics: dict, title: str) -> None:
    table = Table(title=title)
    for column in ("WER %", "CER %", "sub/del/ins", "utts", "audio s", "RTF", "params M", "train s"):
        table.add_column(column, justify="right")
    table.add_row(
        f"{100 * metrics['wer']:.2f}", f"{100 * metrics['cer']:.2f}",
        f"{metrics['substitutions']}/{metrics['deletions']}/{metrics['insertions']}",
        str(metrics["utterances"]), f"{metrics['audio_seconds']:.0f}", f"{metrics['rtf']:.4f}",
        f"{metrics['parameters'] / 1e6:.2f}", f"{metrics['train_seconds']:.0f}" if "train_seconds" in metrics else "-",
    )
    Console().print(table)
    Console().print(f"normaliser: {metrics['normalizer']}; decode time covers frontend + encoder + decoding "
                    f"on {metrics['device']} with {metrics['threads']} threads")

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
    if len(metrics.get("wer_by_speaker", {})) > 1:
        print_speakers(metrics["wer_by_speaker"])


def print_speakers(by_speaker: dict[str, dict], worst: int = 10) -> None:
    """The ``worst`` speakers by WER: where a model fails is often one voice, not every voice."""
    table = Table(title=f"WER by speaker ({min(worst, len(by_speaker))} worst of {len(by_speaker)})")
    for column, justify in (("speaker", "left"), ("WER %", "right"), ("utts", "right"), ("words", "right")):
        table.add_column(column, justify=justify)
    ranked = sorted(by_speaker.items(), key=lambda item: -item[1]["wer"])[:worst]
    for name, row in ranked:
        table.add_row(name, f"{100 * row['wer']:.2f}", str(row["utterances"]), str(row["ref_words"]))
    Console().print(table)

"""Common Voice language folders (``<root>/<split>.tsv`` + ``<root>/clips/*.mp3``) to JSONL manifests."""

import csv
from pathlib import Path

from rich.progress import track

from asrbench.data.importers.summary import ImportReport, Skip, SplitBuilder, import_splits

COLUMNS = ("client_id", "path", "sentence")
DEFAULT_SPLITS = {"train": "train.tsv", "dev": "dev.tsv", "test": "test.tsv"}


def read_commonvoice_tsv(root: Path, tsv: Path, split: SplitBuilder) -> None:
    """Add each row of one TSV, read with QUOTE_NONE: quotes in sentences are text, not CSV quoting."""
    if not tsv.is_file():
        raise FileNotFoundError(f"{tsv} not found: root= must be a Common Voice language folder (<split>.tsv, clips/)")
    with tsv.open(encoding="utf-8", newline="") as f:
        rows = sum(1 for _ in f) - 1
        f.seek(0)
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, [])
        if any(column not in header for column in COLUMNS):
            raise ValueError(f"{tsv}: expected a Common Voice TSV with header columns {', '.join(COLUMNS)}, "
                             f"got {header or 'an empty file'}")
        column = {name: header.index(name) for name in COLUMNS}
        for row in track(reader, total=rows, description=f"reading {tsv.name}"):
            _add_row(f"{tsv}:{reader.line_num}", root, row, len(header), column, split)


def _add_row(where: str, root: Path, row: list[str], fields: int, column: dict[str, int],
             split: SplitBuilder) -> None:
    if not row:
        return
    if len(row) != fields:
        return split.skip(where, Skip("malformed line", f"{len(row)} tab-separated fields, the header has {fields}"))
    clip = row[column["path"]]
    split.add(where, Path(clip).stem, root / "clips" / clip, row[column["sentence"]], speaker=row[column["client_id"]])


def import_commonvoice(root: str | Path, out_dir: str | Path, splits: dict[str, str] | None = None,
                       strict: bool = False) -> ImportReport:
    """Write one manifest per split from a Common Voice language folder (e.g. ``cv-corpus-17.0/en``).

    ``splits`` maps split names to TSV files in ``root``, by default train/dev/test.tsv.
    Speakers are the ``client_id`` column; ids are the clip names without ``.mp3``.
    """
    root = Path(root)
    return import_splits(out_dir, splits or DEFAULT_SPLITS,
                         lambda tsv, split: read_commonvoice_tsv(root, root / tsv, split), strict)

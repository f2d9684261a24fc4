"""Reading the change-record files of a run (`handbook.checker.csvfile`,
`handbook.checker.yamlfile`) as `handbook.checker.records.Batch` values."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from handbook.checker.csvfile import csv_batches
from handbook.checker.records import CSV_SUFFIXES, Batch, Issue, empty_batch
from handbook.checker.yamlfile import yaml_batches

if TYPE_CHECKING:
    from handbook.checker.mapping import Mapping


@dataclass
class RecordTable:
    """All records of a run in one frame (see `read_records`).

    ``frame`` has the `FIELDS` columns, ``_file``, ``_line`` and ``_fileno``; ``issues``
    have ``row`` numbers into it; ``skipped`` holds ``(file, line)`` of items reported
    (E001) instead of becoming rows.
    """

    frame: pd.DataFrame
    issues: list[Issue] = field(default_factory=list)
    skipped: list[tuple[str, int | None]] = field(default_factory=list)


def iter_batches(
    paths: Sequence[Path],
    *,
    chunk_size: int | None = None,
    mapping: Mapping | None = None,
    titles: bool = True,
) -> Iterator[Batch]:
    """Read every records file, one `Batch` per file or per ``chunk_size`` records: ``.csv``
    as CSV (through ``mapping``, an ITSM export: `handbook.checker.mapping`), anything else
    as YAML; ``titles=False`` skips CSV titles. A file that cannot be read gives a batch
    with one E001 issue and no rows. Never raises on bad input.
    """
    for fileno, path in enumerate(paths):
        file = str(path)
        if path.suffix.lower() in CSV_SUFFIXES:
            yield from csv_batches(path, file, fileno, chunk_size, mapping, titles)
        else:
            yield from yaml_batches(path, file, fileno, chunk_size)


def read_records(paths: Sequence[Path]) -> RecordTable:
    """Every records file in one `RecordTable` (`iter_batches` for small runs and tests)."""
    parts: list[pd.DataFrame] = []
    issues: list[Issue] = []
    skipped: list[tuple[str, int | None]] = []
    offset = 0
    for batch in iter_batches(paths):
        frame = batch.frame.copy()
        frame["_file"] = batch.file
        frame["_fileno"] = batch.fileno
        issues += [i if i.row is None else replace(i, row=i.row + offset) for i in batch.issues]
        skipped.extend((batch.file, line) for line in batch.skipped)
        offset += len(frame)
        if len(frame):
            parts.append(frame)
    if parts:
        frame = pd.concat(parts, ignore_index=True)
    else:
        frame = empty_batch("", 0, []).frame
        frame["_file"] = pd.Series([], dtype=object)
        frame["_fileno"] = pd.Series([], dtype="int64")
    return RecordTable(frame, issues, skipped)

"""Reading the change-record files of a run (`handbook.checker.csvfile`,
`handbook.checker.yamlfile`) as `handbook.checker.records.Batch` values."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from handbook.checker.csvfile import csv_batches
from handbook.checker.records import CSV_SUFFIXES, Batch
from handbook.checker.yamlfile import yaml_batches

if TYPE_CHECKING:
    from handbook.checker.mapping import Mapping


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

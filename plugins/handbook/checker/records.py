"""Reading change-record files (YAML, JSON, CSV) into pandas batches, with positions.

`handbook.checker.codes.FIELD_SPECS` is the single description of the record format
(the site's "record format" table is generated from it). `iter_batches` reads the files of a
run and yields
one `Batch` per file, or per ``chunk_size`` records of a file (``--chunk-size``): a
`pandas.DataFrame` with one row per record and one column per record field (`FIELDS`)
holding the value as text (lists joined with ``;``, booleans as ``true``/``false``) or
NA when absent, plus ``_line`` (1-based line where the record starts; for CSV the row's
physical line). Each batch has a `Locator` that gives the line and column of any field
of any row: the YAML node of the value, or the CSV cell (physical line, character column,
quoted cells may span lines).

CSV is read in streaming blocks. Simple rows (no quotes, every row as wide as the header)
are read by the columnar path when no report lists records (`_CsvReader._columnar`: each
field straight from the bytes with NumPy, a text made only for a cell a message quotes;
the batch's ``read`` holds the fields) or else by pandas' C reader; anything else
(quotes, ragged rows) by the standard library's reader, which knows each row's physical
line. A UTF-8 byte-order mark and CRLF line endings are
accepted. YAML files are read whole (a list of records or a mapping with ``records:``
per document; several documents may follow each other with ``---``).

Problems that stop a file or an item from becoming a row (E001) and type problems seen
while reading (E003) are returned as `Issue` values; value checks (dates, booleans,
references) are done column-wise by `handbook.checker.engine`.
"""

from __future__ import annotations

import bisect
import csv
import io
import os
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Protocol

import numpy as np
import pandas as pd

# The record format (FIELD_SPECS) lives in `handbook.checker.codes`, which has no pandas.
from handbook.checker.codes import FIELD_SPECS
from handbook.checker.values import GATHER_WIDTH, OK, cell_keys, gather_words, parse_time_words
from handbook.model.entities import TIME_FIELDS
from handbook.model.problems import Problem
from handbook.model.sources import LocatedStr, load_yaml_text

#: Value fields of a change record, in the spec's order (``waivers`` is read apart).
FIELDS: tuple[str, ...] = tuple(s.name for s in FIELD_SPECS if s.name != "waivers")
BOOL_FIELDS: tuple[str, ...] = ("emergency", "requires_admin_action", "approval_required")
LIST_FIELDS: tuple[str, ...] = ("channels", "actions")
TEXT_FIELDS: tuple[str, ...] = ("id", "title", "initiator", "change_type", "sop_category")
assert set(TIME_FIELDS) <= set(FIELDS)

YAML_SUFFIXES = (".yaml", ".yml", ".json")
CSV_SUFFIXES = (".csv",)

#: Bytes read from a CSV file at a time.
BLOCK_BYTES = 1 << 24


@dataclass(frozen=True, slots=True)
class Issue:
    """A problem found while reading.

    ``row`` is the record's row in its batch (None when the problem concerns no row,
    e.g. a broken file or an item that is not a mapping); ``record`` its id when known;
    ``field`` the field concerned.
    """

    code: str
    message: str
    file: str
    line: int | None
    row: int | None = None
    record: str | None = None
    field: str | None = None
    column: int | None = None


@dataclass(frozen=True, slots=True)
class RecordWaiver:
    """A waiver written on a record (its ``waivers:`` field), not yet validated.

    ``row`` is the record's row in its batch; the other values are as written (None when
    absent; ``expires_on`` as text); ``line``/``column`` where the waiver is written.
    """

    row: int
    rule: Any
    reason: Any
    approved_by: Any
    expires_on: Any
    record: Any
    line: int
    column: int
    problem: str | None = None


class Locator(Protocol):
    """Where fields of a batch's rows are written."""

    def locate(
        self, rows: np.ndarray, fields: Sequence[str | None], items: Sequence[str | None]
    ) -> tuple[np.ndarray, np.ndarray]:
        """1-based ``(lines, columns)`` (int64 arrays; column 0 = unknown) of ``fields``
        of ``rows``; ``items`` names a list item (a channel, an action) or None. An
        absent field gives the record's first line."""
        ...


class MappingLike(Protocol):
    """What `iter_batches` needs of an ITSM mapping (see `handbook.checker.mapping.Mapping`)."""

    def apply(
        self, raw: pd.DataFrame, header: Sequence[str]
    ) -> tuple[pd.DataFrame, list[tuple[int, str, str, str]], dict[str, str]]:
        """(record fields frame, issues (row, field, code, message), field -> column)."""
        ...

    def columns(self) -> list[str]:
        """Export columns the mapping reads."""
        ...


@dataclass
class Batch:
    """Records of one file, or of one chunk of a file.

    Attributes:
        file: the file as given.
        fileno: index of the file in the run.
        frame: one row per record (index 0..n-1): `FIELDS` (object; NA when absent) and
            ``_line`` (int64, 1-based line where the record starts).
        issues: read-time problems (E001 for the file or an item; E003 with ``row``).
        skipped: lines of items reported (E001) instead of becoming rows; they still
            count as records of the run.
        locator: positions of fields (`Locator`).
        waivers: waivers written on records (``waivers:``).
        nbytes: bytes of input this batch covers (for progress).
        read: fields read straight from the bytes by the CSV columnar path
            (`ReadColumn`); that path's ``frame`` holds only ``_line``: a field in
            neither ``frame`` nor ``read`` is absent from every record.
    """

    file: str
    fileno: int
    frame: pd.DataFrame
    issues: list[Issue] = field(default_factory=list)
    skipped: list[int | None] = field(default_factory=list)
    locator: Locator | None = None
    waivers: list[RecordWaiver] = field(default_factory=list)
    nbytes: int = 0
    read: dict[str, ReadColumn] = field(default_factory=dict)


class Cells:
    """The cells of one CSV column as byte ranges of a chunk (the columnar path): a text
    is made only for the rows asked for.

    ``cells[rows]`` (rows an int array) is an object array of the texts of those rows
    (NaN where the cell is empty, i.e. the field is absent); ``len(cells)`` is the
    number of rows; ``present`` is a bool array (cell not empty); ``data`` the chunk as
    a uint8 array; ``starts``/``lengths`` integer byte offsets and lengths of the cells
    (int32 in chunks under 2 GiB, else int64).
    """

    __slots__ = ("chunk", "data", "lengths", "present", "starts")

    def __init__(self, chunk: bytes, starts: np.ndarray, lengths: np.ndarray) -> None:
        self.chunk = chunk
        self.data = np.frombuffer(chunk, dtype=np.uint8)
        self.starts = starts
        self.lengths = lengths
        self.present: np.ndarray = lengths > 0

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, rows: np.ndarray) -> np.ndarray:
        chunk = self.chunk
        out = np.empty(len(rows), dtype=object)
        out[:] = [
            chunk[a : a + n].decode("utf-8") if n else np.nan
            for a, n in zip(self.starts[rows].tolist(), self.lengths[rows].tolist(), strict=True)
        ]
        return out

    def text(self, row: int) -> str:
        """The text of one row (``""`` when absent)."""
        a = int(self.starts[row])
        return self.chunk[a : a + int(self.lengths[row])].decode("utf-8")

    def texts(self) -> np.ndarray:
        """Every row's text (object array; NaN when absent)."""
        return self[np.arange(len(self))]


@dataclass
class ReadColumn:
    """A record field read straight from a CSV chunk's bytes (the columnar path).

    Attributes:
        present: bool array, the cell is not empty.
        cells: the texts, on demand (`Cells`).
        codes, uniques: for small vocabularies: int64 codes into the distinct texts
            (-1 when absent), in order of first appearance (as `pandas.factorize`).
        times, status: for time fields: as `handbook.checker.values.parse_times` returns them.
        keys: for ``id``: uint64 `handbook.checker.values.word_keys` of every cell (duplicate
            ids are found by key).
    """

    present: np.ndarray
    cells: Cells
    codes: np.ndarray | None = None
    uniques: list[str] | None = None
    times: np.ndarray | None = None
    status: np.ndarray | None = None
    keys: np.ndarray | None = None


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


def empty_frame() -> pd.DataFrame:
    """A records frame with no rows."""
    frame = pd.DataFrame({f: pd.Series([], dtype=object) for f in FIELDS})
    frame["_line"] = pd.Series([], dtype="int64")
    return frame


# --- locators ------------------------------------------------------------------------------


class _YamlLocator:
    """Positions recorded while converting YAML: per row, field -> (line, column)."""

    def __init__(self, lines: list[int], starts: list[tuple[int, int]]) -> None:
        self.lines = lines
        self.starts = starts
        self.positions: list[dict[Any, tuple[int, int]]] = []

    def locate(
        self, rows: np.ndarray, fields: Sequence[str | None], items: Sequence[str | None]
    ) -> tuple[np.ndarray, np.ndarray]:
        n = len(rows)
        out_line = np.zeros(n, dtype=np.int64)
        out_col = np.zeros(n, dtype=np.int64)
        for i, (row, name, value) in enumerate(zip(rows.tolist(), fields, items, strict=True)):
            pos = self.positions[row]
            hit = None
            if isinstance(name, str):
                if isinstance(value, str):
                    hit = pos.get((name, value))
                if hit is None:
                    hit = pos.get(name)
            if hit is None:
                hit = self.starts[row]
            out_line[i], out_col[i] = hit
        return out_line, out_col


class _CellLocator:
    """A `Locator` of CSV cells, field by field: subclasses give the 1-based columns of a
    field's cells (`cell_columns`) and their texts (`cell_texts`, to point at a list item
    inside a cell)."""

    lines: np.ndarray

    def cell_columns(self, name: str, rows: np.ndarray) -> np.ndarray | None:
        raise NotImplementedError

    def cell_texts(self, name: str, rows: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def locate(
        self, rows: np.ndarray, fields: Sequence[str | None], items: Sequence[str | None]
    ) -> tuple[np.ndarray, np.ndarray]:
        out_line = self.lines[rows].astype(np.int64)
        out_col = np.zeros(len(rows), dtype=np.int64)
        codes, names = pd.factorize(np.asarray(list(fields), dtype=object))
        for k, name in enumerate(names.tolist()):
            if not isinstance(name, str):
                continue
            sel = np.flatnonzero(codes == k)
            picked = rows[sel]
            col = self.cell_columns(name, picked)
            if col is None:
                continue
            wanted = [items[i] for i in sel.tolist()]
            if any(isinstance(v, str) for v in wanted):
                texts = self.cell_texts(name, picked)
                for m, value in enumerate(wanted):
                    cell = texts[m]
                    if isinstance(value, str) and isinstance(cell, str):
                        at = cell.find(value)
                        if at > 0:
                            col[m] += at
            out_col[sel] = col
        return out_line, out_col


class _CsvFastLocator(_CellLocator):
    """Positions in a chunk of one-line CSV rows without quotes: cell ``j`` of a row
    starts ``j`` commas plus the lengths of the cells before it after the row's start
    (in characters). Columns that were not read (``title`` when no report shows it, a
    column the checker does not know) come with their lengths in ``unread``."""

    def __init__(
        self,
        raw: pd.DataFrame,
        lines: np.ndarray,
        field_col: dict[str, int],
        header: Sequence[str],
        unread: dict[int, np.ndarray],
    ) -> None:
        self.raw = raw
        self.lines = lines
        self.field_col = field_col
        self.header = list(header)
        self.unread = unread

    def cell_columns(self, name: str, rows: np.ndarray) -> np.ndarray | None:
        j = self.field_col.get(name)
        if j is None:
            return None
        col = np.full(len(rows), 1 + j, dtype=np.int64)
        for c in range(j):
            if c in self.unread:
                col += self.unread[c][rows]
                continue
            column = self.raw[self.header[c]].to_numpy(dtype=object)
            cells = pd.Series(column[rows], dtype=object)
            col += cells.str.len().fillna(0).to_numpy(dtype=np.int64)
        return col

    def cell_texts(self, name: str, rows: np.ndarray) -> np.ndarray:
        column: np.ndarray = self.raw[self.header[self.field_col[name]]].to_numpy(dtype=object)
        result: np.ndarray = column[rows]
        return result


def _cell_lengths(
    chunk: bytes,
    row_starts: np.ndarray,
    commas: np.ndarray,
    ncols: int,
    c: int,
    ascii_only: bool,
) -> np.ndarray:
    """Characters of cell ``c`` (not the last) of every row of a chunk whose rows hold
    exactly (columns - 1) commas each."""
    ends = commas[c :: ncols - 1].astype(np.int64)
    if c == 0:
        begins = row_starts.astype(np.int64)
    else:
        begins = commas[c - 1 :: ncols - 1].astype(np.int64) + 1
    if ascii_only:
        result: np.ndarray = ends - begins
        return result
    # a comma is never part of a multi-byte UTF-8 sequence: each cell decodes alone
    return np.fromiter(
        (
            len(chunk[a:b].decode("utf-8"))
            for a, b in zip(begins.tolist(), ends.tolist(), strict=True)
        ),
        dtype=np.int64,
        count=len(begins),
    )


_QUOTED = re.compile(r'"(?:[^"]|"")*"?')
_PLAIN = re.compile(r'[^,\r\n"]*')
_NEWLINE = re.compile(r"\r\n|\r|\n")


class _CsvCarefulLocator:
    """Positions in a chunk read by the standard library's reader: the record's text is
    tokenised again (quoted cells may span lines) for the rows that need a position."""

    def __init__(
        self,
        text: str,
        row_lines: list[int],
        first_line: int,
        field_col: dict[str, int],
    ) -> None:
        self.text = text
        self.row_lines = row_lines  # local 1-based line where each row starts
        self.first_line = first_line  # file line of the chunk's local line 1
        self.field_col = field_col
        self._starts: list[int] | None = None

    def _line_starts(self) -> list[int]:
        if self._starts is None:
            self._starts = [0] + [m.end() for m in _NEWLINE.finditer(self.text)]
        return self._starts

    def locate(
        self, rows: np.ndarray, fields: Sequence[str | None], items: Sequence[str | None]
    ) -> tuple[np.ndarray, np.ndarray]:
        starts = self._line_starts()
        n = len(rows)
        out_line = np.zeros(n, dtype=np.int64)
        out_col = np.zeros(n, dtype=np.int64)
        text = self.text
        for i, (row, name, value) in enumerate(zip(rows.tolist(), fields, items, strict=True)):
            local = self.row_lines[row]
            out_line[i] = local + self.first_line - 1
            j = self.field_col.get(name) if isinstance(name, str) else None
            if j is None:
                continue
            pos = starts[local - 1]
            for _ in range(j):
                m = (_QUOTED if text.startswith('"', pos) else _PLAIN).match(text, pos)
                pos = (m.end() if m else pos) + 1
            if isinstance(value, str):
                m = (_QUOTED if text.startswith('"', pos) else _PLAIN).match(text, pos)
                cell = m.group(0) if m else ""
                at = cell.find(value)
                if at > 0:
                    pos += at
            line = bisect.bisect_right(starts, pos)
            out_line[i] = line + self.first_line - 1
            out_col[i] = pos - starts[line - 1] + 1
        return out_line, out_col


# --- YAML ----------------------------------------------------------------------------------


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "text"


def _pos_of(
    value: Any, key_pos: tuple[int, int] | None, default: tuple[int, int]
) -> tuple[int, int]:
    if isinstance(value, LocatedStr):
        return (value.line, value.column)
    return key_pos or default


def _line_of(value: Any, default: int | None) -> int | None:
    if isinstance(value, dict):
        at = value.get("at")
        if isinstance(at, dict) and isinstance(at.get("line"), int):
            return int(at["line"])
    line = getattr(value, "line", None)
    return line if isinstance(line, int) else default


def _yaml_record(
    item: dict[str, Any],
    issues: list[tuple[str, str, str]],
    positions: dict[Any, tuple[int, int]],
    start: tuple[int, int],
) -> dict[str, str | None]:
    """Canonical text values of one YAML record; type problems go to ``issues``, value
    positions to ``positions``."""
    keys: dict[str, tuple[int, int]] = item.get("at", {}).get("keys", {})
    out: dict[str, str | None] = {}
    for name in FIELDS:
        value = item.get(name)
        if name in keys:
            positions[name] = _pos_of(value, tuple(keys[name]), start)  # type: ignore[arg-type]
        if value is None:
            out[name] = None
        elif name in LIST_FIELDS:
            values = value if isinstance(value, list) else [value]
            if any(isinstance(v, (list, dict)) for v in values):
                issues.append(
                    (
                        name,
                        "E003",
                        f"{name} must be a list of ids, not {_describe(value)}"
                        " containing lists or mappings",
                    )
                )
                out[name] = None
            else:
                texts = []
                for v in values:
                    if v is None:
                        continue
                    text = str(v).strip()
                    if isinstance(v, LocatedStr):
                        positions.setdefault((name, text), (v.line, v.column))
                    texts.append(text)
                joined = ";".join(t for t in texts if t)
                out[name] = joined or None
        elif name in BOOL_FIELDS:
            if isinstance(value, (list, dict)):
                issues.append(
                    (name, "E003", f"{name} must be true or false, not {_describe(value)}")
                )
                out[name] = None
            else:
                text = ("true" if value else "false") if isinstance(value, bool) else str(value)
                out[name] = text.strip() or None
        elif isinstance(value, (list, dict)) or (isinstance(value, bool) and name != "title"):
            issues.append((name, "E003", f"{name} must be text, not {_describe(value)}"))
            out[name] = None
        else:
            text = ("true" if value else "false") if isinstance(value, bool) else str(value)
            out[name] = text.strip() or None
    return out


def _record_waivers(
    item: dict[str, Any], row: int, start: tuple[int, int], out: list[RecordWaiver]
) -> None:
    value = item.get("waivers")
    if value is None:
        return
    keys: dict[str, tuple[int, int]] = item.get("at", {}).get("keys", {})
    where = tuple(keys.get("waivers", start))
    entries = value if isinstance(value, list) else [value]
    for entry in entries:
        line, column = _line_of(entry, where[0]) or where[0], where[1]
        if isinstance(entry, dict):
            at = entry.get("at", {})
            line, column = at.get("line", line), at.get("column", column)
            out.append(
                RecordWaiver(
                    row,
                    entry.get("rule"),
                    entry.get("reason"),
                    entry.get("approved_by"),
                    entry.get("expires_on"),
                    entry.get("record"),
                    int(line),
                    int(column),
                )
            )
        else:
            out.append(
                RecordWaiver(
                    row,
                    None,
                    None,
                    None,
                    None,
                    None,
                    int(line),
                    int(column),
                    problem=f"a waiver must be a mapping of rule, reason, approved_by and "
                    f"expires_on, not {_describe(entry)}",
                )
            )


def load_yaml_records_text(text: str, file: str) -> tuple[list[Any], list[Problem]]:
    """Parse every YAML document of a records file (`handbook.model.sources.load_yaml_text`)
    with a node budget proportional to the text (one value per character, at least
    1,000): a records file has no reason to expand beyond its size, so an alias bomb is
    refused at once."""
    return load_yaml_text(text, file, budget=len(text) + 1000)


def _decode(raw: bytes, file: str) -> tuple[str | None, Issue | None]:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, Issue(
            "E001",
            f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "save the file as UTF-8",
            file,
            line,
        )


def _read_bytes(path: Path, file: str) -> tuple[bytes | None, Issue | None]:
    if path.is_dir():
        return None, Issue("E001", "is a folder, not a change-record file", file, None)
    try:
        return path.read_bytes(), None
    except FileNotFoundError:
        return None, Issue("E001", "file not found", file, None)
    except OSError as exc:
        return None, Issue("E001", f"cannot read the file: {exc.strerror}", file, None)


def _yaml_items(docs: list[Any], file: str) -> tuple[list[Any], list[Issue]]:
    items: list[Any] = []
    bad: list[Issue] = []
    for doc in docs:
        if doc is None:
            continue
        found: Any = doc
        if isinstance(doc, dict):
            if "records" not in doc:
                bad.append(
                    Issue(
                        "E001",
                        "expected a list of change records or a mapping with 'records:'",
                        file,
                        _line_of(doc, 1),
                    )
                )
                continue
            found = doc["records"]
            if found is None:
                continue
        if not isinstance(found, list):
            bad.append(
                Issue(
                    "E001",
                    f"expected a list of change records, found {_describe(found)}",
                    file,
                    _line_of(found, 1),
                )
            )
            continue
        items.extend(found)
    return items, bad


def _yaml_batches(path: Path, file: str, fileno: int, chunk_size: int | None) -> Iterator[Batch]:
    raw, issue = _read_bytes(path, file)
    if raw is None:
        yield Batch(file, fileno, empty_frame(), [issue] if issue else [])
        return

    def file_level(issues: list[Issue]) -> Batch:
        """A batch of no rows carrying the file's own problems."""
        return Batch(file, fileno, empty_frame(), issues, nbytes=len(raw))

    empty = Issue("E001", "the file is empty; expected a list of change records", file, 1)
    text, issue = _decode(raw, file)
    if text is None:
        yield file_level([issue] if issue else [])
        return
    if not text.strip():
        yield file_level([empty])
        return
    docs, problems = load_yaml_records_text(text, file)
    if problems:
        last = max(1, text.count("\n") + (0 if text.endswith("\n") else 1))
        p = problems[0]
        line = min(p.line, last) if p.line else None
        yield file_level([Issue("E001", p.message, file, line, column=None)])
        return
    if all(d is None for d in docs):
        yield file_level([empty])
        return
    items, bad = _yaml_items(docs, file)
    size = chunk_size or max(1, len(items))
    first = True
    for begin in range(0, max(1, len(items)), size):
        part = items[begin : begin + size]
        batch = _yaml_batch(part, file, fileno)
        if first:
            batch.issues[:0] = bad
            batch.nbytes = len(raw)
            first = False
        yield batch


def _yaml_batch(items: list[Any], file: str, fileno: int) -> Batch:
    rows: list[dict[str, Any]] = []
    issues: list[Issue] = []
    skipped: list[int | None] = []
    waivers: list[RecordWaiver] = []
    lines: list[int] = []
    starts: list[tuple[int, int]] = []
    locator = _YamlLocator(lines, starts)
    last_line: int | None = None
    for item in items:
        line = _line_of(item, last_line)
        if not isinstance(item, dict):
            issues.append(
                Issue(
                    "E001",
                    "a change record must be a mapping of 'field: value' "
                    f"lines, found {_describe(item)}",
                    file,
                    line,
                    column=getattr(item, "column", None),
                )
            )
            skipped.append(line)
            continue
        last_line = line
        at = item.get("at", {})
        start = (int(at.get("line", line or 1)), int(at.get("column", 1)))
        found: list[tuple[str, str, str]] = []
        positions: dict[Any, tuple[int, int]] = {}
        row: dict[str, Any] = _yaml_record(item, found, positions, start)
        row["_line"] = start[0]
        index = len(rows)
        for name, code, msg in found:
            pos = positions.get(name, start)
            issues.append(Issue(code, msg, file, pos[0], row=index, field=name, column=pos[1]))
        _record_waivers(item, index, start, waivers)
        rows.append(row)
        lines.append(start[0])
        starts.append(start)
        locator.positions.append(positions)
    frame = pd.DataFrame.from_records(rows, columns=[*FIELDS, "_line"]) if rows else empty_frame()
    for name in FIELDS:
        frame[name] = frame[name].astype(object)
    frame["_line"] = frame["_line"].astype("int64")
    ids = [r["id"] for r in rows]
    issues = [
        Issue(i.code, i.message, i.file, i.line, i.row, ids[i.row], i.field, i.column)
        if i.row is not None
        else i
        for i in issues
    ]
    return Batch(file, fileno, frame, issues, skipped, locator, waivers)


# --- CSV -----------------------------------------------------------------------------------


class _Lines:
    """Whole lines from a binary file, a block at a time."""

    def __init__(self, f: BinaryIO) -> None:
        self.f = f
        self.buf = b""
        self.eof = False
        self.first = True

    def _read(self, size: int = -1) -> bytes:
        data = self.f.read(size)
        if self.first:
            self.first = False
            if data.startswith(b"\xef\xbb\xbf"):
                data = data[3:]
        if not data or size < 0:
            self.eof = True
        return data

    def take(self, n: int | None) -> bytes:
        """Up to ``n`` lines (all the rest when None), newline included."""
        if n is None:
            if self.f.seekable() and not self.first and not self.eof:
                # read the rest at once from where the buffer starts (no copy to join)
                self.f.seek(self.f.tell() - len(self.buf))
                self.buf = b""
                self.eof = True
                return self.f.read()
            parts = [self.buf]
            while not self.eof:
                parts.append(self._read())
            self.buf = b""
            return b"".join(parts)
        parts = [self.buf]
        have = self.buf.count(b"\n")
        while have < n and not self.eof:
            data = self._read(BLOCK_BYTES)
            parts.append(data)
            have += data.count(b"\n")
        buf = b"".join(parts) if len(parts) > 1 else parts[0]
        if have < n:
            self.buf = b""
            return buf
        if n <= 64:
            pos = -1
            for _ in range(n):
                pos = buf.find(b"\n", pos + 1)
        else:
            nl = np.flatnonzero(np.frombuffer(buf, dtype=np.uint8) == 10)
            pos = int(nl[n - 1])
        self.buf = buf[pos + 1 :]
        return buf[: pos + 1]

    def complete(self, chunk: bytes) -> bytes:
        """``chunk`` extended until its quotes balance (a record may span lines)."""
        if b'"' not in chunk:
            return chunk
        odd = chunk.count(b'"') % 2
        if not odd:
            return chunk
        parts = [chunk]
        while odd:
            more = self.take(1024)
            if not more:
                break
            parts.append(more)
            odd ^= more.count(b'"') % 2
        return b"".join(parts)

    def unread(self, data: bytes) -> None:
        self.buf = data + self.buf

    @property
    def done(self) -> bool:
        """True when every byte has been taken."""
        return self.eof and not self.buf


def _is_blank(line: bytes) -> bool:
    return not line.strip()


#: Bytes scanned at a time by the NumPy scans (small buffers stay in cache).
SCAN_BLOCK = 1 << 20


def _scan_lines(data: np.ndarray) -> tuple[np.ndarray, bool]:
    """Positions of the newlines of ``data``, and whether a space touches a comma or a
    line end (then cells need stripping); block by block with reused buffers."""
    buf = np.empty(min(SCAN_BLOCK, max(1, data.size)), dtype=bool)
    found: list[np.ndarray] = []
    edge = False
    for off in range(0, data.size, SCAN_BLOCK):
        blk = data[off : off + SCAN_BLOCK]
        m = buf[: len(blk)]
        np.equal(blk, 10, out=m)
        found.append(np.flatnonzero(m) + off)
        if not edge:
            np.equal(blk, 32, out=m)
            sp = np.flatnonzero(m)
            if sp.size:
                sp = sp + off
                before = data[np.maximum(sp - 1, 0)]
                after = data[np.minimum(sp + 1, data.size - 1)]
                edge = bool(
                    np.any((before == 44) | (before == 10) | (after == 44) | (after == 10))
                    or np.any(after == 13)
                    or sp[-1] == data.size - 1
                )
    nl = np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
    return nl, edge


def _scan_commas(data: np.ndarray) -> np.ndarray:
    """Positions of the commas of ``data`` (block by block)."""
    buf = np.empty(min(SCAN_BLOCK, max(1, data.size)), dtype=bool)
    found: list[np.ndarray] = []
    small = data.size < 2**31
    for off in range(0, data.size, SCAN_BLOCK):
        blk = data[off : off + SCAN_BLOCK]
        m = buf[: len(blk)]
        np.equal(blk, 44, out=m)
        pos = np.flatnonzero(m)
        found.append((pos.astype(np.int32) if small else pos) + off)
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


_KEY_MIX = np.uint64(0x9E3779B97F4A7C15)


def _decode_cells(chunk: bytes, starts: np.ndarray, lengths: np.ndarray) -> list[str]:
    return [
        chunk[a : a + n].decode("utf-8")
        for a, n in zip(starts.tolist(), lengths.tolist(), strict=True)
    ]


def _factorize_cells(
    chunk: bytes, data: np.ndarray, starts: np.ndarray, lengths: np.ndarray
) -> tuple[np.ndarray, list[str]]:
    """``(codes, uniques)`` of a column of cells, as `pandas.factorize` gives them for
    the texts (codes -1 for empty cells; uniques in order of first appearance), with a
    text made per distinct value only: cells are factorized by a 64-bit key of their
    zero-padded words (the word itself for cells of up to 8 bytes), then every cell is
    proved equal, word by word, to one cell of its key (a key collision, or a cell
    over `GATHER_WIDTH` bytes, falls back to factorizing the texts)."""
    codes = np.full(len(starts), -1, dtype=np.int64)
    idx = np.flatnonzero(lengths > 0)
    if not idx.size:
        return codes, []
    s, ln = starts[idx], lengths[idx]
    width = int(ln.max())
    if width > GATHER_WIDTH:
        return _factorize_texts(chunk, starts, lengths)
    words = gather_words(data, s, ln, -(-width // 8))
    key = words[:, 0].copy()
    for j in range(1, words.shape[1]):
        key *= _KEY_MIX
        key ^= words[:, j]
    c, _ = pd.factorize(key)
    c = np.asarray(c, dtype=np.int64)
    # one row per code (any: when every row equals its code's row, all rows do)
    first = np.empty(int(c.max()) + 1, dtype=np.int64)
    first[c] = np.arange(c.size)
    if words.shape[1] > 1 and not np.array_equal(words, words[first[c]]):
        return _factorize_texts(chunk, starts, lengths)
    codes[idx] = c
    rep = idx[first]
    return codes, _decode_cells(chunk, starts[rep], lengths[rep])


def _factorize_texts(
    chunk: bytes, starts: np.ndarray, lengths: np.ndarray
) -> tuple[np.ndarray, list[str]]:
    """`_factorize_cells` by the texts themselves (long cells, key collisions)."""
    codes = np.full(len(starts), -1, dtype=np.int64)
    idx = np.flatnonzero(lengths > 0)
    texts = np.asarray(_decode_cells(chunk, starts[idx], lengths[idx]), dtype=object)
    c, u = pd.factorize(texts)
    codes[idx] = c
    return codes, [str(x) for x in u]


#: Threads of the columnar path (`_read_field` runs per field).
READ_THREADS = min(2, os.cpu_count() or 1)
_POOL: list[ThreadPoolExecutor] = []
_POOL_LOCK = threading.Lock()


def _field_pool() -> ThreadPoolExecutor:
    """The columnar path's threads, made once per process: the same threads serve every
    batch (new threads per batch would each take a new malloc arena, and memory would
    creep up with the number of batches)."""
    with _POOL_LOCK:
        if not _POOL:
            _POOL.append(ThreadPoolExecutor(READ_THREADS, thread_name_prefix="handbook-read"))
        return _POOL[0]


def _read_field(name: str, column: Cells) -> ReadColumn:
    """One field of the columnar path, from its cells: times parsed, ids keyed, any
    other field factorized."""
    data, chunk = column.data, column.chunk
    idx = np.flatnonzero(column.present)
    starts, lengths = column.starts[idx], column.lengths[idx]
    n = len(column)
    width = int(lengths.max()) if idx.size else 0
    if name in TIME_FIELDS:  # every common shape fits in 32 bytes
        words = gather_words(data, starts, lengths, 3 if width <= 24 else 4)
        us, st = parse_time_words(words, lengths, _texts_of(column, idx))
        status = np.zeros(n, dtype=np.int8)
        status[idx] = st
        times = np.full(n, np.datetime64("NaT", "us"))
        ok = st == OK
        times[idx[ok]] = us[ok].view("datetime64[us]")
        return ReadColumn(column.present, column, times=times, status=status)
    if name == "id":
        keys = np.zeros(n, dtype=np.uint64)
        keys[idx] = cell_keys(data, starts, lengths)
        return ReadColumn(column.present, column, keys=keys)
    codes, uniques = _factorize_cells(chunk, data, column.starts, column.lengths)
    return ReadColumn(column.present, column, codes, uniques)


def _texts_of(cells: Cells, rows: np.ndarray) -> Callable[[int], str]:
    """k -> the text of ``rows[k]``."""
    return lambda k: cells.text(int(rows[k]))


class _CsvCellLocator(_CellLocator):
    """Positions in a chunk read by the columnar path: each read field's cell starts are
    known; a column is the characters from the row's start to the cell's, plus one."""

    def __init__(
        self,
        chunk: bytes,
        lines: np.ndarray,
        row_starts: np.ndarray,
        cells: dict[str, Cells],
        ascii_only: bool,
    ) -> None:
        self.chunk = chunk
        self.lines = lines
        self.row_starts = row_starts
        self.cells = cells
        self.ascii_only = ascii_only

    def cell_columns(self, name: str, rows: np.ndarray) -> np.ndarray | None:
        cells = self.cells.get(name)
        if cells is None:
            return None
        begin = cells.starts[rows].astype(np.int64)
        row_start = self.row_starts[rows].astype(np.int64)
        if self.ascii_only:
            result: np.ndarray = begin - row_start + 1
            return result
        chunk = self.chunk
        return np.fromiter(
            (
                len(chunk[a:b].decode("utf-8")) + 1
                for a, b in zip(row_start.tolist(), begin.tolist(), strict=True)
            ),
            dtype=np.int64,
            count=len(rows),
        )

    def cell_texts(self, name: str, rows: np.ndarray) -> np.ndarray:
        return self.cells[name][rows]


def _error_at(chunk: bytes, start: int) -> int:
    return chunk[:start].count(b"\n")


class _CsvReader:
    """Reads one CSV file in chunks of records (`Batch` per chunk)."""

    def __init__(
        self,
        path: Path,
        file: str,
        fileno: int,
        chunk_size: int | None,
        mapping: MappingLike | None,
        titles: bool = True,
    ) -> None:
        self.titles = titles
        self.path = path
        self.file = file
        self.fileno = fileno
        self.chunk_size = chunk_size
        self.mapping = mapping
        self.header: list[str] = []
        self.field_col: dict[str, int] = {}

    def _batch(self, issues: list[Issue], nbytes: int = 0) -> Batch:
        return Batch(self.file, self.fileno, empty_frame(), issues, nbytes=nbytes)

    def batches(self) -> Iterator[Batch]:
        if self.path.is_dir():
            yield self._batch(
                [Issue("E001", "is a folder, not a change-record file", self.file, None)]
            )
            return
        try:
            f = self.path.open("rb")
        except OSError as exc:
            yield self._batch(
                [Issue("E001", f"cannot read the file: {exc.strerror}", self.file, None)]
            )
            return
        with f:
            try:
                yield from self._read(_Lines(f))
            except OSError as exc:
                yield self._batch(
                    [Issue("E001", f"cannot read the file: {exc.strerror}", self.file, None)]
                )

    def _read(self, lines: _Lines) -> Iterator[Batch]:
        file = self.file
        line_no = 0  # lines consumed so far
        # header: the first non-blank line (and its continuation lines inside quotes)
        while True:
            block = lines.take(4096)
            if not block:
                yield self._batch([Issue("E001", "the file has no header row", file, 1)])
                return
            if not block.strip():
                line_no += block.count(b"\n")
                continue
            parts = block.split(b"\n")
            skip = 0
            while _is_blank(parts[skip]):
                skip += 1
            line_no += skip
            head = parts[skip] + (b"\n" if skip < len(parts) - 1 else b"")
            lines.unread(b"\n".join(parts[skip + 1 :]))
            break
        while head.count(b'"') % 2:
            more = lines.take(1)
            if not more:
                break
            head += more
        header_line = line_no + 1
        text, issue = _decode(head, file)
        if text is None:
            assert issue is not None
            yield self._batch([Issue("E001", issue.message, file, header_line)])
            return
        try:
            header_rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
        except csv.Error as exc:
            yield self._batch([Issue("E001", f"not valid CSV: {exc}", file, header_line)])
            return
        header = [c.strip() for c in (header_rows[0] if header_rows else [])]
        line_no += max(1, head.count(b"\n"))
        problem = self._header_problem(header)
        if problem is not None:
            yield self._batch([Issue("E001", problem, file, header_line)])
            return
        self.header = header
        issues: list[Issue] = []
        if self.mapping is None and "waivers" in header:
            issues.append(
                Issue(
                    "E001",
                    "a 'waivers' column is not read from CSV; write waivers in a waivers "
                    "file (--waivers) or in YAML records",
                    file,
                    header_line,
                )
            )
        produced = False
        while True:
            chunk = lines.complete(lines.take(self.chunk_size))
            if not chunk:
                break
            first_line = line_no + 1
            line_no += chunk.count(b"\n")
            batch, stop = self._chunk(chunk, first_line)
            batch.issues[:0] = issues
            issues = []
            produced = True
            yield batch
            if stop:
                return
            if lines.done:
                break
        if not produced:
            yield self._batch(issues)

    def _header_problem(self, header: list[str]) -> str | None:
        """Why the header row cannot be read (an E001 message), or None."""
        if len(set(header)) != len(header):
            dup = sorted({c for c in header if header.count(c) > 1})
            return "the header names a column twice: " + ", ".join(dup)
        if self.mapping is not None:
            wanted = self.mapping.columns()
            if not any(c in header for c in wanted):
                return (
                    "the header names none of the columns the mapping reads; expected "
                    "columns such as: " + ", ".join(wanted)
                )
        elif not any(f in header for f in FIELDS):
            return (
                "the header row names no change-record field; expected "
                "columns such as: " + ", ".join(FIELDS)
            )
        return None

    def _chunk(self, chunk: bytes, first_line: int) -> tuple[Batch, bool]:
        """One batch from complete records; ``stop`` when the file cannot be read on."""
        file = self.file
        ascii_only = chunk.isascii()
        if not ascii_only:
            try:
                chunk.decode("utf-8")
            except UnicodeDecodeError as exc:
                line = first_line + _error_at(chunk, exc.start)
                return (
                    self._batch(
                        [
                            Issue(
                                "E001",
                                f"not UTF-8 text (byte 0x{chunk[exc.start]:02x} on this line); "
                                "save the file as UTF-8",
                                file,
                                line,
                            )
                        ],
                        len(chunk),
                    ),
                    True,
                )
        nul = chunk.find(b"\x00")
        if nul >= 0:
            line = first_line + _error_at(chunk, nul)
            issue = Issue("E001", "contains a NUL byte: not a text file", file, line)
            return self._batch([issue], len(chunk)), True
        if chunk.isspace():
            return self._batch([], len(chunk)), False
        fast = None
        if b'"' not in chunk and (b"\r" not in chunk or chunk.count(b"\r") == chunk.count(b"\r\n")):
            fast = self._fast(chunk, first_line, ascii_only)
        if fast is not None:
            return fast, False
        return self._careful(chunk, first_line)

    def _fast(self, chunk: bytes, first_line: int, ascii_only: bool) -> Batch | None:
        """Parse unquoted one-line rows with pandas' C reader; None when the chunk needs
        the careful reader (a row of the wrong width, a whitespace-only line, ...).

        Widths are checked by count: pandas refuses a row with too many cells, and the
        chunk's commas must number exactly (columns - 1) per row; when some columns are
        not read, pandas accepts a long row, so every row's commas are checked.
        Columns no report needs are not read (``title`` unless ``titles``; columns that
        are no record field): a Python string per cell is most of the reading time.
        """
        header = self.header
        ncols = len(header)
        data = np.frombuffer(chunk, dtype=np.uint8)
        nl, edge_space = _scan_lines(data)
        starts = np.concatenate(([0], nl + 1))
        ends = np.append(nl, data.size)
        if starts[-1] >= data.size:
            starts, ends = starts[:-1], ends[:-1]
        lengths = ends - starts
        cr = np.zeros(len(lengths), dtype=bool)
        has = lengths > 0
        cr[has] = data[ends[has] - 1] == 13
        nonblank = np.flatnonzero((lengths - cr) > 0)
        usecols = None
        if self.mapping is None and not self.titles:
            usecols = self.wanted_columns()
            if len(usecols) == ncols:
                usecols = None
        row_starts = starts[nonblank]
        columnar = self.mapping is None and not self.titles
        commas = None
        if usecols is None and not columnar:
            if chunk.count(b",") != (ncols - 1) * nonblank.size:
                return None
        else:
            commas = _scan_commas(data)
            if commas.size != (ncols - 1) * nonblank.size:
                return None
            # every row holds exactly (columns - 1) commas: its first comma is the
            # (r * (columns - 1))-th of the chunk and its last lies before its end
            if ncols > 1 and nonblank.size:
                first = commas[0 :: ncols - 1]
                last = commas[ncols - 2 :: ncols - 1]
                if not (np.all(first >= row_starts) and np.all(last < ends[nonblank])):
                    return None
        lines = first_line + nonblank.astype(np.int64)
        strip = edge_space or data[0] in (9, 32) or b"\t" in chunk
        if columnar and commas is not None and not strip:
            row_ends = ends[nonblank] - cr[nonblank]
            return self._columnar(chunk, data, lines, row_starts, row_ends, commas, ascii_only)
        try:
            raw = pd.read_csv(
                io.BytesIO(chunk),
                header=None,
                names=header,
                usecols=usecols,
                index_col=False,
                dtype=object,
                keep_default_na=False,
                na_values=[""],
                skip_blank_lines=True,
                quoting=csv.QUOTE_NONE,
                engine="c",
                encoding="utf-8",
            )
        except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
            return None
        if len(raw) != nonblank.size:
            return None
        frame, issues, field_col = self._fields(raw, strip=strip)
        frame["_line"] = lines
        batch = Batch(self.file, self.fileno, frame, [], [], None, [], len(chunk))
        unread: dict[int, np.ndarray] = {}
        if usecols is not None and commas is not None and field_col:
            read = set(usecols)
            for c, name in enumerate(header[: max(field_col.values())]):
                if name not in read:
                    unread[c] = _cell_lengths(chunk, row_starts, commas, ncols, c, ascii_only)
        batch.locator = _CsvFastLocator(raw, lines, field_col, header, unread)
        self._row_issues(batch, issues)
        return batch

    def _columnar(
        self,
        chunk: bytes,
        data: np.ndarray,
        lines: np.ndarray,
        row_starts: np.ndarray,
        row_ends: np.ndarray,
        commas: np.ndarray,
        ascii_only: bool,
    ) -> Batch:
        """The columnar path: rows without quotes or edge spaces whose commas are known
        (every row holds exactly columns - 1), read field by field straight from the
        bytes. Small vocabularies become codes (`_factorize_cells`), times are parsed on
        the bytes (`parse_time_words`), ids are compared by their 64-bit keys; no text
        is made unless a message or a report needs it (`Cells`)."""
        header = self.header
        ncols = len(header)
        step = ncols - 1
        index = {c: i for i, c in enumerate(header)}
        cells: dict[str, Cells] = {}
        # the commas of each cell position, one contiguous row each (one transposing copy
        # instead of a strided pass over all the commas per field)
        # offsets as int32 when the chunk allows (half the memory of int64)
        kind: type[np.signedinteger[Any]] = np.int32 if len(chunk) < 2**31 - 64 else np.int64
        rows = len(row_starts)
        by_position = commas.reshape(rows, step).T.astype(kind) if step else None
        first, last = row_starts.astype(kind), row_ends.astype(kind)
        for name in FIELDS:
            j = index.get(name)
            if j is None or name == "title":
                continue
            if by_position is None:
                begin, end = first, last
            else:
                begin = first if j == 0 else by_position[j - 1] + 1
                end = last if j == step else by_position[j]
            cells[name] = Cells(chunk, begin, end - begin)
        # the fields are independent and NumPy releases the GIL in its loops: two
        # threads read them side by side (the results do not depend on the order)
        names = list(cells)
        done = _field_pool().map(lambda name: _read_field(name, cells[name]), names)
        read = dict(zip(names, done, strict=True))
        frame = pd.DataFrame({"_line": lines})
        batch = Batch(self.file, self.fileno, frame, nbytes=len(chunk), read=read)
        batch.locator = _CsvCellLocator(chunk, lines, row_starts, cells, ascii_only)
        return batch

    def wanted_columns(self) -> list[str]:
        """Header columns to read: the record fields (or the mapping's columns)."""
        if self.mapping is not None:
            wanted = set(self.mapping.columns())
        else:
            wanted = set(FIELDS)
            if not self.titles:
                wanted.discard("title")
        return [c for c in self.header if c in wanted]

    def field_names(self, field_col: dict[str, int]) -> dict[str, str]:
        """Record field -> header column it is read from."""
        return {name: self.header[j] for name, j in field_col.items()}

    def _careful(self, chunk: bytes, first_line: int) -> tuple[Batch, bool]:
        file = self.file
        text = chunk.decode("utf-8")
        ncols = len(self.header)
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        rows: list[list[str]] = []
        row_lines: list[int] = []
        issues: list[Issue] = []
        skipped: list[int | None] = []
        line = 1
        stop = False
        try:
            for cells in reader:
                start = line
                line = reader.line_num + 1
                if not cells or (len(cells) <= 1 and all(not c.strip() for c in cells)):
                    continue
                if len(cells) != ncols:
                    where = first_line + start - 1
                    issues.append(
                        Issue(
                            "E001",
                            f"row has {len(cells)} cell(s), the header has {ncols} (columns are: "
                            f"{', '.join(self.header)}; quote cells that contain commas)",
                            file,
                            where,
                        )
                    )
                    skipped.append(where)
                    continue
                rows.append(cells)
                row_lines.append(start)
        except csv.Error as exc:
            issues.append(
                Issue("E001", f"not valid CSV: {exc}", file, first_line + reader.line_num - 1)
            )
            stop = True
        raw = (
            pd.DataFrame(rows, columns=self.header, dtype=object)
            if rows
            else pd.DataFrame({c: pd.Series([], dtype=object) for c in self.header})
        )
        raw = raw.where(raw != "", np.nan) if rows else raw
        frame, row_issues, field_col = self._fields(raw, strip=True)
        frame["_line"] = np.asarray(row_lines, dtype=np.int64) + (first_line - 1)
        batch = Batch(self.file, self.fileno, frame, issues, skipped, None, [], len(chunk))
        batch.locator = _CsvCarefulLocator(text, row_lines, first_line, field_col)
        self._row_issues(batch, row_issues)
        return batch, stop

    def _fields(
        self, raw: pd.DataFrame, strip: bool
    ) -> tuple[pd.DataFrame, list[tuple[int, str, str, str]], dict[str, int]]:
        index = {c: i for i, c in enumerate(self.header)}
        if strip:
            raw_clean = pd.DataFrame(index=raw.index)
            for c in raw.columns:
                col = raw[c].astype(object)  # categoricals become text again
                present = col.notna()
                if present.any():
                    col = col.where(~present, col.str.strip())
                    col = col.where(col != "", np.nan)
                raw_clean[c] = col
        else:
            raw_clean = raw
        if self.mapping is not None:
            frame, issues, columns = self.mapping.apply(raw_clean, self.header)
            field_col = {f: index[c] for f, c in columns.items() if c in index}
            return frame, issues, field_col
        # the parsed table itself (no copy): the fields it lacks are added as absent
        frame = raw_clean.reset_index(drop=True) if raw_clean is not raw else raw
        if not isinstance(frame.index, pd.RangeIndex) or frame.index.start != 0:
            frame = frame.reset_index(drop=True)
        no_issues: list[tuple[int, str, str, str]] = []
        missing = [name for name in FIELDS if name not in frame.columns]
        if missing:
            absent = pd.DataFrame(
                {name: np.full(len(frame), np.nan, dtype=object) for name in missing},
                index=frame.index,
            )
            frame = pd.concat([frame, absent], axis=1)
        field_col = {f: index[f] for f in FIELDS if f in index}
        return frame, no_issues, field_col

    def _row_issues(self, batch: Batch, issues: list[tuple[int, str, str, str]]) -> None:
        if not issues:
            return
        rows = np.asarray([i[0] for i in issues], dtype=np.int64)
        names = [i[1] for i in issues]
        assert batch.locator is not None
        lines, cols = batch.locator.locate(rows, names, [None] * len(names))
        ids = batch.frame["id"].to_numpy(dtype=object)
        for (row, name, code, message), line, col in zip(
            issues, lines.tolist(), cols.tolist(), strict=True
        ):
            record = ids[row]
            batch.issues.append(
                Issue(
                    code,
                    message,
                    self.file,
                    int(line),
                    row=row,
                    record=record if isinstance(record, str) else None,
                    field=name,
                    column=int(col) or None,
                )
            )


# --- the run -------------------------------------------------------------------------------


def iter_batches(
    paths: Sequence[Path],
    *,
    chunk_size: int | None = None,
    mapping: MappingLike | None = None,
    titles: bool = True,
) -> Iterator[Batch]:
    """Read every records file, one `Batch` per file or per ``chunk_size`` records.

    The format comes from the extension: ``.csv`` is CSV (through ``mapping`` when given:
    an ITSM export, see `handbook.checker.mapping`), anything else (``.yaml``, ``.yml``,
    ``.json``) YAML. A file that cannot be read or parsed gives a batch with one E001
    issue and no rows; the other files are still read. Never raises on bad input.
    ``chunk_size`` bounds the rows of a batch, so memory stays flat on large CSV files;
    ``titles=False`` skips reading CSV titles (only reports of records need them).
    """
    for fileno, path in enumerate(paths):
        file = str(path)
        if path.suffix.lower() in CSV_SUFFIXES:
            yield from _CsvReader(path, file, fileno, chunk_size, mapping, titles).batches()
        else:
            yield from _yaml_batches(path, file, fileno, chunk_size)


def read_records(paths: Sequence[Path]) -> RecordTable:
    """Read every records file into one table (see `RecordTable`).

    A convenience over `iter_batches` for small runs and tests: the frame gains
    ``_file`` and ``_fileno``; issue rows are renumbered into the combined frame.
    """
    parts: list[pd.DataFrame] = []
    issues: list[Issue] = []
    skipped: list[tuple[str, int | None]] = []
    offset = 0
    for batch in iter_batches(paths):
        frame = batch.frame.copy()
        frame["_file"] = batch.file
        frame["_fileno"] = batch.fileno
        for issue in batch.issues:
            if issue.row is None:
                issues.append(issue)
            else:
                issues.append(
                    Issue(
                        issue.code,
                        issue.message,
                        issue.file,
                        issue.line,
                        issue.row + offset,
                        issue.record,
                        issue.field,
                        issue.column,
                    )
                )
        skipped.extend((batch.file, line) for line in batch.skipped)
        offset += len(frame)
        if len(frame):
            parts.append(frame)
    if not parts:
        frame = empty_frame()
        frame["_file"] = pd.Series([], dtype=object)
        frame["_fileno"] = pd.Series([], dtype="int64")
        return RecordTable(frame, issues, skipped)
    frame = pd.concat(parts, ignore_index=True)
    return RecordTable(frame, issues, skipped)

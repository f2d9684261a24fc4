"""Reading change-record files (YAML, JSON, CSV) into one pandas table.

Every file of a run becomes rows of a single `pandas.DataFrame` (see `read_records`):
one row per record, one column per record field (`FIELDS`) holding the value as
text (lists joined with ``;``, booleans as ``true``/``false``) or NA when absent, plus
``_file`` (path as given), ``_line`` (1-based line where the record starts; for CSV the
row's physical line) and ``_fileno`` (index of the file in the run).

Problems that stop a file or an item from becoming a row (E001) and type problems seen
while reading YAML (E003: a list where text is expected, ...) are returned alongside;
value checks (dates, booleans, references) are done column-wise by `handbook.checker`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .model import TIME_FIELDS
from .sources import load_yaml_text, parse_csv_text, read_text

#: Fields of a change record, in the spec's order.
FIELDS: tuple[str, ...] = (
    "id",
    "title",
    "initiator",
    "change_type",
    "sop_category",
    "emergency",
    "requires_admin_action",
    "approval_required",
    "notified_at",
    "channels",
    "mitigated_at",
    "approved_at",
    "customer_action_at",
    "support_request_at",
    "advised_at",
    "certificate_expires_at",
    "actions",
    "starts_at",
)
BOOL_FIELDS: tuple[str, ...] = ("emergency", "requires_admin_action", "approval_required")
LIST_FIELDS: tuple[str, ...] = ("channels", "actions")
TEXT_FIELDS: tuple[str, ...] = ("id", "title", "initiator", "change_type", "sop_category")
assert set(TIME_FIELDS) <= set(FIELDS)

YAML_SUFFIXES = (".yaml", ".yml", ".json")
CSV_SUFFIXES = (".csv",)


@dataclass(frozen=True, slots=True)
class Issue:
    """A problem found while reading.

    ``row`` is the record's row in the table (None when the problem concerns no row,
    e.g. a broken file or an item that is not a mapping); ``record`` its id when known.
    """

    code: str
    message: str
    file: str
    line: int | None
    row: int | None = None
    record: str | None = None
    field: str | None = None


@dataclass
class RecordTable:
    """All records of a run: ``frame`` (see module doc), problems and non-record items.

    ``skipped`` holds ``(file, line)`` of items that were reported (E001) instead of
    becoming rows (a list item that is not a mapping, a CSV row of the wrong width); they
    still count as records of the run.
    """

    frame: pd.DataFrame
    issues: list[Issue] = field(default_factory=list)
    skipped: list[tuple[str, int | None]] = field(default_factory=list)


def _empty_frame() -> pd.DataFrame:
    frame = pd.DataFrame({f: pd.Series([], dtype=object) for f in FIELDS})
    frame["_file"] = pd.Series([], dtype=object)
    frame["_line"] = pd.Series([], dtype="int64")
    frame["_fileno"] = pd.Series([], dtype="int64")
    return frame


@dataclass
class _Part:
    rows: pd.DataFrame
    issues: list[tuple[int, str, str, str]]  # (local row, field, code, message)


def _line_of(value: Any, default: int | None) -> int | None:
    if isinstance(value, dict):
        at = value.get("at")
        if isinstance(at, dict) and isinstance(at.get("line"), int):
            return int(at["line"])
    line = getattr(value, "line", None)
    return line if isinstance(line, int) else default


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "text"


def _yaml_record(item: dict[str, Any], issues: list[tuple[str, str, str]]) -> dict[str, str | None]:
    """Canonical text values of one YAML record; type problems go to ``issues``."""
    out: dict[str, str | None] = {}
    for name in FIELDS:
        value = item.get(name)
        if value is None:
            out[name] = None
        elif name in LIST_FIELDS:
            items = value if isinstance(value, list) else [value]
            if any(isinstance(v, (list, dict)) for v in items):
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
                out[name] = ";".join(str(v).strip() for v in items if v is not None)
        elif name in BOOL_FIELDS:
            if isinstance(value, (list, dict)):
                issues.append(
                    (name, "E003", f"{name} must be true or false, not {_describe(value)}")
                )
                out[name] = None
            else:
                out[name] = (
                    ("true" if value else "false") if isinstance(value, bool) else str(value)
                )
        elif isinstance(value, (list, dict)) or (isinstance(value, bool) and name != "title"):
            issues.append((name, "E003", f"{name} must be text, not {_describe(value)}"))
            out[name] = None
        else:
            out[name] = str(value)
    return out


def _read_yaml(
    text: str, file: str
) -> tuple[_Part | None, list[Issue], list[tuple[str, int | None]]]:
    docs, problems = load_yaml_text(text, file)
    if problems:
        syntax = [p for p in problems if p.code.startswith("yaml")]
        chosen = syntax or problems
        last = max(1, text.count("\n") + (0 if text.endswith("\n") else 1))
        return (
            None,
            [
                Issue("E001", p.message, file, min(p.line, last) if p.line else None)
                for p in chosen[:1]
            ],
            [],
        )
    if not docs or all(d is None for d in docs):
        return (
            None,
            [Issue("E001", "the file is empty; expected a list of change records", file, 1)],
            [],
        )
    if len(docs) > 1:
        return None, [Issue("E001", f"expected one YAML document, found {len(docs)}", file, 1)], []
    doc = docs[0]
    items: Any = doc
    if isinstance(doc, dict):
        if "records" not in doc:
            return (
                None,
                [
                    Issue(
                        "E001",
                        "expected a list of change records or a mapping with 'records:'",
                        file,
                        _line_of(doc, 1),
                    )
                ],
                [],
            )
        items = doc["records"]
        if items is None:
            items = []
    if not isinstance(items, list):
        return (
            None,
            [
                Issue(
                    "E001",
                    f"expected a list of change records, found {_describe(items)}",
                    file,
                    _line_of(items, 1),
                )
            ],
            [],
        )
    rows: list[dict[str, Any]] = []
    issues: list[tuple[int, str, str, str]] = []
    bad: list[Issue] = []
    skipped: list[tuple[str, int | None]] = []
    last_line: int | None = _line_of(doc, 1)
    for item in items:
        line = _line_of(item, last_line)
        if not isinstance(item, dict):
            bad.append(
                Issue(
                    "E001",
                    f"a change record must be a mapping of 'field: value' "
                    f"lines, found {_describe(item)}",
                    file,
                    line,
                )
            )
            skipped.append((file, line))
            continue
        last_line = line
        found: list[tuple[str, str, str]] = []
        row: dict[str, Any] = _yaml_record(item, found)
        row["_line"] = line
        issues.extend((len(rows), name, code, msg) for name, code, msg in found)
        rows.append(row)
    frame = pd.DataFrame.from_records(rows, columns=[*FIELDS, "_line"]) if rows else None
    if frame is None:
        return _Part(_empty_frame().drop(columns=["_file", "_fileno"]), []), bad, skipped
    return _Part(frame, issues), bad, skipped


def _csv_fast(text: str) -> pd.DataFrame | None:
    """Parse simple CSV (no quotes, header on line 1, every row full) with pandas.

    Returns None when the text needs the careful reader (quotes, ragged rows, ...).
    """
    if '"' in text or "\x00" in text or text.count("\r") != text.count("\r\n"):
        return None
    data = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    if data.size == 0 or data[0] in (10, 13):
        return None
    newlines = np.flatnonzero(data == 10)
    ends = np.append(newlines, data.size)
    starts = np.concatenate(([0], newlines + 1))
    if starts[-1] >= data.size:  # trailing newline: no last line
        starts, ends = starts[:-1], ends[:-1]
    commas = np.flatnonzero(data == 44)
    per_line = np.searchsorted(commas, ends) - np.searchsorted(commas, starts)
    lengths = ends - starts
    cr = np.zeros(len(lengths), dtype=bool)
    has = lengths > 0
    cr[has] = data[ends[has] - 1] == 13
    blank = (lengths - cr) == 0
    ncols = int(per_line[0]) + 1
    if np.any(~blank[1:] & (per_line[1:] != ncols - 1)):
        return None
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            quoting=csv.QUOTE_NONE,
            engine="c",
        )
    except Exception:
        return None
    body_blank = blank[1:]
    if len(frame) != len(body_blank):
        return None
    lines = np.arange(2, len(body_blank) + 2)
    keep = ~body_blank
    frame = frame.loc[keep].reset_index(drop=True)
    frame.columns = [str(c).strip() for c in frame.columns]
    frame["_line"] = lines[keep]
    result: pd.DataFrame = frame
    return result


def _read_csv(
    text: str, file: str
) -> tuple[_Part | None, list[Issue], list[tuple[str, int | None]]]:
    frame = _csv_fast(text)
    bad: list[Issue] = []
    skipped: list[tuple[str, int | None]] = []
    if frame is None:
        table, problems = parse_csv_text(text, file)
        for p in problems:
            if p.code == "csv-row-width":
                bad.append(Issue("E001", f"{p.message} ({p.hint})", file, p.line))
                skipped.append((file, p.line))
            else:
                bad.append(Issue("E001", p.message, file, p.line))
        if table is None:
            return None, bad, skipped
        frame = pd.DataFrame([cells for _, cells in table.rows], columns=table.header, dtype=object)
        if frame.shape[1] != len(table.header):  # no rows
            frame = pd.DataFrame(columns=table.header, dtype=object)
        frame["_line"] = [line for line, _ in table.rows]
    header = [c for c in frame.columns if c != "_line"]
    if len(set(header)) != len(header):
        dup = sorted({c for c in header if header.count(c) > 1})
        return (
            None,
            [Issue("E001", "the header names a column twice: " + ", ".join(dup), file, 1)],
            [],
        )
    if not any(f in header for f in FIELDS):
        return (
            None,
            [
                Issue(
                    "E001",
                    "the header row names no change-record field; expected "
                    "columns such as: " + ", ".join(FIELDS),
                    file,
                    1,
                )
            ],
            [],
        )
    out = pd.DataFrame(index=frame.index)
    for name in FIELDS:
        if name in frame.columns:
            out[name] = frame[name]
        else:
            out[name] = pd.Series(None, index=frame.index, dtype=object)
    out["_line"] = frame["_line"].astype("int64")
    return _Part(out, []), bad, skipped


def read_records(paths: Sequence[Path]) -> RecordTable:
    """Read every records file into one table (see the module doc for its columns).

    The format comes from the extension: ``.csv`` is CSV, anything else (``.yaml``,
    ``.yml``, ``.json``) YAML. A file that cannot be read or parsed gives one E001 issue
    and no rows; the other files are still read. Never raises on bad input.
    """
    parts: list[pd.DataFrame] = []
    issues: list[Issue] = []
    skipped: list[tuple[str, int | None]] = []
    offset = 0
    for fileno, path in enumerate(paths):
        file = str(path)
        if path.is_dir():
            issues.append(Issue("E001", "is a folder, not a change-record file", file, None))
            continue
        text, problems = read_text(path, file)
        if text is None:
            issues.extend(Issue("E001", p.message, file, p.line) for p in problems)
            continue
        if path.suffix.lower() in CSV_SUFFIXES:
            part, bad, skip = _read_csv(text, file)
        else:
            part, bad, skip = _read_yaml(text, file)
        issues.extend(bad)
        skipped.extend(skip)
        if part is None or part.rows.empty:
            continue
        rows = part.rows
        rows["_file"] = file
        rows["_fileno"] = fileno
        for local, name, code, message in part.issues:
            issues.append(
                Issue(
                    code,
                    message,
                    file,
                    int(rows["_line"].to_numpy()[local]),
                    row=offset + local,
                    field=name,
                )
            )
        offset += len(rows)
        parts.append(rows)
    if not parts:
        return RecordTable(_empty_frame(), issues, skipped)
    frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    frame = frame.reset_index(drop=True)
    for name in FIELDS:
        col = frame[name].astype(object)
        col = col.where(col.notna(), None)
        stripped = col.str.strip()
        frame[name] = stripped.where(stripped.notna() & (stripped != ""), None)
    return RecordTable(frame, issues, skipped)

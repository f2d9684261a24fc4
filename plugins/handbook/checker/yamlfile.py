"""Reading YAML (and JSON) change-record files into `handbook.checker.records.Batch` values.

A file is read whole (`handbook.model.sources.load_yaml_text`, with the line and column of
every key and value): a list of records or a mapping with ``records:`` per document.
"""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]

from handbook.checker.coded import fold
from handbook.checker.records import (
    BOOL_FIELDS,
    FIELDS,
    LIST_FIELDS,
    STDIN,
    WAIVER_KEYS,
    Batch,
    Issue,
    RecordWaiver,
    decode_text,
    empty_batch,
    misspelt,
    misspelt_message,
    read_bytes,
)
from handbook.model.problems import Problem
from handbook.model.sources import LocatedList, LocatedStr, load_yaml_text


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
                if isinstance(value, str):  # a list item, found as `fold` spells it
                    hit = pos.get((name, fold(value)))
                if hit is None:
                    hit = pos.get(name)
            if hit is None:
                hit = self.starts[row]
            out_line[i], out_col[i] = hit
        return out_line, out_col


def _describe(value: Any) -> str:
    for kind, words in ((bool, "a boolean"), (list, "a list"), (dict, "a mapping")):
        if isinstance(value, kind):
            return words
    return "an empty item" if value is None else "text"


def _line_of(value: Any, default: int | None) -> int | None:
    if isinstance(value, dict):
        at = value.get("at")
        if isinstance(at, dict) and isinstance(at.get("line"), int):
            return int(at["line"])
    line = getattr(value, "line", None)
    return line if isinstance(line, int) else default


def _start_of(item: Any, place: tuple[int, int] | None) -> tuple[int, int]:
    """Where ``item`` starts, (line, column): its place in the list of records, else the
    line it records."""
    return (place[0], place[1]) if place else (_line_of(item, 0) or 0, 0)


def _at(line: int | None, column: int | None) -> tuple[int, int]:
    """A problem's place, to compare with `_start_of`: no column is the end of its line
    (the record it belongs to is the last one starting on that line or before)."""
    return line or 0, column if column is not None else _END_OF_LINE


_END_OF_LINE = 1 << 62
_NO_RECORDS = (
    "'records' has no value; expected a list of change records under it (records: [] for "
    "none: a key left empty is more often a failed export than a day without changes)"
)


def _yaml_record(
    item: dict[str, Any], issues: list[tuple[str, str, str]], positions: dict[Any, tuple[int, int]]
) -> dict[str, str | None]:
    """Canonical text values of one YAML record; type problems go to ``issues``, value
    positions to ``positions``."""
    keys: dict[str, tuple[int, int]] = item.get("at", {}).get("keys", {})
    out: dict[str, str | None] = {}
    for name in FIELDS:
        value = item.get(name)
        if name in keys:  # the value's own place when it has one, else its key's
            at = (value.line, value.column) if isinstance(value, LocatedStr) else keys[name]
            positions[name] = tuple(at)  # type: ignore[assignment]
        if value is None:
            out[name] = None
        elif name in LIST_FIELDS:
            values = value if isinstance(value, list) else [value]
            if any(isinstance(v, (list, dict)) for v in values):
                what = "a list containing lists or mappings" if values is value else "a mapping"
                issues.append((name, "E003", f"{name} must be a list of ids, not {what}"))
                out[name] = None
            else:
                texts = []
                for v in values:
                    if v is None:
                        continue
                    text = str(v).strip()
                    if isinstance(v, LocatedStr):
                        positions.setdefault((name, fold(text)), (v.line, v.column))
                    texts.append(text)
                joined = ";".join(t for t in texts if t)
                out[name] = joined or None
        elif isinstance(value, (list, dict)) or (
            isinstance(value, bool) and name not in (*BOOL_FIELDS, "title")
        ):
            must = "true or false" if name in BOOL_FIELDS else "text"
            issues.append((name, "E003", f"{name} must be {must}, not {_describe(value)}"))
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
        given: dict[str, Any] = dict.fromkeys(WAIVER_KEYS)
        problem = None
        if isinstance(entry, dict):
            at = entry.get("at", {})
            line, column = at.get("line", line), at.get("column", column)
            given = {k: entry.get(k) for k in WAIVER_KEYS}
        else:
            problem = (
                "a waiver must be a mapping of rule, reason, approved_by and expires_on, not "
                + _describe(entry)
            )
        out.append(RecordWaiver(row, line=int(line), column=int(column), problem=problem, **given))


def load_yaml_records_text(text: str, file: str) -> tuple[list[Any], list[Problem]]:
    """Parse every YAML document of a records file (`handbook.model.sources.load_yaml_text`)
    with a node budget proportional to the text (one value per character, at least
    1,000): a records file has no reason to expand beyond its size, so an alias bomb is
    refused at once."""
    return load_yaml_text(text, file, budget=len(text) + 1000)


def _yaml_items(
    docs: list[Any], file: str
) -> tuple[list[Any], list[tuple[int, int] | None], list[Issue]]:
    """The records of every document, each item's (line, column), and the documents that
    hold no list of records (E001)."""
    items: list[Any] = []
    places: list[tuple[int, int] | None] = []
    bad: list[Issue] = []
    for doc in docs:
        if doc is None:
            continue
        found: Any = doc
        if isinstance(doc, dict):
            if "records" not in doc:
                bad.append(_no_records_key(doc, file))
                continue
            bad.extend(_beside_records(doc, file))
            found = doc["records"]
            if found is None:  # 'records:' and nothing, as an empty file: E001
                at = doc.get("at")
                place = at["keys"].get("records") if isinstance(at, dict) else None
                line, column = place if place else (_line_of(doc, 1), None)
                bad.append(Issue("E001", _NO_RECORDS, file, line, column=column))
                continue
        if not isinstance(found, list):
            yaml_name = file.lower().endswith((".yaml", ".yml", ".json"))
            hint = "" if yaml_name else "; a file is read as CSV only when it is named *.csv"
            if file == STDIN:
                hint = "; standard input is read as YAML or JSON: give a CSV file by its name"
            expected = f"expected a list of change records, found {_describe(found)}{hint}"
            bad.append(Issue("E001", expected, file, _line_of(found, 1)))
            continue
        items.extend(found)
        places.extend(found.positions if isinstance(found, LocatedList) else [None] * len(found))
    return items, places, bad


def _like_records(key: str) -> bool:
    """Whether ``key`` looks like ``records`` (``record``, ``Records``)."""
    return bool(difflib.get_close_matches(fold(key), ["records"], cutoff=0.8))


def _beside_records(doc: dict[str, Any], file: str) -> list[Issue]:
    """E001 for each key beside ``records:`` that looks like it (``record``, ``Records``):
    its items would not be read, so none of them would be checked, without a word."""
    where: dict[str, tuple[int, int]] = doc.get("at", {}).get("keys", {})
    out = []
    for k in doc:
        if k in ("records", "at") or not _like_records(k):
            continue
        line, column = where.get(k, (_line_of(doc, 1), None))
        message = (
            f"'{k}' beside 'records' is not read, so nothing under it is checked; the records"
            " of a mapping are under 'records:' only: move them there"
        )
        out.append(Issue("E001", message, file, line, column=column))
    return out


#: The E001 message for a waivers file given as a change-record file.
_WAIVERS_FILE = (
    "this is a waivers file (its items name a record and a rule), not change records; give"
    " it with --waivers FILE"
)


def _waivers_like(items: list[Any]) -> bool:
    """Whether ``items`` are waivers rather than records: each a mapping with ``record``
    and ``rule`` and without ``id`` (a waivers file in a glob or folder of records)."""
    return bool(items) and all(
        isinstance(i, dict) and {"record", "rule"} <= i.keys() and "id" not in i for i in items
    )


def _no_records_key(doc: dict[str, Any], file: str) -> Issue:
    """E001 for a mapping without ``records:``, at its first key: the keys it has, and
    the one meant when it is close to ``records`` (``Records``, ``record``)."""
    keys = [k for k in doc if k != "at"]
    where: dict[str, tuple[int, int]] = doc.get("at", {}).get("keys", {})
    line, column = where.get(keys[0] if keys else "", (_line_of(doc, 1), None))
    message = "expected a list of change records or a mapping with 'records:'"
    if keys:
        message += ", found a mapping of " + ", ".join(f"'{k}'" for k in keys[:5])
        message += ", ..." if len(keys) > 5 else ""
    if any(_like_records(k) for k in keys):
        message += "; did you mean 'records'?"
    elif "waivers" in keys:
        message += f"; {_WAIVERS_FILE}"
    elif "id" in keys or len(set(keys) & set(FIELDS)) > 1:  # one record, not in a list
        message += "; a record is an item of a list, even alone: '- id: ...' ([{...}] in JSON)"
    return Issue("E001", message, file, line, column=column)


def _null(text: str, file: str) -> Issue | None:
    """E001 for a file whose documents are each ``null`` (``~``, ``null``, a JSON API's
    answer of nothing), at the first: it was told "the file is empty". None for a file of
    comments and document markers only (an empty file)."""
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), 1):
        word = line.split(" #", 1)[0].strip().removeprefix("--- ").strip()
        if word and not word.startswith("#") and word not in ("---", "..."):
            message = (
                f"the file holds only {word} (no value), not change records; expected a list"
                " of change records ([] for none)"
            )
            return Issue("E001", message, file, number)
    return None


def _json_lines(text: str, problem: Problem) -> str | None:
    """The E001 message for JSON Lines (a JSON object on each line, as jq -c and many
    exports write), which is not read: the parser stops where the second value starts and
    says only "expected '<document start>', but found '{'", with a hint about indentation.
    None for any other problem."""
    if "expected '<document start>'" not in problem.message or problem.line is None:
        return None
    lines = text.lstrip("\ufeff").splitlines()
    here = lines[problem.line - 1].lstrip() if problem.line <= len(lines) else ""
    if not (text.lstrip("\ufeff \t\r\n").startswith("{") and here.startswith("{")):
        return None
    return (
        "not valid JSON: a second JSON value starts on this line, after a whole one: JSON "
        "Lines (one record a line) is not read; write the records as one JSON array "
        "([{...}, {...}]) or a YAML list"
    )


def yaml_batches(path: Path, file: str, fileno: int, chunk_size: int | None) -> Iterator[Batch]:
    raw, issue = read_bytes(path, file)
    if raw is None:
        yield empty_batch(file, fileno, [issue] if issue else [])
        return

    def file_level(issues: list[Issue]) -> Batch:
        """A batch of no rows carrying the file's own problems."""
        return empty_batch(file, fileno, issues, len(raw))

    empty = Issue(
        "E001",
        "the file is empty; expected a list of change records ([] for none: an empty "
        "file is more often a failed export than a day without changes)",
        file,
        1,
    )
    text, issue = decode_text(raw, file)
    if text is None:
        yield file_level([issue] if issue else [])
        return
    if not text.strip():
        yield file_level([empty])
        return
    docs, problems = load_yaml_records_text(text, file)
    fatal = [p for p in problems if p.code not in _RECORD_PROBLEMS]
    if fatal:
        last = max(1, text.count("\n") + (0 if text.endswith("\n") else 1))
        p = fatal[0]
        line = min(p.line, last) if p.line else None
        column = p.column if p.line is not None and p.line <= last else None
        message = _json_lines(text, p) or p.sentence()
        if path.suffix.lower() == ".json":
            message = message.replace("not valid YAML", "not valid JSON", 1)
        yield file_level([Issue("E001", message, file, line, column=column)])
        return
    if all(d is None for d in docs):
        yield file_level([_null(text, file) or empty])
        return
    items, places, bad = _yaml_items(docs, file)
    if _waivers_like(items):
        line, column = _start_of(items[0], places[0])
        yield file_level([Issue("E001", _WAIVERS_FILE, file, line, column=column or None)])
        return
    # a duplicated or reserved key is the problem of the record it is written in: that
    # record is not checked, the others are. Found by line and column: a JSON export on
    # one line holds every record on that line.
    starts = [_start_of(item, place) for item, place in zip(items, places, strict=True)]
    on_item: dict[int, list[Problem]] = {}
    for p in problems:
        k = bisect.bisect_right(starts, _at(p.line, p.column)) - 1
        if k >= 0 and isinstance(items[k], dict):
            on_item.setdefault(k, []).append(p)
        else:
            bad.append(Issue("E001", p.message, file, p.line, column=p.column))
    size = chunk_size or max(1, len(items))
    # each file-level issue in the batch of the records around its line, so that the
    # report's order does not depend on --chunk-size
    by_batch: dict[int, list[Issue]] = {}
    for issue in bad:
        k = bisect.bisect_right(starts, _at(issue.line, issue.column)) - 1
        by_batch.setdefault(max(k, 0) // size, []).append(issue)
    for begin in range(0, max(1, len(items)), size):
        part = items[begin : begin + size]
        mine = {k - begin: v for k, v in on_item.items() if begin <= k < begin + size}
        batch = _yaml_batch(part, places[begin : begin + size], file, fileno, mine)
        batch.issues[:0] = by_batch.get(begin // size, [])
        if begin == 0:
            batch.nbytes = len(raw)
        yield batch


#: Loader problems that concern one record (`handbook.model.sources`), not the whole file.
_RECORD_PROBLEMS = {"duplicate-key", "reserved-key", "wrong-type"}


def _yaml_batch(
    items: list[Any],
    places: list[tuple[int, int] | None],
    file: str,
    fileno: int,
    problems: dict[int, list[Problem]],
) -> Batch:
    """The records of ``items`` (``places``: the (line, column) of each); ``problems``: item
    position -> loader problems written in that record (E001 on it)."""
    rows: list[dict[str, Any]] = []
    issues: list[Issue] = []
    skipped: list[int | None] = []
    waivers: list[RecordWaiver] = []
    lines: list[int] = []
    starts: list[tuple[int, int]] = []
    locator = _YamlLocator(lines, starts)
    last_line: int | None = None
    for position, item in enumerate(items):
        line = _line_of(item, last_line)
        if not isinstance(item, dict):
            place = places[position] if position < len(places) else None
            where, column = place or (line, getattr(item, "column", None))
            what = _describe(item)
            message = f"a change record must be a mapping of 'field: value' lines, found {what}"
            issues.append(Issue("E001", message, file, where, column=column))
            skipped.append(line)
            continue
        last_line = line
        at = item.get("at", {})
        start = (int(at.get("line", line or 1)), int(at.get("column", 1)))
        found: list[tuple[str, str, str]] = []
        positions: dict[Any, tuple[int, int]] = {}
        row: dict[str, Any] = _yaml_record(item, found, positions)
        row["_line"] = start[0]
        index = len(rows)
        for name, code, msg in found:
            pos = positions.get(name, start)
            issues.append(Issue(code, msg, file, pos[0], row=index, field=name, column=pos[1]))
        keys = at.get("keys", {}) if isinstance(at, dict) else {}
        for key in item:
            field = misspelt(str(key)) if key != "at" else None
            if field is not None:
                (kline, kcolumn), name = keys.get(key, start), str(key)
                message = misspelt_message(name, field)
                issues.append(
                    Issue("W002", message, file, int(kline), index, None, name, int(kcolumn))
                )
        for p in problems.get(position, []):
            issues.append(Issue("E001", p.sentence(), file, p.line, row=index, column=p.column))
        _record_waivers(item, index, start, waivers)
        rows.append(row)
        lines.append(start[0])
        starts.append(start)
        locator.positions.append(positions)
    columns = {f: pa.array([r[f] for r in rows], type=pa.string()) for f in FIELDS}
    ids = [r["id"] for r in rows]
    issues = [i if i.row is None else replace(i, record=ids[i.row]) for i in issues]
    return Batch(
        file, fileno, columns, np.asarray(lines, dtype=np.int64), issues, skipped, locator, waivers
    )

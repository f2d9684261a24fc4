"""A batch's findings as columns: pieces located (`handbook.checker.records.Locator`, for
those rows only), joined with the read issues, sorted (`handbook.checker.codes.CODE_ORDER`)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]

from handbook.checker.codes import CODE_ORDER, severity_of
from handbook.checker.findings import FINDING_COLUMNS
from handbook.checker.records import Batch
from handbook.checker.rules import Piece
from handbook.checker.validate import texts

#: The columns of a findings part, with their NumPy types.
PART_TYPES: dict[str, Any] = {
    "_row": np.int64,
    "rule": object,
    "severity": object,
    "message": object,
    "field": object,
    "line": np.int64,
    "column": np.int64,
}


def part_row(
    row: int, code: str, message: str, field: str | None, line: int | None, column: int | None
) -> dict[str, Any]:
    """A finding already located, as a row of `PART_TYPES` (line and column 0: unknown)."""
    return {
        "_row": row,
        "rule": code,
        "severity": severity_of(code),
        "message": message,
        "field": field,
        "line": line or 0,
        "column": column or 0,
    }


def findings_columns(
    batch: Batch,
    pieces: list[Piece],
    rule_pieces: list[Piece],
    extra: list[dict[str, Any]],
    ids: pa.Array,
    edition: np.ndarray,
    help_uris: dict[str, str | None],
) -> tuple[dict[str, np.ndarray], np.ndarray] | None:
    """A batch's findings as columns (`FINDING_COLUMNS`, unsorted, not yet waived) and
    each one's row in the batch (-1 for none); None when there is none.

    ``pieces`` are input errors, ``rule_pieces`` rule findings (one per record and rule,
    messages joined), ``extra`` findings already located (rows as `PART_TYPES`)."""
    located = (locate(batch, pieces, merge=False), locate(batch, rule_pieces, merge=True))
    parts = [part for part in located if part is not None]
    read = [
        part_row(-1 if i.row is None else i.row, i.code, i.message, i.field, i.line, i.column)
        for i in batch.issues
    ]
    # the id a read issue of no row knows (a ragged CSV row's first cell), in table order
    given: list[str | None] = [None] * sum(len(part["_row"]) for part in parts)
    given += [issue.record if issue.row is None else None for issue in batch.issues]
    extra = read + extra
    if extra:
        parts.append(
            {key: np.array([e[key] for e in extra], dtype=PART_TYPES[key]) for key in PART_TYPES}
        )
    if not parts:
        return None
    table = {key: np.concatenate([part[key] for part in parts]) for key in PART_TYPES}
    no_field = pd.isna(table["field"])
    if no_field.any():  # a merged group's "first" of no field is NaN
        table["field"][no_field] = None
    n = len(table["_row"])
    rows = table["_row"]
    has = rows >= 0
    safe = np.where(has, rows, 0)
    rec = np.full(n, None, dtype=object)
    rec[: len(given)] = given
    if len(ids):
        rec[has] = texts(ids, safe[has])
    rules = table["rule"]
    codes, uniques = pd.factorize(rules)
    ed = np.full(n, None, dtype=object)
    ed[has] = edition[safe[has]]
    rl = table["line"].copy()  # a finding of no record: its own line
    rl[has] = batch.lines[safe[has]]
    out: dict[str, np.ndarray] = {
        "record": rec,
        "rule": rules,
        "severity": table["severity"],
        "message": table["message"],
        "file": np.full(n, batch.file, dtype=object),
        "line": table["line"],
        "column": table["column"],
        "field": table["field"],
        "edition": ed,
        "help_uri": np.array([help_uris.get(u) for u in uniques], dtype=object)[codes],
        "record_line": rl,
        "waived": np.zeros(n, dtype=bool),
        "waiver_reason": np.full(n, None, dtype=object),
        "waiver_approved_by": np.full(n, None, dtype=object),
        "waiver_expires_on": np.full(n, None, dtype=object),
    }
    return out, rows


def sorted_findings(out: dict[str, np.ndarray]) -> pd.DataFrame:
    """The findings frame (`FINDING_COLUMNS`), sorted by record, line, column and code."""
    rules = out["rule"]
    codes, uniques = pd.factorize(rules)
    order = np.lexsort(
        (
            rules.astype(str),
            np.array([CODE_ORDER.get(u, 9) for u in uniques], dtype=np.int64)[codes],
            out["column"],
            out["line"],
            out["record_line"],
        )
    )
    # explicit dtypes: pandas would otherwise infer (and convert to) Arrow strings for
    # every text column of every batch, which the renderers turn back into objects
    return pd.DataFrame(
        {c: pd.Series(out[c][order], dtype=out[c].dtype, copy=False) for c in FINDING_COLUMNS}
    )


def locate(batch: Batch, pieces: list[Piece], merge: bool) -> dict[str, np.ndarray] | None:
    """The pieces' findings as columns (`PART_TYPES`) with each one's line and column;
    with ``merge``, one finding per record and rule (messages joined with ``; ``)."""
    if not pieces:
        return None
    sizes = [len(p.rows) for p in pieces]  # a piece's rule, severity and field: on its rows
    table = {
        "_row": np.concatenate([p.rows for p in pieces]).astype(np.int64, copy=False),
        "rule": np.repeat(np.array([p.rule for p in pieces], dtype=object), sizes),
        "severity": np.repeat(np.array([p.severity for p in pieces], dtype=object), sizes),
        "message": np.concatenate([p.messages.astype(object) for p in pieces]),
        "field": np.repeat(np.array([p.field for p in pieces], dtype=object), sizes),
        "_item": np.concatenate(
            [
                p.items.astype(object)
                if p.items is not None
                else np.full(len(p.rows), None, dtype=object)
                for p in pieces
            ]
        ),
        "_order": np.repeat(np.arange(len(pieces), dtype=np.int64), sizes),
    }
    if merge:
        codes, uniques = pd.factorize(table["rule"])
        key = table["_row"] * max(1, len(uniques)) + codes  # one int per (record, rule)
        dup = pd.Index(key).duplicated(keep=False)
        if dup.any():  # a frame only when some record broke a rule twice
            frame = pd.DataFrame({c: pd.Series(v, dtype=v.dtype) for c, v in table.items()})
            several = frame[dup].sort_values(["_row", "rule", "_order"], kind="stable")
            merged = several.groupby(["_row", "rule"], sort=False).agg(
                severity=("severity", "first"),
                message=("message", "; ".join),
                field=("field", "first"),
                _item=("_item", "first"),
                _order=("_order", "first"),
            )
            frame = pd.concat([frame[~dup], merged.reset_index()], ignore_index=True)
            table = {
                c: frame[c].to_numpy(dtype=np.int64 if c in ("_row", "_order") else object)
                for c in table
            }
    assert batch.locator is not None
    lines, cols = batch.locator.locate(
        table["_row"], table["field"].tolist(), table["_item"].tolist()
    )
    table["line"] = np.asarray(lines, dtype=np.int64)
    table["column"] = np.asarray(cols, dtype=np.int64)
    del table["_item"], table["_order"]
    return table

"""Waivers applied to a batch's findings: those written on records (validated here:
E006 when invalid, W001 when expired) and those of a waivers file (``--waivers``,
`handbook.checker.waivers.load_waivers`), whose own problems are reported at the end."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from handbook.checker.assemble import part_row
from handbook.checker.coded import isin
from handbook.checker.codes import severity_of
from handbook.checker.findings import FINDING_COLUMNS, Summary
from handbook.checker.records import WAIVER_KEYS, Batch, RecordWaiver
from handbook.checker.waivers import Waiver, WaiverProblem, WaiverSet, expired_message, validate
from handbook.model.handbook import Handbook


def record_waiver_problems(
    batch: Batch, ids: pa.Array, hb: Handbook, today: date
) -> tuple[list[dict[str, Any]], dict[tuple[int, str], Waiver]]:
    """Validate the waivers written on a batch's records: E006/W001 findings (rows as
    `handbook.checker.assemble.part_row`), and the active waivers by (row, rule)."""
    out: list[dict[str, Any]] = []
    active: dict[tuple[int, str], Waiver] = {}
    expired: list[tuple[RecordWaiver, Waiver]] = []
    for w in batch.waivers:
        rid = ids[w.row].as_py()
        problem = w.problem
        waiver = None
        if problem is None and rid is None:
            problem = "a waiver on a record without id; give the record an id"
        if problem is None:
            values = {k: getattr(w, k) for k in WAIVER_KEYS}
            waiver, problem, _key = validate(values, hb, batch.file, w.line, w.column, rid)
        if waiver is None:
            out.append(
                part_row(w.row, "E006", problem or "invalid waiver", "waivers", w.line, w.column)
            )
        elif waiver.expired(today):
            expired.append((w, waiver))
        else:
            active.setdefault((w.row, waiver.rule), waiver)
    for w, waiver in expired:  # W001, unless a valid waiver on the record renews it
        if (w.row, waiver.rule) not in active:
            out.append(
                part_row(w.row, "W001", expired_message(waiver), "waivers", w.line, w.column)
            )
    return out, active


def note_waived_records(ids: pa.Array, file_waivers: WaiverSet | None, seen: set[str]) -> None:
    """Add to ``seen`` the ids of the batch that the waivers file names (a waiver for an
    id no record uses is reported at the end of the run)."""
    if file_waivers is None or not file_waivers.wanted:
        return
    wanted = pa.array(sorted(file_waivers.wanted), pa.string())
    named = pc.is_in(ids, value_set=wanted).fill_null(False)
    seen.update(v for v in pc.filter(ids, named).to_pylist() if v is not None)


def apply_waivers(
    out: dict[str, np.ndarray],
    rows: np.ndarray,
    active: dict[tuple[int, str], Waiver],
    file_waivers: WaiverSet | None,
    rule_ids: set[str],
) -> None:
    """Mark the findings that a waiver (on the record, ``active`` by (row, rule); or in
    the waivers file) waives: ``out``'s ``waived`` and ``waiver_*`` columns are set in
    place. Only rule findings are waived."""
    file_active = file_waivers.active if file_waivers is not None else {}
    if not active and not file_active:
        return
    rules, records = out["rule"], out["record"]
    candidates = np.flatnonzero(isin(rules, sorted(rule_ids)))
    picks: dict[int, Waiver] = {}
    if active:
        for i in candidates.tolist():
            hit = active.get((int(rows[i]), str(rules[i])))
            if hit is not None:
                picks[i] = hit
    if file_waivers is not None and file_active:  # on the records the file names only
        for i in candidates[isin(records[candidates], sorted(file_waivers.wanted))].tolist():
            hit = file_active.get((str(records[i]), str(rules[i])))
            if hit is not None:
                picks.setdefault(i, hit)  # a waiver on the record comes first
    for i, w in picks.items():
        out["waived"][i] = True
        out["waiver_reason"][i] = w.reason
        out["waiver_approved_by"][i] = w.approved_by
        out["waiver_expires_on"][i] = w.expires_on.isoformat()


def waiver_file_findings(
    waivers: WaiverSet, seen: set[str] | None, help_uris: dict[str, str | None]
) -> tuple[pd.DataFrame, Summary] | None:
    """The waivers file's own problems and its waivers of ids no record used (``seen``:
    the ids named that records used; None: not looked for, the run holds only some of the
    records), as findings; None when there is none."""
    problems: list[WaiverProblem] = list(waivers.problems)
    if seen is not None:
        problems += waivers.unknown_records(seen)
    if not problems:
        return None
    problems.sort(key=lambda p: (p.line, p.column, p.code))
    rows = [
        dict.fromkeys(FINDING_COLUMNS)  # field, edition and the waiver's: None
        | {
            "record": p.record,
            "rule": p.code,
            "severity": severity_of(p.code),
            "message": p.message,
            "file": p.file,
            "line": p.line,
            "column": p.column,
            "help_uri": help_uris.get(p.code),
            "record_line": p.line,
            "waived": False,
        }
        for p in problems
    ]
    types = {"line": "int64", "column": "int64", "record_line": "int64", "waived": "bool"}
    findings = pd.DataFrame(rows, columns=list(FINDING_COLUMNS)).astype(types)
    return findings, Summary.of(findings, 0)

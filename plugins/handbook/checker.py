"""``handbook check``: check change records against the rules of ``data/``.

`check_paths` reads every file (`handbook.records`), validates the values column-wise
(input errors E002 to E005), picks the edition in force for each record from its
``starts_at`` (UTC date) and evaluates every rule of ``data/rules.yaml`` over all valid
records at once (`handbook.rules`). `run` is the command: exit 0 when no finding has
severity error, 1 when one does, 2 on a usage error (a missing path, invalid data).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .findings import Finding, RecordRef, Report
from .handbook import Handbook
from .loader import load_handbook
from .model import TIME_FIELDS
from .output import render_json, render_text
from .problems import format_problems
from .records import BOOL_FIELDS, Issue, read_records
from .rules import RuleInput, cell, clear_cache, evaluate, opt

_DATE = r"\d{4}-\d{2}-\d{2}"
_TIME = r"[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?"
_OFFSET = r"(?:[Zz]|[+-]\d{2}:?\d{2})"
_VALID_TIME = re.compile(rf"{_DATE}(?:{_TIME}{_OFFSET})?")
_NAIVE_TIME = re.compile(rf"{_DATE}{_TIME}")

_CODE_ORDER = {"E001": 0, "E005": 1, "E002": 2, "E003": 3, "E004": 4}


def _long(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """``row``/``value`` table of a ``;``-separated list column (empty items dropped)."""
    col = frame[name].dropna()
    if col.empty:
        return pd.DataFrame(
            {"row": pd.Series([], dtype="int64"), "value": pd.Series([], dtype=object)}
        )
    values = col.astype(str).str.split(";").explode().str.strip()
    values = values[values.notna() & (values != "")]
    return pd.DataFrame({"row": values.index.astype("int64"), "value": values.to_numpy()})


def _expected(options: Sequence[str]) -> str:
    return "expected one of: " + ", ".join(options)


class _Errors:
    """Input errors collected per row: (row, code, message)."""

    def __init__(self) -> None:
        self.items: list[tuple[int, str, str]] = []

    def add(self, mask: pd.Series, code: str, message: object) -> None:
        """Add one error for every row of ``mask``; ``message`` is text or row -> text."""
        rows = mask.index[mask.to_numpy(dtype=bool)]
        for row in rows:
            text = message(int(row)) if callable(message) else str(message)
            self.items.append((int(row), code, text))


def _validate(
    handbook: Handbook, frame: pd.DataFrame, typed: dict[str, list[int]]
) -> tuple[pd.DataFrame, _Errors, pd.DataFrame, pd.DataFrame]:
    """Parse values column-wise; returns (frame with t_/b_/edition columns, errors, long
    channels, long actions). ``typed``: field -> rows already reported for a wrong type
    (not reported again as missing)."""
    errors = _Errors()
    n = len(frame)

    def absent(name: str) -> pd.Series:
        mask = frame[name].isna()
        if typed.get(name):
            mask.loc[typed[name]] = False
        return mask

    # required fields
    parties = [p.id for p in handbook.parties if p.kind == "party"]
    for name in ("id", "initiator", "starts_at"):
        errors.add(
            absent(name),
            "E002",
            f"{name} is missing; every change record needs "
            f"{name}" + (f" ({' or '.join(parties)})" if name == "initiator" else ""),
        )
    initiator = frame["initiator"]
    errors.add(
        initiator.notna() & ~initiator.isin(parties),
        "E003",
        lambda r: f"initiator '{cell(frame, r, 'initiator')}' is unknown; {_expected(parties)}",
    )
    microsoft = initiator == "microsoft"
    customer = initiator == "customer"
    errors.add(
        microsoft & absent("change_type"),
        "E002",
        "change_type is missing; a change initiated by Microsoft needs its change type",
    )
    errors.add(
        customer & absent("sop_category"),
        "E002",
        "sop_category is missing; a change initiated by the customer needs its SOP category",
    )
    # booleans (absent = false)
    for name in BOOL_FIELDS:
        low = frame[name].astype(object).str.lower()
        ok = low.isin(["true", "false"])
        errors.add(
            frame[name].notna() & ~ok,
            "E003",
            lambda r, name=name: f"{name} is '{cell(frame, r, name)}'; write true or false",
        )
        frame[f"b_{name}"] = (low == "true").to_numpy(dtype=bool)
    # times
    for name in TIME_FIELDS:
        raw = frame[name].astype(object)
        present = raw.notna()
        text = raw.where(present, "")
        good = text.str.fullmatch(_VALID_TIME).fillna(False).astype(bool)
        naive = text.str.fullmatch(_NAIVE_TIME).fillna(False).astype(bool)
        parsed: pd.Series = pd.Series([], dtype="datetime64[ns, UTC]")
        if n:
            parsed = pd.to_datetime(
                raw.where(good, None), format="ISO8601", utc=True, errors="coerce"
            )
        frame[f"t_{name}"] = parsed
        errors.add(
            present & naive,
            "E003",
            lambda r, name=name: (
                f"{name} '{cell(frame, r, name)}' has no UTC offset; "
                f"write it with Z or +hh:mm (e.g. {cell(frame, r, name)}Z), or a date alone "
                f"for 00:00 UTC"
            ),
        )
        errors.add(
            present & ~naive & (~good | parsed.isna()),
            "E003",
            lambda r, name=name: (
                f"{name} '{cell(frame, r, name)}' is not a valid time; "
                f"write an ISO 8601 date (YYYY-MM-DD, 00:00 UTC) or date-time with offset "
                f"(YYYY-MM-DDThh:mm:ssZ or ±hh:mm)"
            ),
        )
    # edition in force, by starts_at's UTC date
    starts = frame["t_starts_at"]
    edition = np.full(n, None, dtype=object)
    editions = handbook.editions_in_order()
    for e in editions:
        begin = pd.Timestamp(e.in_force_from, tz="UTC")
        m = starts >= begin
        if e.in_force_until is not None:
            m &= starts < pd.Timestamp(e.in_force_until, tz="UTC") + pd.Timedelta(days=1)
        edition[m.fillna(False).to_numpy(dtype=bool)] = e.id
    after_last = starts >= pd.Timestamp(editions[-1].in_force_from, tz="UTC")
    edition[after_last.fillna(False).to_numpy(dtype=bool) & (edition == None)] = (  # noqa: E711
        editions[-1].id
    )
    frame["edition"] = edition
    in_force = frame["edition"].notna()
    # references: change type / SOP category of the edition in force; actions
    types = {f"{t.edition}|{t.id}" for t in handbook.change_types}
    cats = {f"{c.edition}|{c.id}" for c in handbook.sop_categories}
    ed = frame["edition"].astype(object).fillna("").astype(str)
    for name, scope, known, what, listing in (
        ("change_type", microsoft, types, "change type", handbook.change_types_of),
        ("sop_category", customer, cats, "SOP category", handbook.sop_categories_of),
    ):
        given = frame[name]
        key = ed + "|" + given.astype(object).fillna("").astype(str)
        unknown = scope & in_force & given.notna() & ~key.isin(known)
        errors.add(
            unknown,
            "E004",
            lambda r, name=name, what=what, listing=listing: (
                f"{name} '{cell(frame, r, name)}' is not a {what} of the "
                f"{cell(frame, r, 'edition')} edition; "
                f"{_expected([x.id for x in listing(str(cell(frame, r, 'edition')))])}"
            ),
        )
    actions = _long(frame, "actions")
    vocabulary = [a.id for a in handbook.actions]
    bad_actions = actions[~actions["value"].isin(vocabulary)]
    for row, value in zip(bad_actions["row"].tolist(), bad_actions["value"].tolist(), strict=True):
        errors.items.append(
            (
                int(row),
                "E004",
                f"action '{value}' is not in the vocabulary of "
                f"actions (data/actions.yaml); {_expected(vocabulary)}",
            )
        )
    # duplicate ids across the run
    ids = frame["id"]
    dup = ids.notna() & ids.duplicated(keep="first")
    if dup.any():
        firsts = frame.loc[ids.notna() & ~dup].set_index("id")
        errors.add(
            dup,
            "E005",
            lambda r: (
                f"duplicate id '{cell(frame, r, 'id')}': already used by the record at "
                f"{cell(firsts, cell(frame, r, 'id'), '_file')}:"
                f"{cell(firsts, cell(frame, r, 'id'), '_line')};"
                f" give every record of a run its own id"
            ),
        )
    return frame, errors, _long(frame, "channels"), actions


def check_paths(handbook: Handbook, paths: Sequence[Path]) -> Report:
    """Check the change records in ``paths`` (YAML, JSON or CSV files) against the rules.

    Pure: prints nothing. Returns a `Report` with a finding per input error (E001 to
    E005) and per broken rule (``data/rules.yaml``), ordered by file (as given), line and
    code, and a `RecordRef` per record read. Times are compared in UTC; records with an
    input error are not evaluated against the rules.
    """
    clear_cache()
    table = read_records(paths)
    frame = table.frame
    file_order = {str(p): i for i, p in enumerate(paths)}
    typed: dict[str, list[int]] = {}
    for issue in table.issues:
        if issue.row is not None and issue.field is not None:
            typed.setdefault(issue.field, []).append(issue.row)
    frame, errors, channels, actions = _validate(handbook, frame, typed)

    # read-time issues attached to rows
    for issue in table.issues:
        if issue.row is not None:
            errors.items.append((issue.row, issue.code, issue.message))
    bad_rows = {row for row, _, _ in errors.items}
    eligible = pd.Series(True, index=frame.index)
    if bad_rows:
        eligible.loc[sorted(bad_rows)] = False
    starts = frame["t_starts_at"]
    before_first = starts.notna() & frame["edition"].isna()

    findings: list[Finding] = []
    for issue in table.issues:
        if issue.row is None:
            findings.append(
                Finding(
                    issue.record, issue.code, "error", issue.message, issue.file, issue.line, None
                )
            )
    for row, code, message in errors.items:
        findings.append(
            Finding(
                record=opt(cell(frame, row, "id")),
                rule=code,
                severity="error",
                message=message,
                file=str(cell(frame, row, "_file")),
                line=int(cell(frame, row, "_line")),
                edition=opt(cell(frame, row, "edition")),
            )
        )
    findings += evaluate(handbook, RuleInput(frame, eligible, channels, actions), before_first)

    def order(f: Finding) -> tuple[int, int, int, str]:
        return (
            file_order.get(f.file, len(file_order)),
            f.line or 0,
            _CODE_ORDER.get(f.rule, 9),
            f.rule,
        )

    clear_cache()
    findings.sort(key=order)
    records = [
        RecordRef(
            id=opt(i),
            title=opt(t),
            file=f,
            line=int(ln),
            initiator=opt(ini),
            change_type=opt(ct),
            sop_category=opt(sc),
            edition=opt(ed),
        )
        for i, t, f, ln, ini, ct, sc, ed in zip(
            frame["id"].tolist(),
            frame["title"].tolist(),
            frame["_file"].tolist(),
            frame["_line"].tolist(),
            frame["initiator"].tolist(),
            frame["change_type"].tolist(),
            frame["sop_category"].tolist(),
            frame["edition"].tolist(),
            strict=True,
        )
    ]
    records += [RecordRef(None, None, f, ln, None, None, None, None) for f, ln in table.skipped]
    records.sort(key=lambda r: (file_order.get(r.file, len(file_order)), r.line or 0))
    return Report(findings=findings, records=records)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``handbook check``: ``--data DIR``, ``--format text|json``, ``PATH...``."""
    parser.add_argument("--data", default="data", help="data folder (default: data)")
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default: text)"
    )
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="change-record files: YAML (.yaml, .yml), JSON or CSV",
    )


def run(args: argparse.Namespace) -> int:
    """Run ``handbook check``; returns the exit code (0 clean, 1 errors, 2 usage error)."""
    data = Path(args.data)
    if not data.is_dir():
        print(f"handbook check: error: data folder not found: {data}", file=sys.stderr)
        return 2
    handbook, problems = load_handbook(data)
    if handbook is None:
        print(f"handbook check: error: the data in {data} is not valid:", file=sys.stderr)
        print(format_problems(problems), file=sys.stderr)
        return 2
    paths = [Path(p) for p in args.paths]
    missing = [p for p in paths if not p.exists()]
    if missing:
        for p in missing:
            print(f"handbook check: error: no such file: {p}", file=sys.stderr)
        return 2
    report = check_paths(handbook, paths)
    if args.format == "json":
        print(render_json(report))
    else:
        print(render_text(report))
    return 1 if report.errors else 0


__all__ = ["Issue", "add_arguments", "check_paths", "run"]

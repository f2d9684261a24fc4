"""Helpers for the checker tests: the loaded handbook, writing and checking records."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import pandas as pd

from handbook.checker.check import check_paths
from handbook.checker.findings import Report
from handbook.checker.reading import iter_batches
from handbook.checker.records import FIELDS, Issue
from handbook.model.handbook import Handbook
from handbook.model.loader import load_handbook

from .conftest import DATA, ROOT, run

#: The keys of a finding in ``--format json`` (the contract of issues 2 and 3, written out
#: here rather than derived from the code it tests).
JSON_FINDING_KEYS = {
    "record",
    "rule",
    "severity",
    "message",
    "file",
    "line",
    "column",
    "field",
    "edition",
    "help_uri",
}


#: A Microsoft change that requires administrator action, notified through the Message
#: Center, starting 2023-03-06T09:00Z: a record's fields but its id and notified_at (5 days'
#: notice is notified_at 2023-03-01T09:00:00Z or earlier).
MICROSOFT_CHANGE = {
    "initiator": "microsoft",
    "change_type": "functionality",
    "requires_admin_action": True,
    "channels": ["message-center"],
    "starts_at": "2023-03-06T09:00:00Z",
}


@functools.cache
def handbook(data: Path = DATA) -> Handbook:
    """The handbook loaded from ``data`` (cached); fails the test when the data is invalid."""
    hb, problems = load_handbook(data)
    assert hb is not None, problems
    return hb


def check_text(tmp_path: Path, text: str, name: str = "records.yaml", data: Path = DATA) -> Report:
    """Write ``text`` to ``tmp_path/name`` and check it with the handbook of ``data``."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return check_paths(handbook(data), [path])


def codes(report: Report) -> dict[str | None, list[str]]:
    """Record id -> sorted codes (file-level findings under None)."""
    out: dict[str | None, list[str]] = {}
    for f in report.findings:
        out.setdefault(f.record, []).append(f.rule)
    return {k: sorted(v) for k, v in out.items()}


def cli(*args: str, cwd: Path = ROOT, **kw: object):  # type: ignore[no-untyped-def]
    """Run the real ``handbook`` command line (``python -m handbook.cli``); ``kw`` as
    `tests.conftest.run` takes them (``timeout``, ``preexec_fn``)."""
    return run([sys.executable, "-m", "handbook.cli", *args], cwd=cwd, **kw)


def read_frame(paths: list[Path]) -> tuple[pd.DataFrame, list[Issue]]:
    """The records ``iter_batches`` reads from ``paths`` as one frame (`FIELDS` as texts,
    None when absent, and ``_line``), and the issues of every batch."""
    batches = list(iter_batches(paths))
    frames = [
        pd.DataFrame({**{f: b.columns[f].to_pylist() for f in FIELDS}, "_line": b.lines})
        for b in batches
    ]
    return pd.concat(frames, ignore_index=True), [i for b in batches for i in b.issues]

"""Waivers: accepted exceptions to a rule for one change record.

A waiver ``{record, rule, reason, approved_by, expires_on}`` reports the finding of an
``MMD`` rule on that record as *waived* (counted apart, never failing the run) until
``expires_on`` (a UTC date, inclusive). Waivers come from a YAML file (``--waivers``;
default ``data/waivers.yaml`` when it exists: a list, or a mapping with ``waivers:``) or
from a record's own ``waivers:`` (without ``record``). Problems are findings: ``E006``
(an unknown rule or, for file waivers, a record no file of the run contains; a missing
reason, approver or expiry) and ``W001`` (expired, unless a renewal stands beside it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from handbook.checker.options import read_day
from handbook.checker.records import decode_text
from handbook.checker.yamlfile import load_yaml_records_text
from handbook.model.handbook import Handbook
from handbook.model.sources import not_a_file


class WaiverFileError(Exception):
    """The waivers file cannot be used at all (missing, not UTF-8, not valid YAML):
    a usage error (exit code 2)."""


@dataclass(frozen=True, slots=True)
class Waiver:
    """A valid waiver. ``expires_on`` is a UTC date (the waiver holds through that day);
    ``file``/``line``/``column`` say where it is written."""

    record: str
    rule: str
    reason: str
    approved_by: str
    expires_on: date
    file: str
    line: int
    column: int

    def expired(self, today: date) -> bool:
        """True when ``today`` (UTC) is after ``expires_on``."""
        return today > self.expires_on


@dataclass(frozen=True, slots=True)
class WaiverProblem:
    """A finding about a waiver: ``code`` ``E006`` or ``W001``, with its place."""

    code: str
    message: str
    record: str | None
    rule: str | None
    file: str
    line: int
    column: int


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, (list, dict, bool)):
        return None
    text = str(value).strip()
    return text or None


#: A waiver's keys, in the order a message names the missing ones (the waivers file's order).
_KEYS = ("record", "rule", "reason", "approved_by", "expires_on")


def validate(
    values: dict[str, Any],
    handbook: Handbook,
    file: str,
    line: int,
    column: int,
    record: str | None = None,
) -> tuple[Waiver | None, str | None, str | None]:
    """Check one waiver's values: ``(waiver, None, None)`` or ``(None, problem, key)``
    (``key``: what the problem is about, None for the whole waiver). ``record``: the id of
    the record a waiver sits on, which its own ``record`` key must then name."""
    text = {k: _text(values.get(k)) for k in _KEYS}
    if record is not None:
        rid = text["record"]
        if rid is not None and rid != record:
            message = (
                f"the waiver names record '{rid}' but sits on record '{record}'; a waiver on "
                f"a record waives that record: write record: {record}, or leave it out"
            )
            return None, message, "record"
        text["record"] = record
    missing = [k for k, v in text.items() if v is None]
    if missing:
        needs = ", ".join(k for k in _KEYS[:-1] if record is None or k != "record")
        lacks = f"the waiver lacks {', '.join(missing)}; a waiver needs {needs} and expires_on"
        return None, lacks + " (YYYY-MM-DD)", None
    rid, rule, reason, approved_by, expires = (str(text[k]) for k in _KEYS)
    known = [r.id for r in handbook.rules]
    rule = {k.upper(): k for k in known}.get(rule.upper(), rule)  # mmd001 is MMD001
    if rule not in known:
        unknown = f"the waiver names an unknown rule '{rule}'; expected one of: {', '.join(known)}"
        return None, unknown, "rule"
    until, why = read_day(expires)
    if until is None and why is None:
        return None, f"expires_on '{expires}' is not a date; write YYYY-MM-DD", "expires_on"
    if until is None:  # written as a date, but none: 2024-02-30
        return (
            None,
            f"expires_on '{expires}' is written as a date but names none ({why}); write a "
            "date that exists",
            "expires_on",
        )
    return Waiver(rid, rule, reason, approved_by, until, file, line, column), None, None


def expired_message(w: Waiver) -> str:
    """The W001 message of an expired waiver."""
    return (
        f"the waiver of {w.rule} for record '{w.record}' expired on {w.expires_on.isoformat()} "
        f"(approved by {w.approved_by}: {w.reason}); it no longer waives the finding: renew "
        "it with a later expires_on or remove it"
    )


@dataclass
class WaiverSet:
    """The waivers of a waivers file, validated: ``active`` (record id, rule) -> a waiver
    that holds today; ``problems`` found when loading; ``wanted`` record id -> its valid
    waivers (checked against the run's records)."""

    file: str
    active: dict[tuple[str, str], Waiver] = field(default_factory=dict)
    problems: list[WaiverProblem] = field(default_factory=list)
    wanted: dict[str, list[Waiver]] = field(default_factory=dict)

    def unknown_records(self, seen: Iterable[str]) -> list[WaiverProblem]:
        """E006 for every waiver whose record no file of the run contained."""
        found = set(seen)
        message = (
            "the waiver names record '{}', which no file of this run contains; remove the "
            "waiver or check the record's id"
        )
        return [
            WaiverProblem("E006", message.format(rid), rid, w.rule, w.file, w.line, w.column)
            for rid, waivers in self.wanted.items()
            if rid not in found
            for w in waivers
        ]


_NOT_A_MAPPING = "a waiver must be a mapping of record, rule, reason, approved_by and expires_on"


def load_waivers(
    path: Path, handbook: Handbook, today: date, display: str | None = None
) -> WaiverSet:
    """Read and validate a waivers file.

    Raises `WaiverFileError` when the file cannot be read or is not YAML of the right
    shape (a usage error); problems with single waivers are collected in the set.
    """
    file = display or str(path)
    why = "is a folder" if path.is_dir() else not_a_file(path, pipes=True)
    if why is not None:
        raise WaiverFileError(f"cannot read the waivers file {file}: {why}")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise WaiverFileError(f"cannot read the waivers file {file}: {exc.strerror}") from exc
    text, issue = decode_text(raw, file)
    if text is None:
        raise WaiverFileError(f"{file}: {issue.message if issue else 'not UTF-8'}")
    docs, problems = load_yaml_records_text(text, file)
    if problems:
        p = problems[0]
        raise WaiverFileError(f"{p.location()}: {p.sentence()}")
    items: list[Any] = []
    for doc in docs:  # every ``---`` document, as in a records file
        found: Any = doc.get("waivers") if isinstance(doc, dict) else [] if doc is None else doc
        if not isinstance(found, list):
            raise WaiverFileError(
                f"{file}: expected a list of waivers (or a mapping with 'waivers:') of "
                "{record, rule, reason, approved_by, expires_on}"
            )
        items.extend(found)
    out = WaiverSet(file)
    expired: list[tuple[Waiver, int, int]] = []
    for item in items:
        given = item if isinstance(item, dict) else {}
        at = given.get("at", {})
        line = int(at.get("line", getattr(item, "line", 1)) or 1)
        column = int(at.get("column", getattr(item, "column", 1)) or 1)
        waiver, problem, key = (
            validate(item, handbook, file, line, column)
            if isinstance(item, dict)
            else (None, _NOT_A_MAPPING, None)
        )
        if waiver is None:
            # at the key the problem is about (expires_on's value), else at the waiver
            kline, kcolumn = at.get("keys", {}).get(key, (line, column))
            record, rule = _text(given.get("record")), _text(given.get("rule"))
            message = problem or "invalid waiver"
            out.problems.append(
                WaiverProblem("E006", message, record, rule, file, int(kline), int(kcolumn))
            )
            continue
        out.wanted.setdefault(waiver.record, []).append(waiver)
        if waiver.expired(today):
            expired.append((waiver, line, column))
        else:
            out.active.setdefault((waiver.record, waiver.rule), waiver)
    for w, line, column in expired:  # W001, unless a valid waiver renews it
        if (w.record, w.rule) not in out.active:
            message = expired_message(w)
            out.problems.append(
                WaiverProblem("W001", message, w.record, w.rule, file, line, column)
            )
    out.problems.sort(key=lambda p: (p.line, p.column))
    return out

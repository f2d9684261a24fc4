"""What every output format shares: the `Sink` interface, `RenderOptions`, and helpers for
frame columns as plain values, repository-relative paths, escaping and codes.
"""

from __future__ import annotations

import functools
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from json.encoder import encode_basestring
from pathlib import Path
from typing import IO, Any, ClassVar, TextIO
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

from handbook.checker.codes import CHECKER_CODES
from handbook.checker.findings import FINDING_COLUMNS, Summary
from handbook.ci import CONTROL_ESCAPES, fingerprint, relative_path
from handbook.model.handbook import Handbook

#: Results GitHub code scanning accepts in one SARIF run.
SARIF_MAX_RESULTS = 25_000


@dataclass
class RenderOptions:
    """Options of the renderers.

    Attributes:
        handbook: its rules describe SARIF rules and JUnit test cases.
        site_url: base URL of the site (SARIF ``informationUri``).
        color: ANSI colour in text output.
        repo_root: CI paths are relative to it (None: as given).
        step_summary: the GitHub step summary file to append a Markdown table to.
        tool_version: version reported in SARIF (default: the package's).
        max_results: SARIF and HTML cap (GitHub accepts 25,000 results).
        fail_on_warn: JUnit reports warnings as failures, not in ``system-out``.
    """

    handbook: Handbook | None = None
    site_url: str | None = None
    color: bool = False
    repo_root: Path | None = None
    step_summary: Path | None = None
    tool_version: str | None = None
    max_results: int = SARIF_MAX_RESULTS
    fail_on_warn: bool = False


class Sink:
    """Receives a run batch by batch (findings in run order), writing as it goes; `end`
    completes the document. ``notes`` are printed on stderr; ``needs_records``: `write`
    reads the records frame (else it may be empty)."""

    needs_records: ClassVar[bool] = False

    def __init__(self, out: TextIO, options: RenderOptions) -> None:
        self.out = out
        self.options = options
        self.notes: list[str] = []

    def write(self, records: pd.DataFrame, findings: pd.DataFrame, file: str | None = None) -> None:
        """Write the findings (`FINDING_COLUMNS`) of records (`RECORD_COLUMNS`) of a
        batch; ``file`` names the batch's input file (even when it gave nothing)."""

    def end(self, summary: Summary) -> None:
        """Complete the document with the run's counts."""


# --- frame columns as plain values ---------------------------------------------------------


def objects(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A column as an object array, absent values (NA, NaN) as None."""
    values = frame[column].to_numpy(dtype=object).copy()
    values[pd.isna(values)] = None
    return values


def ints(frame: pd.DataFrame, column: str) -> np.ndarray:
    """An integer column (line, column) as ``int64``, absent as 0."""
    return frame[column].fillna(0).to_numpy(dtype=np.int64)


def json_strings(values: np.ndarray) -> np.ndarray:
    """JSON literals of an object array of texts (None -> null). Each distinct text is
    encoded once (most columns hold a few: rule, file, field, edition)."""
    codes, uniques = pd.factorize(values)
    literals = np.array([*map(encode_basestring, uniques.tolist()), "null"], dtype=object)
    result: np.ndarray = literals[codes]  # code -1 (absent) takes the last, "null"
    return result


def json_ints(values: np.ndarray) -> np.ndarray:
    """JSON literals of positive integers (0 and less -> null)."""
    text = values.astype(str).astype(object)
    text[values <= 0] = "null"
    return text


def rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The findings of a frame as dicts of plain Python values: ``record``, ``field``,
    ``edition``, ``help_uri`` None when absent; ``line``, ``column``, ``record_line`` 0."""
    columns = {c: frame[c].tolist() for c in FINDING_COLUMNS}
    for c in ("record", "field", "edition", "help_uri"):
        columns[c] = [v if isinstance(v, str) else None for v in columns[c]]
    for c in ("line", "column", "record_line"):
        columns[c] = [
            int(v) if isinstance(v, (int, np.integer)) and v > 0 else 0 for v in columns[c]
        ]
    return [
        dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)
    ]


def labelled(finding: dict[str, Any]) -> str:
    """``[record] message`` of a row of `rows`, the message alone when it has no record."""
    record = finding["record"]
    return f"[{record}] {finding['message']}" if record else str(finding["message"])


# --- paths, escaping, fingerprints ---------------------------------------------------------


def path_map(root: Path | None, uris: bool = True) -> Callable[[str], str]:
    """Input path -> the repository-relative, ``/``-separated path CI tools want, each worked
    out once (`handbook.ci.relative_path`; with ``uris``, an absolute path outside ``root``
    is a ``file://`` URI, as SARIF and the HTML report want)."""
    base = root.resolve() if root is not None else None
    return functools.cache(lambda file: relative_path(file, base, uri=uris and base is not None))


def spool() -> IO[str]:
    """A text buffer for a document's body that must follow its counts (in memory up to
    32 MiB, then a temporary file)."""
    return tempfile.SpooledTemporaryFile(max_size=32 << 20, mode="w+", encoding="utf-8")


_CONTROL_CHARS = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(values: np.ndarray) -> np.ndarray:
    """Text values (None kept) with control characters escaped (``\\n``, ``\\x1b``):
    the array itself when none has any (the common case costs one join and one search)."""
    present = [v for v in values.tolist() if isinstance(v, str)]
    if not _CONTROL_CHARS.search("".join(present)):
        return values
    return np.array(
        [v.translate(CONTROL_ESCAPES) if isinstance(v, str) else v for v in values.tolist()],
        dtype=object,
    )


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_escape(text: str) -> str:
    """Text for an XML attribute or element (control characters replaced by U+FFFD)."""
    return escape(
        _XML_BAD.sub("\ufffd", text), {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}
    )


class Fingerprints:
    """Stable, unique fingerprints of findings (SARIF ``partialFingerprints``, GitLab
    ``fingerprint``): `handbook.ci.fingerprint` of path, rule, record and field, and of the
    occurrence number for the n-th repeat of one key in a run."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def key(self, path: str, rule: str, record: str, field: str) -> str:
        """The fingerprint of the next finding with these parts."""
        key = fingerprint(path, rule, record, field)
        seen = self.seen.get(key, 0)
        self.seen[key] = seen + 1
        return fingerprint(key, str(seen)) if seen else key


# --- codes and counts ----------------------------------------------------------------------


def describe_code(handbook: Handbook | None, code: str) -> tuple[str, str, str, str]:
    """(title, statement, help text, default level) of a rule or checker code."""
    if handbook is not None:
        for rule in handbook.rules:
            if rule.id == code:
                quotes = "; ".join(f'"{q.quote}" ({q.doc}, {q.section})' for q in rule.sources)
                help_text = (
                    f"{rule.statement} Editions: {', '.join(rule.editions)}. Sources: {quotes}"
                )
                return rule.title, rule.statement, help_text, rule.severity
    severity, meaning = CHECKER_CODES.get(code, ("error", code))
    title = meaning.split(":")[0]
    title = title[0].upper() + title[1:] if title else code
    statement = f"{code}: {meaning}."
    return title, statement, statement, severity


def all_codes(handbook: Handbook | None) -> list[str]:
    """Every code a run can report: the handbook's rules, then `CHECKER_CODES`."""
    rules = [r.id for r in handbook.rules] if handbook is not None else []
    return [*rules, *CHECKER_CODES]


def summary_line(summary: Summary) -> str:
    """``N records checked: N errors, N warnings, N waived``."""

    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'s' if n != 1 else ''}"

    return (
        f"{plural(summary.records, 'record')} checked: {plural(summary.errors, 'error')}, "
        f"{plural(summary.warnings, 'warning')}, {summary.waived} waived"
    )

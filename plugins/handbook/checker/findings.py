"""What the checker reports: findings (a broken rule, an input error or a waiver problem
on a record or a file) and the `Report` of a run. They stay columnar up to the renderers
(frames of `FINDING_COLUMNS` and `RECORD_COLUMNS`), so a million records never become a
million objects; `Finding` and `RecordRef` are views of a row for the library API.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

import numpy as np
import pandas as pd

# The codes (CHECKER_CODES...) live in `handbook.checker.codes`, which has no pandas.
from handbook.checker.codes import Severity

if TYPE_CHECKING:
    from handbook.model.handbook import Handbook

T = TypeVar("T")

#: Columns of a findings batch (`pandas.DataFrame`), in this order.
FINDING_COLUMNS: tuple[str, ...] = (
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
    "record_line",
    "waived",
    "waiver_reason",
    "waiver_approved_by",
    "waiver_expires_on",
)

#: Columns of a records batch: one row per record read (`RecordRef` fields + ``evaluated``).
RECORD_COLUMNS: tuple[str, ...] = (
    "id",
    "title",
    "file",
    "line",
    "initiator",
    "change_type",
    "sop_category",
    "edition",
    "evaluated",
)


#: What a URI may hold as written (RFC 3986's reserved and unreserved characters, and ``%``).
_URI_CHARACTERS = ":/?#[]@!$&'()*+,;=%~"


def as_uri(url: str) -> str:
    """``url`` as a valid URI: a space or other character a URI cannot hold is
    percent-encoded (``a b`` -> ``a%20b``, ``é`` -> ``%C3%A9``); what is encoded already
    is kept."""
    return quote(url, safe=_URI_CHARACTERS)


def help_uri(site_url: str | None, code: str) -> str | None:
    """The page of a rule or code on the site, ``{site_url}rules/{code lowercase}/`` (None
    without a ``site_url``), a valid URI (`as_uri`)."""
    return as_uri(f"{site_url.removesuffix('/')}/rules/{code.lower()}/") if site_url else None


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing wrong with a change record, or with a whole file.

    Attributes:
        record: the record's ``id`` (None for a file or a record without id).
        rule: a rule of ``data/rules.yaml`` (``MMD001``) or a checker code (``E001``, ``W001``).
        severity: ``error`` (exit code 1) or ``warning``.
        message: what is wrong and what would be right, with the numbers.
        file: the records file, as given on the command line.
        line: 1-based line of the offending value (else of the record), or None.
        edition: the edition in force for the record (``"2022"``) or None.
        column: 1-based column (characters) of the offending value, or None.
        field: the offending record field (``notified_at``), or None.
        help_uri: the rule's page on the site, or None.
        record_line: the 1-based line where the record starts, or None.
        waived: a waiver covers the finding (it never fails a run); ``waiver_reason``,
            ``waiver_approved_by`` and ``waiver_expires_on`` (UTC ``YYYY-MM-DD``) are its.
    """

    record: str | None
    rule: str
    severity: Severity
    message: str
    file: str
    line: int | None
    edition: str | None
    column: int | None = None
    field: str | None = None
    help_uri: str | None = None
    record_line: int | None = None
    waived: bool = False
    waiver_reason: str | None = None
    waiver_approved_by: str | None = None
    waiver_expires_on: str | None = None


@dataclass
class RecordRef:
    """A change record read by the checker (whatever its verdict).

    ``line`` is the 1-based line where the record starts; ``edition`` the edition in force
    on its ``starts_at`` (None when unknown or before the first edition).
    """

    id: str | None
    title: str | None
    file: str
    line: int | None
    initiator: str | None
    change_type: str | None
    sop_category: str | None
    edition: str | None


@dataclass
class Summary:
    """Counts of a run: records read, error and warning findings (not waived), waived."""

    records: int = 0
    errors: int = 0
    warnings: int = 0
    waived: int = 0

    @classmethod
    def of(cls, findings: pd.DataFrame, records: int) -> Summary:
        """The counts of ``records`` records and their findings (`FINDING_COLUMNS`)."""
        counted = ~findings["waived"].to_numpy(dtype=bool)
        severity = findings["severity"].to_numpy(dtype=object)
        errors = int(np.count_nonzero(counted & (severity == "error")))
        warnings = int(np.count_nonzero(counted & (severity == "warning")))
        return cls(records, errors, warnings, int(np.count_nonzero(~counted)))

    def add(self, other: Summary) -> None:
        """Add another summary's counts to this one."""
        self.records += other.records
        self.errors += other.errors
        self.warnings += other.warnings
        self.waived += other.waived


def _empty(columns: tuple[str, ...], types: dict[str, Any]) -> pd.DataFrame:
    """A frame of no rows: ``columns``, of ``types`` (object for the others)."""
    return pd.DataFrame({c: pd.Series([], dtype=types.get(c, object)) for c in columns})


def empty_findings() -> pd.DataFrame:
    """A findings batch with no rows (the right columns and dtypes)."""
    ints = dict.fromkeys(("line", "column", "record_line"), "int64")
    return _empty(FINDING_COLUMNS, {**ints, "waived": bool})


def empty_records() -> pd.DataFrame:
    """A records batch with no rows (the right columns and dtypes)."""
    return _empty(RECORD_COLUMNS, {"line": "int64", "evaluated": bool})


@dataclass(eq=False)
class Report:
    """The result of one checker run, columnar, in run order (file by file as given, then
    by record line, line, column and code, `handbook.checker.codes.code_order`).

    Attributes:
        findings_frame: every finding, waived ones included (``waived`` column), one row
            each: `FINDING_COLUMNS` (lines and columns ``int64``, 0 when unknown).
        records_frame: every record read, one row each: `RECORD_COLUMNS` (``line``
            ``int64``, ``evaluated`` False for a record with an input error).
        handbook: the handbook the run used (renderers read its rules), or None.
        site_url: the site's URL for ``help_uri`` links, or None.
        files: the run's files in order (as given), then any waivers file.

    `findings`, `waived` and `records` are the same rows as objects, built on first use.
    """

    findings_frame: pd.DataFrame = field(default_factory=empty_findings)
    records_frame: pd.DataFrame = field(default_factory=empty_records)
    handbook: Handbook | None = field(default=None, repr=False)
    site_url: str | None = None
    files: list[str] = field(default_factory=list)

    def _waived_mask(self) -> np.ndarray:
        return self.findings_frame["waived"].to_numpy(dtype=bool)

    @cached_property
    def findings(self) -> list[Finding]:
        """Every finding that counts (not waived), in run order."""
        return _views(self.findings_frame[~self._waived_mask()], Finding, _FINDING_FIELDS)

    @cached_property
    def waived(self) -> list[Finding]:
        """The findings covered by a waiver (reported, never failing), in run order."""
        return _views(self.findings_frame[self._waived_mask()], Finding, _FINDING_FIELDS)

    @cached_property
    def records(self) -> list[RecordRef]:
        """Every record read, in run order."""
        return _views(self.records_frame, RecordRef, _RECORD_FIELDS)

    @property
    def errors(self) -> int:
        """Number of findings with severity ``error`` (waived ones excluded)."""
        return self.summary().errors

    @property
    def warnings(self) -> int:
        """Number of findings with severity ``warning`` (waived ones excluded)."""
        return self.summary().warnings

    def summary(self) -> Summary:
        """The counts of the run."""
        return Summary.of(self.findings_frame, len(self.records_frame))


def _opt_str(value: Any) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return str(value)


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _opt_int(value: Any) -> int | None:
    if value is None or pd.isna(value):
        return None
    number = int(value)
    return number if number > 0 else None


#: How each column of a findings frame becomes its `Finding` field (absent: None).
_FINDING_FIELDS: dict[str, Callable[[Any], Any]] = {
    **dict.fromkeys(FINDING_COLUMNS, _opt_str),
    **dict.fromkeys(("line", "column", "record_line"), _opt_int),
    "rule": str,
    "severity": lambda value: "warning" if value == "warning" else "error",
    "message": str,
    "file": str,
    "waived": bool,
}

#: How each column of a records frame becomes its `RecordRef` field (``evaluated`` is none).
_RECORD_FIELDS: dict[str, Callable[[Any], Any]] = {
    **dict.fromkeys(RECORD_COLUMNS[:-1], _str_or_none),
    "file": str,
    "line": _opt_int,
}


def _views(
    frame: pd.DataFrame, view: Callable[..., T], convert: dict[str, Callable[[Any], Any]]
) -> list[T]:
    """One ``view`` object per row of ``frame``: each field of ``convert`` from its column."""
    columns = {c: [f(v) for v in frame[c].tolist()] for c, f in convert.items()}
    return [
        view(**dict(zip(columns, values, strict=True)))
        for values in zip(*columns.values(), strict=True)
    ]

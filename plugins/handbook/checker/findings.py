"""What the checker reports: findings on change records, and the report of a run.

A `Finding` is one broken rule (``MMD001`` ...), one input error (``E001`` ...) or one
waiver problem (``E006``, ``W001``) on one change record (or on a whole file, for
``E001``). A `Report` holds every finding of a run and a `RecordRef` for every record
read, in run order (file by file, line by line).

Inside the checker, findings travel as `pandas.DataFrame` batches with the columns
`FINDING_COLUMNS` (one row per finding), so that a million records never become a
million Python objects; `frame_to_findings` and `findings_to_frame` convert.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

# The codes (INPUT_ERRORS, CHECKER_CODES...) live in `handbook.checker.codes`, which has no pandas.
from handbook.checker.codes import Severity

if TYPE_CHECKING:
    from handbook.model.handbook import Handbook

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


def help_uri(site_url: str | None, code: str) -> str | None:
    """The page of a rule or code on the site: ``{site_url}rules/{code lowercase}/``.

    ``site_url`` is the ``site_url`` of ``mkdocs.yml`` (ending with ``/``); None gives None.
    """
    if not site_url:
        return None
    base = site_url if site_url.endswith("/") else site_url + "/"
    return f"{base}rules/{code.lower()}/"


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing wrong with a change record, or with a whole file.

    Attributes:
        record: the record's ``id`` (None for file-level problems or a record without id).
        rule: ``MMD001``..``MMD010`` (a rule of ``data/rules.yaml``), ``E001``..``E006``
            or ``W001``.
        severity: ``error`` (exit code 1) or ``warning``.
        message: what is wrong and what would be right, with the numbers.
        file: the records file, as given on the command line.
        line: 1-based line of the offending field where the file gives one (the YAML node
            of ``notified_at``, the CSV cell's physical line), else the record's first line;
            None when unknown.
        edition: the edition in force for the record (``"2018"``, ``"2022"``) or None.
        column: 1-based column (characters) of the offending value, or None.
        field: the offending record field (``notified_at``), or None.
        help_uri: the rule's page on the site, or None.
        record_line: the 1-based line where the record starts, or None.
        waived: True when a waiver covers the finding (it then never fails a run).
        waiver_reason, waiver_approved_by, waiver_expires_on: the waiver (UTC date
            ``YYYY-MM-DD``) when ``waived``.
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
class Report:
    """The result of one checker run, in run order.

    Attributes:
        findings: every finding that counts (not waived).
        records: every record read.
        waived: findings covered by a waiver (reported, never failing).
        handbook: the handbook the run used (renderers read its rules), or None.
        site_url: the site's URL for ``help_uri`` links, or None.
        files: the run's files in order (as given), then any waivers file.
    """

    findings: list[Finding] = field(default_factory=list)
    records: list[RecordRef] = field(default_factory=list)
    waived: list[Finding] = field(default_factory=list)
    handbook: Handbook | None = field(default=None, repr=False, compare=False)
    site_url: str | None = None
    files: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        """Number of findings with severity ``error`` (waived ones excluded)."""
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        """Number of findings with severity ``warning`` (waived ones excluded)."""
        return sum(1 for f in self.findings if f.severity == "warning")

    def for_record(self, file: str, record_id: str | None) -> list[Finding]:
        """Findings of the record(s) with ``record_id`` in ``file`` (None: file-level ones)."""
        return [f for f in self.findings if f.file == file and f.record == record_id]

    def summary(self) -> Summary:
        """The counts of the run."""
        return Summary(len(self.records), self.errors, self.warnings, len(self.waived))


@dataclass
class Summary:
    """Counts of a run: records read, error and warning findings (not waived), waived."""

    records: int = 0
    errors: int = 0
    warnings: int = 0
    waived: int = 0

    def add(self, other: Summary) -> None:
        """Add another summary's counts to this one."""
        self.records += other.records
        self.errors += other.errors
        self.warnings += other.warnings
        self.waived += other.waived


def _opt_str(value: Any) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return str(value)


def _opt_int(value: Any) -> int | None:
    if value is None or pd.isna(value):
        return None
    number = int(value)
    return number if number > 0 else None


def frame_to_findings(frame: pd.DataFrame) -> list[Finding]:
    """`Finding` objects of a findings batch (columns `FINDING_COLUMNS`)."""
    out: list[Finding] = []
    columns = [frame[c].tolist() for c in FINDING_COLUMNS]
    for values in zip(*columns, strict=True):
        row = dict(zip(FINDING_COLUMNS, values, strict=True))
        out.append(
            Finding(
                record=_opt_str(row["record"]),
                rule=str(row["rule"]),
                severity="warning" if row["severity"] == "warning" else "error",
                message=str(row["message"]),
                file=str(row["file"]),
                line=_opt_int(row["line"]),
                edition=_opt_str(row["edition"]),
                column=_opt_int(row["column"]),
                field=_opt_str(row["field"]),
                help_uri=_opt_str(row["help_uri"]),
                record_line=_opt_int(row["record_line"]),
                waived=bool(row["waived"]),
                waiver_reason=_opt_str(row["waiver_reason"]),
                waiver_approved_by=_opt_str(row["waiver_approved_by"]),
                waiver_expires_on=_opt_str(row["waiver_expires_on"]),
            )
        )
    return out


def empty_findings() -> pd.DataFrame:
    """A findings batch with no rows (the right columns and dtypes)."""
    frame = pd.DataFrame({c: pd.Series([], dtype=object) for c in FINDING_COLUMNS})
    for c in ("line", "column", "record_line"):
        frame[c] = pd.Series([], dtype="int64")
    frame["waived"] = pd.Series([], dtype=bool)
    return frame


def findings_to_frame(findings: Iterable[Finding]) -> pd.DataFrame:
    """A findings batch (columns `FINDING_COLUMNS`) from `Finding` objects.

    Unknown lines and columns become 0.
    """
    items = list(findings)
    if not items:
        return empty_findings()
    data: dict[str, list[Any]] = {c: [] for c in FINDING_COLUMNS}
    for f in items:
        for c in FINDING_COLUMNS:
            value = getattr(f, c)
            if c in ("line", "column", "record_line"):
                value = value or 0
            data[c].append(value)
    frame = pd.DataFrame(data, columns=list(FINDING_COLUMNS))
    for c in ("line", "column", "record_line"):
        frame[c] = frame[c].astype("int64")
    frame["waived"] = frame["waived"].astype(bool)
    for c in FINDING_COLUMNS:
        if c not in ("line", "column", "record_line", "waived"):
            frame[c] = frame[c].astype(object)
    return frame


def records_to_frame(records: Sequence[RecordRef], evaluated: Sequence[bool]) -> pd.DataFrame:
    """A records batch (columns `RECORD_COLUMNS`) from `RecordRef` objects."""
    data: dict[str, list[Any]] = {c: [] for c in RECORD_COLUMNS}
    for r, ok in zip(records, evaluated, strict=True):
        for c in RECORD_COLUMNS[:-1]:
            value = getattr(r, c)
            data[c].append((value or 0) if c == "line" else value)
        data["evaluated"].append(bool(ok))
    frame = pd.DataFrame(data, columns=list(RECORD_COLUMNS))
    frame["line"] = frame["line"].astype("int64")
    frame["evaluated"] = frame["evaluated"].astype(bool)
    for c in RECORD_COLUMNS:
        if c not in ("line", "evaluated"):
            frame[c] = frame[c].astype(object)
    return frame

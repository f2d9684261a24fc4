"""What the checker reports: findings on change records, and the report of a run.

A `Finding` is one broken rule (``MMD001`` ...) or one input error (``E001`` ...) on one
change record (or on a whole file, for ``E001``). A `Report` holds every finding of a run
and a `RecordRef` for every record read, in run order (file by file, line by line).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]

#: Input-error codes and what they mean (the rule codes ``MMD...`` live in data/rules.yaml).
INPUT_ERRORS: dict[str, str] = {
    "E001": "file unreadable or not valid YAML/CSV (or a record that is not a mapping)",
    "E002": "a required field is missing",
    "E003": "an invalid value",
    "E004": "an unknown reference",
    "E005": "a duplicate id",
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing wrong with a change record, or with a whole file.

    Attributes:
        record: the record's ``id`` (None for file-level problems or a record without id).
        rule: ``MMD001``..``MMD010`` (a rule of ``data/rules.yaml``) or ``E001``..``E005``.
        severity: ``error`` (exit code 1) or ``warning``.
        message: what is wrong and what would be right, with the numbers.
        file: the records file, as given on the command line.
        line: 1-based line where the record starts (CSV: the row's physical line), or
            None when unknown.
        edition: the edition in force for the record (``"2018"``, ``"2022"``) or None.
    """

    record: str | None
    rule: str
    severity: Severity
    message: str
    file: str
    line: int | None
    edition: str | None


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
    """The result of one checker run: every finding and every record, in run order."""

    findings: list[Finding] = field(default_factory=list)
    records: list[RecordRef] = field(default_factory=list)

    @property
    def errors(self) -> int:
        """Number of findings with severity ``error``."""
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        """Number of findings with severity ``warning``."""
        return sum(1 for f in self.findings if f.severity == "warning")

    def for_record(self, file: str, record_id: str | None) -> list[Finding]:
        """Findings of the record(s) with ``record_id`` in ``file`` (None: file-level ones)."""
        return [f for f in self.findings if f.file == file and f.record == record_id]

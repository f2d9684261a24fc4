"""``handbook check``: `Checker` reads a run batch by batch (a file, or ``--chunk-size``
records: `handbook.checker.reading.iter_batches`), validates the values column-wise (E002
to E004, `handbook.checker.validate`), picks each record's edition
(`handbook.checker.editions`), finds duplicate ids (E005, `handbook.checker.duplicates`),
evaluates every rule over the batch at once (`handbook.checker.rules`), applies waivers
(`handbook.checker.waived`) and yields each batch's findings as a frame
(`handbook.checker.findings.FINDING_COLUMNS`), so memory stays flat. The whole run as a
`Report`: `handbook.checker.check.check_paths`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from handbook.checker.assemble import findings_columns, sorted_findings
from handbook.checker.codes import CHECKER_CODES, severity_of
from handbook.checker.duplicates import SeenIds, duplicate_ids
from handbook.checker.editions import edition_column, editions_in_force
from handbook.checker.findings import (
    RECORD_COLUMNS,
    Summary,
    empty_findings,
    empty_records,
    help_uri,
)
from handbook.checker.reading import iter_batches
from handbook.checker.records import Batch
from handbook.checker.rules import Piece, RuleInput, evaluate
from handbook.checker.validate import (
    Errors,
    check_forms,
    check_references,
    read_columns,
    read_ids,
    spellings,
)
from handbook.checker.waived import (
    apply_waivers,
    note_waived_records,
    record_waiver_problems,
    waiver_file_findings,
)
from handbook.checker.waivers import WaiverSet
from handbook.model.handbook import Handbook

if TYPE_CHECKING:
    from handbook.checker.mapping import Mapping


@dataclass
class CheckOptions:
    """How to check.

    Attributes:
        edition: check every record against this edition id, whatever its date.
        waivers: waivers of a waivers file (`handbook.checker.waivers.load_waivers`).
        today: the UTC date waivers expire against (default: today).
        site_url: base URL of the site for ``help_uri`` (``{site_url}rules/mmd001/``).
        chunk_size: records per batch (None: one batch per file).
        mapping: an ITSM mapping for CSV exports (`handbook.checker.mapping.Mapping`).
        titles: keep each batch's `BatchResult.records`, CSV titles read (a report that
            lists records); False reads faster and leaves ``records`` empty.
        partial: the run holds only some records (``--partial``): a file waiver whose
            record none holds is no E006.
        observe: called once a batch with its `RuleInput`, the rules' `Piece` list and
            the records' ids (`handbook.checker.coverage`).
    """

    edition: str | None = None
    waivers: WaiverSet | None = None
    today: date | None = None
    site_url: str | None = None
    chunk_size: int | None = None
    mapping: Mapping | None = None
    titles: bool = True
    partial: bool = False
    observe: Callable[[RuleInput, list[Piece], list[str | None]], None] | None = None


@dataclass
class BatchResult:
    """The findings (`FINDING_COLUMNS`, sorted) and records (`RECORD_COLUMNS`, built on
    first use) of a batch."""

    file: str
    findings: pd.DataFrame
    summary: Summary
    nbytes: int = 0
    make_records: Callable[[], pd.DataFrame] | None = None
    _records: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def records(self) -> pd.DataFrame:
        """One row per record of the batch (`RECORD_COLUMNS`)."""
        if self._records is None:
            self._records = self.make_records() if self.make_records else empty_records()
        return self._records


class Checker:
    """One run of the checker over files, batch by batch (see the module doc)."""

    def __init__(self, handbook: Handbook, options: CheckOptions | None = None) -> None:
        self.hb = handbook
        self.options = options or CheckOptions()
        self.today = self.options.today or datetime.now(UTC).date()
        self.summary = Summary()
        self.seen = SeenIds()
        self.files: list[str] = []
        self.seen_waived: set[str] = set()
        self.parties = [p.id for p in handbook.parties if p.kind == "party"]
        # the provider's name for messages (the party `microsoft`)
        self.provider = next((p.name for p in handbook.parties if p.id == "microsoft"), "")
        self.editions = handbook.editions_in_order()
        self.one = handbook.edition(self.options.edition) if self.options.edition else None
        self.rule_ids = {r.id for r in handbook.rules}
        codes = [*(r.id for r in handbook.rules), *CHECKER_CODES]
        self.help = {c: help_uri(self.options.site_url, c) for c in codes}
        self.vocabulary = [a.id for a in handbook.actions]
        self.spellings = spellings(handbook, self.parties)
        mapping = self.options.mapping
        self.labels = mapping.labels() if mapping is not None else {}

    def run(self, paths: Sequence[Path]) -> Iterator[BatchResult]:
        """Check ``paths``; yields each batch's result, then one for waiver problems."""
        self.files = [str(p) for p in paths]
        batches = iter_batches(
            paths,
            chunk_size=self.options.chunk_size,
            mapping=self.options.mapping,
            titles=self.options.titles,
        )
        for batch in batches:
            result = self._evaluate(batch)
            del batch
            self.summary.add(result.summary)
            yield result
            del result
        tail = self._waiver_file_findings()
        if tail is not None:
            self.summary.add(tail.summary)
            yield tail

    def _evaluate(self, batch: Batch) -> BatchResult:
        cols = read_columns(batch)
        read_ids(cols, self.spellings)
        n = cols.n
        # a warning about how a record is written (W002) leaves the record checked
        read_issues = [
            i for i in batch.issues if i.row is not None and severity_of(i.code) == "error"
        ]
        typed: dict[str, np.ndarray] = {}
        for issue in read_issues:
            typed.setdefault(issue.field or "", np.zeros(n, dtype=bool))[issue.row] = True
        errors = Errors(n, typed, self.labels)
        names = {p.id: p.name for p in self.hb.parties if p.id in self.parties}
        check_forms(cols, names, errors, self.provider or "the provider")
        chosen, index, before_first = editions_in_force(
            cols.times["starts_at"], self.editions, self.one
        )
        edition, cols.coded["edition"] = edition_column(chosen, index)
        check_references(cols, self.hb, chosen, index, self.vocabulary, errors)
        ids = cols.text["id"]
        dup = duplicate_ids(
            self.seen, ids, cols.present["id"], batch.lines, batch.fileno, batch.file, self.files
        )
        pieces = errors.pieces if dup is None else [*errors.pieces, dup]
        bad_rows = np.zeros(n, dtype=bool)
        for p in pieces:
            bad_rows[p.rows] = True
        for issue in read_issues:
            bad_rows[issue.row] = True
        cols.edition, cols.eligible, cols.before_first = edition, ~bad_rows, before_first
        rule_pieces = evaluate(self.hb, cols)
        if self.options.observe is not None:  # once a batch, for verify --coverage only
            self.options.observe(cols, rule_pieces, ids.to_pylist())
        extra, active = record_waiver_problems(batch, ids, self.hb, self.today)
        note_waived_records(ids, self.options.waivers, self.seen_waived)
        table = findings_columns(batch, pieces, rule_pieces, extra, ids, edition, self.help)
        if table is None:
            findings = empty_findings()
        else:
            out, rows = table
            apply_waivers(out, rows, active, self.options.waivers, self.rule_ids)
            findings = sorted_findings(out)
        return BatchResult(
            batch.file,
            findings,
            Summary.of(findings, n + len(batch.skipped)),
            batch.nbytes,
            # records hold the batch's texts: kept only when a report lists records
            (lambda: self._records(batch, cols)) if self.options.titles else None,
        )

    def _waiver_file_findings(self) -> BatchResult | None:
        waivers = self.options.waivers
        seen = None if self.options.partial else self.seen_waived
        found = waiver_file_findings(waivers, seen, self.help) if waivers else None
        return BatchResult(waivers.file, *found, 0, empty_records) if waivers and found else None

    # --- records -------------------------------------------------------------------------

    def _records(self, batch: Batch, cols: RuleInput) -> pd.DataFrame:
        data: dict[str, Any] = {
            c: cols.text[c].to_numpy(zero_copy_only=False).astype(object)
            for c in ("id", "title", "initiator", "change_type", "sop_category")
        }
        data |= {
            "file": np.full(len(batch), batch.file, dtype=object),
            "line": batch.lines.astype(np.int64),
            "edition": cols.edition,
            "evaluated": cols.eligible,
        }
        frame = pd.DataFrame(data, columns=list(RECORD_COLUMNS))
        if batch.skipped:
            skipped = {"file": batch.file, "line": [s or 0 for s in batch.skipped]}
            extra = pd.DataFrame(
                dict.fromkeys(RECORD_COLUMNS) | skipped | {"evaluated": False},
                columns=list(RECORD_COLUMNS),
            )
            frame = pd.concat([frame, extra], ignore_index=True)
            frame = frame.sort_values("line", kind="stable").reset_index(drop=True)
        return frame

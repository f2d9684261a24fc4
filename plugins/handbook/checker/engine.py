"""``handbook check``: check change records against the rules of ``data/``.

`Checker` reads the files of a run batch by batch (`handbook.checker.records.iter_batches`: a
file, or ``--chunk-size`` records of it), validates the values column-wise (input errors
E002 to E005), picks the edition in force for each record from its ``starts_at`` (UTC
date; or one edition for all with ``--edition``), evaluates every rule of
``data/rules.yaml`` over all valid records of the batch at once (`handbook.checker.rules`),
applies waivers (`handbook.checker.waivers`) and yields each batch's findings as a
`pandas.DataFrame` (`handbook.checker.findings.FINDING_COLUMNS`), so output can be streamed and
memory stays flat. Duplicate ids are found across batches and files.

`check_paths` is the pure function the site uses: the whole run as a `Report`. `run` is
the command: exit 0 when no finding counts as an error, 1 when one does (or a warning,
with ``--fail-on-warn``), 2 on a usage error (a missing path, invalid data, an unknown
edition, an unreadable waivers or mapping file).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from handbook.checker.codes import CHECKER_CODES, CODE_ORDER
from handbook.checker.findings import (
    FINDING_COLUMNS,
    RECORD_COLUMNS,
    Summary,
    empty_findings,
    help_uri,
)
from handbook.checker.records import (
    BOOL_FIELDS,
    FIELDS,
    Batch,
    Cells,
    Issue,
    MappingLike,
    iter_batches,
)
from handbook.checker.rules import NAT, Coded, Piece, RuleInput, cat, evaluate, isin, split_list
from handbook.checker.values import INVALID, NAIVE, parse_bools, parse_times, text_keys
from handbook.checker.waivers import (
    Waiver,
    WaiverProblem,
    WaiverSet,
    expired_message,
    validate,
)
from handbook.model.entities import TIME_FIELDS
from handbook.model.handbook import Handbook

#: The columns of a findings part inside `Checker._assemble`, with their NumPy types.
_PART_TYPES: dict[str, Any] = {
    "_row": np.int64,
    "rule": object,
    "severity": object,
    "message": object,
    "field": object,
    "line": np.int64,
    "column": np.int64,
}


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
        titles: a report lists the records (JUnit): read their titles from CSV and keep
            each batch's `BatchResult.records`. False reads faster and frees a batch as
            soon as its findings are made (its ``records`` are then empty).
    """

    edition: str | None = None
    waivers: WaiverSet | None = None
    today: date | None = None
    site_url: str | None = None
    chunk_size: int | None = None
    mapping: MappingLike | None = None
    titles: bool = True


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
            if self.make_records is None:
                self._records = pd.DataFrame(
                    {c: pd.Series([], dtype=object) for c in RECORD_COLUMNS}
                )
            else:
                self._records = self.make_records()
        return self._records


def _present(values: np.ndarray) -> np.ndarray:
    result: np.ndarray = ~pd.isna(values)
    return result


def _none_if_absent(values: np.ndarray) -> np.ndarray:
    out = np.asarray(values, dtype=object).copy()
    out[~_present(out)] = None
    return out


#: Largest sorted run of the `IdTracker` made by merging (bounds the merge's temporaries).
MAX_RUN = 1 << 20


class IdTracker:
    """Ids seen in earlier batches of a run: 64-bit keys (`handbook.checker.values.word_keys` of
    the id's UTF-8 bytes) with the first record's line (and file), in sorted runs merged
    as they grow up to `MAX_RUN` entries. Memory: 12 bytes per distinct id (the file is
    kept once per run while a run holds one file).

    Two different ids with the same 64-bit key would be taken for duplicates; for keys
    that behave as random that happens with probability about n²/2⁶⁵ (under 10⁻⁶ for 5
    million ids). Within one batch, duplicates are confirmed by comparing the ids.
    """

    Run = tuple[np.ndarray, np.ndarray, "int | np.ndarray"]

    def __init__(self) -> None:
        self.runs: list[IdTracker.Run] = []
        self.pending: list[tuple[np.ndarray, int, np.ndarray]] = []

    def __len__(self) -> int:
        return sum(len(r[0]) for r in self.runs) + sum(len(p[0]) for p in self.pending)

    @staticmethod
    def _files(run: IdTracker.Run) -> np.ndarray:
        files = run[2]
        if isinstance(files, np.ndarray):
            return files
        return np.full(len(run[0]), files, dtype=np.int32)

    @classmethod
    def _merge(cls, first: IdTracker.Run, second: IdTracker.Run) -> IdTracker.Run:
        """Merge two sorted runs (insertion by binary search: small temporaries)."""
        n = len(first[0]) + len(second[0])
        pos = np.searchsorted(first[0], second[0]) + np.arange(len(second[0]))
        rest = np.ones(n, dtype=bool)
        rest[pos] = False
        hashes = np.empty(n, dtype=first[0].dtype)
        hashes[pos] = second[0]
        hashes[rest] = first[0]
        lines = np.empty(n, dtype=np.uint32)
        lines[pos] = second[1]
        lines[rest] = first[1]
        files: int | np.ndarray
        if (
            not isinstance(first[2], np.ndarray)
            and not isinstance(second[2], np.ndarray)
            and first[2] == second[2]
        ):
            files = first[2]
        else:
            files = np.empty(n, dtype=np.int32)
            files[pos] = cls._files(second)
            files[rest] = cls._files(first)
        return hashes, lines, files

    def _settle(self) -> None:
        """Sort the pending additions into runs (done only when a lookup needs it)."""
        for hashes, fileno, lines in self.pending:
            order = np.argsort(hashes, kind="stable")
            self.runs.append((hashes[order], lines[order].astype(np.uint32), fileno))
            while (
                len(self.runs) > 1
                and len(self.runs[-2][0]) <= 2 * len(self.runs[-1][0])
                and len(self.runs[-2][0]) + len(self.runs[-1][0]) <= MAX_RUN
            ):
                second = self.runs.pop()
                first = self.runs.pop()
                self.runs.append(self._merge(first, second))
        self.pending = []

    def lookup(self, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(hit, fileno, line)`` for each hash."""
        self._settle()
        n = len(hashes)
        hit = np.zeros(n, dtype=bool)
        fileno = np.zeros(n, dtype=np.int64)
        line = np.zeros(n, dtype=np.int64)
        for hs, ls, fs in self.runs:
            if not len(hs) or not n:
                continue
            pos = np.minimum(np.searchsorted(hs, hashes), len(hs) - 1)
            m = (hs[pos] == hashes) & ~hit
            hit |= m
            fileno[m] = fs[pos[m]] if isinstance(fs, np.ndarray) else fs
            line[m] = ls[pos[m]]
        return hit, fileno, line

    def add(self, hashes: np.ndarray, fileno: int, lines: np.ndarray) -> None:
        """Remember first occurrences (hashes not seen before)."""
        if len(hashes):
            self.pending.append((hashes, fileno, lines))


class Checker:
    """One run of the checker over files, batch by batch (see the module doc)."""

    def __init__(self, handbook: Handbook, options: CheckOptions | None = None) -> None:
        self.hb = handbook
        self.options = options or CheckOptions()
        self.today = self.options.today or datetime.now(UTC).date()
        self.summary = Summary()
        self.tracker = IdTracker()
        self.files: list[str] = []
        self.seen_waived: set[str] = set()
        self.parties = [p.id for p in handbook.parties if p.kind == "party"]
        self.editions = handbook.editions_in_order()
        self.rule_ids = {r.id for r in handbook.rules}
        codes = [*(r.id for r in handbook.rules), *CHECKER_CODES]
        self.help = {c: help_uri(self.options.site_url, c) for c in codes}
        self.vocabulary = [a.id for a in handbook.actions]
        self._active: dict[tuple[int, str], Waiver] = {}

    # --- the run -------------------------------------------------------------------------

    def run(self, paths: Sequence[Path]) -> Iterator[BatchResult]:
        """Check ``paths``; yields each batch's result, then one for waiver problems."""
        self.files = [str(p) for p in paths]
        batches = iter_batches(
            paths,
            chunk_size=self.options.chunk_size,
            mapping=self.options.mapping,
            titles=self.options.titles,
        )
        # the next batch is read on a worker thread while this one is checked and written
        # (reading is mostly NumPy, which releases the GIL); one batch ahead at most
        with ThreadPoolExecutor(max_workers=1) as pool:
            ahead = pool.submit(next, batches, None)
            while (batch := ahead.result()) is not None:
                ahead = pool.submit(next, batches, None)
                result = self._evaluate(batch)
                del batch
                self.summary.add(result.summary)
                yield result
                del result
        tail = self._waiver_file_findings()
        if tail is not None:
            self.summary.add(tail.summary)
            yield tail

    # --- validation ----------------------------------------------------------------------

    def _evaluate(self, batch: Batch) -> BatchResult:
        frame = batch.frame
        n = len(frame)
        text: dict[str, Any] = {}  # object arrays, or `Cells` (texts on demand)
        present: dict[str, np.ndarray] = {}
        given_codes: dict[str, Coded] = {}
        read = batch.read
        for f in FIELDS:
            pre = read.get(f)
            if pre is not None:  # read straight from the bytes (the CSV columnar path)
                present[f] = pre.present
                if pre.codes is not None and pre.uniques is not None:
                    given_codes[f] = Coded.from_codes(pre.codes, pre.uniques)
                    text[f] = np.array([*pre.uniques, np.nan], dtype=object)[pre.codes]
                else:
                    text[f] = pre.cells
                continue
            if f not in frame.columns:  # the columnar path: no such column in the file
                text[f] = np.full(n, np.nan, dtype=object)
                present[f] = np.zeros(n, dtype=bool)
                continue
            column = frame[f]
            if isinstance(column.dtype, pd.CategoricalDtype):
                codes = column.cat.codes.to_numpy(dtype=np.int64)
                given_codes[f] = Coded.from_codes(codes, list(column.cat.categories))
                present[f] = codes >= 0
                text[f] = column.to_numpy(dtype=object)
            else:
                text[f] = column.to_numpy(dtype=object)
                present[f] = _present(text[f])
        pieces: list[Piece] = []
        read_issues = [i for i in batch.issues if i.row is not None]
        typed: dict[str, np.ndarray] = {}
        for issue in read_issues:
            mask = typed.setdefault(issue.field or "", np.zeros(n, dtype=bool))
            mask[issue.row] = True

        def untyped(name: str) -> np.ndarray:
            return ~typed[name] if name in typed else np.ones(n, dtype=bool)

        def add(mask: np.ndarray, code: str, parts: tuple[Any, ...], name: str | None) -> None:
            """An input error on the rows of ``mask``; ``parts`` are texts and full
            columns, concatenated on those rows."""
            rows = np.flatnonzero(mask)
            if rows.size:
                msgs = cat(*(p[rows] if isinstance(p, np.ndarray | Cells) else p for p in parts))
                if len(msgs) != rows.size:
                    msgs = np.full(rows.size, msgs[0], dtype=object)
                pieces.append(Piece(rows, code, "error", msgs, name))

        coded = {
            name: given_codes.get(name) or Coded(text[name])
            for name in ("initiator", "change_type", "sop_category", "channels", "actions")
        }
        # required fields
        for name in ("id", "initiator", "starts_at"):
            extra = f" ({' or '.join(self.parties)})" if name == "initiator" else ""
            add(
                ~present[name] & untyped(name),
                "E002",
                (f"{name} is missing; every change record needs {name}{extra}",),
                name,
            )
        initiator = text["initiator"]
        add(
            present["initiator"] & ~coded["initiator"].isin(self.parties),
            "E003",
            (
                "initiator '",
                initiator,
                f"' is unknown; expected one of: {', '.join(self.parties)}",
            ),
            "initiator",
        )
        microsoft = coded["initiator"].eq("microsoft")
        customer = coded["initiator"].eq("customer")
        add(
            microsoft & ~present["change_type"] & untyped("change_type"),
            "E002",
            ("change_type is missing; a change initiated by Microsoft needs its change type",),
            "change_type",
        )
        add(
            customer & ~present["sop_category"] & untyped("sop_category"),
            "E002",
            ("sop_category is missing; a change initiated by the customer needs its SOP category",),
            "sop_category",
        )
        flags: dict[str, np.ndarray] = {}
        for name in BOOL_FIELDS:
            if not present[name].any():
                flags[name] = np.zeros(n, dtype=bool)
                continue
            value, invalid = parse_bools(text[name], present[name])
            flags[name] = value
            add(
                invalid,
                "E003",
                (f"{name} is '", text[name], "'; write true or false"),
                name,
            )
        times: dict[str, np.ndarray] = {}
        for name in TIME_FIELDS:
            if not present[name].any():
                times[name] = np.full(n, NAT)
                continue
            pre = read.get(name)
            if pre is not None and pre.times is not None and pre.status is not None:
                t, status = pre.times, pre.status
            else:
                t, status = parse_times(text[name], present[name])
            times[name] = t
            values = text[name]
            add(
                status == NAIVE,
                "E003",
                (
                    f"{name} '",
                    values,
                    "' has no UTC offset; write it with Z or +hh:mm (e.g. ",
                    values,
                    "Z), or a date alone for 00:00 UTC",
                ),
                name,
            )
            add(
                status == INVALID,
                "E003",
                (
                    f"{name} '",
                    values,
                    "' is not a valid time; write an ISO 8601 date (YYYY-MM-DD, 00:00 UTC) or "
                    "date-time with offset (YYYY-MM-DDThh:mm:ssZ or ±hh:mm)",
                ),
                name,
            )
        # edition in force, by starts_at's UTC date (or the one given)
        starts = times["starts_at"]
        index = np.full(n, -1, dtype=np.int64)
        if self.options.edition is not None:
            chosen = [self.hb.edition(self.options.edition)]
            index[:] = 0
            before_first = np.zeros(n, dtype=bool)
        else:
            chosen = self.editions
            for k, e in enumerate(chosen):
                m = starts >= np.datetime64(e.in_force_from, "us")
                if e.in_force_until is not None:
                    m = m & (
                        starts < np.datetime64(e.in_force_until, "us") + np.timedelta64(1, "D")
                    )
                index[m] = k
            last = len(chosen) - 1
            index[(starts >= np.datetime64(chosen[-1].in_force_from, "us")) & (index < 0)] = last
            before_first = ~np.isnat(starts) & (index < 0)
        names = np.array([e.id for e in chosen] + [None], dtype=object)
        edition = names[index]
        edition_coded = Coded.__new__(Coded)
        edition_coded.codes = index
        edition_coded.uniques = [e.id for e in chosen]
        coded["edition"] = edition_coded
        # references of the edition in force
        for name, scope, what, listing in (
            ("change_type", microsoft, "change type", self.hb.change_types_of),
            ("sop_category", customer, "SOP category", self.hb.sop_categories_of),
        ):
            given = present[name] & scope & (index >= 0)
            if not given.any():
                continue
            for k, e in enumerate(chosen):
                ids = [x.id for x in listing(e.id)]
                sel = given & (index == k)
                if not sel.any():
                    continue
                values = text[name]
                add(
                    sel & ~coded[name].isin(ids),
                    "E004",
                    (
                        f"{name} '",
                        values,
                        f"' is not a {what} of the {e.id} edition; "
                        f"expected one of: {', '.join(ids)}",
                    ),
                    name,
                )
        # actions outside the vocabulary: judged once per distinct value
        actions = coded["actions"]
        if actions.uniques:
            vocab = set(self.vocabulary)
            verdicts: list[tuple[str | None, str | None]] = []
            for value in actions.uniques:
                unknown = [a for a in split_list(value) if a not in vocab]
                if not unknown:
                    verdicts.append((None, None))
                    continue
                verdicts.append(
                    (
                        "; ".join(
                            f"action '{a}' is not in the vocabulary of actions "
                            f"(data/actions.yaml); expected one of: {', '.join(self.vocabulary)}"
                            for a in unknown
                        ),
                        unknown[0],
                    )
                )
            bad = np.array([m is not None for m, _ in verdicts] + [False], dtype=bool)
            if bad.any():
                msgs = np.array([m for m, _ in verdicts] + [None], dtype=object)
                items = np.array([i for _, i in verdicts] + [None], dtype=object)
                rows = np.flatnonzero(bad[actions.codes])
                codes = actions.codes[rows]
                pieces.append(Piece(rows, "E004", "error", msgs[codes], "actions", items[codes]))
        # duplicate ids across the run
        dup_piece = self._duplicates(batch, text["id"], present["id"])
        if dup_piece is not None:
            pieces.append(dup_piece)
        bad_rows = np.zeros(n, dtype=bool)
        for p in pieces:
            bad_rows[p.rows] = True
        for issue in read_issues:
            if issue.row is not None:
                bad_rows[issue.row] = True
        data = RuleInput(n, times, flags, edition, ~bad_rows, before_first, coded)
        rule_pieces = evaluate(self.hb, data)
        findings = self._assemble(batch, pieces, rule_pieces, read_issues, text["id"], edition)
        summary = Summary(records=n + len(batch.skipped))
        counted = ~findings["waived"].to_numpy(dtype=bool)
        severity = findings["severity"].to_numpy(dtype=object)
        summary.errors = int(np.count_nonzero(counted & (severity == "error")))
        summary.warnings = int(np.count_nonzero(counted & (severity == "warning")))
        summary.waived = int(np.count_nonzero(~counted))
        ok = ~bad_rows
        return BatchResult(
            batch.file,
            findings,
            summary,
            batch.nbytes,
            # records hold the batch's texts: kept only when a report lists records
            (lambda: self._records(batch, text, present, edition, ok))
            if self.options.titles
            else None,
        )

    def _duplicates(self, batch: Batch, ids: Any, present: np.ndarray) -> Piece | None:
        """E005 for ids used before in the run. Ids are compared by 64-bit keys
        (`handbook.checker.values.word_keys` of their UTF-8 bytes, the same for texts and for
        cells read from bytes); within a batch, equal keys are confirmed on the texts."""
        idp = np.flatnonzero(present)
        if not idp.size:
            return None
        lines = batch.frame["_line"].to_numpy(dtype=np.int64)
        pre = batch.read.get("id")
        keys = pre.keys[idp] if pre is not None and pre.keys is not None else text_keys(ids[idp])
        hashes = keys.view(np.int64)
        series = pd.Series(hashes)
        within = series.duplicated(keep="first").to_numpy()
        firstpos = np.zeros(idp.size, dtype=np.int64)
        if within.any():
            firstpos = (
                pd.Series(np.arange(idp.size))
                .groupby(hashes, sort=False)
                .transform("first")
                .to_numpy()
            )
            cand = np.flatnonzero(within)
            if not np.all(ids[idp[cand]] == ids[idp[firstpos[cand]]]):  # a key collision
                exact = pd.Series(ids[idp], dtype=object)
                within = exact.duplicated(keep="first").to_numpy()
                firstpos = (
                    pd.Series(np.arange(idp.size)).groupby(exact, sort=False).transform("first")
                ).to_numpy()
        hit, fileno, line = self.tracker.lookup(hashes)
        dup = within | hit
        self.tracker.add(hashes[~dup], batch.fileno, lines[idp[~dup]])
        if not dup.any():
            return None
        rows = idp[dup]
        prior = hit[dup]
        files = np.array([*self.files, batch.file], dtype=object)
        where_file = np.where(prior, files[np.minimum(fileno[dup], len(files) - 1)], batch.file)
        where_line = np.where(prior, line[dup], lines[idp[firstpos[dup]]])
        messages = cat(
            "duplicate id '",
            ids[rows],
            "': already used by the record at ",
            where_file.astype(object),
            ":",
            where_line.astype(str).astype(object),
            "; give every record of a run its own id",
        )
        return Piece(rows, "E005", "error", messages, "id")

    # --- findings ------------------------------------------------------------------------

    def _assemble(
        self,
        batch: Batch,
        pieces: list[Piece],
        rule_pieces: list[Piece],
        read_issues: list[Issue],
        ids: np.ndarray,
        edition: np.ndarray,
    ) -> pd.DataFrame:
        """One findings batch (`FINDING_COLUMNS`, sorted by record, line, column, code).

        Columns are NumPy arrays until the one `pandas.DataFrame` at the end: a batch of a
        few records costs a few hundred microseconds, not one frame per column."""
        parts: list[dict[str, np.ndarray]] = []
        located = self._locate(batch, pieces, merge=False)
        if located is not None:
            parts.append(located)
        located = self._locate(batch, rule_pieces, merge=True)
        if located is not None:
            parts.append(located)
        extra: list[dict[str, Any]] = []
        for issue in batch.issues:
            extra.append(
                {
                    "_row": -1 if issue.row is None else issue.row,
                    "rule": issue.code,
                    "severity": "error",
                    "message": issue.message,
                    "field": issue.field,
                    "line": issue.line or 0,
                    "column": issue.column or 0,
                }
            )
        extra += self._record_waiver_problems(batch, ids)
        if extra:
            parts.append(
                {
                    key: np.array([e[key] for e in extra], dtype=_PART_TYPES[key])
                    for key in _PART_TYPES
                }
            )
        if not parts:
            return empty_findings()
        table = {key: np.concatenate([part[key] for part in parts]) for key in _PART_TYPES}
        no_field = pd.isna(table["field"])
        if no_field.any():  # a merged group's "first" of no field is NaN
            table["field"][no_field] = None
        n = len(table["_row"])
        rows = table["_row"]
        has = rows >= 0
        safe = np.where(has, rows, 0)
        record_lines = batch.frame["_line"].to_numpy(dtype=np.int64)
        rec = np.full(n, None, dtype=object)
        if len(ids):
            rec[has] = _none_if_absent(ids[safe[has]])
        rules = table["rule"]
        codes, uniques = pd.factorize(rules)
        ed = np.full(n, None, dtype=object)
        if len(edition):
            ed[has] = edition[safe[has]]
        rl = np.zeros(n, dtype=np.int64)
        if len(record_lines):
            rl[has] = record_lines[safe[has]]
        rl = np.where(has, rl, table["line"])
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
            "help_uri": np.array([self.help.get(u) for u in uniques], dtype=object)[codes],
            "record_line": rl,
            "waived": np.zeros(n, dtype=bool),
            "waiver_reason": np.full(n, None, dtype=object),
            "waiver_approved_by": np.full(n, None, dtype=object),
            "waiver_expires_on": np.full(n, None, dtype=object),
        }
        self._apply_waivers(batch, out, rows, ids)
        order = np.lexsort(
            (
                rules.astype(str),
                np.array([CODE_ORDER.get(u, 9) for u in uniques], dtype=np.int64)[codes],
                out["column"],
                out["line"],
                out["record_line"],
            )
        )
        return pd.DataFrame({c: out[c][order] for c in FINDING_COLUMNS})

    def _locate(
        self, batch: Batch, pieces: list[Piece], merge: bool
    ) -> dict[str, np.ndarray] | None:
        """The pieces' findings as columns (`_PART_TYPES`) with each one's line and column;
        with ``merge``, one finding per record and rule (messages joined with ``; ``)."""
        if not pieces:
            return None
        table = {
            "_row": np.concatenate([p.rows for p in pieces]).astype(np.int64, copy=False),
            "rule": np.concatenate([np.full(len(p.rows), p.rule, dtype=object) for p in pieces]),
            "severity": np.concatenate(
                [np.full(len(p.rows), p.severity, dtype=object) for p in pieces]
            ),
            "message": np.concatenate([p.messages.astype(object) for p in pieces]),
            "field": np.concatenate([np.full(len(p.rows), p.field, dtype=object) for p in pieces]),
            "_item": np.concatenate(
                [
                    p.items.astype(object)
                    if p.items is not None
                    else np.full(len(p.rows), None, dtype=object)
                    for p in pieces
                ]
            ),
            "_order": np.concatenate(
                [np.full(len(p.rows), k, dtype=np.int64) for k, p in enumerate(pieces)]
            ),
        }
        if merge:
            frame = pd.DataFrame(table)
            dup = frame.duplicated(["_row", "rule"], keep=False).to_numpy()
            if dup.any():
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

    # --- waivers -------------------------------------------------------------------------

    def _record_waiver_problems(self, batch: Batch, ids: np.ndarray) -> list[dict[str, Any]]:
        """Validate the waivers written on records; E006/W001 rows, and the active ones
        stored on the batch for `_apply_waivers`."""
        out: list[dict[str, Any]] = []
        active: dict[tuple[int, str], Waiver] = {}
        for w in batch.waivers:
            rid = ids[w.row] if isinstance(ids[w.row], str) else None
            problem = w.problem
            waiver = None
            if problem is None and rid is None:
                problem = "a waiver on a record without id; give the record an id"
            if problem is None:
                values = {
                    "rule": w.rule,
                    "reason": w.reason,
                    "approved_by": w.approved_by,
                    "expires_on": w.expires_on,
                    "record": w.record,
                }
                waiver, problem = validate(values, self.hb, batch.file, w.line, w.column, rid)
            if waiver is None:
                code, message = "E006", problem or "invalid waiver"
            elif waiver.expired(self.today):
                code, message = "W001", expired_message(waiver)
            else:
                active.setdefault((w.row, waiver.rule), waiver)
                continue
            out.append(
                {
                    "_row": w.row,
                    "rule": code,
                    "severity": CHECKER_CODES[code][0],
                    "message": message,
                    "field": "waivers",
                    "line": w.line,
                    "column": w.column,
                }
            )
        self._active = active
        return out

    def _apply_waivers(
        self, batch: Batch, out: dict[str, np.ndarray], rows: np.ndarray, ids: Any
    ) -> None:
        """Mark the findings that a waiver (on the record, or in the waivers file) waives:
        ``out``'s ``waived`` and ``waiver_*`` columns are set in place."""
        active, self._active = self._active, {}
        file_waivers = self.options.waivers
        if file_waivers is not None and file_waivers.wanted:
            pre = batch.read.get("id")
            if pre is not None and pre.keys is not None:  # keys first: no text per record
                keys = text_keys(np.asarray(sorted(file_waivers.wanted), dtype=object))
                texts = ids[np.flatnonzero(pre.present & np.isin(pre.keys, keys))]
            else:
                texts = np.asarray(ids, dtype=object)
            seen = isin(texts, list(file_waivers.wanted))
            if seen.any():
                self.seen_waived.update(str(v) for v in texts[seen])
        if not active and (file_waivers is None or not file_waivers.active):
            return
        rules = out["rule"]
        candidates = np.flatnonzero(isin(rules, sorted(self.rule_ids)))
        if not candidates.size:
            return
        records = out["record"]
        wanted = set(file_waivers.wanted) if file_waivers is not None else set()
        if file_waivers is not None and file_waivers.active:
            candidates_f = candidates[isin(records[candidates], sorted(wanted))]
        else:
            candidates_f = candidates[:0]
        picks: dict[int, Waiver] = {}
        if active:
            for i in candidates.tolist():
                hit = active.get((int(rows[i]), str(rules[i])))
                if hit is not None:
                    picks[i] = hit
        if file_waivers is not None:
            for i in candidates_f.tolist():
                if i in picks:
                    continue
                hit = file_waivers.active.get((str(records[i]), str(rules[i])))
                if hit is not None:
                    picks[i] = hit
        if not picks:
            return
        idx = np.fromiter(picks, dtype=np.int64, count=len(picks))
        out["waived"][idx] = True
        for i, w in picks.items():
            out["waiver_reason"][i] = w.reason
            out["waiver_approved_by"][i] = w.approved_by
            out["waiver_expires_on"][i] = w.expires_on.isoformat()

    def _waiver_file_findings(self) -> BatchResult | None:
        waivers = self.options.waivers
        if waivers is None:
            return None
        problems: list[WaiverProblem] = list(waivers.problems)
        problems += waivers.unknown_records(self.seen_waived)
        if not problems:
            return None
        problems.sort(key=lambda p: (p.line, p.column, p.code))
        data = {c: [] for c in FINDING_COLUMNS}  # type: dict[str, list[Any]]
        for p in problems:
            row = {
                "record": p.record,
                "rule": p.code,
                "severity": CHECKER_CODES[p.code][0],
                "message": p.message,
                "file": p.file,
                "line": p.line,
                "column": p.column,
                "field": None,
                "edition": None,
                "help_uri": self.help.get(p.code),
                "record_line": p.line,
                "waived": False,
                "waiver_reason": None,
                "waiver_approved_by": None,
                "waiver_expires_on": None,
            }
            for c in FINDING_COLUMNS:
                data[c].append(row[c])
        findings = pd.DataFrame(data, columns=list(FINDING_COLUMNS))
        for c in ("line", "column", "record_line"):
            findings[c] = findings[c].astype("int64")
        findings["waived"] = findings["waived"].astype(bool)
        summary = Summary(
            records=0,
            errors=sum(1 for p in problems if CHECKER_CODES[p.code][0] == "error"),
            warnings=sum(1 for p in problems if CHECKER_CODES[p.code][0] == "warning"),
        )
        empty = pd.DataFrame({c: pd.Series([], dtype=object) for c in RECORD_COLUMNS})
        return BatchResult(waivers.file, findings, summary, 0, lambda: empty)

    # --- records -------------------------------------------------------------------------

    def _records(
        self,
        batch: Batch,
        text: dict[str, Any],
        present: dict[str, np.ndarray],
        edition: np.ndarray,
        ok: np.ndarray,
    ) -> pd.DataFrame:
        n = len(batch.frame)

        def col(name: str) -> np.ndarray:
            values = text[name]
            out = values.texts() if isinstance(values, Cells) else values.copy()
            out[~present[name]] = None
            return out

        data: dict[str, Any] = {
            "id": col("id"),
            "title": col("title"),
            "file": np.full(n, batch.file, dtype=object),
            "line": batch.frame["_line"].to_numpy(dtype=np.int64),
            "initiator": col("initiator"),
            "change_type": col("change_type"),
            "sop_category": col("sop_category"),
            "edition": edition,
            "evaluated": ok,
        }
        frame = pd.DataFrame(data, columns=list(RECORD_COLUMNS))
        if batch.skipped:
            extra = pd.DataFrame(
                {
                    "id": None,
                    "title": None,
                    "file": batch.file,
                    "line": [s or 0 for s in batch.skipped],
                    "initiator": None,
                    "change_type": None,
                    "sop_category": None,
                    "edition": None,
                    "evaluated": False,
                },
                columns=list(RECORD_COLUMNS),
            )
            frame = pd.concat([frame, extra], ignore_index=True)
            frame = frame.sort_values("line", kind="stable").reset_index(drop=True)
        return frame

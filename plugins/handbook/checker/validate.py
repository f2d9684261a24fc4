"""Input errors of a batch of records, column by column.

E002 (a required field missing), E003 (a value of the wrong form) and E004 (a change
type or SOP category unknown in the edition in force, an action outside the vocabulary):
each a mask over the columns, messages built for the failing rows only, as
`handbook.checker.rules.Piece` values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from handbook.checker.coded import LIST_SEPARATOR_HINT, Coded, fold, split_list
from handbook.checker.records import BOOL_FIELDS, FIELDS, Batch
from handbook.checker.rules import Piece, RuleInput, cat, per_combo
from handbook.checker.values import (
    FIRST_DAY,
    INVALID,
    LAST_DAY,
    NAIVE,
    OUT_OF_RANGE,
    impossible_reason,
    near_time,
    parse_bools,
    parse_times,
)
from handbook.model.entities import TIME_FIELDS, Edition
from handbook.model.handbook import CLASSIFIED_BY, Handbook

#: Fields read as codes into their distinct values (few distinct values each).
CODED_FIELDS = ("initiator", "change_type", "sop_category", "channels", "actions")


def coded(values: pa.Array) -> Coded:
    """An Arrow string column as `Coded` (Arrow's dictionary encoding; -1 when absent)."""
    encoded = pc.dictionary_encode(values)  # nulls stay null in the indices
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    return Coded(codes, encoded.dictionary.to_pylist())


def texts(values: pa.Array, rows: np.ndarray) -> np.ndarray:
    """The texts of ``rows`` of a column, as an object array (None where absent)."""
    result: np.ndarray = values.take(pa.array(rows)).to_numpy(zero_copy_only=False)
    return result.astype(object)


class Errors:
    """Input errors found so far (`pieces`); fields with a type problem found while
    reading (``typed``: field -> rows) are not reported missing again."""

    def __init__(
        self, n: int, typed: dict[str, np.ndarray], labels: dict[str, str] | None = None
    ) -> None:
        self.n = n
        self.typed = typed
        self.labels = labels or {}
        self.pieces: list[Piece] = []

    def label(self, name: str) -> str:
        """How a message names field ``name``: as ``labels`` says (a field read from an
        export's column: ``starts_at (column start_date)``, `Mapping.labels`), else itself."""
        return self.labels.get(name, name)

    def untyped(self, name: str) -> np.ndarray:
        """Rows whose ``name`` had no type problem while reading."""
        return ~self.typed[name] if name in self.typed else np.ones(self.n, dtype=bool)

    def add(self, mask: np.ndarray, code: str, parts: tuple[Any, ...], name: str | None) -> None:
        """An input error on the rows of ``mask``; ``parts`` are texts and full columns
        (NumPy or Arrow), concatenated on those rows."""
        rows = np.flatnonzero(mask)
        if not rows.size:
            return
        picked = [
            p[rows]
            if isinstance(p, np.ndarray)
            else texts(p, rows)
            if isinstance(p, pa.Array)
            else p
            for p in parts
        ]
        msgs = cat(*picked)
        if len(msgs) != rows.size:
            msgs = np.full(rows.size, msgs[0], dtype=object)
        self.pieces.append(Piece(rows, code, "error", msgs, name))


def read_columns(batch: Batch) -> RuleInput:
    """The batch's columns, presence and codes (booleans and times not yet parsed)."""
    text = {f: batch.columns[f] for f in FIELDS}
    present = {f: text[f].is_valid().to_numpy(zero_copy_only=False) for f in FIELDS}
    cols = RuleInput(len(batch), text, present)
    cols.coded = {name: coded(text[name]) for name in CODED_FIELDS}
    return cols


def spellings(hb: Handbook, parties: list[str]) -> dict[str, dict[str, str]]:
    """For each coded field, the `fold` of every id and name it may be written as → the id:
    the parties that initiate changes, every edition's change types and SOP categories,
    the channels and the actions (``data/*.yaml``). A spelling two ids share is left out,
    so it stays as written and is reported unknown."""
    named: dict[str, list[tuple[str, str]]] = {
        "initiator": [(p.id, p.name) for p in hb.parties if p.id in parties],
        "change_type": [(t.id, t.name) for t in hb.change_types],
        "sop_category": [(c.id, c.name) for c in hb.sop_categories],
        "channels": [(c.id, n) for c in hb.channels for n in (c.name, *c.also)],
        "actions": [(a.id, a.name) for a in hb.actions],
    }
    out: dict[str, dict[str, str]] = {}
    for name, pairs in named.items():
        seen: dict[str, set[str]] = {}
        for ident, label in pairs:
            for spelling in (ident, label):
                seen.setdefault(fold(spelling), set()).add(ident)
        out[name] = {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}
    return out


def read_ids(cols: RuleInput, known: dict[str, dict[str, str]]) -> None:
    """Read the coded fields' values written as another spelling of an id or a name
    (`spellings`: ``Microsoft``, ``Message Center``, ``Feature updates``) as that id, item
    by item in lists; other values stay as written (and are reported by `check_forms` or
    `check_references`). Messages quote what the record says (``cols.text``)."""
    for name, spelled in known.items():
        column = cols.coded[name]

        def one(value: str, spelled: dict[str, str] = spelled) -> str:
            return spelled.get(fold(value), value)

        if name in ("channels", "actions"):
            column.uniques = [
                u if u is None else ";".join(one(v) for v in split_list(u)) for u in column.uniques
            ]
        else:
            column.uniques = [u if u is None else one(u) for u in column.uniques]


def check_forms(cols: RuleInput, parties: dict[str, str], errors: Errors, provider: str) -> None:
    """E002 for missing required fields, E003 for values of the wrong form (``parties``:
    the initiators' ids and names; ``provider``: the name of the party ``microsoft``, for
    messages); parses ``cols.flags`` and ``cols.times``."""
    text, present, add = cols.text, cols.present, errors.add

    def missing(name: str, mask: np.ndarray | bool, why: str) -> None:
        absent = mask & ~present[name] & errors.untyped(name)
        add(absent, "E002", (f"{errors.label(name)} is missing; {why}",), name)

    def invalid(name: str, mask: np.ndarray, *parts: Any) -> None:  # "<name> '<value>' ..."
        add(mask, "E003", (f"{errors.label(name)} '", text[name], *parts), name)

    for name in ("id", "initiator", "starts_at"):
        extra = f" ({' or '.join(parties)})" if name == "initiator" else ""
        missing(name, True, f"every change record needs {name}{extra}")
    unknown = present["initiator"] & ~cols.coded["initiator"].isin(list(parties))
    # "microsoft (AMS)": a provider not named as its id is written either way
    named = [i if fold(n) == fold(i) else f"{i} ({n})" for i, n in parties.items()]
    invalid("initiator", unknown, f"' is unknown; expected one of: {', '.join(named)}")
    for name, who, what, other in (
        ("change_type", provider, "change type", "sop_category"),
        ("sop_category", "the customer", "SOP category", "change_type"),
    ):
        initiated = cols.coded["initiator"].eq(CLASSIFIED_BY[name])
        why = f"a change initiated by {who} needs its {what}"
        # a customer's "change type" (AMS's RFCs have them) is its SOP category here
        crossed = initiated & present[other]
        missing(name, initiated & ~crossed, why)
        missing(name, crossed, f"{why}, and {other} is not read on it: write its {what} as {name}")
    for name in BOOL_FIELDS:
        values = coded(text[name])
        cols.flags[name], wrong = parse_bools(values.codes, values.uniques)
        add(
            wrong,
            "E003",
            (f"{errors.label(name)} is '", text[name], "'; write true or false"),
            name,
        )
    for name in TIME_FIELDS:
        cols.times[name], status = parse_times(text[name])
        values = text[name]
        invalid(
            name,
            status == NAIVE,
            "' has no UTC offset; write it with Z or +hh:mm (e.g. ",
            values,
            "Z), or a date alone for 00:00 UTC",
        )
        unread = status == INVALID
        rows = np.flatnonzero(unread)  # why each names no moment: on these rows only
        reasons = np.full(len(status) if rows.size else 0, None, dtype=object)
        impossible = np.zeros(len(status), dtype=bool)
        near, fixes = impossible.copy(), reasons.copy()
        for i in rows.tolist():
            reasons[i] = impossible_reason(values[i].as_py())
            impossible[i] = reasons[i] is not None
            fixes[i] = None if impossible[i] else near_time(values[i].as_py())
            near[i] = fixes[i] is not None
        invalid(
            name,
            impossible,
            "' is written as a time but names none (",
            reasons,
            "); write a date and time that exist",
        )
        invalid(name, near, "' is not a time the checker reads: ", fixes)
        invalid(
            name,
            unread & ~impossible & ~near,
            "' is not a time the checker reads; write an ISO 8601 date in the extended "
            "form (YYYY-MM-DD, 00:00 UTC) or a date-time with offset "
            "(YYYY-MM-DDThh:mm:ssZ or ±hh:mm)",
        )
        invalid(
            name,
            status == OUT_OF_RANGE,
            f"' is outside the times the checker reads ({FIRST_DAY} to {LAST_DAY} UTC, "
            "nanosecond timestamps); write a time within them, or leave the field empty "
            "when the record has no such time",
        )


def _other_edition(
    hb: Handbook, listing: Callable[[str], Sequence[Any]], edition: Edition, value: str, what: str
) -> str:
    """`` ('feature-update' is a 2018 change type; this record is judged by the 2022
    edition, where 'functionality' succeeds it)`` for a value of another edition; ""
    otherwise. Successors: the change types whose ``succeeds`` names the value."""
    others = [x.id for x in hb.editions_in_order() if any(i.id == value for i in listing(x.id))]
    if not others or edition.id in others:
        return ""
    after = [i.id for i in listing(edition.id) if value in getattr(i, "succeeds", [])]
    successor = f", where '{after[0]}' succeeds it" if after else ""
    return (
        f" ('{value}' is a {', '.join(others)} {what}; this record is judged by the "
        f"{edition.id} edition{successor})"
    )


def check_references(
    cols: RuleInput,
    hb: Handbook,
    chosen: list[Edition],
    index: np.ndarray,
    vocabulary: list[str],
    errors: Errors,
) -> None:
    """E004: change types and SOP categories of the edition in force (``chosen[index]``;
    -1 for none), each read on the records of its initiator; actions outside
    ``vocabulary``, judged once per distinct value."""
    no_time = np.isnat(cols.times["starts_at"])
    for name, what, listing in (
        ("change_type", "change type", hb.change_types_of),
        ("sop_category", "SOP category", hb.sop_categories_of),
    ):
        read = cols.present[name] & cols.coded["initiator"].eq(CLASSIFIED_BY[name])
        given = read & (index >= 0)
        for k, e in enumerate(chosen):
            ids = [x.id for x in listing(e.id)]
            sel = given & (index == k)
            if not sel.any():
                continue
            coded = cols.coded[name]
            # a value of another edition says so, and names its successor (codes -1: "")
            hints = [_other_edition(hb, listing, e, str(v), what) for v in coded.uniques]
            listed = f"expected one of: {', '.join(ids)}" if ids else "that edition has none"
            expected = f"' is not a {what} of the {e.id} edition; {listed}"
            hint = np.array([*hints, ""], dtype=object)[coded.codes]
            errors.add(
                sel & ~coded.isin(ids),
                "E004",
                (f"{errors.label(name)} '", cols.text[name], expected, hint),
                name,
            )
        # no edition to read it in as starts_at is invalid or missing (E002/E003): a value
        # of no edition is E004 too, so both mistakes show in one run (before the first
        # edition a value is not looked up: MMD010 says no rules apply)
        sel = read & no_time
        if sel.any():
            every = list(dict.fromkeys(x.id for e in hb.editions for x in listing(e.id)))
            errors.add(
                sel & ~cols.coded[name].isin(every),
                "E004",
                (
                    f"{errors.label(name)} '",
                    cols.text[name],
                    f"' is not a {what} of any edition; expected one of: {', '.join(every)}",
                ),
                name,
            )
    vocab = set(vocabulary)

    def judge(combo: tuple[Any, ...]) -> tuple[str | None, str | None]:
        unknown = [a for a in split_list(combo[0]) if a not in vocab]
        message = "; ".join(
            f"action '{a}' is not in the vocabulary of actions (data/actions.yaml)"
            + (LIST_SEPARATOR_HINT if "," in a else "")
            + f"; expected one of: {', '.join(vocabulary)}"
            for a in unknown
        )
        return message or None, unknown[0] if unknown else None

    actions = cols.coded["actions"]
    rows = np.flatnonzero(actions.codes >= 0)
    errors.pieces += per_combo("E004", "error", rows, (actions,), judge, "actions")

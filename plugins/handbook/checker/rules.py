"""The rule kinds of the checker, evaluated column-wise over a batch of records.

Each rule of ``data/rules.yaml`` is an instance of one kind implemented here, its every
parameter read from the `Handbook`; each kind is array operations over a whole batch,
messages built on the failing rows only:

``timing``
    ``requires`` time fields must be present; each constraint ``{earlier, later,
    at_least, at_most}`` holds when both fields are present:
    ``at_least <= later - earlier`` and, when given, ``later - earlier <= at_most``
    (exact calendar time in UTC, bounds inclusive). The offending field is ``earlier``
    when the gap is too short and ``later`` when it is too long. Seeds: MMD001, MMD002,
    MMD004 to MMD008 (quotes in ``data/rules.yaml``).
``channels``
    a change with ``notified_at`` names at least one channel and each is one of the
    channels of its change type in the edition (``change-types.yaml``; ``any`` accepts
    every channel of ``channels.yaml``). Seed: MMD003.
``prohibited-actions``
    ``actions`` holds no action prohibited by an SOP category (any of them) in its
    edition (``sop-categories.yaml``, statements' ``prohibits``). Seed: MMD009.
``edition-in-force``
    ``starts_at`` on or after the first edition's ``in_force_from`` (else an error) and
    on or before the service's ``end_of_life`` (else a warning). Seed: MMD010.

Which records a rule applies to (``applies_to``): the edition in force, the flags, the
initiator, and ``change_type``/``sop_category`` lists. A change type is the type of a
change Microsoft makes (seed 000, "Change types": "Feature updates and new service
components ... Action must be taken within 48 hours"); a customer's change is classified by
its SOP category. So a ``change_type`` list matches Microsoft-initiated records only and
an ``sop_category`` list customer-initiated records only: a customer record's
``change_type`` is neither looked up (E004) nor matched, and MMD005 never applies to it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]

from handbook.checker.coded import LIST_SEPARATOR_HINT, Coded, combos, split_list
from handbook.checker.values import durations, fmt_duration, gap, iso, ns_delta
from handbook.model.entities import Rule, Statement
from handbook.model.handbook import CLASSIFIED_BY, Handbook


@dataclass
class RuleInput:
    """A batch of records as arrays (index = row of the batch): read
    (`handbook.checker.validate.read_columns`), parsed and judged (`handbook.checker.engine`).

    Attributes:
        n: number of rows.
        text: field -> Arrow string array (null when absent).
        present: field -> bool array.
        coded: low-cardinality fields (``initiator``, ``change_type``, ``sop_category``,
            ``channels``, ``actions``, ``edition``) as `Coded` integer codes, so masks
            and groupings are integer operations.
        flags: boolean field -> bool array (absent or invalid = false).
        times: time field -> ``datetime64[ns]`` UTC array (NaT when absent or invalid).
        edition: object array: the edition in force (``"2018"``...) or None.
        eligible: rows to evaluate (no input error).
        before_first: rows whose valid ``starts_at`` is before the first edition.
    """

    n: int
    text: dict[str, pa.Array]
    present: dict[str, np.ndarray]
    coded: dict[str, Coded] = field(default_factory=dict)
    flags: dict[str, np.ndarray] = field(default_factory=dict)
    times: dict[str, np.ndarray] = field(default_factory=dict)
    edition: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    eligible: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    before_first: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))


@dataclass
class Piece:
    """Findings of one code on some rows: parallel arrays.

    ``messages`` is an object array (one text per row); ``field`` the offending field;
    ``items`` an object array naming the offending list item (or None entries), or None.
    """

    rows: np.ndarray
    rule: str
    severity: str
    messages: np.ndarray
    field: str | None
    items: np.ndarray | None = None


# --- vectorised text ---------------------------------------------------------------------


def cat(*parts: Any) -> np.ndarray:
    """Element-wise concatenation of texts and arrays of texts of equal length.

    One ``str.join`` per row (no intermediate strings), so long messages stay cheap.
    """
    n = next((len(p) for p in parts if isinstance(p, np.ndarray)), 1)
    columns = [p.tolist() if isinstance(p, np.ndarray) else repeat(p, n) for p in parts]
    out = np.empty(n, dtype=object)
    out[:] = list(map("".join, zip(*columns, strict=False)))
    return out


def as_text(values: np.ndarray) -> np.ndarray:
    """Object array of texts; non-strings (absent) become ``""``."""
    out = np.asarray(values, dtype=object).copy()
    out[pd.isna(out)] = ""
    return out


# --- rule kinds --------------------------------------------------------------------------


def applies(rule: Rule, data: RuleInput) -> np.ndarray:
    """Rows a rule applies to: edition in ``rule.editions`` and its `Applicability`."""
    scope = rule.applies_to
    coded = data.coded
    mask = coded["edition"].isin(rule.editions)
    if scope.initiator is not None:
        mask = mask & coded["initiator"].eq(scope.initiator)
    for name in ("emergency", "requires_admin_action", "approval_required"):
        wanted = getattr(scope, name)
        if wanted is not None:
            mask = mask & (data.flags[name] == wanted)
    for name, party in CLASSIFIED_BY.items():  # each on its party's records only
        wanted = getattr(scope, name)
        if wanted is not None:
            mask = mask & coded["initiator"].eq(party) & coded[name].isin(wanted)
    result: np.ndarray = np.asarray(mask, dtype=bool)
    return result


def _join(hints: list[np.ndarray], sep: str) -> np.ndarray:
    out = hints[0]
    for h in hints[1:]:
        both = (out != "") & (h != "")
        out = np.where(both, out + sep + h, out + h)
    return out


def timing(rule: Rule, data: RuleInput) -> list[Piece]:
    """Findings of a ``timing`` rule (requires + constraints)."""
    mask = data.eligible & applies(rule, data)
    if not mask.any():
        return []
    t = data.times
    label = f"{rule.id} ({rule.title})"
    out: list[Piece] = []
    for name in rule.requires:
        rows = np.flatnonzero(mask & np.isnat(t[name]))
        if not rows.size:
            continue
        hints: list[np.ndarray] = []
        for c in rule.constraints:
            least, most = ns_delta(c.at_least), None if c.at_most is None else ns_delta(c.at_most)
            if c.earlier == name:
                other = t[c.later][rows]
                if c.at_least:
                    hint = cat(
                        f"at least {fmt_duration(c.at_least)} before {c.later} (no later than ",
                        iso(other, -least),
                        ")",
                    )
                else:
                    hint = cat(f"no later than {c.later} (", iso(other), ")")
            elif c.later == name:
                other = t[c.earlier][rows]
                if most is not None and c.at_most is not None:
                    hint = cat(
                        f"within {fmt_duration(c.at_most)} after {c.earlier} (between ",
                        iso(other, least),
                        " and ",
                        iso(other, most),
                        ")",
                    )
                elif c.at_least:
                    hint = cat(
                        f"at least {fmt_duration(c.at_least)} after {c.earlier} (no earlier than ",
                        iso(other, least),
                        ")",
                    )
                else:
                    hint = cat(f"no earlier than {c.earlier} (", iso(other), ")")
            else:
                continue
            hints.append(np.where(np.isnat(other), "", hint).astype(object))
        base = f"{name} is missing; {label} requires it"
        messages = np.full(rows.size, base, dtype=object)
        if hints:
            joined = _join(hints, " and ")
            messages = np.where(joined != "", cat(base + ", ", joined), messages).astype(object)
        out.append(Piece(rows, rule.id, rule.severity, messages, name))
    for c in rule.constraints:
        early, late = t[c.earlier], t[c.later]
        both = mask & ~np.isnat(early) & ~np.isnat(late)
        if not both.any():
            continue
        least = ns_delta(c.at_least)
        diff = gap(early, late)
        rows = np.flatnonzero(both & (diff < least))
        if rows.size:
            d, e, lt = gap(early[rows], late[rows], exact=True), early[rows], late[rows]
            after, same = d < 0, d == 0
            need: tuple[Any, ...] = (f"{label} requires {c.earlier} no later than {c.later}",)
            if c.at_least:
                need = (
                    f"{label} requires at least {fmt_duration(c.at_least)} "
                    f"({c.earlier} no later than ",
                    iso(lt, -least),
                    ")",
                )
            messages = cat(
                f"{c.earlier} (",
                iso(e),
                np.where(after | same, ") is ", ") is only ").astype(object),
                np.where(same, "at the same time as", durations(d)).astype(object),
                np.where(
                    same,
                    f" {c.later} (",
                    np.where(after, f" after {c.later} (", f" before {c.later} ("),
                ).astype(object),
                iso(lt),
                "); ",
                *need,
            )
            out.append(Piece(rows, rule.id, rule.severity, messages, c.earlier))
        if c.at_most is not None:
            most = ns_delta(c.at_most)
            rows = np.flatnonzero(both & (diff > most))
            if rows.size:
                d, e = gap(early[rows], late[rows], exact=True), early[rows]
                messages = cat(
                    f"{c.later} (",
                    iso(late[rows]),
                    ") is ",
                    durations(d),
                    f" after {c.earlier} (",
                    iso(e),
                    f"); {label} requires at most {fmt_duration(c.at_most)} "
                    f"({c.later} no later than ",
                    iso(e, most),
                    ")",
                )
                out.append(Piece(rows, rule.id, rule.severity, messages, c.later))
    return out


def per_combo(
    code: str,
    severity: str,
    rows: np.ndarray,
    columns: Sequence[Coded],
    judge: Callable[[tuple[Any, ...]], tuple[str | None, str | None]],
    field: str,
) -> list[Piece]:
    """Judge the values of ``columns`` on ``rows`` once per distinct combination
    (``judge``: combination -> (message or None when it passes, offending item)); a
    Piece of ``code`` for the failing rows."""
    if not rows.size:
        return []
    codes, uniques = combos(*(c.subset(rows) for c in columns))
    verdicts = [judge(u) for u in uniques]
    bad = np.array([m is not None for m, _ in verdicts], dtype=bool)
    if not bad.any():
        return []
    messages = np.array([m for m, _ in verdicts], dtype=object)
    items = np.array([i for _, i in verdicts], dtype=object)
    hit = bad[codes]
    picked = codes[hit]
    return [Piece(rows[hit], code, severity, messages[picked], field, items[picked])]


def channels(rule: Rule, data: RuleInput, handbook: Handbook) -> list[Piece]:
    """Findings of a ``channels`` rule: notified changes name documented channels."""
    mask = data.eligible & applies(rule, data) & ~np.isnat(data.times["notified_at"])
    known = [c.id for c in handbook.channels]
    allowed: dict[tuple[str, str], list[str]] = {}
    takes_any: set[tuple[str, str]] = set()  # "any": every documented channel
    for t in handbook.change_types:
        allowed[(t.edition, t.id)] = known if t.channels == "any" else list(t.channels)
        if t.channels == "any":
            takes_any.add((t.edition, t.id))
    label = f"{rule.id} ({rule.title})"

    def judge(combo: tuple[Any, ...]) -> tuple[str | None, str | None]:
        edition, change_type, value = combo
        key = (str(edition), str(change_type))
        options = allowed.get(key, [])
        whose = (
            f"the {edition} change type '{change_type}' takes any documented channel"
            if key in takes_any
            else f"the channels of the {edition} change type '{change_type}'"
        )
        expected = f"{label} requires one or more of: {', '.join(options)} ({whose})"
        items = split_list(value)
        if not items:
            return f"notified_at is set but no channel is given; {expected}", None
        reasons = []
        first = None
        for v in dict.fromkeys(items):
            if v in options:
                continue
            what = (
                "is not a documented channel"
                if v not in known
                else "is not documented for this change type"
            )
            if v not in known and "," in v:
                what += LIST_SEPARATOR_HINT
            reasons.append(f"channel '{v}' {what}")
            first = first or v
        # the requirement once, after every wrong channel (it is the same for each)
        return (f"{'; '.join(reasons)}; {expected}" if reasons else None), first

    columns = (data.coded["edition"], data.coded["change_type"], data.coded["channels"])
    return per_combo(rule.id, rule.severity, np.flatnonzero(mask), columns, judge, "channels")


def _reads(markdown: str) -> str:
    """A statement's inline Markdown as a reader sees it, for messages: a link keeps its
    text and loses its URL, emphasis marks go (markdown-it-py's inline tokens)."""
    from markdown_it import MarkdownIt

    out = []
    for token in MarkdownIt("commonmark").parseInline(markdown):
        for child in token.children or []:
            if child.type in ("text", "code_inline"):
                out.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                out.append(" ")
    return "".join(out)


def _quoted(statement: Statement) -> str:
    """A statement as a message quotes it: its text as a reader sees it, then its items
    (``Only use the groups to assign the following configurations: corporate
    certificates; Wi-Fi profiles``)."""
    items = "; ".join(_reads(i.text) for i in statement.items)
    return _reads(statement.text) + (f" {items}" if items else "")


def prohibited_actions(rule: Rule, data: RuleInput, handbook: Handbook) -> list[Piece]:
    """Findings of a ``prohibited-actions`` rule: no action that an SOP category of the
    record's edition prohibits, whichever category the record is filed under (the
    record's own category's statement quoted first)."""
    mask = data.eligible & applies(rule, data) & (data.coded["actions"].codes >= 0)
    label = f"{rule.id} ({rule.title})"

    def judge(combo: tuple[Any, ...]) -> tuple[str | None, str | None]:
        edition, category, value = combo
        owners = sorted(
            handbook.sop_categories_of(str(edition)), key=lambda c: c.id != str(category)
        )
        reasons = []
        first = None
        for action in dict.fromkeys(split_list(value)):  # an action written twice: once
            for owner in owners:
                statement = handbook.prohibited_actions(str(edition), owner.id).get(action)
                if statement is not None:
                    reasons.append(
                        f"action '{action}' is prohibited for SOP category '{owner.id}' in "
                        f'the {edition} edition ("{_quoted(statement)}")'
                    )
                    first = first or action
                    break
        if not reasons:
            return None, None
        them = "it" if len(reasons) == 1 else "them"
        return f"{'; '.join(reasons)}; {label}: a change must not take {them}", first

    columns = (data.coded["edition"], data.coded["sop_category"], data.coded["actions"])
    return per_combo(rule.id, rule.severity, np.flatnonzero(mask), columns, judge, "actions")


def edition_in_force(rule: Rule, data: RuleInput, handbook: Handbook) -> list[Piece]:
    """Findings of an ``edition-in-force`` rule.

    Valid records whose ``starts_at`` has no edition in force (before the first edition's
    ``in_force_from``, a UTC date) get an error; records starting after the service's
    ``end_of_life`` (a UTC date, inclusive) get a warning when their edition is in
    ``rule.editions``, records with input errors too (they say so); a service without an
    end of life has no such warning.
    """
    first = handbook.editions_in_order()[0]
    starts = data.times["starts_at"]
    out: list[Piece] = []
    rows = np.flatnonzero(data.eligible & data.before_first)
    if rows.size:
        since = first.in_force_from.isoformat()
        messages = cat(
            "starts_at (",
            iso(starts[rows]),
            f") is before any edition is in force; the first edition ({first.id}) is in force "
            f"from {since}, so no rules apply; {rule.id} ({rule.title}) requires starts_at on "
            f"or after {since}",
        )
        out.append(Piece(rows, rule.id, "error", messages, "starts_at"))
    if handbook.service.end_of_life is None:
        return out
    eol = np.datetime64(handbook.service.end_of_life, "ns") + np.timedelta64(1, "D")
    late = applies(rule, data) & ~np.isnat(starts) & (starts >= eol)
    after = f") is after the service's end of life ({handbook.service.end_of_life.isoformat()}); "
    ended = f" ({rule.id}, {rule.title}: the service had ended)"
    rows = np.flatnonzero(late & data.eligible)
    if rows.size:
        checked = ("the rules of the ", as_text(data.edition[rows]), " edition were still checked")
        messages = cat("starts_at (", iso(starts[rows]), after, *checked, ended)
        out.append(Piece(rows, rule.id, "warning", messages, "starts_at"))
    # a record with an input error is not evaluated, but its date still says the service
    # had ended (as a record before the first edition is told why no rule applies)
    rows = np.flatnonzero(late & ~data.eligible)
    if rows.size:
        unchecked = "its input errors kept the rules from being checked"
        messages = cat("starts_at (", iso(starts[rows]), after + unchecked + ended)
        out.append(Piece(rows, rule.id, "warning", messages, "starts_at"))
    return out


#: The evaluation of each rule kind.
_KINDS: dict[str, Callable[[Rule, RuleInput, Handbook], list[Piece]]] = {
    "timing": lambda rule, data, _handbook: timing(rule, data),
    "channels": channels,
    "prohibited-actions": prohibited_actions,
    "edition-in-force": edition_in_force,
}


def evaluate(handbook: Handbook, data: RuleInput) -> list[Piece]:
    """Every rule of the handbook over every eligible record, in rule order."""
    return [piece for rule in handbook.rules for piece in _KINDS[rule.kind](rule, data, handbook)]

"""The rule kinds of the checker, evaluated column-wise with pandas.

Each rule of ``data/rules.yaml`` is an instance of one kind implemented here; every
parameter (durations, which records a rule applies to, editions, channel lists,
prohibited actions, in-force dates) is read from the `Handbook`, never written in code:

``timing``
    ``requires`` time fields must be present; each constraint ``{earlier, later,
    at_least, at_most}`` holds when both fields are present:
    ``at_least <= later - earlier`` and, when given, ``later - earlier <= at_most``
    (exact calendar time, bounds inclusive). Seeds: MMD001, MMD002, MMD004 to MMD008.
``channels``
    a change with ``notified_at`` names at least one channel and each is one of the
    channels of its change type in the edition (``change-types.yaml``; ``any`` accepts
    every channel of ``channels.yaml``). Seed: MMD003.
``prohibited-actions``
    ``actions`` holds no action prohibited for the record's SOP category in its
    edition (``sop-categories.yaml``, statements' ``prohibits``). Seed: MMD009.
``edition-in-force``
    ``starts_at`` on or after the first edition's ``in_force_from`` (else an error) and
    on or before the service's ``end_of_life`` (else a warning). Seed: MMD010.

All functions take a `RuleInput`: one row per valid record, times as
``datetime64[UTC]`` columns ``t_<field>``, booleans as ``b_<field>`` columns.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pandas as pd

from .findings import Finding
from .handbook import Handbook
from .model import Applicability, Rule


@dataclass
class RuleInput:
    """What rule evaluation needs.

    Attributes:
        frame: one row per record (index = row number in the run) with ``id``,
            ``initiator``, ``change_type``, ``sop_category``, ``edition``, ``_file``,
            ``_line``, ``t_<time field>`` (UTC timestamps or NaT), ``b_<bool field>``.
        eligible: boolean mask of the rows to evaluate (no input error).
        channels: long table ``row``, ``value``: one line per channel of a record.
        actions: long table ``row``, ``value``: one line per action of a record.
    """

    frame: pd.DataFrame
    eligible: pd.Series
    channels: pd.DataFrame
    actions: pd.DataFrame


def fmt_duration(delta: timedelta | pd.Timedelta) -> str:
    """A duration in words: ``5 days``, ``3 days 4 hours``, ``48 hours``, ``30 minutes``.

    Whole days are given in days unless the total is under 3 days and not whole days;
    durations under 3 days are given in hours (``48 hours``).
    """
    seconds = int(abs(pd.Timedelta(delta).total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days < 3:
        hours += days * 24
        days = 0
    parts = []
    for n, unit in ((days, "day"), (hours, "hour"), (minutes, "minute"), (secs, "second")):
        if n:
            parts.append(f"{n} {unit}{'s' if n != 1 else ''}")
    return " ".join(parts) if parts else "0 hours"


def iso(value: Any) -> str:
    """A UTC timestamp as ISO 8601 with offset: ``2022-12-10T00:00:00+00:00``."""
    ts = pd.Timestamp(value)
    return str(ts.tz_convert("UTC").floor("s").isoformat()) if ts.tzinfo else str(ts.isoformat())


def applies(rule: Rule, frame: pd.DataFrame) -> pd.Series:
    """Mask of the rows a rule applies to: edition in ``rule.editions`` and `Applicability`."""
    scope: Applicability = rule.applies_to
    mask = frame["edition"].isin(rule.editions)
    if scope.initiator is not None:
        mask &= frame["initiator"] == scope.initiator
    for name in ("emergency", "requires_admin_action", "approval_required"):
        wanted = getattr(scope, name)
        if wanted is not None:
            mask &= frame[f"b_{name}"] == wanted
    if scope.change_type is not None:
        mask &= frame["change_type"].isin(scope.change_type)
    if scope.sop_category is not None:
        mask &= frame["sop_category"].isin(scope.sop_category)
    return mask.fillna(False).astype(bool)


_COLUMNS: dict[tuple[int, str], tuple[pd.DataFrame, Any]] = {}


def clear_cache() -> None:
    """Forget the column arrays `cell` cached (call at the start of each run)."""
    _COLUMNS.clear()


def cell(frame: pd.DataFrame, row: Any, column: str) -> Any:
    """``frame.at[row, column]``, fast for the checker's frames (RangeIndex, int rows).

    Columns are read once into NumPy arrays and cached for the run (`clear_cache`).
    """
    if isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0 and isinstance(row, int):
        key = (id(frame), column)
        hit = _COLUMNS.get(key)
        if hit is None or hit[0] is not frame:
            hit = (frame, frame[column].to_numpy(dtype=object))
            _COLUMNS[key] = hit
        return hit[1][row]
    return frame.at[row, column]


def item(series: pd.Series, row: int) -> Any:
    """``series.at[row]`` (typed as Any)."""
    return series.at[row]


def opt(value: Any) -> str | None:
    """``value`` as text, or None when it is missing (None, NaN, NA)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return str(value)


def _finding(
    rule: Rule, frame: pd.DataFrame, row: int, message: str, severity: str | None = None
) -> Finding:
    sev = severity or rule.severity
    return Finding(
        record=opt(cell(frame, row, "id")),
        rule=rule.id,
        severity="warning" if sev == "warning" else "error",
        message=message,
        file=str(cell(frame, row, "_file")),
        line=int(cell(frame, row, "_line")),
        edition=opt(cell(frame, row, "edition")),
    )


def _rows(mask: pd.Series) -> Iterable[int]:
    return (int(i) for i in mask.index[mask.to_numpy(dtype=bool)])


def timing(rule: Rule, data: RuleInput) -> list[Finding]:
    """Findings of a ``timing`` rule (requires + constraints); one finding per record."""
    frame = data.frame
    mask = data.eligible & applies(rule, frame)
    if not mask.any():
        return []
    reasons: dict[int, list[str]] = defaultdict(list)
    label = f"{rule.id} ({rule.title})"
    for name in rule.requires:
        missing = mask & frame[f"t_{name}"].isna()
        for row in _rows(missing):
            hints = []
            for c in rule.constraints:
                if c.earlier == name and pd.notna(cell(frame, row, f"t_{c.later}")):
                    latest = cell(frame, row, f"t_{c.later}") - c.at_least
                    if c.at_least:
                        hints.append(
                            f"at least {fmt_duration(c.at_least)} before {c.later} "
                            f"(no later than {iso(latest)})"
                        )
                    else:
                        hints.append(f"no later than {c.later} ({iso(latest)})")
                elif c.later == name and pd.notna(cell(frame, row, f"t_{c.earlier}")):
                    start = cell(frame, row, f"t_{c.earlier}")
                    if c.at_most is not None:
                        hints.append(
                            f"within {fmt_duration(c.at_most)} after {c.earlier} "
                            f"(between {iso(start + c.at_least)} and "
                            f"{iso(start + c.at_most)})"
                        )
                    elif c.at_least:
                        hints.append(
                            f"at least {fmt_duration(c.at_least)} after {c.earlier} "
                            f"(no earlier than {iso(start + c.at_least)})"
                        )
                    else:
                        hints.append(f"no earlier than {c.earlier} ({iso(start)})")
            text = f"{name} is missing; {label} requires it"
            if hints:
                text += ", " + " and ".join(hints)
            reasons[row].append(text)
    for c in rule.constraints:
        early, late = frame[f"t_{c.earlier}"], frame[f"t_{c.later}"]
        both = mask & early.notna() & late.notna()
        if not both.any():
            continue
        diff = late - early
        too_short = both & (diff < pd.Timedelta(c.at_least))
        too_long = both & (diff > pd.Timedelta(c.at_most)) if c.at_most is not None else None
        for row in _rows(too_short):
            d = item(diff, row)
            e, lt = item(early, row), item(late, row)
            if d < pd.Timedelta(0):
                gap = f"{c.earlier} ({iso(e)}) is {fmt_duration(d)} after {c.later} ({iso(lt)})"
            else:
                gap = (
                    f"{c.earlier} ({iso(e)}) is only {fmt_duration(d)} before {c.later} ({iso(lt)})"
                )
            if c.at_least:
                need = (
                    f"{label} requires at least {fmt_duration(c.at_least)} "
                    f"({c.earlier} no later than {iso(lt - c.at_least)})"
                )
            else:
                need = f"{label} requires {c.earlier} no later than {c.later}"
            reasons[row].append(f"{gap}; {need}")
        if too_long is not None and c.at_most is not None:
            for row in _rows(too_long):
                d = item(diff, row)
                e = item(early, row)
                reasons[row].append(
                    f"{c.later} ({iso(item(late, row))}) is {fmt_duration(d)} after {c.earlier} "
                    f"({iso(e)}); {label} requires at most {fmt_duration(c.at_most)} "
                    f"({c.later} no later than {iso(e + c.at_most)})"
                )
    return [_finding(rule, frame, row, "; ".join(texts)) for row, texts in sorted(reasons.items())]


def channels(rule: Rule, data: RuleInput, handbook: Handbook) -> list[Finding]:
    """Findings of a ``channels`` rule: notified changes name documented channels."""
    frame = data.frame
    mask = data.eligible & applies(rule, frame) & frame["t_notified_at"].notna()
    if not mask.any():
        return []
    known = [c.id for c in handbook.channels]
    allowed: dict[tuple[str, str], list[str]] = {}
    for t in handbook.change_types:
        allowed[(t.edition, t.id)] = known if t.channels == "any" else list(t.channels)

    def expected(row: int) -> str:
        key = (str(cell(frame, row, "edition")), str(cell(frame, row, "change_type")))
        options = allowed.get(key, [])
        return (
            f"{label} requires one or more of: {', '.join(options)} (the channels of the "
            f"{key[0]} change type '{key[1]}')"
        )

    label = f"{rule.id} ({rule.title})"
    reasons: dict[int, list[str]] = defaultdict(list)
    long = data.channels
    long = long[long["row"].isin(mask.index[mask.to_numpy(dtype=bool)])]
    has_any = pd.Series(False, index=frame.index)
    has_any.loc[long["row"].unique()] = True
    for row in _rows(mask & ~has_any):
        reasons[row].append(f"notified_at is set but no channel is given; {expected(row)}")
    if not long.empty:
        keys = {f"{e}|{t}|{c}" for (e, t), chans in allowed.items() for c in chans}
        rows = long["row"]
        key = (
            frame.loc[rows, "edition"].astype(str).to_numpy()
            + "|"
            + frame.loc[rows, "change_type"].astype(str).to_numpy()
            + "|"
            + long["value"].astype(str).to_numpy()
        )
        bad = long[~pd.Series(key, index=long.index).isin(keys)]
        for row, value in zip(bad["row"].tolist(), bad["value"].tolist(), strict=True):
            what = (
                "is not a documented channel"
                if value not in known
                else "is not documented for this change type"
            )
            reasons[int(row)].append(f"channel '{value}' {what}; {expected(int(row))}")
    return [_finding(rule, frame, row, "; ".join(texts)) for row, texts in sorted(reasons.items())]


def prohibited_actions(rule: Rule, data: RuleInput, handbook: Handbook) -> list[Finding]:
    """Findings of a ``prohibited-actions`` rule: no action the SOP category prohibits."""
    frame = data.frame
    mask = data.eligible & applies(rule, frame)
    long = data.actions
    long = long[long["row"].isin(mask.index[mask.to_numpy(dtype=bool)])]
    if long.empty:
        return []
    statements: dict[str, str] = {}
    for edition in rule.editions:
        for cat in handbook.sop_categories_of(edition):
            for action, st in handbook.prohibited_actions(edition, cat.id).items():
                statements[f"{edition}|{cat.id}|{action}"] = st.text
    rows = long["row"]
    key = (
        frame.loc[rows, "edition"].astype(str).to_numpy()
        + "|"
        + frame.loc[rows, "sop_category"].astype(str).to_numpy()
        + "|"
        + long["value"].astype(str).to_numpy()
    )
    keys = pd.Series(key, index=long.index)
    hit = keys.isin(list(statements))
    reasons: dict[int, list[str]] = defaultdict(list)
    for row, k in zip(long.loc[hit, "row"].tolist(), keys[hit].tolist(), strict=True):
        edition, cat, action = k.split("|")
        reasons[int(row)].append(
            f"action '{action}' is prohibited for SOP category '{cat}' in the {edition} "
            f'edition ("{statements[k]}"); {rule.id} ({rule.title}) requires leaving it out'
        )
    return [_finding(rule, frame, row, "; ".join(texts)) for row, texts in sorted(reasons.items())]


def edition_in_force(
    rule: Rule, data: RuleInput, handbook: Handbook, before_first: pd.Series
) -> list[Finding]:
    """Findings of an ``edition-in-force`` rule.

    ``before_first`` marks valid records whose ``starts_at`` has no edition in force
    (before the first edition's ``in_force_from``): an error. Records starting after the
    service's ``end_of_life`` (a UTC date) get a warning when their edition is in
    ``rule.editions``.
    """
    frame = data.frame
    first = handbook.editions_in_order()[0]
    out: list[Finding] = []
    for row in _rows(data.eligible & before_first):
        out.append(
            _finding(
                rule,
                frame,
                row,
                f"starts_at ({iso(cell(frame, row, 't_starts_at'))}) is before any edition is in "
                f"force; the first edition ({first.id}) is in force from "
                f"{first.in_force_from.isoformat()}, so no rules apply; {rule.id} ({rule.title}) "
                f"requires starts_at on or after {first.in_force_from.isoformat()}",
                severity="error",
            )
        )
    eol = pd.Timestamp(handbook.service.end_of_life, tz="UTC") + pd.Timedelta(days=1)
    late = data.eligible & applies(rule, frame) & (frame["t_starts_at"] >= eol)
    for row in _rows(late.fillna(False).astype(bool)):
        out.append(
            _finding(
                rule,
                frame,
                row,
                f"starts_at ({iso(cell(frame, row, 't_starts_at'))}) is after the service's end of "
                f"life ({handbook.service.end_of_life.isoformat()}); the rules of the "
                f"{cell(frame, row, 'edition')} edition were still checked "
                f"({rule.id}, {rule.title}: the service had ended)",
                severity="warning",
            )
        )
    return out


def evaluate(handbook: Handbook, data: RuleInput, before_first: pd.Series) -> list[Finding]:
    """Every rule of the handbook over every eligible record, in rule order."""
    out: list[Finding] = []
    for rule in handbook.rules:
        if rule.kind == "timing":
            out += timing(rule, data)
        elif rule.kind == "channels":
            out += channels(rule, data, handbook)
        elif rule.kind == "prohibited-actions":
            out += prohibited_actions(rule, data, handbook)
        elif rule.kind == "edition-in-force":
            out += edition_in_force(rule, data, handbook, before_first)
    return out

"""``handbook verify --coverage``: what the samples of ``data/samples/`` exercise.

Two kinds of coverage *items*, each covered or not:

codes
    every rule of ``data/rules.yaml`` and every checker code (E001 to E006, W001) needs a
    *failing* sample (a sample record with a finding of that code, waived findings aside)
    and a *passing* one: for a rule, a record the rule applies to without a finding of
    it; for a checker code, another record of a sample file that has a failing one.
branches
    the ways each rule can go, by rule kind (`handbook.checker.rules`), each reached by
    at least one sample record:

    ``timing``: applies / does not apply; each ``requires`` field present / missing;
    each constraint ``{earlier, later, at_least[, at_most]}`` held, violated (gap under
    ``at_least``; over ``at_most``) and exactly at each bound (bounds are inclusive).
    ``channels``: applies (a notified change) / does not apply; no channel given; a
    channel that is not documented at all; one not documented for the change type;
    every channel documented for it.
    ``prohibited-actions``: applies / does not apply; no actions given; an action
    prohibited; actions, none prohibited.
    ``edition-in-force``: applies / does not apply (a record with an input error or no
    ``starts_at``); before the first edition; in force; after the end of life; exactly
    on the first edition's first day; exactly on the end-of-life day (UTC dates).

Branches are worked out per sample file from each batch's `RuleInput` and the rules'
pieces (`CheckOptions.observe`, unset in ``handbook check``). The total is the share of
items covered, in percent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import numpy as np

from handbook.checker.coded import split_list
from handbook.checker.codes import CHECKER_CODES
from handbook.checker.engine import Checker, CheckOptions
from handbook.checker.rules import Piece, RuleInput, applies
from handbook.checker.samples import FILE_KEY, SampleResult
from handbook.checker.values import fmt_duration, ns_delta
from handbook.model.entities import Rule
from handbook.model.handbook import Handbook


@dataclass
class CodeCoverage:
    """One code: the sample records (``file#record``) that pass and fail it."""

    code: str
    passing: list[str] = field(default_factory=list)
    failing: list[str] = field(default_factory=list)

    @property
    def missing(self) -> list[str]:
        """``passing``/``failing``: the samples this code lacks."""
        return [k for k, v in (("passing", self.passing), ("failing", self.failing)) if not v]


@dataclass
class BranchCoverage:
    """One branch of a rule (see the module doc) and the sample records reaching it."""

    rule: str
    kind: str
    branch: str
    hits: list[str] = field(default_factory=list)


@dataclass
class Coverage:
    """Codes and branches; ``covered``/``total`` count items, ``percent`` their ratio."""

    codes: list[CodeCoverage]
    branches: list[BranchCoverage]

    @property
    def total(self) -> int:
        """Items: two a code (passing, failing) and one a branch."""
        return 2 * len(self.codes) + len(self.branches)

    @property
    def covered(self) -> int:
        """Items with at least one sample."""
        codes = sum(bool(c.passing) + bool(c.failing) for c in self.codes)
        return codes + sum(1 for b in self.branches if b.hits)

    @property
    def percent(self) -> float:
        """``100 * covered / total`` (100 when there is nothing to cover)."""
        return 100.0 * self.covered / self.total if self.total else 100.0

    def as_json(self) -> dict[str, Any]:
        """``{"covered", "total", "percent", "codes": [{"code", "passing", "failing"}],
        "branches": [{"rule", "kind", "branch", "hits"}]}``; percent to 0.1."""
        return {
            "covered": self.covered,
            "total": self.total,
            "percent": round(self.percent, 1),
            "codes": [asdict(c) for c in self.codes],
            "branches": [asdict(b) for b in self.branches],
        }


# --- branches of each rule kind ------------------------------------------------------------

Masks = dict[str, np.ndarray]


def _timing(rule: Rule, data: RuleInput) -> Masks:
    on = data.eligible & applies(rule, data)
    out: Masks = {"applies": on, "does not apply": data.eligible & ~on}
    t = data.times
    for name in rule.requires:
        out[f"{name} present"] = on & ~np.isnat(t[name])
        out[f"{name} missing"] = on & np.isnat(t[name])
    for c in rule.constraints:
        pair = f"{c.earlier} -> {c.later}"
        both = on & ~np.isnat(t[c.earlier]) & ~np.isnat(t[c.later])
        diff = t[c.later] - t[c.earlier]
        least = ns_delta(c.at_least)
        held = both & (diff >= least)
        if c.at_least:
            out[f"{pair}: under {fmt_duration(c.at_least)}"] = both & (diff < least)
            out[f"{pair}: exactly {fmt_duration(c.at_least)}"] = both & (diff == least)
        else:
            out[f"{pair}: {c.later} before {c.earlier}"] = both & (diff < least)
            out[f"{pair}: at the same time"] = both & (diff == least)
        if c.at_most is not None:
            most = ns_delta(c.at_most)
            held = held & (diff <= most)
            out[f"{pair}: over {fmt_duration(c.at_most)}"] = both & (diff > most)
            out[f"{pair}: exactly {fmt_duration(c.at_most)}"] = both & (diff == most)
        out[f"{pair}: held"] = held
    return out


def _values(data: RuleInput, name: str) -> list[Any]:
    coded = data.coded[name]
    return [coded.uniques[i] if i >= 0 else None for i in coded.codes.tolist()]


def _channels(rule: Rule, data: RuleInput, hb: Handbook) -> Masks:
    on = data.eligible & applies(rule, data) & ~np.isnat(data.times["notified_at"])
    known = {c.id for c in hb.channels}
    allowed = {
        (t.edition, t.id): known if t.channels == "any" else set(t.channels)
        for t in hb.change_types
    }
    names = ("no channel given", "an undocumented channel", "a channel not of the change type")
    out: Masks = {"applies (notified)": on, "does not apply": data.eligible & ~on}
    out.update({n: np.zeros(data.n, dtype=bool) for n in (*names, "every channel allowed")})
    editions, types, lists = (_values(data, n) for n in ("edition", "change_type", "channels"))
    for i in np.flatnonzero(on).tolist():
        items = split_list(lists[i])
        options = allowed.get((str(editions[i]), str(types[i])), set())
        out[names[0]][i] = not items
        out[names[1]][i] = any(v not in known for v in items)
        out[names[2]][i] = any(v in known and v not in options for v in items)
        out["every channel allowed"][i] = bool(items) and all(v in options for v in items)
    return out


def _prohibited(rule: Rule, data: RuleInput, hb: Handbook) -> Masks:
    on = data.eligible & applies(rule, data)
    out: Masks = {"applies": on, "does not apply": data.eligible & ~on}
    names = ("no actions given", "an action prohibited", "actions, none prohibited")
    out.update({n: np.zeros(data.n, dtype=bool) for n in names})
    editions, categories, lists = (_values(data, n) for n in ("edition", "sop_category", "actions"))
    for i in np.flatnonzero(on).tolist():
        actions = split_list(lists[i])
        banned = hb.prohibited_actions(str(editions[i]), str(categories[i]))
        bad = any(a in banned for a in actions)
        out[names[0]][i] = not actions
        out[names[1]][i] = bad
        out[names[2]][i] = bool(actions) and not bad
    return out


def _edition_in_force(rule: Rule, data: RuleInput, hb: Handbook) -> Masks:
    starts = data.times["starts_at"]
    has = data.eligible & ~np.isnat(starts)
    day = starts.astype("datetime64[D]")
    first = np.datetime64(hb.editions_in_order()[0].in_force_from, "D")
    masks = {
        "applies": has,
        "does not apply": ~has,
        "before the first edition": has & data.before_first,
        "in force": has & ~data.before_first,
        "on the first edition's first day": has & (day == first),
    }
    if hb.service.end_of_life is not None:  # a service still running has no "after"
        eol = np.datetime64(hb.service.end_of_life, "D")
        masks["in force"] &= day <= eol
        masks["after the end of life"] = has & applies(rule, data) & (day > eol)
        masks["on the end-of-life day"] = has & (day == eol)
    return masks


_KINDS: dict[str, Callable[[Rule, RuleInput, Handbook], Masks]] = {
    "timing": lambda rule, data, _hb: _timing(rule, data),
    "channels": _channels,
    "prohibited-actions": _prohibited,
    "edition-in-force": _edition_in_force,
}


def rule_branches(rule: Rule, data: RuleInput, hb: Handbook) -> Masks:
    """Branch name -> rows of ``data`` reaching it, for one rule (see the module doc)."""
    return _KINDS[rule.kind](rule, data, hb)


# --- the samples ---------------------------------------------------------------------------


def _observed(
    hb: Handbook, today: date | None
) -> Iterator[tuple[Masks, np.ndarray, Rule, list[str]]]:
    """For each sample file's batch and each rule: the branches' rows, the rows the rule
    found broken (waived or not) and the records' keys (``file#record``)."""
    for sample in hb.samples:
        seen: list[tuple[RuleInput, list[Piece], list[str | None]]] = []

        def observe(data: RuleInput, pieces: list[Piece], ids: list[str | None]) -> None:
            seen.append((data, pieces, ids))  # noqa: B023 - used before the next sample starts

        options = CheckOptions(today=today, titles=False, observe=observe)
        for _ in Checker(hb, options).run([hb.root / "samples" / sample.file]):
            pass
        for data, pieces, ids in seen:
            keys = [f"{sample.file}#{i if i is not None else FILE_KEY}" for i in ids]
            for rule in hb.rules:
                broken = np.zeros(data.n, dtype=bool)
                for p in pieces:
                    if p.rule == rule.id:
                        broken[p.rows] = True
                yield rule_branches(rule, data, hb), broken, rule, keys


def coverage(hb: Handbook, results: list[SampleResult], today: date | None = None) -> Coverage:
    """The coverage of ``hb.samples`` given their verdicts (`evaluate_samples` with the
    same ``today``): codes in rule order then `CHECKER_CODES`, branches in rule order.

    A rule's passing samples are the records it applies to (its first branch) that it
    does not find broken (a waived finding is still broken); its failing samples, like a
    checker code's, are the records whose verdict lists the code (waived findings aside).
    """
    codes = {c: CodeCoverage(c) for c in [*(r.id for r in hb.rules), *CHECKER_CODES]}
    branches: dict[tuple[str, str], BranchCoverage] = {}
    passed: dict[str, set[str]] = {}
    for masks, broken, rule, keys in _observed(hb, today):
        for name, mask in masks.items():
            branch = branches.setdefault((rule.id, name), BranchCoverage(rule.id, rule.kind, name))
            branch.hits += [keys[i] for i in np.flatnonzero(mask).tolist()]
        applies_rows = next(iter(masks.values())) & ~broken
        passed.setdefault(rule.id, set()).update(
            keys[i] for i in np.flatnonzero(applies_rows).tolist()
        )
    for result in results:
        records = [v for v in result.verdicts if v.record != FILE_KEY]
        for code, entry in codes.items():
            failing = [v for v in result.verdicts if code in v.actual]
            entry.failing += [f"{result.file}#{v.record}" for v in failing]
            for v in records:
                key = f"{result.file}#{v.record}"
                if code in v.actual:
                    continue
                if key in passed.get(code, ()) or (code in CHECKER_CODES and failing):
                    entry.passing.append(key)
    return Coverage(list(codes.values()), list(branches.values()))


def coverage_text(cov: Coverage, limit: int = 3) -> list[str]:
    """The coverage as lines: codes, then branches by rule, then the total."""

    def some(keys: list[str]) -> str:
        shown = [k.split("#", 1)[1] for k in keys[:limit]]
        return ", ".join(shown) + (f" (+{len(keys) - limit})" if len(keys) > limit else "")

    lines = ["Codes (a passing and a failing sample each):"]
    for c in cov.codes:
        mark = "ok     " if not c.missing else "MISSING"
        lines.append(
            f"  {mark} {c.code}: passing {some(c.passing) or '-'}; failing {some(c.failing) or '-'}"
        )
    lines.append("Branches of each rule (rule kinds of handbook.checker.rules):")
    current = None
    for b in cov.branches:
        if b.rule != current:
            current = b.rule
            reached = [x for x in cov.branches if x.rule == b.rule]
            n = sum(1 for x in reached if x.hits)
            lines.append(f"  {b.rule} ({b.kind}): {n} of {len(reached)} branches")
        mark = "ok     " if b.hits else "MISSING"
        lines.append(f"    {mark} {b.branch}" + (f": {some(b.hits)}" if b.hits else ""))
    lines.append(f"Coverage: {cov.covered} of {cov.total} items ({cov.percent:.1f}%)")
    return lines

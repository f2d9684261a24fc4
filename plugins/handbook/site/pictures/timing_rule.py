"""The picture of a timing rule (issue 14, item 1): its constraints on one time axis, and
its sample records on the same axis at their real times, each with its verdict.

The axis counts hours from the rule's reference field (``starts_at`` for MMD001): the
``later`` field of the first constraint, or its ``earlier`` field when that constraint
only sets a window after it (``at_most`` without ``at_least``, MMD005). Each constraint
is a row: the field it moves drawn as its allowed region (hatched) ending at the bound,
with the bound's duration written out (`handbook.model.durations.duration_text`); bounds
are inclusive (``data/rules.yaml``: "Bounds are inclusive"), drawn as filled markers.
Each sample record (`handbook.checker.samples.SampleVerdict`, the rule's sample file and
the records expecting the rule, to which the rule applies) is a row of markers at its
times relative to its own reference time, with its verdict: ``passes`` or the rule's
code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from handbook.model.durations import hours_text
from handbook.model.entities import Constraint, Rule
from handbook.site.pictures.draw import (
    FONT,
    LINE,
    SHAPES,
    WIDTH,
    Box,
    Line,
    Marker,
    Picture,
    Shape,
    Text,
    wrap,
)
from handbook.site.pictures.fields import (
    applies,
    constraint_words,
    lower_first,
    record_time,
    record_values,
    waived,
)
from handbook.site.pictures.scale import Scale, offset_text, offset_ticks

if TYPE_CHECKING:
    from handbook.checker.samples import SampleVerdict

X0, X1 = 24.0, WIDTH - 24.0
_ROW = 26.0  # height of a row's drawing (markers, regions)


def _hours(value: timedelta) -> float:
    return value.total_seconds() / 3600


@dataclass(frozen=True)
class Bound:
    """One constraint as drawn: ``moving`` (the field whose allowed region is drawn),
    ``reference`` (the field it is measured from, at ``at`` hours on the axis), and the
    region ``lo``..``hi`` (hours; None: open towards that side)."""

    constraint: Constraint
    moving: str
    reference: str
    at: float
    lo: float | None
    hi: float | None

    @property
    def point(self) -> float:
        """The bound nearest the reference (where the moving field is placed)."""
        if self.hi is not None and self.moving == self.constraint.earlier:
            return self.hi
        return self.lo if self.lo is not None else self.at


def reference_field(rule: Rule) -> str:
    """The field the axis counts from (see the module's docstring)."""
    first = rule.constraints[0]
    if first.at_most is not None and first.at_least == timedelta(0):
        return first.earlier
    return first.later


def bounds(rule: Rule) -> list[Bound]:
    """Each constraint of ``rule`` placed on the axis (hours from `reference_field`), in
    the rule's order; a constraint between fields not yet placed waits for them."""
    placed: dict[str, float] = {reference_field(rule): 0.0}
    out: dict[int, Bound] = {}
    for _ in rule.constraints:  # at most one pass per constraint to place every field
        for i, c in enumerate(rule.constraints):
            if i in out:
                continue
            least, most = _hours(c.at_least), (_hours(c.at_most) if c.at_most else None)
            if c.later in placed:
                at = placed[c.later]
                lo = at - most if most is not None else None
                bound = Bound(c, c.earlier, c.later, at, lo, at - least)
            elif c.earlier in placed:
                at = placed[c.earlier]
                hi = at + most if most is not None else None
                bound = Bound(c, c.later, c.earlier, at, at + least, hi)
            else:
                continue
            out[i] = bound
            placed.setdefault(bound.moving, bound.point)
    return [out[i] for i in sorted(out)]


def bound_text(b: Bound, words: Mapping[str, str]) -> str:
    """The constraint in words: ``Microsoft notified customers (notified_at) at least 5
    days (120 hours) before the change takes effect (starts_at); the bound itself
    passes`` (`handbook.site.pictures.fields.constraint_words`, fields named)."""
    return "; ".join(constraint_words(b.constraint, words, named=True))


def rule_samples(rule: Rule, verdicts: list[SampleVerdict]) -> list[SampleVerdict]:
    """The samples drawn with ``rule``: records expecting its code, and the records of the
    same sample files that it applies to."""
    files = {v.file for v in verdicts if rule.id in v.expected}
    out = []
    for v in verdicts:
        if v.record == "(file)":
            continue
        ours = v.file in files
        if rule.id in v.expected or (ours and applies(rule, record_values(v), v.edition)):
            out.append(v)
    return out


def _verdict(rule: Rule, v: SampleVerdict) -> str:
    if rule.id in v.actual:
        return f"finding {rule.id}"
    return f"{rule.id} waived" if rule.id in waived(v) else "passes"


def _offset_words(hours: float) -> str:
    """A record's time from its reference time: ``120 hours (5 days) before``, ``49 hours
    after``, ``1 second after`` (under an hour, minutes or seconds; hours first: a record's
    measure, where the rule's bounds read ``5 days (120 hours)``)."""
    if hours == 0:
        return "at the same time"
    size = abs(hours)
    text = hours_text(size)
    if size % 24 == 0:
        days = int(size // 24)
        text += f" ({days} day{'' if days == 1 else 's'})"
    return f"{text} {'before' if hours < 0 else 'after'}"


class _Sample:
    """A sample record's times as hours from its own reference time (None: absent)."""

    def __init__(self, rule: Rule, v: SampleVerdict, fields: list[str], ref: str) -> None:
        values = record_values(v)
        times = {f: record_time(values[f]) for f in fields if f in values}
        zero = times.get(ref)
        self.verdict = v
        self.missing = [f for f in fields if times.get(f) is None]
        self.hours: dict[str, float] = {}
        if zero is not None:
            for f, t in times.items():
                if t is not None:
                    self.hours[f] = (t - zero).total_seconds() / 3600

    def details(self, ref: str, words: Mapping[str, str]) -> str:
        """Each time in words (``Microsoft notified customers 119 hours before.``)."""
        parts = []
        for f, h in self.hours.items():
            if f != ref:
                parts.append(f"{words.get(f, f)} {_offset_words(h)}.")
        for f in self.missing:
            parts.append(f"No time recorded: {words.get(f, f)} ({f}).")
        return " ".join(parts)

    def text(self, rule: Rule, ref: str, words: Mapping[str, str]) -> str:
        v = self.verdict
        head = f"{v.record} ({v.edition or 'no edition'}): {_verdict(rule, v)}."
        return f"{head} {self.details(ref, words)}".strip()


def timing_rule_picture(
    rule: Rule, verdicts: list[SampleVerdict], words: Mapping[str, str]
) -> Picture | None:
    """The picture of a rule of kind ``timing`` with at least one constraint, else None.

    ``verdicts``: every sample's verdict (``verdicts`` of `handbook.site.results.SiteResults`);
    ``words``: field → the reader's words (`handbook.site.pictures.fields.handbook_words`).
    """
    if rule.kind != "timing" or not rule.constraints:
        return None
    ref = reference_field(rule)
    placed = bounds(rule)
    fields = list(dict.fromkeys([ref, *(f for b in placed for f in (b.reference, b.moving))]))
    shapes: dict[str, Shape] = {f: SHAPES[i % len(SHAPES)] for i, f in enumerate(fields)}
    samples = [_Sample(rule, v, fields, ref) for v in rule_samples(rule, verdicts)]
    values = [0.0, *(x for b in placed for x in (b.at, b.lo, b.hi) if x is not None)]
    values += [h for s in samples for h in s.hours.values()]
    lo, hi = min(values), max(values)
    span = max(hi - lo, 24.0)
    scale = Scale(lo - span * 0.2, hi + span * 0.2, X0, X1)

    ref_words = words.get(ref, ref)
    desc = [
        f"{rule.id} {rule.title} on a time axis in hours relative to when "
        f"{lower_first(ref_words)} ({ref}), which is 0."
    ]
    desc += [bound_text(b, words)[:1].upper() + bound_text(b, words)[1:] + "." for b in placed]
    if samples:
        desc.append("Sample records on the same axis:")
        desc += [s.text(rule, ref, words) for s in samples]
    pic = Picture(
        slug="rule",
        title=f"{rule.id} {rule.title}: the rule and its sample records on one time axis",
        desc=" ".join(desc),
    )
    y = LINE
    # legend: each field's marker and words
    for f in fields:
        pic.markers.append(Marker(X0 - 12, y - FONT * 0.35, shapes[f]))
        pic.texts.append(Text(X0, y, f"{words.get(f, f)} ({f})"))
        y += LINE
    pic.texts.append(
        Text(X0 - 18, y, "A filled marker at a bound: a time exactly at the bound passes.")
    )
    y += LINE * 1.5
    top = y
    # the rule's constraints, one row each
    for b in placed:
        for line in wrap(bound_text(b, words), X1 - X0 + 18):
            pic.texts.append(Text(X0 - 18, y, line))
            y += LINE
        y += 6  # room for the reference's marker above the region
        mid = y + _ROW / 2 - 6
        left = scale.x(b.lo) if b.lo is not None else X0
        right = scale.x(b.hi) if b.hi is not None else X1
        pic.box(Box(left, mid - 7, max(right - left, 1.0), 14, "hatch"))
        if b.lo is None:
            pic.lines.append(Line(left + 10, mid, X0 - 10, mid, "hb-pic-dim", arrow=True))
        if b.hi is None:
            pic.lines.append(Line(right - 10, mid, X1 + 10, mid, "hb-pic-dim", arrow=True))
        pic.markers.append(Marker(scale.x(b.at), mid - 14, shapes[b.reference]))
        pic.lines.append(Line(scale.x(b.at), mid - 8, scale.x(b.at), mid + 9, "hb-pic-accent"))
        for edge in (b.lo, b.hi):
            if edge is not None:
                pic.markers.append(Marker(scale.x(edge), mid, shapes[b.moving]))
        y += _ROW
    # the axis
    y += 4
    pic.lines.append(Line(X0, y, X1, y))
    for tick in offset_ticks(scale.lo, scale.hi):
        x = scale.x(tick)
        pic.lines.append(Line(x, y, x, y + 5))
        pic.texts.append(Text(x, y + 5 + FONT, offset_text(tick), "middle", "hb-pic-small"))
    axis_y = y
    y += LINE * 2.2
    if samples:
        pic.texts.append(Text(X0 - 18, y, "Sample records, at their times:", cls="hb-pic-strong"))
        y += LINE * 1.2
    for s in samples:
        v = s.verdict
        label = f"{v.record} ({v.edition or 'no edition'}): {_verdict(rule, v)}"
        pic.texts.append(Text(X0 - 18, y, label, cls="hb-pic-strong"))
        if v.title:
            short = v.title if len(v.title) <= 44 else v.title[:43].rstrip() + "…"
            pic.texts.append(Text(X1 + 18, y, short, "end", "hb-pic-small"))
        y += LINE
        details = s.details(ref, words)
        for line in wrap(details, X1 - X0 + 18) if details else []:
            pic.texts.append(Text(X0 - 18, y, line, cls="hb-pic-small"))
            y += LINE
        mid = y + 4
        pic.lines.append(Line(X0, mid, X1, mid, "hb-pic-grid"))
        for f, h in s.hours.items():
            pic.markers.append(Marker(scale.x(h), mid, shapes[f], filled=not scale.clamped(h)))
        y += _ROW
    zero = scale.x(0)
    pic.lines.append(Line(zero, top - LINE * 0.8, zero, axis_y, "hb-pic-grid"))
    if samples:
        pic.lines.append(Line(zero, axis_y + LINE * 1.6, zero, y - 6, "hb-pic-grid"))
    pic.height = round(y, 1)
    return pic

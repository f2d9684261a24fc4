"""A change's timeline in one edition (issue 14, item 2): every timing constraint of the
rules in force, one lane for a change Microsoft makes and one for a customer's change.

A lane holds the rules of kind ``timing`` in force in the edition whose ``applies_to``
can match that initiator's records (`handbook.model.handbook.rule_initiator`: a
``change_type`` list is Microsoft's, so MMD005 is in Microsoft's lane only; MMD004, which
names none, is in both). Its fields are placed in columns by
order alone, each as late as its constraints allow (the change's start last): the
picture shows which time comes before which, not to scale; each constraint's row says
its duration in words (`handbook.model.durations.duration_text`) and links to its rule's
page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from handbook.model.entities import Constraint, Edition, Rule
from handbook.model.handbook import Handbook, rule_initiator
from handbook.site.paths import Paths
from handbook.site.pictures.draw import (
    FONT,
    LINE,
    SHAPES,
    WIDTH,
    Anchor,
    Line,
    Marker,
    Picture,
    Shape,
    Text,
    wrap,
)
from handbook.site.pictures.fields import constraint_words, handbook_words
from handbook.site.queries import party_title

X0, X1 = 30.0, WIDTH - 30.0


def lane_rules(handbook: Handbook, edition: Edition, initiator: str) -> list[Rule]:
    """The timing rules of ``edition`` for a change ``initiator`` makes."""
    return [
        r
        for r in handbook.rules_of(edition.id)
        if r.kind == "timing"
        and r.constraints
        and rule_initiator(r.applies_to) in (None, initiator)
    ]


def columns(constraints: list[Constraint]) -> dict[str, int]:
    """Field → column (0 first): each field as late as the orderings allow, so the
    fields nothing follows share the last column."""
    fields = list(dict.fromkeys(f for c in constraints for f in (c.earlier, c.later)))
    after: dict[str, int] = dict.fromkeys(fields, 0)  # longest chain of fields after it
    for _ in fields:
        for c in constraints:
            after[c.earlier] = max(after[c.earlier], after[c.later] + 1)
    last = max(after.values(), default=0)
    return {f: last - after[f] for f in fields}


def constraint_text(rule: Rule, c: Constraint, words: Mapping[str, str]) -> str:
    """``MMD001 Advance notice: Microsoft notified customers at least 5 days (120 hours)
    before the change takes effect or is applied``; ``words``: field → the reader's words
    (`handbook.site.pictures.fields.constraint_words`)."""
    return f"{rule.id} {rule.title}: {constraint_words(c, words)[0]}"


def change_timeline_picture(
    handbook: Handbook, edition: Edition, link: Callable[[str], str]
) -> Picture | None:
    """The timeline of ``edition`` (None when no timing rule is in force in it);
    ``link`` gives a page's URL from the page being rendered (``ctx.link``)."""
    words = handbook_words(handbook)
    lanes = []
    for party in (p for p in handbook.parties if p.kind == "party"):
        rules = lane_rules(handbook, edition, party.id)
        if rules:  # "Microsoft", "the customer" (as in the party pages' titles)
            name = party_title(party).removeprefix("What ").removesuffix(" does")
            lanes.append((name, rules))
    if not lanes:
        return None
    pic = Picture(
        slug="timeline",
        title=f"A change's timeline in the {edition.title}: every timing rule in force",
        desc="",
    )
    desc = [
        f"The timing rules in force in the {edition.title}, in the order of the times they "
        "relate (not to scale), one lane for each initiator of a change."
    ]
    y = LINE
    for name, rules in lanes:
        pairs = [(r, c) for r in rules for c in r.constraints]
        cols = columns([c for _, c in pairs])
        last = max(cols.values())
        step = (X1 - X0) / max(last, 1)
        xs = {f: X0 + col * step for f, col in cols.items()}
        shapes: dict[str, Shape] = {f: SHAPES[i % len(SHAPES)] for i, f in enumerate(cols)}
        pic.texts.append(Text(6, y, f"A change initiated by {name}", cls="hb-pic-strong"))
        desc.append(f"A change initiated by {name}:")
        y += LINE * 1.3
        # the column heads: each field's marker and words, fields of a column stacked
        heads = 0.0
        for col in range(last + 1):
            yy = y
            edge = col in (0, last)
            width = (step / 2 if edge else step) - 12
            for f in (f for f in cols if cols[f] == col):
                x = xs[f]
                anchor: Anchor = "start" if col == 0 else ("end" if col == last else "middle")
                pic.markers.append(Marker(x, yy - FONT * 0.35, shapes[f]))
                for line in wrap(f"{words.get(f, f)} ({f})", width, 12):
                    yy += LINE * 0.9
                    pic.texts.append(Text(x, yy, line, anchor, "hb-pic-small"))
                yy += LINE * 0.9
            heads = max(heads, yy - y)
        top = y - FONT
        y += heads + LINE * 0.3
        # one row per constraint: its words (a link to the rule) and an arrow
        for rule, c in pairs:
            text = constraint_text(rule, c, words)
            desc.append(text + ".")
            for line in wrap(text, X1 - X0 + 24):
                pic.texts.append(Text(6, y, line, href=link(Paths.rule(rule))))
                y += LINE
            mid = y - 4
            x1, x2 = xs[c.earlier], xs[c.later]
            pic.lines.append(Line(x1, mid, x2 - 9, mid, "hb-pic-accent", arrow=True))
            pic.markers.append(Marker(x1, mid, shapes[c.earlier]))
            pic.markers.append(Marker(x2, mid, shapes[c.later]))
            y += LINE
        for x in sorted(set(xs.values())):
            pic.lines.append(Line(x, top + heads + 4, x, y - LINE * 0.8, "hb-pic-grid"))
        y += LINE * 0.8
    pic.desc = " ".join(desc)
    pic.height = round(y, 1)
    return pic

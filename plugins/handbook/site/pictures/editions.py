"""The editions picture (issue 14, item 3): each edition's in-force period, each seed
page's publication date (``ms_date``) and the service's end of life, on a calendar axis;
all from ``data/editions.yaml``. Shown on the editions page and the home page."""

from __future__ import annotations

from datetime import date, timedelta

from handbook.model.handbook import Handbook
from handbook.site.pictures.draw import (
    FONT,
    LINE,
    WIDTH,
    Anchor,
    Box,
    Fill,
    Line,
    Marker,
    Picture,
    Text,
)
from handbook.site.pictures.scale import Scale, day_number, year_ticks

X0, X1 = 20.0, WIDTH - 20.0
_FILLS: tuple[Fill, ...] = ("hatch", "dots")


def editions_picture(handbook: Handbook) -> Picture:
    """Each edition a row: its in-force period as a bar (hatched, dotted in turn; the
    newest runs to the end of life, or a year past the last date of a service still
    running), its seed pages as diamonds at their dates with their ids; the end of life, if
    any, a line across."""
    editions = handbook.editions_in_order()
    eol = handbook.service.end_of_life
    days = [e.in_force_from for e in editions] + [d.ms_date for d in handbook.documents]
    days += [e.in_force_until for e in editions if e.in_force_until]
    # a service still running: the newest edition's bar runs a year past the last date
    end = eol if eol is not None else max(days) + timedelta(days=365)
    days.append(end)
    first, last = min(days), max(days)
    pad = max((last - first).days * 0.04, 30)
    scale = Scale(
        day_number(first - timedelta(days=pad)), day_number(last + timedelta(days=pad)), X0, X1
    )
    pic = Picture(
        slug="editions",
        title=f"The editions of the {handbook.service.name} documentation"
        + (" and its end of life" if eol is not None else ""),
        desc="",
    )
    desc = []
    y = LINE
    eol_x = scale.x(day_number(end))
    if eol is not None:
        pic.texts.append(Text(eol_x, y, f"End of life {eol.isoformat()}", "end", "hb-pic-strong"))
    top = y + 4
    y += LINE * 1.6
    for i, ed in enumerate(editions):
        until = ed.in_force_until or end
        until_text = (
            ed.in_force_until.isoformat()
            if ed.in_force_until
            else ("the end of life" if eol else "today")
        )
        head = f"{ed.title}: in force {ed.in_force_from.isoformat()} to {until_text}"
        pic.texts.append(Text(6, y, head, cls="hb-pic-strong"))
        docs = [handbook.document(d) for d in ed.documents]
        pages = "; ".join(f"{d.id} {d.title}, {d.ms_date.isoformat()}" for d in docs)
        desc.append(f"{head}{f' ({until.isoformat()})' if eol and not ed.in_force_until else ''}.")
        desc.append(f"Its source pages: {pages}.")
        y += LINE * 0.6
        left, right = scale.x(day_number(ed.in_force_from)), scale.x(day_number(until))
        pic.box(Box(left, y, max(right - left, 1.0), 14, _FILLS[i % len(_FILLS)]))
        mid = y + 7
        by_day: dict[date, list[str]] = {}
        for d in docs:
            by_day.setdefault(d.ms_date, []).append(d.id)
        y += 14 + LINE * 1.2
        for k, (day, ids) in enumerate(sorted(by_day.items())):
            x = scale.x(day_number(day))
            pic.markers.append(Marker(x, mid, "diamond"))
            pic.lines.append(Line(x, mid + 7, x, y - FONT + 2 + k * LINE * 0.8, "hb-pic-grid"))
            label = f"{', '.join(ids)}: {day.isoformat()}"
            anchor: Anchor = "start" if x < WIDTH / 2 else "end"
            pic.texts.append(Text(x, y + k * LINE * 0.8, label, anchor, "hb-pic-small"))
        y += LINE * 0.8 * max(len(by_day), 1) + LINE * 0.8
    if eol is not None:
        desc.append(f"{handbook.service.name} reached its end of life on {eol.isoformat()}.")
    desc.append("Diamonds mark the publication dates of the source pages (their ids).")
    pic.lines.append(Line(X0, y, X1, y))
    for tick in year_ticks(first - timedelta(days=pad), last + timedelta(days=pad)):
        x = scale.x(day_number(tick))
        pic.lines.append(Line(x, y, x, y + 5))
        pic.texts.append(Text(x, y + 5 + FONT, str(tick.year), "middle", "hb-pic-small"))
    if eol is not None:
        pic.lines.append(Line(eol_x, top, eol_x, y, "hb-pic-accent"))
    pic.desc = " ".join(desc)
    pic.height = round(y + 5 + FONT + 6, 1)
    return pic

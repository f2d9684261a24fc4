"""The balance of responsibility (issue 14, item 4): for each scope of the matrix, how
many activities are Microsoft's, shared and the customer's, per edition (the edition of
each row's seed document), as a bar split in three (solid, hatched, dotted: never colour
alone) with the counts written beside it."""

from __future__ import annotations

from handbook.model.entities import MatrixRow, Party
from handbook.model.handbook import Handbook
from handbook.site.pictures.draw import LINE, WIDTH, Box, Fill, Picture, Text

X0, X1 = 20.0, WIDTH - 20.0
_FILLS: tuple[Fill, ...] = ("solid", "hatch", "dots")


def _order(parties: list[Party]) -> list[Party]:
    """Microsoft first, the shared value in the middle, then the other parties."""
    real = [p for p in parties if p.kind == "party"]
    shared = [p for p in parties if p.kind != "party"]
    return real[:1] + shared + real[1:]


def balance_picture(handbook: Handbook) -> Picture | None:
    """The bars per edition and scope (None without a matrix)."""
    if not handbook.matrix or not handbook.scopes:
        return None
    parties = _order(list(handbook.parties))
    fills = {p.id: _FILLS[i % len(_FILLS)] for i, p in enumerate(parties)}
    by_edition: dict[str, list[MatrixRow]] = {}
    for row in handbook.matrix:
        edition = next((d.edition for d in handbook.documents if d.id == row.source.doc), "")
        by_edition.setdefault(edition, []).append(row)
    pic = Picture(
        slug="balance",
        title="Balance of responsibility: who does the activities of each scope",
        desc="",
    )
    desc = []
    y = LINE
    x = X0
    for p in parties:  # the legend
        pic.box(Box(x, y - 11, 22, 12, fills[p.id]))
        pic.texts.append(Text(x + 28, y, p.label))
        x += 40 + len(p.label) * 8.5
    y += LINE * 1.6
    order = [e.id for e in handbook.editions_in_order()]  # oldest first; no edition last
    for edition in sorted(by_edition, key=lambda e: order.index(e) if e in order else len(order)):
        rows = by_edition[edition]
        title = f"{edition} edition" if edition else "No edition"
        head = f"{title}: {len(rows)} activities"
        pic.texts.append(Text(6, y, head, cls="hb-pic-strong"))
        desc.append(head + ".")
        y += LINE * 1.2
        for scope in handbook.scopes:
            counts = [(p, sum(1 for r in rows if r.cells.get(scope.id) == p.id)) for p in parties]
            words = ", ".join(f"{p.label} {n}" for p, n in counts)
            pic.texts.append(Text(X0, y, f"{scope.name}: {words}"))
            desc.append(f"{scope.name}: {words}.")
            y += 6
            x = X0
            for p, n in counts:
                w = (X1 - X0) * n / len(rows)
                if w:
                    pic.box(Box(x, y, w, 14, fills[p.id]))
                x += w
            y += 14 + LINE * 1.3
    pic.desc = (
        "For each scope, how many activities of the balance-of-responsibility matrix are "
        + ", ".join(p.label for p in parties)
        + ". "
        + " ".join(desc)
    )
    pic.height = round(y - LINE * 0.6, 1)
    return pic

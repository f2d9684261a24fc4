"""Change-type tables: types as columns (row labels such as ``**Advance notice**``) or as
rows (headers ``Change type | Notification | Customer action``), mapped to the items of
``change-types.yaml``; a row with fewer cells than the header gets a report note.
"""

from __future__ import annotations

from handbook.importer import cells as C
from handbook.importer.html import cell_lines, cell_text
from handbook.importer.items import Context, Imported, Item, flat, name_of, source_of
from handbook.importer.report import PageReport
from handbook.importer.tables import Table

_ATTRS = (
    ("type of change", "includes"),
    ("includes", "includes"),
    ("advance notice", "advance_notice"),
    ("notice", "advance_notice"),
    ("communication channel", "channels"),
    ("channel", "channels"),
    ("notification", "notification"),
    ("global admin", "requires_global_admin_action"),
    ("admin action", "requires_global_admin_action"),
    ("type of action", "action_type"),
    ("action type", "action_type"),
    ("testing", "testing"),
    ("example", "examples"),
    ("customer action", "customer_action"),
    ("action", "customer_action"),
    ("description", "description"),
)
_LISTS = {"includes", "examples", "customer_action"}


def attribute(label: str) -> str | None:
    """The change-type field a row or column label names, or None."""
    t = C.plain(label)
    return next((f for key, f in _ATTRS if key in t), None)


def _channels(text: str, ctx: Context) -> list[str] | str:
    t = C.plain(text)
    found = [cid for name, cid in ctx.known.channels.items() if name in t]
    return found or "any"


def _set(item: Item, attr: str, lines: str, ctx: Context) -> int:
    statements = C.statements(cell_lines(lines))
    text = " ".join(s["text"] for s in statements)
    if not statements:
        return 0
    if attr in _LISTS:
        item[attr] = [*item.get(attr, []), *statements]
        return len(flat(statements))
    if attr == "channels":
        item["channels"] = _channels(text, ctx)
    elif attr == "notification":
        item["notification"] = {"text": text}
        item["channels"] = _channels(text, ctx)
    else:
        item[attr] = text
    return 1


def _new_type(name: str, ctx: Context, table: Table, line: int) -> Item:
    return {
        "id": ctx.known.id("type", ctx.edition, name, 4),
        "edition": ctx.edition,
        "name": name,
        "_source": source_of(ctx, table, line),
    }


def _finish(item: Item) -> Item:
    item.setdefault("channels", "any")
    item["source"] = item.pop("_source")
    return item


def types_columns(
    table: Table, header: list[str], ctx: Context, out: Imported, rep: PageReport
) -> int:
    types = [_new_type(name_of(h), ctx, table, table.line) for h in header[1:]]
    mapped = 0
    for row in table.rows:
        attr = attribute(cell_text(row.cells[0])) if row.cells else None
        if attr is None:
            rep.leave(row.line, " | ".join(row.cells), "change-type row label not recognised")
            continue
        for j, cell in enumerate(row.cells[1:]):
            if j >= len(types):
                rep.leave(row.line, cell, "cell beyond the table's change-type columns")
            else:
                mapped += _set(types[j], attr, cell, ctx)
    for t in types:
        if t["name"]:
            out.change_types.append(_finish(t))
        elif len(t) > 4:  # more than id, edition, name, _source: cells under a blank header
            rep.leave(table.line, "", "change-type column without a type name in its header")
    return mapped


def types_rows(
    table: Table, header: list[str], ctx: Context, out: Imported, rep: PageReport
) -> int:
    attrs = [attribute(h) for h in header]
    mapped = 0
    for row in table.rows:
        first = C.statements(cell_lines(row.cells[0])) if row.cells else []
        if not first:  # no cell, or one of pictures only
            rep.leave(row.line, " | ".join(row.cells), "change-type row without a type")
            continue
        description = first[0]["text"]
        name = ctx.known.ids.get(("type-name", ctx.edition, C.plain(description)))
        if name is None:
            name = name_of(description.split(":")[0].split(",")[0].split(" and ")[0])
        item = _new_type(name, ctx, table, row.line)
        item["description"] = description
        includes = first[0].get("items", []) + first[1:]
        if includes:
            item["includes"] = includes
        mapped += 1 + len(flat(includes))
        missing = [
            h for h, a in zip(header[len(row.cells) :], attrs[len(row.cells) :], strict=True) if a
        ]
        if missing:  # a row with fewer cells than the header: say what it does not state
            rep.note(
                row.line,
                f"change-type row {name!r} has {len(row.cells)} cells for {len(header)} columns: "
                "nothing imported for " + ", ".join(repr(C.plain(h)) for h in missing),
            )
        for j, cell in enumerate(row.cells[1:], start=1):
            attr = attrs[j] if j < len(attrs) else None
            if attr is None:
                if cell.strip():
                    rep.leave(row.line, cell, "change-type cell in a column not recognised")
                continue
            mapped += _set(item, attr, cell, ctx)
        out.change_types.append(_finish(item))
    return mapped

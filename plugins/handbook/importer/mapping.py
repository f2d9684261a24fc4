"""Tables recognised as a kind and mapped to handbook items, with provenance.

`map_table(table, ctx, out, report)` recognises ``table`` (first match wins):

- ``responsibility-matrix``: at least 60% of the non-first cells name Microsoft, Customer
  or Both (`cells.party_of_cell`); columns are scopes, rows responsibilities;
- ``change-process``/``sop-categories``: columns headed by a party (``Microsoft will``,
  ``Customer's role``; beside a customer's column, the one column headed like a party's
  that names no party is the provider's, Microsoft: ``IBM responsibilities``), or cells
  with party labels inside (``Microsoft will:<br>- ...``);
  in a table of labels, a row without one is the party's its first cell names in passing
  (``What will Microsoft do?``); a row whose first cell (or, without one, the label
  above the table) names a phase before/during/after is change process, any other row
  an SOP category; parties as rows are read transposed, but for a two-column glossary
  (``Assignment | Description`` over ``Microsoft Action``), which is reported;
- ``sop-categories (party marks)``: tasks as rows, parties as columns, cells ticked
  (``:heavy_check_mark:`` / ``:x:``), one category per section (`marks`);
- ``change-types``: types as columns (row labels such as ``**Advance notice**``) or as
  rows (headers ``Change type | Notification | Customer action``);
- ``roles``: a first header naming a role or responsibility; the party comes from the
  section heading (``Microsoft's roles...`` vs ``Your roles...``); a statement of a
  row whose subject is the other party (``Microsoft will notify you …`` among the
  customer's) is that party's role of the same name, unless it is the row's only one;
  where rows are named by their party (``Customer``), a row naming neither (``Partner
  ecosystem``) and not opening with a party is a third party's, reported;

A RACI matrix (`marks.raci`) and a RACI legend (``(R) Responsible | …``) are reported,
their rows not imported. Anything else is ``not recognised`` and each row is left in the
report. Items are plain dicts in the YAML/CSV shape of ``data/`` plus ``_line`` (the
row's page line); ids of items the committed data already has (same edition and name)
are reused (`Known`).
"""

from __future__ import annotations

import re

from handbook.importer import cells as C
from handbook.importer.change_types import attribute, types_columns, types_rows
from handbook.importer.html import Line, cell_lines, cell_text
from handbook.importer.items import Context, Imported, Item, flat, name_of, source_of
from handbook.importer.marks import (
    Group,
    is_marks,
    mark_columns,
    mark_rows,
    named_parties,
    named_rows,
    raci,
    raci_legend,
    who_column,
)
from handbook.importer.page import is_sentence
from handbook.importer.report import Found, PageReport
from handbook.importer.tables import Row, Table
from handbook.model.diff import similarity
from handbook.model.loader import matrix_columns
from handbook.model.statement_ids import slug

_SHARED = "Stated for both parties (a Both or shared column or label)."
#: the most words in a header cell: a longer first row under an empty header is data
_HEADER_WORDS = 8
#: the least similarity (`handbook.model.diff.similarity`, 0 to 1) of a matrix column's
#: header to a known scope's name for the column to be read as that scope, renamed
SIMILAR_SCOPE = 0.6
#: a second column's header that makes a two-column table a glossary of its first
_GLOSSARY = {"description", "definition", "meaning", "explanation"}


def map_table(table: Table, ctx: Context, out: Imported, rep: PageReport) -> Found:
    """Recognise and map ``table`` (see module doc); what it was is returned for the
    report and every row or cell not mapped is left in ``rep``."""
    header = [cell_text(h) for h in table.header]
    first = [cell_text(c) for c in table.rows[0].cells] if table.rows else []
    promoted = (
        not any(header) and bool(first) and all(0 < len(c.split()) <= _HEADER_WORDS for c in first)
    )
    if promoted:  # an empty header row above the real one (headers are short)
        table.header, table.line = table.rows[0].cells, table.rows[0].line
        table.rows = table.rows[1:]
        header = first
    body = [[cell_text(c) for c in r.cells] for r in table.rows]
    kind, mapped = "not recognised", 0
    values = [c for r in body for c in r[1:] if c.strip()]
    cols = {j: p for j, h in enumerate(header) if (p := C.party_header(h))}
    # two columns of one party are a matrix's scopes ("Microsoft Managed Desktop service",
    # "Microsoft 365 client software"), not that party's duties
    cols = {j: p for j, p in cols.items() if list(cols.values()).count(p) == 1}
    provider = C.provider_column(header, cols)
    if provider is not None:  # "IBM responsibilities" beside "Your responsibilities"
        cols[provider] = "microsoft"
    labelled = any(
        C.party_label(x.text) and not x.bullet
        for r in table.rows
        for c in r.cells[1:]
        for x in cell_lines(c)
    )
    labels = [r[0] for r in body if r]
    corner = C.plain(header[0]) if header else ""  # the top-left cell
    whose = C.party_header(table.section) if len(header) == 2 else None
    from_heading = (  # "Area | Responsibilities" under "Microsoft responsibilities ..."
        not cols
        and whose in ("microsoft", "customer")
        and C.duty_header(header[1])
        and not any(w in corner for w in ("role", "responsib", "reponsib"))
    )
    if from_heading:
        cols = {1: str(whose)}
    fields = [attribute(h) for h in header[1:]]
    types_header = any(f is not None for f in fields)  # names a type's field
    # beyond a description (a "Type | Description" glossary is no change-type table)
    change_fields = any(f not in (None, "description") for f in fields)
    # parties as rows: two rows naming different parties ("Microsoft will", "Customer
    # will"); "Microsoft Edge" and "Microsoft Teams" are two products, not two parties
    if not cols and not labelled and len({C.party_header(x) for x in labels} - {None}) >= 2:
        if len(header) == 2 and C.plain(header[1]) in _GLOSSARY:
            # "Assignment | Description" over "Microsoft Action", "Customer Action": what
            # the names mean, no duties (transposed, "Description" became a category)
            why = f"row of a glossary ({' | '.join(header)}: a name and what it means): no duty"
            _leave_rows(table, body, rep, why)
            return Found(table.line, table.kind, "glossary (not imported)", 0, table.section)
        table = _transposed(table)  # parties as rows, phases or categories as columns
        return map_table(table, ctx, out, rep)
    who = named_parties(table, header)  # "Component | Responsibility", a party per row
    if who is not None:
        how = f"party named by {header[who_column(header) or -1]}"
        names = " and ".join(who.values())
        kind, mapped = _marks(table, named_rows(table, who, rep), names, ctx, out, how)
        return Found(table.line, table.kind, kind, mapped, table.section)
    named = C.matrix_provider(values)  # "IBM" beside "You" and "Shared"
    in_matrix = [C.party_of_cell(c) is not None or C.plain(_label_text(c)) in named for c in values]
    if values and sum(in_matrix) >= 0.6 * len(values):
        kind = "responsibility-matrix"
        mapped = _matrix(table, header, ctx, out, rep, named)
        if named:
            kind += (
                f" ({' and '.join(named.values())} {'is' if len(named) == 1 else 'are'} Microsoft)"
            )
    elif is_marks(values) and len(mark_columns(header)[0]) >= 2:
        ticks, ticked_provider = mark_columns(header)
        kind, mapped = _marks(table, mark_rows(table, ticks, rep), ticked_provider, ctx, out)
    elif values and sum(raci(c) for c in values) >= 0.6 * len(values):
        kind = "RACI matrix (not imported)"
        # before the party tables: "R, A" under a "Customer" column is no duty
        why = (  # "Client Role | Cloud Temple Role": the customer and the provider
            "its letters say who is responsible, accountable, consulted or informed, not "
            "whose duty a task is, so it is not imported; to import it, tick (✔) the "
            "column of the party that does each task"
            if len(header) == 3 or cols
            else "its columns are teams, not the provider and the customer, so it is not imported"
        )
        _leave_rows(table, body, rep, f"row of a RACI matrix (R/A/C/I): {why}")
    elif types_header and ("change type" in corner or "type of change" in corner):
        kind, mapped = "change-types (types as rows)", types_rows(table, header, ctx, out, rep)
    elif cols or labelled:
        kind, mapped = _party_table(table, cols, 0 if 0 not in cols else None, ctx, out, rep)
        if provider is not None:
            kind += f" ({header[provider]} is Microsoft)"
        if from_heading:
            owner = "Microsoft" if whose == "microsoft" else "the customer"
            kind += f" ({header[1]} read as {owner}'s: the heading names the party)"
    elif sum(attribute(x) is not None for x in labels) >= 2 and len(header) >= 2:
        kind = "change-types (types as columns)"
        mapped = types_columns(table, header, ctx, out, rep)
    elif change_fields and ("type" in corner or "change" in corner):
        kind, mapped = "change-types (types as rows)", types_rows(table, header, ctx, out, rep)
    elif len(body) >= 2 and sum(raci_legend(r[0]) for r in body if r) >= 0.6 * len(body):
        # "(R) Responsible | Responsible for performing the process": what the letters
        # of a RACI matrix mean, no party's roles
        kind = "RACI legend (not imported)"
        _leave_rows(
            table, body, rep, "row of a RACI legend (what a letter means, no duty): not imported"
        )
    elif (
        any(w in corner for w in ("role", "responsib", "reponsib")) and sum(map(bool, header)) <= 2
    ):
        # a name and its description; more headed columns is a matrix of marks it cannot read
        kind, mapped = "roles", _roles(table, ctx, out, rep)
    else:
        if promoted:
            rep.leave(table.line, " | ".join(header), "header row of a table not recognised")
        headers = " | ".join(header) or "none"
        _leave_rows(table, body, rep, f"row of a table not recognised (headers: {headers})")
    return Found(table.line, table.kind, kind, mapped, table.section)


def _leave_rows(table: Table, body: list[list[str]], rep: PageReport, why: str) -> None:
    """Leave in ``rep`` each row of ``table`` (``body``: its cells' texts) but the blank
    separator rows, for ``why``."""
    for row, texts in zip(table.rows, body, strict=True):
        if any(t.strip() for t in texts):
            rep.leave(row.line, " | ".join(texts), why)


def _label_text(text: str) -> str:
    """A matrix label (scope or responsibility) without link targets or a bold wrapper:
    ``**[Change Management](#change-management)**`` is ``Change Management``."""
    return re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text).strip("*_ ").strip()


def _transposed(table: Table) -> Table:
    """``table`` with rows and columns swapped (the first row's line for every row)."""
    line = table.rows[0].line if table.rows else table.line
    header = [table.header[0] if table.header else "", *(r.cells[0] for r in table.rows)]
    rows = [
        Row(line, [h, *(r.cells[j] if j < len(r.cells) else "" for r in table.rows)])
        for j, h in enumerate(table.header)
        if j > 0
    ]
    return Table(table.kind, table.line, table.section, table.label, header, rows)


def _party_table(
    table: Table,
    cols: dict[int, str],
    key: int | None,
    ctx: Context,
    out: Imported,
    rep: PageReport,
) -> tuple[str, int]:
    label_phase = C.phase_of(table.label)
    whole: Item | None = None
    kinds: set[str] = set()
    mapped = 0
    for row in table.rows:
        name = _row_name(row, key, rep) if key is not None and row.cells else ""
        phase = C.phase_of(name) if name else label_phase
        parts: dict[str, list[Item]] = {}
        for j, cell in enumerate(row.cells):
            if j == key:
                continue
            before, segs = C.segments(cell_lines(cell))
            party = cols.get(j)
            if party is None and not segs and not cols and name:
                party = C.party_named(name)  # a labelled table's row without a label
            if party is not None:
                parts.setdefault(party, []).extend(_statements(before, rep, row.line))
            elif before and not all(C.placeholder(x.text) for x in before):
                rep.leave(
                    row.line,
                    " ".join(x.text for x in before),
                    "text in a cell that names no party (no Microsoft/Customer column or label)",
                )
            for p, lines in segs.items():
                parts.setdefault(p, []).extend(_statements(lines, rep, row.line))
        for shared in parts.pop("both", []):  # no shared duties in the data: one per party
            for party in ("microsoft", "customer"):
                parts.setdefault(party, []).append({**shared, "note": _SHARED})
        if not any(parts.values()):
            if name or any(c.strip() for c in row.cells):
                rep.leave(row.line, name or " | ".join(row.cells), "row without statements")
            continue
        if phase is not None:
            kinds.add("change-process")
            for party, statements in parts.items():
                for s in flat(statements):
                    out.duties.append(
                        {
                            "edition": ctx.edition,
                            "phase": phase,
                            "party": party,
                            "statement": s["text"],
                            "note": s.get("note", ""),
                            "errata": "",
                            **source_of(ctx, table, row.line),
                        }
                    )
                    mapped += 1
            continue
        kinds.add("sop-categories")
        if key is None and whole is not None:  # parties in every column: one category
            item = whole
        else:
            name = name or _label(table.label) or name_of(table.section) or "Category"
            item = {"id": ctx.known.id("sop", ctx.edition, name, 4), "edition": ctx.edition}
            item["name"] = name
            item["source"] = source_of(ctx, table, row.line)
            out.sop.append(item)
            whole = item
        mapped += _add_statements(item, parts)
    return " + ".join(sorted(kinds)) or "party table (empty)", mapped


def _marks(
    table: Table,
    groups: list[Group],
    provider: str,
    ctx: Context,
    out: Imported,
    how: str = "party marks",
) -> tuple[str, int]:
    """The ``groups`` of a marks table (`marks.mark_rows`, `marks.named_rows`) as SOP
    categories: one per group, named by it, and one named by the section for rows outside
    any group; a second table of the same section and page adds to the category of that
    name. The kind returned names ``how`` the table was read and the ``provider``'s name
    read as Microsoft, if any."""
    mapped = 0
    for group, line, parts in groups:
        name = name_of(group) or name_of(table.section) or name_of(table.label) or "Tasks"
        cid = ctx.known.id("sop", ctx.edition, name, 4)
        key = (cid, ctx.edition, ctx.doc)
        item = next(
            (c for c in out.sop if (c["id"], c["edition"], c["source"]["doc"]) == key), None
        )
        if item is None:
            item = {"id": cid, "edition": ctx.edition, "name": name}
            item["source"] = source_of(ctx, table, line)
            out.sop.append(item)
        mapped += _add_statements(item, parts)
    return f"sop-categories ({how}" + (f"; {provider} is Microsoft)" if provider else ")"), mapped


def _add_statements(item: Item, parts: dict[str, list[Item]]) -> int:
    """Add each party's statements of ``parts`` to the SOP category ``item``; how many."""
    mapped = 0
    for party in ("microsoft", "customer"):
        if parts.get(party):
            item[party] = [*item.get(party, []), *parts[party]]
            mapped += len(flat(parts[party]))
    item["source"] = item.pop("source")  # keys in the order of the data files
    return mapped


def _statements(lines: list[Line], rep: PageReport, line: int) -> list[Item]:
    """`cells.statements` without placeholders (``None``, ``N/A``, ``-``): an empty duty;
    each cross-reference left out is a note of ``rep`` at ``line``."""
    dropped: list[str] = []
    found = [s for s in C.statements(lines, dropped) if not C.placeholder(s["text"])]
    for text in dropped:
        rep.note(line, f"cross-reference left out: {text}")
    return found


def _label(label: str) -> str:
    """The category name a label above a table gives: none for a sentence (``The
    following table describes...``), which names no category."""
    return "" if is_sentence(label) else name_of(label)


def _scope(header: str, ctx: Context, out: Imported, taken: list[str]) -> tuple[str, float]:
    """The scope a matrix column's header names: a known scope (committed, or from an
    earlier page of the run) by name, else the most similar one not ``taken`` by another
    column when at least `SIMILAR_SCOPE` similar (a renamed column: ``3rd party and
    custom software`` for ``non-Microsoft and custom software``), else a new one. Returns
    ``(id, similarity)``: 1.0 for a name match or a new scope. A new scope's id is its
    header's slug, with ``-scope`` after one that is a column the matrix file has anyway
    (``Responsibility``: ``responsibility-scope``)."""
    key = C.plain(header)
    names = [(sid, name) for (kind, _, name), sid in ctx.known.ids.items() if kind == "scope"]
    names += [(sid, C.plain(name)) for sid, name in out.scopes.items()]
    exact = next((sid for sid, name in names if name == key), None)
    if exact is not None:
        return exact, 1.0
    best = max(
        ((similarity(key, name), sid) for sid, name in names if sid not in taken),
        default=(0.0, ""),
    )
    if best[0] >= SIMILAR_SCOPE:
        return best[1], best[0]
    new = slug(header, 6)
    # a scope's id is a column of responsibility-matrix.csv beside its own columns
    return (f"{new}-scope" if new in matrix_columns([]) else new), 1.0


def _matrix(
    table: Table,
    header: list[str],
    ctx: Context,
    out: Imported,
    rep: PageReport,
    provider: dict[str, str],
) -> int:
    """Map a matrix's rows; a cell holding one of ``provider`` (`cells.matrix_provider`)
    is Microsoft's."""
    scopes: list[str] = []
    for h in header[1:]:
        sid, similar = _scope(h, ctx, out, scopes)
        if similar < 1.0:
            rep.note(
                table.line,
                f"matrix column {h!r} read as scope {sid!r}, a renamed column "
                f"(names {similar:.0%} alike)",
            )
        out.scopes.setdefault(sid, _label_text(h))
        scopes.append(sid)
    mapped = 0
    for row in table.rows:
        texts = [cell_text(c) for c in row.cells]
        if not texts or not texts[0]:
            rep.leave(row.line, " | ".join(texts), "matrix row without a responsibility")
            continue
        parties = [
            C.party_of_cell(t) or ("microsoft" if C.plain(_label_text(t)) in provider else None)
            for t in texts[1 : len(scopes) + 1]
        ]
        if len(parties) < len(scopes) or None in parties:
            bad = [t for t, p in zip(texts[1:], parties, strict=False) if p is None]
            why = f"cell {bad[0]!r} names no party" if bad else "row has fewer cells than scopes"
            rep.leave(row.line, " | ".join(texts), f"matrix row not mapped: {why}")
            continue
        for extra in (t for t in texts[len(scopes) + 1 :] if t):
            rep.leave(row.line, extra, "cell beyond the matrix's scope columns")
        out.matrix.append(
            {
                "id": ctx.known.id("matrix", "*", _label_text(texts[0]), 4),
                "responsibility": _label_text(texts[0]),
                "cells": dict(zip(scopes, parties, strict=True)),
                **source_of(ctx, table, row.line),
            }
        )
        mapped += len(scopes)
    return mapped


def _roles(table: Table, ctx: Context, out: Imported, rep: PageReport) -> int:
    # the section's one party (``Your roles``); none when it names both (``Microsoft and
    # the customer``): then each row's name says whose role it is
    party = C.party_named(table.section) or ""
    if not party and C.provider_named_heading(table.section):  # "IBM responsibilities"
        party = "microsoft"
        rep.note(table.line, f"roles under '{table.section}' read as the provider's (Microsoft)")
    mapped = 0
    # rows named by their party ("Customer" beside "Microsoft - Azure VMware Solution"): a
    # row naming neither ("Partner ecosystem") is a third party's, not the customer's
    names = [C.party_of_cell(cell_text(r.cells[0])) for r in table.rows if r.cells]
    by_name = not party and bool({"microsoft", "customer"} & set(names))
    for row in table.rows:
        name = _row_name(row, 0, rep) if row.cells else ""
        description = _statements([x for c in row.cells[1:] for x in cell_lines(c)], rep, row.line)
        if not name or not description:
            rep.leave(row.line, " | ".join(row.cells), "role row without a name or description")
            continue
        opening = C.plain(description[0]["text"])
        guess = "microsoft" if opening.startswith("microsoft") else "customer"
        if (
            by_name
            and not C.party_named(name)
            and not C.subject_party(opening)
            and guess != "microsoft"
        ):
            why = "role of neither Microsoft nor the customer (the other rows' names say whose)"
            rep.leave(row.line, " | ".join(row.cells), why)
            continue
        who = party or C.party_named(name) or guess
        duties = {who: description}
        for why, found in (
            ("the duties after a {0} label", C.other_party_duties(description, who)),
            ("the statements whose subject is {0}", C.other_party_statements(description, who)),
        ):
            for owner, moved in found.items():
                duties.setdefault(owner, []).extend(moved)
                rep.note(row.line, f"role '{name}': {why.format(owner)} are the {owner}'s role")
        for owner, statements in duties.items():
            out.roles.append(
                {
                    "id": ctx.known.id("role", owner, name, 6),
                    "party": owner,
                    "name": name,
                    "description": statements,
                    "source": source_of(ctx, table, row.line),
                }
            )
            mapped += len(flat(statements))
    return mapped


def _row_name(row: Row, key: int, rep: PageReport) -> str:
    """A row's name: the first line of its key cell. Other lines there (a bold name above
    a definition) are not the name; they are reported, not imported."""
    lines = cell_lines(row.cells[key])
    if len(lines) > 1:
        rest = " ".join(line.text for line in lines[1:])
        rep.leave(row.line, rest, "the lines under a row's name in its first cell")
    return name_of(lines[0].text) if lines else ""

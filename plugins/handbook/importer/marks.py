"""Tables that tick a party's column: tasks as rows, parties as columns, marks in cells.

Shape (the role tables of managed services such as Windows Autopatch, 2022-2023)::

    | Task                 | Your responsibility | Windows Autopatch  |
    | -------------------- | :-----------------: | :----------------: |
    | Review prerequisites | :heavy_check_mark:  | :x:                |

`is_marks(values)`: at least 60% of the non-empty non-first cells are marks. A *yes*
mark is ``:heavy_check_mark:``, ``:white_check_mark:``, ``✔``, ``✓``, ``✅``, ``☑``,
``x``/``X``, ``yes`` or ``Responsible``; a *no* mark is ``:x:``, ``❌``, ``✗``, ``✘``,
``no``, ``-``, ``—`` or ``Not responsible``. `mark_columns(header)`: the party of each
column (`cells.party_header`, or Microsoft for a header naming Microsoft); when exactly
one column names no party and another names the customer, that column is the provider's
(``Windows Autopatch`` is Microsoft's) and its header is returned as the provider's name.

`mark_rows` gives each party's statements: each row's task (first cell; the lines after
its first are its items) is a statement of each party whose column has a yes mark; a row
ticked for both parties is stated for both, with a note; a row with text in its first
cell only (``**Service updates**``) starts a group of that name (`mapping` files each
group as an SOP category, and the rows above any group as one named by the section). A
row with no yes mark, or a yes mark only under a column naming no party, is left in the
report with its line.

`named_rows` reads a table whose last column names the party of each row the same way
(`named_parties`; Azure Virtual Desktop's security page, 2024: ``Component |
Responsibility`` with ``Customer or partner`` or ``Microsoft`` per row; SAP's operating
models: ``Process | Task | Responsibility`` with ``SAP``, ``Customer`` or both listed, the
process naming the row's group), or its middle column before remarks (Google Cloud
VMware Engine: ``Activity | Responsibility | Comments``, ``Google`` or ``Customer`` per
row, rows such as ``Monitoring and alerting`` over blank cells naming groups).

`raci` tells a cell of RACI letters or words (``R``, ``RA``, ``Consulted``), and
`raci_legend` a row's name that explains one (``(R) Responsible``): a RACI matrix and its
legend say who is responsible, accountable, consulted or informed, not whose duty a task
is, and are reported, not imported.
"""

from __future__ import annotations

import re

from handbook.importer import cells as C
from handbook.importer.cells import Statement
from handbook.importer.html import cell_lines, cell_text
from handbook.importer.report import PageReport
from handbook.importer.tables import Table

_YES = {
    ":heavy_check_mark:",
    ":white_check_mark:",
    ":check_mark:",
    ":ballot_box_with_check:",
    "✔",
    "✔️",
    "✓",
    "✅",
    "☑",
    "☑️",
    "x",
    "yes",
    "y",
    "responsible",
}
_NO = {
    *(":x:", ":heavy_multiplication_x:", "❌", "✗", "✘", "no", "n", "-", "—", "–"),
    *("not responsible", "no responsibility"),
}
_SHARED = "Stated for both parties (ticked in both parties' columns)."


def mark(text: str) -> bool | None:
    """True for a yes mark, False for a no mark, None for anything else."""
    t = " ".join(text.replace("**", "").replace("__", "").split()).lower().strip(" .")
    if t in _YES:
        return True
    if t in _NO:
        return False
    return None


def is_marks(values: list[str]) -> bool:
    """Whether the non-empty non-first cells ``values`` are mostly (60%) marks."""
    return bool(values) and sum(mark(v) is not None for v in values) >= 0.6 * len(values)


def mark_columns(header: list[str]) -> tuple[dict[int, str], str]:
    """``({column: party}, provider's name or "")`` for the columns after the first."""
    cols: dict[int, str] = {}
    unnamed: list[int] = []
    for j, h in enumerate(header):
        if j == 0:
            continue
        party = C.party_header(h) or ("microsoft" if "microsoft" in C.plain(h) else None)
        if party is not None:
            cols[j] = party
        elif h.strip():
            unnamed.append(j)
    provider = ""
    if len(unnamed) == 1 and "customer" in cols.values() and "microsoft" not in cols.values():
        cols[unnamed[0]] = "microsoft"
        provider = header[unnamed[0]].strip()
    return cols, provider


Group = tuple[str, int, dict[str, list[Statement]]]  # (name or "", line, party: statements)


def _heading_like(cell: str) -> bool:
    """Whether a cell over blank cells names a group: bold as a whole (``**Service
    updates**``), or a short name (at most six words, one line, no link); a task whose
    ticks are missing is not one."""
    lines = cell_lines(cell)
    if len(lines) != 1:
        return False
    text = lines[0].text.strip()
    bold = text.startswith(("**", "__")) and text.endswith(("**", "__"))
    return bold or (len(text.split()) <= 6 and "[" not in text and not text.endswith("."))


def _task(cell: str) -> list[Statement]:
    """A task cell as one statement (none when empty): its first line, the lines after it
    its items; a cell that is a list from its first line (``- Deliver patches.`` over
    ``- Inform the customers.``) is a statement per item."""
    found = cell_lines(cell)
    lines = C.statements(found)
    if found and found[0].bullet:
        return lines
    items = [*lines[0].get("items", []), *lines[1:]] if lines else []
    return [{**lines[0], "items": items} if items else lines[0]] if lines else []


def mark_rows(table: Table, cols: dict[int, str], rep: PageReport) -> list[Group]:
    """Each group's party statements from the rows of a marks table (see module doc): a
    row whose only text is its first cell (``**Service updates**`` over blank cells) opens
    a group of that name when it reads as one (`_heading_like`); rows before any are in a
    group named ``""``. Rows not mapped
    are left in ``rep``."""
    groups: list[Group] = [("", table.rows[0].line if table.rows else table.line, {})]
    for row in table.rows:
        texts = [cell_text(c) for c in row.cells]
        ticked = {cols.get(j, "") for j, t in enumerate(texts) if j > 0 and mark(t)}
        if texts and texts[0] and not any(texts[1:]) and _heading_like(row.cells[0]):
            groups.append((texts[0].strip("*_ ").strip(), row.line, {}))
            continue
        task = _task(row.cells[0]) if row.cells else []
        why = (
            "task row without a task"
            if not task
            else "no party's column is ticked"
            if not ticked
            else "a ticked column names no party"
            if "" in ticked
            else ""
        )
        if why:
            rep.leave(row.line, " | ".join(texts), why)
            continue
        parties = sorted({"microsoft", "customer"} if "both" in ticked else ticked)
        for party in parties:
            note = {"note": _SHARED} if len(parties) > 1 else {}
            groups[-1][2].setdefault(party, []).extend({**s, **note} for s in task)
    return [g for g in groups if g[2]]


#: a last header that asks only who does a row's task (``Component | Responsibility``)
_WHO = {"responsibility", "responsible", "responsible party", "owner", "owned by", "managed by"}
#: a last header of remarks on a row (``Activity | Responsibility | Comments``)
_REMARKS = {"comments", "comment", "notes", "note", "remarks", "details"}
_NAMED_SHARED = "Stated for both parties (its row names both)."


def _who(cell: str, provider: dict[str, str]) -> set[str]:
    """The parties a cell names, line by line (``Customer``; ``SAP`` when ``provider``
    names it, as Microsoft; ``Both``; ``- SAP`` over ``- Customer``); empty when a line
    names no party."""
    parties: set[str] = set()
    for line in cell_lines(cell):
        party = C.party_of_cell(line.text) or (
            "microsoft" if C.plain(line.text) in provider else None
        )
        if party is None:
            return set()
        parties |= {"microsoft", "customer"} if party == "both" else {party}
    return parties


def who_column(header: list[str]) -> int | None:
    """The column that names each row's party: the last of two or three headed by a word
    asking who (``Responsibility``, ``Owner``), or the second of three when the third
    holds remarks (Google Cloud VMware Engine: ``Activity | Responsibility | Comments``)."""
    if len(header) in (2, 3) and C.plain(header[-1]) in _WHO:
        return len(header) - 1
    remarks = len(header) == 3 and C.plain(header[2]) in _REMARKS
    return 1 if remarks and C.plain(header[1]) in _WHO else None


def named_parties(table: Table, header: list[str]) -> dict[str, str] | None:
    """Whether ``table`` (header texts ``header``) names the party of each row in a column
    (`who_column`), at least 60% of its cells naming a party. Returns the provider's names
    found in those cells (`cells.matrix_provider`: ``SAP`` beside ``Customer``, in more
    than one row), empty when the provider is Microsoft; None when the table is not of
    this shape."""
    col = who_column(header)
    if col is None:
        return None
    cells = [r.cells[col] for r in table.rows if len(r.cells) >= len(header)]
    lines = [x.text for c in cells for x in cell_lines(c)]
    # a provider's name stands in more than one row; a word once ("Nobody") names no one
    said = [C.plain(x) for x in lines]
    provider = {k: v for k, v in C.matrix_provider(lines).items() if said.count(k) > 1}
    named = [c for c in cells if _who(c, provider)]
    return provider if cells and len(named) >= 0.6 * len(cells) else None


def named_rows(table: Table, provider: dict[str, str], rep: PageReport) -> list[Group]:
    """The party statements of a table that names each row's party in a column
    (`named_parties`): each row's task (the cell before that column) is a statement of the
    parties it names (both, with a note, for ``Both`` or a list of both), the remarks
    after it the task's items. With a first column before the task it names the row's
    group (SOP category); else a row whose only text is its task (``Monitoring and
    alerting``) opens a group, as in `mark_rows`, and rows before any are in one named
    ``""``. A row whose cell names no party is left in ``rep``."""
    width, col = len(table.header), who_column([cell_text(h) for h in table.header]) or 0
    groups: dict[str, Group] = {}
    current = ""
    for row in table.rows:
        texts = [cell_text(c) for c in row.cells]
        if col == 1 and texts and texts[0] and not any(texts[1:]) and _heading_like(row.cells[0]):
            current = texts[0].strip("*_ ").strip()
            continue
        parties = _who(row.cells[col], provider) if len(row.cells) >= width else set()
        task = _task(row.cells[col - 1]) if len(row.cells) > col - 1 else []
        if not parties or not task:
            why = "task row without a task" if not task else f"cell {texts[col]!r} names no party"
            rep.leave(row.line, " | ".join(texts), why)
            continue
        remarks = C.statements(cell_lines(row.cells[col + 1])) if col + 1 < width else []
        if remarks:
            task = [{**task[0], "items": [*task[0].get("items", []), *remarks]}, *task[1:]]
        name = texts[0] if col == 2 else current
        parts = groups.setdefault(name, (name, row.line, {}))[2]
        for who in sorted(parties):
            note = {"note": _NAMED_SHARED} if len(parties) > 1 else {}
            parts.setdefault(who, []).extend({**x, **note} for x in task)
    return list(groups.values())


_RACI_WORDS = {"responsible", "accountable", "consulted", "informed", "support", "supportive"}


def raci(cell: str) -> bool:
    """Whether a cell holds RACI (or RASCI) letters or words: ``R``, ``AR``, ``R/A``,
    ``Consulted``."""
    words = [w for w in re.split(r"[\s/,&+]+", C.plain(cell)) if w]
    return bool(words) and all(
        w in _RACI_WORDS or (len(w) <= 3 and set(w) <= set("racis")) for w in words
    )


def raci_legend(name: str) -> bool:
    """Whether a row's name is a RACI letter or word explained: ``(R) Responsible``,
    ``A - Accountable``, ``C``."""
    words = re.findall(r"[a-z]+", C.plain(name))
    return bool(words) and all(w in _RACI_WORDS or w in ("r", "a", "c", "i", "s") for w in words)

"""Tables of a page as rows of cells, read leniently.

`pipe_table(block)` splits a pipe table: with or without outer pipes (mixed in one
table), ``\\|`` kept as text, tabs as spaces, ragged rows kept ragged, an empty header row
(the delimiter row first) read as a table without header, and a physical line without a
pipe read as the continuation of the row above (a row broken across two lines), except a
kramdown attribute list (``{: caption="Table 1"}``), which is markup and skipped.
`html_table_list(block)` reads ``<table>`` blocks through html5lib. Each `Table` has a
``header`` (cell markup) and ``rows`` (``Row``: 1-based line and cell markup).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt

from handbook.importer import html
from handbook.importer.page import Block, is_delimiter


@dataclass
class Row:
    """One body row: its 1-based source ``line`` and its cells' markup."""

    line: int
    cells: list[str]


@dataclass
class Table:
    """A table found in a page (see module doc); ``kind`` is ``table`` or ``html-table``."""

    kind: str
    line: int
    section: str
    label: str
    header: list[str]
    rows: list[Row] = field(default_factory=list)


def split_row(line: str) -> list[str]:
    """The cells of one pipe-table line (outer pipes optional, ``\\|`` escaped)."""
    text = line.replace("\t", " ").strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    return [c.replace("\\|", "|").strip() for c in re.split(r"(?<!\\)\|", text)]


def pipe_table(block: Block) -> Table:
    """``block`` (kind ``table``) as a `Table` (see module doc)."""
    lines = block.lines
    at = next((i for i, x in enumerate(lines) if is_delimiter(x)), None)
    table = Table("table", block.line, block.section, block.label, [])
    # no delimiter row: every line is a row
    header_lines = [] if at is None else [x for x in lines[:at] if x.strip()]
    body_start = 0 if at is None else at + 1
    if header_lines:
        table.header = split_row(" ".join(header_lines))
        table.line = block.line + lines.index(header_lines[0])
    for n in range(body_start, len(lines)):
        raw = lines[n]
        if not raw.strip() or html.ATTRIBUTES.fullmatch(raw.strip()):
            continue  # a kramdown attribute list ({: caption="..."}) styles the table
        if table.rows and _continues(table.rows[-1], raw):
            last = table.rows[-1]
            more = raw.strip()
            more = more[:-1] if more.endswith("|") and not more.endswith("\\|") else more
            last.cells[-1] = f"{last.cells[-1]} {more}".strip()
            continue
        table.rows.append(Row(block.line + n, split_row(raw)))
    return table


def _continues(last: Row, raw: str) -> bool:
    """Whether ``raw`` continues the row above (a row broken across two lines): it has no
    pipe, or the row above left a list open and ``raw`` (not starting with a pipe) holds
    one cell at most. Tags are only counted here, never parsed."""
    if "|" not in raw.replace("\\|", ""):
        return True
    cell = last.cells[-1].lower() if last.cells else ""
    open_list = cell.count("<ul") + cell.count("<li") > cell.count("</ul") + cell.count("</li")
    filled = [c for c in split_row(raw) if c]
    return open_list and not raw.lstrip().startswith("|") and len(filled) <= 1


def html_table_list(block: Block) -> list[Table]:
    """The tables of an ``html-table`` block; a first row of ``<th>`` cells (or the first
    row) is the header. Rows are given the block's line plus the row's index line found
    by counting ``<tr`` openings in the source (the line of the row's start)."""
    # the 0-based line of each ``<tr`` opening, in order (for row provenance only)
    starts = iter([n for n, raw in enumerate(block.lines) for _ in range(raw.lower().count("<tr"))])
    out: list[Table] = []
    markup = "\n".join(block.lines)
    if any(not x.strip() for x in block.lines):  # Markdown between the tags: as a browser
        markup = MarkdownIt("commonmark").render(markup)  # shows it (paragraphs, lists)
    for found in html.html_tables(markup):
        if not found:  # e.g. the empty table a second <table> opens when it closes the first
            continue
        lines = [block.line + next(starts, 0) for _ in found]
        rows = [Row(n, cells) for n, cells in zip(lines[1:], found[1:], strict=True)]
        out.append(Table("html-table", lines[0], block.section, block.label, found[0], rows))
    return out

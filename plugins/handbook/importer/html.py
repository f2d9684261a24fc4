"""Lenient HTML reading through BeautifulSoup with html5lib (never regular expressions).

html5lib repairs what real pages get wrong the way a browser does: an ``<li>`` without
``<ul>`` or never closed, a ``<table>`` closed by a second ``<table>``, a ``<p>`` left open.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning
from bs4.element import Comment, NavigableString, Tag

#: a list mark written as text (on text only); a hyphen before a capital without a space
#: too: Learn's machine translations write ``<br>- Implement`` as ``<br>-Implemente``
_MARK = re.compile(r"([-*•+]|\d{1,2}[.)])\s+|-(?=[A-ZÀ-ÖØ-Þ])")
_BLOCKS = {"p", "div", "table", "tr", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6"}
_LISTS = {"ul", "ol"}
_EMPHASIS = {"strong": "**", "b": "**", "em": "*", "i": "*"}  # tag: its Markdown mark


@dataclass
class Line:
    """One line of a cell: ``text`` (inline Markdown kept, whitespace collapsed), ``depth``
    (0 for a paragraph or a line of text, 1 for a top-level list item, 2 nested...) and
    whether it was written as a list item (``bullet``)."""

    text: str
    depth: int = 0
    bullet: bool = False


def soup(markup: str) -> BeautifulSoup:
    """``markup`` parsed by html5lib (a fragment or a document), without the hidden
    original text of a machine-translated Learn page (``<span class="sxs-lookup">``, the
    English beside each translated span): a reader sees only the translation."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        tree = BeautifulSoup(markup, "html5lib")
    for hidden in tree.select(".sxs-lookup"):
        hidden.decompose()
    return tree


class _Lines:
    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.buf: list[str] = []
        self.depth = 0
        self.bullet = False

    def flush(self) -> None:
        raw = "".join(self.buf).replace("\r", " ").replace("\n", " ")
        self.buf = []
        if raw.strip():
            self.lines.append(_pseudo(raw, self.depth, self.bullet))
            self.depth, self.bullet = 0, False

    def walk(self, node: Tag, lists: int, in_list: bool = False) -> None:
        """Lines of ``node``'s children; ``in_list``: ``node`` is a ``<ul>``/``<ol>``, whose
        bare text (``<li>a</li>b</li>``: a stray ``</li>``) is an item, as a browser
        lists it."""
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                if in_list and child.strip() and not "".join(self.buf).strip():
                    self.depth, self.bullet = lists, True
                self.buf.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name
            if name == "br":
                self.flush()
            elif name in _LISTS:
                self.flush()
                self.walk(child, lists + 1, in_list=True)
                self.flush()
            elif name == "li":
                self.flush()
                self.depth, self.bullet = max(lists, 1), True
                self.walk(child, max(lists, 1))
                self.flush()
            elif name in _BLOCKS:
                self.flush()
                self.walk(child, lists)
                self.flush()
            elif name in _EMPHASIS:
                self.buf.append(_EMPHASIS[name])
                self.walk(child, lists)
                self.buf.append(_EMPHASIS[name])
            elif name == "a" and child.get("href"):
                self.buf.append("[")
                self.walk(child, lists)
                self.buf.append(f"]({child.get('href')})")
            else:
                self.walk(child, lists)


def _pseudo(part: str, depth: int, bullet: bool) -> Line:
    """A line of text; ``- item``/``* item``/``• item``/``-Item`` written in text is a list
    item whose depth grows with its indentation (two or more spaces, or a tab, per level)."""
    stripped = part.lstrip(" \t\u00a0")
    indent = len(part.replace("\t", "    ")) - len(stripped.replace("\t", "    "))
    mark = _MARK.match(stripped)
    if mark and not stripped.startswith("**"):
        level = depth if bullet else 0
        return Line(" ".join(stripped[mark.end() :].split()), level + 1 + indent // 2, True)
    return Line(" ".join(stripped.split()), depth, bullet)


#: ``\n`` written as text between spaces in a cell, or right after a sentence's end and
#: before a space: a line break in some docs dialects (IBM Cloud's ``| * Provide updates.
#: \n * Clean up. |`` and ``for your instances.\n This includes …``)
_TEXT_NEWLINE = re.compile(r"(?:[ \t]+|(?<=[.:;!?]))\\n[ \t]+")


#: a kramdown attribute list (IAL): after a link or word (IBM Cloud's ``[API](…){: external}``),
#: on a line of its own under a table (``{: caption="…"}``) or a heading (``{: #anchor}``);
#: a quoted value may hold braces (IBM Cloud's ``{: summary="… {{site.data.keyword.IBM_notm}} …"}``)
ATTRIBUTES = re.compile(r"""\{:(?:[^{}"']|"[^"]*"|'[^']*')*\}""")


def cell_lines(markup: str) -> list[Line]:
    """The lines of one table cell (Markdown with inline HTML): ``<br>``, ``<p>`` and
    ``<li>`` end a line, and so does ``\n`` written as text between spaces;
    ``<ul>``/``<ol>`` nest; comments and kramdown attribute lists (``{: external}``) are
    dropped."""
    markup = _TEXT_NEWLINE.sub("<br>", ATTRIBUTES.sub("", markup))
    walker = _Lines()
    if "<" not in markup and "&" not in markup:  # plain text: no need to parse it
        walker.buf.append(markup)
    else:
        tree = soup(markup)
        walker.walk(tree.body if tree.body is not None else tree, 0)
    walker.flush()
    return walker.lines


def cell_text(markup: str) -> str:
    """A cell's lines joined with spaces (for header and label cells)."""
    return " ".join(line.text for line in cell_lines(markup))


def html_tables(markup: str) -> list[list[list[str]]]:
    """Every ``<table>`` in ``markup`` as rows of cells, each cell its inner HTML (header
    cells first when the table has them). Nested tables are flattened into their cell."""
    out: list[list[list[str]]] = []
    for table in soup(markup).find_all("table"):
        if table.find_parent("table") is not None:
            continue
        rows: list[list[str]] = []
        for tr in table.find_all("tr"):
            if tr.find_parent("table") is not table:
                continue
            cells = [c for c in tr.find_all(["td", "th"]) if c.find_parent("tr") is tr]
            rows.append([c.decode_contents() for c in cells])
        out.append(rows)
    return out

"""A page as published: the HTML document a reader saves from the browser or fetches with
``curl`` (learn.microsoft.com, docs.microsoft.com, another provider's docs site), read as
the Markdown page it was published from.

`markdown(text)` gives that page: a front matter of the document's ``<meta>`` tags
(``ms.date``, ``author``, ``og:title`` as ``title``…), then the content of its ``<main>``
(or ``role="main"``; the ``<article>`` in it that holds the ``<h1>``; else the ``<body>``)
as Markdown: headings, paragraphs, lists, alerts (``<div class="alert">``, the 2018
``<div class="NOTE">``) as ``[!NOTE]`` callouts, a tab group's tabs each under its title
and every ``<table>`` as the HTML it is. The site's chrome is left out: header, navigation,
breadcrumbs, "In this article", the page's metadata line, feedback, footer, scripts,
``<noscript>`` and anything hidden (but a tab not chosen). Text is written escaped
(``&lt;tenant&gt;`` stays text). Each Markdown line comes with the line of the document it
was read from, so the report names the saved file's lines.
"""

from __future__ import annotations

import json
import re
from html import escape

from bs4.element import Comment, NavigableString, Tag

from handbook.importer.html import cell_lines, soup

#: a document rather than a Markdown page: it starts with a doctype or ``<html>``
_DOCUMENT = re.compile(r"\A\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.I | re.S)
#: what a reader never sees as the page's text, and the Learn and docs sites' chrome
#: inside ``<main>`` (the header of the article, its date and contributors, the feedback),
#: and the ARIA landmarks of navigation, banner, footer, search and sidebar;
#: a ``<header>`` holding the page's ``<h1>`` (Docusaurus') is content
_CHROME = (
    "nav, header:not(:has(h1)), footer, aside, script, style, noscript, template, button, form, "
    "[hidden]:not([role=tabpanel]), [aria-hidden=true]:not([role=tabpanel]), "
    "#article-header, .page-metadata-container, .page-metadata, .feedback-section, "
    "#ms--inline-notifications, [role=navigation], [role=banner], [role=contentinfo], "
    "[role=search], [role=complementary]"
)
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_ALERTS = {"note", "tip", "important", "warning", "caution"}
_BLOCKS = ["p", "div", "section", "table", "ul", "ol", "pre", "blockquote", *_HEADINGS]
#: inline elements: their text belongs to the paragraph around them
_INLINE = {"a", "abbr", "b", "br", "code", "em", "i", "img", "kbd", "mark", "s", "small"}
_INLINE |= {"span", "strong", "sub", "sup", "time", "u", "local-time"}
#: a ``<meta>`` name that can be a front matter key as it is (``ms.date``, ``author``)
_KEY = re.compile(r"[A-Za-z][\w.-]*")


def is_document(text: str) -> bool:
    """Whether ``text`` is an HTML document (a published page) rather than Markdown."""
    return _DOCUMENT.match(text) is not None


def markdown(text: str) -> tuple[list[str], list[int]]:
    """The Markdown lines of the published page ``text`` (see module doc) and, for each,
    the 1-based line of ``text`` it comes from."""
    tree = soup(text)
    out = _Out()
    meta = _meta(tree)
    if meta:
        out.add(1, ["---"])
        for key, (line, value) in meta.items():
            out.add(line, [f"{key}: {json.dumps(value, ensure_ascii=False)}"])
        out.add(out.origin[-1], ["---"])
    root = tree.find("main") or tree.select_one("[role=main]") or tree.body or tree
    if isinstance(root, Tag):
        # the article holding the page's title (not a card recommending another page)
        root = next((a for a in root.find_all("article") if a.find("h1")), root)
        _tab_titles(root)
        for chrome in root.select(_CHROME):
            chrome.decompose()
        out.walk(root)
    return out.lines, out.origin


def _tab_titles(root: Tag) -> None:
    """Each tab of a tab group (Learn's ``<div class="tabGroup">``) titled by a paragraph
    at its start, instead of the list of tabs: every tab is read, hidden or not, and its
    title names its table, as an MkDocs content tab's does."""
    for tablist in root.select("[role=tablist]"):
        for tab in tablist.select("[role=tab][aria-controls]"):
            panel = root.find(id=str(tab.get("aria-controls")))
            if isinstance(panel, Tag):
                title = tablist.new_tag("p")
                title.string = tab.get_text(" ").strip()
                panel.insert(0, title)
        tablist.decompose()


def _meta(tree: Tag) -> dict[str, tuple[int, str]]:
    """The ``<meta>`` tags as front matter keys: their line and value (the first of each
    name); ``og:title`` is the ``title``."""
    found: dict[str, tuple[int, str]] = {}
    for tag in tree.find_all("meta"):
        name = str(tag.get("name") or tag.get("property") or "").strip()
        name = "title" if name == "og:title" else name
        content = tag.get("content")
        if content is not None and _KEY.fullmatch(name) and name not in found:
            found[name] = (tag.sourceline or 1, " ".join(str(content).split()))
    return found


class _Out:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.origin: list[int] = []

    def add(self, line: int, lines: list[str], blank: bool = False) -> None:
        """``lines`` read from ``line`` on (a blank line before them when ``blank``)."""
        if blank and self.lines:
            self.lines.append("")
            self.origin.append(line)
        self.lines.extend(lines)
        self.origin.extend(line + n for n in range(len(lines)))

    def walk(self, node: Tag) -> None:
        text: list[str] = []  # inline content straight inside a container: a paragraph
        line = node.sourceline or 1
        for child in node.children:
            if isinstance(child, Comment) or not isinstance(child, (NavigableString, Tag)):
                continue
            if isinstance(child, NavigableString) or child.name in _INLINE:
                if isinstance(child, Tag) and not "".join(text).strip():
                    line = child.sourceline or line
                text.append(str(child) if isinstance(child, Tag) else escape(child, quote=False))
                continue
            self._paragraph(line, text)
            line = child.sourceline or line
            name = child.name
            if name in _HEADINGS:
                for link in child.select('a[href^="#"]'):  # a permalink: ¶, #, a zero-width space
                    if not any(c.isalnum() for c in link.get_text()):
                        link.decompose()
                words = escape(" ".join(child.get_text(" ").split()), quote=False)
                if words:
                    self.add(line, ["#" * int(name[1]) + " " + words], blank=True)
            elif name == "table":
                html = str(child).split("\n")
                self.add(line, [x if x.strip() else "<!-- -->" for x in html], blank=True)
            elif name in ("ul", "ol") and not child.find("table"):  # else: its items' blocks
                items = [
                    "  " * max(x.depth - 1, 0) + ("- " if x.bullet else "") + escape(x.text, False)
                    for x in cell_lines(str(child))
                ]
                self.add(line, items, blank=True)
            elif name == "pre":
                self.add(line, ["```", *child.get_text().splitlines(), "```"], blank=True)
            elif (name == "blockquote" or _alert(child)) and child.find("table"):
                title = (
                    child.find(class_="alert-title") or child.find("p") if _alert(child) else None
                )
                if isinstance(title, Tag):  # "Note": not the name of the table below it
                    title.decompose()
                self.walk(child)  # a table inside a quote or alert is a table
            elif name == "blockquote" or _alert(child):
                quoted = [f"> {escape(x.text, False)}" for x in cell_lines(child.decode_contents())]
                kind = _alert(child)
                self.add(line, [f"> [!{kind}]", *quoted] if kind else quoted, blank=True)
            elif name == "p" or not child.find(_BLOCKS):
                self._paragraph(line, [str(child)])
            else:
                self.walk(child)
        self._paragraph(line, text)

    def _paragraph(self, line: int, text: list[str]) -> None:
        """``text`` (inline HTML) as paragraphs, one a line of it, read from ``line``."""
        if "".join(text).strip():
            for x in cell_lines("".join(text)):
                self.add(line, [escape(x.text, quote=False)], blank=True)
        text.clear()


def _alert(tag: Tag) -> str:
    """``NOTE``, ``TIP``… when ``tag`` is a Learn alert (``<div class="alert is-info">``
    titled ``Note``, or the 2018 docs' ``<div class="NOTE">``), else ``""``."""
    if tag.name != "div":
        return ""
    classes = [str(c).lower() for c in tag.get("class") or []]
    kind = next((c for c in classes if c in _ALERTS), "")
    if not kind and "alert" in classes:
        title = tag.find(class_="alert-title") or tag.find("p")
        first = title.get_text(" ").split() if isinstance(title, Tag) else []
        kind = first[0].lower() if first and first[0].lower() in _ALERTS else "note"
    return kind.upper()

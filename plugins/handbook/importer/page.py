"""One page read: front matter, mojibake, and its blocks (markdown-it-py).

`read_page(path)` returns a `Page`: the front matter's ``title`` and ``ms.date`` (None when
missing, empty or not a date; ``MM/DD/YYYY``, ``M/D/YYYY``, ``M-D-YYYY`` and ``YYYY-MM-DD``
are read, the last also with a time after it, whose date is taken as written; YAML
between ``---`` lines, or JSON members between ``{{{`` and ``}}}``),
the notes to report (mojibake corrected, front matter problems) and the `Block`s in page
order, each with its 1-based line, the heading of its section and, for tables, the
label written just above it (``**Before a change**``). Raises `PageError` (with a reason
for people) when the file cannot be read.

Content indented under an MkDocs content tab (``=== "Logging"``, its title the label of
the tables in it) or admonition (``!!! note``, ``??? tip "Title"``, ``??? info inline
end``) is read as if it were not indented, and a table inside a list item as a table:
both were an indented code block or lines of a list before. Line numbers stay those of the file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from handbook.importer.cells import markup_only
from handbook.importer.html import ATTRIBUTES, cell_text
from handbook.importer.published import is_document, markdown


class PageError(Exception):
    """The page cannot be read at all (missing, a folder, not text)."""


@dataclass
class Block:
    """A part of a page: ``kind`` is ``table`` (pipe table, ``lines`` its source lines),
    ``html-table`` (``lines`` the HTML), ``list``, ``paragraph``, ``callout``, ``quote``,
    ``image``, ``directive`` (other ``:::``), ``markup`` (a paragraph of pictures, includes
    or anchors only), ``html``, ``comment``, ``code``, ``attributes``
    (a paragraph of kramdown attribute lists only) or ``label`` (a
    short paragraph naming the table below it, ``**Before a change**``); ``line`` is
    1-based; ``section`` the nearest heading above;
    ``label`` the short paragraph or heading just above a table."""

    kind: str
    line: int
    section: str
    lines: list[str]
    label: str = ""


@dataclass
class Page:
    """A page read (see module doc). ``notes`` are ``(line, text)`` pairs for the report."""

    path: Path
    title: str = ""
    #: the first level-1 heading's text ("" without one): a page may title itself in its
    #: front matter otherwise than in its heading
    heading: str = ""
    ms_date: date | None = None
    author: str = ""
    blocks: list[Block] = field(default_factory=list)
    notes: list[tuple[int, str]] = field(default_factory=list)
    #: index in ``notes`` of the note on an ``ms.date`` that is not a date (None without
    #: one): the edition the page is then filed under is known only once its document is
    date_note: int | None = None


_DELIMITER = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")  # GFM: one hyphen is enough
_QUOTE = re.compile(r"^\s*>\s?")
_DIRECTIVE = re.compile(r"\s*\[!\w+[^\]]*\]\s*$")
#: an attribute list ending a heading (Python-Markdown's ``## Backups { #backups }``, a
#: templated site's ``# Platform {id="platform_{{ context }}"}``): the heading's anchor,
#: not its text; ``{{site.data.keyword.…}}`` variables are text
_HEADING_ATTRIBUTES = re.compile(r"""\s*\{\s*(?:[#.:]|[\w-]+=)(?:[^{}"']|"[^"]*"|'[^']*')*\}\s*$""")
#: an MkDocs content tab (``=== "Title"``, ``===+``, ``===!``) or admonition (``!!! note``,
#: ``??? tip "Title"``, ``???+ warning``; classes after the type: ``??? info inline end
#: "Page Info"``, as the FedRAMP site writes it)
_CONTAINER = re.compile(
    r'^(?:===[+!]?\s*"(?P<tab>[^"]*)"|(?:!!!|\?\?\?\+?)\s*[\w-]+(?:\s+[\w-]+)*(?:\s+"[^"]*")?)\s*$'
)
_MOJIBAKE = re.compile(r"[\u00a0-\u00ff\u0152-\u02dc\u2013-\u2122]{2,}")
_DATES = (
    re.compile(r"^(?P<m>\d{1,2})(?P<sep>[/-])(?P<d>\d{1,2})(?P=sep)(?P<y>\d{4})$"),
    # a date-time (its date as written): ISO 8601, or Learn's updated_at "2023-03-10 05:21 PM"
    re.compile(
        r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
        r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AP]M)?(?:Z|[+-]\d{2}:?\d{2})?)?$",
        re.I,
    ),
)


def is_delimiter(line: str) -> bool:
    """Whether ``line`` is a pipe table's delimiter row (``--- | ---``, ``|---|---|``)."""
    return bool(_DELIMITER.match(line)) and ("|" in line or line.count("-") >= 3)


def parse_date(raw: str) -> date | None:
    """``ms.date`` as a date, or None when it is not one of the forms the module names."""
    for pattern in _DATES:
        m = pattern.match(raw.strip())
        if m:
            try:
                return date(int(m["y"]), int(m["m"]), int(m["d"]))
            except ValueError:
                return None
    return None


#: front matter keys other sites date a page with, read when ``ms.date`` is missing
#: (IBM Cloud's lastupdated, Hugo's lastmod, Rackspace's last_modified_date, Jekyll's
#: last_modified_at, Learn's published updated_at); the last modification before the date
#: a page was first written
_OTHER_DATES = (
    *("lastupdated", "last_updated", "lastmod", "last_modified_date", "last_modified_at"),
    *("last_modified", "date", "updated_at"),
)


def _other_date(meta: dict[str, object]) -> tuple[date | None, str]:
    """The first of `_OTHER_DATES` in ``meta`` that is a date, and its key."""
    for key in _OTHER_DATES:
        value = meta.get(key)
        found = value if isinstance(value, date) else parse_date(str(value or ""))
        if found is not None:
            return found, key
    return None, ""


def _day_first(raw: str) -> date | None:
    """``DD/MM/YYYY`` as a date when the first number cannot be a month (over 12)."""
    m = _DATES[0].match(raw.strip())
    if m is None or int(m["m"]) <= 12:
        return None
    try:
        return date(int(m["y"]), int(m["d"]), int(m["m"]))
    except ValueError:
        return None


def fix_mojibake(text: str) -> tuple[str, list[tuple[int, str]]]:
    """``text`` with UTF-8 read as Windows-1252 undone where certain (the run of
    characters re-encodes to valid UTF-8), and a note per correction."""
    notes: list[tuple[int, str]] = []

    def repair(m: re.Match[str]) -> str:
        try:
            fixed = m.group(0).encode("cp1252").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return m.group(0)
        line = text.count("\n", 0, m.start()) + 1
        notes.append((line, f"mojibake {m.group(0)!r} corrected to {fixed!r}"))
        return fixed

    return _MOJIBAKE.sub(repair, text), notes


#: the lines that open and close a front matter: YAML's, and the JSON members of CenturyLink
#: Cloud's knowledge base (``{{{``, ``"title": "Change Management", "date": "11-12-2014"``, ``}}}``)
_FENCES = {"---": ("---", "..."), "{{{": ("}}}",)}


def _yaml_meta(body: list[str], page: Page) -> dict[str, object]:
    """A YAML front matter's keys; one that is not valid YAML is read line by line."""
    meta: dict[str, object] = {}
    try:
        loaded = YAML(typ="safe", pure=True).load("\n".join(body))
        if isinstance(loaded, dict):
            meta = {str(k): v for k, v in loaded.items()}
    except YAMLError:
        page.notes.append((1, "front matter is not valid YAML: read line by line"))
        for raw in body:
            key, sep, value = raw.partition(":")
            if sep and not raw.startswith((" ", "-")):  # a quoted value without its quotes
                meta[key.strip()] = re.sub(r'^(["\'])(.*)\1$', r"\2", value.strip())
    return meta


def _json_meta(body: list[str], page: Page) -> dict[str, object]:
    """A JSON front matter's keys: ``body`` holds the members of one object."""
    try:
        loaded = json.loads("{" + "\n".join(body) + "}")
    except ValueError:
        page.notes.append((1, "front matter is not valid JSON: ms.date unknown"))
        return {}
    return {str(k): v for k, v in loaded.items()} if isinstance(loaded, dict) else {}


def _front_matter(lines: list[str], page: Page) -> int:
    """Read the front matter into ``page``; the number of lines it takes."""
    fence = lines[0].strip() if lines else ""
    if fence not in _FENCES:
        page.notes.append((1, "no front matter: ms.date unknown"))
        return 0
    close = _FENCES[fence]
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in close), None)
    if end is None:
        second = "second ---" if fence == "---" else f"{close[0]} line"
        page.notes.append((1, f"front matter never closed (no {second}): read as text"))
        return 0
    meta = _yaml_meta(lines[1:end], page) if fence == "---" else _json_meta(lines[1:end], page)
    page.title = str(meta.get("title") or "").strip()
    page.author = str(meta.get("author") or "").strip()
    raw_date = meta.get("ms.date")
    line = next((i + 1 for i, x in enumerate(lines[:end]) if x.startswith("ms.date")), 1)
    if isinstance(raw_date, date):
        page.ms_date = raw_date
    elif raw_date is None or not str(raw_date).strip():
        page.ms_date, key = _other_date(meta)
        text = "ms.date missing or empty in the front matter"
        if page.ms_date is not None:  # IBM Cloud's lastupdated, a static site's date
            text += f": the page's date is its {key} ({page.ms_date.isoformat()})"
            line = next((i + 1 for i, x in enumerate(lines[:end]) if x.startswith(key)), line)
        page.notes.append((line, text))
    else:
        page.ms_date = parse_date(str(raw_date))
        day_first = _day_first(str(raw_date)) if page.ms_date is None else None
        if day_first is not None:  # 28/01/2018: no month 28, so the day comes first
            page.ms_date = day_first
            text = (
                f"ms.date {str(raw_date).strip()!r} read as day/month/year "
                f"({day_first.isoformat()}); Learn writes MM/DD/YYYY"
            )
            page.notes.append((line, text))
        elif page.ms_date is None:
            text = (
                f"ms.date {str(raw_date).strip()!r} is not a date (Learn writes MM/DD/YYYY; "
                "YYYY-MM-DD is read too)"
            )
            page.date_note = len(page.notes)
            page.notes.append((line, text))
    return end + 1


def _inline(tokens: Sequence[Token], i: int) -> str:
    """The inline content of the block token ``tokens[i]`` (a heading's or paragraph's)."""
    return tokens[i + 1].content.strip() if i + 1 < len(tokens) else ""


def read_page(path: Path) -> Page:
    """Read and cut ``path`` (see module doc).

    Raises:
        PageError: the file cannot be read, or is not text.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PageError(exc.strerror or str(exc)) from None
    if b"\x00" in data[:8192]:
        raise PageError("not a text file (NUL bytes)")
    page = Page(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        page.notes.append((1, "not UTF-8: read as Windows-1252"))
    text, fixes = fix_mojibake(text.replace("\r\n", "\n").replace("\r", "\n"))
    page.notes.extend(fixes)
    lines = text.split("\n")
    origin = None
    if is_document(text):  # a published page: its <main> as Markdown, lines mapped back
        lines, origin = markdown(text)
    noted = len(page.notes)
    start = _front_matter(lines, page)
    body = [""] * start + lines[start:]
    page.blocks = _blocks(body, page, _unnest(body))
    if origin:
        for block in page.blocks:
            block.line = origin[block.line - 1]
        page.notes[noted:] = [(origin[n - 1], why) for n, why in page.notes[noted:]]
    if not page.title:
        page.title = next((b.label for b in page.blocks if b.kind == "title"), "")
    page.blocks = [b for b in page.blocks if b.kind != "title"]
    return page


def _unnest(lines: list[str]) -> dict[int, str]:
    """Take, in place, the indented body of each MkDocs content tab and admonition out of
    its indentation (four spaces or a tab), and blank the marker line (markup, like a
    table's caption); nested ones are taken out in turn. Returns the tab's title for each
    0-based line of a tab's body (the label of a table there)."""
    titles: dict[int, str] = {}
    for n, marker in enumerate(lines):
        m = _CONTAINER.match(marker)
        if not m:
            continue
        body: list[int] = []
        for k in range(n + 1, len(lines)):
            if lines[k].startswith(("    ", "\t")):
                body.append(k)
            elif lines[k].strip():
                break
        if not body:
            continue
        lines[n] = ""
        for k in range(n + 1, body[-1] + 1):
            raw = lines[k]
            lines[k] = raw[1:] if raw.startswith("\t") else raw[4:] if raw[:4] == "    " else ""
            if m["tab"] is not None:
                titles[k] = m["tab"].strip()
    return titles


def _nested_tables(tokens: Sequence[Token], i: int, lines: list[str]) -> list[tuple[int, int]]:
    """The ``(first, end)`` 0-based source lines of each table inside the list that opens
    at ``tokens[i]`` (a table in a list item's body)."""
    close = tokens[i].type.replace("_open", "_close")
    found: list[tuple[int, int]] = []
    for tok in tokens[i + 1 :]:
        if tok.level == tokens[i].level and tok.type == close:
            break
        if tok.type == "table_open" and tok.map is not None:
            first, end = tok.map
            while end < len(lines) and lines[end].strip() and "|" in lines[end]:
                end += 1
            found.append((first, end))
    return found


def _blocks(lines: list[str], page: Page, titles: dict[int, str] | None = None) -> list[Block]:
    md = MarkdownIt("commonmark").enable("table")
    tokens = md.parse("\n".join(lines))
    titles = titles or {}
    out: list[Block] = []
    section, label = "", ""
    used: set[int] = set()
    for i, tok in enumerate(tokens):
        if tok.level != 0 or tok.map is None or tok.type.endswith("_close"):
            continue
        first, end = tok.map
        if first in used:
            continue
        raw = lines[first:end]
        if tok.type == "heading_open":
            text = cell_text(_HEADING_ATTRIBUTES.sub("", _inline(tokens, i)))
            if tok.tag == "h1" and not page.heading:
                page.heading = text
                if not page.title:
                    out.append(Block("title", first + 1, text, raw, text))
            section, label = text, text
            continue
        if tok.type == "table_open" or (
            tok.type == "paragraph_open" and any(is_delimiter(x) for x in raw)
        ):
            while end < len(lines) and lines[end].strip() and not lines[end].startswith("#"):
                end += 1
            used.update(range(first, end))
            out.append(
                Block("table", first + 1, section, lines[first:end], titles.get(first, label))
            )
            label = section
            continue
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            nested = _nested_tables(tokens, i, lines)
            if nested:  # the list's other lines stay a list; each table is a table
                raw = list(raw)
                for start, stop in nested:
                    raw[start - first : stop - first] = [""] * (stop - start)
                out.append(Block("list", first + 1, section, raw))
                out.extend(
                    Block("table", start + 1, section, lines[start:stop], label)
                    for start, stop in nested
                )
                continue
        quoted = [_QUOTE.sub("", x) for x in raw] if tok.type == "blockquote_open" else []
        if any(is_delimiter(x) for x in quoted):  # a table inside a quote or callout
            # without the Learn directive that wraps it (``[!div class="mx-tableFixed"]``)
            quoted = [x for x in quoted if not _DIRECTIVE.match(x)]
            used.update(range(first, end))
            out.append(Block("table", first + 1, section, quoted, label))
            continue
        if tok.type == "paragraph_open" and "<table" in "\n".join(raw).lower():
            tok.type, tok.content = "html_block", "\n".join(raw)  # text, then a <table>
        if tok.type == "html_block":
            content = tok.content.strip().lower()
            if content.startswith("<!--"):
                out.append(Block("comment", first + 1, section, raw))
                continue
            if "<table" in content:
                end = _html_end(lines, first, end)
                used.update(range(first, end))
                out.append(Block("html-table", first + 1, section, lines[first:end], label))
                label = section
                continue
        kind = _kind(tok.type, raw)
        text = ""
        if kind == "paragraph":
            text = cell_text(_inline(tokens, i))
            if markup_only(text):  # [!INCLUDE [x](x.md)], <a name="x"></a>, ![x](x.png)
                kind = "markup"  # and no label: the one above names the table below
            elif len(text) <= 80:
                label = text
        out.append(Block(kind, first + 1, section, raw, text))
    shown = [b for b in out if b.kind != "markup"]  # a picture between: still the table's
    for a, b in pairwise(shown):  # a short paragraph naming the table below
        if a.kind == "paragraph" and b.kind in ("table", "html-table") and a.label == b.label:
            a.kind = "paragraph" if is_sentence(a.label) else "label"
    return out


def is_sentence(text: str) -> bool:
    """Whether a short paragraph is a sentence (more than four words, ending with ``.`` or
    ``:``) rather than a label naming the table below it: it names no category, and is
    left in the report as prose."""
    return len(text.split()) > 4 and text.rstrip("*_ ").endswith((".", ":"))


def _html_end(lines: list[str], first: int, end: int) -> int:
    """Where an HTML table that starts at ``first`` ends: after the line where every
    ``<table`` is closed, also across blank lines and Markdown between its tags (SAP's
    help pages write each cell's text apart, between blank lines); or, when one never is
    (closed by a second ``<table>``), at the first blank line after markdown-it's block
    that is not followed by more HTML."""
    depth, opened = 0, False
    for n in range(first, len(lines)):
        low = lines[n].lower()
        opened = opened or "<table" in low
        depth += low.count("<table") - low.count("</table")
        if opened and depth <= 0:
            return max(n + 1, end)
    depth = 0
    for n in range(first, len(lines)):
        low = lines[n].lower()
        depth += low.count("<table") - low.count("</table")
        if depth <= 0 and n >= end - 1:
            return n + 1
        if n >= end and not low.strip():
            following = next((x for x in lines[n + 1 :] if x.strip()), "")
            if not following.lstrip().startswith("<"):
                return n
    return len(lines)


def _kind(token_type: str, raw: list[str]) -> str:
    head = raw[0].strip() if raw else ""
    if token_type == "paragraph_open" and all(ATTRIBUTES.fullmatch(x.strip()) for x in raw):
        return "attributes"  # kramdown's {: #anchor} under a heading, {:note: .note} lines
    if token_type in ("bullet_list_open", "ordered_list_open"):
        return "list"
    if token_type == "blockquote_open":
        return "callout" if "[!" in head else "quote"
    if token_type in ("fence", "code_block"):
        return "code"
    if head.startswith(":::"):
        return "image" if head.startswith(":::image") else "directive"
    if token_type == "html_block":
        return "html"
    return "paragraph"

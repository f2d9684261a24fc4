"""The print edition: the whole handbook (or one edition of it) as one page, for paper and PDF.

Two halves:

- At generation (engine-neutral), `make_print_pages` records one page of kind ``print`` for
  the whole handbook (``print/index.md``) and one per edition (``print/<edition>.md``),
  none of them in the nav. Their Markdown (``templates/print.md.j2``) is the title page
  (edition, the data's date: the newest seed page's ``ms.date``) inside a placeholder
  ``<div class="hb-print-body">`` that names the edition the page prints.
- After the engine has turned every page into HTML, `assemble` fills the placeholder with
  the pages' HTML in navigation order (``plugin.py`` hands it the fragments; another engine
  would do the same). It works on the rendered HTML rather than on the Markdown because the
  generated pages are mostly HTML with final relative URLs and ids, and the engine's own
  heading ids (``toc``) are only known after rendering: it parses each fragment with lxml's
  HTML parser (BeautifulSoup over the stdlib parser took 0.35 s per print page of today's
  data, lxml 0.035 s: the build prints three) and

  * wraps each page in ``<section class="hb-print-page" id="p-<page>">`` (one page break
    before each, `PRINT_CSS`);
  * prefixes every ``id`` with its page's (``p-rules-mmd001--mmd001-notice``) and every
    reference to one (``href="#…"``, ``for``, ``aria-*``, ``headers``, SVG ``url(#…)``);
  * turns a link to a printed page (and its anchor) into a link within the document; any
    other relative link goes to the site (absolute with ``site_url``, else relative to the
    print page), and a relative ``src`` is made relative to the print page.

The print page never loads the interactive tables' script (its registry entry records no
table, and its copies of the tables are marked ``data-hb-print-table`` instead of
``data-hb-table``), so every table prints in full, every row, with no controls. On a
narrow screen a wide table scrolls sideways (``table.hb-table`` is a scroll box); one
without a link or control inside gets ``tabindex="0"`` so the keyboard can reach and
scroll it (WCAG 2.1.1; axe's scrollable-region-focusable): the sort buttons the script adds
elsewhere are not there to take the focus.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from handbook.site.paths import relative_url
from handbook.site.registry import Registry

if TYPE_CHECKING:
    from lxml.html import HtmlElement

    from handbook.site.render import SiteRenderer

#: Folder of the print pages (``print/`` for the whole handbook, ``print/<edition>/``).
PRINT_DIR = "print"
#: The print stylesheet (package data ``site/assets/print.css``), published at this URI.
PRINT_CSS = "assets/print.css"
#: Kinds of page that belong to one edition (the pages of its change management and SOPs).
EDITION_KINDS = frozenset(
    {"edition", "change-management", "change-process", "change-types", "change-type", "sops", "sop"}
)
#: Attributes whose value is one id or a space-separated list of ids.
_ID_LISTS = ("for", "headers", "aria-labelledby", "aria-describedby", "aria-controls", "list")
#: Attributes whose value is ``#id``.
_ID_REFS = ("href", "xlink:href", "usemap")
_URL_REF = re.compile(r"url\(\s*#([^)\s]+)\s*\)")
#: What the keyboard reaches inside a table on its own.
_FOCUSABLE = ".//a[@href] | .//button | .//input | .//select | .//textarea | .//*[@tabindex]"


def make_print_pages(site: SiteRenderer) -> None:
    """Record the print pages in ``site.registry``: the whole handbook (``print/index.md``),
    then each edition (``print/<edition>.md``)."""
    hb = site.hb
    dates = [d.ms_date for d in hb.documents]
    data_date = max(dates).isoformat() if dates else None
    editions = hb.editions_in_order()
    for edition in [None, *(ed.id for ed in editions)]:
        shown = [ed for ed in editions if edition in (None, ed.id)]
        title = "Print edition" if edition is None else f"Print edition: {shown[0].title}"
        site.page(
            "print.md.j2",
            f"{PRINT_DIR}/index.md" if edition is None else f"{PRINT_DIR}/{edition}.md",
            title,
            None,
            kind="print",
            edition=edition or "",
            shown=shown,
            data_date=data_date,
        )


def edition_of(src_uri: str, kind: str, latest: str) -> str | None:
    """The edition a page belongs to (None: it belongs to every edition): an older
    edition's pages live under ``editions/<id>/``, the newest edition's at the top level."""
    if kind not in EDITION_KINDS:
        return None
    parts = src_uri.split("/")
    if len(parts) > 2 and parts[0] == "editions":
        return parts[1]
    return latest


def members(order: Iterable[str], registry: Registry, edition: str, latest: str) -> list[str]:
    """The src_uris of the pages a print page holds, in ``order`` (the nav's): every page
    but the print pages, and only the pages of ``edition`` among those of one edition
    (``edition`` empty: every page)."""
    out: list[str] = []
    for src in dict.fromkeys(order):
        kind = registry[src].kind if src in registry else "prose"
        if kind == "print":
            continue
        if edition and edition_of(src, kind, latest) not in (None, edition):
            continue
        out.append(src)
    return out


@dataclass(frozen=True)
class Fragment:
    """One page's rendered content: its src_uri, URL (site-relative, as the engine gives
    it: ``""``, ``rules/mmd001/``), title and HTML (the article's body)."""

    src_uri: str
    url: str
    title: str
    html: str


def page_anchor(url: str) -> str:
    """The id of a printed page: ``p-`` and its URL's path (``rules/mmd001/`` →
    ``p-rules-mmd001``; the home page ``p-home``)."""
    stem = url.removesuffix("index.html").removesuffix(".html").strip("/")
    slug = "".join(c if c.isalnum() else "-" for c in stem.lower())
    return "p-" + ("-".join(part for part in slug.split("-") if part) or "home")


def _site_path(url: str) -> str:
    """A site-relative page URL reduced to one form (``a/b/index.html`` → ``a/b/``)."""
    path = url.removesuffix("index.html")
    return path[:-5] + "/" if path.endswith(".html") else path


def _join(page: str, path: str) -> str:
    """The site path (no leading ``/``) of the relative ``path`` of a link on ``page``, as a
    browser resolves it (``rules/mmd001/`` and ``../mmd002/`` → ``rules/mmd002/``).
    ``urljoin`` gives the same and took a fifth of the assembly's time."""
    joined = posixpath.normpath("/" + page[: page.rfind("/") + 1] + path)
    if path.endswith(("/", "/.", "/..")) or path in (".", ".."):
        joined = joined.rstrip("/") + "/"
    return joined.lstrip("/")


def _parse(html: str) -> HtmlElement:
    """``html`` (a fragment) inside a ``<div>``."""
    from lxml.html import fragment_fromstring

    return fragment_fromstring(html, create_parent="div")


def _inner_html(root: HtmlElement) -> str:
    """The HTML of ``root``'s content (without ``root``'s own tags)."""
    from lxml.html import tostring

    return escape(root.text or "", quote=False) + "".join(
        tostring(child, encoding="unicode", method="html") for child in root
    )


class _Document:
    """The pages being assembled: their anchors and the ids each page holds."""

    def __init__(self, fragments: Sequence[Fragment], print_url: str, site_url: str) -> None:
        self.print_url = print_url
        self.site_url = site_url
        self.anchor = {_site_path(f.url): page_anchor(f.url) for f in fragments}
        self.roots = [_parse(f.html) for f in fragments]
        self.ids: dict[str, set[str]] = {}
        for fragment, root in zip(fragments, self.roots, strict=True):
            self.ids[_site_path(fragment.url)] = {str(v) for v in root.xpath(".//@id")}
        # (href, page) → the link's new href: a page repeats its links, and `urljoin` and
        # `urlsplit` were a third of the assembly's time
        self._links: dict[tuple[str, str], str] = {}

    def target(self, page: str, fragment: str) -> str:
        """The in-document ``#id`` of ``fragment`` on the printed ``page``."""
        anchor = self.anchor[page]
        return f"#{anchor}--{fragment}" if fragment in self.ids[page] else f"#{anchor}"

    def link(self, href: str, page: str) -> str:
        """``href`` of a link on the printed ``page``, pointing within the document when it
        points to a printed page."""
        key = (href, page)
        if key not in self._links:
            self._links[key] = self._link(href, page)
        return self._links[key]

    def _link(self, href: str, page: str) -> str:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or href.startswith("/"):
            return href
        if not parts.path:
            return self.target(page, parts.fragment) if parts.fragment else href
        path = _join(page, parts.path)
        site_path = _site_path(path)
        if site_path in self.anchor:
            return self.target(site_path, parts.fragment)
        return self.resource(href, page, absolute=True)

    def resource(self, ref: str, page: str, absolute: bool = False) -> str:
        """A relative ``ref`` of ``page`` made relative to the print page (or absolute on
        ``site_url`` when ``absolute``: a link to a page not printed, a download)."""
        parts = urlsplit(ref)
        if parts.scheme or parts.netloc or ref.startswith(("/", "#")) or not parts.path:
            return ref
        path = posixpath.normpath(posixpath.join("/" + page, parts.path)).lstrip("/")
        if parts.path.endswith("/") and path:
            path += "/"
        suffix = (f"?{parts.query}" if parts.query else "") + (
            f"#{parts.fragment}" if parts.fragment else ""
        )
        if absolute and self.site_url:
            return urljoin(self.site_url, path) + suffix
        return relative_url(path, self.print_url) + suffix

    def rewrite(self, root: HtmlElement, page: str) -> None:
        """Prefix the ids of ``page`` and every reference to them; rewrite its links."""
        anchor, ids = self.anchor[page], self.ids[page]

        def own(ref: str) -> str:
            return f"{anchor}--{ref}" if ref in ids else ref

        def urls(value: str) -> str:
            return _URL_REF.sub(lambda m: f"url(#{own(m.group(1))})", value)

        for el in root.iter():
            if not isinstance(el.tag, str):
                continue  # a comment or processing instruction
            attrib = el.attrib
            for name, value in list(attrib.items()):
                if name == "id":
                    attrib[name] = own(value)
                elif name == "data-hb-table":  # printed in full, never enhanced
                    del attrib[name]
                    attrib["data-hb-print-table"] = value
                elif name in _ID_LISTS:
                    attrib[name] = " ".join(own(v) for v in value.split())
                elif name in ("href", "xlink:href") and el.tag in ("a", "area"):
                    attrib[name] = self.link(value, page)
                elif name in _ID_REFS and value.startswith("#"):
                    attrib[name] = "#" + own(value[1:])
                elif name in ("src", "href", "poster"):
                    attrib[name] = self.resource(value, page)
                elif "url(#" in value:
                    attrib[name] = urls(value)
            if el.tag == "style" and el.text and "url(#" in el.text:
                el.text = urls(el.text)
            elif (
                el.tag == "table"
                and "hb-table" in el.get("class", "").split()
                and "tabindex" not in attrib
                and not el.xpath(_FOCUSABLE)
            ):
                attrib["tabindex"] = "0"


@dataclass(frozen=True)
class PrintSource:
    """What one print page is assembled from (`assemble`).

    Attributes:
        print_html: the print page's own HTML (its rendered Markdown, holding the
            ``hb-print-body`` placeholder).
        print_url: its site-relative URL (``print/``, ``print/2018/``).
        pages: src_uri → the rendered page, for every page of the site.
        order: src_uris in the nav's order.
        registry: the generated pages (their kinds).
        title: the handbook's title (the site's name).
        site_url: the site's URL (links to pages not printed point there), or "".
    """

    print_html: str
    print_url: str
    pages: Mapping[str, Fragment]
    order: Sequence[str]
    registry: Registry
    title: str
    site_url: str = ""


def assemble(source: PrintSource) -> str:
    """The print page's HTML: ``source.print_html`` with ``source.title`` as its heading, a
    list of contents and the pages it prints (`members` of the placeholder's edition), in
    order (see the module's docstring). ``print_html`` unchanged when it has no
    placeholder."""
    from lxml.html import builder as E

    root = _parse(source.print_html)
    found = root.find_class("hb-print-body")
    if not found:
        return source.print_html
    body = found[0]
    edition = body.get("data-hb-edition") or ""
    latest = body.get("data-hb-latest") or ""
    chosen = members(source.order, source.registry, edition, latest)
    fragments = [source.pages[src] for src in chosen if src in source.pages]
    doc = _Document(fragments, source.print_url, source.site_url)

    items = [E.LI(E.A({"href": "#" + page_anchor(f.url)}, f.title)) for f in fragments]
    contents = E.NAV(
        {"class": "hb-print-contents", "aria-label": "Contents"},
        E.P({"class": "hb-print-contents__title"}, "Contents"),
        E.OL(*items),
    )
    title = E.H1({"class": "hb-print-cover__title"}, source.title)
    cover = E.SECTION({"class": "hb-print-cover"}, title, *body, contents)
    css = relative_url(PRINT_CSS, source.print_url)
    body.text = None
    body.extend([E.LINK({"rel": "stylesheet", "href": css}), cover])
    for fragment, page_root in zip(fragments, doc.roots, strict=True):
        page = _site_path(fragment.url)
        doc.rewrite(page_root, page)
        section = E.SECTION({"class": "hb-print-page", "id": doc.anchor[page]})
        section.text = page_root.text
        section.extend(list(page_root))
        body.append(section)
    return _inner_html(root)

"""Builds of the handbook by each engine (`handbook build --engine`), and what a reader
sees of a built page, extracted with an HTML parser, to compare engines page by page.

`ENGINE_LIMITS` lists, with the reason, what an engine does differently from the MkDocs
build with the plugin; the comparisons in ``tests/test_engines.py`` leave out exactly
those things, and check that each listed difference is still there (so the list stays
true when an engine catches up).
"""

from __future__ import annotations

import functools
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup, Tag

from .conftest import BIN, ROOT, run

#: What each engine cannot do like MkDocs + the plugin, and why.
ENGINE_LIMITS: dict[str, dict[str, str]] = {
    "zensical": {
        "tags-after-content": "Zensical 0.0.73 prints a page's tags after its content; "
        "Material on MkDocs prints them above the title (same tags, same links).",
        "tag-permalinks": "the tag headings of the Tags page have no permalink (¶): "
        "Zensical's tags listing does not run the toc extension's permalink on them "
        "(the headings keep their ids, so links to #tag:… still work).",
        "search-index": "Zensical writes its own search index (search.json, no "
        "search/search_index.json, no tags.json); search is Zensical's, not lunr.",
        "serve-errors": "while the data has errors, `mkdocs serve` with the plugin shows "
        "them in every page; Zensical has no plugin hook, so `handbook build --engine "
        "zensical --serve` prints them in the terminal and keeps the last good pages.",
        "strict": "Zensical 0.0.73's serve has no strict mode; its build does.",
        "print-pages": "the print pages (print/, the source of `handbook pdf`) are assembled "
        "by the MkDocs plugin from the rendered pages, after every page is rendered; an "
        "engine that builds the pre-built Markdown has no such step, so they are left out "
        "(`handbook pdf` builds with MkDocs).",
        "homepage-title": 'the home page\'s <title> is "Home - <site name>" (its nav '
        "title first); Material on MkDocs gives the site name alone.",
    },
    "properdocs": {},
}

ENGINES = ("zensical", "properdocs")


@dataclass(frozen=True)
class Built:
    """A site built by ``engine`` into ``site`` (pre-build folder ``out``)."""

    engine: str
    site: Path
    out: Path


def build_with(engine: str, tmp: Path, *extra: str) -> Built:
    """``handbook build --engine ENGINE`` of the repository into ``tmp``; skipped, saying
    how to install it, when the engine is not installed."""
    if importlib.util.find_spec(engine) is None:
        pytest.skip(f"the {engine} engine is not installed: pip install -e '.[{engine}]'")
    out, site = tmp / "build", tmp / "site"
    result = run(
        [
            str(BIN / "handbook"),
            "build",
            "--engine",
            engine,
            "--out",
            str(out),
            "--site-dir",
            str(site),
            *extra,
        ],
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    return Built(engine, site, out)


def pages(site: Path) -> list[str]:
    """The HTML pages of a built site (posix paths relative to it), sorted; the print
    pages left out (``print-pages`` in `ENGINE_LIMITS`)."""
    found = (p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    return sorted(p for p in found if not p.startswith("print/"))


@dataclass(frozen=True)
class PageView:
    """What a reader gets of a page's main content (``article``).

    Attributes:
        text: its visible text, whitespace collapsed (scripts, styles, permalinks, page
            actions and the tags left out: they are compared on their own).
        tags: the page's tags, sorted.
        links: every ``href``/``src`` of the article resolved against the page's URL
            (``index.html`` dropped), sorted; permalinks (``a.headerlink``) left out.
        ids: every ``id`` in the article, sorted (statement anchors among them), but the
            theme's own (``__skip``…).
        edit: the "edit this page" link, or None.
        title: the ``<title>``.
        abbrs: the glossary tooltips: (text, title) of each ``abbr``.
        interactive: whether the page has an interactive table (``data-hb-table``).
        assets: the URLs of the stylesheets and scripts the article loads, as written.
    """

    text: str
    tags: tuple[str, ...]
    links: tuple[str, ...]
    ids: tuple[str, ...]
    edit: str | None
    title: str
    abbrs: tuple[tuple[str, str], ...]
    interactive: bool
    assets: tuple[str, ...]


def _url(base: str, href: str) -> str:
    return urljoin(base, href).replace("/index.html", "/")


@functools.lru_cache(maxsize=1024)
def view(site: Path, page: str) -> PageView:
    """The `PageView` of ``site/page``; memoized (the tests ask for each page of a build
    several times, and parsing the ~70 pages takes ~4 s)."""
    soup = BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article.md-content__inner") or soup.select_one(".md-content")
    assert isinstance(article, Tag), f"{site / page}: no article"
    base = "http://site/" + page
    edit_link = soup.select_one("a[rel=edit]")
    edit = str(edit_link["href"]) if edit_link else None
    interactive = article.select_one("table[data-hb-table]") is not None
    assets = tuple(
        str(el.get("href") or el.get("src")) for el in article.select("link[href], script[src]")
    )
    tags = tuple(sorted(t.get_text(" ", strip=True) for t in article.select(".md-tag")))
    # the links to the print pages go with them (``print-pages`` in `ENGINE_LIMITS`)
    for el in article.select(".md-tags, a.headerlink, .md-content__button, .hb-print-links"):
        el.decompose()
    links = tuple(
        sorted(
            _url(base, str(el.get("href") or el.get("src")))
            for el in article.select("[href], [src]")
        )
    )
    ids = tuple(sorted(str(el["id"]) for el in article.select("[id]") if el["id"][:2] != "__"))
    abbrs = tuple((a.get_text(), str(a.get("title", ""))) for a in article.select("abbr"))
    for el in article.select("script, style"):
        el.decompose()
    title = soup.title.get_text(strip=True) if soup.title else ""
    return PageView(
        text=" ".join(article.get_text(" ").split()),
        tags=tags,
        links=links,
        ids=ids,
        edit=edit,
        title=title,
        abbrs=abbrs,
        interactive=interactive,
        assets=assets,
    )

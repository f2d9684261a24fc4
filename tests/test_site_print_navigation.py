"""The print edition (``print/``) and the section index pages, read from a real build."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup, Tag
from hypothesis import given, settings
from hypothesis import strategies as st

from handbook.model.loader import load_handbook
from handbook.site.generate import generate_site
from handbook.site.paths import page_url
from handbook.site.print_page import _join, page_anchor
from handbook.site.registry import PROSE_PAGES, SiteOptions

from .conftest import DATA, ROOT, build_log, nav_pages

#: Site folders that hold files, not pages.
NOT_PAGES = {"assets", "search", "downloads", "schemas"}


def _article(path: Path) -> Tag:
    article = BeautifulSoup(path.read_text("utf-8"), "html.parser").find("article")
    assert isinstance(article, Tag), path
    return article


def _pages(site: Path) -> list[str]:
    """Site-relative URLs of the built pages, print pages and 404 left out."""
    urls = []
    for path in sorted(site.rglob("index.html")):
        url = path.parent.relative_to(site).as_posix()
        url = "" if url == "." else url + "/"
        # downloads/ is a page ("Downloads and exports") over a folder of files
        if url == "downloads/" or url.split("/")[0] not in NOT_PAGES | {"print"}:
            urls.append(url)
    return urls


@pytest.fixture(scope="module")
def nav() -> list[Any]:
    handbook, _ = load_handbook(DATA)
    assert handbook is not None
    prose = tuple(src for src, _ in PROSE_PAGES if (ROOT / "docs" / src).is_file())
    return generate_site(handbook, SiteOptions(prose_pages=prose)).nav


def _sections(items: list[Any]) -> list[tuple[str, str | None, list[str]]]:
    """(title, index src_uri or None, the first page of each direct child) of every nav
    section."""
    out: list[tuple[str, str | None, list[str]]] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        for title, value in item.items():
            if isinstance(value, str):
                continue
            index = next((v for v in value if isinstance(v, str)), None)
            children = [p for v in value if isinstance(v, dict) for p in nav_pages([v])[:1]]
            out.append((title, index, children))
            out += _sections(value)
    return out


def test_every_folder_of_pages_has_an_index_page(built_site: Path) -> None:
    missing = [
        folder.relative_to(built_site).as_posix()
        for folder in sorted(p for p in built_site.rglob("*") if p.is_dir())
        if folder.relative_to(built_site).parts[0] not in NOT_PAGES
        and any((sub / "index.html").is_file() for sub in folder.iterdir() if sub.is_dir())
        and not (folder / "index.html").is_file()
    ]
    assert missing == [], f"folders of pages without an index.html: {missing}"


def test_who_does_what_lists_each_party_page_with_a_line(built_site: Path) -> None:
    items = _article(built_site / "who-does-what" / "index.html").select(".hb-section-index li")
    assert [li.a["href"] for li in items if li.a] == ["microsoft/", "customer/"]
    for li in items:
        assert len(li.get_text(" ", strip=True)) > len(li.a.get_text()) + 20 if li.a else False


def test_each_section_index_links_to_every_page_of_its_section(
    built_site: Path, nav: list[Any]
) -> None:
    for title, index, children in _sections(nav):
        if index is None:
            continue  # a section that is not a folder (Sources and reference)
        url = page_url(index)
        links = {
            urljoin("http://site/" + url, str(a["href"])).split("#")[0]
            for a in _article(built_site / url / "index.html").find_all("a", href=True)
        }
        missing = [c for c in children if "http://site/" + page_url(c) not in links]
        assert missing == [], f"{title} ({index}) does not list {missing}"


def test_the_print_page_holds_every_page_in_nav_order(built_site: Path, nav: list[Any]) -> None:
    article = _article(built_site / "print" / "index.html")
    sections = [str(s["id"]) for s in article.select("section.hb-print-page")]
    expected = [page_anchor(page_url(src)) for src in nav_pages(nav)]
    assert sections == expected
    assert sorted(sections) == sorted(page_anchor(url) for url in _pages(built_site))
    contents = [str(a["href"]) for a in article.select(".hb-print-contents a")]
    assert contents == ["#" + s for s in sections]
    cover = article.select_one(".hb-print-cover")
    assert cover is not None
    text = cover.get_text(" ", strip=True)
    assert "Managed Desktop Operations Handbook" in text
    assert "2018 edition" in text and "2022 edition" in text and "Data as of 2023-03-10" in text


def test_the_print_page_links_within_itself(built_site: Path) -> None:
    article = _article(built_site / "print" / "index.html")
    ids = Counter(str(tag["id"]) for tag in article.find_all(id=True))
    assert [i for i, n in ids.items() if n > 1] == []
    hrefs = [str(a["href"]) for a in article.find_all("a", href=True)]
    # the pictures' links (SVG <a xlink:href>) are links between pages too
    svg_links = [str(a["xlink:href"]) for a in article.find_all("a", attrs={"xlink:href": True})]
    assert svg_links
    hrefs += svg_links
    dangling = [h for h in hrefs if h.startswith("#") and h[1:] not in ids]
    assert dangling == []
    # no link leads to another page of the site: all are in the document or absolute
    assert [h for h in hrefs if not h.startswith(("#", "https://", "http://", "mailto:"))] == []
    # a link between pages became a link to the page's section or an anchor within it
    assert "#p-rules-mmd001" in hrefs
    for label_for in article.find_all(attrs={"aria-labelledby": True}):
        assert all(i in ids for i in str(label_for["aria-labelledby"]).split())


def test_the_print_page_prints_every_table_row_without_controls(built_site: Path) -> None:
    html = (built_site / "print" / "index.html").read_text("utf-8")
    assert "tables.js" not in html and "dt_bundle" not in html
    assert "data-hb-table=" not in html  # so nothing would enhance them
    article = _article(built_site / "print" / "index.html")
    for url in ("change-management/balance-of-responsibility/", "roles/", "rules/"):
        page = _article(built_site / url / "index.html")
        section = article.find("section", id=page_anchor(url))
        assert isinstance(section, Tag)
        for table in page.select("table[data-hb-table]"):
            name = table["data-hb-table"]
            printed = section.select_one(f'table[data-hb-print-table="{name}"]')
            assert printed is not None
            assert len(printed.select("tbody tr")) == len(table.select("tbody tr")) > 0


def test_the_print_pages_tables_are_reachable_from_the_keyboard(built_site: Path) -> None:
    """A table scrolls sideways on a narrow screen: one the keyboard cannot enter (no link
    or control inside; the print page has no sort buttons) takes the focus itself."""
    focusable = "a[href], button, input, select, textarea, [tabindex]"
    for url in ("print/", "print/2018/", "print/2022/"):
        tables = _article(built_site / url / "index.html").select("table.hb-table")
        assert len(tables) > 10, url
        for table in tables:
            if table.get("tabindex") is None:
                assert table.select_one(focusable) is not None, (url, str(table)[:200])
            else:
                assert table["tabindex"] == "0" and table.select_one(focusable) is None


def test_the_print_page_is_not_in_the_nav_nor_the_search(built_site: Path) -> None:
    home = (built_site / "index.html").read_text("utf-8")
    nav = BeautifulSoup(home, "html.parser").select(".md-nav a[href]")
    assert nav and not [a for a in nav if "print" in str(a["href"])]
    index = (built_site / "search" / "search_index.json").read_text("utf-8")
    assert '"location":"print/' not in index
    # MkDocs lists pages missing from the nav at each build, unless told they are meant to be
    assert "not included in the" not in build_log(built_site)


def test_the_print_pages_are_titled_as_print_editions(built_site: Path) -> None:
    """The browser tab and a PDF saved from the browser take the page's <title>: it was
    the file's name ("Index", "2018")."""
    for folder, title in (("", "Print edition"), ("2018/", "Print edition: 2018 edition")):
        html = (built_site / "print" / folder / "index.html").read_text("utf-8")
        tag = BeautifulSoup(html, "html.parser").title
        assert tag is not None and tag.get_text().startswith(title + " - "), tag


def test_an_edition_print_page_holds_that_edition_only(built_site: Path) -> None:
    article = _article(built_site / "print" / "2018" / "index.html")
    sections = {str(s["id"]) for s in article.select("section.hb-print-page")}
    assert "p-editions-2018-change-management-change-process" in sections
    assert "p-change-management-change-process" not in sections
    assert {"p-home", "p-rules-mmd001", "p-editions-2018", "p-who-does-what"} <= sections
    assert "p-editions-2022" not in sections
    # a link to a page it does not print goes to the published site
    hrefs = [str(a["href"]) for a in article.find_all("a", href=True)]
    assert any(h.startswith("https://handbook.example.org/") for h in hrefs)


@settings(max_examples=300, deadline=None)
@given(
    page=st.lists(st.sampled_from(["rules", "mmd001", "a b", "x.html"]), max_size=3).map(
        lambda parts: "/".join(parts) + ("/" if parts and not parts[-1].endswith(".html") else "")
    ),
    path=st.lists(st.sampled_from(["..", ".", "rules", "mmd002", "y.html"]), min_size=1, max_size=5)
    .map("/".join)
    .flatmap(lambda p: st.sampled_from([p, p + "/"])),
)
def test_links_resolve_as_a_browser_resolves_them(page: str, path: str) -> None:
    """`print_page._join` (used instead of ``urljoin`` for speed) agrees with ``urljoin``."""
    expected = urlsplit(urljoin("http://site/" + page, path)).path.lstrip("/")
    assert _join(page, path) == expected

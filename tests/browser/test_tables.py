"""Interactive tables in a real browser: facets, text filter, URL state, instant navigation,
idempotent initialisation, print, and assets loaded only where a table is."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from handbook.model.handbook import Handbook
from handbook.model.loader import load_handbook

from ..conftest import DATA
from .conftest import SiteServer, loaded_table_assets, open_page, wait_for_tables

MATRIX = "change-management/balance-of-responsibility/"
SOPS = "sops/"


@pytest.fixture(scope="module")
def hb() -> Handbook:
    handbook, problems = load_handbook(DATA)
    assert handbook is not None, problems
    return handbook


def table(page: Any, name: str) -> Any:
    return page.locator(f'table[data-hb-table="{name}"]').first


def visible_rows(page: Any, name: str) -> list[str]:
    """Texts of the table's displayed body rows (the "no match" row excluded)."""
    rows = table(page, name).locator("tbody tr:not(:has(td.dt-empty))")
    return [" ".join(t.split()) for t in rows.all_inner_texts()]


def controls(page: Any, name: str) -> Any:
    """The DataTables container around a table: its facets, filter, info and paging."""
    return page.locator(f'.dt-container:has(table[data-hb-table="{name}"])').first


def shown(page: Any, name: str) -> int:
    """The number of rows passing the filter, as the table's info line says."""
    info = controls(page, name).locator(".dt-info").inner_text()
    match = re.search(r"of (\d+)", info) or re.match(r"(\d+) rows?", info)
    assert match, info
    return int(match.group(1))


def query(page: Any) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def test_matrix_facets_and_filter_change_the_rows(
    page: Any, site: SiteServer, hb: Handbook
) -> None:
    open_page(page, site.url + MATRIX)
    assert len(visible_rows(page, "matrix")) == len(hb.matrix)
    for scope in hb.scopes:
        for party in ("microsoft", "customer", "both"):
            want = [r.responsibility for r in hb.matrix if r.cells[scope.id] == party]
            if not want:
                continue
            page.get_by_label(scope.name, exact=True).select_option(party)
            rows = visible_rows(page, "matrix")
            assert [r for r in rows if not any(r.startswith(w) for w in want)] == [], (scope, party)
            assert len(rows) == shown(page, "matrix") == len(want), (scope, party)
        page.get_by_label(scope.name, exact=True).select_option(value="")
    # two facets at once
    first, last = hb.scopes[0], hb.scopes[-1]
    page.get_by_label(first.name, exact=True).select_option("microsoft")
    page.get_by_label(last.name, exact=True).select_option("customer")
    want = [
        r for r in hb.matrix if r.cells[first.id] == "microsoft" and r.cells[last.id] == "customer"
    ]
    assert len(visible_rows(page, "matrix")) == len(want)
    page.get_by_label(first.name, exact=True).select_option(value="")
    page.get_by_label(last.name, exact=True).select_option(value="")
    # the text filter: words anywhere in the row
    controls(page, "matrix").get_by_label("Filter rows").fill("security")
    want = [r.responsibility for r in hb.matrix if "security" in r.responsibility.lower()]
    assert want and len(visible_rows(page, "matrix")) == len(want)
    assert query(page) == {"matrix.q": ["security"]}
    controls(page, "matrix").get_by_role("button", name="Clear filters").click()
    assert len(visible_rows(page, "matrix")) == len(hb.matrix)
    assert query(page) == {}


def test_sop_statements_edition_and_party_facets(page: Any, site: SiteServer, hb: Handbook) -> None:
    open_page(page, site.url + SOPS)
    box = controls(page, "sop-statements")
    total = sum(len(c.microsoft) + len(c.customer) for c in hb.sop_categories)
    assert total > 25 and shown(page, "sop-statements") == total
    assert len(visible_rows(page, "sop-statements")) == 25  # paged: more than 25 rows
    box.get_by_label("Edition", exact=True).select_option("2018")
    box.get_by_label("Party", exact=True).select_option("customer")
    want = sum(len(c.customer) for c in hb.sop_categories if c.edition == "2018")
    assert shown(page, "sop-statements") == want
    rows = visible_rows(page, "sop-statements")
    assert rows and all(r.startswith("2018 ") and " Customer " in r for r in rows)
    assert query(page) == {
        "sop-statements.edition": ["2018"],
        "sop-statements.party": ["customer"],
    }
    # sorting by the statement column, descending, is kept in the URL too
    header = table(page, "sop-statements").locator("thead th").nth(3)
    header_js = "document.querySelectorAll('table[data-hb-table=sop-statements] thead th')[3]"
    header.click()
    page.wait_for_function(f"() => {header_js}.getAttribute('aria-sort') === 'ascending'")
    header.click()
    page.wait_for_function(f"() => {header_js}.getAttribute('aria-sort') === 'descending'")
    assert query(page)["sop-statements.sort"] == ["3-desc"]
    texts = [r.split(" Customer ", 1)[1] for r in visible_rows(page, "sop-statements")]
    assert texts == sorted(texts, key=str.casefold, reverse=True)
    # the keyboard: Space sorts a focused header, as Enter does, and does not scroll
    other = "document.querySelectorAll('table[data-hb-table=sop-statements] thead th')[2]"
    table(page, "sop-statements").locator("thead th").nth(2).locator("[role=button]").focus()
    scrolled = page.evaluate("() => window.scrollY")
    page.keyboard.press(" ")
    page.wait_for_function(f"() => {other}.getAttribute('aria-sort') === 'ascending'")
    assert page.evaluate("() => window.scrollY") == scrolled


def test_the_rules_initiator_facet_keeps_the_rules_of_either_party(
    page: Any, site: SiteServer, hb: Handbook
) -> None:
    """A rule for either party's changes (initiator "Both", e.g. MMD004) applies to the
    customer's changes too: choosing Customer hid it, so a reader asking which rules
    their changes meet missed it."""
    from handbook.model.handbook import rule_initiator

    open_page(page, site.url + "rules/")
    box = controls(page, "rules")
    options = box.get_by_label("Initiator", exact=True).locator("option").all_inner_texts()
    assert [o.split(" (")[0] for o in options[1:]] == ["Microsoft", "Customer", "Both"], options
    for party in ("customer", "microsoft"):
        box.get_by_label("Initiator", exact=True).select_option(party)
        want = [r.id for r in hb.rules if rule_initiator(r.applies_to) in (party, None)]
        assert any(rule_initiator(r.applies_to) is None for r in hb.rules)
        assert [row.split()[0] for row in visible_rows(page, "rules")] == want


def test_a_shared_link_opens_the_same_filtered_view(
    page: Any, site: SiteServer, browser: Any
) -> None:
    open_page(page, site.url + SOPS)
    box = controls(page, "sop-statements")
    box.get_by_label("Party", exact=True).select_option("microsoft")
    box.get_by_label("Filter rows").fill("customer")
    rows = visible_rows(page, "sop-statements")
    count = shown(page, "sop-statements")
    link = page.url
    assert "sop-statements.q=customer" in link and "sop-statements.party=microsoft" in link
    assert 0 < count < 57

    other = page.context.new_page()
    open_page(other, link)
    assert visible_rows(other, "sop-statements") == rows
    assert shown(other, "sop-statements") == count
    box = controls(other, "sop-statements")
    assert box.get_by_label("Party", exact=True).input_value() == "microsoft"
    assert box.get_by_label("Filter rows").input_value() == "customer"
    # the other table of the page keeps its own (empty) state
    assert controls(other, "sop-categories").get_by_label("Filter rows").input_value() == ""
    other.close()


def test_matrix_link_with_a_facet(page: Any, site: SiteServer, hb: Handbook) -> None:
    scope = hb.scopes[2]
    key = re.sub(r"[^a-z0-9]+", "-", scope.name.lower()).strip("-")
    party = hb.matrix[-1].cells[scope.id]
    open_page(page, f"{site.url}{MATRIX}?matrix.{key}={party}")
    want = [r for r in hb.matrix if r.cells[scope.id] == party]
    assert 0 < len(want) < len(hb.matrix)
    assert len(visible_rows(page, "matrix")) == len(want)
    assert page.get_by_label(scope.name, exact=True).input_value() == party


def test_instant_navigation_reinitialises_tables(page: Any, site: SiteServer, hb: Handbook) -> None:
    # Material intercepts clicks only once it has read the sitemap; a click before that is
    # a full page load (which made this test flaky on a busy CI machine).
    page.goto(site.url, wait_until="networkidle")
    page.wait_for_function(
        "() => performance.getEntriesByType('resource')"
        ".some(e => e.name.endsWith('/sitemap.xml') && e.responseEnd > 0)"
    )
    assert loaded_table_assets(page) == []  # the home page has no interactive table
    page.evaluate("() => { window.__hbSamePage = true; }")
    nav = page.locator("nav.md-nav--primary")
    nav.get_by_role("link", name="Balance of responsibility").first.click()
    page.wait_for_url("**/" + MATRIX)
    table(page, "matrix").wait_for()
    wait_for_tables(page)
    assert page.evaluate("() => window.__hbSamePage") is True, "expected instant navigation"
    assert loaded_table_assets(page)
    scope = hb.scopes[2]
    page.get_by_label(scope.name, exact=True).select_option(hb.matrix[0].cells[scope.id])
    filtered = visible_rows(page, "matrix")
    assert 0 < len(filtered) < len(hb.matrix)

    nav.get_by_role("link", name="Standard operating procedures").first.click()
    page.wait_for_url("**/" + SOPS)
    table(page, "sop-statements").wait_for()
    wait_for_tables(page)
    assert page.evaluate("() => window.__hbSamePage") is True
    assert shown(page, "sop-statements") > 25

    page.go_back()
    page.wait_for_url("**/" + MATRIX + "?*")
    table(page, "matrix").wait_for()
    wait_for_tables(page)
    assert page.evaluate("() => window.__hbSamePage") is True
    assert visible_rows(page, "matrix") == filtered  # restored from the URL
    assert page.locator(".dt-container").count() == 1
    assert page.locator(".hb-table-controls").count() == 1


def test_initialisation_is_idempotent(page: Any, site: SiteServer) -> None:
    open_page(page, site.url + SOPS)
    before = page.locator(".dt-container").count()
    assert before == page.locator("table[data-hb-table]").count() == 2
    page.evaluate("() => { window.__hbTables.init(); window.__hbTables.init(); }")
    assert page.locator(".dt-container").count() == before
    assert page.locator(".hb-table-controls").count() == before
    assert page.locator(".dt-search input").count() == before


@pytest.mark.parametrize(
    "path",
    [
        "change-management/change-types/",
        "editions/2018/sops/",
        "roles/",
        "rules/",
        "rules/samples/",
        "rules/mmd001/",
    ],
)
def test_every_kind_of_table_is_enhanced(page: Any, site: SiteServer, path: str) -> None:
    open_page(page, site.url + path)
    tables = page.locator("table[data-hb-table]")
    assert tables.count() > 0
    for i in range(tables.count()):
        container = page.locator(".dt-container").nth(i)
        assert container.locator("table[data-hb-table]").count() == 1
        assert container.locator(".dt-search input").count() == 1
        assert container.locator("thead th.dt-orderable-asc").count() > 0
        # 25 rows or fewer: no paging
        rows = container.locator("tbody tr").count()
        assert container.locator(".dt-paging").count() == (1 if rows > 25 else 0)
    facets = page.locator("table[data-hb-table] th[data-hb-facet]").count()
    assert page.locator(".hb-facet select").count() >= facets


def test_sop_categories_party_facet_shows_one_partys_columns(page: Any, site: SiteServer) -> None:
    open_page(page, site.url + SOPS)
    box = controls(page, "sop-categories")
    headers = table(page, "sop-categories").locator("thead th")
    assert headers.count() == 3
    box.get_by_label("Show the duties of").select_option("customer")
    assert headers.count() == 2
    assert headers.nth(1).inner_text().startswith("Customer")
    assert query(page) == {"sop-categories.party": ["customer"]}
    box.get_by_label("Show the duties of").select_option(value="")
    assert headers.count() == 3


def test_tables_without_javascript_are_complete(browser: Any, site: SiteServer) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site.url + SOPS)
    assert page.locator(".dt-container").count() == 0
    assert page.locator('table[data-hb-table="sop-statements"] tbody tr').count() > 25
    assert page.locator(".hb-legend .hb-party").count() == 3
    context.close()


def test_print_shows_whole_tables(page: Any, site: SiteServer) -> None:
    open_page(page, site.url + SOPS)
    rows = table(page, "sop-statements").locator("tbody tr")
    assert rows.count() == 25
    total = shown(page, "sop-statements")
    page.emulate_media(media="print")
    page.wait_for_function(
        f"""() => document.querySelectorAll('table[data-hb-table="sop-statements"] tbody tr')
            .length === {total}"""
    )
    assert not controls(page, "sop-statements").locator(".dt-search").is_visible()
    assert not controls(page, "sop-statements").locator(".dt-paging").is_visible()
    page.emulate_media(media="screen")
    page.wait_for_function(
        """() => document.querySelectorAll('table[data-hb-table="sop-statements"] tbody tr')
            .length === 25"""
    )


CUT_TABLES = """() => [...document.querySelectorAll("table.hb-table")]
    .filter(t => getComputedStyle(t).display !== "table" || t.scrollWidth > t.clientWidth + 1
                 || t.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
    .map(t => `${t.className} in #${(t.closest("[id]") || {}).id}: `
              + `${getComputedStyle(t).display}, ${t.scrollWidth} > ${t.clientWidth} px`)"""


@pytest.mark.parametrize("path", ["print/", "change-management/change-types/"])
def test_printed_tables_are_not_cut_at_the_edge(page: Any, site: SiteServer, path: str) -> None:
    """On paper a table is a table, not a scroll box (display: block, overflow-x: auto)
    that cuts off its last columns: the eight columns of the change types fit an A4 page
    (about 700 CSS px between the margins)."""
    page.set_viewport_size({"width": 700, "height": 900})
    open_page(page, site.url + path)
    page.emulate_media(media="print")
    assert page.locator("table.hb-table").count() > 0
    assert page.evaluate(CUT_TABLES) == []


def test_party_labels_have_text_and_a_legend(page: Any, site: SiteServer) -> None:
    open_page(page, site.url + MATRIX)
    legend = page.locator(".hb-legend")
    assert legend.count() == 1
    assert legend.locator(".hb-party").all_inner_texts() == ["Microsoft", "Customer", "Both"]
    cells = table(page, "matrix").locator("tbody .hb-party")
    assert all(t.strip() for t in cells.all_inner_texts())
    # the legend comes before the table
    assert page.evaluate(
        """() => !!(document.querySelector('.hb-legend').compareDocumentPosition(
            document.querySelector('table[data-hb-table]')) & Node.DOCUMENT_POSITION_FOLLOWING)"""
    )


#: Words of links and code in a generated table that the browser broke across lines:
#: runs of letters, digits and underscores (field names, ids) drawn on more than one line.
SPLIT_WORDS = """() => {
  const out = [];
  for (const el of document.querySelectorAll("article table.hb-table :is(a, code)")) {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(/\\w{4,}/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set(
          [...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)),
        );
        if (lines.size > 1) out.push(m[0]);
      }
    }
  }
  return out;
}"""


@pytest.mark.parametrize("path", ["checker/record-format/", "change-management/change-types/"])
def test_field_names_and_ids_in_tables_are_not_cut(page: Any, site: SiteServer, path: str) -> None:
    """A wide table scrolls sideways rather than cut a field name or a change type's name
    mid-word (Material's links and code break anywhere: "requir es_adm in_act ion")."""
    open_page(page, site.url + path)
    assert page.evaluate(SPLIT_WORDS) == []

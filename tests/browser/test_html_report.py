"""The HTML report of ``handbook check`` in Chromium, opened from a file: not one request
besides the file itself (every other one is refused and recorded), no script from the
records runs, and the tables filter with the site's component."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..checker_support import cli
from ..test_html_report import INPUTS, TODAY, hostile_file
from .conftest import wait_for_tables


@pytest.fixture
def report_page(browser: Any, tmp_path: Path) -> Iterator[tuple[Any, list[str], list[str]]]:
    """The report of the golden inputs and a hostile record, opened from ``file://``;
    yields the page, the requests made (refused unless the report itself) and JS errors."""
    out = tmp_path / "report.html"
    hostile = hostile_file(tmp_path)
    result = cli(
        "check", "--format", "html", "-o", str(out), "--today", TODAY, *INPUTS, str(hostile)
    )
    assert result.returncode == 1, result.stderr
    url = out.resolve().as_uri()
    requests: list[str] = []
    errors: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")

    def route(r: Any) -> None:
        requests.append(r.request.url)
        if r.request.url == url:
            r.continue_()
        else:
            r.abort("blockedbyclient")

    context.route("**/*", route)
    page = context.new_page()
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.set_default_timeout(20_000)
    page.goto(url, wait_until="load")
    wait_for_tables(page)
    try:
        yield page, requests, errors
    finally:
        context.close()
    assert set(requests) == {url}, f"requests off the report: {set(requests) - {url}}"
    assert errors == []


def _shown(page: Any, table: str) -> int:
    count: int = page.evaluate(
        """(name) => document.querySelector(`table[data-hb-table="${name}"]`)
            .tBodies[0].querySelectorAll("tr:not(:has(td.dt-empty))").length""",
        table,
    )
    return count


def _wait_rows(page: Any, table: str, rows: int) -> None:
    page.wait_for_function(
        """([name, rows]) => document.querySelector(`table[data-hb-table="${name}"]`)
            .tBodies[0].rows.length === rows""",
        arg=[table, rows],
    )


def test_report_opens_offline_and_filters(report_page: tuple[Any, list[str], list[str]]) -> None:
    page, _requests, _errors = report_page
    assert page.evaluate("() => window.__pwned") is None  # no record text ran
    assert page.evaluate("() => document.images.length") == 0
    tables = page.evaluate("() => document.querySelectorAll('table[data-hb-table]').length")
    assert tables >= 4
    total = page.evaluate(
        "() => Number(document.querySelector('td[data-hb-count=listed]').textContent)"
    )
    container = page.locator('.dt-container:has(table[data-hb-table="findings"])')
    assert _shown(page, "findings") == min(total, 25)  # paged at 25 rows
    # the text filter
    container.locator("input[type=search]").fill("CHG-0102")
    _wait_rows(page, "findings", 1)
    assert "CHG-0102" in container.locator("tbody tr").first.inner_text()
    container.locator("button.hb-table-reset").click()
    # a facet: only waived findings
    container.locator("select[data-hb-facet=status]").select_option("waived")
    _wait_rows(page, "findings", 2)
    rows = container.locator("tbody tr").all_inner_texts()
    assert sorted(r.split("\t")[0] for r in rows) == sorted(
        ["CHG-1801", "CHG-<script>window.__pwned = 1</script></table>"]
    )
    # the state is in the URL (of the file), as on the site
    assert "findings.status=waived" in page.url
    # the by-record table's facet on codes
    records = page.locator('.dt-container:has(table[data-hb-table="records"])')
    records.locator("select[data-hb-facet=codes]").select_option("W001")
    _wait_rows(page, "records", 1)
    assert records.locator("tbody tr").first.inner_text().startswith("CHG-1802")

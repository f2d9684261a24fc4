"""Security in a real browser: a site built from poisoned data runs none of the payloads.

Data values carry ``<script>``, event-handler attributes (``onerror``, ``onload``,
``onmouseover`` breaking out of an attribute), ``javascript:`` URLs, Markdown/HTML and
attribute-list injection. Each payload calls ``alert(N)``; the test fails on any dialog, on
any ``on*`` attribute or ``javascript:`` link in the live DOM (after our tables are
enhanced) - so no hover or click can run one either - and checks the payloads are shown
as text. The tables' filter box, the URL
state and Material's search get payloads too.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from ..conftest import edit
from .conftest import (
    OfflineGuard,
    SiteServer,
    build_served_site,
    new_page,
    open_page,
    site_pages,
)

# No single quote (YAML single-quoted strings) and no comma (CSV cells).
PAYLOAD = (
    "<script>alert(1)</script><img src=x onerror=alert(2)><svg onload=alert(3)></svg>"
    '[link](javascript:alert(4)) <b>bold</b> **strong** {: onclick="alert(5)" } '
    '" onmouseover="alert(6)" x="'
)
CSV_PAYLOAD = "<script>alert(7)</script><img src=x onerror=alert(8)> [x](javascript:alert(9))"
SHOWN = "<script>alert(1)</script>"


def poison(project: Path) -> None:
    data = project / "data"
    edit(
        data / "sop-categories.yaml",
        "      text: Advise and plan with customers to minimize risk to business users.\n",
        f"      text: '{PAYLOAD} Advise and plan with customers.'\n",
    )
    edit(
        data / "responsibility-matrix.csv",
        "provide-new-functionality,Provide new functionality,",
        f"provide-new-functionality,Provide new functionality {CSV_PAYLOAD},",
    )
    edit(data / "roles.yaml", "  name: Account Manager\n", f"  name: '{PAYLOAD} Manager'\n")
    edit(data / "rules.yaml", "  title: Advance notice\n", f"  title: '{PAYLOAD} notice'\n")
    edit(
        data / "parties.yaml",
        "  description: The service provider, operating Microsoft Managed Desktop.\n",
        f"  description: '{PAYLOAD} The service provider.'\n",
    )


@pytest.fixture(scope="module")
def poisoned(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteServer]:
    yield from build_served_site(tmp_path_factory.mktemp("poisoned"), poison)


LIVE_DOM_PROBLEMS = """() => {
  const out = [];
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      const bad = /^on/i.test(attr.name) || /^\\s*javascript:/i.test(attr.value);
      if (bad) out.push(`${el.tagName} ${attr.name}=${attr.value}`);
    }
  }
  for (const el of document.querySelectorAll("script")) {
    if (el.textContent.includes("alert(")) out.push("script " + el.textContent.slice(0, 80));
  }
  for (const el of document.querySelectorAll("img[src=x], svg[onload], b")) {
    if (el.matches("img, svg") || el.textContent === "bold") out.push("element " + el.outerHTML);
  }
  return out;
}"""


def test_poisoned_data_runs_no_script(browser: Any, poisoned: SiteServer) -> None:
    guard = OfflineGuard()
    page = new_page(browser, guard)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(f"{page.url}: {d.message}"), d.dismiss()))
    poisoned_pages = [
        path
        for path in site_pages(poisoned.root)
        if "alert(" in (poisoned.root / path / "index.html").read_text(encoding="utf-8")
    ]
    for must in ("sops/", "change-management/balance-of-responsibility/", "roles/", "rules/"):
        assert must in poisoned_pages
    try:
        for path in poisoned_pages:
            open_page(page, poisoned.url + path)
            assert page.evaluate(LIVE_DOM_PROBLEMS) == [], path
        # the payloads are on the pages as text
        open_page(page, poisoned.url + "sops/")
        assert SHOWN in page.locator("article").inner_text()
        open_page(page, poisoned.url + "change-management/balance-of-responsibility/")
        assert "<script>alert(7)</script>" in page.locator("article").inner_text()
        # ... and typed into a table's filter box
        box = page.locator(".dt-container .dt-search input").first
        box.fill("<img src=x onerror=alert(10)>")
        box.fill("<script>alert(7)</script>")
        assert page.locator('table[data-hb-table="matrix"] tbody tr').count() == 1
        assert "alert(7)" in page.locator('table[data-hb-table="matrix"] tbody').inner_text()
        assert page.evaluate(LIVE_DOM_PROBLEMS) == []
        # ... and in a shared link's filter state
        state = {
            "sop-statements.q": "<svg onload=alert(11)>",
            "sop-statements.party": '"><img src=x onerror=alert(12)>',
            "sop-statements.sort": "<script>alert(13)</script>",
        }
        link = "&".join(f"{k}={quote(v)}" for k, v in state.items())
        open_page(page, f"{poisoned.url}sops/?{link}")
        assert page.locator(".dt-search input").last.input_value() == state["sop-statements.q"]
        assert page.evaluate(LIVE_DOM_PROBLEMS) == []
        # ... and in Material's search
        page.locator(".md-search__input").click()
        page.keyboard.type("Advise")
        page.locator(".md-search-result__item").first.wait_for(state="attached")
        assert "alert(1)" in page.locator(".md-search-result").inner_text()
        assert page.evaluate(LIVE_DOM_PROBLEMS) == []
    finally:
        page.context.close()
    assert dialogs == []
    guard.check()

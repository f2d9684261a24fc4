"""Every page of the site in a real browser: offline, and accessible (axe-core).

One walk over the site (`survey`, per palette) loads each page, lets our tables enhance,
runs axe-core (shipped by axe-playwright-python) and records what happened; the tests below
judge that record.

Offline: while each page loads, a request to a host other than 127.0.0.1 is aborted and
recorded (`OfflineGuard`); there must be none, and no JavaScript error. Pages with an
interactive table load the table assets, other pages none.

Accessibility: no serious or critical axe violation on any page, from our markup, our
tables or Material's own (whose search dialog name and footer contrast the project's
stylesheet and script fix). A violation of the theme's that cannot be fixed here would be
listed in `UPSTREAM` with the reason; one is excused only when the element it reports
matches an entry there.
Every page is checked in the light palette; in the dark palette (where colours differ) the
home page and one page per kind of interactive table. At a phone's width (375 px, where wide
tables scroll sideways and must be reachable from the keyboard: axe's
scrollable-region-focusable) the same sample and the print pages, whose tables are never
enhanced, in both palettes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.base import AXE_SCRIPT

from .conftest import (
    DESKTOP,
    PHONE,
    OfflineGuard,
    SiteServer,
    loaded_table_assets,
    new_page,
    open_page,
    site_pages,
)

BLOCKING = ("serious", "critical")


@dataclass(frozen=True)
class Upstream:
    rule: str
    selector: str
    """The reported element matches this CSS selector (``Element.matches``)."""
    reason: str


#: Nothing left: Material's search dialog gets its name from docs/assets/handbook.js and
#: its footer text its contrast from docs/assets/handbook.css (both were listed here).
UPSTREAM: tuple[Upstream, ...] = ()


AXE_RUN = """async () => {
  const results = await axe.run(document, { resultTypes: ["violations"] });
  const upstream = %s;
  const out = [];
  for (const v of results.violations) {
    if (!["serious", "critical"].includes(v.impact)) continue;
    for (const node of v.nodes) {
      const el = document.querySelector(node.target[0]);
      const excused = upstream.find(u => u.rule === v.id && el && el.matches(u.selector));
      out.push({ rule: v.id, impact: v.impact, target: String(node.target[0]),
                 summary: (node.failureSummary || "").replace(/\\s+/g, " "),
                 upstream: excused ? excused.reason : null });
    }
  }
  return out;
}"""


@dataclass
class Visit:
    path: str
    has_table: bool
    table_assets: list[str]
    violations: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Survey:
    visits: list[Visit]
    guard: OfflineGuard


def dark_sample(root: Path, paths: list[str]) -> list[str]:
    """The home page and the first page of each kind of interactive table."""
    out = [""]
    seen: set[str] = set()
    for path in paths:
        html = (root / path / "index.html").read_text(encoding="utf-8")
        names = set(re.findall(r'data-hb-table="([^"]+)"', html))
        if names - seen:
            out.append(path)
            seen |= names
    return out


def phone_sample(root: Path, paths: list[str]) -> list[str]:
    """`dark_sample` and the print pages."""
    return dark_sample(root, paths) + [p for p in paths if p.startswith("print/")]


def survey(browser: Any, site: SiteServer, *, dark: bool, width: int = DESKTOP) -> Survey:
    import json

    paths = site_pages(site.root)
    if width != DESKTOP:
        paths = phone_sample(site.root, paths)
    elif dark:
        paths = dark_sample(site.root, paths)
    guard = OfflineGuard()
    page = new_page(browser, guard, dark=dark, width=width)
    page.context.add_init_script(AXE_SCRIPT)
    upstream = json.dumps([u.__dict__ for u in UPSTREAM])
    visits = []
    try:
        for path in paths:
            open_page(page, site.url + path)
            scheme = page.evaluate("() => document.body.dataset.mdColorScheme")
            assert scheme == ("slate" if dark else "default"), path
            visits.append(
                Visit(
                    path=path or "(home)",
                    has_table=page.locator("table[data-hb-table]").count() > 0,
                    table_assets=loaded_table_assets(page),
                    violations=page.evaluate(AXE_RUN % upstream),
                )
            )
    finally:
        page.context.close()
    return Survey(visits, guard)


@pytest.fixture(scope="module")
def light(browser: Any, site: SiteServer) -> Survey:
    return survey(browser, site, dark=False)


@pytest.fixture(scope="module")
def dark(browser: Any, site: SiteServer) -> Survey:
    return survey(browser, site, dark=True)


@pytest.fixture(scope="module")
def phone_light(browser: Any, site: SiteServer) -> Survey:
    return survey(browser, site, dark=False, width=PHONE)


@pytest.fixture(scope="module")
def phone_dark(browser: Any, site: SiteServer) -> Survey:
    return survey(browser, site, dark=True, width=PHONE)


def test_every_page_loads_offline(light: Survey) -> None:
    assert len(light.visits) > 40
    light.guard.check()  # no request to another host, no JavaScript error
    for visit in light.visits:
        if visit.has_table:
            assert len(visit.table_assets) == 4, visit  # bundle JS + CSS, glue JS + CSS
        else:
            assert visit.table_assets == [], visit
    assert sum(v.has_table for v in light.visits) > 10


@pytest.mark.parametrize("palette", ["light", "dark", "phone_light", "phone_dark"])
def test_no_serious_violation_from_our_markup(palette: str, request: pytest.FixtureRequest) -> None:
    result: Survey = request.getfixturevalue(palette)
    result.guard.check()
    assert len(result.visits) > (40 if palette == "light" else 5)
    if palette.startswith("phone"):
        assert {"print/", "print/2018/", "print/2022/"} <= {v.path for v in result.visits}
    ours = {
        v.path: [f"{x['rule']} ({x['impact']}) {x['target']}: {x['summary']}" for x in found]
        for v in result.visits
        if (found := [x for x in v.violations if x["upstream"] is None])
    }
    assert ours == {}

"""The pictures in a real browser (issue 14): axe-core finds nothing on the pages with
pictures in the light and the dark scheme, their text contrasts with the page in both
(axe does not measure SVG text), and on a 360 px wide phone they fit the page."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import OfflineGuard, SiteServer, new_page, open_page, site_pages
from .test_every_page import AXE_RUN, UPSTREAM

#: Each text of the pictures: its fill and the page's background, as the browser computes them.
COLOURS = """() => {
  const bg = getComputedStyle(document.body).backgroundColor;
  return [...document.querySelectorAll("figure.hb-picture svg text")].map(t => ({
    text: t.textContent.slice(0, 40), fill: getComputedStyle(t).fill, bg }));
}"""

#: The pictures' widths against the page's, and whether the page scrolls sideways.
FIT = """() => {
  const doc = document.documentElement;
  return { page: doc.clientWidth, scroll: doc.scrollWidth,
    pictures: [...document.querySelectorAll("figure.hb-picture svg")].map(s => {
      const r = s.getBoundingClientRect(); return { left: r.left, right: r.right }; }) };
}"""


def picture_pages(root: Path) -> list[str]:
    return [
        path
        for path in site_pages(root)
        if 'class="hb-picture' in (root / path / "index.html").read_text(encoding="utf-8")
    ]


def _luminance(rgb: str) -> float:
    parts = [float(x) for x in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
    linear = [c / 255 for c in parts]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in linear]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_pictures_pass_axe_and_contrast(browser: Any, site: SiteServer, dark: bool) -> None:
    paths = picture_pages(site.root)
    assert len(paths) >= 10  # 7 timing rules, 2 change processes, editions, home, balance
    guard = OfflineGuard()
    page = new_page(browser, guard, dark=dark)
    from axe_playwright_python.base import AXE_SCRIPT

    page.context.add_init_script(AXE_SCRIPT)
    upstream = json.dumps([u.__dict__ for u in UPSTREAM])
    found: dict[str, list[str]] = {}
    try:
        for path in paths:
            open_page(page, site.url + path)
            scheme = page.evaluate("() => document.body.dataset.mdColorScheme")
            assert scheme == ("slate" if dark else "default")
            ours = [v for v in page.evaluate(AXE_RUN % upstream) if v["upstream"] is None]
            low = [
                f"{c['text']!r} {c['fill']} on {c['bg']}"
                for c in page.evaluate(COLOURS)
                if contrast(c["fill"], c["bg"]) < 4.5
            ]
            if ours or low:
                found[path] = [f"{v['rule']}: {v['target']}" for v in ours] + low
    finally:
        page.context.close()
    guard.check()
    assert found == {}


def _picture_pages(
    browser: Any, site: SiteServer, width: int, height: int
) -> Iterator[tuple[str, Any]]:
    """Each page with a picture, opened in a ``width`` × ``height`` viewport: ``(path,
    page)``; offline, checked when the walk ends."""
    guard = OfflineGuard()
    page = new_page(browser, guard)
    page.set_viewport_size({"width": width, "height": height})
    try:
        for path in picture_pages(site.root):
            open_page(page, site.url + path)
            yield path, page
    finally:
        page.context.close()
    guard.check()


def test_pictures_fit_a_phone(browser: Any, site: SiteServer) -> None:
    for path, page in _picture_pages(browser, site, 360, 740):
        fit = page.evaluate(FIT)
        assert fit["pictures"], path
        for box in fit["pictures"]:
            assert box["left"] >= 0 and box["right"] <= fit["page"], (path, box)
        assert fit["scroll"] <= fit["page"], path


def test_pictures_take_the_text_column_on_a_desktop(browser: Any, site: SiteServer) -> None:
    """Material sizes a figure to its content, which once left every picture at 300 px
    (text about 6 px high at 1280 px); a picture spans the text column."""
    for path, page in _picture_pages(browser, site, 1280, 900):
        widths = page.evaluate(
            "() => [...document.querySelectorAll('svg.hb-pic')].map("
            "s => [s.getBoundingClientRect().width,"
            " s.closest('.md-content__inner').getBoundingClientRect().width])"
        )
        assert widths, path
        for width, column in widths:
            assert width >= 0.9 * column - 40, (path, width, column)


def test_a_constraint_of_the_timeline_opens_its_rule(page: Any, site: SiteServer) -> None:
    open_page(page, site.url + "change-management/change-process/")
    link = page.locator("figure.hb-picture--timeline a.hb-pic-link").first
    rule = (link.text_content() or "")[:6]
    assert rule.startswith("MMD")
    link.click()
    page.wait_for_url(f"**/rules/{rule.lower()}/")
    assert page.locator("h1").inner_text().startswith(rule)

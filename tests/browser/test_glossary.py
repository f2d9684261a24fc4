"""Glossary tooltips in a real browser: hovering a term shows its definition."""

from __future__ import annotations

from typing import Any

from .conftest import SiteServer


def test_glossary_tooltip_appears_on_hover(page: Any, site: SiteServer) -> None:
    page.goto(site.url + "sops/service-accounts/", wait_until="load")
    term = page.locator("article abbr", has_text="Sev C").first
    title = term.get_attribute("title")
    assert title and "minimal" in title
    term.hover()
    tooltip = page.locator(".md-tooltip2, .md-tooltip").filter(has_text="minimal").first
    tooltip.wait_for(state="visible")
    assert "Sev" in term.inner_text()


def test_hand_written_pages_get_tooltips_too(page: Any, site: SiteServer) -> None:
    page.goto(site.url, wait_until="load")
    titles = page.locator("article abbr").evaluate_all("els => els.map(e => e.textContent)")
    assert "MMD" in titles or "EOL" in titles


def test_glossary_tooltip_appears_on_keyboard_focus(page: Any, site: SiteServer) -> None:
    """A keyboard user reaches a term with Tab and sees its definition, as on hover."""
    page.goto(site.url + "sops/service-accounts/", wait_until="load")
    page.locator("article h1").first.evaluate("h => { h.tabIndex = -1; h.focus(); }")
    for _ in range(100):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => [document.activeElement.tagName, document.activeElement.textContent]"
        )
        if focused == ["ABBR", "Sev C"]:
            break
    else:
        raise AssertionError("Tab never reaches the glossary term 'Sev C'")
    # Material keeps hidden tooltips in the page (opacity 0); the shown one is active.
    page.locator(".md-tooltip2--active", has_text="minimal").wait_for(state="visible")

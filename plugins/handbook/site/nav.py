"""The site's nav, in ``mkdocs.yml`` form, from the registered pages.

A list of ``{title: src_uri}`` or ``{title: [children]}`` mappings and plain src_uris (a
section's index page). Long sections are split into sub-sections (`NAV_SECTION_SIZE`).
"""

from __future__ import annotations

import html
from typing import Any

from handbook.site.checker_docs import checker_codes
from handbook.site.paths import Paths
from handbook.site.queries import party_title
from handbook.site.registry import PROSE_PAGES
from handbook.site.render import SiteRenderer

#: Longest run of pages one nav section lists before it is split into sub-sections.
NAV_SECTION_SIZE = 30


def _chunked(items: list[dict[str, str]], size: int = NAV_SECTION_SIZE) -> list[Any]:
    """``items`` as they are, or split into sub-sections of at most ``size`` pages titled
    by their first and last entries (``Alpha – Delta``) when there are more than ``size``.

    With Material's ``navigation.prune`` only the open sub-section is rendered on a page,
    so a section of a thousand pages does not cost a thousand links on each of them.
    """
    if len(items) <= size:
        return list(items)
    out: list[Any] = []
    for start in range(0, len(items), size):
        chunk = items[start : start + size]
        first, last = next(iter(chunk[0])), next(iter(chunk[-1]))
        out.append({f"{first} – {last}": chunk})
    return out


def nav_title(text: str) -> str:
    """A nav title from data, safe in every place a theme prints it.

    Themes print nav titles unescaped in the sidebar and through ``striptags`` (which
    unescapes) in ``<title>``, so angle brackets are dropped and the rest is escaped.
    """
    return html.escape(" ".join(text.replace("<", " ").replace(">", " ").split()))


def make_nav(site: SiteRenderer) -> list[Any]:
    """The nav of the pages in ``site.registry`` and the hand-written pages present."""
    hb, paths = site.hb, site.paths
    have = {p.src_uri for p in site.registry} | set(site.options.prose_pages)
    latest = paths.latest

    def item(title: str, src: str) -> dict[str, Any] | None:
        return {title: src} if src in have else None

    def edition_items(edition_id: str) -> list[Any]:
        items: list[Any] = []
        # an older edition's page is titled with its edition, as its heading is, so that
        # the <title> and the search results tell it from the newer page of the same name
        of = "" if edition_id == latest else f" ({edition_id})"
        # an edition without change types or a change process has no such pages
        index = paths.change_management(edition_id)
        cm: list[Any] = [index] if index in have else []
        if edition_id == latest and hb.matrix:
            cm.append({"Balance of responsibility": Paths.matrix})
        cm.append(item(f"Change process{of}", paths.change_process(edition_id)))
        types = [
            {nav_title(t.name + of): paths.change_type(t)} for t in hb.change_types_of(edition_id)
        ]
        if types:
            cm.append({"Change types": [paths.change_types(edition_id), *_chunked(types)]})
        if any(cm):
            items.append({"Change management": [c for c in cm if c]})
        sops = [{nav_title(c.name + of): paths.sop(c)} for c in hb.sop_categories_of(edition_id)]
        if sops:
            items.append(
                {"Standard operating procedures": [paths.sops(edition_id), *_chunked(sops)]}
            )
        return items

    parties = site.queries.real_parties()
    nav: list[Any] = []
    nav.append(item("Home", "index.md"))
    nav.append({"Service overview": Paths.overview})
    who = [{nav_title(party_title(p)): Paths.party(p.id)} for p in parties]
    nav.append({"Who does what": [Paths.who_does_what, *who]})
    nav += edition_items(latest)
    roles = [{nav_title(p.name): Paths.roles_of(p.id)} for p in parties]
    nav.append({"Roles": [Paths.roles, *roles]} if hb.roles else {})
    rules = [Paths.rules, *_chunked([{r.id: Paths.rule(r)} for r in hb.rules])]
    rules += [{code: Paths.code(code)} for code, _, _ in checker_codes()]
    nav.append({"Rules": [*rules, {"Sample change records": Paths.samples}]})
    prose = [src for src, _ in PROSE_PAGES if src.startswith("checker/") and src in have]
    checker: list[Any] = [src for src in prose if src.endswith("index.md")]
    checker += [{title: src} for src, title in site.checker.pages()]
    checker += [
        {title: src} for src, title in PROSE_PAGES if src in prose and not src.endswith("index.md")
    ]
    if checker:
        nav.append({"Checker": checker})
    editions: list[Any] = [Paths.editions]
    for ed in hb.editions_in_order():
        if ed.id == latest:
            editions.append({nav_title(ed.title): paths.edition(ed.id)})
        else:
            editions.append({nav_title(ed.title): [paths.edition(ed.id), *edition_items(ed.id)]})
    editions += [
        {f"What changed from {d.old} to {d.new}": Paths.diff(d.old, d.new)}
        for d in site.queries.diffs
    ]
    nav.append({"Editions": editions})
    reference: list[Any] = [{"Sources": Paths.sources}, {"Errata": Paths.errata}]
    reference.append(item("Glossary", Paths.glossary))
    reference.append(item("Tags", Paths.tags))
    reference.append(item("Downloads and exports", Paths.downloads))
    nav.append({"Sources and reference": [r for r in reference if r]})
    return [n for n in nav if n]

"""Every page of the site, made in order and recorded with its kind, tags and data source.

`make_pages(site, oscal)` renders the pages into ``site.registry``; each call says what the page
is (``kind``), its Material tags (its edition when it is not the newest, its area and the
parties it concerns) and the data object it comes from. Nothing downstream guesses these
from the page's path.
"""

from __future__ import annotations

from typing import Any

from handbook.model.diff import REWORD_THRESHOLD
from handbook.model.entities import Edition, Node
from handbook.model.handbook import party_words, rule_initiator
from handbook.site.checker_docs import checker_codes, sentence
from handbook.site.downloads import TABLE_TITLES, OscalDownloads
from handbook.site.paths import Paths
from handbook.site.print_page import make_print_pages
from handbook.site.queries import party_title
from handbook.site.render import SiteRenderer

CHANGE_MANAGEMENT = "Change management"
SOPS = "Standard operating procedures"


def make_pages(site: SiteRenderer, oscal: OscalDownloads) -> None:
    """Render every page of the site into ``site.registry``; ``oscal`` is what the
    "Downloads and exports" page lists."""
    hb = site.hb
    party_names = {p.id: p.name for p in site.queries.real_parties()}
    parties = list(party_names.values())
    page = site.page
    page(
        "overview.md.j2",
        Paths.overview,
        "Service overview",
        hb.overview,
        kind="overview",
        ov=hb.overview,
    )
    if hb.matrix:
        page(
            "matrix.md.j2",
            Paths.matrix,
            "Balance of responsibility",
            hb.matrix[0],
            kind="matrix",
            tags=[CHANGE_MANAGEMENT, *parties],
        )
    for ed in hb.editions_in_order():
        _edition_pages(site, ed, party_names)
    if hb.roles:  # a service whose pages name no roles has no Roles section
        page(
            "roles_index.md.j2",
            Paths.roles,
            "Roles and responsibilities",
            hb.roles[0],
            kind="roles",
            tags=["Roles"],
        )
    for party in site.queries.real_parties() if hb.roles else []:
        roles = hb.roles_of(party.id)
        page(
            "roles_party.md.j2",
            Paths.roles_of(party.id),
            f"{party.name} roles",
            roles[0] if roles else None,
            kind="roles-party",
            tags=["Roles", party.name],
            party=party,
            roles=roles,
        )
    page(
        "rules_index.md.j2",
        Paths.rules,
        "Rules",
        hb.rules[0] if hb.rules else None,
        kind="rules",
        tags=["Rules"],
    )
    for rule in hb.rules:
        initiator = rule_initiator(rule.applies_to)
        tags = ["Rules"]
        if initiator in party_names:
            tags.append(party_names[initiator])
        page(
            "rule.md.j2",
            Paths.rule(rule),
            f"{rule.id} {rule.title}",
            rule,
            kind="rule",
            tags=tags,
            rule=rule,
        )
    for code, severity, meaning in checker_codes():
        page(
            "code.md.j2",
            Paths.code(code),
            f"{code} {sentence(meaning).split(':')[0]}",
            None,
            kind="code",
            tags=["Rules"],
            code=code,
            severity=severity,
            meaning=sentence(meaning),
        )
    page(
        "samples.md.j2",
        Paths.samples,
        "Sample change records",
        hb.samples[0] if hb.samples else None,
        kind="samples",
        tags=["Rules"],
    )
    page("editions_index.md.j2", Paths.editions, "Editions", None, kind="editions")
    for diff in site.queries.diffs:
        page(
            "diff.md.j2",
            Paths.diff(diff.old, diff.new),
            f"What changed from {diff.old} to {diff.new}",
            None,
            kind="diff",
            tags=["Editions"],
            diff=diff,
            threshold=REWORD_THRESHOLD,
        )
    page(
        "section_index.md.j2",
        Paths.who_does_what,
        "Who does what",
        None,
        kind="section",
        intro="One page per party: everything the handbook's data gives that party to do.",
        items=[
            (
                Paths.party(p.id),
                party_title(p),
                f"every duty of {party_words(p)} in the data, by area (matrix, change process, "
                "change types, SOPs, roles), each linked to its source"
                + ("; a checklist" if p.id == "customer" else ""),
            )
            for p in site.queries.real_parties()
        ],
    )
    for party in site.queries.real_parties():
        page(
            "party.md.j2",
            Paths.party(party.id),
            party_title(party),
            party,
            kind="party",
            tags=[party.name],
            party=party,
            checklist=party.id == "customer",
        )
    if hb.glossary:
        page("glossary.md.j2", Paths.glossary, "Glossary", hb.glossary[0], kind="glossary")
    page("tags.md.j2", Paths.tags, "Tags", None, kind="tags")
    templates = {
        Paths.record_format: "checker_record_format.md.j2",
        Paths.examples: "checker_examples.md.j2",
        Paths.output_formats: "checker_output_formats.md.j2",
        Paths.servicenow: "checker_servicenow.md.j2",
    }
    first_sample = hb.samples[0] if hb.samples else None
    for src_uri, title in site.checker.pages():
        origin = first_sample if src_uri == Paths.examples else None
        page(templates[src_uri], src_uri, title, origin, kind="checker")
    page("sources.md.j2", Paths.sources, "Sources", None, kind="sources")
    page("errata.md.j2", Paths.errata, "Errata", hb.errata[0] if hb.errata else None, kind="errata")
    _downloads_page(site, oscal)
    if site.options.print_edition:
        make_print_pages(site)


def _downloads_page(site: SiteRenderer, oscal: OscalDownloads) -> None:
    """ "Downloads and exports": every table's CSV/JSON and the OSCAL files (or how to get
    them when compliance-trestle is not installed). The files are given as site paths; the
    template links them from the page (``ctx.file_url``)."""
    tables = [
        (title, f"downloads/{name}.csv", f"downloads/{name}.json")
        for name, title in TABLE_TITLES.items()
    ]
    documents = ("catalog", "profile", "ssp")
    editions = [
        (site.hb.edition(e), [f"downloads/oscal/{e}/{d}.json" for d in documents])
        for e in oscal.editions
    ]
    site.page(
        "downloads.md.j2",
        Paths.downloads,
        "Downloads and exports",
        None,
        kind="downloads",
        tables=tables,
        oscal=oscal,
        editions=editions,
    )


def _edition_pages(site: SiteRenderer, ed: Edition, party_names: dict[str, str]) -> None:
    """The pages of one edition (the newest edition's at the top level; an older edition's
    under ``editions/<id>/``, each tagged with the edition and listing its backlinks)."""
    hb, paths = site.hb, site.paths
    parties = list(party_names.values())
    older = ed.id != paths.latest
    edition = [ed.title] if older else []

    def page(template: str, src_uri: str, title: str, origin: Node | None, **values: Any) -> None:
        # an older edition's page is named as its heading is: "Certificates (2018)"
        title = f"{title} ({ed.id})" if older else title
        site.page(template, src_uri, title, origin, backlinks=older, **values)

    site.page(
        "edition.md.j2",
        paths.edition(ed.id),
        ed.title,
        ed,
        kind="edition",
        tags=edition,
        ed=ed,
        backlinks=older,
    )
    types = hb.change_types_of(ed.id)
    cats = hb.sop_categories_of(ed.id)
    process = hb.process_of(ed.id)
    cm = [*edition, CHANGE_MANAGEMENT]
    if types or process:
        page(
            "change_management.md.j2",
            paths.change_management(ed.id),
            CHANGE_MANAGEMENT,
            process[0] if process else None,
            kind="change-management",
            tags=cm,
            ed=ed,
        )
    if process:
        page(
            "change_process.md.j2",
            paths.change_process(ed.id),
            "Change process",
            process[0],
            kind="change-process",
            tags=[*cm, *parties],
            ed=ed,
            duties=process,
        )
    if types:
        page(
            "change_types.md.j2",
            paths.change_types(ed.id),
            "Change types",
            types[0],
            kind="change-types",
            tags=cm,
            ed=ed,
            types=types,
        )
        microsoft = party_names.get("microsoft", "Microsoft")
        for ct in types:
            page(
                "change_type.md.j2",
                paths.change_type(ct),
                ct.name,
                ct,
                kind="change-type",
                tags=[*cm, microsoft],
                ed=ed,
                ct=ct,
            )
    if cats:
        sop_tags = [*edition, SOPS, *parties]
        page(
            "sops.md.j2",
            paths.sops(ed.id),
            SOPS,
            cats[0],
            kind="sops",
            tags=sop_tags,
            ed=ed,
            cats=cats,
        )
        for cat in cats:
            page(
                "sop.md.j2",
                paths.sop(cat),
                cat.name,
                cat,
                kind="sop",
                tags=sop_tags,
                ed=ed,
                cat=cat,
            )

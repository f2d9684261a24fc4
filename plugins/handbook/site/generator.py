"""Page generation: the `Handbook` model → Markdown pages and a nav, without MkDocs.

`generate_site(handbook, options)` is pure: it returns a `Site` (pages with their
``src_uri``, title, Markdown and the data object they come from, plus the nav in
``mkdocs.yml`` form). The MkDocs plugin wraps each page in ``File.generated``; the CLI
(``handbook pages``) writes them to a folder. The parts that show the checker's results
(`handbook.site.results`) are ``{% call gen.deferred() %}`` blocks in the templates:
``generate_site(..., results=None)`` leaves a marker in their place, for a build that
computes the results in parallel, and `Site.complete` supplies them.

Pages are Markdown whose headings are Markdown (escaped with `heading_text`) and whose
content is HTML rendered by Jinja2 templates (``templates/``) with autoescaping; data text
goes through `InlineRenderer`, so no raw HTML from data reaches a page. Links between
generated pages are computed as final relative URLs (for ``use_directory_urls`` on or off).

Page layout (``E`` = the newest edition's pages at the top level; older editions under
``editions/<id>/``):
``overview.md``; ``change-management/`` (index, ``balance-of-responsibility.md``,
``change-process.md``, ``change-types/index.md`` + one page per type); ``sops/`` (index + one
page per category); ``roles/`` (index, ``microsoft.md``, ``customer.md``); ``rules/`` (index,
one page per rule, ``samples.md``); ``editions/`` (index, ``<id>/index.md``); ``sources.md``;
``errata.md``.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import html
import itertools
import json
import os
import posixpath
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from jinja2 import (
    BytecodeCache,
    Environment,
    FileSystemBytecodeCache,
    PackageLoader,
    StrictUndefined,
)
from jinja2.bccache import Bucket
from markupsafe import Markup, escape

from handbook.model.diff import (
    REWORD_THRESHOLD,
    CategoryChange,
    EditionDiff,
    Status,
    TypeChange,
    compare_editions,
)
from handbook.site.downloads import download_uris
from handbook.model.handbook import Handbook
from handbook.model.entities import (
    ChangeType,
    Document,
    Edition,
    Loc,
    Node,
    Party,
    ProcessDuty,
    Prose,
    Rule,
    SopCategory,
    Statement,
)
from handbook.site.results import MARKER, SiteResults, compute, marker
from handbook.site.text import InlineRenderer, LinkContext, heading_text

if TYPE_CHECKING:
    from handbook.checker.samples import SampleVerdict

DEFAULT_LEARN_BASE_URL = "https://learn.microsoft.com/en-us/microsoft-365/managed-desktop/"

#: Hand-written pages under docs/ that the nav includes when they exist (src_uri, title).
PROSE_PAGES: tuple[tuple[str, str], ...] = (
    ("index.md", "Home"),
    ("checker/index.md", "Checker"),
    ("checker/ci.md", "CI recipes"),
)


@dataclass(frozen=True)
class SiteOptions:
    """Options of page generation.

    Attributes:
        learn_base_url: base URL of the MMD pages on Microsoft Learn (ends with ``/``).
        use_directory_urls: MkDocs' setting of the same name; decides link URLs.
        site_url: the published site's URL, or None.
        prose_pages: hand-written pages present in ``docs/`` (src_uris), placed in the nav.
    """

    learn_base_url: str = DEFAULT_LEARN_BASE_URL
    use_directory_urls: bool = True
    site_url: str | None = None
    prose_pages: tuple[str, ...] = ("index.md",)


@dataclass(frozen=True)
class Page:
    """A generated page: ``src_uri`` (docs-relative path of a ``.md``), its title, its
    Markdown, and ``origin``, the data object it was generated from (file and line)."""

    src_uri: str
    title: str
    markdown: str
    origin: Loc | None = None


@dataclass(frozen=True)
class Site:
    """All generated pages and the nav (``mkdocs.yml`` ``nav`` form: a list of
    ``{title: src_uri}`` or ``{title: [children]}`` mappings and plain src_uris)."""

    pages: list[Page]
    nav: list[Any]
    files: dict[str, str] = field(default_factory=dict)
    """Other generated files: site-relative path → text content (downloads)."""
    abbreviations: str = ""
    """Glossary ``abbr`` definitions for hand-written pages (see `abbreviation_block`)."""
    results_pages: tuple[str, ...] = ()
    """src_uris of the pages that show the checker's results (with or without markers)."""
    markers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """src_uri → the markers in that page, in order (`generate_site` with
    ``results=None``; kept by `complete`, since a build's pages still hold them)."""
    fragments: dict[str, str] = field(default_factory=dict)
    """Marker → the Markdown it stands for (filled by `complete`): a build converts each
    and puts the HTML where the marker's HTML comment is."""
    _generator: Generator | None = field(default=None, repr=False, compare=False)

    def page(self, src_uri: str) -> Page:
        """The page at ``src_uri``. Raises ``KeyError`` when there is none."""
        return self._by_src_uri[src_uri]

    @functools.cached_property
    def _by_src_uri(self) -> dict[str, Page]:
        return {p.src_uri: p for p in self.pages}

    @property
    def pending(self) -> tuple[str, ...]:
        """src_uris of the pages whose Markdown holds markers where the checker's results
        go; empty for a complete site."""
        return tuple(self.markers) if self._generator is not None else ()

    @property
    def is_complete(self) -> bool:
        """False until the checker's results are in (`complete`)."""
        return self._generator is None

    def complete(self, results: SiteResults) -> Site:
        """The final site: `fragments` rendered with ``results``, the pages' markers
        replaced by them (the pages are then those of ``generate_site(handbook,
        results=results)``), and the download files filled. A complete site is returned as
        is.

        Raises:
            RuntimeError: see `Generator.complete`.
        """
        if self._generator is None:
            return self
        fragments = self._generator.complete(results)
        pages = [
            Page(p.src_uri, p.title, _fill(p.markdown, fragments), p.origin)
            if p.src_uri in self.markers
            else p
            for p in self.pages
        ]
        return Site(
            pages,
            self.nav,
            dict(results.downloads),
            self.abbreviations,
            results_pages=self.results_pages,
            markers=self.markers,
            fragments=fragments,
        )


def _fill(text: str, fragments: dict[str, str]) -> str:
    """``text`` with each marker of `Generator.deferred` replaced by its fragment (text
    that only looks like one, such as a sample file quoting a marker, is left alone)."""
    return MARKER.sub(lambda m: fragments.get(m.group(1), m.group(1)), text)


def page_url(src_uri: str, use_directory_urls: bool = True) -> str:
    """The URL (relative to the site root) MkDocs gives the page at ``src_uri``."""
    stem = src_uri[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        directory = stem[: -len("index")]
        return directory if use_directory_urls else directory + "index.html"
    return stem + "/" if use_directory_urls else stem + ".html"


@functools.lru_cache(maxsize=65536)
def relative_url(target: str, current: str) -> str:
    """URL of ``target`` relative to the page at ``current`` (both site-root relative);
    memoized (a build asks for the same few hundred pairs ~10,000 times)."""
    current_dir = current.rpartition("/")[0]
    rel = posixpath.relpath("/" + target, "/" + current_dir)
    if target.endswith("/") or target == "":
        rel = rel.rstrip("/") + "/"
    return rel


def duration_text(value: timedelta) -> str:
    """``5 days (120 hours)``, ``48 hours``, ``0``; exact, in days and hours."""
    hours = value.total_seconds() / 3600
    if hours == 0:
        return "0"
    if value.days and value.seconds == 0:
        unit = "day" if value.days == 1 else "days"
        return f"{value.days} {unit} ({hours:g} hours)"
    return f"{hours:g} hours"


# --- page paths ------------------------------------------------------------------------------


class Paths:
    """Where each entity's page lives (src_uris)."""

    def __init__(self, handbook: Handbook) -> None:
        self.latest = handbook.latest_edition().id

    def base(self, edition_id: str) -> str:
        return "" if edition_id == self.latest else f"editions/{edition_id}/"

    def change_management(self, edition_id: str) -> str:
        return self.base(edition_id) + "change-management/index.md"

    def change_process(self, edition_id: str) -> str:
        return self.base(edition_id) + "change-management/change-process.md"

    def change_types(self, edition_id: str) -> str:
        return self.base(edition_id) + "change-management/change-types/index.md"

    def change_type(self, ct: ChangeType) -> str:
        return self.base(ct.edition) + f"change-management/change-types/{ct.id}.md"

    def sops(self, edition_id: str) -> str:
        return self.base(edition_id) + "sops/index.md"

    def sop(self, cat: SopCategory) -> str:
        return self.base(cat.edition) + f"sops/{cat.id}.md"

    def edition(self, edition_id: str) -> str:
        return f"editions/{edition_id}/index.md"

    @staticmethod
    def rule(rule: Rule) -> str:
        return f"rules/{rule.id.lower()}.md"

    @staticmethod
    def code(code: str) -> str:
        """Page of a checker code (E001…, W001): beside the rules, where ``help_uri`` points."""
        return f"rules/{code.lower()}.md"

    matrix = "change-management/balance-of-responsibility.md"
    overview = "overview.md"
    roles = "roles/index.md"
    rules = "rules/index.md"
    samples = "rules/samples.md"
    editions = "editions/index.md"
    sources = "sources.md"
    errata = "errata.md"

    @staticmethod
    def roles_of(party_id: str) -> str:
        return f"roles/{party_id}.md"

    @staticmethod
    def party(party_id: str) -> str:
        return f"who-does-what/{party_id}.md"

    glossary = "glossary.md"
    tags = "tags.md"
    record_format = "checker/record-format.md"
    examples = "checker/examples.md"
    output_formats = "checker/output-formats.md"
    servicenow = "checker/servicenow.md"


# --- rendering context -----------------------------------------------------------------------


@dataclass(frozen=True)
class StatementRef:
    """A duty statement and where the site renders it.

    Attributes:
        statement: the statement.
        page: src_uri of the page that renders it; ``anchor`` its element id there.
        area: ``sop``, ``process``, ``change-type`` or ``role``.
        edition: edition id (None for roles, which have one edition).
        party: the party whose duty it is.
        context: a label such as ``Service accounts (2022)``.
        rules: the rules that enforce it (they quote it, or it prohibits actions).
    """

    statement: Statement
    page: str
    anchor: str
    area: str
    edition: str | None
    party: str
    context: str
    rules: tuple[Rule, ...]


class PageContext:
    """Helpers the templates call, bound to the page being rendered."""

    def __init__(self, gen: Generator, src_uri: str) -> None:
        self.gen = gen
        self.hb = gen.hb
        self.src_uri = src_uri
        self.url = page_url(src_uri, gen.options.use_directory_urls)

    def link(self, src_uri: str, anchor: str | None = None) -> str:
        """Relative URL from this page to the page at ``src_uri`` (``#anchor`` optional)."""
        if src_uri != self.src_uri:
            self.gen.links.setdefault(src_uri, set()).add(self.src_uri)
        target = page_url(src_uri, self.gen.options.use_directory_urls)
        url = relative_url(target, self.url)
        return f"{url}#{anchor}" if anchor else url

    def a(self, src_uri: str, text: str, anchor: str | None = None) -> Markup:
        """An ``<a>`` element to a generated page; ``text`` is escaped."""
        return Markup('<a href="{}">{}</a>').format(self.link(src_uri, anchor), text)

    def inline(self, text: str | None, doc: str | None = None) -> Markup:
        """Render data text (see `InlineRenderer`); ``doc`` resolves the seed's links."""
        if text is None:
            return Markup("")
        learn_path = self.hb.document(doc).learn_path if doc else None
        return self.gen.renderer.render(text, self.gen.link_context(self.url), learn_path)

    @staticmethod
    def heading(text: str) -> str:
        return heading_text(text)

    def party(self, party_id: str) -> Markup:
        """A party label: text plus a colour class (never colour alone)."""
        party = self.hb.party(party_id)
        return Markup('<span class="hb-party hb-party--{}">{}</span>').format(party.id, party.label)

    def download(self, name: str) -> Markup:
        """``Download: CSV · JSON`` links to a table's data (see `handbook.site.downloads`)."""
        csv = relative_url(f"downloads/{name}.csv", self.url)
        json = relative_url(f"downloads/{name}.json", self.url)
        return Markup(
            '<p class="hb-downloads">Download this data: <a href="{}" download>CSV</a> · '
            '<a href="{}" download>JSON</a></p>'
        ).format(csv, json)

    def erratum_link(self, erratum_id: str) -> Markup:
        return self.a(Paths.errata, "erratum " + erratum_id, erratum_id)


class _TemplateCache(FileSystemBytecodeCache):
    """Jinja's cache of compiled templates, which fails soft: a cache that cannot be read
    or written costs a compile, never a build."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, ValueError, EOFError):
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


#: Environment variable: where compiled templates are kept (a folder), or ``off``.
TEMPLATE_CACHE_ENV = "HANDBOOK_TEMPLATE_CACHE"


@functools.lru_cache(maxsize=8)
def _template_cache_in(directory: str) -> BytecodeCache | None:
    try:
        if directory:
            os.makedirs(directory, mode=0o700, exist_ok=True)
            return _TemplateCache(directory)
        return _TemplateCache()  # Jinja's per-user folder in the temp directory
    except (OSError, RuntimeError):
        return None


def template_cache() -> BytecodeCache | None:
    """Where the page templates' compiled code is kept between builds, as Python keeps
    ``.pyc`` files: Jinja's `FileSystemBytecodeCache` in its per-user folder
    (``<tmp>/_jinja2-cache-<uid>``, mode 0700), or the folder named by
    ``HANDBOOK_TEMPLATE_CACHE`` (created with mode 0700; like ``__pycache__``, it must be
    a folder only you can write); None (compile every build) when that variable is
    ``off`` or no folder can be used. Jinja keys each entry on the template's name and checks a
    checksum of its source and its own version, so an edited template is compiled again.
    The cache holds compiled templates only, never data or pages."""
    setting = os.environ.get(TEMPLATE_CACHE_ENV, "")
    if setting.lower() == "off":
        return None
    return _template_cache_in(setting)


class Generator:
    """Builds every page of the site from a `Handbook` (see `generate_site`)."""

    def __init__(
        self, handbook: Handbook, options: SiteOptions, results: SiteResults | None = None
    ) -> None:
        self.hb = handbook
        self.results = results
        """The checker's part; None while it is being computed (see `complete`)."""
        self._rendering: str | None = None
        self._token = secrets.token_hex(8)
        self._fragments: list[tuple[str, str, Callable[..., str], tuple[Any, ...]]] = []
        self.results_pages: list[str] = []
        """src_uris of the pages that show the checker's results (`deferred` blocks)."""
        self.options = options
        self.paths = Paths(handbook)
        self.renderer = InlineRenderer(
            {w: g.definition for g in handbook.glossary for w in g.spellings()}
        )
        self.env = Environment(
            loader=PackageLoader("handbook.site", "templates"),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            undefined=StrictUndefined,
            bytecode_cache=template_cache(),
        )
        self.env.filters["heading"] = heading_text
        self.env.filters["duration"] = duration_text
        self.env.filters["plain"] = _unlink
        self.env.globals.update(
            hb=handbook, paths=self.paths, P=Paths, gen=self, heading_id=_heading_id
        )
        self._covered = self._covered_pages()
        self._sections = self._section_pages()
        self._titles: dict[str, str] = {}
        self.links: dict[str, set[str]] = {}
        """target src_uri → src_uris of the pages linking to it (filled while rendering)."""
        self._referrers: dict[str, set[str]] = {}
        """`links` once every page's content is rendered, before "Referenced by" lists
        (whose own links are not references) are added."""
        self.statements = self._statement_index()
        self._by_statement = {id(ref.statement): ref for ref in self.statements}
        self.diffs = [
            compare_editions(handbook, old.id, new.id)
            for old, new in itertools.pairwise(handbook.editions_in_order())
        ]

    # statements and the rules that enforce them ----------------------------------------------

    @staticmethod
    def count_changes(diff: EditionDiff, status: str) -> int:
        """How many SOP statements of a diff have ``status``."""
        return sum(g.count(cast(Status, status)) for c in diff.categories for g in c.groups)

    @staticmethod
    def type_change_text(change: TypeChange) -> str:
        old = ", ".join(t.name for t in change.old)
        new = ", ".join(t.name for t in change.new)
        return {
            "kept": f"{new} kept",
            "renamed": f"{old} became {new}",
            "merged": f"{old} merged into {new}",
            "split": f"{old} split into {new}",
            "added": f"{new} added",
            "removed": f"{old} removed",
        }[change.status]

    @staticmethod
    def count_group_changes(change: CategoryChange, status: str) -> int:
        return sum(g.count(cast(Status, status)) for g in change.groups)

    def diff_page(self, diff: EditionDiff) -> str:
        return f"editions/{diff.old}-to-{diff.new}.md"

    def history_of_sop(self, cat: SopCategory) -> list[tuple[EditionDiff, CategoryChange]]:
        """The edition diffs that concern this category (for its edition history)."""
        return [(d, c) for d in self.diffs for c in d.categories if c.id == cat.id]

    def history_of_type(self, ct: ChangeType) -> list[tuple[EditionDiff, TypeChange]]:
        return [
            (d, t) for d in self.diffs for t in d.types if any(x is ct for x in (*t.old, *t.new))
        ]

    def _statement_index(self) -> list[StatementRef]:
        """Every duty statement with the page that renders it (its canonical place)."""
        hb = self.hb
        refs: list[StatementRef] = []
        for cat in hb.sop_categories:
            for party in ("microsoft", "customer"):
                for st in getattr(cat, party):
                    refs.append(
                        self._ref(
                            st,
                            self.paths.sop(cat),
                            "sop",
                            cat.edition,
                            party,
                            f"{cat.name} ({cat.edition})",
                        )
                    )
        for duty in hb.process:
            refs.append(
                self._ref(
                    duty.statement,
                    self.paths.change_process(duty.edition),
                    "process",
                    duty.edition,
                    duty.party,
                    f"{duty.phase.capitalize()} a change ({duty.edition})",
                )
            )
        for ct in hb.change_types:
            for st in ct.customer_action:
                refs.append(
                    self._ref(
                        st,
                        self.paths.change_type(ct),
                        "change-type",
                        ct.edition,
                        "customer",
                        f"{ct.name} ({ct.edition})",
                    )
                )
        for role in hb.roles:
            for st in role.description:
                refs.append(
                    self._ref(st, Paths.roles_of(role.party), "role", None, role.party, role.name)
                )
        return refs

    def _ref(
        self, st: Statement, page: str, area: str, edition: str | None, party: str, context: str
    ) -> StatementRef:
        digest = hashlib.sha1(f"{st.at.line}:{st.text}".encode()).hexdigest()[:8]
        rules = tuple(self._enforcing(st, edition)) if edition else ()
        return StatementRef(st, page, f"s-{digest}", area, edition, party, context, rules)

    def _enforcing(self, st: Statement, edition: str) -> list[Rule]:
        """Rules in force in ``edition`` that quote this statement or enforce what it
        prohibits."""
        text = _plain(st.text)
        out = []
        for rule in self.hb.rules_of(edition):
            quoted = any(
                (q := _plain(src.quote)) and q in text and rule.kind != "channels"
                for src in rule.sources
            )
            if quoted or (st.prohibits and rule.kind == "prohibited-actions"):
                out.append(rule)
        return out

    def statement_ref(self, st: Statement) -> StatementRef | None:
        return self._by_statement.get(id(st))

    def statements_enforced_by(self, rule: Rule) -> list[StatementRef]:
        return [ref for ref in self.statements if rule in ref.rules]

    def party_duties(self, party_id: str) -> list[tuple[str, list[tuple[str, list[Any]]]]]:
        """A party's duties grouped by area, then by group: ``[(area, [(group, items)])]``.

        Items are `StatementRef` (a statement with its page) or ``(text, src_uri, anchor)``
        tuples for matrix cells and change-type notes.
        """
        hb = self.hb
        areas: list[tuple[str, list[tuple[str, list[Any]]]]] = []
        rows: list[Any] = []
        for row in hb.matrix:
            scopes = [
                s.name + (" (shared)" if row.cells[s.id] == "both" else "")
                for s in hb.scopes
                if row.cells[s.id] in (party_id, "both")
            ]
            if scopes:
                rows.append((f"{row.responsibility}: {', '.join(scopes)}", Paths.matrix, row.id))
        if rows:
            areas.append(("Balance of responsibility", [("2022 edition", rows)]))
        for area, title in (
            ("process", "Change process"),
            ("change-type", "Change types"),
            ("sop", "Standard operating procedures"),
            ("role", "Roles and responsibilities"),
        ):
            groups: dict[str, list[Any]] = {}
            for ref in self.statements:
                if ref.area == area and ref.party == party_id:
                    groups.setdefault(ref.context, []).append(ref)
            if area == "change-type" and party_id == "microsoft":
                for ct in hb.change_types:
                    channels = (
                        "any channel"
                        if ct.channels == "any"
                        else ", ".join(hb.channel(c).name for c in ct.channels)
                    )
                    groups.setdefault(f"{ct.name} ({ct.edition})", []).append(
                        (
                            f"Notify customers of these changes through: {channels}",
                            self.paths.change_type(ct),
                            None,
                        )
                    )
            if groups:
                ordered = sorted(groups.items(), key=lambda kv: _edition_last(kv[0]))
                areas.append((title, ordered))
        return areas

    # links from seed text -------------------------------------------------------------------

    def _doc_home(self) -> dict[str, str]:
        """Seed document id → the handbook page that renders its main content."""
        homes: dict[str, str] = {}
        for doc in self.hb.documents:
            if any(t.source.doc == doc.id for t in self.hb.change_types):
                homes[doc.id] = self.paths.change_management(doc.edition)
            elif any(c.source.doc == doc.id for c in self.hb.sop_categories):
                homes[doc.id] = self.paths.sops(doc.edition)
            elif any(r.source.doc == doc.id for r in self.hb.roles):
                homes[doc.id] = Paths.roles
            elif self.hb.overview.source.doc == doc.id:
                homes[doc.id] = Paths.overview
            else:
                homes[doc.id] = self.paths.edition(doc.edition)
        return homes

    def _covered_pages(self) -> dict[str, str]:
        homes = self._doc_home()
        return {doc.learn_path: homes[doc.id] for doc in self.hb.documents}

    def _section_pages(self) -> dict[tuple[str, str], str]:
        """(Learn path, anchor) → page for the seed sections the handbook renders."""
        out: dict[tuple[str, str], str] = {}
        for ct in self.hb.change_types:
            doc = self.hb.document(ct.source.doc)
            out[(doc.learn_path, _slug(ct.source.section))] = self.paths.change_types(ct.edition)
        for cat in self.hb.sop_categories:
            doc = self.hb.document(cat.source.doc)
            out[(doc.learn_path, _slug(cat.source.section))] = self.paths.sops(cat.edition)
        for duty in self.hb.process:
            doc = self.hb.document(duty.source.doc)
            out[(doc.learn_path, _slug(duty.source.section))] = self.paths.change_process(
                duty.edition
            )
        if self.hb.matrix:
            src = self.hb.matrix[0].source
            key = (self.hb.document(src.doc).learn_path, _slug(src.section))
            out[key] = Paths.matrix
        return out

    def link_context(self, current_url: str) -> LinkContext:
        def rel(src: str) -> str:
            return relative_url(page_url(src, self.options.use_directory_urls), current_url)

        return LinkContext(
            learn_base_url=self.options.learn_base_url,
            covered={k: rel(v) for k, v in self._covered.items()},
            sections={k: rel(v) for k, v in self._sections.items()},
        )

    # queries used by several pages -------------------------------------------------------

    def learn_url(self, doc: Document) -> str:
        """The published Microsoft Learn URL of a seed document."""
        page = doc.learn_path.removesuffix(".md").removesuffix("index")
        return self.options.learn_base_url + page

    def prose_or_none(self, prose_id: str) -> Prose | None:
        try:
            return self.hb.prose_section(prose_id)
        except KeyError:
            return None

    @staticmethod
    def _party_title(party: Party) -> str:
        """``What Microsoft does`` / ``What the customer does``."""
        name = (
            party.name
            if party.name[:1].isupper() and party.id == "microsoft"
            else ("the " + party.name.lower())
        )
        return f"What {name} does"

    def checker_pages(self) -> list[tuple[str, str]]:
        """Generated pages of the Checker section: (src_uri, title)."""
        pages = [
            (Paths.record_format, "Record format"),
            (Paths.examples, "Rules and codes by example"),
        ]
        if self.hb.samples:  # the formats are shown for the first sample file
            pages.append((Paths.output_formats, "Output formats"))
        if self.mapping_files():
            pages.append((Paths.servicenow, "ServiceNow mapping"))
        return pages

    def mapping_files(self) -> list[tuple[str, str]]:
        """(file name, text) of the ITSM mappings and sample exports in ``data/mappings``."""
        folder = self.hb.root / "mappings"
        if not folder.is_dir():
            return []
        return [
            (p.name, p.read_text(encoding="utf-8-sig"))
            for p in sorted(folder.iterdir())
            if p.suffix in (".yaml", ".yml", ".csv")
        ]

    @staticmethod
    def field_specs() -> list[Any]:
        from handbook.checker.codes import FIELD_SPECS

        return list(FIELD_SPECS)

    def examples_for(self, code: str) -> tuple[SampleVerdict | None, SampleVerdict | None]:
        """A failing and a passing sample for a rule or input-error code: the failing one
        expects ``code``; the passing one sits in the same sample file and does not."""
        failing = next((v for v in self.verdicts if code in v.expected), None)
        if failing is None:
            return None, None
        passing = next(
            (
                v
                for v in self.verdicts
                if v.file == failing.file and code not in v.expected and v.record != "(file)"
            ),
            None,
        )
        if passing is None:
            passing = next(
                (
                    v
                    for v in self.verdicts
                    if code not in v.expected
                    and v.record != "(file)"
                    and (v.file.startswith(code.lower()))
                ),
                None,
            )
        return failing, passing

    def example_codes(self) -> list[tuple[str, str, str | None]]:
        """(code, title, rule page or None) for every rule and input error."""
        out: list[tuple[str, str, str | None]] = [
            (r.id, r.title, Paths.rule(r)) for r in self.hb.rules
        ]
        out += [
            (code, _sentence(text).split(":")[0], Paths.code(code))
            for code, _, text in self.checker_codes()
        ]
        return out

    @staticmethod
    def format_names() -> tuple[str, ...]:
        """The output formats the Checker section shows (`handbook.checker.codes.FORMAT_NAMES`)."""
        from handbook.checker.codes import FORMAT_NAMES

        return FORMAT_NAMES

    @staticmethod
    def format_description(name: str) -> str:
        return {
            "text": "For people: findings grouped by file, file:line:column, a summary line.",
            "json": "For scripts: a summary and one object per finding.",
            "junit": "JUnit XML: one test suite per file, one test case per record and rule.",
            "sarif": "SARIF 2.1.0 for GitHub code scanning, with the rules and their pages.",
            "github": "GitHub Actions workflow commands: annotations on the changed files.",
            "gitlab": "GitLab Code Quality report.",
        }.get(name, "")

    @staticmethod
    def format_language(name: str) -> str:
        return {"json": "json", "sarif": "json", "gitlab": "json", "junit": "xml"}.get(name, "text")

    @staticmethod
    def fence(text: str, lang: str = "text") -> Markup:
        """A fenced code block around ``text`` whose fence no line of it can close."""
        longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
        ticks = "`" * max(3, longest + 1)
        return Markup(f"{ticks} {lang}\n{text.rstrip()}\n{ticks}")

    def real_parties(self) -> list[Party]:
        return [p for p in self.hb.parties if p.kind == "party"]

    @staticmethod
    def duties(duties: list[ProcessDuty], phase: str, party: str) -> list[ProcessDuty]:
        return [d for d in duties if d.phase == phase and d.party == party]

    def has_rule(self, rule_id: str) -> bool:
        return any(r.id == rule_id for r in self.hb.rules)

    def rules_quoting(self, doc: str, section: str) -> list[Rule]:
        """Rules whose sources quote the given seed document section."""
        return [
            r
            for r in self.hb.rules
            if any(q.doc == doc and q.section == section for q in r.sources)
        ]

    def other_editions_of_type(self, ct: ChangeType) -> list[ChangeType]:
        return [t for t in self.hb.change_types if t.id == ct.id and t.edition != ct.edition]

    def other_editions_of_sop(self, cat: SopCategory) -> list[SopCategory]:
        return [c for c in self.hb.sop_categories if c.id == cat.id and c.edition != cat.edition]

    def entity_page(self, entity: ChangeType | SopCategory) -> str:
        if isinstance(entity, ChangeType):
            return self.paths.change_type(entity)
        return self.paths.sop(entity)

    def edition_page_links(self, ed: Edition) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        if self.hb.process_of(ed.id) or self.hb.change_types_of(ed.id):
            out.append((self.paths.change_management(ed.id), "Change management"))
        if ed.id == self.paths.latest and self.hb.matrix:
            out.append((Paths.matrix, "Balance of responsibility"))
        if self.hb.process_of(ed.id):
            out.append((self.paths.change_process(ed.id), "Change process"))
        if self.hb.change_types_of(ed.id):
            out.append((self.paths.change_types(ed.id), "Change types"))
        for ct in self.hb.change_types_of(ed.id):
            out.append((self.paths.change_type(ct), f"Change type: {ct.name}"))
        if self.hb.sop_categories_of(ed.id):
            out.append((self.paths.sops(ed.id), "Standard operating procedures"))
        for cat in self.hb.sop_categories_of(ed.id):
            out.append((self.paths.sop(cat), f"SOP: {cat.name}"))
        if any(self.hb.document(d).id == "004" for d in ed.documents):
            out.append((Paths.overview, "Service overview"))
        if any(r.source.doc in ed.documents for r in self.hb.roles):
            out.append((Paths.roles, "Roles and responsibilities"))
        return out

    _CHANGE_TYPE_COLUMNS: tuple[tuple[str, str], ...] = (
        ("description", "Description"),
        ("includes", "Type of change"),
        ("advance_notice", "Advance notice"),
        ("notification", "Notification"),
        ("channels", "Communication channel"),
        ("requires_global_admin_action", "Requires global admin action"),
        ("action_type", "Type of action"),
        ("customer_action", "Customer action"),
        ("testing", "Requires testing"),
        ("examples", "Examples of change"),
        ("lead_time", "Lead time checked (MMD001)"),
    )

    def change_type_columns(self, types: list[ChangeType]) -> list[tuple[str, str]]:
        """The (field, label) columns that at least one of ``types`` fills."""
        cols = []
        for key, label in self._CHANGE_TYPE_COLUMNS:
            if key == "lead_time":
                if any(self.lead_time(t) for t in types):
                    cols.append((key, label))
                continue
            if any(getattr(t, key) not in (None, [], "") for t in types):
                cols.append((key, label))
        return cols

    def lead_time(self, ct: ChangeType) -> str | None:
        """The advance notice the timing rules require of notifications for this type."""
        parts = []
        for rule in self.rules_for_change_type(ct):
            for con in rule.constraints:
                if con.earlier == "notified_at" and con.later == "starts_at" and con.at_least:
                    parts.append(
                        f"{duration_text(con.at_least)} ({rule.id}, when "
                        "administrator action is required)"
                    )
        return "; ".join(parts) or None

    @functools.cached_property
    def macros(self) -> Any:
        """The macros of ``_macros.j2`` as a module, evaluated once per site."""
        return self.env.get_template("_macros.j2").module

    def change_type_cell(
        self, ctx: PageContext, ct: ChangeType, key: str, anchors: bool = False
    ) -> Markup:
        """HTML of one field of a change type, for tables; ``anchors`` gives list items
        their statement ids (on the type's own page)."""
        doc = ct.source.doc
        if key == "lead_time":
            return Markup(escape(self.lead_time(ct) or ""))
        if key == "channels":
            if ct.channels == "any":
                return Markup("Any (decided case by case)")
            return Markup(", ").join(
                Markup("{} (<code>{}</code>)").format(self.hb.channel(c).name, c)
                for c in ct.channels
            )
        value = getattr(ct, key)
        if value is None:
            return Markup("")
        if isinstance(value, Statement):
            return self.macros.statement(  # type: ignore[no-any-return]
                ctx, value, doc
            )
        if isinstance(value, list):
            return self.macros.statements(  # type: ignore[no-any-return]
                ctx, value, doc, anchors
            )
        return ctx.inline(str(value), doc)

    def applicability_text(self, rule: Rule) -> str:
        """The records a rule applies to, in words."""
        scope = rule.applies_to
        parts = []
        if scope.initiator:
            parts.append(f"changes initiated by {self.hb.party(scope.initiator).name}")
        if scope.change_type:
            parts.append("of change type " + ", ".join(scope.change_type))
        if scope.sop_category:
            parts.append("in SOP category " + ", ".join(scope.sop_category))
        for flag, yes, no in (
            ("emergency", "that are emergency changes", "that are not emergency changes"),
            (
                "requires_admin_action",
                "that require administrator action",
                "that require no administrator action",
            ),
            (
                "approval_required",
                "that require the customer's approval",
                "that require no approval",
            ),
        ):
            value = getattr(scope, flag)
            if value is not None:
                parts.append(yes if value else no)
        text = " ".join(parts) if parts else "every change record"
        return text[0].upper() + text[1:] + f", in the {', '.join(rule.editions)} edition(s)."

    @staticmethod
    def checker_codes() -> list[tuple[str, str, str]]:
        """(code, severity, meaning) of the codes the checker itself defines (input errors
        E001–E005, waiver problems), from `handbook.checker.codes.CHECKER_CODES`."""
        from handbook.checker.codes import CHECKER_CODES

        return [(code, sev, text) for code, (sev, text) in CHECKER_CODES.items()]

    def rules_for_change_type(self, ct: ChangeType) -> list[Rule]:
        """Rules in force in the type's edition that can apply to a change of this type."""
        out = []
        for rule in self.hb.rules_of(ct.edition):
            scope = rule.applies_to
            if rule.kind == "edition-in-force" or scope.sop_category:
                continue
            if scope.initiator not in (None, "microsoft"):
                continue
            if scope.change_type is not None and ct.id not in scope.change_type:
                continue
            out.append(rule)
        return out

    def rules_for_sop(self, cat: SopCategory) -> list[Rule]:
        """Rules in force in the category's edition that can apply to its changes."""
        out = []
        for rule in self.hb.rules_of(cat.edition):
            scope = rule.applies_to
            if rule.kind == "edition-in-force" or scope.change_type:
                continue
            if scope.initiator not in (None, "customer"):
                continue
            if scope.sop_category is not None and cat.id not in scope.sop_category:
                continue
            if scope.initiator is None and scope.approval_required is None:
                continue
            out.append(rule)
        return out

    def pages_for_rule(self, rule: Rule) -> list[tuple[str, str]]:
        """(src_uri, title) of the pages a rule applies to."""
        if rule.kind == "edition-in-force":
            return [(Paths.editions, "Editions")]
        out: list[tuple[str, str]] = []
        for edition_id in rule.editions:
            label = f" ({edition_id})"
            for ct in self.hb.change_types_of(edition_id):
                if rule in self.rules_for_change_type(ct):
                    out.append((self.paths.change_type(ct), ct.name + label))
            for cat in self.hb.sop_categories_of(edition_id):
                if rule in self.rules_for_sop(cat):
                    out.append((self.paths.sop(cat), cat.name + label))
            if rule.applies_to.initiator is None:
                out.append((self.paths.change_process(edition_id), "Change process" + label))
        return out

    def verdicts_for(
        self,
        *,
        rule: str | None = None,
        change_type: ChangeType | None = None,
        sop: SopCategory | None = None,
    ) -> list[SampleVerdict]:
        out = []
        for v in self.verdicts:
            if rule is not None and rule not in v.expected:
                continue
            if change_type is not None and not (
                v.change_type == change_type.id and v.edition == change_type.edition
            ):
                continue
            if sop is not None and not (v.sop_category == sop.id and v.edition == sop.edition):
                continue
            out.append(v)
        return out

    def rule_parameters(self, rule: Rule) -> list[tuple[str, Any]]:
        """Human-readable parameters of a rule: (label, value) pairs; values are text or
        lists of (edition, name, items) rows for tables."""
        params: list[tuple[str, Any]] = []
        if rule.requires:
            params.append(("Required fields", ", ".join(rule.requires)))
        for con in rule.constraints:
            text = f"{con.earlier} at least {duration_text(con.at_least)} before {con.later}"
            if con.at_least == timedelta(0):
                text = f"{con.earlier} no later than {con.later}"
            if con.at_most is not None:
                text += f", and at most {duration_text(con.at_most)} before it"
            params.append(("Timing (checked when both are present)", text))
        if rule.kind == "channels":
            rows: list[tuple[str, ChangeType | SopCategory, list[str]]] = []
            for edition_id in rule.editions:
                for ct in self.hb.change_types_of(edition_id):
                    channels = (
                        ["any channel"]
                        if ct.channels == "any"
                        else [self.hb.channel(c).name + f" ({c})" for c in ct.channels]
                    )
                    rows.append((edition_id, ct, channels))
            params.append(("Documented channels", rows))
        if rule.kind == "prohibited-actions":
            rows = []  # same shape as the channels rows
            for edition_id in rule.editions:
                for cat in self.hb.sop_categories_of(edition_id):
                    actions = self.hb.prohibited_actions(edition_id, cat.id)
                    if actions:
                        rows.append(
                            (edition_id, cat, [f"{self.hb.action(a).name} ({a})" for a in actions])
                        )
            params.append(("Prohibited actions", rows))
        if rule.kind == "edition-in-force":
            for ed in self.hb.editions_in_order():
                until = ed.in_force_until.isoformat() if ed.in_force_until else "the end of life"
                params.append((f"Edition {ed.id}", f"{ed.in_force_from.isoformat()} to {until}"))
            params.append(
                (
                    "End of life",
                    self.hb.service.end_of_life.isoformat() + " (later changes get a warning)",
                )
            )
        return params

    # rendering ------------------------------------------------------------------------------

    @property
    def verdicts(self) -> list[SampleVerdict]:
        """The samples' verdicts; only inside a `deferred` block (see `_use_results`)."""
        return self._use_results().verdicts

    @property
    def formats(self) -> dict[str, str]:
        """Output format → the checker's output for the first sample file; only inside a
        `deferred` block."""
        return self._use_results().formats

    def _use_results(self) -> SiteResults:
        if self.results is None:
            raise RuntimeError(
                f"{self._rendering or 'a template'}: the checker's results are used outside "
                "a {% call gen.deferred() %} block"
            )
        return self.results

    def deferred(self, *args: Any, caller: Callable[..., str]) -> Markup:
        """The part of a page that shows the checker's results: a template's
        ``{% call(x) gen.deferred(x) %}...{% endcall %}`` block, which must stand as a block
        of its own (blank lines around it) and link to no page.

        With `results`, the block is rendered in place (trailing newlines dropped, as they
        are from a marker's fragment). Without, it is a marker (an HTML
        comment, unique to this generator) that `complete` maps to the block's Markdown;
        the block is called then, with ``args`` (Jinja's blocks would see a loop's variable
        as it is after the loop, so loop values are passed this way).
        """
        if self._rendering is None:
            raise RuntimeError("gen.deferred() is for page templates")
        if self._rendering not in self.results_pages:
            self.results_pages.append(self._rendering)
        if self.results is not None:
            return Markup(caller(*args).rstrip("\n"))
        text = marker(self._token, len(self._fragments))
        self._fragments.append((self._rendering, text, caller, args))
        return Markup(text)

    def render(
        self, template: str, src_uri: str, title: str, origin: Node | None, **values: Any
    ) -> Page:
        ctx = PageContext(self, src_uri)
        self._rendering = src_uri
        try:
            markdown = self.env.get_template(template).render(ctx=ctx, title=title, **values)
        finally:
            self._rendering = None
        return Page(src_uri, title, markdown, origin.at if origin is not None else None)

    def complete(self, results: SiteResults) -> dict[str, str]:
        """Marker → the Markdown of its `deferred` block, rendered with ``results``.

        Raises:
            RuntimeError: a block linked to a page (its link would be missing from that
                page's "Referenced by" list, made before ``results`` existed).
        """
        self.results = results
        before = {target: set(sources) for target, sources in self.links.items()}
        out: dict[str, str] = {}
        for src_uri, key, caller, args in self._fragments:
            self._rendering = src_uri
            try:
                out[key] = str(caller(*args)).rstrip("\n")
            finally:
                self._rendering = None
        if self.links != before:
            raise RuntimeError(
                "a {% call gen.deferred() %} block links to another page; move the link "
                "out of the block"
            )
        return out

    def page_tags(self, src_uri: str) -> list[str]:
        """Material tags of a generated page: its area, edition and the parties it concerns."""
        hb = self.hb
        parties = {p.id: p.name for p in hb.parties if p.kind == "party"}
        tags: list[str] = []
        for ed in hb.editions:
            prefix = self.paths.base(ed.id)
            if prefix and src_uri.startswith(prefix):
                tags.append(ed.title)
        if "change-management/" in src_uri:
            tags.append("Change management")
        if "change-types/" in src_uri and not src_uri.endswith("index.md"):
            tags.append(parties.get("microsoft", "Microsoft"))
        if "sops/" in src_uri:
            tags += ["Standard operating procedures", *parties.values()]
        if src_uri in (Paths.matrix,) or src_uri.endswith("change-process.md"):
            tags += list(parties.values())
        if src_uri.startswith("roles/"):
            tags.append("Roles")
            tags += [name for pid, name in parties.items() if src_uri.endswith(f"/{pid}.md")]
        if src_uri.startswith("who-does-what/"):
            tags += [name for pid, name in parties.items() if src_uri.endswith(f"/{pid}.md")]
        if src_uri.startswith("rules/"):
            tags.append("Rules")
            for rule in hb.rules:
                if src_uri == Paths.rule(rule) and rule.applies_to.initiator in parties:
                    tags.append(parties[rule.applies_to.initiator])
        if src_uri.startswith("editions/") and "-to-" in src_uri:
            tags.append("Editions")
        return list(dict.fromkeys(tags))

    def _finish(self, page: Page, entity_pages: set[str]) -> Page:
        """Add front matter (tags), "Referenced by" backlinks and glossary abbreviations."""
        markdown = page.markdown
        if page.src_uri in entity_pages:
            refs = sorted(
                (src, self._titles[src])
                for src in self._referrers.get(page.src_uri, set())
                if src in self._titles and src != page.src_uri
            )
            if refs:
                markdown += "\n" + self.env.get_template("backlinks.md.j2").render(
                    ctx=PageContext(self, page.src_uri), refs=refs
                )
        tags = self.page_tags(page.src_uri)
        front = ""
        if tags:
            front = "---\ntags:\n" + "".join(f"  - {json.dumps(t)}\n" for t in tags) + "---\n\n"
        abbreviations = abbreviation_block(self.hb)
        if abbreviations:
            markdown = markdown.rstrip("\n") + "\n" + abbreviations + "\n"
        return Page(page.src_uri, page.title, front + markdown, page.origin)

    def pages(self) -> list[Page]:
        pages = self._pages()
        self._titles = {p.src_uri: p.title for p in pages}
        entity = {
            p.src_uri
            for p in pages
            if p.src_uri.startswith(("rules/mmd", "roles/", "who-does-what/", "editions/"))
            or (
                ("change-types/" in p.src_uri or "sops/" in p.src_uri)
                and not p.src_uri.endswith("index.md")
            )
        }
        self._referrers = {target: set(sources) for target, sources in self.links.items()}
        return [self._finish(p, entity) for p in pages]

    def _pages(self) -> list[Page]:
        hb = self.hb
        out: list[Page] = []
        latest = self.paths.latest
        out.append(
            self.render(
                "overview.md.j2", Paths.overview, "Service overview", hb.overview, ov=hb.overview
            )
        )
        if hb.matrix:
            out.append(
                self.render("matrix.md.j2", Paths.matrix, "Balance of responsibility", hb.matrix[0])
            )
        for ed in hb.editions_in_order():
            out += self.edition_pages(ed)
        out.append(
            self.render(
                "roles_index.md.j2",
                Paths.roles,
                "Roles and responsibilities",
                hb.roles[0] if hb.roles else None,
            )
        )
        for party in [p for p in hb.parties if p.kind == "party"]:
            roles = hb.roles_of(party.id)
            out.append(
                self.render(
                    "roles_party.md.j2",
                    Paths.roles_of(party.id),
                    f"{party.name} roles",
                    roles[0] if roles else None,
                    party=party,
                    roles=roles,
                )
            )
        out.append(
            self.render(
                "rules_index.md.j2", Paths.rules, "Rules", hb.rules[0] if hb.rules else None
            )
        )
        for rule in hb.rules:
            out.append(
                self.render(
                    "rule.md.j2", Paths.rule(rule), f"{rule.id} {rule.title}", rule, rule=rule
                )
            )
        for code, severity, meaning in self.checker_codes():
            out.append(
                self.render(
                    "code.md.j2",
                    Paths.code(code),
                    f"{code} {_sentence(meaning).split(':')[0]}",
                    None,
                    code=code,
                    severity=severity,
                    meaning=_sentence(meaning),
                )
            )
        out.append(
            self.render(
                "samples.md.j2",
                Paths.samples,
                "Sample change records",
                hb.samples[0] if hb.samples else None,
            )
        )
        out.append(self.render("editions_index.md.j2", Paths.editions, "Editions", None))
        for diff in self.diffs:
            title = f"What changed from {diff.old} to {diff.new}"
            out.append(
                self.render(
                    "diff.md.j2",
                    self.diff_page(diff),
                    title,
                    None,
                    diff=diff,
                    threshold=REWORD_THRESHOLD,
                )
            )
        for party in self.real_parties():
            title = self._party_title(party)
            out.append(
                self.render(
                    "party.md.j2",
                    Paths.party(party.id),
                    title,
                    party,
                    party=party,
                    checklist=party.id == "customer",
                )
            )
        if hb.glossary:
            out.append(self.render("glossary.md.j2", Paths.glossary, "Glossary", hb.glossary[0]))
        out.append(self.render("tags.md.j2", Paths.tags, "Tags", None))
        out.append(
            self.render("checker_record_format.md.j2", Paths.record_format, "Record format", None)
        )
        out.append(
            self.render(
                "checker_examples.md.j2",
                Paths.examples,
                "Rules and codes by example",
                hb.samples[0] if hb.samples else None,
            )
        )
        if self.hb.samples:
            out.append(
                self.render(
                    "checker_output_formats.md.j2", Paths.output_formats, "Output formats", None
                )
            )
        if self.mapping_files():
            out.append(
                self.render(
                    "checker_servicenow.md.j2", Paths.servicenow, "ServiceNow mapping", None
                )
            )
        out.append(self.render("sources.md.j2", Paths.sources, "Sources", None))
        out.append(
            self.render("errata.md.j2", Paths.errata, "Errata", hb.errata[0] if hb.errata else None)
        )
        del latest
        return out

    def edition_pages(self, ed: Edition) -> list[Page]:
        hb = self.hb
        out: list[Page] = []
        out.append(self.render("edition.md.j2", self.paths.edition(ed.id), ed.title, ed, ed=ed))
        types = hb.change_types_of(ed.id)
        cats = hb.sop_categories_of(ed.id)
        process = hb.process_of(ed.id)
        if types or process:
            out.append(
                self.render(
                    "change_management.md.j2",
                    self.paths.change_management(ed.id),
                    "Change management",
                    process[0] if process else None,
                    ed=ed,
                )
            )
        if process:
            out.append(
                self.render(
                    "change_process.md.j2",
                    self.paths.change_process(ed.id),
                    "Change process",
                    process[0],
                    ed=ed,
                    duties=process,
                )
            )
        if types:
            out.append(
                self.render(
                    "change_types.md.j2",
                    self.paths.change_types(ed.id),
                    "Change types",
                    types[0],
                    ed=ed,
                    types=types,
                )
            )
            for ct in types:
                out.append(
                    self.render(
                        "change_type.md.j2", self.paths.change_type(ct), ct.name, ct, ed=ed, ct=ct
                    )
                )
        if cats:
            out.append(
                self.render(
                    "sops.md.j2",
                    self.paths.sops(ed.id),
                    "Standard operating procedures",
                    cats[0],
                    ed=ed,
                    cats=cats,
                )
            )
            for cat in cats:
                out.append(
                    self.render("sop.md.j2", self.paths.sop(cat), cat.name, cat, ed=ed, cat=cat)
                )
        return out

    def nav(self, pages: list[Page]) -> list[Any]:
        hb = self.hb
        have = {p.src_uri for p in pages} | set(self.options.prose_pages)
        latest = self.paths.latest

        def item(title: str, src: str) -> dict[str, Any] | None:
            return {title: src} if src in have else None

        def edition_items(edition_id: str) -> list[Any]:
            items: list[Any] = []
            cm: list[Any] = [self.paths.change_management(edition_id)]
            if edition_id == latest and hb.matrix:
                cm.append({"Balance of responsibility": Paths.matrix})
            cm.append(item("Change process", self.paths.change_process(edition_id)))
            types = [
                self.paths.change_types(edition_id),
                *_chunked(
                    [
                        {_nav_title(ct.name): self.paths.change_type(ct)}
                        for ct in hb.change_types_of(edition_id)
                    ]
                ),
            ]
            cm.append({"Change types": types})
            items.append({"Change management": [c for c in cm if c]})
            cats = hb.sop_categories_of(edition_id)
            if cats:
                items.append(
                    {
                        "Standard operating procedures": [
                            self.paths.sops(edition_id),
                            *_chunked([{_nav_title(c.name): self.paths.sop(c)} for c in cats]),
                        ]
                    }
                )
            return items

        nav: list[Any] = []
        nav.append(item("Home", "index.md"))
        nav.append({"Service overview": Paths.overview})
        nav.append(
            {
                "Who does what": [
                    {_nav_title(self._party_title(p)): Paths.party(p.id)}
                    for p in self.real_parties()
                ]
            }
        )
        nav += edition_items(latest)
        nav.append(
            {
                "Roles": [Paths.roles]
                + [
                    {_nav_title(p.name): Paths.roles_of(p.id)}
                    for p in hb.parties
                    if p.kind == "party"
                ]
            }
        )
        nav.append(
            {
                "Rules": [Paths.rules]
                + _chunked([{r.id: Paths.rule(r)} for r in hb.rules])
                + [{code: Paths.code(code)} for code, _, _ in self.checker_codes()]
                + [{"Sample change records": Paths.samples}]
            }
        )
        prose = [src for src, _ in PROSE_PAGES if src.startswith("checker/") and src in have]
        checker: list[Any] = [src for src in prose if src.endswith("index.md")]
        checker += [{title: src} for src, title in self.checker_pages()]
        checker += [
            {title: src}
            for src, title in PROSE_PAGES
            if src in prose and not src.endswith("index.md")
        ]
        if checker:
            nav.append({"Checker": checker})
        editions: list[Any] = [Paths.editions]
        for ed in hb.editions_in_order():
            if ed.id == latest:
                editions.append({_nav_title(ed.title): self.paths.edition(ed.id)})
            else:
                editions.append(
                    {_nav_title(ed.title): [self.paths.edition(ed.id), *edition_items(ed.id)]}
                )
        editions += [
            {f"What changed from {d.old} to {d.new}": self.diff_page(d)} for d in self.diffs
        ]
        nav.append({"Editions": editions})
        reference: list[Any] = [{"Sources": Paths.sources}, {"Errata": Paths.errata}]
        reference.append(item("Glossary", Paths.glossary))
        reference.append(item("Tags", Paths.tags))
        nav.append({"Sources and reference": [r for r in reference if r]})
        return [n for n in nav if n]


def _heading_id(anchor: str) -> Markup:
    """An attr_list id for a Markdown heading (``{#anchor}``); ids are kebab-case."""
    if not re.fullmatch(r"[a-z0-9-]+", anchor):
        raise ValueError(f"not a safe anchor: {anchor!r}")
    return Markup("{#" + anchor + "}")


def abbreviation_block(handbook: Handbook) -> str:
    """Python-Markdown ``abbr`` definitions (``*[MMD]: ...`` lines) of every glossary
    spelling, to append to a page's Markdown so its text gets the glossary tooltips."""
    return "".join(
        f"\n*[{word}]: {_one_line(g.definition)}"
        for g in handbook.glossary
        for word in g.spellings()
    )


def _sentence(text: str) -> str:
    """``text`` with a capital first letter."""
    return text[:1].upper() + text[1:]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _unlink(text: str) -> str:
    """Text with Markdown links replaced by their label."""
    return re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)


def _plain(text: str) -> str:
    """Lower-case words of a text without Markdown links or a final full stop."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text).replace("’", "'")
    return " ".join(text.lower().split()).rstrip(".")


def _edition_last(label: str) -> tuple[int, str]:
    """Sort key putting the newest edition's groups first: ``Name (2022)`` before 2018."""
    match = re.search(r"\((\d{4})\)$", label)
    return (-int(match.group(1)) if match else 0, "")


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


def _nav_title(text: str) -> str:
    """A nav title from data, safe in every place a theme prints it.

    Themes print nav titles unescaped in the sidebar and through ``striptags`` (which
    unescapes) in ``<title>``, so angle brackets are dropped and the rest is escaped.
    """
    return html.escape(" ".join(text.replace("<", " ").replace(">", " ").split()))


def _slug(text: str) -> str:
    """GitHub/Learn-style anchor of a heading: ``Change types`` → ``change-types``."""
    out = "".join(c.lower() if c.isalnum() else "-" if c in " -" else "" for c in text)
    return "-".join(part for part in out.split("-") if part)


def generate_site(
    handbook: Handbook,
    options: SiteOptions | None = None,
    results: SiteResults | Callable[[Handbook], SiteResults] | None = compute,
) -> Site:
    """Generate every page and the nav from ``handbook``.

    Args:
        handbook: the loaded data (`handbook.model.loader.load_handbook`).
        options: `SiteOptions`; defaults suit ``mkdocs.yml``'s defaults.
        results: the checker's and pandas' part (`handbook.site.results`): a
            `SiteResults`, a function that computes it (default: `compute`, which runs the
            checker on ``data/samples`` in this process), or None to leave it for later:
            the pages that need it are then listed in `Site.pending` and hold a draft (the
            right title and front matter, no verdicts), the download files are empty, and
            `Site.complete` gives the final site.

    Returns:
        A `Site`. Pure apart from what ``results`` does.
    """
    options = options or SiteOptions()
    given = results(handbook) if callable(results) else results
    gen = Generator(handbook, options, given)
    pages = gen.pages()
    nav = gen.nav(pages)
    abbreviations = abbreviation_block(handbook)
    if given is None:
        files = dict.fromkeys(download_uris(), "")
        markers: dict[str, tuple[str, ...]] = {}
        for src_uri, key, _, _ in gen._fragments:
            markers[src_uri] = (*markers.get(src_uri, ()), key)
        return Site(
            pages, nav, files, abbreviations, tuple(gen.results_pages), markers, _generator=gen
        )
    return Site(pages, nav, dict(given.downloads), abbreviations, tuple(gen.results_pages))


def docs_prose_pages(docs_dir: Path) -> tuple[str, ...]:
    """The `PROSE_PAGES` that exist in ``docs_dir``."""
    return tuple(src for src, _ in PROSE_PAGES if (docs_dir / src).is_file())


__all__ = [
    "Generator",
    "Page",
    "PageContext",
    "SampleVerdict",
    "Site",
    "SiteOptions",
    "docs_prose_pages",
    "escape",
    "generate_site",
    "page_url",
    "relative_url",
]

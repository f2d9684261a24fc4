"""Rendering: the Jinja2 environment, the helpers a page template gets (``ctx``), and
`generate_site`, which turns a `Handbook` into pages and a nav without MkDocs.

Pages are Markdown whose headings are Markdown (escaped with `heading_text`) and whose
content is HTML rendered by Jinja2 templates (``templates/``) with autoescaping; data text
goes through `InlineRenderer`, so no raw HTML from data reaches a page. Links between
generated pages are computed as final relative URLs (for ``use_directory_urls`` on or off).

Templates are looked up first in the theme's ``custom_dir`` (`SiteOptions.custom_dir`),
then in the package, so a site overrides any page template by putting a file of the same
name there, as with Material's own templates. The environment, and so every compiled
template, is kept for the life of the process (`environment`): ``mkdocs serve`` compiles a
template once, and again only when its file changes.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from typing import TYPE_CHECKING, Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from handbook.model.diff import plain_text
from handbook.model.durations import duration_text
from handbook.model.entities import ChangeType, Node, Statement
from handbook.model.handbook import Handbook
from handbook.site.checker_docs import CheckerQueries
from handbook.site.links import LinkGraph, SeedLinks
from handbook.site.paths import Paths, page_url, relative_url
from handbook.site.queries import Queries
from handbook.site.registry import ENTITY_KINDS, Origin, Page, Registry, SiteOptions
from handbook.site.text import InlineRenderer, heading_text

if TYPE_CHECKING:
    from handbook.site.results import SiteResults


def _heading_id(anchor: str) -> Markup:
    """An attr_list id for a Markdown heading (``{#anchor}``); ids are kebab-case."""
    if not re.fullmatch(r"[a-z0-9-]+", anchor):
        raise ValueError(f"not a safe anchor: {anchor!r}")
    return Markup("{#" + anchor + "}")


def abbreviation_block(handbook: Handbook) -> str:
    """Python-Markdown ``abbr`` definitions (``*[MMD]: ...`` lines) of every glossary
    spelling, to append to a page's Markdown so its text gets the glossary tooltips."""
    return "".join(
        f"\n*[{word}]: {' '.join(g.definition.split())}"
        for g in handbook.glossary
        for word in g.spellings()
    )


@functools.lru_cache(maxsize=8)
def environment(custom_dir: str | None = None) -> Environment:
    """The Jinja2 environment of the page templates: ``custom_dir`` first (when given),
    then the package's ``templates/``; autoescaping, strict undefined. One per folder for
    the life of the process (compiled templates stay in it; Jinja recompiles a template
    whose file changed)."""
    package = PackageLoader("handbook.site", "templates")
    loader = ChoiceLoader([FileSystemLoader(custom_dir), package]) if custom_dir else package
    env = Environment(
        loader=loader,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=StrictUndefined,
        # Jinja's optimizer folds constants at compile time; our templates have next to
        # none, and skipping it compiles the 28 templates in ~0.13 s of CPU instead of
        # ~0.155 s (same output, same render time; measured on a warm build).
        optimized=False,
    )
    env.filters["heading"] = heading_text
    env.filters["duration"] = duration_text
    env.filters["plain"] = plain_text
    return env


class PageContext:
    """Helpers the templates call as ``ctx``, bound to the page being rendered; records
    the page's links (`LinkGraph`) and interactive tables as the template runs."""

    def __init__(self, site: SiteRenderer, src_uri: str) -> None:
        self.site = site
        self.gen = site.queries
        self.hb = site.hb
        self.src_uri = src_uri
        options = site.options
        # the base of this page's relative URLs: its URL, or its Markdown file's folder
        self.url = page_url(src_uri, options.use_directory_urls and not options.links_from_source)
        self.tables: list[str] = []
        self.party_tables: list[str] = []

    def link(self, src_uri: str, anchor: str | None = None) -> str:
        """Relative URL from this page to the page at ``src_uri`` (``#anchor`` optional)."""
        self.site.links.add(self.src_uri, src_uri)
        target = page_url(src_uri, self.site.options.use_directory_urls)
        url = relative_url(target, self.url)
        return f"{url}#{anchor}" if anchor else url

    def a(self, src_uri: str, text: str, anchor: str | None = None) -> Markup:
        """An ``<a>`` element to a generated page; ``text`` is escaped."""
        # an f-string of escaped parts: 4x faster than Markup.format (1,300 links a build)
        return Markup(f'<a href="{escape(self.link(src_uri, anchor))}">{escape(text)}</a>')

    def inline(self, text: str | None, doc: str | None = None) -> Markup:
        """Render data text (see `InlineRenderer`); ``doc`` resolves the seed's links."""
        if text is None:
            return Markup("")
        learn_path = self.hb.document(doc).learn_path if doc else None
        return self.site.inline.render(text, self.site.seed_links.context(self.url), learn_path)

    def table(self, classes: str, name: str, parties: bool = False) -> Markup:
        """The start tag of an interactive table, ``<table class="CLASSES"
        data-hb-table="NAME">``, recorded in the page's registry entry. ``parties``: its
        cells show party labels; the first such table of a page gets the labels' legend
        (`handbook.site.interactive.party_legend`) before it."""
        from handbook.site.interactive import party_legend

        legend = Markup("")
        if parties and not self.party_tables:
            legend = party_legend(self.hb.parties)
        self.tables.append(name)
        if parties:
            self.party_tables.append(name)
        return legend + Markup('<table class="{}" data-hb-table="{}">').format(classes, name)

    def party(self, party_id: str) -> Markup:
        """A party label: text plus a colour class (never colour alone)."""
        party = self.hb.party(party_id)
        return Markup(
            f'<span class="hb-party hb-party--{escape(party.id)}">{escape(party.label)}</span>'
        )

    def file_url(self, path: str) -> str:
        """Relative URL from this page to the site file ``path`` (``downloads/matrix.csv``)."""
        return relative_url(path, self.url)

    def download(self, name: str) -> Markup:
        """``Download this data for every edition: CSV · JSON``, links to the files of a table's
        data, whose rows are every edition's (see `handbook.site.downloads`)."""
        csv = self.file_url(f"downloads/{name}.csv")
        json = self.file_url(f"downloads/{name}.json")
        return Markup(
            '<p class="hb-downloads">Download this data for every edition: '
            '<a href="{}" download>CSV</a> · <a href="{}" download>JSON</a></p>'
        ).format(csv, json)

    def erratum_link(self, erratum_id: str) -> Markup:
        return self.a(Paths.errata, "erratum " + erratum_id, erratum_id)

    def change_type_cell(self, ct: ChangeType, key: str, anchors: bool = False) -> Markup:
        """HTML of one field of a change type, for tables; ``anchors`` gives list items
        their statement ids (on the type's own page)."""
        doc = ct.source.doc
        if key == "lead_time":
            return Markup(escape(self.gen.lead_time(ct) or ""))
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
        macros = self.site.macros
        if key == "description" and self.gen.description_items(ct):
            items = macros.statements(self, ct.includes, doc, anchors)
            return self.inline(str(value), doc) + Markup(items)
        if isinstance(value, Statement):
            return Markup(macros.statement(self, value, doc))
        if isinstance(value, list):
            return Markup(macros.statements(self, value, doc, anchors))
        return self.inline(str(value), doc)


class SiteRenderer:
    """Renders the pages of one site into its `Registry` (see `generate_site`)."""

    def __init__(self, handbook: Handbook, options: SiteOptions, results: SiteResults) -> None:
        self.hb = handbook
        self.options = options
        self.paths = Paths(handbook)
        self.queries = Queries(handbook, self.paths, options.learn_base_url)
        self.checker = CheckerQueries(handbook, results)
        self.inline = InlineRenderer(
            {w: g.definition for g in handbook.glossary for w in g.spellings()}
        )
        self.seed_links = SeedLinks(
            handbook, self.paths, options.learn_base_url, options.use_directory_urls
        )
        self.links = LinkGraph()
        self.registry = Registry()
        self.env = environment(options.custom_dir)
        self.values: dict[str, Any] = {
            "hb": handbook,
            "paths": self.paths,
            "P": Paths,
            "gen": self.queries,
            "checker": self.checker,
            "heading_id": _heading_id,
        }
        """What every template sees besides ``ctx`` and the page's own values."""

    @functools.cached_property
    def macros(self) -> Any:
        """The macros of ``_macros.j2`` as a module, evaluated once per site."""
        return self.env.get_template("_macros.j2").make_module(vars=self.values)

    def page(
        self,
        template: str,
        src_uri: str,
        title: str,
        origin: Node | None,
        *,
        kind: str,
        tags: list[str] | tuple[str, ...] = (),
        backlinks: bool = False,
        **values: Any,
    ) -> Page:
        """Render ``template`` as the page ``src_uri`` and record it in the registry.

        ``origin`` is the data object the page shows (its file and line make the edit
        link); ``backlinks`` adds "Referenced by" (always for `ENTITY_KINDS`)."""
        ctx = PageContext(self, src_uri)
        markdown = self.env.get_template(template).render(
            self.values, ctx=ctx, title=title, **values
        )
        page = Page(
            src_uri,
            title,
            markdown,
            kind,
            Origin(origin.at.file, origin.at.line) if origin is not None else None,
            tuple(dict.fromkeys(tags)),
            tuple(ctx.tables),
            tuple(ctx.party_tables),
            backlinks or kind in ENTITY_KINDS,
        )
        self.registry.add(page)
        return page

    def fragment(self, template: str, src_uri: str) -> str:
        """Render ``template`` as a part of the page ``src_uri`` (links relative to it),
        without recording a page."""
        ctx = PageContext(self, src_uri)
        return self.env.get_template(template).render(self.values, ctx=ctx)

    def finish(self) -> None:
        """Add front matter (tags), "Referenced by" lists and glossary abbreviations to
        every page. The lists hold the pages whose content links to the page (links in
        the lists themselves are not references)."""
        referrers = self.links.referrers()
        titles = self.registry.titles()
        abbreviations = abbreviation_block(self.hb)
        for page in self.registry:
            markdown = page.markdown
            if page.backlinks:
                refs = sorted(
                    (src, titles[src])
                    for src in referrers.get(page.src_uri, frozenset())
                    if src in titles and src != page.src_uri
                )
                if refs:
                    markdown += "\n" + self.env.get_template("backlinks.md.j2").render(
                        self.values, ctx=PageContext(self, page.src_uri), refs=refs
                    )
            front = ""
            if page.tags:
                front = "---\ntags:\n"
                front += "".join(f"  - {json.dumps(t)}\n" for t in page.tags) + "---\n\n"
            if abbreviations:
                markdown = markdown.rstrip("\n") + "\n" + abbreviations + "\n"
            self.registry.replace(dataclasses.replace(page, markdown=front + markdown))

"""The page registry: every generated page with the facts recorded when it was made.

A page's kind, tags, interactive tables and data source are recorded by the code that makes
the page (`handbook.site.pages`, and the templates through ``ctx.table``); the plugin, the
nav and the "Referenced by" lists read them here and never re-derive them from paths or
HTML.

The generated site (`Site`: the registry, the nav, the download files) and the options of
its generation (`SiteOptions`) are defined here too, without the model or the templates,
so that a site read back from `handbook.site.site_cache` costs no import of either.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from handbook.site.prose import expand

#: Kinds of page whose content is one thing of the data (a change type, a rule, a party's
#: roles...): they list the pages that link to them ("Referenced by").
ENTITY_KINDS = frozenset(
    {"change-type", "sop", "rule", "roles", "roles-party", "party", "editions", "edition", "diff"}
)


class Origin(NamedTuple):
    """The data file (its path as loaded) and 1-based line a page is generated from."""

    file: str
    line: int


@dataclass(frozen=True)
class Page:
    """A generated page.

    Attributes:
        src_uri: docs-relative path of its ``.md`` (``sops/service-accounts.md``).
        title: its title (plain text).
        markdown: its Markdown (front matter with the tags first).
        kind: what it shows: ``overview``, ``matrix``, ``edition``, ``change-management``,
            ``change-process``, ``change-types``, ``change-type``, ``sops``, ``sop``,
            ``roles``, ``roles-party``, ``rules``, ``rule``, ``code``, ``samples``,
            ``editions``, ``diff``, ``party``, ``glossary``, ``tags``, ``checker``,
            ``sources``, ``errata``, ``section`` (a folder's index listing its pages) or
            ``print`` (the print edition, not in the nav: `handbook.site.print_page`).
        origin: the data file and line it is generated from (for the edit link), or None.
        tags: its Material tags, in order.
        tables: names (``data-hb-table``) of its interactive tables, in order.
        party_tables: the names among ``tables`` of those whose cells show party labels.
        backlinks: whether it lists the pages linking to it ("Referenced by"): entity pages
            (`ENTITY_KINDS`) and every page of an older edition.
    """

    src_uri: str
    title: str
    markdown: str
    kind: str
    origin: Origin | None = None
    tags: tuple[str, ...] = ()
    tables: tuple[str, ...] = ()
    party_tables: tuple[str, ...] = ()
    backlinks: bool = False


@dataclass
class Registry:
    """The pages of a site in the order they were made; ``registry[src_uri]`` is one page
    (``KeyError`` when there is none)."""

    _pages: dict[str, Page] = field(default_factory=dict)

    def add(self, page: Page) -> None:
        """Record ``page``. Raises ``ValueError`` when a page has that src_uri already."""
        if page.src_uri in self._pages:
            raise ValueError(f"two pages at {page.src_uri}")
        self._pages[page.src_uri] = page

    def replace(self, page: Page) -> None:
        """Put ``page`` in place of the recorded page with its src_uri (same position)."""
        if page.src_uri not in self._pages:
            raise KeyError(page.src_uri)
        self._pages[page.src_uri] = page

    def __getitem__(self, src_uri: str) -> Page:
        return self._pages[src_uri]

    def __contains__(self, src_uri: object) -> bool:
        return src_uri in self._pages

    def __iter__(self) -> Iterator[Page]:
        return iter(list(self._pages.values()))

    def titles(self) -> dict[str, str]:
        """src_uri → title of every page."""
        return {p.src_uri: p.title for p in self._pages.values()}


DEFAULT_LEARN_BASE_URL = "https://learn.microsoft.com/en-us/microsoft-365/managed-desktop/"
#: Said (a warning) when a project gives no ``learn_base_url`` and the default is used.
NO_LEARN_BASE_URL = (
    "no learn_base_url in the handbook plugin's options of mkdocs.yml, so the data's relative "
    f"links resolve against {DEFAULT_LEARN_BASE_URL} (Microsoft Managed Desktop's pages); "
    "set learn_base_url to the base URL of the service's published pages"
)

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
        prose_pages: hand-written pages present in ``docs/`` (src_uris), placed in the nav.
        custom_dir: the theme's ``custom_dir`` (absolute path), whose templates replace
            the package's of the same name; None for none.
        links_from_source: write a page's relative URLs from the folder of its Markdown
            file (``sops/`` for ``sops/x.md``) instead of from its URL (``sops/x/``), for
            engines that resolve every relative URL of a page, raw HTML included, from that
            folder (Zensical; `handbook.build.prebuild`).
        print_edition: make the print pages (``print/``), which the MkDocs plugin
            assembles from the rendered pages; False for the pre-build of other engines.
    """

    learn_base_url: str = DEFAULT_LEARN_BASE_URL
    use_directory_urls: bool = True
    prose_pages: tuple[str, ...] = ("index.md",)
    custom_dir: str | None = None
    links_from_source: bool = False
    print_edition: bool = True


@dataclass(frozen=True)
class Site:
    """All generated pages (`Registry`), the nav (``mkdocs.yml`` ``nav`` form: a list of
    ``{title: src_uri}`` or ``{title: [children]}`` mappings and plain src_uris), the
    download files and the glossary's abbreviations for hand-written pages."""

    registry: Registry
    nav: list[Any]
    files: dict[str, str] = field(default_factory=dict)
    """Other generated files: site-relative path → text content (downloads)."""
    abbreviations: str = ""
    """Glossary ``abbr`` definitions for hand-written pages (see `abbreviation_block`)."""
    blocks: dict[str, dict[str, str]] = field(default_factory=dict)
    """Generated blocks of hand-written pages: ``{src_uri: {name: Markdown}}``
    (`handbook.site.prose`)."""

    @property
    def pages(self) -> list[Page]:
        """The pages in the order they were made."""
        return list(self.registry)

    def page(self, src_uri: str) -> Page:
        """The page at ``src_uri``. Raises ``KeyError`` when there is none."""
        return self.registry[src_uri]

    def prose_markdown(self, src_uri: str, markdown: str) -> str:
        """The Markdown of the hand-written page ``src_uri`` with its generated blocks
        expanded (`handbook.site.prose.expand`) and the glossary's abbreviations after it."""
        markdown = expand(markdown, self.blocks.get(src_uri, {}))
        if not self.abbreviations:
            return markdown
        return markdown.rstrip("\n") + "\n" + self.abbreviations + "\n"


def docs_prose_pages(docs_dir: Path) -> tuple[str, ...]:
    """The `PROSE_PAGES` that exist in ``docs_dir``."""
    return tuple(src for src, _ in PROSE_PAGES if (docs_dir / src).is_file())

"""The page registry: every generated page with the facts recorded when it was made.

A page's kind, tags, interactive tables and data source are recorded by the code that makes
the page (`handbook.site.pages`, and the templates through ``ctx.table``); the plugin, the
nav and the "Referenced by" lists read them here and never re-derive them from paths or
HTML.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from handbook.model.entities import Loc

#: Kinds of page whose content is one thing of the data (a change type, a rule, a party's
#: roles...): they list the pages that link to them ("Referenced by").
ENTITY_KINDS = frozenset(
    {"change-type", "sop", "rule", "roles", "roles-party", "party", "editions", "edition", "diff"}
)


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
    origin: Loc | None = None
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

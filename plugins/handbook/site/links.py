"""Links between pages: where links in the seed text go (`SeedLinks`) and which pages link
to which (`LinkGraph`, for the "Referenced by" lists)."""

from __future__ import annotations

from handbook.model.handbook import Handbook
from handbook.site.paths import Paths, page_url, relative_url
from handbook.site.text import LinkContext


def _slug(text: str) -> str:
    """GitHub/Learn-style anchor of a heading: ``Change types`` → ``change-types``."""
    out = "".join(c.lower() if c.isalnum() else "-" if c in " -" else "" for c in text)
    return "-".join(part for part in out.split("-") if part)


class SeedLinks:
    """Where a link of the seed text to a Microsoft Learn page goes: to the handbook page
    that renders that page (or section) when there is one, else to Learn."""

    def __init__(
        self, handbook: Handbook, paths: Paths, learn_base_url: str, use_directory_urls: bool
    ) -> None:
        self.hb = handbook
        self.paths = paths
        self.learn_base_url = learn_base_url
        self.use_directory_urls = use_directory_urls
        homes = self._doc_home()
        self._covered = {doc.learn_path: homes[doc.id] for doc in handbook.documents}
        self._sections = self._section_pages()
        # one context per page, not per text (a page asks ~12 times on average)
        self._contexts: dict[str, LinkContext] = {}

    def _doc_home(self) -> dict[str, str]:
        """Seed document id → the handbook page that renders its main content."""
        hb, paths = self.hb, self.paths
        homes: dict[str, str] = {}
        for doc in hb.documents:
            if any(t.source.doc == doc.id for t in hb.change_types):
                homes[doc.id] = paths.change_management(doc.edition)
            elif any(c.source.doc == doc.id for c in hb.sop_categories):
                homes[doc.id] = paths.sops(doc.edition)
            elif any(r.source.doc == doc.id for r in hb.roles):
                homes[doc.id] = Paths.roles
            elif hb.overview.source.doc == doc.id:
                homes[doc.id] = Paths.overview
            else:
                homes[doc.id] = paths.edition(doc.edition)
        return homes

    def _section_pages(self) -> dict[tuple[str, str], str]:
        """(Learn path, anchor) → page for the seed sections the handbook renders."""
        hb, paths = self.hb, self.paths
        out: dict[tuple[str, str], str] = {}
        for items, page in (
            (hb.change_types, paths.change_types),
            (hb.sop_categories, paths.sops),
            (hb.process, paths.change_process),
        ):
            for item in items:
                doc = hb.document(item.source.doc)
                out[(doc.learn_path, _slug(item.source.section))] = page(item.edition)
        if hb.matrix:
            src = hb.matrix[0].source
            out[(hb.document(src.doc).learn_path, _slug(src.section))] = Paths.matrix
        return out

    def context(self, current_url: str) -> LinkContext:
        """The `LinkContext` of the page at ``current_url`` (site-relative URL)."""
        known = self._contexts.get(current_url)
        if known is not None:
            return known

        def rel(src: str) -> str:
            return relative_url(page_url(src, self.use_directory_urls), current_url)

        context = LinkContext(
            learn_base_url=self.learn_base_url,
            covered={k: rel(v) for k, v in self._covered.items()},
            sections={k: rel(v) for k, v in self._sections.items()},
        )
        self._contexts[current_url] = context
        return context


class LinkGraph:
    """Which generated pages link to which, recorded as pages are rendered."""

    def __init__(self) -> None:
        self._sources: dict[str, set[str]] = {}

    def add(self, source: str, target: str) -> None:
        """A link from the page ``source`` to the page ``target`` (src_uris)."""
        if source != target:
            self._sources.setdefault(target, set()).add(source)

    def referrers(self) -> dict[str, frozenset[str]]:
        """A snapshot: target src_uri → the src_uris of the pages linking to it."""
        return {target: frozenset(sources) for target, sources in self._sources.items()}

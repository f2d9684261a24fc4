"""The MkDocs plugin: a thin adapter from MkDocs to the handbook's core.

This is the only module that imports mkdocs. It loads ``data/`` (`load_handbook`),
generates the pages (`generate_site`) and hands them to MkDocs as ``File.generated``
files; nothing is written into ``docs/``. Data problems stop the build with every
problem listed (file:line:column, what is wrong, what would be right) and no traceback.
Under ``mkdocs serve`` they do not stop the build: every page of the last good build (when
serve starts on broken data, of the build kept in ``.cache/handbook/``; else only
the hand-written pages) becomes the error page of
`handbook.site.problems_page`, listing the problems, so live reload shows them in the
page the contributor is reading and the next good save brings the real pages back (a
failed build would leave the browser waiting; MkDocs reloads browsers only after a build
that succeeds).

The generated site is kept between builds (`handbook.site.site_cache`), the checker's
verdicts on the samples too (`handbook.site.results`). Page templates are looked up in the
theme's ``custom_dir`` first. The interactive tables' files (`handbook.site.interactive`)
are published under ``assets/handbook/`` and loaded only by the pages the registry records
with a table (``on_page_context``); ``handbook/assets/theme`` goes before the theme's
templates (`handbook.site.interactive.theme_dir`). "Edit this page" on a generated page
opens the data file and line it comes from (`handbook.site.edit_links`).

Options (``mkdocs.yml``)::

    plugins:
      - handbook:
          data_dir: data            # relative to mkdocs.yml
          learn_base_url: https://learn.microsoft.com/en-us/microsoft-365/managed-desktop/
"""

from __future__ import annotations

import functools
import gc
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

if TYPE_CHECKING:
    from handbook.model.problems import Problem
    from handbook.site.interactive import Asset
    from handbook.site.print_page import Fragment
    from handbook.site.registry import Site, SiteOptions

log = logging.getLogger("mkdocs.plugins.handbook")


@contextmanager
def _collector_paused(*, freeze_after: bool) -> Iterator[None]:
    """Pause Python's cyclic garbage collector while the site is generated; with
    ``freeze_after``, then move every object alive into the permanent generation
    (`gc.freeze`) for the rest of the build. Reference counting still frees everything.

    Measured reason (``benchmarks/site_build.py``; README "Where a no-cache build goes"):
    a build with no cache imports pydantic, pandas, pyarrow and compliance-trestle and
    compiles the page templates, objects that live until the process ends, and the
    collector then rescans them at every full pass for the rest of the build: 0.17 s of a
    2.8 s build (the same build with the collector off throughout: 2.65 s). Paused and
    frozen here: 2.81 s -> 2.52 s, best of 3 (with the cache warm, 1.51 s -> 1.50 s).
    Frozen at most once a process (a tool that runs several builds in one process keeps
    at most the first one's cycles for good), and never under ``mkdocs serve``, a
    long-lived process whose rebuilds replace what a freeze would keep."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        if freeze_after and gc.get_freeze_count() == 0:
            gc.freeze()


class HandbookConfig(Config):  # type: ignore[no-untyped-call]
    data_dir = c.Type(str, default="data")
    """Folder of the handbook's data, relative to ``mkdocs.yml``."""
    learn_base_url = c.Optional(c.Type(str))
    """Base URL of the Microsoft Learn pages that seed links point to (default:
    `handbook.site.registry.DEFAULT_LEARN_BASE_URL`, with a warning, so a strict build of
    another service's data fails until it is set)."""


def data_edit_url(
    config: MkDocsConfig, root: Path, data_file: Path, line: int | None
) -> str | None:
    """The "edit this page" URL of a data file from ``config``'s ``repo_url``,
    ``edit_uri`` and ``docs_dir`` (see `handbook.site.edit_links.data_edit_url`)."""
    from handbook.site.edit_links import data_edit_url as edit_url

    return edit_url(config.repo_url, config.edit_uri, Path(config.docs_dir), root, data_file, line)


class HandbookPlugin(BasePlugin[HandbookConfig]):  # type: ignore[no-untyped-call]
    """Generates the handbook's pages from ``data/``."""

    def __init__(self) -> None:
        self._site: Site | None = None
        self._root = Path.cwd()
        self._assets: list[Asset] = []
        # data file -> its edit URL without the line: resolving the paths for each of the
        # ~50 generated pages cost ~10 ms of CPU a build (made anew in on_files)
        self._file_url: Callable[[str], str | None] = lambda file: None
        self._serving = False
        # The data's problems while ``mkdocs serve`` shows them in place of the pages;
        # None when the data loaded. ``_site`` then keeps the last good build's pages.
        self._problems: list[Problem] | None = None
        # The print pages (`handbook.site.print_page`): every page's rendered content
        # (on_page_content runs for all pages before any on_page_context) and the nav's order.
        self._fragments: dict[str, Fragment] = {}
        self._order: list[str] = []

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Remember whether this is ``mkdocs serve`` (its builds show data errors in the
        pages instead of failing). Also keeps this plugin object across serve's rebuilds."""
        self._serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        from handbook.site.interactive import BundleNotFoundError, theme_dir
        from handbook.site.published import EXTRA_CSS, site_assets
        from handbook.site.registry import (
            DEFAULT_LEARN_BASE_URL,
            NO_LEARN_BASE_URL,
            SiteOptions,
            docs_prose_pages,
        )

        self._root = Path(config.config_file_path or ".").resolve().parent
        data_dir = (self._root / self.config.data_dir).resolve()
        if not data_dir.is_dir():
            raise PluginError(f"handbook: data folder not found: {data_dir}")
        base = self.config.learn_base_url or DEFAULT_LEARN_BASE_URL
        if not self.config.learn_base_url:  # another service's links would go to MMD's pages
            log.warning("handbook: %s", NO_LEARN_BASE_URL)
        custom_dir = config.theme.custom_dir
        options = SiteOptions(
            learn_base_url=base if base.endswith("/") else base + "/",
            use_directory_urls=config.use_directory_urls,
            prose_pages=docs_prose_pages(Path(config.docs_dir)),
            custom_dir=str(Path(custom_dir).resolve()) if custom_dir else None,
        )
        start = time.perf_counter()
        with _collector_paused(freeze_after=not self._serving):
            site = self._generate(config, data_dir, options)
        if site is not None:  # else the data has errors (serve): _site is the last good one
            self._problems = None
            self._site = site
            log.debug("handbook: %d pages in %.3f s", len(site.pages), time.perf_counter() - start)
            try:
                self._assets = site_assets()
            except BundleNotFoundError as error:
                raise PluginError(f"handbook: {error}") from None
            config.extra_css.extend(css for css in EXTRA_CSS if css not in config.extra_css)
        if config.nav is None and self._site is not None:
            config.nav = self._site.nav
        if str(data_dir) not in config.watch:
            config.watch.append(str(data_dir))
        overrides = str(theme_dir())
        if overrides not in config.theme.dirs:
            # after a custom_dir (the site's own overrides win), before the theme
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, overrides)
        return config

    def _generate(self, config: MkDocsConfig, data_dir: Path, options: SiteOptions) -> Site | None:
        """The site of ``data_dir`` (`handbook.site.site_cache.generate`: kept between builds).
        None when the data has errors while serving (``_problems`` then holds them); raises
        `PluginError` with every problem listed when building."""
        from handbook.model.problems import format_problems
        from handbook.site.site_cache import CACHE as SITE_CACHE
        from handbook.site.site_cache import cache_file, cwd_relative, generate

        site, problems = generate(cwd_relative(data_dir), options, self._root)
        if site is None and not self._serving:
            raise PluginError("handbook: the data has errors:\n" + format_problems(problems))
        if site is None:
            # info, not warning: a warning fails a --strict build, and the browser would hang
            log.info("handbook: the data has errors (shown in every page until fixed):")
            log.info(format_problems(problems))
            self._problems = problems
            if self._site is None:  # serve started on broken data: the last good build's
                path = cache_file(self._root, cwd_relative(data_dir), options)
                self._site = SITE_CACHE.last(path)  # pages become the error pages
            return None
        # warnings (the load's and the samples') fail a --strict build; while serving they
        # are logged at info level, as errors are, so that a strict serve still reloads
        for problem in problems:
            (log.info if self._serving else log.warning)(str(problem))
        return site

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        # page templates in the theme's custom_dir replace the package's; MkDocs would
        # publish them as theme files (it skips only its own *.html templates)
        custom = config.theme.custom_dir
        for file in list(files):
            src = file.abs_src_path or ""
            if custom and src.endswith(".j2") and Path(src).is_relative_to(custom):
                files.remove(file)
        if self._problems is not None:
            # the last good build's pages, so the page being read still exists (as an error page)
            for page in self._site.pages if self._site is not None else ():
                if files.get_file_from_path(page.src_uri) is None:
                    files.append(File.generated(config, page.src_uri, content=""))
            return files
        assert self._site is not None
        # the data files' edit URLs depend on this build's config
        self._file_url = functools.cache(
            lambda file: data_edit_url(config, self._root, Path(file), None)
        )
        for page in self._site.pages:
            if files.get_file_from_path(page.src_uri) is not None:
                raise PluginError(
                    f"handbook: docs/{page.src_uri} exists, but the handbook generates that "
                    "page from data/; remove or rename the Markdown file"
                )
            # the print pages are left out of the nav on purpose: MkDocs then does not list them
            inclusion = (
                InclusionLevel.NOT_IN_NAV if page.kind == "print" else InclusionLevel.UNDEFINED
            )
            files.append(
                File.generated(config, page.src_uri, content=page.markdown, inclusion=inclusion)
            )
        for uri, content in self._site.files.items():
            files.append(File.generated(config, uri, content=content))
        for asset in self._assets:
            if files.get_file_from_path(asset.uri) is not None:
                raise PluginError(
                    f"handbook: docs/{asset.uri} exists, but the handbook publishes that file "
                    "for its interactive tables; remove or rename it"
                )
            files.append(File.generated(config, asset.uri, abs_src_path=str(asset.path)))
        # the data files' JSON Schemas (`handbook schemas`), at /schemas/<kind>.schema.json,
        # so a modeline or an editor can name them by URL
        schemas = self._root / "schemas"
        for path in sorted(schemas.glob("*.schema.json")) if schemas.is_dir() else ():
            uri = f"schemas/{path.name}"
            if files.get_file_from_path(uri) is None:
                files.append(File.generated(config, uri, abs_src_path=str(path)))
        return files

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        """Remember the nav's order of pages (the print pages follow it)."""
        self._order = [page.file.src_uri for page in nav.pages]
        self._fragments.clear()
        return nav

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        """Generated blocks (`handbook.site.prose`) and glossary tooltips on hand-written
        pages too (generated pages carry their own).
        While the data has errors (serve), no page's Markdown is rendered (its links may
        point to pages that no longer exist): `on_page_content` puts the error page in."""
        if self._problems is not None:
            return ""
        if self._site is None or page.file.src_uri in self._site.registry:
            return markdown
        return self._site.prose_markdown(page.file.src_uri, markdown)

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """While the data has errors (serve), every page is the list of problems. Otherwise
        the page's HTML is kept for the print pages."""
        if self._problems is None:
            from handbook.site.print_page import Fragment

            src = page.file.src_uri
            self._fragments[src] = Fragment(src, page.url, page.title or src, html)
            return html
        from handbook.site.problems_page import problems_html

        custom_dir = config.theme.custom_dir
        return problems_html(
            self._problems, str(Path(custom_dir).resolve()) if custom_dir else None
        )

    @event_priority(50)  # before the search plugin indexes the page (as it always was)
    def on_page_context(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        """Load the interactive tables' assets on the pages the registry says have one."""
        from handbook.site.interactive import enhance_page

        site = self._site if self._problems is None else None
        registered = site is not None and page.file.src_uri in site.registry
        if registered and site is not None and site.page(page.file.src_uri).tables:
            page.content = enhance_page(page.content or "", page.url)
        if registered and site is not None and site.page(page.file.src_uri).kind == "print":
            page.content = self._print_content(page, config, site)
        return context

    def _print_content(self, page: Page, config: MkDocsConfig, site: Site) -> str:
        """The print page's HTML: the pages it prints, in the nav's order, assembled
        (`handbook.site.print_page.assemble`)."""
        from handbook.site.print_cache import assemble_cached
        from handbook.site.print_page import PrintSource

        source = PrintSource(
            page.content or "",
            page.url,
            self._fragments,
            self._order,
            site.registry,
            config.site_name,
            config.site_url or "",
        )
        return assemble_cached(self._root, source)

    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> Page:
        """Point "edit this page" at the data file and line a generated page comes from
        (`data_edit_url`); a generated page without a data source has no edit link."""
        from handbook.site.edit_links import line_edit_url

        if self._problems is not None:
            page.edit_url = None
            return page
        if self._site is None or page.file.src_uri not in self._site.registry:
            return page
        page.edit_url = line_edit_url(self._site.page(page.file.src_uri).origin, self._file_url)
        return page

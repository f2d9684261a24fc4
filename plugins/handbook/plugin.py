"""The MkDocs plugin: a thin adapter from MkDocs to the handbook's core.

This is the only module that imports mkdocs. It loads ``data/`` (`load_handbook`),
generates the pages (`generate_site`) and hands them to MkDocs as ``File.generated``
files; nothing is written into ``docs/``. Data problems stop the build with every
problem listed (file:line:column, what is wrong, what would be right) and no traceback.

Some parts of pages show the checker's verdicts on ``data/samples/``; they, and the download
files, need the checker and pandas (`handbook.site.results`). The plugin starts computing
them in a child process first thing in ``on_config`` (`Background`) and generates every page
with a marker (an HTML comment) where such a part goes; those pages are handed to MkDocs
last. MkDocs converts the pages while the checker runs. The download files are needed by
``on_env`` (the child writes them first); the verdicts when the first page with a marker is
written, where ``on_page_context`` puts each part, converted with the site's Markdown
extensions, in place of its marker, before the search plugin indexes the page. The build
waits for the child only if it is not done by then. The MkDocs process never imports
pandas, and the HTML is that of an in-process build (``child_process: false``; a test
compares them).

Interactive tables (`handbook.site.interactive`): the DataTables bundle of the installed itables
package and our glue script and stylesheet are published as ``File.generated`` files under
``assets/handbook/``; each page whose HTML has an interactive table gets the tags that load
them, and the party legend, in ``on_page_context`` (other pages load none of them).
The plugin also puts ``handbook/assets/theme`` before the theme's templates: its
``partials/source.html`` keeps Material from asking api.github.com for repository facts, so a
page requests nothing from another host.

Options (``mkdocs.yml``)::

    plugins:
      - handbook:
          data_dir: data            # relative to mkdocs.yml
          child_process: true       # the checker's part of the site in a child process
          learn_base_url: https://learn.microsoft.com/en-us/microsoft-365/managed-desktop/
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import markdown
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

# Only the standard library behind this import: the child process that runs the checker
# starts before the rest of the package (pydantic, Jinja2...) is imported in on_config.
from handbook.site.results import MARKER, Background, ResultsError, compute

if TYPE_CHECKING:
    from handbook.model.entities import Party
    from handbook.site.generator import Site
    from handbook.site.interactive import Asset

log = logging.getLogger("mkdocs.plugins.handbook")

#: A marker (`handbook.site.results.MARKER`) with the blank line Python-Markdown puts after
#: it in a page's HTML (none at the end).
_MARKER_BLOCK = re.compile(MARKER.pattern + r"(\n\n|$)")
#: A heading in a part: the page's table of contents is made before parts are put in.
_HEADING = re.compile(r"<h[1-6][\s>]")


_T = TypeVar("_T")


def _failed(error: Exception) -> PluginError:
    return PluginError(f"handbook: the checker's part of the site failed: {error}")


class HandbookConfig(Config):  # type: ignore[no-untyped-call]
    data_dir = c.Type(str, default="data")
    """Folder of the handbook's data, relative to ``mkdocs.yml``."""
    child_process = c.Type(bool, default=True)
    """Compute the checker's part of the site (samples' verdicts, downloads) in a child
    process while MkDocs converts the pages (default); false computes it in the MkDocs
    process first (slower; for builders that cannot start processes). Same HTML either
    way."""
    learn_base_url = c.Optional(c.Type(str))
    """Base URL of the Microsoft Learn pages that seed links point to (default:
    `handbook.site.generator.DEFAULT_LEARN_BASE_URL`)."""


class HandbookPlugin(BasePlugin[HandbookConfig]):  # type: ignore[no-untyped-call]
    """Generates the handbook's pages from ``data/``."""

    def __init__(self) -> None:
        self._site: Site | None = None
        self._root = Path.cwd()
        self._parties: list[Party] = []
        self._assets: list[Asset] = []
        self._background: Background | None = None
        self._generated: set[str] = set()
        self._markdown: markdown.Markdown | None = None
        self._downloads: dict[str, File] = {}

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self._root = Path(config.config_file_path or ".").resolve().parent
        data_dir = (self._root / self.config.data_dir).resolve()
        if not data_dir.is_dir():
            raise PluginError(f"handbook: data folder not found: {data_dir}")
        # the checker's part starts now, on another CPU, while this process generates
        self._background = None
        if self.config.child_process:
            try:
                self._background = Background(self._relative(data_dir))
            except OSError as error:  # no interpreter to start, no process allowed...
                log.info(
                    "handbook: cannot start a child process (%s); the checker's part of the "
                    "site is computed in this process",
                    error,
                )
        try:
            return self._configure(config, data_dir)
        except BaseException:
            self._cancel()
            raise

    def _configure(self, config: MkDocsConfig, data_dir: Path) -> MkDocsConfig:
        from handbook.model.loader import load_handbook
        from handbook.model.problems import format_problems
        from handbook.site.generator import (
            DEFAULT_LEARN_BASE_URL,
            SiteOptions,
            docs_prose_pages,
            generate_site,
        )
        from handbook.site.interactive import BundleNotFoundError, theme_dir
        from handbook.site.interactive import assets as table_assets

        handbook, problems = load_handbook(self._relative(data_dir))
        if handbook is None:
            raise PluginError("handbook: the data has errors:\n" + format_problems(problems))
        for problem in problems:
            log.warning(str(problem))
        base = self.config.learn_base_url or DEFAULT_LEARN_BASE_URL
        options = SiteOptions(
            learn_base_url=base if base.endswith("/") else base + "/",
            use_directory_urls=config.use_directory_urls,
            site_url=config.site_url,
            prose_pages=docs_prose_pages(Path(config.docs_dir)),
        )
        start = time.perf_counter()
        results = None if self._background is not None else compute
        self._site = generate_site(handbook, options, results=results)
        log.debug(
            "handbook: %d pages generated in %.3f s; %d wait for the checker's results",
            len(self._site.pages),
            time.perf_counter() - start,
            len(self._site.pending),
        )
        self._generated = {p.src_uri for p in self._site.pages}
        self._markdown = None
        self._parties = list(handbook.parties)
        try:
            self._assets = table_assets()
        except BundleNotFoundError as error:
            raise PluginError(f"handbook: {error}") from None
        if config.nav is None:
            config.nav = self._site.nav
        if str(data_dir) not in config.watch:
            config.watch.append(str(data_dir))
        overrides = str(theme_dir())
        if overrides not in config.theme.dirs:
            # after a custom_dir (the site's own overrides win), before the theme
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, overrides)
        return config

    def _relative(self, path: Path) -> Path:
        try:
            return path.relative_to(Path.cwd())
        except ValueError:
            return path

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        assert self._site is not None
        # pages that show the checker's results go last: they are written last, when the
        # child process is done (in either mode, so both give the same search index)
        last = set(self._site.results_pages)
        for page in sorted(self._site.pages, key=lambda p: p.src_uri in last):
            if files.get_file_from_path(page.src_uri) is not None:
                raise PluginError(
                    f"handbook: docs/{page.src_uri} exists, but the handbook generates that "
                    "page from data/; remove or rename the Markdown file"
                )
            files.append(File.generated(config, page.src_uri, content=page.markdown))
        for uri, content in self._site.files.items():
            file = File.generated(config, uri, content=content)
            files.append(file)
            self._downloads[uri] = file
        for asset in self._assets:
            if files.get_file_from_path(asset.uri) is not None:
                raise PluginError(
                    f"handbook: docs/{asset.uri} exists, but the handbook publishes that file "
                    "for its interactive tables; remove or rename it"
                )
            files.append(File.generated(config, asset.uri, abs_src_path=str(asset.path)))
        return files

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        """Glossary tooltips on hand-written pages too (generated pages carry their own)."""
        if self._site is None or not self._site.abbreviations:
            return markdown
        if page.file.src_uri in self._generated:
            return markdown
        return markdown.rstrip("\n") + "\n" + self._site.abbreviations + "\n"

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        """The download files get their content before MkDocs copies static files."""
        assert self._site is not None
        if self._background is not None and not self._site.is_complete:
            downloads = self._wait("the download files", self._background.downloads)
        else:
            downloads = self._site.files
        for uri, file in self._downloads.items():
            file.content_string = downloads[uri]
        return env

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """The child process is done and its errors reported, even with no page to fill."""
        self._complete()

    def _complete(self) -> Site:
        """The site with the checker's results in (waits for `Background` once)."""
        assert self._site is not None
        if self._site.is_complete:
            return self._site
        assert self._background is not None
        results = self._wait("the checker's results", self._background.result)
        self._background = None
        try:
            self._site = self._site.complete(results)
        except RuntimeError as error:
            raise _failed(error) from None
        return self._site

    def _wait(self, what: str, fetch: Callable[[], _T]) -> _T:
        """``fetch()`` from the child process, with the time it waited in the debug log;
        a failure stops the child and the build."""
        start = time.perf_counter()
        try:
            value = fetch()
        except ResultsError as error:
            self._cancel()
            raise _failed(error) from None
        log.debug(
            "handbook: waited %.3f s for %s (child process)", time.perf_counter() - start, what
        )
        return value

    def _cancel(self) -> None:
        if self._background is not None:
            self._background.cancel()
            self._background = None

    def on_build_error(self, *, error: Exception) -> None:
        self._cancel()

    @event_priority(50)  # before the search plugin indexes the page
    def on_page_context(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        """Put the checker's parts where their markers are; then load the interactive
        tables' assets, and add the party legend, on table pages."""
        from handbook.site.interactive import enhance_page

        html = page.content or ""
        if self._site is not None and page.file.src_uri in self._site.markers:
            html = self._fill(html, page.file.src_uri, config)
        page.content = enhance_page(html, page.url, self._parties)
        return context

    def _fill(self, html: str, src_uri: str, config: MkDocsConfig) -> str:
        """``html`` with each marker replaced by its part, converted like a page is.

        Python-Markdown puts a blank line after a raw HTML block (the marker) but not after
        a fenced code block; so each part is converted with a last paragraph of its own,
        whose separator is the one the part would have had inside its page."""
        fragments = self._complete().fragments
        if self._markdown is None:
            self._markdown = markdown.Markdown(
                extensions=config.markdown_extensions, extension_configs=config.mdx_configs
            )
        converter = self._markdown
        end = "handbook-end-of-part"

        expected = set(self._site.markers.get(src_uri, ()) if self._site else ())
        found: list[str] = []

        def convert(match: re.Match[str]) -> str:
            if match.group(1) not in expected:  # not this page's (text quoting a marker)
                return match.group(0)
            found.append(match.group(1))
            text = fragments[match.group(1)] + "\n\n" + end
            body, _, _ = str(converter.reset().convert(text)).rpartition("<p>" + end + "</p>")
            if _HEADING.search(body):
                raise PluginError(
                    f"handbook: {src_uri}: a {{% call gen.deferred() %}} block holds a heading; "
                    "put the heading before the block (the table of contents is already made)"
                )
            # a marker at the end of the content has no separator after it
            return body if match.group(2) else body.rstrip("\n")

        filled = _MARKER_BLOCK.sub(convert, html)
        if sorted(found) != sorted(expected):
            raise PluginError(
                f"handbook: {src_uri}: {len(found)} of {len(expected)} places for the "
                "checker's results survived Markdown; keep each {% call gen.deferred() %} "
                "block apart, with blank lines around it"
            )
        return filled

    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> Page:
        """Point "edit this page" at the data file and line a generated page comes from."""
        if self._site is None or not config.repo_url:
            return page
        origin = (
            self._site.page(page.file.src_uri) if page.file.src_uri in self._generated else None
        )
        if origin is not None:
            if origin.origin is None or not origin.origin.file:
                page.edit_url = None
                return page
            path = Path(origin.origin.file)
            if path.is_absolute():
                try:
                    path = path.relative_to(self._root)
                except ValueError:
                    page.edit_url = None
                    return page
            repo = config.repo_url.rstrip("/")
            page.edit_url = f"{repo}/blob/main/{path.as_posix()}#L{origin.origin.line}"
        return page

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        return server

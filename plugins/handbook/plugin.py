"""The MkDocs plugin: a thin adapter from MkDocs to the handbook's core.

This is the only module that imports mkdocs. It loads ``data/`` (`load_handbook`),
generates the pages (`generate_site`) and hands them to MkDocs as ``File.generated``
files; nothing is written into ``docs/``. Data problems stop the build with every
problem listed (file:line:column, what is wrong, what would be right) and no traceback.

Interactive tables (`handbook.interactive`): the DataTables bundle of the installed itables
package and our glue script and stylesheet are published as ``File.generated`` files under
``assets/handbook/``; each page whose HTML has an interactive table gets the tags that load
them, and the party legend, in ``on_page_content`` (other pages load none of them).
The plugin also puts ``handbook/assets/theme`` before the theme's templates: its
``partials/source.html`` keeps Material from asking api.github.com for repository facts, so a
page requests nothing from another host.

Options (``mkdocs.yml``)::

    plugins:
      - handbook:
          data_dir: data            # relative to mkdocs.yml
          learn_base_url: https://learn.microsoft.com/en-us/microsoft-365/managed-desktop/
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from .interactive import Asset, BundleNotFoundError, enhance_page, theme_dir
from .interactive import assets as table_assets
from .loader import load_handbook
from .model import Party
from .problems import format_problems
from .site import DEFAULT_LEARN_BASE_URL, Site, SiteOptions, docs_prose_pages, generate_site

log = logging.getLogger("mkdocs.plugins.handbook")


class HandbookConfig(Config):  # type: ignore[no-untyped-call]
    data_dir = c.Type(str, default="data")
    """Folder of the handbook's data, relative to ``mkdocs.yml``."""
    learn_base_url = c.Type(str, default=DEFAULT_LEARN_BASE_URL)
    """Base URL of the Microsoft Learn pages that seed links point to."""


class HandbookPlugin(BasePlugin[HandbookConfig]):  # type: ignore[no-untyped-call]
    """Generates the handbook's pages from ``data/``."""

    def __init__(self) -> None:
        self._site: Site | None = None
        self._root = Path.cwd()
        self._parties: list[Party] = []
        self._assets: list[Asset] = []

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self._root = Path(config.config_file_path or ".").resolve().parent
        data_dir = (self._root / self.config.data_dir).resolve()
        if not data_dir.is_dir():
            raise PluginError(f"handbook: data folder not found: {data_dir}")
        handbook, problems = load_handbook(self._relative(data_dir))
        if handbook is None:
            raise PluginError("handbook: the data has errors:\n" + format_problems(problems))
        for problem in problems:
            log.warning(str(problem))
        base = self.config.learn_base_url
        options = SiteOptions(
            learn_base_url=base if base.endswith("/") else base + "/",
            use_directory_urls=config.use_directory_urls,
            site_url=config.site_url,
            prose_pages=docs_prose_pages(Path(config.docs_dir)),
        )
        self._site = generate_site(handbook, options)
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
        for page in self._site.pages:
            if files.get_file_from_path(page.src_uri) is not None:
                raise PluginError(
                    f"handbook: docs/{page.src_uri} exists, but the handbook generates that "
                    "page from data/; remove or rename the Markdown file"
                )
            files.append(File.generated(config, page.src_uri, content=page.markdown))
        for uri, content in self._site.files.items():
            files.append(File.generated(config, uri, content=content))
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
        if any(p.src_uri == page.file.src_uri for p in self._site.pages):
            return markdown
        return markdown.rstrip("\n") + "\n" + self._site.abbreviations + "\n"

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Load the interactive tables' assets, and add the party legend, on table pages."""
        return enhance_page(html, page.url, self._parties)

    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> Page:
        """Point "edit this page" at the data file and line a generated page comes from."""
        if self._site is None or not config.repo_url:
            return page
        generated = {p.src_uri: p for p in self._site.pages}
        origin = generated.get(page.file.src_uri)
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

"""The pre-build: everything the MkDocs plugin hands MkDocs, written into a folder that any
engine reading ``mkdocs.yml`` builds as a plain Material site (no plugin of ours).

Layout of the build folder (``handbook build --out DIR``)::

    DIR/mkdocs.yml   the engine's configuration (`handbook.build.project.engine_config`)
    DIR/docs/        generated pages, hand-written pages, downloads, schemas, table assets
    DIR/overrides/   theme overrides: ours, then the project's ``custom_dir`` on top
    DIR/site/        where the engine writes the site (Zensical wants it inside DIR)

What the plugin does in MkDocs' events, and where the pre-build does it:

- pages (``on_files``): each generated page's Markdown, as `generate_site` makes it;
- nav (``on_config``): the generated nav in the configuration;
- assets (``on_files``): the DataTables bundle of the installed itables package and our
  table script and stylesheet (`handbook.site.interactive.assets`), at the same URLs;
- interactive tables (``on_page_context``): the stylesheet links and the module script of
  `handbook.site.interactive.asset_tags` go into the Markdown of each page the registry
  records with a table, after its title line and at its end (the links in a hidden
  ``div``, as Python-Markdown passes a ``link`` line through only inside a block element);
- glossary tooltips on hand-written pages (``on_page_markdown``): the abbreviations are
  appended to each hand-written page's Markdown;
- edit links (``on_pre_page``): each generated page gets ``hb_edit_url`` in its front
  matter (`handbook.site.edit_links.data_edit_url`; empty for a page without a data
  source) and ``overrides/partials/actions.html`` uses it for the edit button;
- ``partials/source.html`` (no request to api.github.com): copied into ``overrides/``;
- downloads and the data's JSON Schemas (``on_files``): written under ``docs/``.

Files are written only when their content changed (each whole or not at all:
`handbook.files.write_bytes_atomic`, without fsync: the folder is regenerated from ``data/``
at each run), and files the pre-build did not write are removed,
so a serving engine that watches ``docs/`` sees only the pages that changed.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

from handbook.build.project import Project, engine_config
from handbook.files import write_bytes_atomic
from handbook.model.problems import Problem
from handbook.site.edit_links import data_edit_url, line_edit_url
from handbook.site.interactive import asset_tags, theme_dir
from handbook.site.paths import page_url
from handbook.site.published import site_assets
from handbook.site.registry import Page, Site, SiteOptions, docs_prose_pages

#: Our theme overrides for the pre-built site (package data).
BUILD_THEME = Path(__file__).resolve().parent / "theme"
#: Sub-folders of the build folder.
DOCS, OVERRIDES, SITE, CONFIG = "docs", "overrides", "site", "mkdocs.yml"

#: A file of the build folder: its bytes, or the file it is a copy of.
Content = bytes | Path


class PrebuildError(Exception):
    """The pre-build cannot be made: a hand-written page or file has the path of a generated
    one. The message names the file and what to do."""


@dataclass(frozen=True)
class Prebuilt:
    """What `prebuild` wrote: the generated site, the number of files written (changed)
    and removed, and the build folder's ``mkdocs.yml``."""

    site: Site
    written: int
    removed: int
    config_file: Path


def _with_front_matter(markdown: str, key: str, value: str) -> str:
    """``markdown`` with ``key: "value"`` added to its YAML front matter (one is added when
    there is none). The value is written as a JSON string, which YAML reads as it is."""
    line = f"{key}: {json.dumps(value)}\n"
    if markdown.startswith("---\n"):
        return "---\n" + line + markdown[len("---\n") :]
    return "---\n" + line + "---\n\n" + markdown


def page_markdown(page: Page, edit_url: str | None, base_url: str) -> str:
    """A generated page's Markdown for the pre-built site: its edit URL in the front
    matter, and the interactive tables' tags (URLs relative to ``base_url``, the page's
    URL or its source's, see `SiteOptions.links_from_source`) when it has a table."""
    markdown = _with_front_matter(page.markdown, "hb_edit_url", edit_url or "")
    if not page.tables:
        return markdown
    links, script = asset_tags(base_url)
    head, sep, body = markdown[4:].partition("\n---\n")
    body = body.lstrip("\n").rstrip("\n")
    # after the title line: MkDocs takes a page's title from a first line "# Title"
    title = ""
    if body.startswith("# "):
        line, _, body = body.partition("\n")
        title = line + "\n\n"
    block = f'<div class="hb-assets" hidden>\n{links}</div>\n\n'
    return "---\n" + head + sep + "\n" + title + block + body.lstrip("\n") + f"\n{script}"


def _edit_urls(project: Project, site: Site) -> dict[str, str | None]:
    """src_uri → the edit URL of each generated page (None: no data source or no link)."""
    repo_url, edit_uri = project.config.get("repo_url"), project.config.get("edit_uri")

    @functools.cache
    def file_url(file: str) -> str | None:
        path = Path(file).resolve()
        return data_edit_url(repo_url, edit_uri, project.docs_dir, project.root, path, None)

    return {page.src_uri: line_edit_url(page.origin, file_url) for page in site.pages}


def _tree(folder: Path) -> dict[str, Path]:
    """Every file under ``folder`` (posix relative path → path); {} when it is absent."""
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*")) if p.is_file()}


def build_files(project: Project, site: Site, options: SiteOptions) -> dict[str, Content]:
    """Every file of the build folder (path relative to it → content), ``mkdocs.yml``
    included.

    Raises:
        PrebuildError: a file of ``docs/`` has the path of a generated page, download,
            schema or table asset.
    """
    directory_urls = options.use_directory_urls and not options.links_from_source
    files: dict[str, Content] = {}
    generated: dict[str, Content] = {}
    edit_urls = _edit_urls(project, site)
    for page in site.pages:
        if page.kind == "print":
            continue  # assembled from the rendered pages by the MkDocs plugin only
        base = page_url(page.src_uri, directory_urls)
        text = page_markdown(page, edit_urls[page.src_uri], base)
        generated[page.src_uri] = text.encode("utf-8")
    for uri, content in site.files.items():
        generated[uri] = content.encode("utf-8")
    for asset in site_assets():
        generated[asset.uri] = asset.path
    for uri, path in _tree(project.root / "schemas").items():
        if uri.endswith(".schema.json") and "/" not in uri:
            generated[f"schemas/{uri}"] = path
    for uri, path in _tree(project.docs_dir).items():
        if uri in generated:
            if uri.startswith("schemas/"):
                continue  # the plugin lets a hand-written schema win too
            raise PrebuildError(
                f"handbook: {project.docs_dir / uri} exists, but the handbook generates that "
                "file from data/; remove or rename it"
            )
        if uri.endswith(".md"):
            text = site.prose_markdown(uri, path.read_text(encoding="utf-8"))
            files[f"{DOCS}/{uri}"] = text.encode("utf-8")
        else:
            files[f"{DOCS}/{uri}"] = path
    for uri, generated_content in generated.items():
        files.setdefault(f"{DOCS}/{uri}", generated_content)
    for source in (theme_dir(), BUILD_THEME, project.custom_dir):
        for uri, path in _tree(source).items() if source is not None else ():
            files[f"{OVERRIDES}/{uri}"] = path
    config = engine_config(project, site.nav, OVERRIDES)
    text = yaml.safe_dump(config, sort_keys=False, allow_unicode=True, width=100)
    files[CONFIG] = (
        f"# Written by `handbook build` from {project.config_file.name}; edit that instead.\n"
        + text
    ).encode("utf-8")
    return files


def _same(path: Path, content: Content) -> bool:
    """Whether ``path`` already holds ``content``."""
    try:
        if isinstance(content, Path):
            stat, other = path.stat(), content.stat()
            if stat.st_size != other.st_size:
                return False
            return path.read_bytes() == content.read_bytes()
        return path.stat().st_size == len(content) and path.read_bytes() == content
    except OSError:
        return False


def write_build(out: Path, files: dict[str, Content]) -> tuple[int, int]:
    """Make ``out`` hold exactly ``files`` (besides ``site/`` and dot-folders, which are the
    engine's): write the files whose content differs, remove the others. Returns
    ``(written, removed)``.

    Raises:
        OSError: a file cannot be written or removed (``filename`` names it).
    """
    written = removed = 0
    for rel, content in files.items():
        target = out / rel
        if _same(target, content):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        data = content.read_bytes() if isinstance(content, Path) else content
        write_bytes_atomic(target, data, durable=False)  # a cache: see its docstring
        written += 1
    for folder in (DOCS, OVERRIDES):
        for rel in _tree(out / folder):
            if f"{folder}/{rel}" not in files:
                (out / folder / rel).unlink()
                removed += 1
        for dirpath, dirnames, filenames in os.walk(out / folder, topdown=False):
            if not dirnames and not filenames and Path(dirpath) != out / folder:
                shutil.rmtree(dirpath, ignore_errors=True)
    return written, removed


def site_options(project: Project, links_from_source: bool = False) -> SiteOptions:
    """The generation options the plugin would use for ``project`` (``links_from_source``:
    see `SiteOptions`)."""
    return SiteOptions(
        learn_base_url=project.learn_base_url,
        use_directory_urls=bool(project.config.get("use_directory_urls", True)),
        prose_pages=docs_prose_pages(project.docs_dir),
        custom_dir=str(project.custom_dir) if project.custom_dir else None,
        links_from_source=links_from_source,
        print_edition=False,  # assembled from the rendered pages by the MkDocs plugin only
    )


def prebuild(
    project: Project, out: Path, links_from_source: bool = False
) -> Prebuilt | list[Problem]:
    """Generate the site of ``project``'s data and write the build folder ``out``
    (``links_from_source``: for an engine that resolves a page's relative URLs from its
    Markdown file's folder, see `SiteOptions`).

    The pages come from the same caches as the plugin's (`handbook.site.site_cache.generate`,
    ``.cache/handbook/`` beside ``mkdocs.yml``).

    Returns:
        What was written, or the data's problems when it has errors (nothing written).

    Raises:
        PrebuildError: see `build_files`.
        handbook.site.interactive.BundleNotFoundError: itables is not installed.
        OSError: the build folder cannot be written.
    """
    from handbook.site.site_cache import cwd_relative, generate

    options = site_options(project, links_from_source)
    site, problems = generate(cwd_relative(project.data_dir), options, project.root)
    if site is None:
        return problems
    files = build_files(project, site, options)
    written, removed = write_build(out, files)
    return Prebuilt(site, written, removed, out / CONFIG)

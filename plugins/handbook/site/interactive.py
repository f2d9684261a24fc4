"""Interactive tables: which files a table page needs and what goes into its HTML.

Every data table of the generated pages is ``<table class="hb-table" data-hb-table="NAME">``
(see the templates); in the browser our glue script (``assets/tables.js``) enhances each
with sorting, a text filter and facets (``data-hb-facet`` columns), built on the offline
DataTables bundle that ships inside the ``itables`` package. This module is the MkDocs-free
part of that: it locates the bundle in the installed package (without importing itables,
which would import pandas), lists the files to publish, decides which pages need them and
writes the tags into a page's HTML. Which pages have interactive tables is recorded in the
page registry (`handbook.site.registry.Page.tables`) when the page is made; the party
legend is written by the page's template (``ctx.table``). ``plugin.py`` calls this module.

Only pages with an interactive table get the tags, and they go into the page content (not
``<head>``): Material's instant navigation swaps the content and re-runs the scripts in it,
so a table page reached by instant navigation loads and initialises its tables too.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup

if TYPE_CHECKING:
    from handbook.model.entities import Party


#: Where the published files live in the site (site-relative).
ASSET_DIR = "assets/handbook"
GLUE_JS = f"{ASSET_DIR}/tables.js"
GLUE_CSS = f"{ASSET_DIR}/tables.css"
#: The glue script imports the bundle as ``./datatables/dt_bundle.js``; keep them together.
BUNDLE_JS = f"{ASSET_DIR}/datatables/dt_bundle.js"
BUNDLE_CSS = f"{ASSET_DIR}/datatables/dt_bundle.css"

#: The files of the offline bundle inside the installed itables package (``itables/html``).
BUNDLE_FILES = {BUNDLE_JS: "dt_bundle.js", BUNDLE_CSS: "dt_bundle.css"}
#: Our own files, shipped as package data in ``handbook/assets``.
GLUE_FILES = {GLUE_JS: "tables.js", GLUE_CSS: "tables.css"}


class BundleNotFoundError(RuntimeError):
    """The itables package (or its ``html/dt_bundle.*`` files) is not installed."""


@dataclass(frozen=True)
class Asset:
    """A file to publish: its site-relative ``uri`` and the file it is copied from."""

    uri: str
    path: Path


def bundle_dir() -> Path:
    """The folder of the DataTables bundle inside the installed ``itables`` package.

    Uses `importlib.util.find_spec`, which locates the package without importing it.

    Raises:
        BundleNotFoundError: itables is not installed, or has no offline bundle.
    """
    spec = importlib.util.find_spec("itables")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        folder = Path(location) / "html"
        if all((folder / name).is_file() for name in BUNDLE_FILES.values()):
            return folder
    raise BundleNotFoundError(
        "the interactive tables need the DataTables bundle of the itables package "
        "(itables/html/dt_bundle.js and dt_bundle.css); install the project with "
        "`pip install -e .` (itables is one of its dependencies)"
    )


def glue_dir() -> Path:
    """The folder of our glue script and stylesheet (package data)."""
    return Path(__file__).resolve().parent / "assets"


def theme_dir() -> Path:
    """Templates the plugin puts before the theme's: ``partials/source.html`` (Material's
    repository link without its request to api.github.com, so pages load nothing from
    another host)."""
    return glue_dir() / "theme"


def assets() -> list[Asset]:
    """Every file a table page loads, in a stable order: the bundle, then our glue."""
    bundle = bundle_dir()
    glue = glue_dir()
    out = [Asset(uri, bundle / name) for uri, name in BUNDLE_FILES.items()]
    out += [Asset(uri, glue / name) for uri, name in GLUE_FILES.items()]
    return out


def _relative(target: str, page_url: str) -> str:
    """URL of the site-relative ``target`` from the page whose URL is ``page_url``."""
    depth = page_url.count("/")
    return "../" * depth + target


def asset_tags(page_url: str) -> tuple[Markup, Markup]:
    """The stylesheet links (to put first) and the module script (to put last) of a table
    page, with URLs relative to ``page_url`` (MkDocs' ``page.url``: ``""``, ``sops/``,
    ``sops/index.html``…)."""
    links = Markup("").join(
        Markup('<link rel="stylesheet" href="{}">\n').format(_relative(uri, page_url))
        for uri in (BUNDLE_CSS, GLUE_CSS)
    )
    script = Markup('\n<script type="module" src="{}"></script>\n').format(
        _relative(GLUE_JS, page_url)
    )
    return links, script


def party_legend(parties: Iterable[Party]) -> Markup:
    """The legend of the party labels: each label (text and colour) and what it means."""
    items = Markup("").join(
        Markup('<li><span class="hb-party hb-party--{}">{}</span> {}</li>').format(
            p.id, p.label, p.description
        )
        for p in parties
    )
    return Markup(
        '<div class="hb-legend" role="note" aria-label="Legend of the party labels">'
        '<p class="hb-legend__title">Party labels</p><ul class="hb-legend__items">{}</ul></div>\n'
    ).format(items)


def enhance_page(html: str, page_url: str) -> str:
    """A table page's HTML with the stylesheets first and the glue script last (see
    `asset_tags`)."""
    links, script = asset_tags(page_url)
    return str(links) + html + str(script)

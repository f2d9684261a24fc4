"""`generate_site`: the whole site from a `Handbook`: its pages (`handbook.site.pages`),
nav (`handbook.site.nav`), download files and glossary block, without MkDocs."""

from __future__ import annotations

from handbook.model.handbook import Handbook
from handbook.site.downloads import OscalDownloads, download_files, oscal_downloads
from handbook.site.nav import make_nav
from handbook.site.pages import make_pages
from handbook.site.prose import render_blocks
from handbook.site.registry import Site, SiteOptions
from handbook.site.render import SiteRenderer, abbreviation_block
from handbook.site.results import SiteResults


def generate_site(
    handbook: Handbook,
    options: SiteOptions | None = None,
    results: SiteResults | None = None,
    oscal: OscalDownloads | None = None,
) -> Site:
    """Generate every page and the nav from ``handbook``.

    Args:
        handbook: the loaded data (`handbook.model.loader.load_handbook`).
        options: `SiteOptions`; defaults suit ``mkdocs.yml``'s defaults.
        results: the checker's part (`handbook.site.results.SiteResults`); None computes
            it in this process (`handbook.site.results.compute`, which imports pandas).
        oscal: the OSCAL files (`handbook.oscal.cache`); None builds them in this process
            (`handbook.site.downloads.oscal_downloads`, which imports compliance-trestle).

    Returns:
        A `Site` with the download files (`handbook.site.downloads.download_files`) and
        the OSCAL files (`handbook.site.downloads.oscal_downloads`).
    """
    if results is None:
        from handbook.site.results import compute

        results = compute(handbook)
    site = SiteRenderer(handbook, options or SiteOptions(), results)
    if oscal is None:
        oscal = oscal_downloads(handbook, site.options.learn_base_url)
    make_pages(site, oscal)
    blocks = render_blocks(site)
    site.finish()
    nav = make_nav(site)
    files = download_files(handbook) | oscal.files
    return Site(site.registry, nav, files, abbreviation_block(handbook), blocks)

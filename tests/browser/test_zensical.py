"""The browser tests on the Zensical build (`handbook build --engine zensical`).

This module's ``site`` fixture is the Zensical build served on 127.0.0.1, so the table and
glossary tests imported below run on it unchanged (facets, text filter, URL state, shared
links, instant navigation, every kind of table, tooltips on generated and hand-written
pages); the tests written here check the edit links and the downloads. Every page still
fails its test on a request to another host or a JavaScript error (`OfflineGuard`).
"""

from __future__ import annotations

import csv
import importlib.util
import io
import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..conftest import BIN, copy_project, run
from .conftest import SiteServer
from .test_glossary import (
    test_glossary_tooltip_appears_on_hover,
    test_hand_written_pages_get_tooltips_too,
)
from .test_tables import (
    MATRIX,
    SOPS,
    hb,
    test_a_shared_link_opens_the_same_filtered_view,
    test_every_kind_of_table_is_enhanced,
    test_initialisation_is_idempotent,
    test_instant_navigation_reinitialises_tables,
    test_matrix_facets_and_filter_change_the_rows,
    test_matrix_link_with_a_facet,
    test_sop_statements_edition_and_party_facets,
)

__all__ = [
    "hb",
    "test_a_shared_link_opens_the_same_filtered_view",
    "test_every_kind_of_table_is_enhanced",
    "test_glossary_tooltip_appears_on_hover",
    "test_hand_written_pages_get_tooltips_too",
    "test_initialisation_is_idempotent",
    "test_instant_navigation_reinitialises_tables",
    "test_matrix_facets_and_filter_change_the_rows",
    "test_matrix_link_with_a_facet",
    "test_sop_statements_edition_and_party_facets",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteServer]:
    """A copy of the project built by Zensical for the URL it is served at (Material's
    instant navigation only intercepts links of ``sitemap.xml``, matched with the port)."""
    if importlib.util.find_spec("zensical") is None:
        pytest.skip("the zensical engine is not installed: pip install -e '.[zensical]'")
    workdir = tmp_path_factory.mktemp("zensical-browser")
    project = copy_project(workdir / "project")
    server = SiteServer(workdir / "site")
    try:
        config = project / "mkdocs.yml"
        text, count = re.subn(
            r"(?m)^site_url:.*$", f"site_url: {server.url}", config.read_text(encoding="utf-8")
        )
        assert count == 1, "mkdocs.yml has no site_url line"
        config.write_text(text, encoding="utf-8")
        result = run(
            [
                str(BIN / "handbook"),
                "build",
                "--engine",
                "zensical",
                "--site-dir",
                str(workdir / "site"),
            ],
            cwd=project,
        )
        assert result.returncode == 0, result.stderr
        yield server
    finally:
        server.close()


def test_edit_button_opens_the_data_file_and_line(page: Any, site: SiteServer) -> None:
    page.goto(site.url + "sops/certificates/", wait_until="load")
    edit = page.locator("article a[rel=edit]")
    href = edit.get_attribute("href")
    assert href is not None
    assert re.fullmatch(
        r"https://github\.com/example/mmd-handbook/edit/main/data/sop-categories\.yaml#L\d+",
        href,
    )
    page.goto(site.url, wait_until="load")
    home = page.locator("article a[rel=edit]").get_attribute("href")
    assert home == "https://github.com/example/mmd-handbook/edit/main/docs/index.md"


def test_downloads_are_served_and_linked(page: Any, site: SiteServer) -> None:
    page.goto(site.url + MATRIX, wait_until="load")
    link = page.locator("article a[href$='matrix.csv']").first
    href = link.get_attribute("href")
    assert href is not None
    url = page.evaluate("(a) => a.href", link.element_handle())
    assert url.startswith(site.url)
    with urllib.request.urlopen(url) as response:
        rows = list(csv.DictReader(io.StringIO(response.read().decode("utf-8"))))
    assert rows and "responsibility" in rows[0]
    page.goto(site.url + SOPS, wait_until="load")
    json_link = page.locator("article a[href$='.json']").first
    json_url = page.evaluate("(a) => a.href", json_link.element_handle())
    with urllib.request.urlopen(json_url) as response:
        assert response.read().lstrip().startswith(b"[")


def test_the_served_site_is_zensicals(site: SiteServer) -> None:
    """The build these tests run on is Zensical's, not a MkDocs build by mistake."""
    root = Path(site.root)
    assert (root / "search.json").is_file()
    assert not (root / "search" / "search_index.json").exists()

"""The "Downloads and exports" page of a real build: its links reach the files, the OSCAL
files parse with compliance-trestle's models; without compliance-trestle the build still
passes (strict) and the page says how to get the files."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from .conftest import ROOT, run


def _page(site: Path) -> BeautifulSoup:
    return BeautifulSoup((site / "downloads" / "index.html").read_text("utf-8"), "html.parser")


def test_downloads_page_links_every_file(built_site: Path) -> None:
    pytest.importorskip("trestle", reason="needs compliance-trestle (pip install .[oscal])")
    from trestle.oscal.catalog import Catalog
    from trestle.oscal.profile import Profile
    from trestle.oscal.ssp import SystemSecurityPlan

    soup = _page(built_site)
    page_dir = built_site / "downloads"
    hrefs = [a["href"] for a in soup.select("article a[download]")]
    assert len(hrefs) == 6 * 2 + 2 * 3  # every table as CSV and JSON; 3 OSCAL files an edition
    for href in hrefs:
        assert (page_dir / str(href)).is_file(), href
    models = {"catalog": Catalog, "profile": Profile, "ssp": SystemSecurityPlan}
    for edition in ("2018", "2022"):
        for name, model in models.items():
            path = page_dir / "oscal" / edition / f"{name}.json"
            assert model.oscal_read(path) is not None
    ssp = json.loads((page_dir / "oscal" / "2022" / "ssp.json").read_bytes())
    assert ssp["system-security-plan"]["import-profile"]["href"] == "profile.json"
    nav = BeautifulSoup((built_site / "index.html").read_text("utf-8"), "html.parser")
    assert any(a.get_text(strip=True) == "Downloads and exports" for a in nav.select("nav a"))


def test_build_without_trestle_says_how_to_get_the_files(tmp_path: Path) -> None:
    site = tmp_path / "site"
    code = (
        "import sys; sys.modules['trestle'] = None\n"
        "from mkdocs.__main__ import cli\n"
        f"cli.main(args=['build', '--strict', '-f', {str(ROOT / 'mkdocs.yml')!r}, "
        f"'-d', {str(site)!r}])"
    )
    result = run([sys.executable, "-c", code])
    assert result.returncode == 0, result.stderr
    assert not (site / "downloads" / "oscal").exists()
    soup = _page(site)
    text = soup.get_text(" ", strip=True)
    assert "compliance-trestle is not installed" in text
    assert "pip install 'mmd-handbook[oscal]'" in text
    assert not [a for a in soup.select("article a[download]") if "oscal/" in str(a["href"])]

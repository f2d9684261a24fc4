"""Interactive tables without a browser: the bundle, the tags, the legend, the built site,
the page registry's record of them.

(The browser tests in tests/browser/ drive the tables themselves.)
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from handbook.model.entities import Party
from handbook.model.loader import load_handbook
from handbook.site import interactive
from handbook.site.generate import generate_site
from handbook.site.interactive import (
    BUNDLE_JS,
    GLUE_JS,
    BundleNotFoundError,
    asset_tags,
    assets,
    bundle_dir,
    enhance_page,
    party_legend,
)
from handbook.site.paths import page_url

from .conftest import DATA

PARTIES = [
    Party(id="microsoft", name="Microsoft", label="Microsoft", description="The provider."),
    Party(id="customer", name="Customer", label="Customer", description="<b>The</b> customer."),
]


def test_the_bundle_is_found_without_importing_itables_or_pandas() -> None:
    code = (
        "import sys; from handbook.site.interactive import bundle_dir; bundle_dir(); "
        "print('itables' in sys.modules, 'pandas' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["False", "False"]
    folder = bundle_dir()
    assert (folder / "dt_bundle.js").stat().st_size > 100_000
    uris = [a.uri for a in assets()]
    assert uris == [BUNDLE_JS, interactive.BUNDLE_CSS, GLUE_JS, interactive.GLUE_CSS]
    assert all(a.path.is_file() for a in assets())


def test_a_missing_bundle_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(BundleNotFoundError, match="itables"):
        bundle_dir()


def test_the_glue_imports_the_bundle_beside_it() -> None:
    glue = (interactive.glue_dir() / "tables.js").read_text(encoding="utf-8")
    imported = re.findall(r'^import .* from "([^"]+)";', glue, flags=re.M)
    assert imported == ["./datatables/dt_bundle.js"]
    assert GLUE_JS.rsplit("/", 1)[0] + "/datatables/dt_bundle.js" == BUNDLE_JS


@pytest.mark.parametrize(
    ("page_url", "prefix"),
    [("", ""), ("sops/", "../"), ("change-management/change-types/", "../../"), ("a.html", "")],
)
def test_asset_urls_are_relative_to_the_page(page_url: str, prefix: str) -> None:
    links, script = asset_tags(page_url)
    assert f'href="{prefix}assets/handbook/datatables/dt_bundle.css"' in links
    assert f'href="{prefix}assets/handbook/tables.css"' in links
    assert script.strip() == f'<script type="module" src="{prefix}{GLUE_JS}"></script>'


def test_the_tags_go_around_the_content() -> None:
    html = enhance_page("<p>intro</p>", "rules/")
    assert html.startswith('<link rel="stylesheet"')
    assert html.rstrip().endswith("</script>")
    assert "<p>intro</p>" in html  # the page's own HTML is not escaped


def test_the_registry_records_each_pages_tables(built_site: Path) -> None:
    """The tables the registry records for a page are those of its built HTML, and the
    legend stands before the first table whose cells show party labels."""
    hb, problems = load_handbook(DATA)
    assert hb is not None, problems
    site = generate_site(hb)
    assert site.page("change-management/balance-of-responsibility.md").tables == ("matrix",)
    assert site.page("overview.md").tables == ()
    for page in site.pages:
        if page.kind == "print":
            continue  # the print edition: every page's tables and legends, not interactive
        path = built_site / page_url(page.src_uri) / "index.html"
        doc = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        names = tuple(str(t["data-hb-table"]) for t in doc.select("table[data-hb-table]"))
        assert names == page.tables, page.src_uri
        legends = doc.select("div.hb-legend")
        assert len(legends) == (1 if page.party_tables else 0), page.src_uri
        if legends:
            first = legends[0].find_next("table")
            assert first is not None and first["data-hb-table"] == page.party_tables[0]
            assert first.select(".hb-party")


def test_the_legend_escapes_data() -> None:
    legend = str(party_legend(PARTIES))
    assert "&lt;b&gt;The&lt;/b&gt; customer." in legend
    assert '<span class="hb-party hb-party--microsoft">Microsoft</span> The provider.' in legend


def test_the_built_site_loads_table_assets_only_on_table_pages(built_site: Path) -> None:
    for name in ("dt_bundle.js", "dt_bundle.css"):
        assert (built_site / "assets/handbook/datatables" / name).is_file()
    with_tables = 0
    for page in built_site.rglob("*.html"):
        doc = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        scripts = [s for s in doc.find_all("script") if "tables.js" in str(s.get("src", ""))]
        if doc.select("table[data-hb-table]"):
            with_tables += 1
            assert len(scripts) == 1, page
            assert scripts[0].get("type") == "module"
            # inside the content, which Material's instant navigation swaps and re-runs
            assert scripts[0].find_parent("article") is not None, page
        else:
            assert scripts == [], page
            assert "assets/handbook/" not in str(doc), page
    assert with_tables > 10


def test_no_request_for_repository_facts(built_site: Path) -> None:
    """Material's ``data-md-component="source"`` fetches stars from api.github.com."""
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert 'class="md-source"' in home
    assert 'data-md-component="source"' not in home

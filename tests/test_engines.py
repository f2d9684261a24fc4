"""The same handbook on each engine: `handbook build --engine zensical|properdocs` against
the reference build (MkDocs with the plugin, ``built_site``), page by page.

For every page: the same path, the same visible text of the main content, the same tags,
link targets, anchors, glossary tooltips, title and edit link; the same downloads, schemas
and table assets byte for byte; every seed statement on the Zensical build. What an engine
does differently is listed, with the reason, in `tests.engine_builds.ENGINE_LIMITS`; the
last tests check each listed difference is still real.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from handbook.build.prebuild import page_markdown, write_build
from handbook.site.registry import Page

from . import test_site as site_checks  # a module, so its tests are not collected twice
from .conftest import ROOT, copy_project, run
from .engine_builds import ENGINE_LIMITS, ENGINES, Built, build_with, pages, view
from .test_site import seed_items, site_text

_BUILDS: dict[str, Built] = {}


def _build(engine: str, factory: pytest.TempPathFactory) -> Built:
    """The handbook built by ``engine``, once per test session."""
    if engine not in _BUILDS:
        _BUILDS[engine] = build_with(engine, factory.mktemp(engine))
    return _BUILDS[engine]


@pytest.fixture(scope="module", params=ENGINES)
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The handbook built by each engine other than MkDocs."""
    return _build(str(request.param), tmp_path_factory)


@pytest.fixture(scope="module")
def zensical(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return _build("zensical", tmp_path_factory)


@pytest.fixture(scope="module")
def zensical_text(zensical: Built) -> str:
    """The text of every article of the Zensical build (`tests.test_site.site_text`)."""
    return site_text(zensical.site)


def test_same_pages_at_the_same_urls(built_site: Path, built: Built) -> None:
    assert pages(built.site) == pages(built_site)
    assert len(pages(built_site)) > 60


def test_each_page_reads_the_same(built_site: Path, built: Built) -> None:
    differ: dict[str, list[str]] = {}
    for page in pages(built_site):
        ref, got = view(built_site, page), view(built.site, page)
        fields = [
            f
            for f in ("text", "tags", "links", "ids", "title", "abbrs")
            if getattr(ref, f) != getattr(got, f)
        ]
        if page == "index.html" and "homepage-title" in ENGINE_LIMITS[built.engine]:
            fields = [f for f in fields if f != "title"]
        if fields:
            differ[page] = fields
    assert differ == {}


def test_edit_links_open_the_data_file(built_site: Path, built: Built) -> None:
    edits = {p: view(built.site, p).edit for p in pages(built_site)}
    assert edits == {p: view(built_site, p).edit for p in pages(built_site)}
    sop = edits["sops/certificates/index.html"]
    assert sop is not None and "/edit/main/data/sop-categories.yaml#L" in sop
    assert edits["index.html"] == "https://github.com/example/mmd-handbook/edit/main/docs/index.md"


def test_same_downloads_schemas_and_table_assets(built_site: Path, built: Built) -> None:
    files = [
        p.relative_to(built_site).as_posix()
        for folder in ("downloads", "schemas", "assets/handbook")
        for p in sorted((built_site / folder).rglob("*"))
        if p.is_file() and p.name != "index.html"  # downloads/index.html is a page
    ]
    assert len(files) > 10
    different = [f for f in files if (built.site / f).read_bytes() != (built_site / f).read_bytes()]
    assert different == []


def test_table_pages_load_the_table_assets(built: Built) -> None:
    """Only pages with an interactive table load the bundle and glue, and the URLs they
    load resolve to files of the site."""
    loaded = 0
    for page in pages(built.site):
        seen = view(built.site, page)
        if not seen.interactive:
            assert seen.assets == (), page
            continue
        loaded += 1
        assert len(seen.assets) == 3, page
        for url in seen.assets:
            target = (built.site / page).parent / url
            assert target.resolve().is_file(), f"{page}: {url}"
    assert loaded > 20


@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
def test_every_seed_statement_on_the_zensical_build(zensical_text: str, seed: str) -> None:
    text = zensical_text
    items = seed_items(seed)
    assert items
    assert [item for item in items if item and item not in text] == []


def test_zensical_build_has_every_statement_the_matrix_and_working_links(
    zensical: Built,
) -> None:
    """The checks of `tests.test_site` that read the site, on the Zensical build: every
    data statement, the matrix cell by cell against seed 002, every internal link."""
    site_checks.test_every_data_statement_is_on_the_site(zensical.site)
    site_checks.test_matrix_cell_by_cell(zensical.site)
    site_checks.test_internal_links_resolve(zensical.site)


def test_listed_limits_are_still_real(zensical: Built) -> None:
    """Each difference `ENGINE_LIMITS` lists for Zensical is still there: when Zensical
    catches up, this fails and the entry goes."""
    limits = ENGINE_LIMITS["zensical"]
    page = (zensical.site / "sops/certificates/index.html").read_text(encoding="utf-8")
    article = str(BeautifulSoup(page, "html.parser").select_one("article"))
    assert "tags-after-content" in limits
    assert article.index('class="md-tags') > article.index("<h1")
    tags = BeautifulSoup((zensical.site / "tags/index.html").read_text(), "html.parser")
    assert "tag-permalinks" in limits
    assert tags.select("h2[id^='tag:']") and not tags.select("h2[id^='tag:'] a.headerlink")
    home = BeautifulSoup((zensical.site / "index.html").read_text(), "html.parser")
    assert "homepage-title" in limits
    assert home.title is not None and home.title.get_text().startswith("Home - ")
    assert "search-index" in limits
    assert not (zensical.site / "search/search_index.json").exists()
    assert "print-pages" in limits
    assert not (zensical.site / "print").exists()


def test_prebuilt_markdown_runs_on_mkdocs_too(built_site: Path, tmp_path: Path) -> None:
    """The pre-built folder, without the plugin, built by MkDocs, reads like the plugin's
    build (so a difference on another engine is the engine's, not the pre-build's)."""
    built = build_with("mkdocs", tmp_path, "--prebuilt")
    config = (built.out / "mkdocs.yml").read_text(encoding="utf-8")
    assert "handbook" not in config.split("plugins:")[1].split("\n\n")[0]
    assert pages(built.site) == pages(built_site)
    differ = [p for p in pages(built_site) if view(built_site, p) != view(built.site, p)]
    assert differ == []


def test_a_missing_engine_says_how_to_install_it(tmp_path: Path) -> None:
    code = (
        "import sys; sys.executable = '/nonexistent/bin/python'; "
        "from handbook.cli import main; sys.exit(main(['build', '--engine', 'zensical']))"
    )
    env = {**os.environ, "PATH": str(tmp_path), "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "zensical engine is not installed" in result.stderr
    assert "pip install -e '.[zensical]'" in result.stderr


def test_bad_mkdocs_yml_names_file_line_and_column(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    (project / "mkdocs.yml").write_text("site_name: x\ntheme: [\n", encoding="utf-8")
    result = run(
        [sys.executable, "-m", "handbook.cli", "build", "--engine", "zensical"], cwd=project
    )
    assert result.returncode == 2
    assert "mkdocs.yml:3:1:" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("--out", ".", "contains the project"),
        ("--out", "docs/build", "overlaps the docs folder"),
        ("--site-dir", "data", "overlaps the data folder"),
        ("--site-dir", "..", "contains the project"),
    ],
)
def test_out_and_site_dir_never_touch_the_project(
    tmp_path: Path, option: str, value: str, says: str
) -> None:
    project = copy_project(tmp_path / "p")
    before = sorted(p.relative_to(project) for p in project.rglob("*"))
    result = run(
        [sys.executable, "-m", "handbook.cli", "build", "--engine", "zensical", option, value],
        cwd=project,
    )
    assert result.returncode == 2
    assert says in result.stderr
    assert sorted(p.relative_to(project) for p in project.rglob("*")) == before


def test_bad_data_stops_the_build_with_every_problem(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    rules = project / "data" / "rules.yaml"
    rules.write_text("rules: [\n", encoding="utf-8")
    result = run(
        [sys.executable, "-m", "handbook.cli", "build", "--engine", "zensical"], cwd=project
    )
    assert result.returncode == 2
    assert "data/rules.yaml:" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (project / "site").exists()


def test_a_failed_mkdocs_build_leaves_the_last_site_whole(tmp_path: Path) -> None:
    """MkDocs empties its site folder before it builds; ``handbook build`` builds into a
    new folder swapped in on success, so a build that fails keeps the last good site."""
    project = copy_project(tmp_path / "p")
    command = [sys.executable, "-m", "handbook.cli", "build", "--engine", "mkdocs"]
    first = run(command, cwd=project)
    assert first.returncode == 0, first.stderr
    before = sorted(p.relative_to(project) for p in (project / "site").rglob("*"))
    assert len(before) > 100
    (project / "data" / "rules.yaml").write_text("rules: [\n", encoding="utf-8")
    result = run(command, cwd=project)
    assert result.returncode == 2 and "site unchanged" in result.stderr, result.stderr
    assert sorted(p.relative_to(project) for p in (project / "site").rglob("*")) == before
    assert [p.name for p in project.iterdir() if "handbook-" in p.name] == []


def test_page_markdown_carries_edit_url_and_table_tags() -> None:
    page = Page(
        src_uri="sops/x.md",
        title="X",
        markdown='---\ntags:\n  - "A"\n---\n\n# X\n\ntext\n',
        kind="sop",
        tables=("t",),
    )
    text = page_markdown(page, 'https://e/"q"', "sops/")
    assert text.startswith('---\nhb_edit_url: "https://e/\\"q\\""\ntags:\n')
    _, _, body = text.partition("\n---\n")
    assert body.lstrip().startswith('# X\n\n<div class="hb-assets" hidden>\n<link')
    assert 'href="../assets/handbook/tables.css"' in body
    assert body.rstrip().endswith(
        '<script type="module" src="../assets/handbook/tables.js"></script>'
    )
    plain = page_markdown(Page(src_uri="a.md", title="A", markdown="# A\n", kind="x"), None, "")
    assert plain == '---\nhb_edit_url: ""\n---\n\n# A\n'


def test_write_build_writes_only_what_changed_and_removes_the_rest(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert write_build(out, {"docs/a.md": b"a", "docs/b/c.md": b"c"}) == (2, 0)
    before = (out / "docs/a.md").stat().st_mtime_ns
    assert write_build(out, {"docs/a.md": b"a", "docs/d.md": b"d"}) == (1, 1)
    assert (out / "docs/a.md").stat().st_mtime_ns == before
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == [
        "docs",
        "docs/a.md",
        "docs/d.md",
    ]

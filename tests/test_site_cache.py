"""The generated site kept between builds (`handbook.site.site_cache`): a build of unchanged
inputs reads its pages back instead of loading the data and rendering the templates, and
gives the same site; any input that changes (data, a ``custom_dir`` template, the options)
gives new pages; a damaged cache costs a generation, never a build (an unwritable one:
``test_site_results.py``)."""

from __future__ import annotations

import json
from pathlib import Path

from handbook.site.registry import SiteOptions
from handbook.site.site_cache import CACHE_DIR, site_key

from .conftest import BIN, build_imports, copy_project, edit, run

STATEMENT = "Advise and plan with customers to minimize risk to business users."
PAGE = Path("sops") / "network" / "index.html"


def build(project: Path, site: Path) -> bool:
    """Build ``project`` into ``site`` in a new process; True when it loaded the data."""
    return build_imports(project, site, "handbook.model.entities")


def tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def test_a_build_of_unchanged_inputs_reads_the_pages_back(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    assert build(project, tmp_path / "cold")
    assert len(list((project / CACHE_DIR).glob("site-*.json"))) == 1
    assert not build(project, tmp_path / "warm")
    cold, warm = tree(tmp_path / "cold"), tree(tmp_path / "warm")
    assert cold.keys() == warm.keys() and len(cold) > 100
    assert [name for name in cold if cold[name] != warm[name]] == []


def test_configurations_built_in_turns_keep_a_site_each(tmp_path: Path) -> None:
    """``handbook pages`` (other options) between two builds does not evict the build's
    pages: each configuration has its own cache file."""
    project = copy_project(tmp_path / "project")
    assert build(project, tmp_path / "one")
    pages = [str(BIN / "handbook"), "pages", "--data", "data", "--out", str(tmp_path / "md")]
    assert run(pages, cwd=project).returncode == 0
    assert len(list((project / CACHE_DIR).glob("site-*.json"))) == 2
    assert not build(project, tmp_path / "two")
    assert run(pages, cwd=project).returncode == 0


def test_changed_data_gives_new_pages(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    assert build(project, tmp_path / "one")
    edit(project / "data" / "sop-categories.yaml", STATEMENT, "Plan each change with us.")
    assert build(project, tmp_path / "two")
    page = (tmp_path / "two" / PAGE).read_text("utf-8")
    assert "Plan each change with us." in page and STATEMENT not in page
    assert not build(project, tmp_path / "three")  # kept again
    assert "Plan each change with us." in (tmp_path / "three" / PAGE).read_text("utf-8")


def test_a_custom_dir_template_gives_new_pages(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    edit(project / "mkdocs.yml", "  name: material\n", "  name: material\n  custom_dir: theme\n")
    (project / "theme").mkdir()
    assert build(project, tmp_path / "one")
    (project / "theme" / "sources.md.j2").write_text(
        '# {{ title | heading }}\n\n<p class="ours">Our own sources page.</p>\n',
        encoding="utf-8",
    )
    assert build(project, tmp_path / "two")
    html = (tmp_path / "two" / "sources" / "index.html").read_text("utf-8")
    assert '<p class="ours">Our own sources page.</p>' in html


def test_a_damaged_cache_costs_a_generation(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    assert build(project, tmp_path / "good")
    (cache,) = (project / CACHE_DIR).glob("site-*.json")
    good = json.loads(cache.read_text("utf-8"))
    shapes = [
        "not json",
        "[]",
        "",
        json.dumps({**good, "pages": [{"src_uri": "x.md"}]}),
        json.dumps({**good, "files": {"a.csv": 3}}),
        json.dumps({**good, "pages": [{**good["pages"][0], "origin": [1]}]}),
    ]
    for text in shapes:
        cache.write_text(text, encoding="utf-8")
        assert build(project, tmp_path / "site"), text
        assert tree(tmp_path / "site") == tree(tmp_path / "good")
    assert json.loads(cache.read_text("utf-8"))["pages"]  # rewritten whole


def test_the_key_covers_the_options_and_the_data_folder(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    data = project / "data"
    key = site_key(data, SiteOptions(), project)
    assert site_key(data, SiteOptions(), project) == key
    assert site_key(data, SiteOptions(use_directory_urls=False), project) != key
    assert site_key(data, SiteOptions(learn_base_url="https://example.org/"), project) != key
    assert site_key(Path("elsewhere") / "data", SiteOptions(), project) != key
    edit(project / "mkdocs.yml", "https://handbook.example.org/", "https://example.net/")
    assert site_key(data, SiteOptions(), project) != key
    key = site_key(data, SiteOptions(), project)
    (data / "samples" / "new.yaml").write_text("# a new file\n", encoding="utf-8")
    assert site_key(data, SiteOptions(), project) != key

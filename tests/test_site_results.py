"""The site in one process: the checker's part kept between builds (in memory and in
``.cache/handbook/``), templates from the theme's ``custom_dir`` first and compiled once
per process, and backlinks that are references."""

from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path

import pytest

from handbook.checker.samples import sample_verdicts
from handbook.model.handbook import Handbook
from handbook.model.loader import load_handbook
from handbook.site.generate import generate_site
from handbook.site.paths import page_url, relative_url
from handbook.site.render import environment
from handbook.site.results import (
    CACHE_FILE,
    ResultsCache,
    SiteResults,
    compute,
    data_key,
    format_samples,
)
from handbook.site.site_cache import CACHE_DIR as SITE_CACHE_DIR

from .conftest import DATA, build_imports, copy_project, edit


@pytest.fixture(scope="module")
def handbook() -> Handbook:
    hb, problems = load_handbook(DATA)
    assert hb is not None, problems
    return hb


def build(project: Path, site: Path) -> bool:
    """Build ``project`` into ``site`` in a new process; True when it imported pandas.
    The generated pages' cache is emptied first: a build that reads them back consults no
    results at all (`handbook.site.site_cache`, tested in ``test_site_cache.py``)."""
    if (project / SITE_CACHE_DIR).is_dir():
        for kept in (project / SITE_CACHE_DIR).glob("site-*.json"):
            kept.unlink()
    imported = build_imports(project, site, "pandas")
    samples = (site / "rules" / "samples" / "index.html").read_text("utf-8")
    assert "hb-pass" in samples  # the verdicts are there
    csv = (site / "downloads" / "matrix.csv").read_text("utf-8")
    assert csv.startswith("id,responsibility,")
    return imported


def test_a_build_with_unchanged_data_does_not_import_pandas(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    assert build(project, tmp_path / "cold")  # computes, and writes the cache
    assert (project / CACHE_FILE).is_file()
    assert not build(project, tmp_path / "warm")
    cold = (tmp_path / "cold" / "checker" / "output-formats" / "index.html").read_bytes()
    warm = (tmp_path / "warm" / "checker" / "output-formats" / "index.html").read_bytes()
    assert cold == warm
    edit(project / "data" / "samples" / "samples.yaml", "\n", "\n# changed\n")
    assert build(project, tmp_path / "changed")  # other data: computed again


def test_a_corrupt_cache_costs_a_recomputation(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    cache = project / CACHE_FILE
    cache.parent.mkdir(parents=True)
    for text in ("not json", '{"format": 1, "key": "x"}', "[]", ""):
        cache.write_text(text, encoding="utf-8")
        assert build(project, tmp_path / "site")
    assert json.loads(cache.read_text("utf-8"))["verdicts"]  # rewritten whole


def test_a_cache_file_of_the_right_key_with_a_damaged_value_costs_a_recomputation(
    tmp_path: Path,
) -> None:
    """A value of the wrong type in a cache file whose key matches (a verdict's
    ``expected`` null) failed the build with a ``TypeError`` traceback; now each value is
    checked as it is read."""
    project = copy_project(tmp_path / "project")
    assert build(project, tmp_path / "cold")
    cache = project / CACHE_FILE
    whole = json.loads(cache.read_text("utf-8"))
    for damage in ({"expected": None}, {"line": "three"}, {"messages": [1]}):
        data = json.loads(json.dumps(whole))
        data["verdicts"][0].update(damage)
        cache.write_text(json.dumps(data), encoding="utf-8")
        assert build(project, tmp_path / "site")  # recomputed, and the build passed
    data = json.loads(json.dumps(whole))
    data["formats"]["json"] = 1
    cache.write_text(json.dumps(data), encoding="utf-8")
    assert build(project, tmp_path / "site")
    assert json.loads(cache.read_text("utf-8")) == whole  # rewritten whole


def test_an_unwritable_cache_costs_a_recomputation(tmp_path: Path) -> None:
    """Neither the results nor the generated pages (`handbook.site.site_cache`) can be
    kept: each build loads and computes everything, and succeeds."""
    project = copy_project(tmp_path / "project")
    (project / ".cache").write_text("a file where the cache folder goes", encoding="utf-8")
    assert build(project, tmp_path / "one")
    assert build(project, tmp_path / "two")


def test_results_stay_in_memory_while_the_data_is_the_same(
    handbook: Handbook, tmp_path: Path
) -> None:
    cache = ResultsCache()
    first = cache.get(handbook, None)
    assert cache.get(handbook, None) is first
    assert first.verdicts and all(v.passed for v in first.verdicts) and first.formats


def _key(data: Path) -> str:
    hb, problems = load_handbook(data)
    assert hb is not None, problems
    return data_key(hb)


def test_the_results_are_keyed_on_what_the_checker_reads(tmp_path: Path) -> None:
    """A page's text (a statement that prohibits nothing, the matrix) leaves the key as
    it is, so ``mkdocs serve`` does not recompute the results; what the checker reads
    (rules, a prohibiting statement, a sample file, ``mkdocs.yml``'s site_url) changes it."""
    data = copy_project(tmp_path) / "data"
    key = _key(data)
    sops = data / "sop-categories.yaml"
    edit(sops, "Advise and plan with customers", "Advise and plan with our customers")
    edit(data / "responsibility-matrix.csv", "Provide new functionality", "Provide new features")
    assert _key(data) == key
    for path, old, new in [
        (sops, "Not reset the password", "Not ever reset the password"),
        (data / "rules.yaml", "at_least: P5D", "at_least: P7D"),
        (data / "samples" / "mmd001-advance-notice.yaml", "\n", "\n# changed\n"),
        (tmp_path / "mkdocs.yml", "https://handbook.example.org/", "https://example.net/"),
    ]:
        edit(path, old, new)
        assert _key(data) != key, path
        key = _key(data)


def test_the_checker_view_hides_nothing_the_checker_reads(handbook: Handbook) -> None:
    """The results computed on `checker_view` (what `data_key` hashes) are those of the
    whole handbook."""
    whole = SiteResults(sample_verdicts(handbook), format_samples(handbook))
    assert compute(handbook) == whole


def test_a_custom_dir_template_replaces_the_packages(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    edit(project / "mkdocs.yml", "  name: material\n", "  name: material\n  custom_dir: theme\n")
    (project / "theme").mkdir()
    (project / "theme" / "sources.md.j2").write_text(
        '# {{ title | heading }}\n\n<p class="ours">Our own sources page.</p>\n',
        encoding="utf-8",
    )
    build_imports(project, tmp_path / "site", "pandas")
    html = (tmp_path / "site" / "sources" / "index.html").read_text("utf-8")
    assert '<p class="ours">Our own sources page.</p>' in html
    other = (tmp_path / "site" / "errata" / "index.html").read_text("utf-8")
    assert "hb-errata" in other  # the other templates are the package's
    assert not list((tmp_path / "site").rglob("*.j2"))  # and none is published


def test_templates_are_compiled_once_per_process(handbook: Handbook) -> None:
    env = environment(None)
    assert environment(None) is env
    generate_site(handbook)
    template = env.get_template("rule.md.j2")
    generate_site(handbook)
    assert env.get_template("rule.md.j2") is template


def test_backlinks_are_references_in_content(handbook: Handbook) -> None:
    """Every "Referenced by" entry is a page whose content (not its own "Referenced by"
    list) links to the page; so the lists do not depend on the order pages are made."""
    site = generate_site(handbook)
    by_url = {page_url(p.src_uri): p for p in site.pages}
    checked = 0
    for page in site.pages:
        if "## Referenced by" not in page.markdown:
            continue
        here = page_url(page.src_uri)
        listing = page.markdown.split("## Referenced by", 1)[1].split("</ul>", 1)[0]
        for href in re.findall(r'<a href="([^"#]+)"', listing):
            source = by_url[posixpath.normpath(posixpath.join(here, href)) + "/"]
            content = source.markdown.split("## Referenced by", 1)[0]
            back = relative_url(here, page_url(source.src_uri))
            assert f'href="{back}' in content, (page.src_uri, source.src_uri)
            checked += 1
    assert checked > 50


def test_the_registry_records_kinds_tags_and_sources(handbook: Handbook) -> None:
    site = generate_site(handbook)
    rule = site.page("rules/mmd001.md")
    assert rule.kind == "rule" and rule.tags == ("Rules", "Microsoft") and rule.backlinks
    assert rule.origin is not None and rule.origin.file.endswith("rules.yaml")
    assert site.page("rules/e001.md").kind == "code" and not site.page("rules/e001.md").backlinks
    old = site.page("editions/2018/sops/index.md")
    assert old.tags[0] == "2018 edition" and old.backlinks
    assert {p.kind for p in site.pages} >= {"sop", "change-type", "party", "diff", "checker"}


def test_a_strict_build_fails_on_a_sample_that_does_not_match(tmp_path: Path) -> None:
    """What verify and validate fail on in the samples fails a strict build too (a
    contributor who only watched the build saw green), and warnings are not cached."""
    from .conftest import mkdocs_build

    project = copy_project(tmp_path / "project")
    samples = project / "data" / "samples"
    edit(samples / "samples.yaml", "CHG-0102: [MMD001]", "CHG-0102: []")
    lines = (samples / "mmd001-advance-notice.yaml").read_text("utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, 1) if "CHG-0102" in text)
    for _ in range(2):  # the second build comes from the caches
        result = mkdocs_build(project, tmp_path / "site")
        assert result.returncode == 1
        assert (
            f"data/samples/mmd001-advance-notice.yaml:{line}: warning[sample-mismatch] record "
            "CHG-0102: samples.yaml expects no finding; the checker reports MMD001"
        ) in result.stderr

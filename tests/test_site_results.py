"""The checker's part of the site, computed apart (a child process in a build) and the
same pages either way; the template cache; backlinks that are references."""

from __future__ import annotations

import posixpath
import re
import sys
from pathlib import Path

import pytest
from jinja2 import ChoiceLoader, DictLoader

from handbook.model.handbook import Handbook
from handbook.model.loader import load_handbook
from handbook.site.generator import (
    TEMPLATE_CACHE_ENV,
    Generator,
    SiteOptions,
    generate_site,
    page_url,
    relative_url,
    template_cache,
)
from handbook.site.results import Background, ResultsError, SiteResults, compute

from .conftest import BIN, DATA, copy_project, edit, run


@pytest.fixture(scope="module")
def handbook() -> Handbook:
    hb, problems = load_handbook(DATA)
    assert hb is not None, problems
    return hb


@pytest.fixture(scope="module")
def results(handbook: Handbook) -> SiteResults:
    return compute(handbook)


def test_deferred_generation_gives_the_same_site(handbook: Handbook, results: SiteResults) -> None:
    inline = generate_site(handbook, results=results)
    draft = generate_site(handbook, results=None)
    assert not inline.pending and inline.is_complete
    assert draft.pending and not draft.is_complete
    # the drafts have every page, title and nav entry already; only the checker's part waits
    assert [p.src_uri for p in draft.pages] == [p.src_uri for p in inline.pages]
    assert [p.title for p in draft.pages] == [p.title for p in inline.pages]
    assert draft.nav == inline.nav
    assert set(draft.files) == set(inline.files) and not any(draft.files.values())
    final = draft.complete(results)
    assert final.is_complete and not final.pending
    assert [p.markdown for p in final.pages] == [p.markdown for p in inline.pages]
    assert final.files == inline.files
    assert final.complete(results) is final


def test_only_pages_that_show_checker_results_wait(handbook: Handbook) -> None:
    draft = generate_site(handbook, results=None)
    pending = set(draft.pending)
    for must in ("rules/samples.md", "checker/examples.md", "checker/output-formats.md"):
        assert must in pending
    for never in ("overview.md", "change-management/balance-of-responsibility.md", "glossary.md"):
        assert never not in pending
    # pages that do not wait are final in the draft
    inline = generate_site(handbook)
    final = {p.src_uri: p.markdown for p in inline.pages}
    for page in draft.pages:
        if page.src_uri not in pending:
            assert page.markdown == final[page.src_uri], page.src_uri


def test_results_are_complete(results: SiteResults) -> None:
    assert results.verdicts and results.formats and results.downloads
    assert all(v.passed for v in results.verdicts)


def test_background_process_gives_the_same_results(results: SiteResults) -> None:
    background = Background(DATA)
    assert background.downloads() == results.downloads
    assert background.result() == results
    assert background.result() is background.result()  # waited for once


def test_background_reports_bad_data_without_traceback(data_copy: Path) -> None:
    edit(data_copy / "rules.yaml", "id: MMD001", "id: [MMD001")
    background = Background(data_copy)
    with pytest.raises(ResultsError) as caught:
        background.result()
    message = str(caught.value)
    assert "exited with 2" in message and "rules.yaml:" in message
    assert "Traceback" not in message


def test_background_cancel_is_idempotent() -> None:
    background = Background(DATA)
    background.cancel()
    background.cancel()
    with pytest.raises(ResultsError, match="cancelled"):
        background.result()


def test_child_process_command_line(tmp_path: Path) -> None:
    bad = run([sys.executable, "-m", "handbook.site.results"])
    assert bad.returncode == 2 and "usage:" in bad.stderr
    missing = run([sys.executable, "-m", "handbook.site.results", str(tmp_path / "none")])
    assert missing.returncode == 2 and "Traceback" not in missing.stderr


def test_mkdocs_process_never_imports_pandas(tmp_path: Path) -> None:
    """The build's own process leaves the checker (pandas, NumPy) to the child process."""
    project = copy_project(tmp_path / "project")
    code = (
        "import sys\n"
        "from mkdocs.__main__ import cli\n"
        "try:\n"
        f"    cli(['build', '--strict', '-q', '-d', {str(tmp_path / 'site')!r}])\n"
        "except SystemExit as e:\n"
        "    assert not e.code, e.code\n"
        "print('pandas' in sys.modules, 'numpy' in sys.modules)\n"
    )
    result = run([sys.executable, "-c", code], cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]
    samples = (tmp_path / "site" / "rules" / "samples" / "index.html").read_text("utf-8")
    assert "hb-pass" in samples  # the verdicts did arrive
    csv = (tmp_path / "site" / "downloads" / "matrix.csv").read_text("utf-8")
    assert csv.startswith("responsibility,")


def test_verbose_build_says_how_long_it_waited(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    result = run([str(BIN / "mkdocs"), "build", "-v", "-d", str(tmp_path / "site")], cwd=project)
    assert result.returncode == 0, result.stderr
    assert re.search(r"handbook: \d+ pages generated in [0-9.]+ s; \d+ wait", result.stderr)
    assert re.search(r"handbook: waited [0-9.]+ s for the checker's results", result.stderr)


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


def test_template_cache_keeps_compiled_templates(
    handbook: Handbook, results: SiteResults, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cache"
    monkeypatch.setenv(TEMPLATE_CACHE_ENV, str(folder))
    first = generate_site(handbook, results=results)
    assert len(list(folder.iterdir())) >= 10
    second = generate_site(handbook, results=results)
    assert [p.markdown for p in second.pages] == [p.markdown for p in first.pages]
    monkeypatch.setenv(TEMPLATE_CACHE_ENV, "off")
    assert template_cache() is None
    assert [p.markdown for p in generate_site(handbook, results=results).pages] == [
        p.markdown for p in first.pages
    ]


def test_a_broken_template_cache_costs_a_compile(
    handbook: Handbook, results: SiteResults, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cache"
    monkeypatch.setenv(TEMPLATE_CACHE_ENV, str(folder))
    expected = [p.markdown for p in generate_site(handbook, results=results).pages]
    for entry in folder.iterdir():
        entry.write_bytes(b"not bytecode")
    assert [p.markdown for p in generate_site(handbook, results=results).pages] == expected
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder should be", "utf-8")
    monkeypatch.setenv(TEMPLATE_CACHE_ENV, str(blocked))
    assert [p.markdown for p in generate_site(handbook, results=results).pages] == expected


def _generator_with(handbook: Handbook, template: str) -> Generator:
    """A generator without results whose templates include ``test.md.j2``."""
    gen = Generator(handbook, SiteOptions(), None)
    gen.env.loader = ChoiceLoader([DictLoader({"test.md.j2": template}), gen.env.loader])
    gen.pages()
    return gen


def test_a_deferred_block_may_not_link_to_a_page(handbook: Handbook, results: SiteResults) -> None:
    gen = _generator_with(
        handbook,
        "{% call gen.deferred() %}{{ ctx.a(P.glossary, 'Glossary') }}{% endcall %}",
    )
    page = gen.render("test.md.j2", "test.md", "Test", None)
    assert "handbook-deferred" in page.markdown
    with pytest.raises(RuntimeError, match="links to another page"):
        gen.complete(results)


def test_results_outside_a_deferred_block_are_refused(handbook: Handbook) -> None:
    gen = _generator_with(handbook, "{{ gen.verdicts | length }} samples")
    with pytest.raises(RuntimeError, match="outside a"):
        gen.render("test.md.j2", "test.md", "Test", None)


def test_a_sample_quoting_a_marker_is_shown_as_text(tmp_path: Path) -> None:
    """A sample record's text reaches a page inside a part; text that looks like a marker
    (any token) stays text, and the build neither fails nor fills it."""
    project = copy_project(tmp_path / "project")
    sample = project / "data" / "samples" / "mmd001-advance-notice.yaml"
    quoted = "<!--handbook-deferred-0123456789abcdef-0-->"
    edit(sample, "- id: CHG-0101\n", f"- id: CHG-0101\n  # {quoted}\n")
    result = run(
        [str(BIN / "mkdocs"), "build", "--strict", "-d", str(tmp_path / "site")], cwd=project
    )
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "site" / "rules" / "mmd001" / "index.html").read_text("utf-8")
    examples = (tmp_path / "site" / "checker" / "examples" / "index.html").read_text("utf-8")
    assert "handbook-deferred" not in html.replace("&lt;!--handbook-deferred-0123", "")
    assert "&lt;!--handbook-deferred-0123456789abcdef-0--&gt;" in examples


def test_build_without_a_child_process_falls_back(tmp_path: Path) -> None:
    """When no child process can be started, the build computes the checker's part itself
    (and says so), with the same pages."""
    project = copy_project(tmp_path / "project")
    code = (
        "import sys\n"
        "sys.executable = '/nonexistent/python'\n"
        "from mkdocs.__main__ import cli\n"
        "try:\n"
        f"    cli(['build', '--strict', '-d', {str(tmp_path / 'site')!r}])\n"
        "except SystemExit as e:\n"
        "    assert not e.code, e.code\n"
    )
    result = run([sys.executable, "-c", code], cwd=project)
    assert result.returncode == 0, result.stderr
    assert "cannot start a child process" in result.stderr
    samples = (tmp_path / "site" / "rules" / "samples" / "index.html").read_text("utf-8")
    assert "hb-pass" in samples and "handbook-deferred" not in samples

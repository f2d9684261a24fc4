"""The assembled print pages are kept between builds (`handbook.site.print_cache`): the
same site from the cache, a damaged cache file costs an assembly, a data change or a change
to the code that assembles a new key."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from handbook.site.print_cache import CACHE_DIR

from .conftest import BIN, ROOT, copy_project, edit, mkdocs_build


def _build(project: Path, site: Path) -> str:
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    return (site / "print" / "index.html").read_text(encoding="utf-8")


def test_print_pages_come_from_the_cache_when_nothing_changed(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    first = _build(project, tmp_path / "a")
    cached = sorted((project / CACHE_DIR).glob("*.html"))
    assert len(cached) == 3  # print/, print/2018/, print/2022/
    stamps = {p: p.stat().st_mtime_ns for p in cached}
    assert _build(project, tmp_path / "b") == first
    assert {p: p.stat().st_mtime_ns for p in cached} == stamps  # read, not written again

    cached[0].write_text("<p>damaged</p>", encoding="utf-8")
    for path in cached[1:]:
        path.write_bytes(path.read_bytes()[:100])  # cut short
    assert _build(project, tmp_path / "c") == first
    assert all(p.read_text(encoding="utf-8").rstrip().endswith("-->") for p in cached)


def test_a_data_change_assembles_again(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    _build(project, tmp_path / "a")
    edit(
        project / "data" / "sop-categories.yaml",
        "Advise and plan with customers to minimize risk to business users.",
        "Advise and plan with customers to minimise risk to business users.",
    )
    assert "to minimise risk to business users" in _build(project, tmp_path / "b")


def test_a_change_to_the_code_is_not_served_what_the_old_code_made(tmp_path: Path) -> None:
    """A build with an edited copy of the package (first on PYTHONPATH) whose print_page.py
    names the printed pages' sections ``q-…`` and whose checker words MMD001 otherwise is
    not served the print pages or the samples' verdicts the original code made and cached,
    although the pages and data are the same (both caches were keyed on the package's
    version, which a development install keeps)."""
    project = copy_project(tmp_path / "project")
    assert 'id="p-rules-mmd001"' in _build(project, tmp_path / "a")
    examples = tmp_path / "{}" / "checker" / "examples" / "index.html"
    assert ") is only " in Path(str(examples).format("a")).read_text(encoding="utf-8")
    package = tmp_path / "pkg" / "handbook"
    shutil.copytree(
        ROOT / "plugins" / "handbook", package, ignore=shutil.ignore_patterns("__pycache__")
    )
    edit(package / "site" / "print_page.py", 'return "p-" + (', 'return "q-" + (')
    edit(package / "checker" / "rules.py", '") is only "', '") is merely "')
    env = {**os.environ, "PYTHONPATH": str(package.parent), "PYTHONDONTWRITEBYTECODE": "1"}
    args = [str(BIN / "mkdocs"), "build", "--strict", "-q", "-d", str(tmp_path / "b")]
    result = subprocess.run(args, cwd=project, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    printed = (tmp_path / "b" / "print" / "index.html").read_text(encoding="utf-8")
    assert 'id="q-rules-mmd001"' in printed and 'id="p-rules-mmd001"' not in printed
    verdicts = Path(str(examples).format("b")).read_text(encoding="utf-8")
    assert ") is merely " in verdicts and ") is only " not in verdicts

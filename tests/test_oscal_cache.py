"""The site's OSCAL files are kept between builds (`handbook.oscal.cache`): a build of
unchanged data does not import compliance-trestle, a data change is exported anew, and a
broken cache file costs a recomputation, never the build. Real ``mkdocs build`` runs."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from handbook.site.site_cache import CACHE_DIR as SITE_CACHE_DIR

from .conftest import copy_project, edit, run

pytest.importorskip("trestle", reason="needs compliance-trestle (pip install .[oscal])")

CACHE = Path(".cache") / "handbook" / "oscal.json"


def _build(project: Path, site: Path) -> tuple[int, str, str]:
    """A strict build in a fresh process; returns (exit code, stderr, whether trestle was
    imported). The generated pages' cache is emptied first: a build that reads them back
    consults no OSCAL files at all (`handbook.site.site_cache`)."""
    if (project / SITE_CACHE_DIR).is_dir():
        for kept in (project / SITE_CACHE_DIR).glob("site-*.json"):
            kept.unlink()
    code = (
        "import sys\n"
        "from mkdocs.__main__ import cli\n"
        "try:\n"
        f"    cli.main(args=['build', '--strict', '-q', '-f', {str(project / 'mkdocs.yml')!r}, "
        f"'-d', {str(site)!r}])\n"
        "except SystemExit as exit:\n"
        "    print('trestle' in sys.modules)\n"
        "    raise\n"
    )
    result = run([sys.executable, "-c", code], cwd=project)
    return result.returncode, result.stderr, result.stdout.strip()


def test_warm_build_reuses_the_files_and_a_data_change_is_exported(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    site = tmp_path / "site"
    code, err, imported = _build(project, site)
    assert code == 0, err
    assert imported == "True" and (project / CACHE).is_file()
    first = (site / "downloads" / "oscal" / "2022" / "ssp.json").read_bytes()

    code, err, imported = _build(project, site)
    assert code == 0, err
    assert imported == "False"  # the warm build read .cache/handbook/oscal.json
    assert (site / "downloads" / "oscal" / "2022" / "ssp.json").read_bytes() == first

    edit(
        project / "data" / "sop-categories.yaml",
        "Advise and plan with customers to minimize risk to business users.",
        "Advise and plan with customers to keep business users safe.",
    )
    code, err, imported = _build(project, site)
    assert code == 0, err
    assert imported == "True"
    assert b"keep business users safe" in (site / "downloads/oscal/2022/ssp.json").read_bytes()

    (project / CACHE).write_text("{not json", encoding="utf-8")
    code, err, imported = _build(project, site)
    assert code == 0, err
    assert imported == "True"
    assert b"keep business users safe" in (site / "downloads/oscal/2022/ssp.json").read_bytes()

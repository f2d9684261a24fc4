"""What the tests of the from-scratch projects (``tests/from_scratch*/``) share: a strict
build of a copy of a project, a page's visible text, and the data's own checks."""

from __future__ import annotations

import shutil
from pathlib import Path

from bs4 import BeautifulSoup

from .conftest import BIN, mkdocs_build, run


def build_copy(fixture: Path, tmp: Path) -> Path:
    """``mkdocs build --strict`` of a copy of the project ``fixture`` (in ``tmp/project``)
    into ``tmp/site``, asserting it succeeds; returns the site folder."""
    project = tmp / "project"
    shutil.copytree(fixture, project)
    out = tmp / "site"
    result = mkdocs_build(project, out)
    assert result.returncode == 0, result.stderr
    return out


def page_text(path: Path) -> str:
    """The text a reader sees on the built page ``path`` (no scripts or styles), on one line."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    for tag in soup(["script", "style"]):
        tag.decompose()
    return " ".join(soup.get_text(" ").split())


def assert_data_checks_pass(data: Path) -> None:
    """``handbook validate``, ``verify`` and ``fmt --check`` of ``data`` exit 0."""
    for command in (["validate"], ["verify"], ["fmt", "--check"]):
        result = run([str(BIN / "handbook"), *command, "--data", str(data)])
        assert result.returncode == 0, result.stdout + result.stderr

"""Shared fixtures: the repository's paths, a copy of data/ to break, a real site build."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SEEDS = ROOT.parent / "shared" / "seeds"
BIN = Path(sys.executable).parent


def seed_path(number: str) -> Path:
    """The seed page ``../shared/seeds/<number>_*.txt``; the test is skipped, saying why,
    when the shared folder is not beside the checkout."""
    found = sorted(SEEDS.glob(f"{number}_*.txt"))
    if not found:
        pytest.skip(
            f"needs the seed page {number} in {SEEDS} (the shared folder beside the checkout), "
            "which is not there"
        )
    return found[0]


def run(
    args: list[str], cwd: Path = ROOT, timeout: float = 600, **kw: object
) -> subprocess.CompletedProcess[str]:
    """Run a command with the test environment; never raises on a non-zero exit (a run
    past ``timeout`` seconds fails the test)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False, **kw
    )  # type: ignore[call-overload]


def mkdocs_build(project: Path, site_dir: Path) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` of ``project/mkdocs.yml`` into ``site_dir``."""
    return run(
        [
            str(BIN / "mkdocs"),
            "build",
            "--strict",
            "-f",
            str(project / "mkdocs.yml"),
            "-d",
            str(site_dir),
        ],
        cwd=project,
    )


def build_imports(project: Path, site: Path, module: str) -> bool:
    """``mkdocs build --strict`` of ``project`` into ``site`` in a new interpreter (asserting
    it succeeds); True when the build imported ``module``."""
    code = (
        "import sys\n"
        "from mkdocs.__main__ import cli\n"
        "try:\n"
        "    cli(['build', '--strict', '-q', '-d', sys.argv[1]])\n"
        "except SystemExit as e:\n"
        "    assert not e.code, e.code\n"
        f"print({module!r} in sys.modules)\n"
    )
    result = run([sys.executable, "-c", code, str(site)], cwd=project)
    assert result.returncode == 0, result.stderr
    return result.stdout.split() == ["True"]


def nav_pages(items: list[Any]) -> list[str]:
    """The src_uris of a nav (``mkdocs.yml`` form: strings and ``{title: item}`` mappings,
    nested), in order."""
    out: list[str] = []
    for item in items:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            for value in item.values():
                out += [value] if isinstance(value, str) else nav_pages(value)
    return out


def copy_project(dest: Path) -> Path:
    """A copy of the project (mkdocs.yml, docs/, data/, overrides/) to change and build."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    for folder in ("docs", "data", "overrides"):
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, dest / folder)
    return dest


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real handbook built once with the real mkdocs.yml (strict); what the build
    logged is in `build_log` (beside the site, not in it)."""
    site = tmp_path_factory.mktemp("site")
    result = mkdocs_build(ROOT, site)
    assert result.returncode == 0, result.stderr
    site.with_name(site.name + ".log").write_text(result.stderr, "utf-8")
    return site


def build_log(site: Path) -> str:
    """What the `built_site` build logged (MkDocs logs to standard error)."""
    return site.with_name(site.name + ".log").read_text("utf-8")


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A fresh copy of data/ in a temporary folder."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace ``old`` by ``new`` in a file, asserting ``old`` is there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


Editor = Callable[[Path, str, str], None]

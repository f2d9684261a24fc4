"""What the ``handbook diff`` tests share: a git repository holding a copy of data/, git
run in it, and the real CLI's diff."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import DATA

GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com"]


def git(repo: Path, *args: str) -> None:
    """Run ``git args`` in ``repo`` (asserting it succeeds)."""
    subprocess.run([*GIT, *args], cwd=repo, check=True, capture_output=True)


def data_repo(folder: Path) -> Path:
    """``folder`` made a git repository whose one commit holds the project's data/."""
    shutil.copytree(DATA, folder / "data")
    git(folder, "init", "-q")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "data")
    return folder


def diff(
    repo: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``handbook diff args`` in ``repo`` (no job summary written unless ``env`` sets one)."""
    return subprocess.run(
        [sys.executable, "-m", "handbook.cli", "diff", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "GITHUB_STEP_SUMMARY": "", **(env or {})},
    )

"""CONTRIBUTING.md's ``handbook diff`` example is real: the ``<!-- diff-output: NAME -->``
block is what the command prints today for a change made to a committed copy of
``data/`` (fixed commit dates, so the commit id is stable). The test fails when it has
drifted; ``HANDBOOK_UPDATE_CONTRIBUTING=1`` (``make contributing``) rewrites it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import DATA, ROOT

GUIDE = ROOT / "CONTRIBUTING.md"
BLOCK = re.compile(
    r"(<!-- diff-output: (?P<name>[a-z-]+) -->\n```markdown\n)(?P<body>.*?)(```\n)", re.S
)
FIXED = {
    "GIT_AUTHOR_NAME": "Contributor",
    "GIT_AUTHOR_EMAIL": "contributor@example.com",
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z",
    "GIT_COMMITTER_NAME": "Contributor",
    "GIT_COMMITTER_EMAIL": "contributor@example.com",
    "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z",
}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _seven_days(tmp: Path) -> str:
    """MMD001's notice from 5 to 7 days, a reworded duty and a matrix cell moved."""
    shutil.copytree(DATA, tmp / "data")
    env = {**os.environ, **FIXED, "GITHUB_STEP_SUMMARY": ""}
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "data"]):
        subprocess.run(["git", *args], cwd=tmp, env=env, check=True, capture_output=True)
    data = tmp / "data"
    _edit(data / "rules.yaml", "at_least: P5D}", "at_least: P7D}")
    _edit(
        data / "change-process.csv",
        "Read and understand notification email.",
        "Read and acknowledge every notification email.",
    )
    _edit(
        data / "responsibility-matrix.csv",
        "test-new-features,Test new features for quality assurance,microsoft,",
        "test-new-features,Test new features for quality assurance,customer,",
    )
    run = subprocess.run(
        [sys.executable, "-m", "handbook.cli", "diff", "main"],
        cwd=tmp,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_contributing_diff_example_is_real_output(tmp_path: Path) -> None:
    text = GUIDE.read_text(encoding="utf-8")
    examples = {"seven-days": _seven_days}
    assert sorted(m["name"] for m in BLOCK.finditer(text)) == sorted(examples)
    fresh = BLOCK.sub(lambda m: m[1] + examples[m["name"]](tmp_path) + m[4], text)
    if os.environ.get("HANDBOOK_UPDATE_CONTRIBUTING") == "1":
        GUIDE.write_text(fresh, encoding="utf-8")
        return
    assert text == fresh, "CONTRIBUTING.md's diff example drifted: run `make contributing`"

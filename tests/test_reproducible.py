"""Reproducible builds: two builds of the same commit give byte-identical files.

Only the sitemap (``sitemap.xml`` and ``sitemap.xml.gz``, whose ``lastmod`` is the build
date) may differ. The two builds run with different hash seeds, so an order that depends on
iterating a set or a dict of strings shows up as a difference.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from .conftest import BIN, ROOT

DATED = {"sitemap.xml", "sitemap.xml.gz"}


def build(site_dir: Path, hash_seed: str) -> None:
    env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": hash_seed,
    }
    command = [str(BIN / "mkdocs"), "build", "--strict", "-f", str(ROOT / "mkdocs.yml")]
    result = subprocess.run(
        [*command, "-d", str(site_dir)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def files(site: Path) -> dict[str, bytes]:
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file() and p.name not in DATED
    }


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    build(tmp_path / "one", "1")
    build(tmp_path / "two", "2")
    one, two = files(tmp_path / "one"), files(tmp_path / "two")
    assert sorted(one) == sorted(two)
    differ = [name for name in one if one[name] != two[name]]
    assert differ == []
    assert any(name.endswith(".html") for name in one)
    assert "assets/handbook/tables.js" in one
    assert (tmp_path / "one" / "sitemap.xml").is_file()

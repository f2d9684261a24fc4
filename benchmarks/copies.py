"""Copies of the project for the benchmarks: the handbook in a temp folder, and the plain
MkDocs site of the same Markdown (``handbook pages`` output, no handbook plugin)."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

from handbook.build.project import without_plugin

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
#: Not copied: at the project's top level, and ``__pycache__`` everywhere.
TOP_IGNORED = {".git", ".venv", ".cache", "site", "tests", "benchmarks", "screenshots"}


def _ignore(folder: str, names: list[str]) -> set[str]:
    top = Path(folder).resolve() == ROOT
    return {n for n in names if n == "__pycache__" or (top and n in TOP_IGNORED)}


def copy_project(dest: Path) -> Path:
    """A copy of the project (``mkdocs.yml``, ``docs/``, ``data/``...) in ``dest``."""
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(ROOT, dest, ignore=_ignore)
    return dest


class TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml even with ``!!python/name:`` or ``!ENV`` tags (kept as dicts)."""


def _tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    return {"__tag__": suffix, "value": loader.construct_scalar(node)}  # type: ignore[arg-type]


TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", _tagged)
TolerantLoader.add_multi_constructor("!", _tagged)


def env() -> dict[str, str]:
    """The builds' environment (bytecode written as usual, as an installed plugin has it)."""
    out = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    out.pop("PYTHONDONTWRITEBYTECODE", None)
    return out


def handbook_options(config: dict[str, Any]) -> dict[str, Any]:
    """The ``handbook`` plugin's options in a ``mkdocs.yml`` (``{}`` when it has none)."""
    for p in config.get("plugins", []):
        if isinstance(p, dict) and "handbook" in p:
            return p["handbook"] or {}
    return {}


def generated_docs(project: Path, config: dict[str, Any], docs: Path) -> None:
    """Fill ``docs`` with the project's ``docs/`` and the Markdown ``handbook pages``
    writes from its data (the plugin's ``data_dir`` and ``learn_base_url``)."""
    options = handbook_options(config)
    generated = docs.parent / f".{docs.name}-generated"
    cmd = [str(BIN / "handbook"), "pages", "--out", str(generated)]
    cmd += ["--data", str(project / options.get("data_dir", "data"))]
    if options.get("learn_base_url"):
        cmd += ["--learn-base-url", options["learn_base_url"]]
    subprocess.run(cmd, cwd=project, env=env(), check=True, stdout=subprocess.DEVNULL)
    # a folder of its own first: `handbook pages` may empty the folder it writes to
    shutil.copytree(project / config.get("docs_dir", "docs"), docs)
    shutil.copytree(generated, docs, dirs_exist_ok=True)
    shutil.rmtree(generated)


def read_config(project: Path) -> dict[str, Any]:
    """The project's ``mkdocs.yml``, its Python tags kept as data."""
    config: dict[str, Any] = yaml.load(
        (project / "mkdocs.yml").read_text(encoding="utf-8"), TolerantLoader
    )
    return config


def pages(site_dir: Path) -> int:
    """How many pages (``index.html`` files) a built site has."""
    return sum(1 for _ in site_dir.rglob("index.html"))


def plain_project(project: Path, dest: Path) -> Path:
    """The plain site of ``project``: ``handbook pages`` output plus ``docs/``, and a
    ``mkdocs.yml`` inheriting the project's without the handbook plugin."""
    config = read_config(project)
    shutil.rmtree(dest, ignore_errors=True)
    docs = dest / "docs"
    generated_docs(project, config, docs)
    child = {
        "INHERIT": str(project / "mkdocs.yml"),
        "docs_dir": str(docs),
        "plugins": without_plugin(config.get("plugins")),
    }
    path = dest / "mkdocs.yml"
    path.write_text(yaml.safe_dump(child, sort_keys=False, allow_unicode=True), "utf-8")
    return path


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_timed(cmd: list[str], cwd: Path, environ: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one run of ``cmd`` as a whole process (CPU: user + system of
    the child and its children); exits with the command's error output when it fails."""
    cpu = _children_cpu()
    begin = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, env=environ, capture_output=True, text=True)
    elapsed = time.perf_counter() - begin
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{result.stderr}")
    return elapsed, _children_cpu() - cpu

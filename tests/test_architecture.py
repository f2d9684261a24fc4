"""The layout ARCHITECTURE.md describes, held against the code's imports and sizes."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "plugins" / "handbook"


def _imports(path: Path, top_level_only: bool) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    names: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _modules(folder: str = "") -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


def test_the_checker_never_imports_the_site() -> None:
    for path in _modules("checker"):
        bad = {n for n in _imports(path, False) if n.startswith("handbook.site")}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_the_model_imports_neither_checker_nor_site_at_module_level() -> None:
    for path in _modules("model"):
        bad = {
            n
            for n in _imports(path, True)
            if n.startswith(("handbook.site", "handbook.checker", "handbook.outputs"))
        }
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_only_the_plugin_imports_mkdocs() -> None:
    importers = [
        path.relative_to(PACKAGE).as_posix()
        for path in _modules()
        if any(n == "mkdocs" or n.startswith("mkdocs.") for n in _imports(path, False))
    ]
    assert importers == ["plugin.py"]


def test_no_module_is_over_500_lines() -> None:
    sizes = {
        p.relative_to(PACKAGE).as_posix(): len(p.read_text("utf-8").splitlines())
        for p in _modules()
    }
    assert {k: v for k, v in sizes.items() if v > 500} == {}


def test_the_cli_parser_imports_no_heavy_library() -> None:
    """Building ``handbook``'s parser (every command's start) imports neither pandas nor
    BeautifulSoup, compliance-trestle or Playwright: each command imports what it needs."""
    code = (
        "import sys; from handbook.cli import build_parser; build_parser(); "
        "print(sorted(m for m in ('pandas', 'bs4', 'trestle', 'playwright') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_check_format_choices_are_the_sinks() -> None:
    from handbook.checker.options import REPORT_FORMATS
    from handbook.outputs import SINKS

    assert tuple(SINKS) == REPORT_FORMATS

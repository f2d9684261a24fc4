"""Docstrings and comments name code that exists: every `handbook.a.b.c` cited resolves."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import handbook

PACKAGE = Path(handbook.__file__).parent
CITED = re.compile(r"`(handbook(?:\.[A-Za-z_][A-Za-z0-9_]*)+)`")


def _resolves(dotted: str) -> bool:
    """True when ``dotted`` is a module, or an attribute path inside one."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: object = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            if not hasattr(obj, name):
                return False
            obj = getattr(obj, name)
        return True
    return False


def test_every_cited_name_exists() -> None:
    stale = [
        f"{path.relative_to(PACKAGE.parent)}:{text[: m.start()].count(chr(10)) + 1}: {m[1]}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for text in [path.read_text(encoding="utf-8")]
        for m in CITED.finditer(text)
        if not _resolves(m[1])
    ]
    assert stale == []


def test_no_docstring_names_a_function_that_does_not_exist() -> None:
    """`load_handbook_or_raise` was cited by `DataError`, both long gone from the API."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py"))
    assert "load_handbook_or_raise" not in text

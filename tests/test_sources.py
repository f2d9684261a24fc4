"""YAML reading: libyaml's composer and PyYAML's give the same values and positions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from handbook.model import sources

ROOT = Path(__file__).resolve().parents[1]
YAML_FILES = sorted((ROOT / "data").rglob("*.yaml"))


def _flat(value: Any) -> Any:
    """Values with every scalar's line and column, for comparison."""
    if isinstance(value, sources.LocatedStr):
        return (str(value), value.line, value.column)
    if isinstance(value, dict):
        return {k: _flat(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_flat(v) for v in value]
    return value


def _both(text: str) -> tuple[Any, Any]:
    fast = sources._load(text, "f.yaml", sources.MAX_NODES, fast=True)
    slow = sources._load(text, "f.yaml", sources.MAX_NODES, fast=False)
    return (_flat(fast[0]), [str(p) for p in fast[1]]), (_flat(slow[0]), [str(p) for p in slow[1]])


def test_libyaml_is_used() -> None:
    assert sources.HAVE_LIBYAML, "PyYAML without libyaml: the data loads, but slowly"


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_libyaml_and_pyyaml_agree_on_the_data(path: Path) -> None:
    text = path.read_text(encoding="utf-8-sig")
    fast, slow = _both(text)
    assert fast == slow


@pytest.mark.parametrize(
    "text",
    [
        "a: é日本 x\nb: [1, 2]\n  c: d\n",
        "x: ok\nname: é日本 val: 3\nz: 1\n",
        "a: 'unterminated\n",
        "a: *nope\n",
        "items: [1, 2\n",
    ],
)
def test_syntax_errors_keep_pyyaml_wording(text: str) -> None:
    fast, slow = _both(text)
    assert fast == slow
    assert fast[1] and "not valid YAML" in fast[1][0]


def test_deep_nesting_is_a_problem_not_a_crash() -> None:
    text = "a: " + "[" * 30_000 + "]" * 30_000 + "\n"
    assert sources.depth_bound(text) > sources.C_MAX_DEPTH
    docs, problems = sources.load_yaml_text(text, "deep.yaml")
    assert docs == []
    assert [p.code for p in problems] == ["yaml-too-deep"]
    # where the reader gave up: on the first line, inside the brackets
    assert problems[0].line == 1 and problems[0].column is not None
    assert 1_000 < problems[0].column < 30_000


@pytest.mark.skipif(not sources.HAVE_LIBYAML, reason="PyYAML is built without libyaml")
def test_deep_nesting_the_composer_follows_is_placed_at_its_deepest_value() -> None:
    """libyaml's composer follows 450 block levels; the conversion cannot, and the
    problem names the line and column of the innermost value."""
    nest = "  " + "- " * 450
    text = "a: 1\nb:\n" + nest + "x\n"
    assert sources.depth_bound(text) <= sources.C_MAX_DEPTH
    docs, problems = sources.load_yaml_text(text, "deep.yaml")
    assert docs == [] and [p.code for p in problems] == ["yaml-too-deep"]
    assert (problems[0].line, problems[0].column) == (3, len(nest) + 1)


@pytest.mark.parametrize(
    "text",
    [
        "[" * 40 + "]" * 40,
        "- " * 40 + "x\n",
        "a:\n" + "".join(" " * (2 * i) + "- b:\n" for i in range(40)),
    ],
)
def test_depth_bound_bounds_the_depth(text: str) -> None:
    docs, problems = sources.load_yaml_text(text, "f.yaml")

    def depth(value: Any) -> int:
        if isinstance(value, dict):
            return 1 + max((depth(v) for k, v in value.items() if k != "at"), default=0)
        if isinstance(value, list):
            return 1 + max((depth(v) for v in value), default=0)
        return 0

    assert not problems
    assert depth(docs[0]) <= sources.depth_bound(text)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("- a\n---\n- b\n", 2),
        ("# comment\n---\n- a\n---\n- b\n", 4),
        ("%YAML 1.2\n---\n- a\n--- \n- b\n", 4),
    ],
)
def test_a_second_document_is_reported_where_it_starts(
    tmp_path: Path, text: str, line: int
) -> None:
    # it was reported at line 1, however far down the second '---' was
    path = tmp_path / "f.yaml"
    path.write_text(text, encoding="utf-8")
    value, [p] = sources.load_yaml_file(path, "f.yaml")
    assert value is None
    assert (p.code, p.line, p.message) == (
        "yaml-syntax",
        line,
        "expected one YAML document, found several: another starts here",
    )
    assert p.hint == "remove this '---' line, or the document that follows it"

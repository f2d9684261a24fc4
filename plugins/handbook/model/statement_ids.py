"""Stable statement ids for new statements (``handbook fmt --add-ids``).

`assign_yaml_ids(data, annotation)` walks a YAML document loaded with ruamel.yaml's
round-trip mode (`ruamel.yaml.comments.CommentedMap`/`CommentedSeq`) along the model's
annotations and gives every `Statement` without ``id`` one: a plain string item becomes
``{id: ..., text: ...}``, a mapping gets ``id`` first. `assign_csv_ids(rows)` does the
same for ``change-process.csv`` rows (a list of lists, header first), adding an ``id``
column first when there is none.

An id is `slug(text)` (the first `SLUG_WORDS` words, lowercased, ``[a-z0-9-]``) prefixed
by its place (the enclosing item's id, the top-level key, or ``phase-party`` for a duty),
made unique within its file and edition with a suffix ``-2``, ``-3``. The same statement
in two editions gets the same id, so the edition diff pairs them. Existing ids are kept.
"""

from __future__ import annotations

import re
import types
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from handbook.model.entities import Statement

#: At most this many words of the text make an id.
SLUG_WORDS = 6

_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def slug(text: str, words: int = SLUG_WORDS) -> str:
    """``"Only apply a [change](#x) once..."`` -> ``"only-apply-a-change-once"``."""
    plain = _LINK.sub(r"\1", text).lower().replace("'", "")
    parts = [p for p in re.split(r"[^a-z0-9]+", plain) if p]
    return "-".join(parts[:words]) or "statement"


def unique_id(base: str, used: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3``... when taken; the result is added to ``used``."""
    candidate, n = base, 1
    while candidate in used:
        n += 1
        candidate = f"{base}-{n}"
    used.add(candidate)
    return candidate


def alternatives(annotation: Any) -> list[Any]:
    """The alternatives of a union annotation (``X | None`` -> ``[X, None]``)."""
    if get_origin(annotation) in (Union, types.UnionType):
        return list(get_args(annotation))
    return [annotation]


class _Assigner:
    """Ids in use per edition; `visit` assigns ids below one top-level node."""

    def __init__(self) -> None:
        self.used: dict[Any, set[str]] = {}

    def collect(self, node: Any, edition: Any) -> None:
        """Record the ids of the statements (mappings with ``text``) already under ``node``."""
        if isinstance(node, CommentedMap):
            if isinstance(node.get("id"), str) and "text" in node:
                self.used.setdefault(edition, set()).add(node["id"])
            for value in node.values():
                self.collect(value, edition)
        elif isinstance(node, CommentedSeq):
            for value in node:
                self.collect(value, edition)

    def statement(self, node: Any, prefix: str, edition: Any) -> Any:
        """``node`` (a Statement as written) with an id, and its items too."""
        if isinstance(node, str):  # shorthand: a mapping with the id first
            node = CommentedMap(text=node)
        if isinstance(node, CommentedMap) and isinstance(node.get("text"), str):
            if not node.get("id"):
                base = slug(node["text"])
                base = f"{prefix}-{base}" if prefix else base
                node.insert(0, "id", unique_id(base, self.used.setdefault(edition, set())))
            items = node.get("items")
            if isinstance(items, CommentedSeq):
                for i, item in enumerate(items):
                    items[i] = self.statement(item, prefix, edition)
        return node

    def visit(self, node: Any, annotation: Any, prefix: str, edition: Any) -> Any:
        """``node`` with ids given to the statements below it (per ``annotation``)."""
        if Statement in alternatives(annotation):
            return self.statement(node, prefix, edition)
        for alternative in alternatives(annotation):
            origin = get_origin(alternative)
            if isinstance(node, CommentedSeq) and origin is list:
                item = get_args(alternative)[0]
                for i, value in enumerate(node):
                    node[i] = self.visit(value, item, prefix, edition)
                return node
            if (
                isinstance(node, CommentedMap)
                and isinstance(alternative, type)
                and issubclass(alternative, BaseModel)
            ):
                for key, field in alternative.model_fields.items():
                    if key in node:
                        node[key] = self.visit(node[key], field.annotation, prefix, edition)
                return node
        return node


def assign_yaml_ids(data: Any, model: type[BaseModel], many: bool) -> None:
    """Give every statement without id in ``data`` (the file's round-trip document; a
    list of ``model`` when ``many``) an id, in place (see module doc)."""
    assigner = _Assigner()
    tops = list(data) if many and isinstance(data, CommentedSeq) else [data]
    for top in tops:
        assigner.collect(top, top.get("edition") if isinstance(top, CommentedMap) else None)
    for top in tops:
        if not isinstance(top, CommentedMap):
            continue
        edition = top.get("edition")
        own = top.get("id") if isinstance(top.get("id"), str) else None
        for key, field in model.model_fields.items():
            if key in top:
                prefix = own if own else key.replace("_", "-")
                top[key] = assigner.visit(top[key], field.annotation, prefix, edition)


def assign_csv_ids(rows: list[list[str]]) -> list[list[str]]:
    """``change-process.csv`` rows (header first) with an ``id`` column (added first when
    missing) filled for every duty without one: ``<phase>-<party>-<slug>``, unique per
    edition. Rows of another shape are returned unchanged."""
    if not rows or "statement" not in rows[0]:
        return rows
    header = rows[0]
    if "id" not in header:
        rows = [["id", *header]] + [["", *row] for row in rows[1:]]
        header = rows[0]
    col = {name: i for i, name in enumerate(header)}
    used: dict[str, set[str]] = {}
    body = [row for row in rows[1:] if len(row) == len(header)]
    for row in body:
        if row[col["id"]]:
            used.setdefault(row[col["edition"]], set()).add(row[col["id"]])
    for row in body:
        if not row[col["id"]]:
            base = f"{row[col['phase']]}-{row[col['party']]}-{slug(row[col['statement']])}"
            row[col["id"]] = unique_id(base, used.setdefault(row[col["edition"]], set()))
    return rows

"""The importer's shapes: an imported item, the page's context, what a run imported.

Items are plain dicts in the YAML/CSV shape of ``data/`` plus ``_line`` (the row's page
line) and ``_file``; `source_of`, `flat` and `name_of` are the helpers every
kind of table uses (`handbook.importer.mapping`, `handbook.importer.change_types`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from handbook.importer import cells as C
from handbook.importer.tables import Table
from handbook.model.statement_ids import slug

Item = dict[str, Any]


@dataclass
class Known:
    """Ids of the committed data, to reuse for items with the same edition and name:
    ``{(kind, edition or party, plain name): id}``; ``channels``: ``{plain name: id}``."""

    ids: dict[tuple[str, str, str], str] = field(default_factory=dict)
    channels: dict[str, str] = field(
        default_factory=lambda: {"message center": "message-center", "email": "email"}
    )

    def id(self, kind: str, scope: str, name: str, words: int = 6) -> str:
        """The committed id of ``name`` in ``scope``, else ``slug(name)``."""
        key = C.plain(name)
        found = self.ids.get((kind, scope, key)) or self.ids.get((kind, "*", key))
        return found or slug(name, words)


@dataclass
class Context:
    """The page being mapped: document id, edition, page file, ``ms.date`` (ISO or None);
    ``committed``: the document of the committed data this page is a version of (its
    errata and statement ids apply), "" for none. Two versions of one committed document
    in a run each get their own ``doc`` and the same ``committed``. ``learn_path``: the
    committed document's, else the page's path as given (posix; its file name when the path
    is absolute or climbs with ``..``): where the page sits under the site's
    ``learn_base_url``, which resolves its relative links."""

    doc: str
    edition: str
    file: str
    ms_date: str | None
    known: Known
    title: str = ""
    author: str = ""
    committed: str = ""
    learn_path: str = ""


@dataclass
class Imported:
    """Everything imported, in page order (dicts in the data files' shapes + ``_line``)."""

    duties: list[Item] = field(default_factory=list)
    matrix: list[Item] = field(default_factory=list)
    scopes: dict[str, str] = field(default_factory=dict)
    change_types: list[Item] = field(default_factory=list)
    sop: list[Item] = field(default_factory=list)
    roles: list[Item] = field(default_factory=list)
    pages: dict[str, Context] = field(default_factory=dict)


def source_of(ctx: Context, table: Table, line: int) -> Item:
    return {"doc": ctx.doc, "section": table.section, "_line": line, "_file": ctx.file}


def flat(statements: list[Item]) -> list[Item]:
    """Each statement followed by its items, theirs after each, in order."""
    out: list[Item] = []
    for s in statements:
        out += [s, *flat(s.get("items", []))]
    return out


_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


def name_of(text: str) -> str:
    """A name without a closing period, bold or code marks around it, or links (their text
    kept: a row named ``[Deploy a sandbox](url)`` is named ``Deploy a sandbox``)."""
    name = _LINK.sub(r"\1", text).strip().rstrip(".").strip().strip("*").strip()
    return name[1:-1].strip() if len(name) > 2 and name[0] == name[-1] == "`" else name

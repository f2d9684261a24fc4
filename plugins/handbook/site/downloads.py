"""Downloadable copies of the site's data tables (CSV and JSON), built with pandas.

`table_frames(handbook)` returns one DataFrame per data table shown on the site; the site
publishes each as ``downloads/<name>.csv`` and ``downloads/<name>.json`` (records
orientation, UTF-8). Text is the data's text (inline Markdown kept as written).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from handbook.model.handbook import Handbook
from handbook.model.entities import Statement

if TYPE_CHECKING:
    import pandas as pd

#: The tables, in the order the site lists them. This module imports pandas only when a
#: table is made, so the site generator can name the files without loading it.
TABLES: tuple[str, ...] = (
    "matrix",
    "change-process",
    "change-types",
    "sop-statements",
    "roles",
    "rules",
)


def download_uris() -> list[str]:
    """The site-relative paths `download_files` returns, in its order."""
    return [f"downloads/{name}.{ext}" for name in TABLES for ext in ("csv", "json")]


def _flat(statement: Statement) -> str:
    """A statement and its sub-items as one line: ``text: item; item``."""
    text = statement.text
    if statement.items:
        text += " " + "; ".join(_flat(i) for i in statement.items)
    return text


def table_frames(handbook: Handbook) -> dict[str, pd.DataFrame]:
    """Name → table. Names: ``matrix``, ``change-process``, ``change-types``,
    ``sop-statements``, ``roles``, ``rules``.

    Columns: matrix: ``responsibility`` + one column per scope name (party id);
    change-process: ``edition, phase, party, statement``; change-types: ``edition, id, name,
    channels, advance_notice``; sop-statements: ``edition, category, category_name, party,
    statement, prohibits``; roles: ``party, role, description``; rules: ``id, title,
    severity, editions, initiator, statement``.
    """
    import pandas as pd

    hb = handbook
    frames: dict[str, pd.DataFrame] = {}
    frames["matrix"] = pd.DataFrame(
        [
            {"responsibility": row.responsibility}
            | {scope.name: row.cells[scope.id] for scope in hb.scopes}
            for row in hb.matrix
        ]
    )
    frames["change-process"] = pd.DataFrame(
        [
            {
                "edition": d.edition,
                "phase": d.phase,
                "party": d.party,
                "statement": d.statement.text,
            }
            for d in hb.process
        ]
    )
    frames["change-types"] = pd.DataFrame(
        [
            {
                "edition": t.edition,
                "id": t.id,
                "name": t.name,
                "channels": t.channels if t.channels == "any" else ";".join(t.channels),
                "advance_notice": t.advance_notice or "",
            }
            for t in hb.change_types
        ]
    )
    frames["sop-statements"] = pd.DataFrame(
        [
            {
                "edition": c.edition,
                "category": c.id,
                "category_name": c.name,
                "party": party,
                "statement": _flat(s),
                "prohibits": ";".join(s.prohibits),
            }
            for c in hb.sop_categories
            for party, items in (("microsoft", c.microsoft), ("customer", c.customer))
            for s in items
        ]
    )
    frames["roles"] = pd.DataFrame(
        [
            {
                "party": r.party,
                "role": r.name,
                "description": " ".join(_flat(s) for s in r.description),
            }
            for r in hb.roles
        ]
    )
    frames["rules"] = pd.DataFrame(
        [
            {
                "id": r.id,
                "title": r.title,
                "severity": r.severity,
                "editions": ";".join(r.editions),
                "initiator": r.applies_to.initiator or "",
                "statement": r.statement,
            }
            for r in hb.rules
        ]
    )
    assert tuple(frames) == TABLES
    return frames


def _defuse(value: object) -> object:
    """Prefix text a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``) with ``'``."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def download_files(handbook: Handbook) -> dict[str, str]:
    """``downloads/<name>.csv`` and ``.json`` → file content, for every table.

    CSV cells that a spreadsheet would evaluate as a formula are prefixed with ``'``
    (data comes from pull requests); JSON keeps the text as it is.
    """
    files: dict[str, str] = {}
    for name, frame in table_frames(handbook).items():
        safe = frame.map(_defuse)
        files[f"downloads/{name}.csv"] = safe.to_csv(index=False, lineterminator="\n")
        files[f"downloads/{name}.json"] = (
            frame.to_json(orient="records", force_ascii=False, indent=1) + "\n"
        )
    return files

"""Downloadable copies of the site's data tables (CSV and JSON), written with the standard
library.

`table_rows(handbook)` returns each data table shown on the site as a list of rows; the site
publishes each as ``downloads/<name>.csv`` and ``downloads/<name>.json`` (an array of
objects, UTF-8). Text is the data's text (inline Markdown kept as written).

`oscal_downloads(handbook)` adds the OSCAL export of every edition
(``downloads/oscal/<edition>/{catalog,profile,ssp}.json``, `handbook.oscal.command`) when
compliance-trestle is installed, and otherwise says how to get them.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field

from handbook.model.entities import Source, Statement
from handbook.model.handbook import Handbook, rule_initiator

#: The tables, in the order the site lists them, and their titles (the "Downloads and
#: exports" page).
TABLE_TITLES: dict[str, str] = {
    "matrix": "Balance of responsibility",
    "change-process": "Change process duties",
    "change-types": "Change types",
    "sop-statements": "Standard operating procedure statements",
    "roles": "Roles and responsibilities",
    "rules": "Checker rules",
}

Row = dict[str, str]


def _flat(statement: Statement) -> str:
    """A statement and its sub-items as one line: ``text: item; item``."""
    text = statement.text
    if statement.items:
        text += " " + "; ".join(_flat(i) for i in statement.items)
    return text


def _source(source: Source) -> Row:
    return {"doc": source.doc, "section": source.section}


def _joined(statements: list[Statement]) -> str:
    return ";".join(_flat(s) for s in statements)


def table_rows(handbook: Handbook) -> dict[str, list[Row]]:
    """Name → rows (column name → text; every row has the same columns). Names:
    ``matrix``, ``change-process``, ``change-types``, ``sop-statements``, ``roles``,
    ``rules``.

    Columns: matrix: ``id, responsibility`` + one column per scope name (party id);
    change-process: ``id, edition, phase, party, statement``; change-types: ``edition, id,
    name, description, includes, channels, notification, advance_notice,
    requires_global_admin_action, action_type, testing, examples, customer_action``
    (lists ``;``-separated); sop-statements: ``id, edition, category, category_name,
    party, statement, prohibits``; roles: ``edition, party, role, description, statement_ids``
    (``;``-separated); every table so far ends with ``doc, section``, the seed document
    and section it comes from; rules: ``id, title, severity, editions, initiator,
    statement, sources`` (``doc section``, ``;``-separated). ``id`` is the statement's
    (matrix: the row's) stable id, its permalink anchor on the site; empty for a statement
    without id.
    """
    hb = handbook
    tables: dict[str, list[Row]] = {}
    tables["matrix"] = [
        {"id": row.id, "responsibility": row.responsibility}
        | {scope.name: row.cells[scope.id] for scope in hb.scopes}
        | _source(row.source)
        for row in hb.matrix
    ]
    tables["change-process"] = [
        {
            "id": d.statement.id or "",
            "edition": d.edition,
            "phase": d.phase,
            "party": d.party,
            "statement": d.statement.text,
        }
        | _source(d.source)
        for d in hb.process
    ]
    tables["change-types"] = [
        {
            "edition": t.edition,
            "id": t.id,
            "name": t.name,
            "description": t.description or "",
            "includes": _joined(t.includes),
            "channels": t.channels if t.channels == "any" else ";".join(t.channels),
            "notification": _flat(t.notification) if t.notification else "",
            "advance_notice": t.advance_notice or "",
            "requires_global_admin_action": t.requires_global_admin_action or "",
            "action_type": t.action_type or "",
            "testing": t.testing or "",
            "examples": _joined(t.examples),
            "customer_action": _joined(t.customer_action),
        }
        | _source(t.source)
        for t in hb.change_types
    ]
    tables["sop-statements"] = [
        {
            "id": s.id or "",
            "edition": c.edition,
            "category": c.id,
            "category_name": c.name,
            "party": party,
            "statement": _flat(s),
            "prohibits": ";".join(s.prohibits),
        }
        | _source(c.source)
        for c in hb.sop_categories
        for party, items in (("microsoft", c.microsoft), ("customer", c.customer))
        for s in items
    ]
    tables["roles"] = [
        {
            "edition": hb.document(r.source.doc).edition,
            "party": r.party,
            "role": r.name,
            "description": " ".join(_flat(s) for s in r.description),
            "statement_ids": ";".join(s.id or "" for s in r.description),
        }
        | _source(r.source)
        for r in hb.roles
    ]
    tables["rules"] = [
        {
            "id": r.id,
            "title": r.title,
            "severity": r.severity,
            "editions": ";".join(r.editions),
            "initiator": rule_initiator(r.applies_to) or "",
            "statement": r.statement,
            "sources": ";".join(f"{q.doc} {q.section}" for q in r.sources),
        }
        for r in hb.rules
    ]
    assert list(tables) == list(TABLE_TITLES)
    return tables


def _defuse(value: str) -> str:
    """Prefix text a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``) with ``'``."""
    if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _csv(rows: list[Row]) -> str:
    """CSV with a header row, ``\\n`` line ends, fields quoted only when they must be."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if rows:
        writer.writerow(rows[0])
    writer.writerows([_defuse(v) for v in row.values()] for row in rows)
    return out.getvalue()


def _json(rows: list[Row]) -> str:
    """A JSON array of objects, one-space indents, no space after ``:``. ``/`` is written
    ``\\/``, as the pandas writer of earlier versions did, so the files stay the same."""
    text = json.dumps(rows, ensure_ascii=False, indent=1, separators=(",", ":"))
    return text.replace("/", "\\/") + "\n"


def download_files(handbook: Handbook) -> dict[str, str]:
    """``downloads/<name>.csv`` and ``.json`` → file content, for every table.

    CSV cells that a spreadsheet would evaluate as a formula are prefixed with ``'``
    (data comes from pull requests); JSON keeps the text as it is.
    """
    files: dict[str, str] = {}
    for name, rows in table_rows(handbook).items():
        files[f"downloads/{name}.csv"] = _csv(rows)
        files[f"downloads/{name}.json"] = _json(rows)
    return files


@dataclass(frozen=True)
class OscalDownloads:
    """The OSCAL files the site publishes, or why there are none.

    Attributes:
        files: site-relative path → JSON text (``downloads/oscal/<edition>/<doc>.json``,
            ``doc`` one of ``catalog``, ``profile``, ``ssp``).
        editions: edition ids exported, newest first.
        oscal_version: the OSCAL version of the documents (``1.2.1``), None without files.
        missing: why there are no files (compliance-trestle not installed, with how to
            install it), None when there are.
    """

    files: dict[str, str] = field(default_factory=dict)
    editions: list[str] = field(default_factory=list)
    oscal_version: str | None = None
    missing: str | None = None


def oscal_downloads(handbook: Handbook, learn_base_url: str | None = None) -> OscalDownloads:
    """The OSCAL export of every edition (see `OscalDownloads`), relative seed links
    resolved against ``learn_base_url`` (default: `handbook.site.registry.DEFAULT_LEARN_BASE_URL`);
    never raises for a missing compliance-trestle. Imports trestle (~0.9 s once a process,
    then ~40 ms a build); the plugin keeps the result (`handbook.oscal.cache`)."""
    from handbook.oscal.command import EmptyEdition, OscalUnavailable, oscal_files
    from handbook.site.registry import DEFAULT_LEARN_BASE_URL

    editions: list[str] = []
    files: dict[str, str] = {}
    version = None
    try:
        for edition in [e.id for e in reversed(handbook.editions_in_order())]:
            try:
                found = oscal_files(
                    handbook, edition, "json", learn_base_url or DEFAULT_LEARN_BASE_URL
                )
            except EmptyEdition:  # nothing to export: the page lists the other editions
                continue
            editions.append(edition)
            for name, content in found.items():
                files[f"downloads/oscal/{edition}/{name}"] = content.decode("utf-8")
                if version is None:
                    version = json.loads(content)["catalog"]["metadata"]["oscal-version"]
    except OscalUnavailable as exc:
        return OscalDownloads(missing=str(exc))
    return OscalDownloads(files, editions, version)

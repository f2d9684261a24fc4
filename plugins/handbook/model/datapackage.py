"""The Frictionless data package of the CSV data files (``data/datapackage.json``).

`data_package(handbook)` describes ``responsibility-matrix.csv`` and
``change-process.csv`` as a tabular data package (Data Package v1: ``profile``
``tabular-data-package``): each column's type, whether it is required, its enum or
pattern, and the primary key, so ``frictionless validate data/datapackage.json`` checks
the CSV files and third parties can read them with standard tools.

References to ids kept in the YAML files (parties, scopes, editions, seed documents,
errata) cannot be Frictionless foreign keys, which may only point at resources of the
package: they are ``enum`` constraints taken from the data, and each field's
``description`` names the YAML file the ids come from. The package is generated from the
model and the data (``handbook schemas``), never edited by hand; a test fails when it is
stale.
"""

from __future__ import annotations

import json
import re
from typing import Any, get_args

from handbook.model.entities import Phase
from handbook.model.fixed_ids import ID_PATTERN
from handbook.model.handbook import Handbook
from handbook.model.loader import PROCESS_COLUMNS, PROCESS_OPTIONAL, matrix_columns

FILE_NAME = "datapackage.json"


def _field(
    name: str,
    description: str,
    *,
    required: bool = True,
    enum: list[str] | None = None,
    pattern: str | None = None,
    unique: bool = False,
) -> dict[str, Any]:
    constraints: dict[str, Any] = {}
    if required:
        constraints["required"] = True
    if unique:
        constraints["unique"] = True
    if enum is not None:
        constraints["enum"] = enum
    if pattern is not None:
        constraints["pattern"] = pattern.removeprefix("^").removesuffix("$")
    out: dict[str, Any] = {
        "name": name,
        "type": "string",
        "format": "default",
        "description": description,
    }
    if constraints:
        out["constraints"] = constraints
    return out


def _resource(name: str, title: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "path": f"{name}.csv",
        "profile": "tabular-data-resource",
        "title": title,
        "description": description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": {"delimiter": ",", "quoteChar": '"', "header": True},
        "schema": {"missingValues": [""], **schema},
    }


def data_package(hb: Handbook) -> dict[str, Any]:
    """The data package describing the handbook's CSV files, as a JSON-ready dict.

    Keys: ``profile``, ``name``, ``title``, ``description``, ``resources`` (one a CSV file,
    with ``path`` relative to ``data/`` and a Table Schema under ``schema``).
    """
    docs = [d.id for d in hb.documents]
    editions = [e.id for e in hb.editions]
    parties = [p.id for p in hb.parties if p.kind == "party"]
    cells = [p.id for p in hb.parties]
    scopes = [s.id for s in hb.scopes]
    doc = _field("doc", "Seed document id (references documents[].id in editions.yaml).", enum=docs)
    section = _field("section", "Section heading in the seed document, as written.")

    matrix_fields = [
        _field(
            "id", "Stable id of the responsibility (kebab-case).", pattern=ID_PATTERN, unique=True
        ),
        _field("responsibility", "The responsibility, as the seed names it."),
        *[
            _field(
                scope,
                f"Who holds the responsibility in the scope '{s.name}' (a party id of "
                "parties.yaml, `both` for a shared one; the column is a scope id of "
                "responsibility-scopes.yaml).",
                enum=cells,
            )
            for scope, s in zip(scopes, hb.scopes, strict=True)
        ],
        doc,
        section,
    ]
    assert [f["name"] for f in matrix_fields] == matrix_columns(scopes)

    process_fields = [
        _field(
            "id",
            "Stable id of the duty statement, unique per edition (handbook fmt --add-ids "
            "assigns one); its permalink anchor on the change-process page.",
            required=False,
            pattern=ID_PATTERN,
        ),
        _field("edition", "Edition id (references editions[].id in editions.yaml).", enum=editions),
        _field("phase", "When the duty applies.", enum=list(get_args(Phase))),
        _field("party", "Who has the duty (a party id of parties.yaml).", enum=parties),
        _field("statement", "The duty (inline Markdown: links and emphasis)."),
        _field("note", "Editorial note kept from the seed; empty when none.", required=False),
        _field(
            "errata",
            "Ids of errata (errata.yaml) applied to the statement, separated by ';'; "
            "empty when none.",
            required=False,
        ),
        doc,
        section,
    ]
    assert [f["name"] for f in process_fields] == [*PROCESS_OPTIONAL, *PROCESS_COLUMNS]

    return {
        "profile": "tabular-data-package",
        "name": re.sub(r"[^a-z0-9._-]+", "-", hb.service.abbreviation.lower()) + "-handbook",
        "title": f"{hb.service.name} Operations Handbook: CSV data",
        "description": (
            "The CSV files of the handbook's data. The other data files are YAML, described "
            "by the JSON Schemas under schemas/. Ids that a CSV column takes from a YAML "
            "file (parties, scopes, editions, seed documents) are enum constraints, since "
            "foreign keys may only point at resources of this package; the loader "
            "(handbook validate) checks every reference, errata ids included. Generated by "
            "`handbook schemas`; do not edit."
        ),
        "licenses": [{"name": "MIT", "title": "MIT License"}],
        "resources": [
            _resource(
                "responsibility-matrix",
                "Balance of responsibility",
                "Responsibility x scope -> party (seed 002).",
                {"fields": matrix_fields, "primaryKey": ["id"]},
            ),
            _resource(
                "change-process",
                "Change process duties",
                "Before / during / after a change x party -> duty statements (seeds 000, 002).",
                {
                    "fields": process_fields,
                    "primaryKey": ["edition", "phase", "party", "statement"],
                },
            ),
        ],
    }


def package_text(package: dict[str, Any]) -> str:
    """The package as written: 2-space indented JSON, UTF-8, final newline."""
    return json.dumps(package, indent=2, ensure_ascii=False) + "\n"

"""JSON Schemas of the YAML data files, generated from the typed model.

`json_schemas()` returns one draft-07 schema a kind of YAML data file (``{kind: schema}``,
kinds in `KINDS`), derived from the pydantic models of `handbook.model.entities` (and
`handbook.checker.mapping.Mapping` for ``--map`` files). They describe the files *as
written*: the loader's position fields (``at``) are left out, and a `Statement` may be a
plain string as in YAML. Draft-07 because yaml-language-server supports no later draft:
definitions live under ``definitions`` and every ``$ref`` points there.

``handbook schemas`` writes them as ``schemas/<kind>.schema.json`` (`schema_text`);
`SCHEMA_FILES` maps each data file (relative to ``data/``) to its kind, and
`modeline(path)` gives the ``# yaml-language-server: $schema=...`` first line for a data
file.
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import Any

from pydantic import BaseModel, TypeAdapter

from handbook.model import entities as e

DRAFT_07 = "http://json-schema.org/draft-07/schema#"

#: kind -> (model of the file, the file holds a list of them, title); the ``mapping``
#: model lives in `handbook.checker.mapping` and is imported by `model_of`
KINDS: dict[str, tuple[type[BaseModel], bool, str]] = {
    "editions": (e.EditionsFile, False, "data/editions.yaml"),
    "parties": (e.Party, True, "data/parties.yaml"),
    "responsibility-scopes": (e.Scope, True, "data/responsibility-scopes.yaml"),
    "change-types": (e.ChangeType, True, "data/change-types.yaml"),
    "sop-categories": (e.SopCategory, True, "data/sop-categories.yaml"),
    "actions": (e.Action, True, "data/actions.yaml"),
    "channels": (e.Channel, True, "data/channels.yaml"),
    "roles": (e.Role, True, "data/roles.yaml"),
    "overview": (e.Overview, False, "data/overview.yaml"),
    "prose": (e.Prose, True, "data/prose.yaml"),
    "errata": (e.Erratum, True, "data/errata.yaml"),
    "rules": (e.Rule, True, "data/rules.yaml"),
    "glossary": (e.GlossaryEntry, True, "data/glossary.yaml"),
    "samples": (e.SampleFile, True, "data/samples/samples.yaml"),
    "mapping": (BaseModel, False, "a --map file, e.g. data/mappings/servicenow.yaml"),
}

#: data file (relative to ``data/``, ``/``-separated; ``*`` any name) -> schema kind
SCHEMA_FILES: dict[str, str] = {
    **{f"{kind}.yaml": kind for kind in KINDS if kind not in ("samples", "mapping")},
    "samples/samples.yaml": "samples",
    "mappings/*.yaml": "mapping",
}

#: Models a YAML file may also write as a plain string (the model's ``mode="before"``
#: validator turns it into the object), with the schema of that string.
_SHORTHANDS: dict[str, dict[str, Any]] = {
    "Statement": {"type": "string", "minLength": 1},
    "FieldMap": {"type": "string", "description": "the export's column (short for {column: ...})"},
}


def model_of(kind: str) -> type[BaseModel]:
    """The model of one kind of data file (a key of `KINDS`)."""
    if kind == "mapping":
        from handbook.checker.mapping import Mapping

        return Mapping
    return KINDS[kind][0]


def json_schema(kind: str) -> dict[str, Any]:
    """The draft-07 JSON Schema of one kind of data file (a key of `KINDS`).

    Raises:
        KeyError: ``kind`` is not a known kind.
    """
    model = model_of(kind)
    many, title = KINDS[kind][1], KINDS[kind][2]
    adapter: TypeAdapter[Any] = TypeAdapter(list[model] if many else model)  # type: ignore[valid-type]
    raw = adapter.json_schema(ref_template="#/definitions/{model}")
    defs: dict[str, Any] = raw.pop("$defs", {})
    for name, definition in defs.items():
        if name in _SHORTHANDS:
            inner = dict(definition)
            described = {k: inner.pop(k) for k in ("title", "description") if k in inner}
            defs[name] = {**described, "anyOf": [_SHORTHANDS[name], inner]}
    if kind == "mapping":
        # Mapping._known accepts only record fields as keys of `fields`: say so to editors
        from handbook.checker.records import FIELDS

        raw["properties"]["fields"]["propertyNames"] = {"enum": list(FIELDS)}
    raw.pop("title", None)
    doc = raw.pop("description", None)
    schema: dict[str, Any] = {
        "$schema": DRAFT_07,
        "$id": f"{kind}.schema.json",
        "title": title,
        "description": (doc + "\n\n" if doc else "")
        + "Generated from the handbook's model by `handbook schemas`; do not edit.",
    }
    schema.update(raw)
    if defs:
        schema["definitions"] = dict(sorted(defs.items()))
    return schema


def json_schemas() -> dict[str, dict[str, Any]]:
    """Every kind's schema: ``{kind: schema}`` in `KINDS` order."""
    return {kind: json_schema(kind) for kind in KINDS}


def schema_text(schema: dict[str, Any]) -> str:
    """A schema as written to disk: 2-space indented JSON, UTF-8, final newline."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def kind_of(relative: str) -> str | None:
    """The schema kind of a data file given relative to ``data/`` (``rules.yaml``,
    ``mappings/servicenow.yaml``), or None when it has none (sample change records)."""
    path = PurePosixPath(relative)
    for pattern, kind in SCHEMA_FILES.items():
        if path.match(pattern) and len(path.parts) == len(PurePosixPath(pattern).parts):
            return kind
    return None


def modeline(relative: str, schemas_from_data: str = "../schemas") -> str | None:
    """The yaml-language-server modeline for a data file relative to ``data/``, with the
    schema path relative to the file (``../schemas/rules.schema.json``), or None."""
    kind = kind_of(relative)
    if kind is None:
        return None
    depth = len(PurePosixPath(relative).parts) - 1
    prefix = "../" * depth + schemas_from_data
    return f"# yaml-language-server: $schema={prefix}/{kind}.schema.json"

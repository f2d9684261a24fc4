"""Load ``data/`` into a validated `Handbook`, collecting every problem.

`load_handbook(data_dir)` reads each data file, validates it against the typed model
(`handbook.model.entities`) and then checks references between files (parties, editions, channels,
actions, documents, errata, rules). It never raises on bad data: it returns the handbook
(None when any file could not be read into the model) and the list of `Problem` values,
each with file, line, column where known, what is wrong and what would be right.
"""

from __future__ import annotations

import difflib
import functools
import itertools
import sys
from collections.abc import Callable, Hashable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar, cast

from pydantic import BaseModel, TypeAdapter, ValidationError

from handbook.model.entities import (
    PHASES,
    TIME_FIELDS,
    Action,
    ChangeType,
    Channel,
    EditionsFile,
    Erratum,
    GlossaryEntry,
    MatrixRow,
    Node,
    Overview,
    Party,
    ProcessDuty,
    Prose,
    Quote,
    Role,
    Rule,
    SampleFile,
    Scope,
    SopCategory,
    Source,
    Statement,
)
from handbook.model.handbook import Handbook
from handbook.model.problems import Problem, format_problems, sort_problems
from handbook.model.sources import LocatedStr, load_yaml_file, parse_csv_text, read_text

T = TypeVar("T")

#: Every field name of every model, for "did you mean" hints on unknown keys.
_ALL_KEYS: set[str] = set()


def _collect_keys(model: type[BaseModel]) -> None:
    _ALL_KEYS.update(k for k in model.model_fields if k != "at")


for _m in Node.__subclasses__():
    _collect_keys(_m)

_HINTS = {
    "string_pattern_mismatch": "use lowercase words joined by hyphens, e.g. 'service-accounts'",
    "date_from_datetime_parsing": "write a date as YYYY-MM-DD",
    "date_parsing": "write a date as YYYY-MM-DD",
    "date_type": "write a date as YYYY-MM-DD",
    "time_delta_parsing": "write a duration in ISO 8601, e.g. P5D (5 days) or PT48H (48 hours)",
    "bool_parsing": "write true or false",
    "bool_type": "write true or false",
    "list_type": "write a list: one '- item' per line, or [a, b]",
    "dict_type": "write a mapping of 'key: value' lines",
    "model_type": "write a mapping of 'key: value' lines",
    "model_attributes_type": "write a mapping of 'key: value' lines",
    "string_type": "write text (quote it if it starts with a special character)",
    "too_short": "add at least one item",
}


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """The closest of ``choices`` to ``word`` (difflib, cutoff 0.6), or None."""
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return match[0] if match else None


def _expected(choices: Iterable[str], given: str | None = None) -> str:
    """``expected one of: a, b, c`` plus a did-you-mean when one is close."""
    options = sorted(set(choices))
    text = "expected one of: " + ", ".join(options)
    if given is not None and (guess := did_you_mean(given, options)):
        text = f"did you mean '{guess}'? " + text
    return text


def _position(raw: Any, loc: tuple[int | str, ...]) -> tuple[str | None, int | None, int | None]:
    """Walk ``raw`` along a pydantic error location; return the deepest known position."""
    file: str | None = None
    line: int | None = None
    column: int | None = None
    obj = raw
    for key in loc:
        if isinstance(obj, dict):
            at = obj.get("at")
            if isinstance(at, dict):
                file, line, column = at.get("file"), at.get("line"), at.get("column")
                if isinstance(key, str) and key in at.get("keys", {}):
                    line, column = at["keys"][key]
            if key in obj:
                obj = obj[key]
            else:
                continue
        elif isinstance(obj, list) and isinstance(key, int) and 0 <= key < len(obj):
            obj = obj[key]
        else:
            continue
        if isinstance(obj, LocatedStr):
            file, line, column = obj.file, obj.line, obj.column
        elif isinstance(obj, dict) and isinstance(obj.get("at"), dict):
            at = obj["at"]
            file, line, column = at.get("file"), at.get("line"), at.get("column")
    return file, line, column


def validation_problems(exc: ValidationError, raw: Any, file: str) -> list[Problem]:
    """Translate a pydantic `ValidationError` into problems with positions and hints."""
    problems: list[Problem] = []
    seen: set[tuple[int | None, int | None]] = set()
    for err in exc.errors():
        loc = tuple(err["loc"])
        where, line, column = _position(raw, loc)
        if (line, column) in seen:
            continue  # one problem per position (unions report each alternative)
        seen.add((line, column))
        names = [k for k in loc if isinstance(k, str) and "[" not in k]
        field = names[-1] if names else None
        kind = err["type"]
        given = err.get("input")
        hint = _HINTS.get(kind)
        if kind == "missing":
            message = f"missing required key '{field}'"
            hint = f"add '{field}: ...' to this entry"
        elif kind == "extra_forbidden":
            message = f"unknown key '{field}'"
            guess = did_you_mean(str(field), _ALL_KEYS)
            hint = f"did you mean '{guess}'?" if guess else "remove it or check its spelling"
        elif kind in {"literal_error", "enum"}:
            message = f"'{given}' is not allowed for '{field}'"
            hint = err["msg"].replace("Input should be", "expected")
        elif kind == "string_pattern_mismatch":
            message = f"'{given}' is not a valid value for '{field}'"
        else:
            what = f"'{field}'" if field else "this value"
            message = f"invalid {what}: {err['msg']}"
        problems.append(Problem(_code(kind), message, where or file, line, column, hint))
    return problems


def _code(kind: str) -> str:
    """Our problem code for a pydantic error type."""
    if kind == "missing":
        return "missing-key"
    if kind == "extra_forbidden":
        return "unknown-key"
    if kind in {"literal_error", "enum", "string_pattern_mismatch"}:
        return "wrong-value"
    return "wrong-type"


@functools.cache
def _adapter(model: Any) -> TypeAdapter[Any]:
    return TypeAdapter(model)


def _validate(model: type[T], raw: Any, file: str) -> tuple[T | None, list[Problem]]:
    """Validate ``raw`` as ``model``; problems carry the positions found in ``raw``."""
    try:
        value: T = _adapter(cast(Hashable, model)).validate_python(raw)
        return value, []
    except ValidationError as exc:
        return None, validation_problems(exc, raw, file)


def _validate_list(model: type[T], raw: Any, file: str) -> tuple[list[T], list[Problem]]:
    """Validate a YAML list item by item, so one bad entry does not hide the others."""
    if raw is None:
        return [], []
    if not isinstance(raw, list):
        return [], [
            Problem(
                "wrong-type",
                "expected a list of entries ('- ...' lines)",
                file,
                1,
                hint="start each entry with '- '",
            )
        ]
    out: list[T] = []
    problems: list[Problem] = []
    for item in raw:
        value, found = _validate(model, item, file)
        problems += found
        if value is not None:
            out.append(value)
    return out, problems


def _csv_rows(
    path: Path,
    display: str,
    required: list[str],
    build: Callable[[dict[str, LocatedStr], dict[str, Any]], dict[str, Any]],
    model: type[T],
    extra_columns: Callable[[list[str]], list[str]] | None = None,
) -> tuple[list[T], list[Problem]]:
    text, problems = read_text(path, display)
    if text is None:
        return [], problems
    table, problems = parse_csv_text(text, display)
    if table is None:
        return [], problems
    missing = [c for c in required if c not in table.header]
    unknown = [c for c in table.header if c not in required]
    allowed_extra = extra_columns(table.header) if extra_columns else []
    unknown = [c for c in unknown if c not in allowed_extra]
    if missing or unknown:
        parts = []
        if missing:
            parts.append("missing column(s): " + ", ".join(missing))
        if unknown:
            parts.append("unknown column(s): " + ", ".join(unknown))
        return [], [
            *problems,
            Problem(
                "csv-header",
                "; ".join(parts),
                display,
                1,
                hint="the header must be: " + ",".join(required),
            ),
        ]
    out: list[T] = []
    for line, cells in table.rows:
        row = {
            name: LocatedStr(value.strip(), line, index + 1, display)
            for index, (name, value) in enumerate(zip(table.header, cells, strict=True))
        }
        at = {
            "file": display,
            "line": line,
            "column": 1,
            "keys": {name: (line, i + 1) for i, name in enumerate(table.header)},
        }
        raw = build(row, at)
        value, found = _validate(model, raw, display)
        problems += found
        if value is not None:
            out.append(value)
    return out, problems


def _source(row: dict[str, LocatedStr]) -> dict[str, Any]:
    return {"doc": row["doc"], "section": row["section"]}


def _blank_to_none(value: str) -> str | None:
    return value if value else None


def load_for_command(data: Path, prog: str) -> Handbook | None:
    """The handbook of ``data`` for a subcommand that needs it (``handbook check``,
    ``handbook verify``), or None after telling why on standard error: the folder does
    not exist, or the data has errors (every problem listed). Warnings are not printed."""
    if not data.is_dir():
        print(f"{prog}: error: data folder not found: {data}", file=sys.stderr)
        return None
    handbook, problems = load_handbook(data)
    if handbook is None:
        print(f"{prog}: error: the data in {data} is not valid:", file=sys.stderr)
        print(format_problems(problems), file=sys.stderr)
    return handbook


def load_handbook(data_dir: Path | str) -> tuple[Handbook | None, list[Problem]]:
    """Load and validate every data file under ``data_dir``.

    Files (relative to ``data_dir``): ``editions.yaml``, ``parties.yaml``, ``channels.yaml``,
    ``actions.yaml``, ``responsibility-scopes.yaml``, ``responsibility-matrix.csv``,
    ``change-process.csv``, ``change-types.yaml``, ``sop-categories.yaml``, ``roles.yaml``,
    ``prose.yaml``, ``overview.yaml``, ``errata.yaml``, ``rules.yaml``,
    ``samples/samples.yaml`` and, when present, ``glossary.yaml``.

    Returns:
        ``(handbook, problems)``. ``handbook`` is None when a file could not be read at all
        or has an error; ``problems`` lists every problem (sorted by file and line). Paths
        in problems are ``data_dir`` joined with the file name, as given.

    Never raises for bad data; raises only on programming errors.
    """
    root = Path(data_dir)
    problems: list[Problem] = []

    def path(name: str) -> tuple[Path, str]:
        return root / name, str(root / name)

    def yaml_list(name: str, model: type[T]) -> list[T]:
        p, display = path(name)
        raw, found = load_yaml_file(p, display)
        problems.extend(found)
        if found:
            return []
        items, found = _validate_list(model, raw, display)
        problems.extend(found)
        return items

    def yaml_one(name: str, model: type[T]) -> T | None:
        p, display = path(name)
        raw, found = load_yaml_file(p, display)
        problems.extend(found)
        if found:
            return None
        value, found = _validate(model, raw, display)
        problems.extend(found)
        return value

    editions_file = yaml_one("editions.yaml", EditionsFile)
    parties = yaml_list("parties.yaml", Party)
    channels = yaml_list("channels.yaml", Channel)
    actions = yaml_list("actions.yaml", Action)
    scopes = yaml_list("responsibility-scopes.yaml", Scope)
    scope_ids = [s.id for s in scopes]

    def matrix_row(row: dict[str, LocatedStr], at: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": row["id"],
            "responsibility": row["responsibility"],
            "cells": {s: row[s] for s in scope_ids if s in row},
            "source": _source(row),
            "at": at,
        }

    p, display = path("responsibility-matrix.csv")
    matrix, found = _csv_rows(
        p, display, ["id", "responsibility", *scope_ids, "doc", "section"], matrix_row, MatrixRow
    )
    problems += found

    def duty_row(row: dict[str, LocatedStr], at: dict[str, Any]) -> dict[str, Any]:
        errata = [e.strip() for e in row["errata"].split(";") if e.strip()]
        statement = {
            "text": row["statement"],
            "note": _blank_to_none(row["note"]),
            "errata": errata,
            "at": {
                "file": display,
                "line": row["statement"].line,
                "column": row["statement"].column,
            },
        }
        return {
            "edition": row["edition"],
            "phase": row["phase"],
            "party": row["party"],
            "statement": statement,
            "source": _source(row),
            "at": at,
        }

    p, display = path("change-process.csv")
    process, found = _csv_rows(
        p,
        display,
        ["edition", "phase", "party", "statement", "note", "errata", "doc", "section"],
        duty_row,
        ProcessDuty,
    )
    problems += found

    change_types = yaml_list("change-types.yaml", ChangeType)
    sop_categories = yaml_list("sop-categories.yaml", SopCategory)
    roles = yaml_list("roles.yaml", Role)
    prose = yaml_list("prose.yaml", Prose)
    overview = yaml_one("overview.yaml", Overview)
    errata = yaml_list("errata.yaml", Erratum)
    rules = yaml_list("rules.yaml", Rule)
    samples = yaml_list("samples/samples.yaml", SampleFile)
    glossary = (
        yaml_list("glossary.yaml", GlossaryEntry) if (root / "glossary.yaml").exists() else []
    )

    if editions_file is None or overview is None or any(p.severity == "error" for p in problems):
        return None, sort_problems(problems)

    handbook = Handbook(
        root=root,
        service=editions_file.service,
        documents=editions_file.documents,
        editions=editions_file.editions,
        parties=parties,
        channels=channels,
        actions=actions,
        scopes=scopes,
        matrix=matrix,
        process=process,
        change_types=change_types,
        sop_categories=sop_categories,
        roles=roles,
        prose=prose,
        overview=overview,
        errata=errata,
        rules=rules,
        samples=samples,
        glossary=glossary,
    )
    problems += check_references(handbook)
    if any(p.severity == "error" for p in problems):
        return None, sort_problems(problems)
    return handbook, sort_problems(problems)


# --- references between files --------------------------------------------------------------


def iter_nodes(value: Any) -> Iterator[Node]:
    """Every `Node` inside ``value`` (a node, list or dict of nodes), depth first."""
    if isinstance(value, Node):
        yield value
        for name in type(value).model_fields:
            if name != "at":
                yield from iter_nodes(getattr(value, name))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from iter_nodes(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from iter_nodes(item)


def _ref_problem(node: Node, key: str, what: str, given: str, choices: Iterable[str]) -> Problem:
    line, column = node.at.of(key)
    return Problem(
        "unknown-reference",
        f"{what} '{given}' does not exist",
        node.at.file,
        line or None,
        column or None,
        hint=_expected(choices, given),
    )


def _duplicates(items: Iterable[Node], key: Callable[[Any], Any], what: str) -> list[Problem]:
    problems: list[Problem] = []
    first: dict[Any, Node] = {}
    for item in items:
        k = key(item)
        if k in first:
            line, column = item.at.of("id")
            label = "/".join(k) if isinstance(k, tuple) else k
            problems.append(
                Problem(
                    "duplicate-id",
                    f"{what} '{label}' is defined twice",
                    item.at.file,
                    line or None,
                    column or None,
                    hint=f"first defined at {first[k].at.file}:{first[k].at.line}; "
                    "give this one another id or merge them",
                )
            )
        else:
            first[k] = item
    return problems


def check_references(hb: Handbook) -> list[Problem]:
    """Problems with ids and references across data files (see `load_handbook`)."""
    problems: list[Problem] = []
    doc_ids = [d.id for d in hb.documents]
    edition_ids = [e.id for e in hb.editions]
    party_ids = [p.id for p in hb.parties if p.kind == "party"]
    cell_ids = [p.id for p in hb.parties]
    channel_ids = [c.id for c in hb.channels]
    action_ids = [a.id for a in hb.actions]
    errata_ids = [e.id for e in hb.errata]
    sop_ids = {c.id for c in hb.sop_categories}
    type_ids = {t.id for t in hb.change_types}

    problems += _duplicates(hb.documents, lambda x: x.id, "document")
    problems += _duplicates(hb.editions, lambda x: x.id, "edition")
    problems += _duplicates(hb.parties, lambda x: x.id, "party")
    problems += _duplicates(hb.channels, lambda x: x.id, "channel")
    problems += _duplicates(hb.actions, lambda x: x.id, "action")
    problems += _duplicates(hb.scopes, lambda x: x.id, "scope")
    problems += _duplicates(hb.matrix, lambda x: x.id, "responsibility")
    problems += _duplicates(hb.change_types, lambda x: (x.edition, x.id), "change type")
    problems += _duplicates(hb.sop_categories, lambda x: (x.edition, x.id), "SOP category")
    problems += _duplicates(hb.roles, lambda x: (x.party, x.id), "role")
    problems += _duplicates(hb.prose, lambda x: x.id, "prose section")
    problems += _duplicates(hb.errata, lambda x: x.id, "erratum")
    problems += _duplicates(hb.rules, lambda x: x.id, "rule")
    problems += _duplicates(hb.samples, lambda x: x.file, "sample file")
    problems += _duplicates(hb.glossary, lambda x: x.id, "glossary entry")

    for doc in hb.documents:
        if doc.edition not in edition_ids:
            problems.append(_ref_problem(doc, "edition", "edition", doc.edition, edition_ids))
    for ed in hb.editions:
        for d in ed.documents:
            if d not in doc_ids:
                problems.append(_ref_problem(ed, "documents", "document", d, doc_ids))
    ordered = sorted(hb.editions, key=lambda e: e.in_force_from)
    for prev, nxt in itertools.pairwise(ordered):
        if prev.in_force_until is None or prev.in_force_until >= nxt.in_force_from:
            problems.append(
                Problem(
                    "overlapping-editions",
                    f"edition {prev.id} is in force until {prev.in_force_until} but "
                    f"{nxt.id} starts on {nxt.in_force_from}",
                    prev.at.file,
                    prev.at.of("in_force_until")[0] or None,
                    hint=f"set in_force_until of {prev.id} to the day before {nxt.in_force_from}",
                )
            )

    everything: list[Any] = [
        hb.service,
        hb.matrix,
        hb.process,
        hb.change_types,
        hb.sop_categories,
        hb.roles,
        hb.prose,
        hb.overview,
        hb.rules,
    ]
    for node in iter_nodes(everything):
        if isinstance(node, Source | Quote) and node.doc not in doc_ids:
            problems.append(_ref_problem(node, "doc", "document", node.doc, doc_ids))
        if isinstance(node, Statement):
            for e in node.errata:
                if e not in errata_ids:
                    problems.append(_ref_problem(node, "errata", "erratum", e, errata_ids))
            for a in node.prohibits:
                if a not in action_ids:
                    problems.append(_ref_problem(node, "prohibits", "action", a, action_ids))
    for erratum in hb.errata:
        if erratum.doc not in doc_ids:
            problems.append(_ref_problem(erratum, "doc", "document", erratum.doc, doc_ids))

    for row in hb.matrix:
        for scope, party in row.cells.items():
            if party not in cell_ids:
                problems.append(
                    Problem(
                        "unknown-party",
                        f"unknown party '{party}' in column '{scope}'",
                        row.at.file,
                        row.at.line or None,
                        row.at.of(scope)[1] or None,
                        hint=_expected(cell_ids, party),
                    )
                )
    for duty in hb.process:
        if duty.edition not in edition_ids:
            problems.append(_ref_problem(duty, "edition", "edition", duty.edition, edition_ids))
        if duty.party not in party_ids:
            line, column = duty.at.of("party")
            problems.append(
                Problem(
                    "unknown-party",
                    f"unknown party '{duty.party}'",
                    duty.at.file,
                    line,
                    column,
                    _expected(party_ids, duty.party),
                )
            )
    for ct in hb.change_types:
        if ct.edition not in edition_ids:
            problems.append(_ref_problem(ct, "edition", "edition", ct.edition, edition_ids))
        for pred in ct.succeeds:
            if pred not in type_ids:
                problems.append(_ref_problem(ct, "succeeds", "change type", pred, type_ids))
        if ct.channels != "any":
            for ch in ct.channels:
                if ch not in channel_ids:
                    problems.append(_ref_problem(ct, "channels", "channel", ch, channel_ids))
    for cat in hb.sop_categories:
        if cat.edition not in edition_ids:
            problems.append(_ref_problem(cat, "edition", "edition", cat.edition, edition_ids))
    for action in hb.actions:
        if action.category not in sop_ids:
            problems.append(
                _ref_problem(action, "category", "SOP category", action.category, sop_ids)
            )
    for role in hb.roles:
        if role.party not in party_ids:
            line, column = role.at.of("party")
            problems.append(
                Problem(
                    "unknown-party",
                    f"unknown party '{role.party}'",
                    role.at.file,
                    line,
                    column,
                    _expected(party_ids, role.party),
                )
            )
    for rule in hb.rules:
        problems += _check_rule(rule, edition_ids, party_ids, type_ids, sop_ids)
    for sample in hb.samples:
        if not (hb.root / "samples" / sample.file).is_file():
            line, column = sample.at.of("file")
            problems.append(
                Problem(
                    "missing-file",
                    f"sample file '{sample.file}' does not exist",
                    sample.at.file,
                    line,
                    column,
                    hint=f"add it under {hb.root / 'samples'}",
                )
            )
    return problems


def _check_rule(
    rule: Rule,
    edition_ids: list[str],
    party_ids: list[str],
    type_ids: set[str],
    sop_ids: set[str],
) -> list[Problem]:
    problems: list[Problem] = []
    for e in rule.editions:
        if e not in edition_ids:
            problems.append(_ref_problem(rule, "editions", "edition", e, edition_ids))
    scope = rule.applies_to
    if scope.initiator is not None and scope.initiator not in party_ids:
        problems.append(
            Problem(
                "unknown-party",
                f"unknown party '{scope.initiator}'",
                scope.at.file,
                scope.at.of("initiator")[0] or None,
                None,
                _expected(party_ids, scope.initiator),
            )
        )
    for t in scope.change_type or []:
        if t not in type_ids:
            problems.append(_ref_problem(scope, "change_type", "change type", t, type_ids))
    for c in scope.sop_category or []:
        if c not in sop_ids:
            problems.append(_ref_problem(scope, "sop_category", "SOP category", c, sop_ids))
    fields = [*rule.requires]
    for con in rule.constraints:
        fields += [con.earlier, con.later]
    for f in fields:
        if f not in TIME_FIELDS:
            problems.append(_ref_problem(rule, "requires", "time field", f, TIME_FIELDS))
    if rule.kind == "timing" and not (rule.requires or rule.constraints):
        problems.append(
            Problem(
                "empty-rule",
                f"timing rule {rule.id} checks nothing",
                rule.at.file,
                rule.at.line or None,
                hint="give it 'requires' or 'constraints'",
            )
        )
    if rule.kind != "timing" and (rule.requires or rule.constraints):
        problems.append(
            Problem(
                "wrong-value",
                f"rule {rule.id} of kind '{rule.kind}' takes no 'requires' or 'constraints'",
                rule.at.file,
                rule.at.line or None,
                hint="use kind 'timing' or remove them",
            )
        )
    return problems


__all__ = ["PHASES", "check_references", "iter_nodes", "load_handbook"]

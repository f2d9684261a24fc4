"""Load ``data/`` into a validated `Handbook`, collecting every problem.

`load_handbook(data_dir)` reads each data file (`handbook.model.sources`), validates it
against the typed model (`handbook.model.validation`) and then checks references between
files (`handbook.model.references`). It never raises on bad data: it returns the handbook
(None when any file has an error) and the list of `Problem` values, each with file, line,
column where known, what is wrong and what would be right.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from handbook.model.csvtext import parse_csv_text
from handbook.model.entities import (
    Action,
    ChangeType,
    Channel,
    EditionsFile,
    Erratum,
    GlossaryEntry,
    MatrixRow,
    Overview,
    Party,
    ProcessDuty,
    Prose,
    Role,
    Rule,
    SampleFile,
    Scope,
    SopCategory,
)
from handbook.model.handbook import Handbook
from handbook.model.problems import Problem, format_problems, sort_problems
from handbook.model.references import UNREAD, check_references
from handbook.model.sources import LocatedStr, load_yaml_file, read_text
from handbook.model.validation import validate, validate_list

T = TypeVar("T")

#: Columns of ``change-process.csv``, in order (exactly these are required).
PROCESS_COLUMNS = ["edition", "phase", "party", "statement", "note", "errata", "doc", "section"]
#: Optional column of ``change-process.csv``: the duty statement's stable id.
PROCESS_OPTIONAL = ["id"]


def matrix_columns(scope_ids: list[str]) -> list[str]:
    """Columns of ``responsibility-matrix.csv``: ``id``, ``responsibility``, one a scope
    id of ``responsibility-scopes.yaml``, ``doc``, ``section`` (exactly these are required)."""
    return ["id", "responsibility", *scope_ids, "doc", "section"]


def _csv_rows(
    path: Path,
    display: str,
    required: list[str],
    build: Callable[[dict[str, LocatedStr], dict[str, Any]], dict[str, Any]],
    model: type[T],
    optional: Sequence[str] = (),
) -> tuple[list[T], list[Problem]]:
    text, problems = read_text(path, display)
    header = ",".join([*optional, *required])
    header += f" ({', '.join(optional)} optional)" if optional else ""
    if text is None:
        hint = f"create it with its header row (alone for no entries): {header}"
        return [], _missing_hint(problems, hint)
    if not text.strip():  # emptied by mistake, as an empty YAML file is
        hint = f"write its header row: {header}, then one row per entry"
        return [], [*problems, Problem("empty-file", "the file is empty", display, 1, hint=hint)]
    table, problems = parse_csv_text(text, display)
    if table is None:
        return [], problems
    missing = [c for c in required if c not in table.header]
    unknown = [c for c in table.header if c not in required and c not in optional]
    if missing or unknown:
        parts = []
        if missing:
            parts.append("missing column(s): " + ", ".join(missing))
        if unknown:
            empty = "'' (an empty name: a comma at the end of the header?)"
            parts.append("unknown column(s): " + ", ".join(c or empty for c in unknown))
        hint = f"the header must be: {header}"
        if len(table.header) == 1 and ";" in table.header[0]:  # a spreadsheet's CSV
            parts = ["the cells are separated by ';', not by commas"]
            hint = f"save it as CSV with commas (a spreadsheet's list separator setting); {hint}"
        return [], [*problems, Problem("csv-header", "; ".join(parts), display, 1, hint=hint)]
    raws = []
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
        raws.append(build(row, at))
    out, found = validate_list(model, raws, display)
    return out, problems + found


def _missing_hint(problems: list[Problem], hint: str) -> list[Problem]:
    """``problems`` with ``hint`` (what to create) on a ``missing-file`` problem, so a new
    project's first ``handbook validate`` says what each file it lacks must hold."""
    return [replace(p, hint=hint) if p.code == "missing-file" else p for p in problems]


def _source(row: dict[str, LocatedStr]) -> dict[str, Any]:
    return {"doc": row["doc"], "section": row["section"]}


def no_data_folder(prog: str, data: Path) -> str:
    """The error of a command given a data folder that does not exist."""
    return (
        f"{prog}: error: data folder not found: {data} (run it in the folder that holds "
        f"{data.name or data}, or give --data PATH)"
    )


def load_for_command(data: Path, prog: str) -> Handbook | None:
    """The handbook of ``data`` for a subcommand that needs it (``handbook check``,
    ``handbook verify``), or None after telling why on standard error: the folder does
    not exist, or the data has errors (every problem listed). Warnings are not printed."""
    if not data.is_dir():
        print(no_data_folder(prog, data), file=sys.stderr)
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
    ``samples/samples.yaml`` and, when present, ``glossary.yaml``. An empty file is an
    error (``empty-file``; ``[]`` is a list of no entries).

    Returns:
        ``(handbook, problems)``. ``handbook`` is None when a file could not be read at all
        or has an error; ``problems`` lists every problem (sorted by file and line). Paths
        in problems are ``data_dir`` joined with the file name, as given.

    Never raises for bad data; raises only on programming errors.
    """
    handbook, problems = load_partial(data_dir)
    if any(p.severity == "error" for p in problems):
        return None, problems
    return handbook, problems


def load_partial(data_dir: Path | str) -> tuple[Handbook | None, list[Problem]]:
    """`load_handbook`, but the handbook is returned even when the data has errors, made
    of the entries that are valid (None only when ``editions.yaml`` or ``overview.yaml``
    cannot be read or validated): for checks that report more problems in the same run
    (``handbook validate``'s warnings). References to the ids of entries that failed
    validation are not reported (the entry's own problem is).
    """
    root = Path(data_dir)
    problems: list[Problem] = []
    # ids of list entries that failed validation: references to them are not reported
    # while the entry itself is (the contributor fixes the entry, not every use of it)
    unvalidated: set[str] = set()

    def path(name: str) -> tuple[Path, str]:
        return root / name, str(root / name)

    def yaml_raw(name: str, hint: str) -> tuple[Any, str]:
        p, display = path(name)
        raw, found = load_yaml_file(p, display)
        problems.extend(_missing_hint(found, f"create it: {hint}"))
        if raw is None and not found:  # no document at all: emptied by mistake
            problems.append(Problem("empty-file", "the file is empty", display, 1, hint=hint))
        if raw is None:  # a file not read: references into an empty vocabulary are unknown
            unvalidated.add(UNREAD)
        return raw, display

    def yaml_list(name: str, model: type[T], what: str, *key: str) -> list[T]:
        first = (key or ("id",))[-1]  # '- id: ...'; a sample file: '- file: ...'
        raw, display = yaml_raw(name, f"add its entries ('- {first}: ...'), or write [] for none")
        if raw is None:
            return []
        if not isinstance(raw, list):  # not a list: no entry read (validate_list says so)
            unvalidated.add(UNREAD)
        items, found = validate_list(model, raw, display)
        problems.extend(found)
        problems.extend(_failed_duplicates(raw, items, what, key or ("id",)))
        unvalidated.update(_failed_ids(raw, items))
        return items

    def yaml_one(name: str, model: type[T]) -> T | None:
        raw, display = yaml_raw(name, "add its keys ('key: value' lines)")
        if raw is None:
            return None
        value, found = validate(model, raw, display)
        problems.extend(found)
        return value

    editions_file = yaml_one("editions.yaml", EditionsFile)
    parties = yaml_list("parties.yaml", Party, "party")
    channels = yaml_list("channels.yaml", Channel, "channel")
    actions = yaml_list("actions.yaml", Action, "action")
    scopes = yaml_list("responsibility-scopes.yaml", Scope, "scope")
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
    matrix, found = _csv_rows(p, display, matrix_columns(scope_ids), matrix_row, MatrixRow)
    problems += found

    def duty_row(row: dict[str, LocatedStr], at: dict[str, Any]) -> dict[str, Any]:
        errata = [e.strip() for e in row["errata"].split(";") if e.strip()]
        sid = row.get("id")
        statement = {
            "id": sid or None,
            "text": row["statement"],
            "note": row["note"] or None,
            "errata": errata,
            "at": {
                "file": display,
                "line": row["statement"].line,
                "column": row["statement"].column,
                "keys": {"id": (sid.line, sid.column)} if sid else {},
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
    process, found = _csv_rows(p, display, PROCESS_COLUMNS, duty_row, ProcessDuty, PROCESS_OPTIONAL)
    problems += found

    change_types = yaml_list("change-types.yaml", ChangeType, "change type", "edition", "id")
    sop_categories = yaml_list("sop-categories.yaml", SopCategory, "SOP category", "edition", "id")
    roles = yaml_list("roles.yaml", Role, "role", "party", "id")
    prose = yaml_list("prose.yaml", Prose, "prose section")
    overview = yaml_one("overview.yaml", Overview)
    errata = yaml_list("errata.yaml", Erratum, "erratum")
    rules = yaml_list("rules.yaml", Rule, "rule")
    samples = yaml_list("samples/samples.yaml", SampleFile, "sample file", "file")
    glossary = (
        yaml_list("glossary.yaml", GlossaryEntry, "glossary entry")
        if (root / "glossary.yaml").exists()
        else []
    )

    if editions_file is None or overview is None:
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
    # the references are checked even when a file has errors, so that one run reports
    # every problem; the entries that failed are left out of the handbook
    problems += check_references(handbook, frozenset(unvalidated))
    return handbook, sort_problems(problems)


def _failed_duplicates(
    raw: Any, items: list[Any], what: str, key: tuple[str, ...]
) -> list[Problem]:
    """``duplicate-id`` for each raw list entry that failed validation whose ``key`` values
    (``id``; a change type's ``edition`` and ``id``) another entry has: the check across
    files (`check_references`) sees only the valid entries, so an id copied into an entry
    with another mistake was reported only once that mistake was fixed."""
    if not isinstance(raw, list):
        return []
    entries = [e for e in raw if isinstance(e, dict) and isinstance(e.get("at"), dict)]
    valid = {(i.at.line, i.at.column) for i in items}

    def label(entry: dict[str, Any]) -> str | None:
        values = [v for k in key if isinstance(v := entry.get(k), str)]
        return "/".join(values) if len(values) == len(key) else None

    problems = []
    for entry in entries:
        at = entry["at"]
        name = label(entry)
        if name is None or (at["line"], at["column"]) in valid:
            continue
        other = next((e for e in entries if e is not entry and label(e) == name), None)
        if other is not None:
            line, column = at["keys"].get(key[-1], (at["line"], at["column"]))
            problems.append(
                Problem(
                    "duplicate-id",
                    f"{what} '{name}' is defined twice",
                    at["file"],
                    line,
                    column,
                    hint=f"also defined at {at['file']}:{other['at']['line']}; give this one "
                    "another id or merge them",
                )
            )
    return problems


def _failed_ids(raw: Any, items: list[Any]) -> set[str]:
    """The ``id`` values of the raw list entries that are not among the validated
    ``items`` (by id)."""
    if not isinstance(raw, list):
        return set()
    valid = {getattr(item, "id", None) for item in items}
    ids = {str(e.get("id")) for e in raw if isinstance(e, dict) and e.get("id") is not None}
    return ids - valid

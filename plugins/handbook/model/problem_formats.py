"""Problems in ``data/`` as CI formats: ``handbook validate --format text|json|github|sarif``.

Each function takes the problems (`handbook.model.problems.Problem`) and returns the text
to print:

``text``
    `format_problems`: ``file:line:col: severity[code] message (hint)`` a problem, then a
    count (unchanged from before the other formats existed).
``json``
    a JSON array, one object a problem: ``file`` (str), ``line`` and ``column`` (int or
    null, 1-based), ``code``, ``severity`` (``error``/``warning``), ``message``, ``hint``
    (str or null); sorted by file, line, column.
``github``
    GitHub workflow commands, ``::error file=F,line=L,col=C,title=CODE::message (hint)``
    (``::warning`` for warnings), escaped as GitHub requires (``%``, CR, LF in the message;
    also ``:`` and ``,`` in properties; other control characters as ``\\x1b``).
    `github_step_summary` gives the Markdown table appended to ``$GITHUB_STEP_SUMMARY``,
    its cells literal Markdown (`handbook.ci.markdown_cell`).
``sarif``
    SARIF 2.1.0, the conventions of ``handbook check --format sarif``: one run, tool
    ``handbook`` with one rule a problem code, results with ``ruleId``, ``ruleIndex``,
    ``level``, the file relative to the repository root, ``startLine``/``startColumn``
    (line 1 when the whole file is concerned) and ``partialFingerprints`` stable across
    runs (a hash of path, code and message; repeats numbered); the site's URL (``--site-url``,
    else `site_url` from ``mkdocs.yml``) as ``informationUri`` and rules' ``helpUri``.

A CSV problem's column is a cell number (`Problem`): ``github`` and ``sarif``, whose
columns are characters, leave it out.

Paths in ``github`` and ``sarif`` are relative to the repository root (the nearest folder
holding ``.git`` above the data folder), as GitHub wants them; a path outside it stays as
given (absolute ones as ``file://`` URIs in SARIF).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from handbook.ci import (
    SARIF_SCHEMA,
    TOOL_NAME,
    fingerprint,
    github_data,
    github_property,
    markdown_cell,
    relative_path,
    uri_reference,
)
from handbook.model.problems import Problem, sort_problems

FORMATS = ("text", "json", "github", "sarif")


def _message(p: Problem) -> str:
    return f"{p.message} ({p.hint})" if p.hint else p.message


def to_json(problems: Iterable[Problem]) -> str:
    """The JSON array described in the module doc, 2-space indented."""
    keys = ("file", "line", "column", "code", "severity", "message", "hint")
    items = [{k: getattr(p, k) for k in keys} for p in sort_problems(problems)]
    return json.dumps(items, indent=2, ensure_ascii=False)


def _character_column(p: Problem) -> int | None:
    """``p.column`` when it counts characters (YAML), None for a CSV cell number."""
    return None if p.file.lower().endswith(".csv") else p.column


def to_github(problems: Iterable[Problem], root: Path | None) -> str:
    """One workflow command a problem (see the module doc); empty when there is none."""
    lines = []
    for p in sort_problems(problems):
        props = [f"file={github_property(relative_path(p.file, root))}"]
        if p.line:
            props.append(f"line={p.line}")
            if _character_column(p):
                props.append(f"col={p.column}")
        props.append(f"title={github_property(p.code)}")
        lines.append(f"::{p.severity} {','.join(props)}::{github_data(_message(p))}")
    return "\n".join(lines)


def github_step_summary(problems: Iterable[Problem], root: Path | None) -> str:
    """Markdown for ``$GITHUB_STEP_SUMMARY``: a heading, a table of every problem (File,
    Line, Column, Code, Severity, Message) or "No problems.", and the count line."""
    items = sort_problems(problems)
    out = ["## handbook validate", ""]
    if items:
        out += [
            "| File | Line | Column | Code | Severity | Message |",
            "| --- | --: | --: | --- | --- | --- |",
        ]
        out += [
            f"| {markdown_cell(relative_path(p.file, root))} | {p.line or ''} | {p.column or ''} | "
            f"{markdown_cell(p.code)} | {p.severity} | {markdown_cell(_message(p))} |"
            for p in items
        ]
    else:
        out.append("No problems.")
    errors = sum(1 for p in items if p.severity == "error")
    out += ["", f"**{errors} error(s), {len(items) - errors} warning(s) in data**", ""]
    return "\n".join(out) + "\n"


def _title(code: str) -> str:
    return code.replace("-", " ").capitalize()


def to_sarif(
    problems: Iterable[Problem], root: Path | None, version: str, site: str | None = None
) -> str:
    """The SARIF 2.1.0 log described in the module doc, 2-space indented; ``site`` (the
    handbook site's URL) is the tool's ``informationUri`` and each rule's ``helpUri``."""
    items = sort_problems(problems)
    codes = sorted({p.code for p in items})
    index = {code: i for i, code in enumerate(codes)}
    levels = {
        c: "error" if any(p.code == c and p.severity == "error" for p in items) else "warning"
        for c in codes
    }
    rules = [
        {
            "id": code,
            "name": "".join(w.capitalize() for w in code.split("-")),
            "shortDescription": {"text": _title(code)},
            "fullDescription": {"text": f"{_title(code)} in the handbook's data files."},
            "help": {
                "text": "Each result says what is wrong and what would be right; "
                "`handbook validate` prints the same list locally."
            },
            **({"helpUri": site} if site else {}),
            "defaultConfiguration": {"level": levels[code]},
        }
        for code in codes
    ]
    seen: dict[str, int] = {}
    results = []
    for p in items:
        uri = uri_reference(relative_path(p.file, root, uri=True))
        key = fingerprint(uri, p.code, p.message)
        repeat = seen.get(key, 0)
        seen[key] = repeat + 1
        region: dict[str, int] = {"startLine": p.line or 1}
        column = _character_column(p)
        if p.line and column:
            region["startColumn"] = column
        results.append(
            {
                "ruleId": p.code,
                "ruleIndex": index[p.code],
                "level": p.severity,
                "message": {"text": _message(p)},
                "locations": [
                    {"physicalLocation": {"artifactLocation": {"uri": uri}, "region": region}}
                ],
                "partialFingerprints": {
                    "handbookProblem/v1": fingerprint(key, str(repeat)) if repeat else key
                },
            }
        )
    log: dict[str, Any] = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL_NAME,
                        "version": version,
                        **({"informationUri": site} if site else {}),
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
                "invocations": [{"executionSuccessful": True}],
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False)

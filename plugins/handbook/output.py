"""Rendering a checker `Report` as text or JSON (``handbook check --format``)."""

from __future__ import annotations

import json

from .findings import Report


def render_text(report: Report) -> str:
    """One line per finding, ``file:line: CODE [record-id] message``, then a summary.

    A finding without a line prints ``file: CODE ...``; without a record id the brackets
    are left out; warnings are marked ``(warning)`` after the code. The summary reads
    ``N records checked: N errors, N warnings``.
    """
    lines = []
    for f in report.findings:
        where = f"{f.file}:{f.line}" if f.line is not None else f.file
        code = f.rule if f.severity == "error" else f"{f.rule} (warning)"
        record = f" [{f.record}]" if f.record is not None else ""
        lines.append(f"{where}: {code}{record} {f.message}")
    n, e, w = len(report.records), report.errors, report.warnings
    lines.append(
        f"{n} record{'s' if n != 1 else ''} checked: {e} error{'s' if e != 1 else ''}, "
        f"{w} warning{'s' if w != 1 else ''}"
    )
    return "\n".join(lines)


def render_json(report: Report) -> str:
    """The report as JSON.

    Shape: ``{"summary": {"records": N, "errors": N, "warnings": N}, "findings":
    [{"record", "rule", "severity", "message", "file", "line", "edition"}]}``; ``line`` is
    the 1-based line where the record starts (null when unknown), ``edition`` ``"2018"``,
    ``"2022"`` or null.
    """
    data = {
        "summary": {
            "records": len(report.records),
            "errors": report.errors,
            "warnings": report.warnings,
        },
        "findings": [
            {
                "record": f.record,
                "rule": f.rule,
                "severity": f.severity,
                "message": f.message,
                "file": f.file,
                "line": f.line,
                "edition": f.edition,
            }
            for f in report.findings
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False)

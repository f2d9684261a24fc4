"""Rendering checker results: ``handbook check --format text|json|junit|sarif|github|gitlab|html``.

Each format is a *sink* (`handbook.outputs.base.Sink`) in a module of its own, whose
docstring gives the exact output; ``handbook check`` feeds it each batch as it comes, and
`render` a whole `Report` (the same text). A new format: a `Sink` subclass and a line in
`SINKS` and in `handbook.checker.codes.FORMAT_NAMES`.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import partial
from typing import Any

import pandas as pd

from handbook.checker.findings import Report
from handbook.outputs.base import RenderOptions, Sink
from handbook.outputs.github import GithubSink
from handbook.outputs.gitlab import GitlabSink
from handbook.outputs.html import HtmlSink
from handbook.outputs.json import JsonSink
from handbook.outputs.junit import JunitSink
from handbook.outputs.sarif import SarifSink
from handbook.outputs.text import TextSink

#: Sink class of each ``--format``.
SINKS: dict[str, type[Sink]] = {
    "text": TextSink,
    "json": JsonSink,
    "junit": JunitSink,
    "sarif": SarifSink,
    "github": GithubSink,
    "gitlab": GitlabSink,
    "html": HtmlSink,
}


def _by_file(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The rows of each file, files in order of appearance, rows in their order."""
    if not len(frame):
        return {}
    files = frame["file"].to_numpy(dtype=object)
    if (files == files[0]).all():
        return {str(files[0]): frame}
    return {str(name): rows for name, rows in frame.groupby("file", sort=False)}


def render(report: Report, format_name: str, **options: Any) -> str:
    """The text ``handbook check --format`` writes for the run of ``report``, fed to the sink
    file by file (the report's files first, so one that gave nothing still gets its JUnit
    suite). ``options`` are `RenderOptions` fields (``handbook`` and ``site_url`` default to
    the report's). Raises `KeyError` for an unknown format.
    """
    if format_name not in SINKS:
        raise KeyError(f"unknown format {format_name!r}; expected one of: {', '.join(SINKS)}")
    options.setdefault("handbook", report.handbook)
    options.setdefault("site_url", report.site_url)
    out = io.StringIO()
    sink = SINKS[format_name](out, RenderOptions(**options))
    findings = _by_file(report.findings_frame)
    records = _by_file(report.records_frame) if sink.needs_records else {}
    empty_findings = report.findings_frame.iloc[:0]
    empty_records = report.records_frame.iloc[:0]
    for file in dict.fromkeys([*report.files, *records, *findings]):
        sink.write(records.get(file, empty_records), findings.get(file, empty_findings), file)
    sink.end(report.summary())
    return out.getvalue()


#: Each CI format's name and its renderer ``(report, **options) -> str``, in
#: `handbook.checker.codes.FORMAT_NAMES` order (the site shows a sample of each). ``html``
#: is a ``--format`` too (`SINKS`, `render`), a report for people, not shown there.
FORMATS: dict[str, Callable[..., str]] = {
    name: partial(render, format_name=name) for name in SINKS if name != "html"
}

__all__ = ["FORMATS", "SINKS", "RenderOptions", "Sink", "render"]

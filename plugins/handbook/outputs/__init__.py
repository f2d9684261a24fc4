"""Rendering checker results: ``handbook check --format text|json|junit|sarif|github|gitlab|html``.

Each format is a *sink* (`handbook.outputs.base.Sink`), one module each: `text`, `json`,
`junit`, `sarif`, `github`, `gitlab`, `html` (their docstrings give the exact output). A sink
receives the run batch by batch as frames (`handbook.checker.findings.FINDING_COLUMNS`,
`RECORD_COLUMNS`) and writes as it goes: ``handbook check`` feeds it each batch the
checker yields. `render` feeds it a whole `Report`'s frames, e.g. for the site's
samples, and gives the same text. `FORMATS` maps each format name to a function
``(report, **options) -> str``.

To add a format: a module with a `Sink` subclass, and a line in `SINKS` (and in
`handbook.checker.codes.FORMAT_NAMES`, the order the site shows them in).
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
    """Render a `Report` in one of `SINKS` and return the text: what ``handbook check
    --format`` writes for the same run.

    The report's frames go to the sink as they are (already in run order), file by file:
    the report's files first (a file that gave nothing still gets its JUnit suite), then
    any other file its rows name. ``options`` are `RenderOptions` fields; ``handbook``
    and ``site_url`` default to the report's. The GitHub step summary is written only
    when ``step_summary`` is given. Raises `KeyError` for an unknown format.
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

__all__ = [
    "FORMATS",
    "SINKS",
    "RenderOptions",
    "Sink",
    "render",
]

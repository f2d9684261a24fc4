"""``--format github``: GitHub Actions workflow commands, and the step summary.

``::error file=F,line=L,col=C,title=CODE::[record] message`` a finding (``warning`` for
a warning, ``notice`` for a waived one, its waiver before the message), paths relative
to the repository root; with ``GITHUB_STEP_SUMMARY`` set (`RenderOptions.step_summary`),
a Markdown table of the findings (as many as fit in `SUMMARY_BYTES`: GitHub takes 1 MiB)
and the counts are appended to that file.
"""

from __future__ import annotations

from typing import TextIO

import pandas as pd

from handbook.checker.findings import Summary
from handbook.outputs.base import PathMap, RenderOptions, Sink, rows, summary_line

#: The most bytes of findings rows in the step summary: GitHub refuses a summary over 1 MiB
#: (1,048,576 bytes) as a whole, so the rows stop short of it.
SUMMARY_BYTES = 900_000


def github_data(text: str) -> str:
    """A workflow command's message: ``%``, CR and LF escaped."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(text: str) -> str:
    """A workflow command's property value: also ``:`` and ``,`` escaped."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")


def _md(text: str) -> str:
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("|", "\\|")
        .replace("\r", " ")
        .replace("\n", " ")
    )


class GithubSink(Sink):
    """GitHub workflow-command annotations, and a Markdown table in the step summary."""

    def __init__(self, out: TextIO, options: RenderOptions) -> None:
        super().__init__(out, options)
        self.paths = PathMap(options.repo_root, uris=False)
        self.summary: TextIO | None = None
        self.rows = 0  # rows written to the step summary
        self.size = 0  # their bytes
        self.findings = 0  # findings seen
        if options.step_summary is not None:
            try:
                self.summary = open(options.step_summary, "a", encoding="utf-8")  # noqa: SIM115
            except OSError as exc:
                self.notes.append(f"cannot append to GITHUB_STEP_SUMMARY: {exc.strerror}")

    def write(self, records: pd.DataFrame, findings: pd.DataFrame, file: str | None = None) -> None:
        if not len(findings):
            return
        out = []
        table = []
        for f in rows(findings):
            waived = bool(f["waived"])
            level = "notice" if waived else ("warning" if f["severity"] == "warning" else "error")
            path = self.paths(str(f["file"]))
            props = [f"file={github_property(path)}"]
            if f["line"]:
                props.append(f"line={f['line']}")
                if f["column"]:
                    props.append(f"col={f['column']}")
            props.append(f"title={github_property(str(f['rule']))}")
            record = f["record"]
            message = f"[{record}] {f['message']}" if record else str(f["message"])
            if waived:
                message = (
                    f"waived ({f['waiver_reason']}; approved by {f['waiver_approved_by']}; "
                    f"expires {f['waiver_expires_on']}): {message}"
                )
            out.append(f"::{level} {','.join(props)}::{github_data(message)}")
            if self.summary is not None and self.size < SUMMARY_BYTES:
                state = "waived" if waived else str(f["severity"])
                row = (
                    f"| {_md(path)} | {f['line'] or ''} | {f['column'] or ''} | "
                    f"{_md(str(f['rule']))} | {_md(record or '')} | {state} | "
                    f"{_md(str(f['message']))} |"
                )
                self.size += len(row.encode("utf-8")) + 1
                if self.size < SUMMARY_BYTES:
                    table.append(row)
        self.out.write("\n".join(out) + "\n")
        if self.summary is not None and table:
            if not self.rows:
                self.summary.write(
                    "## handbook check\n\n| File | Line | Column | Code | Record | Severity | "
                    "Message |\n| --- | --: | --: | --- | --- | --- | --- |\n"
                )
            self.summary.write("\n".join(table) + "\n")
            self.rows += len(table)
        if self.summary is not None:
            self.findings += len(findings)

    def end(self, summary: Summary) -> None:
        if self.summary is None:
            return
        if not self.rows:
            self.summary.write("## handbook check\n\nNo findings.\n")
        elif self.findings > self.rows:
            self.summary.write(
                f"\nThe first {self.rows:,} of {self.findings:,} findings: a step summary holds "
                "1 MiB at most; the annotations and the other formats have them all.\n"
            )
        self.summary.write(f"\n**{summary_line(summary)}**\n\n")
        self.summary.close()

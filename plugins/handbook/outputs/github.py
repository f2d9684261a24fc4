"""``--format github``: GitHub Actions workflow commands, and the step summary.

``::error file=F,line=L,col=C,title=CODE::[record] message`` a finding (``warning`` for
a warning, ``notice`` for a waived one, its waiver before the message), paths relative
to the repository root; with ``GITHUB_STEP_SUMMARY`` set (`RenderOptions.step_summary`),
a Markdown table of the findings and the counts are appended to that file: as many rows
as fit in `SUMMARY_BYTES` with what the file already holds (GitHub takes 1 MiB), the
errors first, then the warnings, then the waived ones (`handbook.outputs.capped`); the
cells' text is literal Markdown (punctuation escaped, ``<`` ``>`` ``&`` as entities).
"""

from __future__ import annotations

from typing import TextIO

import pandas as pd

from handbook.checker.findings import Summary
from handbook.ci import github_data, github_property, markdown_cell
from handbook.outputs.base import RenderOptions, Sink, labelled, path_map, rows, summary_line
from handbook.outputs.capped import Capped, tier_of

#: The most bytes of findings rows in the step summary: GitHub refuses a summary over 1 MiB
#: (1,048,576 bytes) as a whole, so the rows stop short of it.
SUMMARY_BYTES = 900_000


class GithubSink(Sink):
    """GitHub workflow-command annotations, and a Markdown table in the step summary."""

    def __init__(self, out: TextIO, options: RenderOptions) -> None:
        super().__init__(out, options)
        self.paths = path_map(options.repo_root, uris=False)
        self.summary: TextIO | None = None
        self.table: Capped[str] = Capped(0)
        if options.step_summary is not None:
            try:
                self.summary = open(options.step_summary, "a", encoding="utf-8")  # noqa: SIM115
                room = SUMMARY_BYTES - self.summary.tell()  # what earlier steps wrote counts
                self.table = Capped(max(room, 0))
            except OSError as exc:
                self.notes.append(
                    f"warning: cannot append to GITHUB_STEP_SUMMARY {options.step_summary}: "
                    f"{exc.strerror}"
                )

    def write(self, records: pd.DataFrame, findings: pd.DataFrame, file: str | None = None) -> None:
        if not len(findings):
            return
        out = []
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
            message = labelled(f)
            if waived:
                message = (
                    f"waived ({f['waiver_reason']}; approved by {f['waiver_approved_by']}; "
                    f"expires {f['waiver_expires_on']}): {message}"
                )
            out.append(f"::{level} {','.join(props)}::{github_data(message)}")
            if self.summary is not None:
                state = "waived" if waived else str(f["severity"])
                row = (
                    f"| {markdown_cell(path)} | {f['line'] or ''} | {f['column'] or ''} | "
                    f"{markdown_cell(str(f['rule']))} | {markdown_cell(record or '')} | {state} | "
                    f"{markdown_cell(str(f['message']))} |\n"
                )
                self.table.add(tier_of(f), row, len(row.encode("utf-8")))
        self.out.write("\n".join(out) + "\n")

    def end(self, summary: Summary) -> None:
        if self.summary is None:
            return
        kept = self.table.kept()
        if not kept and not self.table.total:
            self.summary.write("## handbook check\n\nNo findings.\n")
        else:
            self.summary.write(
                "## handbook check\n\n| File | Line | Column | Code | Record | Severity | "
                "Message |\n| --- | --: | --: | --- | --- | --- | --- |\n"
            )
            self.summary.writelines(kept)
        if self.table.total > len(kept):
            self.summary.write(
                f"\n{len(kept):,} of {self.table.total:,} findings, the errors first, then the "
                "warnings, then the waived ones: a step summary holds 1 MiB at most; the "
                "annotations and the other formats have them all.\n"
            )
        self.summary.write(f"\n**{summary_line(summary)}**\n\n")
        self.summary.close()

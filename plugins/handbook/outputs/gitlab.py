"""``--format gitlab``: a GitLab Code Quality report.

A JSON array, one issue a line: ``description`` (``[record] message``, ``(waived:
reason)`` first when waived), ``check_name`` (the code), ``fingerprint`` (stable across
runs), ``severity`` (``major`` an error, ``minor`` a warning, ``info`` waived),
``location.path`` (relative to the repository root) and ``location.lines.begin``;
UTF-8 without BOM.
"""

from __future__ import annotations

import json
from typing import ClassVar, TextIO

import pandas as pd

from handbook.checker.findings import Summary
from handbook.outputs.base import Fingerprints, RenderOptions, Sink, labelled, path_map, rows


class GitlabSink(Sink):
    """GitLab Code Quality report (a JSON array), streamed."""

    SEVERITY: ClassVar[dict[str, str]] = {"error": "major", "warning": "minor"}

    def __init__(self, out: TextIO, options: RenderOptions) -> None:
        super().__init__(out, options)
        self.paths = path_map(options.repo_root, uris=False)
        self.count = 0
        self.fingerprints = Fingerprints()
        self.out.write("[")

    def write(self, records: pd.DataFrame, findings: pd.DataFrame, file: str | None = None) -> None:
        if not len(findings):
            return
        items = []
        for f in rows(findings):
            path = self.paths(str(f["file"]))
            key = self.fingerprints.key(path, str(f["rule"]), f["record"] or "", f["field"] or "")
            description = labelled(f)
            severity = self.SEVERITY.get(str(f["severity"]), "major")
            if f["waived"]:
                severity = "info"
                description = f"(waived: {f['waiver_reason']}) {description}"
            item = {
                "description": description,
                "check_name": f["rule"],
                "fingerprint": key,
                "severity": severity,
                "location": {"path": path, "lines": {"begin": f["line"] or 1}},
            }
            items.append("  " + json.dumps(item, ensure_ascii=False))
        self.out.write(("," if self.count else "") + "\n" + ",\n".join(items))
        self.count += len(items)

    def end(self, summary: Summary) -> None:
        self.out.write("\n]\n" if self.count else "]\n")

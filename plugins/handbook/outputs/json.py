"""``--format json``: the counts, then every finding.

``{"summary": {"records", "errors", "warnings", "waived"}, "findings": [{"record",
"rule", "severity", "message", "file", "line", "column", "field", "edition",
"help_uri"[, "waived", "waiver": {"reason", "approved_by", "expires_on"}]}]}``, one
finding a line; the summary always has every count (0 included).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict
from typing import Any, TextIO

import numpy as np
import pandas as pd

from handbook.checker.findings import Summary
from handbook.checker.rules import cat
from handbook.outputs.base import RenderOptions, Sink, ints, json_ints, json_strings, objects, spool


class JsonSink(Sink):
    """The JSON report; findings are spooled so the summary can come first."""

    def __init__(self, out: TextIO, options: RenderOptions) -> None:
        super().__init__(out, options)
        self.spool = spool()
        self.count = 0

    def write(self, records: pd.DataFrame, findings: pd.DataFrame, file: str | None = None) -> None:
        if not len(findings):
            return
        waived = findings["waived"].to_numpy(dtype=bool)
        parts: list[Any] = []
        for name in ("record", "rule", "severity", "message", "file"):
            parts += [f'"{name}": ', json_strings(objects(findings, name)), ", "]
        for name in ("line", "column"):
            parts += [f'"{name}": ', json_ints(ints(findings, name)), ", "]
        for name in ("field", "edition"):
            parts += [f'"{name}": ', json_strings(objects(findings, name)), ", "]
        parts += ['"help_uri": ', json_strings(objects(findings, "help_uri"))]
        if waived.any():
            waiver = cat(
                ', "waived": true, "waiver": {"reason": ',
                json_strings(objects(findings, "waiver_reason")),
                ', "approved_by": ',
                json_strings(objects(findings, "waiver_approved_by")),
                ', "expires_on": ',
                json_strings(objects(findings, "waiver_expires_on")),
                "}",
            )
            parts.append(np.where(waived, waiver, "").astype(object))
        objects_ = cat("    {", *parts, "}")
        if self.count:
            self.spool.write(",\n")
        self.spool.write(",\n".join(objects_.tolist()))
        self.count += len(findings)

    def end(self, summary: Summary) -> None:
        head = json.dumps(asdict(summary))  # records, errors, warnings, waived
        self.out.write('{\n  "summary": ' + head + ',\n  "findings": [')
        if self.count:
            self.out.write("\n")
            self.spool.seek(0)
            shutil.copyfileobj(self.spool, self.out)
            self.out.write("\n  ")
        self.out.write("]\n}\n")
        self.spool.close()

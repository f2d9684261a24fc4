"""``--format text``: one line per finding, then the counts.

``file:line:col: CODE [record] message`` a finding (``warning:``/``waived:`` before the
message when so, the waiver after it), in run order, then ``N records checked: N
errors, N warnings, N waived``. ANSI colour only when asked (on a terminal). Control
characters of the input (a newline in a record id, an escape sequence) are written as
escapes (``\\n``, ``\\x1b``), so a finding is always one line.
"""

from __future__ import annotations

from itertools import chain, repeat

import numpy as np
import pandas as pd

from handbook.checker.findings import Summary
from handbook.checker.rules import as_text, cat
from handbook.outputs.base import Sink, ints, objects, one_line, summary_line

_RED, _YELLOW, _DIM, _BOLD, _GREEN, _RESET = (f"\x1b[{n}m" for n in (31, 33, 2, 1, 32, 0))


class TextSink(Sink):
    """``file:line:col: CODE [record] message`` lines and a summary line."""

    def write(self, records: pd.DataFrame, findings: pd.DataFrame, file: str | None = None) -> None:
        n = len(findings)
        if not n:
            return
        lines = ints(findings, "line")
        cols = ints(findings, "column")
        line_text = np.where(lines > 0, ":" + lines.astype(str), "")
        col_text = np.where((lines > 0) & (cols > 0), ":" + cols.astype(str), "")
        severity = findings["severity"].to_numpy(dtype=object)
        waived = findings["waived"].to_numpy(dtype=bool)
        records_ = one_line(objects(findings, "record"))
        has_record = ~pd.isna(records_)
        rec = np.full(n, "", dtype=object)
        if has_record.any():
            rec[has_record] = cat(" [", records_[has_record], "]")
        tag = np.where(severity == "warning", " warning: ", " ").astype(object)
        tail = np.full(n, "", dtype=object)
        if waived.any():
            w = np.flatnonzero(waived)
            tail[w] = cat(
                " (waiver: ",
                as_text(one_line(objects(findings.iloc[w], "waiver_reason"))),
                "; approved by ",
                as_text(one_line(objects(findings.iloc[w], "waiver_approved_by"))),
                "; expires ",
                as_text(objects(findings.iloc[w], "waiver_expires_on")),
                ")",
            )
            tag[w] = " waived: "
        codes = findings["rule"].to_numpy(dtype=object)
        if self.options.color:
            tint = np.where(
                waived, _DIM, np.where(severity == "warning", _YELLOW, _RED + _BOLD)
            ).astype(object)
            codes = cat(tint, codes, _RESET)
        parts = (
            one_line(findings["file"].to_numpy(dtype=object)),
            line_text,
            col_text,
            ": ",
            codes,
            rec,
            tag,
            one_line(findings["message"].to_numpy(dtype=object)),
            tail,
            "\n",
        )
        # one join over the parts of every line (no string per line), one write
        columns = [p.tolist() if isinstance(p, np.ndarray) else repeat(p, n) for p in parts]
        self.out.write("".join(chain.from_iterable(zip(*columns, strict=False))))

    def end(self, summary: Summary) -> None:
        line = summary_line(summary)
        if self.options.color:
            tint = _RED if summary.errors else (_YELLOW if summary.warnings else _GREEN)
            line = f"{_BOLD}{tint}{line}{_RESET}"
        self.out.write(line + "\n")

"""``--format junit``: JUnit XML, a test case per record and rule in force.

``testsuites`` / a ``testsuite`` per input file / a ``testcase`` per record × rule in
force (and per other code found) named ``CHG-1 MMD001`` (unique: a duplicate or missing
id adds ``(file:line)``), ``classname`` the code, ``file`` (relative to the repository
root, as in the SARIF, GitHub and GitLab output), ``line``; a ``failure``
(``message``, ``type`` = severity, the findings' ``file:line: message`` as text) for each
broken one, ``skipped`` when every finding of the case is waived. A case with warnings
only passes, its findings in ``system-out``, unless ``--fail-on-warn`` makes warnings
fail the run (`RenderOptions.fail_on_warn`): then it is a failure of ``type`` warning.
"""

from __future__ import annotations

import shutil
from typing import IO, Any, ClassVar, TextIO

import numpy as np
import pandas as pd

from handbook.checker.coded import isin
from handbook.checker.codes import code_order
from handbook.checker.findings import Summary
from handbook.checker.rules import as_text, cat
from handbook.outputs.base import RenderOptions, Sink, ints, objects, path_map, spool, xml_escape


class JunitSink(Sink):
    """JUnit XML: a test suite per input file, a test case per record × rule."""

    needs_records: ClassVar[bool] = True

    def __init__(self, out: TextIO, options: RenderOptions) -> None:
        super().__init__(out, options)
        self.body = spool()
        self.suite = spool()
        self.file: str | None = None
        self.counts = [0, 0, 0]  # tests, failures, skipped of the current suite
        self.totals = [0, 0, 0]
        hb = options.handbook
        self.rules = [(r.id, r.editions) for r in hb.rules] if hb is not None else []
        self.fail_on_warn = options.fail_on_warn
        self.paths = path_map(options.repo_root, uris=False)

    def _flush(self) -> None:
        if self.file is None:
            return
        _counted_element(self.body, "  ", "testsuite", self.file, self.counts, self.suite)
        self.suite.close()
        self.suite = spool()
        for i in range(3):
            self.totals[i] += self.counts[i]
        self.counts = [0, 0, 0]
        self.file = None

    def write(self, records: pd.DataFrame, findings: pd.DataFrame, file: str | None = None) -> None:
        given = [file] if file is not None else []
        names = [*given, *pd.unique(records["file"]), *pd.unique(findings["file"])]
        for file in dict.fromkeys(names):
            rec = records[records["file"] == file] if len(records) else records
            fnd = findings[findings["file"] == file] if len(findings) else findings
            if file != self.file:
                self._flush()
                self.file = file
            self._cases(file, rec, fnd)

    def _cases(self, file: str, records: pd.DataFrame, findings: pd.DataFrame) -> None:
        # one row per (record line, record id, code): the record's rules in force and the
        # codes found; the id keeps apart the records of one line (minified JSON)
        dup_lines = set(
            findings.loc[findings["rule"] == "E005", "record_line"].astype(int).tolist()
        )
        rows: list[pd.DataFrame] = []
        if len(records):
            ids = objects(records, "id")
            lines = ints(records, "line")
            editions = objects(records, "edition")
            evaluated = records["evaluated"].to_numpy(dtype=bool)
            for code, in_force in self.rules:
                sel = evaluated & isin(editions, in_force)
                if sel.any():
                    rows.append(
                        pd.DataFrame({"record_line": lines[sel], "record": ids[sel], "rule": code})
                    )
        if len(findings):
            rows.append(
                pd.DataFrame(
                    {
                        "record_line": ints(findings, "record_line"),
                        "record": objects(findings, "record"),
                        "rule": objects(findings, "rule"),
                    }
                )
            )
        if not rows:
            return
        cases = pd.concat(rows, ignore_index=True)
        cases["key"] = _record_keys(cases["record"].to_numpy(dtype=object))
        cases = cases.drop_duplicates(["record_line", "key", "rule"])
        cases["_order"] = [code_order(c) for c in cases["rule"].tolist()]
        cases = cases.sort_values(["record_line", "_order"], kind="stable").reset_index(drop=True)
        failed: dict[tuple[int, str, str], tuple[str, str, str, bool]] = {}
        if len(findings):
            lines = ints(findings, "line")  # 0: no line (a folder), as the text output
            where = cat(
                as_text(objects(findings, "file")),
                np.where(lines > 0, ":" + lines.astype(str).astype(object), "").astype(object),
                ": ",
                as_text(objects(findings, "message")),
            )
            keyed = pd.DataFrame(
                {
                    "record_line": ints(findings, "record_line"),
                    "key": _record_keys(objects(findings, "record")),
                    "rule": objects(findings, "rule"),
                    "message": objects(findings, "message"),
                    "where": where,
                    "severity": objects(findings, "severity"),
                    "waived": findings["waived"].to_numpy(dtype=bool),
                    "reason": as_text(objects(findings, "waiver_reason")),
                }
            )
            for key, group in keyed.groupby(["record_line", "key", "rule"], sort=False):
                parts: tuple[Any, ...] = key if isinstance(key, tuple) else (0, "", "")
                line, record_key, code = int(parts[0]), str(parts[1]), str(parts[2])
                sev = "error" if (group["severity"] == "error").any() else "warning"
                all_waived = bool(group["waived"].all())
                message = str(group["message"].iloc[0])
                if all_waived:
                    message = "waived: " + "; ".join(sorted(set(group["reason"].tolist())))
                body = "\n".join(group["where"].tolist())
                failed[(line, record_key, code)] = (message, body, sev, all_waived)
        out = self.suite
        path = xml_escape(self.paths(file))
        columns = [cases[c].tolist() for c in ("record_line", "record", "key", "rule")]
        for line, record, record_key, code in zip(*columns, strict=True):
            if isinstance(record, str) and line not in dup_lines:
                name = f"{record} {code}"
            else:
                label = record if isinstance(record, str) else "(no id)"
                name = f"{label} ({file}:{line}) {code}" if line else f"({file}) {code}"
            head = (
                f'    <testcase name="{xml_escape(name)}" classname="{xml_escape(code)}" '
                f'file="{path}"' + (f' line="{line}"' if line else "")
            )
            self.counts[0] += 1
            hit = failed.get((int(line), record_key, code))
            if hit is None:
                out.write(head + ' time="0"/>\n')
                continue
            message, body, sev, waived = hit
            if waived:
                self.counts[2] += 1
                inner = f'<skipped message="{xml_escape(message)}"/>'
            elif sev == "warning" and not self.fail_on_warn:
                inner = f"<system-out>{xml_escape('warning: ' + body)}</system-out>"
            else:
                self.counts[1] += 1
                inner = (
                    f'<failure message="{xml_escape(message)}" type="{sev}">'
                    f"{xml_escape(body)}</failure>"
                )
            out.write(f'{head} time="0">\n      {inner}\n    </testcase>\n')

    def end(self, summary: Summary) -> None:
        self._flush()
        self.out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        _counted_element(self.out, "", "testsuites", "handbook check", self.totals, self.body)
        self.body.close()
        self.suite.close()


def _record_keys(ids: np.ndarray) -> np.ndarray:
    """Record ids as texts to match cases and findings by: "" for a record without one."""
    return np.array(["" if i is None else str(i) for i in ids.tolist()], dtype=object)


def _counted_element(
    out: IO[str], indent: str, tag: str, name: str, counts: list[int], content: IO[str]
) -> None:
    """A JUnit ``testsuites``/``testsuite`` element: ``counts`` are (tests, failures,
    skipped); its children are the text spooled in ``content``."""
    tests, failures, skipped = counts
    out.write(
        f'{indent}<{tag} name="{xml_escape(name)}" tests="{tests}" failures="{failures}" '
        f'errors="0" skipped="{skipped}" time="0">\n'
    )
    content.seek(0)
    shutil.copyfileobj(content, out)
    out.write(f"{indent}</{tag}>\n")

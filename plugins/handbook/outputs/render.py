"""Rendering checker results: ``handbook check --format text|json|junit|sarif|github|gitlab``.

Each format is a *sink* that receives the run batch by batch (a records frame and a
findings frame, see `handbook.checker.findings`) and writes as it goes, so a run of millions of
records is streamed, not held (JSON and JUnit put their counts first, so their body is
spooled to a temporary file first). `FORMATS` maps each format name to a function
``(report, **options) -> str`` and `render` renders a `Report` in any format, e.g. for
the site's samples:

``text``
    ``file:line:col: CODE [record] message`` a finding (``warning:``/``waived:`` before
    the message when so), grouped by file, then ``N records checked: N errors, N
    warnings, N waived``. Colour only when asked (on a terminal).
``json``
    ``{"summary": {"records", "errors", "warnings"[, "waived"]}, "findings": [{"record",
    "rule", "severity", "message", "file", "line", "column", "field", "edition",
    "help_uri"[, "waived", "waiver"]}]}``; ``waived`` appears in the summary only when a
    finding is waived.
``junit``
    ``testsuites`` / a ``testsuite`` per input file / a ``testcase`` per record × rule in
    force (and per other code found) named ``CHG-1 MMD001`` (unique: a duplicate or
    missing id adds ``(file:line)``), ``classname`` the code, ``file``; a ``failure``
    (``message``, ``type`` = severity) for each broken one, ``skipped`` when waived.
``sarif``
    SARIF 2.1.0 for GitHub code scanning: one run, the rules with their site pages
    (``helpUri``), results with ``ruleId``, ``ruleIndex``, ``level``, the file relative
    to the repository root, ``startLine``/``startColumn`` and ``partialFingerprints``
    stable across runs; at most 25,000 results (GitHub's limit), with a notification
    when truncated; waived findings carry a ``suppressions`` entry.
``github``
    ``::error file=F,line=L,col=C,title=CODE::message`` workflow commands (``warning``,
    ``notice`` for waived); with ``GITHUB_STEP_SUMMARY`` set, a Markdown table of every
    finding is appended to that file.
``gitlab``
    GitLab Code Quality JSON (``description``, ``check_name``, ``fingerprint``,
    ``severity``, ``location.path``, ``location.lines.begin``), UTF-8 without BOM.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from itertools import chain, repeat
from json.encoder import encode_basestring
from pathlib import Path
from typing import IO, Any, ClassVar, TextIO

import numpy as np
import pandas as pd

from handbook.checker.codes import CHECKER_CODES, INPUT_ERRORS, code_order
from handbook.checker.findings import (
    FINDING_COLUMNS,
    RECORD_COLUMNS,
    Report,
    Summary,
    empty_findings,
    findings_to_frame,
    records_to_frame,
)
from handbook.checker.rules import cat
from handbook.model.handbook import Handbook

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
#: Results GitHub code scanning accepts in one SARIF run.
SARIF_MAX_RESULTS = 25_000
TOOL_NAME = "handbook"


def tool_version() -> str:
    """The installed package's version (``0.0.0`` when not installed)."""
    try:
        from importlib.metadata import version

        return version("mmd-handbook")
    except Exception:  # pragma: no cover - not installed
        return "0.0.0"


def find_repo_root(start: Path) -> Path:
    """The nearest folder from ``start`` upwards holding ``.git``; else ``start``."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


@dataclass
class RenderOptions:
    """Options of the renderers.

    Attributes:
        handbook: the handbook (its rules describe SARIF rules and JUnit test cases).
        site_url: base URL of the site (SARIF ``informationUri``).
        color: ANSI colour in text output.
        repo_root: paths in SARIF, GitHub and GitLab output are relative to it (None:
            as given).
        step_summary: the GitHub step summary file to append a Markdown table to.
        tool_version: version reported in SARIF (default: the package's).
        max_results: SARIF results cap (GitHub accepts 25,000).
    """

    handbook: Handbook | None = None
    site_url: str | None = None
    color: bool = False
    repo_root: Path | None = None
    step_summary: Path | None = None
    tool_version: str | None = None
    max_results: int = SARIF_MAX_RESULTS


# --- helpers -------------------------------------------------------------------------------


def _obj(frame: pd.DataFrame, column: str) -> np.ndarray:
    values = frame[column].to_numpy(dtype=object).copy()
    values[pd.isna(values)] = None
    return values


def _text(values: np.ndarray) -> np.ndarray:
    out = values.copy()
    out[pd.isna(out)] = ""
    return out


def _ints(frame: pd.DataFrame, column: str) -> np.ndarray:
    return frame[column].fillna(0).to_numpy(dtype=np.int64)


def _json_strings(values: np.ndarray) -> np.ndarray:
    """JSON literals of an object array of texts (None -> null)."""
    return np.array(
        [encode_basestring(v) if v is not None else "null" for v in values.tolist()], dtype=object
    )


def _json_ints(values: np.ndarray) -> np.ndarray:
    text = values.astype(str).astype(object)
    text[values <= 0] = "null"
    return text


class _PathMap:
    """Input paths as the repository-relative, ``/``-separated paths CI tools want."""

    def __init__(self, root: Path | None) -> None:
        self.root = root.resolve() if root is not None else None
        self.cache: dict[str, str] = {}

    def __call__(self, file: str) -> str:
        hit = self.cache.get(file)
        if hit is None:
            hit = self._relative(file)
            self.cache[file] = hit
        return hit

    def _relative(self, file: str) -> str:
        path = Path(file)
        if self.root is None:
            return path.as_posix()
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix() if not path.is_absolute() else path.resolve().as_uri()

    def map(self, files: np.ndarray) -> np.ndarray:
        return np.array([self(str(f)) for f in files.tolist()], dtype=object)


def _spool() -> IO[str]:
    return tempfile.SpooledTemporaryFile(max_size=32 << 20, mode="w+", encoding="utf-8")


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_escape(text: str) -> str:
    """Text for an XML attribute or element (control characters replaced by U+FFFD)."""
    text = _XML_BAD.sub("\ufffd", text)
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("\n", "&#10;")
        .replace("\r", "&#13;")
    )


def _xml(values: np.ndarray) -> np.ndarray:
    return np.array([xml_escape(v or "") for v in values.tolist()], dtype=object)


def describe_code(handbook: Handbook | None, code: str) -> tuple[str, str, str, str]:
    """(title, statement, help text, default level) of a rule or checker code."""
    if handbook is not None:
        for rule in handbook.rules:
            if rule.id == code:
                quotes = "; ".join(f'"{q.quote}" ({q.doc}, {q.section})' for q in rule.sources)
                help_text = (
                    f"{rule.statement} Editions: {', '.join(rule.editions)}. Sources: {quotes}"
                )
                return rule.title, rule.statement, help_text, rule.severity
    severity, meaning = CHECKER_CODES.get(code, ("error", code))
    title = meaning.split(":")[0]
    title = title[0].upper() + title[1:] if title else code
    statement = f"{code}: {meaning}."
    return title, statement, statement, severity


def _codes(handbook: Handbook | None) -> list[str]:
    rules = [r.id for r in handbook.rules] if handbook is not None else []
    return [*rules, *INPUT_ERRORS, *(c for c in CHECKER_CODES if c not in INPUT_ERRORS)]


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The findings of a frame as dicts of plain Python values (NA -> None)."""
    columns = {c: frame[c].tolist() for c in FINDING_COLUMNS}
    out = []
    for i in range(len(frame)):
        row = {c: columns[c][i] for c in FINDING_COLUMNS}
        for c in ("record", "field", "edition", "help_uri"):
            if not isinstance(row[c], str):
                row[c] = None
        for c in ("line", "column", "record_line"):
            value = row[c]
            row[c] = int(value) if isinstance(value, (int, np.integer)) and value > 0 else 0
        out.append(row)
    return out


# --- sinks ---------------------------------------------------------------------------------


class Sink:
    """Receives a run batch by batch; `end` completes the document.

    ``notes`` collects remarks for the user (e.g. SARIF truncation), printed on stderr;
    ``needs_records`` says whether `write` reads the records frame (else it may be empty).
    """

    needs_records: ClassVar[bool] = False

    def __init__(self, out: TextIO, options: RenderOptions) -> None:
        self.out = out
        self.options = options
        self.notes: list[str] = []

    def write(self, records: pd.DataFrame, findings: pd.DataFrame, file: str | None = None) -> None:
        """Write the findings (`FINDING_COLUMNS`) of records (`RECORD_COLUMNS`) of a
        batch; ``file`` names the batch's input file (even when it gave nothing)."""

    def end(self, summary: Summary) -> None:
        """Complete the document with the run's counts."""


def summary_line(summary: Summary) -> str:
    """``N records checked: N errors, N warnings, N waived``."""

    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'s' if n != 1 else ''}"

    return (
        f"{plural(summary.records, 'record')} checked: {plural(summary.errors, 'error')}, "
        f"{plural(summary.warnings, 'warning')}, {summary.waived} waived"
    )


_RED, _YELLOW, _DIM, _BOLD, _GREEN, _RESET = (
    "\x1b[31m",
    "\x1b[33m",
    "\x1b[2m",
    "\x1b[1m",
    "\x1b[32m",
    "\x1b[0m",
)


class TextSink(Sink):
    """``file:line:col: CODE [record] message`` lines and a summary line."""

    def write(self, records: pd.DataFrame, findings: pd.DataFrame, file: str | None = None) -> None:
        n = len(findings)
        if not n:
            return
        lines = _ints(findings, "line")
        cols = _ints(findings, "column")
        line_text = np.where(lines > 0, ":" + lines.astype(str), "")
        col_text = np.where((lines > 0) & (cols > 0), ":" + cols.astype(str), "")
        severity = findings["severity"].to_numpy(dtype=object)
        waived = findings["waived"].to_numpy(dtype=bool)
        records_ = _obj(findings, "record")
        has_record = ~pd.isna(records_)
        rec = np.full(n, "", dtype=object)
        if has_record.any():
            rec[has_record] = cat(" [", records_[has_record], "]")
        tag = np.where(severity == "warning", " warning: ", " ").astype(object)
        tail = np.full(n, "", dtype=object)
        if waived.any():
            w = np.flatnonzero(waived)
            tag[w] = " waived: "
            tail[w] = cat(
                " (waiver: ",
                _text(_obj(findings.iloc[w], "waiver_reason")),
                "; approved by ",
                _text(_obj(findings.iloc[w], "waiver_approved_by")),
                "; expires ",
                _text(_obj(findings.iloc[w], "waiver_expires_on")),
                ")",
            )
        codes = findings["rule"].to_numpy(dtype=object)
        if self.options.color:
            tint = np.where(
                waived, _DIM, np.where(severity == "warning", _YELLOW, _RED + _BOLD)
            ).astype(object)
            codes = cat(tint, codes, _RESET)
        parts = (
            findings["file"].to_numpy(dtype=object),
            line_text,
            col_text,
            ": ",
            codes,
            rec,
            tag,
            findings["message"].to_numpy(dtype=object),
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


class JsonSink(Sink):
    """The JSON report; findings are spooled so the summary can come first."""

    def __init__(self, out: TextIO, options: RenderOptions) -> None:
        super().__init__(out, options)
        self.spool = _spool()
        self.count = 0

    def write(self, records: pd.DataFrame, findings: pd.DataFrame, file: str | None = None) -> None:
        if not len(findings):
            return
        waived = findings["waived"].to_numpy(dtype=bool)
        parts: list[Any] = []
        for name in ("record", "rule", "severity", "message", "file"):
            parts.append(f'"{name}": ')
            parts.append(_json_strings(_obj(findings, name)))
            parts.append(", ")
        for name in ("line", "column"):
            parts.append(f'"{name}": ')
            parts.append(_json_ints(_ints(findings, name)))
            parts.append(", ")
        for name in ("field", "edition"):
            parts.append(f'"{name}": ')
            parts.append(_json_strings(_obj(findings, name)))
            parts.append(", ")
        parts.append('"help_uri": ')
        parts.append(_json_strings(_obj(findings, "help_uri")))
        waiver = cat(
            ', "waived": true, "waiver": {"reason": ',
            _json_strings(_obj(findings, "waiver_reason")),
            ', "approved_by": ',
            _json_strings(_obj(findings, "waiver_approved_by")),
            ', "expires_on": ',
            _json_strings(_obj(findings, "waiver_expires_on")),
            "}",
        )
        parts.append(np.where(waived, waiver, "").astype(object))
        objects = cat("    {", *parts, "}")
        if self.count:
            self.spool.write(",\n")
        self.spool.write(",\n".join(objects.tolist()))
        self.count += len(findings)

    def end(self, summary: Summary) -> None:
        head: dict[str, int] = {
            "records": summary.records,
            "errors": summary.errors,
            "warnings": summary.warnings,
        }
        if summary.waived:
            head["waived"] = summary.waived
        self.out.write('{\n  "summary": ' + json.dumps(head) + ',\n  "findings": [')
        if self.count:
            self.out.write("\n")
            self.spool.seek(0)
            shutil.copyfileobj(self.spool, self.out)
            self.out.write("\n  ")
        self.out.write("]\n}\n")
        self.spool.close()


class JunitSink(Sink):
    """JUnit XML: a test suite per input file, a test case per record × rule."""

    needs_records: ClassVar[bool] = True

    def __init__(self, out: TextIO, options: RenderOptions) -> None:
        super().__init__(out, options)
        self.body = _spool()
        self.suite = _spool()
        self.file: str | None = None
        self.counts = [0, 0, 0]  # tests, failures, skipped of the current suite
        self.totals = [0, 0, 0]
        hb = options.handbook
        self.rules = [(r.id, set(r.editions)) for r in hb.rules] if hb is not None else []

    def _flush(self) -> None:
        if self.file is None:
            return
        _counted_element(self.body, "  ", "testsuite", self.file, self.counts, self.suite)
        self.suite.close()
        self.suite = _spool()
        for i in range(3):
            self.totals[i] += self.counts[i]
        self.counts = [0, 0, 0]
        self.file = None

    def write(self, records: pd.DataFrame, findings: pd.DataFrame, file: str | None = None) -> None:
        files: list[str] = [file] if file is not None else []
        for frame in (records, findings):
            if len(frame):
                files += [
                    f for f in pd.unique(frame["file"].to_numpy(dtype=object)) if f not in files
                ]
        for file in files:
            rec = records[records["file"] == file] if len(records) else records
            fnd = findings[findings["file"] == file] if len(findings) else findings
            if file != self.file:
                self._flush()
                self.file = file
            self._cases(file, rec, fnd)

    def _cases(self, file: str, records: pd.DataFrame, findings: pd.DataFrame) -> None:
        # one row per (record line, code): the record's rules in force and codes found
        dup_lines = set(
            findings.loc[findings["rule"] == "E005", "record_line"].astype(int).tolist()
        )
        rows: list[pd.DataFrame] = []
        if len(records):
            ids = _obj(records, "id")
            lines = _ints(records, "line")
            editions = _obj(records, "edition")
            evaluated = records["evaluated"].to_numpy(dtype=bool)
            for code, in_force in self.rules:
                sel = evaluated & np.fromiter(
                    (e in in_force for e in editions.tolist()), dtype=bool, count=len(editions)
                )
                if sel.any():
                    rows.append(
                        pd.DataFrame({"record_line": lines[sel], "record": ids[sel], "rule": code})
                    )
        if len(findings):
            rows.append(
                pd.DataFrame(
                    {
                        "record_line": _ints(findings, "record_line"),
                        "record": _obj(findings, "record"),
                        "rule": _obj(findings, "rule"),
                    }
                )
            )
        if not rows:
            return
        cases = pd.concat(rows, ignore_index=True).drop_duplicates(["record_line", "rule"])
        cases["_order"] = [code_order(c) for c in cases["rule"].tolist()]
        cases = cases.sort_values(["record_line", "_order"], kind="stable").reset_index(drop=True)
        failed: dict[tuple[int, str], tuple[str, str, str, bool]] = {}
        if len(findings):
            where = cat(
                _text(_obj(findings, "file")),
                ":",
                _ints(findings, "line").astype(str).astype(object),
                ": ",
                _text(_obj(findings, "message")),
            )
            keyed = pd.DataFrame(
                {
                    "record_line": _ints(findings, "record_line"),
                    "rule": _obj(findings, "rule"),
                    "message": _obj(findings, "message"),
                    "where": where,
                    "severity": _obj(findings, "severity"),
                    "waived": findings["waived"].to_numpy(dtype=bool),
                    "reason": _text(_obj(findings, "waiver_reason")),
                }
            )
            for key, group in keyed.groupby(["record_line", "rule"], sort=False):
                parts: tuple[Any, ...] = key if isinstance(key, tuple) else (0, "")
                line, code = int(parts[0]), str(parts[1])
                sev = "error" if (group["severity"] == "error").any() else "warning"
                all_waived = bool(group["waived"].all())
                message = str(group["message"].iloc[0])
                if all_waived:
                    message = "waived: " + "; ".join(sorted(set(group["reason"].tolist())))
                failed[(int(line), str(code))] = (
                    message,
                    "\n".join(group["where"].tolist()),
                    sev,
                    all_waived,
                )
        out = self.suite
        for line, record, code in zip(
            cases["record_line"].tolist(),
            cases["record"].tolist(),
            cases["rule"].tolist(),
            strict=True,
        ):
            if isinstance(record, str) and line not in dup_lines:
                name = f"{record} {code}"
            else:
                label = record if isinstance(record, str) else "(no id)"
                name = f"{label} ({file}:{line}) {code}" if line else f"({file}) {code}"
            head = (
                f'    <testcase name="{xml_escape(name)}" classname="{xml_escape(code)}" '
                f'file="{xml_escape(file)}"' + (f' line="{line}"' if line else "")
            )
            self.counts[0] += 1
            hit = failed.get((int(line), code))
            if hit is None:
                out.write(head + ' time="0"/>\n')
                continue
            message, body, sev, waived = hit
            if waived:
                self.counts[2] += 1
                out.write(
                    head + f' time="0">\n      <skipped message="{xml_escape(message)}"/>\n'
                    "    </testcase>\n"
                )
                continue
            self.counts[1] += 1
            out.write(
                head + f' time="0">\n      <failure message="{xml_escape(message)}" '
                f'type="{sev}">{xml_escape(body)}</failure>\n    </testcase>\n'
            )

    def end(self, summary: Summary) -> None:
        self._flush()
        self.out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        _counted_element(self.out, "", "testsuites", "handbook check", self.totals, self.body)
        self.body.close()
        self.suite.close()


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


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


class _Fingerprints:
    """Stable fingerprints of findings (SARIF ``partialFingerprints``, GitLab
    ``fingerprint``): a hash of path, rule, record and field; the n-th repeat of the same
    key within a run hashes in its occurrence number, so every fingerprint is unique and
    the same input gives the same fingerprints run after run."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def key(self, path: str, rule: str, record: str, field: str) -> str:
        key = _fingerprint(path, rule, record, field)
        seen = self.seen.get(key, 0)
        self.seen[key] = seen + 1
        return _fingerprint(key, str(seen)) if seen else key


class SarifSink(Sink):
    """SARIF 2.1.0, one run, results streamed (capped at ``max_results``)."""

    def __init__(self, out: TextIO, options: RenderOptions) -> None:
        super().__init__(out, options)
        self.paths = _PathMap(options.repo_root)
        self.codes = _codes(options.handbook)
        self.index = {c: i for i, c in enumerate(self.codes)}
        self.count = 0
        self.total = 0
        self.fingerprints = _Fingerprints()
        skeleton = {
            "$schema": SARIF_SCHEMA,
            "version": SARIF_VERSION,
            "runs": [
                {
                    "tool": {"driver": self._driver()},
                    "columnKind": "unicodeCodePoints",
                    "results": "\x00RESULTS\x00",
                    "invocations": "\x00INVOCATIONS\x00",
                }
            ],
        }
        text = json.dumps(skeleton, indent=2, ensure_ascii=False)
        self.head, rest = text.split('"\\u0000RESULTS\\u0000"')
        self.middle, self.tail = rest.split('"\\u0000INVOCATIONS\\u0000"')
        self.out.write(self.head + "[")

    def _driver(self) -> dict[str, Any]:
        options = self.options
        driver: dict[str, Any] = {
            "name": TOOL_NAME,
            "version": options.tool_version or tool_version(),
        }
        if options.site_url:
            driver["informationUri"] = options.site_url
        rules = []
        for code in self.codes:
            title, statement, help_text, level = describe_code(options.handbook, code)
            rule: dict[str, Any] = {
                "id": code,
                "name": "".join(w.capitalize() for w in re.findall(r"[A-Za-z0-9]+", title)),
                "shortDescription": {"text": title},
                "fullDescription": {"text": statement},
                "help": {"text": help_text},
            }
            from handbook.checker.findings import help_uri

            uri = help_uri(options.site_url, code)
            if uri:
                rule["helpUri"] = uri
            rule["defaultConfiguration"] = {"level": "warning" if level == "warning" else "error"}
            rules.append(rule)
        driver["rules"] = rules
        return driver

    def write(self, records: pd.DataFrame, findings: pd.DataFrame, file: str | None = None) -> None:
        self.total += len(findings)
        room = self.options.max_results - self.count
        if room <= 0 or not len(findings):
            return
        findings = findings.iloc[:room]
        items = []
        for f in _rows(findings):
            uri = self.paths(str(f["file"]))
            record = f["record"]
            field = f["field"] or ""
            key = self.fingerprints.key(uri, str(f["rule"]), record or "", field)
            region: dict[str, int] = {"startLine": f["line"] or 1}
            if f["column"] and f["line"]:
                region["startColumn"] = f["column"]
            text = f"[{record}] {f['message']}" if record else str(f["message"])
            result: dict[str, Any] = {
                "ruleId": f["rule"],
                "ruleIndex": self.index.get(str(f["rule"]), 0),
                "level": "warning" if f["severity"] == "warning" else "error",
                "message": {"text": text},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": uri},
                            "region": region,
                        }
                    }
                ],
                "partialFingerprints": {"handbookFinding/v1": key},
            }
            props: dict[str, Any] = {}
            if record:
                props["record"] = record
            if f["edition"]:
                props["edition"] = f["edition"]
            if field:
                props["field"] = field
            if props:
                result["properties"] = props
            if f["waived"]:
                result["suppressions"] = [
                    {
                        "kind": "external",
                        "status": "accepted",
                        "justification": f"{f['waiver_reason']} (approved by "
                        f"{f['waiver_approved_by']}; expires {f['waiver_expires_on']})",
                    }
                ]
            items.append("        " + json.dumps(result, ensure_ascii=False))
        self.out.write(("," if self.count else "") + "\n" + ",\n".join(items))
        self.count += len(items)

    def end(self, summary: Summary) -> None:
        self.out.write("\n      ]" if self.count else "]")
        invocation: dict[str, Any] = {"executionSuccessful": True}
        if self.total > self.count:
            note = (
                f"results truncated: {self.count:,} of {self.total:,} findings shown "
                f"(GitHub code scanning accepts at most {self.options.max_results:,} results "
                "a run); see the text or JSON report for all of them"
            )
            invocation["toolExecutionNotifications"] = [
                {"level": "warning", "message": {"text": note}}
            ]
            self.notes.append(note)
        inv = json.dumps([invocation], indent=2, ensure_ascii=False)
        inv = inv.replace("\n", "\n      ")
        self.out.write(self.middle + inv + self.tail + "\n")


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
        self.paths = _PathMap(options.repo_root)
        self.summary: TextIO | None = None
        self.rows = 0
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
        for f in _rows(findings):
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
            if self.summary is not None:
                state = "waived" if waived else str(f["severity"])
                table.append(
                    f"| {_md(path)} | {f['line'] or ''} | {f['column'] or ''} | "
                    f"{_md(str(f['rule']))} | {_md(record or '')} | {state} | "
                    f"{_md(str(f['message']))} |"
                )
        self.out.write("\n".join(out) + "\n")
        if self.summary is not None and table:
            if not self.rows:
                self.summary.write(
                    "## handbook check\n\n| File | Line | Column | Code | Record | Severity | "
                    "Message |\n| --- | --: | --: | --- | --- | --- | --- |\n"
                )
            self.summary.write("\n".join(table) + "\n")
            self.rows += len(table)

    def end(self, summary: Summary) -> None:
        if self.summary is None:
            return
        if not self.rows:
            self.summary.write("## handbook check\n\nNo findings.\n")
        self.summary.write(f"\n**{summary_line(summary)}**\n\n")
        self.summary.close()


class GitlabSink(Sink):
    """GitLab Code Quality report (a JSON array), streamed."""

    SEVERITY: ClassVar[dict[str, str]] = {"error": "major", "warning": "minor"}

    def __init__(self, out: TextIO, options: RenderOptions) -> None:
        super().__init__(out, options)
        self.paths = _PathMap(options.repo_root)
        self.count = 0
        self.fingerprints = _Fingerprints()
        self.out.write("[")

    def write(self, records: pd.DataFrame, findings: pd.DataFrame, file: str | None = None) -> None:
        if not len(findings):
            return
        items = []
        for f in _rows(findings):
            path = self.paths(str(f["file"]))
            record = f["record"]
            field = f["field"] or ""
            key = self.fingerprints.key(path, str(f["rule"]), record or "", field)
            description = f"[{record}] {f['message']}" if record else str(f["message"])
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


#: Sink class of each ``--format``.
SINKS: dict[str, type[Sink]] = {
    "text": TextSink,
    "json": JsonSink,
    "junit": JunitSink,
    "sarif": SarifSink,
    "github": GithubSink,
    "gitlab": GitlabSink,
}


def make_sink(name: str, out: TextIO, options: RenderOptions) -> Sink:
    """The sink of format ``name`` writing to ``out``."""
    return SINKS[name](out, options)


# --- rendering a Report --------------------------------------------------------------------

_ERROR_INPUT = set(INPUT_ERRORS)


def report_frames(report: Report) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(records, findings) frames of a `Report`, findings (waived included) in run order:
    by file (``report.files`` order, then first appearance), record, line, column, code."""
    findings = findings_to_frame([*report.findings, *report.waived])
    files = {f: i for i, f in enumerate(_files_in_order(report))}
    if len(findings):
        key = pd.DataFrame(
            {
                "file": findings["file"].map(files),
                "record_line": findings["record_line"].where(
                    findings["record_line"] > 0, findings["line"]
                ),
                "line": findings["line"],
                "column": findings["column"],
                "order": [code_order(c) for c in findings["rule"].tolist()],
            }
        )
        order = key.sort_values(
            ["file", "record_line", "line", "column", "order"], kind="stable"
        ).index
        findings = findings.loc[order].reset_index(drop=True)
    bad = {
        (f.file, f.record_line or f.line)
        for f in report.findings
        if f.rule in _ERROR_INPUT and f.record_line is not None
    }
    evaluated = [(r.file, r.line) not in bad for r in report.records]
    records = records_to_frame(report.records, evaluated)
    return records, findings


def _files_in_order(report: Report) -> list[str]:
    files: dict[str, int] = {f: i for i, f in enumerate(report.files)}
    for name in [r.file for r in report.records] + [
        f.file for f in [*report.findings, *report.waived]
    ]:
        files.setdefault(name, len(files))
    return list(files)


def render(report: Report, format_name: str, **options: Any) -> str:
    """Render a `Report` in one of `FORMATS` (``text``, ``json``, ``junit``, ``sarif``,
    ``github``, ``gitlab``) and return the text.

    ``options`` are `RenderOptions` fields; ``handbook`` and ``site_url`` default to the
    report's. The GitHub step summary is written only when ``step_summary`` is given.
    """
    if format_name not in SINKS:
        raise KeyError(f"unknown format {format_name!r}; expected one of: {', '.join(SINKS)}")
    options.setdefault("handbook", report.handbook)
    options.setdefault("site_url", report.site_url)
    render_options = RenderOptions(**options)
    out = io.StringIO()
    sink = make_sink(format_name, out, render_options)
    records, findings = report_frames(report)
    for file in _files_in_order(report):
        sink.write(
            records[records["file"] == file] if len(records) else records,
            findings[findings["file"] == file] if len(findings) else empty_findings(),
            file,
        )
    sink.end(report.summary())
    return out.getvalue()


def _renderer(name: str) -> Callable[..., str]:
    return partial(render, format_name=name)


#: Each ``--format`` name and its renderer ``(report, **options) -> str``.
FORMATS: dict[str, Callable[..., str]] = {name: _renderer(name) for name in SINKS}


def render_text(report: Report, **options: Any) -> str:
    """The ``text`` format of a report (see the module doc)."""
    return render(report, "text", **options)


def render_json(report: Report, **options: Any) -> str:
    """The ``json`` format of a report (see the module doc)."""
    return render(report, "json", **options)


__all__ = [
    "FINDING_COLUMNS",
    "FORMATS",
    "RECORD_COLUMNS",
    "SINKS",
    "RenderOptions",
    "Sink",
    "find_repo_root",
    "make_sink",
    "render",
    "render_json",
    "render_text",
    "summary_line",
    "tool_version",
]

"""``--format sarif``: SARIF 2.1.0 for GitHub code scanning.

One run: the tool's rules (every code, `handbook.outputs.base.all_codes`, with ``helpUri``);
results with ``ruleId``, ``ruleIndex``, ``level``, the repository-relative file,
``startLine``/``startColumn`` and stable ``partialFingerprints``; at most ``max_results``
(GitHub accepts 25,000), errors first (`handbook.outputs.capped`), with a notification
when truncated. A waived finding stays a result with one ``suppressions`` entry (SARIF
2.1.0 §3.35): ``{"kind": "external", "status": "accepted", "justification": "<reason>
(approved by <approver>; expires <date>)", "properties": {"approver": <text>, "expires":
"YYYY-MM-DD"}}``.
"""

from __future__ import annotations

import json
import re
from typing import Any, TextIO

import pandas as pd

from handbook import package_version
from handbook.checker.findings import Summary, as_uri, help_uri
from handbook.ci import SARIF_SCHEMA, TOOL_NAME, uri_reference
from handbook.outputs.base import (
    Fingerprints,
    RenderOptions,
    Sink,
    all_codes,
    describe_code,
    labelled,
    path_map,
    rows,
)
from handbook.outputs.capped import Capped, tier_of

SARIF_VERSION = "2.1.0"


class SarifSink(Sink):
    """SARIF 2.1.0, one run; results held (at most ``max_results`` of each tier) until
    `end` writes those the cap keeps."""

    def __init__(self, out: TextIO, options: RenderOptions) -> None:
        super().__init__(out, options)
        self.paths = path_map(options.repo_root)
        self.codes = all_codes(options.handbook)
        self.index = {c: i for i, c in enumerate(self.codes)}
        self.results: Capped[str] = Capped(options.max_results)
        self.fingerprints = Fingerprints()
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
            "version": options.tool_version or package_version(),
        }
        if options.site_url:
            driver["informationUri"] = as_uri(options.site_url)
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
            uri = help_uri(options.site_url, code)
            if uri:
                rule["helpUri"] = uri
            rule["defaultConfiguration"] = {"level": "warning" if level == "warning" else "error"}
            rules.append(rule)
        driver["rules"] = rules
        return driver

    def write(self, records: pd.DataFrame, findings: pd.DataFrame, file: str | None = None) -> None:
        for f in rows(self.results.fitting(findings)):
            uri = uri_reference(self.paths(str(f["file"])))
            record = f["record"]
            field = f["field"] or ""
            key = self.fingerprints.key(uri, str(f["rule"]), record or "", field)
            region: dict[str, int] = {"startLine": f["line"] or 1}
            if f["column"] and f["line"]:
                region["startColumn"] = f["column"]
            result: dict[str, Any] = {
                "ruleId": f["rule"],
                "ruleIndex": self.index.get(str(f["rule"]), 0),
                "level": "warning" if f["severity"] == "warning" else "error",
                "message": {"text": labelled(f)},
                "locations": [
                    {"physicalLocation": {"artifactLocation": {"uri": uri}, "region": region}}
                ],
                "partialFingerprints": {"handbookFinding/v1": key},
            }
            given = (("record", record), ("edition", f["edition"]), ("field", field))
            props = {name: value for name, value in given if value}
            if props:
                result["properties"] = props
            if f["waived"]:
                result["suppressions"] = [
                    {
                        "kind": "external",
                        "status": "accepted",
                        "justification": f"{f['waiver_reason']} (approved by "
                        f"{f['waiver_approved_by']}; expires {f['waiver_expires_on']})",
                        "properties": {
                            "approver": f["waiver_approved_by"],
                            "expires": f["waiver_expires_on"],
                        },
                    }
                ]
            self.results.add(tier_of(f), "        " + json.dumps(result, ensure_ascii=False))

    def end(self, summary: Summary) -> None:
        kept = self.results.kept()
        self.out.write(("\n" + ",\n".join(kept) + "\n      ]") if kept else "]")
        invocation: dict[str, Any] = {"executionSuccessful": True}
        total = self.results.total
        if total > len(kept):
            note = (
                f"results truncated: {len(kept):,} of {total:,} findings shown, errors first, "
                f"then warnings, then waived ones (GitHub code scanning accepts at most "
                f"{self.options.max_results:,} results a run); see the text or JSON report "
                "for all of them"
            )
            invocation["toolExecutionNotifications"] = [
                {"level": "warning", "message": {"text": note}}
            ]
            self.notes.append(note)
        inv = json.dumps([invocation], indent=2, ensure_ascii=False)
        inv = inv.replace("\n", "\n      ")
        self.out.write(self.middle + inv + self.tail + "\n")

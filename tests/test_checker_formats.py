"""Every output format: golden files of the exact output, and each format's contract.

The golden files live in ``tests/golden/``; after an intended change of the output,
regenerate them with ``UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_checker_formats.py``
and review the diff.

SARIF is validated against ``tests/golden/sarif-2.1.0-github.schema.json``: the official
SARIF 2.1.0 schema is not shipped by any installed package, so this is our own JSON
Schema of the structure GitHub code scanning requires (written from the SARIF 2.1.0
specification and GitHub's documentation), checked with jsonschema.
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import jsonschema
import pytest

from handbook.checker.check import check_paths
from handbook.checker.findings import Report
from handbook.ci import github_data, github_property, markdown_cell
from handbook.outputs import FORMATS, render
from handbook.outputs.base import SARIF_MAX_RESULTS

from .checker_support import JSON_FINDING_KEYS, MICROSOFT_CHANGE, check_text, handbook
from .conftest import ROOT

GOLDEN = Path(__file__).parent / "golden"
INPUTS = [
    "data/samples/mmd001-advance-notice.yaml",
    "data/samples/certificates-and-mixed.csv",
    "data/samples/waivers-on-records.yaml",
    "data/samples/e001-broken-yaml.yaml",
    "data/samples/e005-duplicate-ids.yaml",
]
EXTENSIONS = {
    "text": "txt",
    "json": "json",
    "junit": "xml",
    "sarif": "sarif",
    "github": "txt",
    "gitlab": "json",
}
OPTIONS = {"site_url": "https://handbook.example.org/", "tool_version": "0.0.0-test"}


@pytest.fixture(scope="module")
def report() -> Report:
    cwd = Path.cwd()
    os.chdir(ROOT)
    try:
        return check_paths(
            handbook(),
            [Path(p) for p in INPUTS],
            today=date(2024, 1, 1),
            site_url="https://handbook.example.org/",
        )
    finally:
        os.chdir(cwd)


def _render(report: Report, name: str, **extra: object) -> str:
    return render(report, name, repo_root=ROOT, **OPTIONS, **extra)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", list(EXTENSIONS))
def test_golden(report: Report, name: str) -> None:
    text = _render(report, name)
    golden = GOLDEN / f"check.{name}.{EXTENSIONS[name]}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8", newline="")
    assert text == golden.read_text(encoding="utf-8"), f"{golden} differs"


def test_registry_and_render(report: Report) -> None:
    assert list(FORMATS) == ["text", "json", "junit", "sarif", "github", "gitlab"]
    for name, renderer in FORMATS.items():
        assert renderer(report, repo_root=ROOT, **OPTIONS) == _render(report, name)
    with pytest.raises(KeyError):
        render(report, "yaml")


def test_json_contract(report: Report) -> None:
    data = json.loads(_render(report, "json"))
    assert data["summary"] == {
        "records": len(report.records),
        "errors": report.errors,
        "warnings": report.warnings,
        "waived": 1,
    }
    keys = JSON_FINDING_KEYS
    for f in data["findings"]:
        assert keys <= set(f)
        assert set(f) - keys <= {"waived", "waiver"}
    waived = [f for f in data["findings"] if f.get("waived")]
    assert [(f["record"], f["waiver"]["expires_on"]) for f in waived] == [
        ("CHG-1801", "2099-12-31")
    ]


def test_text_contract(report: Report) -> None:
    lines = _render(report, "text").splitlines()
    assert (report.errors, report.warnings) == (10, 1)
    assert lines[-1] == f"{len(report.records)} records checked: 10 errors, 1 warning, 1 waived"
    assert (
        "data/samples/mmd001-advance-notice.yaml:16:16: MMD001 [CHG-0102] notified_at" in (lines[0])
    )
    colour = _render(report, "text", color=True)
    assert "\x1b[31m" in colour and "\x1b[31m" not in "\n".join(lines)


def test_junit_contract(report: Report) -> None:
    root = ET.fromstring(_render(report, "junit"))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == INPUTS
    names = [c.get("name") for c in root.iter("testcase")]
    assert len(names) == len(set(names)), "test case names must be unique (GitLab)"
    assert "CHG-0102 MMD001" in names
    case = next(c for c in root.iter("testcase") if c.get("name") == "CHG-0102 MMD001")
    assert case.get("classname") == "MMD001"
    assert case.get("file") == "data/samples/mmd001-advance-notice.yaml"
    failure = case.find("failure")
    assert failure is not None and failure.get("type") == "error"
    assert failure.get("message", "").startswith("notified_at (2023-03-01T10:00:00+00:00)")
    # duplicate ids get the file and line in their names
    assert any(n and n.startswith("CHG-1601 (data/samples/e005") for n in names)
    waived = next(c for c in root.iter("testcase") if c.get("name") == "CHG-1801 MMD001")
    assert waived.find("skipped") is not None
    total = sum(int(s.get("tests", 0)) for s in suites)
    assert int(root.get("tests", 0)) == total == len(names)
    failures = sum(1 for c in root.iter("testcase") if c.find("failure") is not None)
    assert int(root.get("failures", 0)) == failures
    # a warning passes its case (the exit code is 0 without --fail-on-warn) ...
    expired = next(c for c in root.iter("testcase") if c.get("name") == "CHG-1802 W001")
    assert expired.find("failure") is None
    assert (expired.findtext("system-out") or "").startswith("warning: data/samples/")
    # ... and fails it with --fail-on-warn
    strict = ET.fromstring(_render(report, "junit", fail_on_warn=True))
    expired = next(c for c in strict.iter("testcase") if c.get("name") == "CHG-1802 W001")
    failure = expired.find("failure")
    assert failure is not None and failure.get("type") == "warning"
    assert int(strict.get("failures", 0)) > int(root.get("failures", 0))


def test_sarif_validates_against_the_required_structure(report: Report) -> None:
    data = json.loads(_render(report, "sarif"))
    schema = json.loads((GOLDEN / "sarif-2.1.0-github.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    run = data["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert uri in INPUTS  # relative to the repository root
    mmd001 = next(r for r in rules if r["id"] == "MMD001")
    assert mmd001["helpUri"] == "https://handbook.example.org/rules/mmd001/"
    assert mmd001["defaultConfiguration"]["level"] == "error"
    assert next(r for r in rules if r["id"] == "W001")["defaultConfiguration"]["level"] == (
        "warning"
    )
    prints = [tuple(r["partialFingerprints"].items()) for r in run["results"]]
    assert len(prints) == len(set(prints))
    again = json.loads(_render(report, "sarif"))["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in again] == [
        r["partialFingerprints"] for r in run["results"]
    ]
    waived = [r for r in run["results"] if "suppressions" in r]
    assert len(waived) == 1 and waived[0]["suppressions"][0]["kind"] == "external"


def test_sarif_truncates_at_the_limit(report: Report) -> None:
    assert SARIF_MAX_RESULTS == 25_000
    data = json.loads(_render(report, "sarif", max_results=3))
    run = data["runs"][0]
    assert len(run["results"]) == 3
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert "results truncated: 3 of" in notes[0]["message"]["text"]


def test_a_truncated_sarif_keeps_the_errors_first_in_run_order(report: Report) -> None:
    """Cut in run order, a run whose warnings come first showed no error; the cap keeps
    the open errors, then the warnings, then the waived findings, in run order."""
    full = json.loads(_render(report, "sarif"))["runs"][0]["results"]
    errors = [r for r in full if r["level"] == "error" and "suppressions" not in r]
    assert 0 < len(errors) < len(full)
    kept = json.loads(_render(report, "sarif", max_results=len(errors) + 1))["runs"][0]
    results = kept["results"]
    assert [r for r in results if r["level"] == "error"] == errors
    assert results == [r for r in full if r in results]  # run order
    text = kept["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]
    assert "errors first" in text


def test_github_escaping_and_step_summary(report: Report, tmp_path: Path) -> None:
    assert github_data("50%\r\nnext") == "50%25%0D%0Anext"
    assert github_property("a:b,c%") == "a%3Ab%2Cc%25"
    summary = tmp_path / "summary.md"
    summary.write_text("previous step\n", encoding="utf-8")
    text = _render(report, "github", step_summary=summary)
    lines = text.splitlines()
    assert lines[0].startswith(
        "::error file=data/samples/mmd001-advance-notice.yaml,line=16,col=16,title=MMD001::"
    )
    assert any(line.startswith("::warning ") for line in lines)
    assert any(line.startswith("::notice ") for line in lines)  # the waived finding
    md = summary.read_text(encoding="utf-8")
    assert md.startswith("previous step\n## handbook check\n")
    rows = [line for line in md.splitlines() if line.startswith("| data/")]
    assert len(rows) == len(report.findings) + len(report.waived)
    assert md.rstrip().endswith("1 waived**")


def test_step_summary_counts_what_the_file_holds_and_keeps_errors(
    report: Report, tmp_path: Path
) -> None:
    """GitHub refuses a summary over 1 MiB as a whole: earlier steps' text counts, and
    the rows that fit are the errors first (they were the first rows in run order)."""
    from handbook.outputs.github import SUMMARY_BYTES

    summary = tmp_path / "summary.md"
    summary.write_text("x" * (SUMMARY_BYTES - 1_500) + "\n", encoding="utf-8")
    _render(report, "github", step_summary=summary)
    assert summary.stat().st_size < 1 << 20
    rows = [line for line in summary.read_text("utf-8").splitlines() if line.startswith("| data/")]
    assert rows and all("| error |" in row for row in rows)
    assert "findings, the errors first" in summary.read_text("utf-8")


def test_step_summary_cells_are_literal_markdown() -> None:
    cell = markdown_cell("**bold** [x](https://evil.example) <img src=x> a|b \\ `c`\n\x1b[31m")
    assert cell == (
        "\\*\\*bold\\*\\* \\[x\\]\\(https\\://evil\\.example\\) &lt;img src=x&gt; "
        "a\\|b \\\\ \\`c\\`\\n\\x1b\\[31m"
    )
    assert github_data("red \x1b[31m") == "red \\x1b[31m"


def test_gitlab_contract(report: Report) -> None:
    text = _render(report, "gitlab")
    assert not text.startswith("\ufeff")
    issues = json.loads(text)
    assert len(issues) == len(report.findings) + len(report.waived)
    for issue in issues:
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert issue["location"]["lines"]["begin"] >= 1
    assert len({i["fingerprint"] for i in issues}) == len(issues)


def test_empty_report_in_every_format() -> None:
    empty = Report(handbook=handbook())
    for name in FORMATS:
        text = render(empty, name, tool_version="0")
        if name in ("json", "sarif", "gitlab"):
            json.loads(text)
        if name == "junit":
            ET.fromstring(text)
    assert render(empty, "text").strip() == "0 records checked: 0 errors, 0 warnings, 0 waived"


@pytest.mark.parametrize("name", ["text", "json", "junit", "gitlab"])
@pytest.mark.parametrize("chunk", ["2", "0"])
def test_streamed_cli_output_equals_golden(name: str, chunk: str) -> None:
    # batches of 2 records (each read while the one before is checked), or each file whole
    from .checker_support import cli

    result = cli(
        "check",
        "--format",
        name,
        "--today",
        "2024-01-01",
        "--site-url",
        "https://handbook.example.org/",
        "--chunk-size",
        chunk,
        *INPUTS,
    )
    assert result.returncode == 1, result.stderr
    golden = GOLDEN / f"check.{name}.{EXTENSIONS[name]}"
    assert result.stdout == golden.read_text(encoding="utf-8")


def test_a_negative_chunk_size_is_a_usage_error() -> None:
    from .checker_support import cli

    result = cli("check", "--chunk-size", "-1", *INPUTS)
    assert result.returncode == 2
    assert "must be 0 (each file whole) or more" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_file_outside_the_repository_root(tmp_path: Path) -> None:
    """GitHub and GitLab annotations name such a file by its path; SARIF by a file URI."""
    from .checker_support import cli

    records = tmp_path / "outside, here.yaml"
    records.write_text(
        "- id: A\n  initiator: microsoft\n  change_type: functionality\n", encoding="utf-8"
    )
    out: dict[str, str] = {}
    for name in ("github", "gitlab", "sarif"):
        result = cli("check", "--format", name, "--repo-root", str(ROOT), str(records))
        assert result.returncode == 1, result.stderr
        out[name] = result.stdout
    assert f"file={github_property(str(records))}," in out["github"]
    assert "file%3A" not in out["github"]
    assert {i["location"]["path"] for i in json.loads(out["gitlab"])} == {str(records)}
    sarif = json.loads(out["sarif"])["runs"][0]["results"][0]
    uri = sarif["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == records.resolve().as_uri()


def test_junit_keeps_every_record_of_a_one_line_file(tmp_path: Path) -> None:
    """Minified JSON (or flow-style YAML) puts every record on line 1: each record still
    gets its own test cases and failures, not only the first record of the line."""
    base = MICROSOFT_CHANGE
    records = [
        {**base, "id": "CHG-1", "notified_at": "2023-03-01T09:00:00Z"},
        {**base, "id": "CHG-2", "notified_at": "2023-03-03T09:00:00Z"},
        {**base, "id": "CHG-3", "notified_at": "2023-03-04T09:00:00Z"},
    ]
    report = check_text(tmp_path, json.dumps(records), name="minified.json")
    root = ET.fromstring(_render(report, "junit"))
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert {"CHG-1 MMD001", "CHG-2 MMD001", "CHG-3 MMD001"} <= set(cases)
    failed = sorted(n for n, c in cases.items() if c.find("failure") is not None)
    assert failed == ["CHG-2 MMD001", "CHG-3 MMD001"]
    failure = cases["CHG-3 MMD001"].find("failure")
    assert failure is not None and "2023-03-04T09:00:00" in failure.get("message", "")
    assert root.get("failures") == "2" == str(report.summary().errors)
    assert int(root.get("tests", 0)) == len(cases) == len(list(root.iter("testcase")))


def test_c1_controls_and_line_separators_are_escaped(tmp_path: Path) -> None:
    """NEL (U+0085), the other C1 controls (CSI, U+009B) and U+2028/U+2029 end a line for
    str.splitlines and many log viewers: a record's are escaped like its C0 controls, so
    each finding stays one line."""
    record = {
        "id": "CHG-1\x85two\x9b31m\u2028three\u2029four",
        "initiator": "microsoft",
        "change_type": "functionality",
        "requires_admin_action": True,
        "notified_at": "2023-03-03T09:00:00Z",
        "channels": ["message-center"],
        "starts_at": "2023-03-06T09:00:00Z",
    }
    report = check_text(tmp_path, json.dumps([record]), name="c1.json")
    for name in ("text", "github"):
        out = _render(report, name)
        lines = [line for line in out.splitlines() if "MMD001" in line]
        assert len(lines) == 1, (name, out)
        assert "CHG-1\\x85two\\x9b31m\\u2028three\\u2029four" in lines[0]


def test_junit_names_no_line_0(tmp_path: Path) -> None:
    """A finding with no line (a folder given as a records file) is ``path: message`` in
    the JUnit failure, as in the text output, not ``path:0: message``."""
    report = check_paths(handbook(), [tmp_path])
    failure = ET.fromstring(_render(report, "junit")).find(".//failure")
    assert failure is not None
    assert failure.text == f"{tmp_path}: is a folder, not a change-record file"


def test_junit_attributes_keep_a_tab(tmp_path: Path) -> None:
    """XML normalises a tab in an attribute value to a space unless it is written as a
    character reference: a record id with a tab keeps it in its test cases' names."""
    record = {
        "id": "CHG\t1",
        "initiator": "microsoft",
        "change_type": "functionality",
        "requires_admin_action": True,
        "notified_at": "2023-03-05T09:00:00Z",
        "channels": ["message-center"],
        "starts_at": "2023-03-06T09:00:00Z",
    }
    report = check_text(tmp_path, json.dumps([record]), name="tab.json")
    names = {c.get("name") for c in ET.fromstring(_render(report, "junit")).iter("testcase")}
    assert "CHG\t1 MMD001" in names

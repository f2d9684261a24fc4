"""Waivers: a waivers file and waivers on records; expired, unknown rule, unknown record."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from handbook.checker.check import check_paths
from handbook.checker.findings import Report
from handbook.checker.waivers import WaiverFileError, load_waivers

from .checker_support import cli, handbook
from .conftest import DATA

SHORT_NOTICE = """\
- id: CHG-1
  initiator: microsoft
  change_type: functionality
  requires_admin_action: true
  notified_at: 2023-03-03T09:00:00Z
  channels: [email]
  starts_at: 2023-03-06T09:00:00Z
- id: CHG-2
  initiator: customer
  sop_category: policies
  starts_at: 2023-01-05
"""

WAIVERS = """\
waivers:
  - record: CHG-1
    rule: MMD001
    reason: agreed with the change board
    approved_by: CAB
    expires_on: 2024-06-30
  - {record: CHG-2, rule: MMD006, reason: old, approved_by: CAB, expires_on: 2023-12-31}
  - {record: CHG-2, rule: MMD404, reason: typo, approved_by: CAB, expires_on: 2099-01-01}
  - {record: CHG-9, rule: MMD001, reason: gone, approved_by: CAB, expires_on: 2099-01-01}
  - {record: CHG-2, rule: MMD007, approved_by: CAB, expires_on: 2099-01-01}
"""


def _files(tmp_path: Path) -> tuple[Path, Path]:
    records = tmp_path / "records.yaml"
    records.write_text(SHORT_NOTICE, encoding="utf-8")
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(WAIVERS, encoding="utf-8")
    return records, waivers


def test_waivers_file(tmp_path: Path) -> None:
    records, path = _files(tmp_path)
    today = date(2024, 6, 30)  # CHG-1's waiver holds through its last day
    waivers = load_waivers(path, handbook(), today)
    report = check_paths(handbook(), [records], waivers=waivers, today=today)
    assert [(f.record, f.rule) for f in report.waived] == [("CHG-1", "MMD001")]
    assert report.waived[0].waiver_approved_by == "CAB"
    found = [(f.file == str(path), f.record, f.rule, f.line) for f in report.findings]
    assert found == [
        (False, "CHG-2", "MMD006", 8),
        (False, "CHG-2", "MMD007", 8),
        (True, "CHG-2", "W001", 7),  # expired: reported, and MMD006 counts again
        (True, "CHG-2", "E006", 8),  # unknown rule
        (True, "CHG-9", "E006", 9),  # unknown record
        (True, "CHG-2", "E006", 10),  # no reason
    ]
    assert (report.errors, report.warnings) == (5, 1)
    later = check_paths(
        handbook(), [records], waivers=load_waivers(path, handbook(), date(2024, 7, 1))
    )
    assert not later.waived
    assert ("CHG-1", "MMD001") in [(f.record, f.rule) for f in later.findings]


def test_default_waivers_file_and_cli(tmp_path: Path) -> None:
    records, path = _files(tmp_path)
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    shutil.copy(path, data / "waivers.yaml")
    result = cli(
        "check", "--data", str(data), "--format", "json", "--today", "2024-01-01", str(records)
    )
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["summary"]["waived"] == 1
    rules = sorted(f["rule"] for f in report["findings"] if not f.get("waived"))
    assert rules == ["E006", "E006", "E006", "MMD006", "MMD007", "W001"]


def test_partial_run_leaves_waivers_of_records_not_given_alone(tmp_path: Path) -> None:
    """A pre-commit hook checks the staged files only (``--partial``): a waiver of the
    waivers file whose record none of them holds (CHG-9) is no E006 then; the waivers
    file's other problems still are, and a run over every file still reports CHG-9."""
    records, path = _files(tmp_path)
    common = ("check", "--format", "json", "--today", "2024-01-01", "--waivers", str(path))

    def waiver_findings(*extra: str) -> list[tuple[str, int]]:
        result = cli(*common, *extra, str(records))
        assert result.returncode == 1, result.stderr
        findings = json.loads(result.stdout)["findings"]
        return [(f["record"], f["line"]) for f in findings if f["rule"] == "E006"]

    assert waiver_findings() == [("CHG-2", 8), ("CHG-9", 9), ("CHG-2", 10)]
    assert waiver_findings("--partial") == [("CHG-2", 8), ("CHG-2", 10)]


def test_only_waived_findings_pass(tmp_path: Path) -> None:
    records = tmp_path / "r.yaml"
    records.write_text(SHORT_NOTICE.split("- id: CHG-2")[0], encoding="utf-8")
    waivers = tmp_path / "w.yaml"
    waivers.write_text(
        "- {record: CHG-1, rule: MMD001, reason: r, approved_by: a, expires_on: 2099-01-01}\n",
        encoding="utf-8",
    )
    result = cli("check", "--waivers", str(waivers), str(records))
    assert result.returncode == 0
    assert result.stdout.splitlines()[-1] == "1 record checked: 0 errors, 0 warnings, 1 waived"


@pytest.mark.parametrize(
    "text", ["- [\n", "just text\n", "waivers: 3\n", b"\xff\xfe".decode("latin-1")]
)
def test_unusable_waivers_file_is_a_usage_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(text, encoding="utf-8" if text.isascii() else "latin-1")
    with pytest.raises(WaiverFileError):
        load_waivers(path, handbook(), date(2024, 1, 1))
    if text == "- [\n":  # one run through the command line
        records = tmp_path / "r.yaml"
        records.write_text(SHORT_NOTICE, encoding="utf-8")
        result = cli("check", "--waivers", str(path), str(records))
        assert result.returncode == 2
        assert "Traceback" not in result.stderr


def _with_waivers(tmp_path: Path, *waivers: str) -> Report:
    """The checker's report on the first record of `SHORT_NOTICE` carrying ``waivers``
    (each a YAML flow item)."""
    records = tmp_path / "r.yaml"
    records.write_text(
        SHORT_NOTICE.split("- id: CHG-2")[0]
        + "  waivers:\n"
        + "".join(f"    - {w}\n" for w in waivers),
        encoding="utf-8",
    )
    return check_paths(handbook(), [records])


def test_record_waiver_must_match_its_record(tmp_path: Path) -> None:
    report = _with_waivers(
        tmp_path,
        "{record: CHG-7, rule: MMD001, reason: r, approved_by: a, expires_on: 2099-01-01}",
        "not a mapping",
    )
    assert sorted(f.rule for f in report.findings) == ["E006", "E006", "MMD001"]
    assert not report.waived
    # what would be right: the record it sits on, or no record key
    assert any(
        "write record: CHG-1, or leave it out" in f.message
        for f in report.findings
        if f.rule == "E006"
    )


def test_record_waiver_without_approver_does_not_ask_for_record(tmp_path: Path) -> None:
    """A waiver written on its record has no ``record`` key: the E006 message does not
    ask for one."""
    report = _with_waivers(tmp_path, "{rule: MMD001, reason: r, expires_on: 2099-01-01}")
    (e006,) = [f for f in report.findings if f.rule == "E006"]
    assert "lacks approved_by; a waiver needs rule, reason, approved_by and" in e006.message
    assert "needs record" not in e006.message


def test_a_waivers_rule_id_is_read_in_any_case(tmp_path: Path) -> None:
    report = _with_waivers(
        tmp_path, "{rule: mmd001, reason: r, approved_by: a, expires_on: 2099-01-01}"
    )
    assert [f.rule for f in report.findings] == []
    assert [f.rule for f in report.waived] == ["MMD001"]


def test_an_expired_waiver_renewed_beside_it_is_no_warning(tmp_path: Path) -> None:
    """The renewal waives the finding; the expired entry beside it is no W001 (which would
    fail a --fail-on-warn run whose finding is waived)."""
    report = _with_waivers(
        tmp_path,
        "{rule: MMD001, reason: r, approved_by: a, expires_on: 2020-01-31}",
        "{rule: MMD001, reason: renewed, approved_by: a, expires_on: 2099-01-31}",
    )
    assert [f.rule for f in report.findings] == []
    assert [f.rule for f in report.waived] == ["MMD001"]
    waivers = tmp_path / "w.yaml"
    waivers.write_text(
        "- {record: CHG-1, rule: MMD001, reason: r, approved_by: a, expires_on: 2020-01-31}\n"
        "- {record: CHG-1, rule: MMD001, reason: s, approved_by: a, expires_on: 2099-01-31}\n",
        encoding="utf-8",
    )
    assert load_waivers(waivers, handbook(), date(2024, 1, 1)).problems == []


def test_a_waivers_bad_date_is_located_at_its_key(tmp_path: Path) -> None:
    """E006 names the line of the key it is about (it named the waiver's first line)."""
    records, path = _files(tmp_path)
    path.write_text(
        "waivers:\n  - record: CHG-1\n    rule: MMD001\n    reason: x\n    approved_by: y\n"
        "    expires_on: 31/12/2099\n",
        encoding="utf-8",
    )
    waivers = load_waivers(path, handbook(), date(2024, 1, 1))
    report = check_paths(handbook(), [records], waivers=waivers)
    [e006] = [f for f in report.findings if f.rule == "E006"]
    assert (e006.line, e006.column) == (6, 5)
    assert "expires_on '31/12/2099' is not a date" in e006.message


def test_a_waivers_impossible_date_says_why(tmp_path: Path) -> None:
    """An expires_on in the form YYYY-MM-DD that names no day (2024-02-30, 2025-02-29) was
    told 'is not a date; write YYYY-MM-DD', asking for the form it already has (found by an
    independent tester); it now says why, as E003 does for such a time."""
    records, path = _files(tmp_path)
    path.write_text(
        "- {record: CHG-1, rule: MMD001, reason: x, approved_by: y, expires_on: 2024-02-30}\n"
        "- {record: CHG-1, rule: MMD001, reason: x, approved_by: y, expires_on: 2025-02-29}\n",
        encoding="utf-8",
    )
    waivers = load_waivers(path, handbook(), date(2024, 1, 1))
    report = check_paths(handbook(), [records], waivers=waivers)
    messages = [f.message for f in report.findings if f.rule == "E006"]
    assert messages == [
        f"expires_on '{day}' is written as a date but names none (day is out of range for "
        "month); write a date that exists"
        for day in ("2024-02-30", "2025-02-29")
    ]


def test_every_document_of_a_waivers_file_is_read(tmp_path: Path) -> None:
    """A waivers file of several ``---`` documents (as a records file may be) was read up
    to its first document: the waivers after it were dropped without a word, so their
    findings failed the run and their unknown rules went unreported (found by an
    independent tester). Every document is read, each a list or a mapping with
    ``waivers:``."""
    records, path = _files(tmp_path)
    path.write_text(
        "- {record: CHG-1, rule: MMD001, reason: r, approved_by: a, expires_on: 2099-01-01}\n"
        "---\n"
        "---\n"
        "waivers:\n"
        "  - {record: CHG-2, rule: MMD006, reason: r, approved_by: a, expires_on: 2099-01-01}\n"
        "  - {record: CHG-2, rule: MMD404, reason: r, approved_by: a, expires_on: 2099-01-01}\n",
        encoding="utf-8",
    )
    result = cli("check", "--format", "json", "--waivers", str(path), str(records))
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    waived = sorted((f["record"], f["rule"]) for f in report["findings"] if f.get("waived"))
    assert waived == [("CHG-1", "MMD001"), ("CHG-2", "MMD006")]
    failing = [(f["rule"], f["line"]) for f in report["findings"] if not f.get("waived")]
    assert ("E006", 6) in failing  # the unknown rule of the second document
    path.write_text("- {record: CHG-1}\n---\nwaivers: 3\n", encoding="utf-8")
    with pytest.raises(WaiverFileError, match="expected a list of waivers"):
        load_waivers(path, handbook(), date(2024, 1, 1))


def test_a_waivers_file_that_is_not_yaml_names_line_and_column(tmp_path: Path) -> None:
    """A waivers file that is not valid YAML is a usage error naming its line and column
    and what to check, as E001 does for a records file (it named the line only)."""
    records, _ = _files(tmp_path)
    path = tmp_path / "w.yaml"
    path.write_text("- record: CHG-1\n\trule: MMD001\n", encoding="utf-8")
    result = cli("check", "--waivers", str(path), str(records))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"{path}:2:1: not valid YAML: found character '\\t'" in result.stderr
    assert "; indent with spaces: YAML does not allow a tab there" in result.stderr

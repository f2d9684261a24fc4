"""Records as tools export them (found by writing exports from the docs alone): spreadsheet
CSV, mappings that miss a column, sub-second times, files of the wrong shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .checker_support import cli

HEADER = "id,initiator,change_type,requires_admin_action,notified_at,channels,starts_at"
ROW = "{id},microsoft,functionality,TRUE,2023-03-01T09:00:00Z,message-center,{start}"


def _findings(*args: str) -> tuple[int, list[dict[str, object]], dict[str, int]]:
    result = cli("check", "--format", "json", *args)
    assert "Traceback" not in result.stderr
    data = json.loads(result.stdout)
    return result.returncode, data["findings"], data["summary"]


def test_a_spreadsheet_export_with_unnamed_columns_and_empty_rows(tmp_path: Path) -> None:
    """Excel's trailing unnamed columns, a team's column written twice and rows of empty
    cells are no reason to reject the file: every record is checked."""
    path = tmp_path / "export.csv"
    rows = [
        HEADER + ",notes,notes,,",
        ROW.format(id="X-1", start="2023-03-06T09:00:00Z") + ",a,b,,",
        ",,,,,,,,,,",
        ROW.format(id="X-2", start="2023-03-02T09:00:00Z") + ",,,,",
        '"",,,,,,,,,,',
    ]
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("utf-8-sig"))
    code, findings, summary = _findings(str(path))
    assert code == 1
    assert [(f["record"], f["rule"], f["line"]) for f in findings] == [("X-2", "MMD001", 4)]
    assert summary["records"] == 2


def test_a_record_field_written_twice_in_the_header_is_e001(tmp_path: Path) -> None:
    path = tmp_path / "twice.csv"
    path.write_text("id,starts_at,starts_at\nA,2023-01-01,2023-01-02\n", encoding="utf-8")
    _, findings, _ = _findings(str(path))
    assert [f["message"] for f in findings] == [
        "the header names the column 'starts_at' twice, so which one to read is unclear; "
        "keep one of them"
    ]


def test_a_column_the_mapping_reads_but_the_export_lacks_is_w002(tmp_path: Path) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "name: team export\nfields:\n  id: Ref\n  initiator: {value: microsoft}\n"
        "  change_type: {value: functionality}\n  starts_at: Start\n"
        "  requires_admin_action: {column: Admin action requried}\n",
        encoding="utf-8",
    )
    export = tmp_path / "e.csv"
    export.write_text("Ref,Start,Admin action required\nA,2023-03-01,true\n", encoding="utf-8")
    code, findings, _ = _findings("--map", str(mapping), str(export))
    assert code == 0
    assert [(f["rule"], f["severity"], f["line"]) for f in findings] == [("W002", "warning", 1)]
    assert str(findings[0]["message"]).endswith(
        "so requires_admin_action is ignored; did you mean 'Admin action required'?"
    )


def test_a_time_that_fails_by_half_a_second_shows_its_fraction(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        HEADER + "\n" + ROW.format(id="F-1", start="2023-03-06T08:59:59.5Z") + "\n",
        encoding="utf-8",
    )
    _, findings, _ = _findings(str(path))
    (finding,) = findings
    assert "starts_at (2023-03-06T08:59:59.5+00:00)" in str(finding["message"])


def test_files_of_the_wrong_shape_say_what_would_be_right(tmp_path: Path) -> None:
    semi = tmp_path / "semi.csv"
    semi.write_text("id;initiator;starts_at\nA;microsoft;2023-01-01\n", encoding="utf-8")
    tabs = tmp_path / "tabs.tsv"
    tabs.write_text("id\tinitiator\tstarts_at\nA\tmicrosoft\t2023-01-01\n", encoding="utf-8")
    listed = tmp_path / "comma.csv"
    listed.write_text(
        HEADER
        + "\n"
        + ROW.format(id="C-1", start="2023-03-06T09:00:00Z").replace(
            "message-center", '"message-center, email"'
        )
        + "\n",
        encoding="utf-8",
    )
    _, findings, _ = _findings(str(semi), str(tabs), str(listed))
    messages = [str(f["message"]) for f in findings]
    assert messages[0].endswith(
        "the header looks separated by semicolons: save the file as comma-separated CSV"
    )
    assert messages[1].endswith("a file is read as CSV only when it is named *.csv")
    assert "(a list is written [a, b] in YAML and JSON, and a; b in a CSV cell)" in messages[2]


def test_sarif_encodes_a_relative_path(tmp_path: Path) -> None:
    path = tmp_path / "odd, name.yaml"
    path.write_text("- id: A\n  initiator: microsoft\n", encoding="utf-8")
    result = cli("check", "--format", "sarif", "--repo-root", str(tmp_path), str(path))
    sarif = json.loads(result.stdout)["runs"][0]["results"][0]
    uri = sarif["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "odd%2C%20name.yaml"


def test_the_github_step_summary_stays_under_githubs_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GitHub drops a step summary over 1 MiB whole: the table stops short of it and says
    how many findings it lists."""
    path = tmp_path / "many.csv"
    rows = [ROW.format(id=f"M-{i}", start="2023-03-02T09:00:00Z") for i in range(6000)]
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = cli("check", "--format", "github", str(path))
    assert result.returncode == 1
    assert result.stdout.count("::error ") == 6000
    text = summary.read_text(encoding="utf-8")
    assert len(text.encode("utf-8")) < 1024 * 1024
    assert "of 6,000 findings, the errors first" in text
    assert "a step summary holds 1 MiB at most" in text
    assert text.rstrip().endswith("**6000 records checked: 6000 errors, 0 warnings, 0 waived**")


def test_a_step_summary_that_cannot_be_written_is_a_warning_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``$GITHUB_STEP_SUMMARY`` naming a file that cannot be appended to: the annotations
    are written and the run's exit code is the findings'; the warning names the file, as
    ``handbook validate`` and ``handbook diff`` word it (it said "cannot append to
    GITHUB_STEP_SUMMARY: No such file or directory", naming no file and no warning)."""
    path = tmp_path / "one.csv"
    path.write_text(HEADER + "\n" + ROW.format(id="M-1", start="2023-03-02T09:00:00Z") + "\n")
    summary = tmp_path / "no-such-folder" / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = cli("check", "--format", "github", str(path))
    assert result.returncode == 1
    assert result.stdout.count("::error ") == 1
    assert result.stderr == (
        f"handbook check: warning: cannot append to GITHUB_STEP_SUMMARY {summary}: "
        "No such file or directory\n"
    )

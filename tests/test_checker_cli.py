"""`handbook check` through the real command line (subprocess): codes, lines, exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from handbook.site.generate import generate_site

from .checker_support import JSON_FINDING_KEYS, cli, handbook
from .conftest import DATA

SAMPLES = DATA / "samples"

GOOD = """\
records:
  - id: OK-1
    title: A documented functionality change
    initiator: microsoft
    change_type: functionality
    requires_admin_action: true
    notified_at: 2023-03-01T09:00:00Z
    channels: [message-center]
    starts_at: 2023-03-06T09:00:00Z
"""

BAD = """\
- id: BAD-1
  initiator: microsoft
  change_type: functionality
  requires_admin_action: true
  notified_at: 2023-03-01T10:00:00Z
  channels: [message-center]
  starts_at: 2023-03-06T09:00:00Z
"""


def test_clean_records_exit_0(tmp_path: Path) -> None:
    path = tmp_path / "good.yaml"
    path.write_text(GOOD, encoding="utf-8")
    result = cli("check", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 record checked: 0 errors, 0 warnings" in result.stdout


def test_broken_rule_exit_1_text(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD, encoding="utf-8")
    result = cli("check", str(path))
    assert result.returncode == 1
    first = result.stdout.splitlines()[0]
    # the line and column of the offending field (notified_at), issue 3
    assert first.startswith(f"{path}:5:16: MMD001 [BAD-1] ")
    assert "4 days 23 hours" in first
    assert result.stdout.splitlines()[-1] == "1 record checked: 1 error, 0 warnings, 0 waived"


def test_json_shape(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD, encoding="utf-8")
    result = cli("check", "--format", "json", str(path))
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["summary"] == {"records": 1, "errors": 1, "warnings": 0, "waived": 0}
    (finding,) = data["findings"]
    assert set(finding) == JSON_FINDING_KEYS
    assert finding["record"] == "BAD-1"
    assert finding["rule"] == "MMD001"
    assert finding["severity"] == "error"
    assert finding["file"] == str(path)
    assert (finding["line"], finding["column"], finding["field"]) == (5, 16, "notified_at")
    assert finding["edition"] == "2022"
    assert finding["help_uri"] == "https://handbook.example.org/rules/mmd001/"


def test_warning_only_exits_0(tmp_path: Path) -> None:
    path = tmp_path / "late.yaml"
    path.write_text(
        "- {id: L, initiator: microsoft, change_type: functionality, starts_at: 2024-08-01}\n",
        encoding="utf-8",
    )
    result = cli("check", "--format", "json", str(path))
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert data["summary"] == {"records": 1, "errors": 0, "warnings": 1, "waived": 0}
    assert data["findings"][0]["rule"] == "MMD010"
    assert data["findings"][0]["severity"] == "warning"


def test_csv_lines_are_physical(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        "id,title,initiator,change_type,starts_at\n"
        'A,"two\nlines",microsoft,functionality,2023-01-01\n'
        "\n"
        "B,x,microsoft,functionality,2023-01-01T10:00\n",
        encoding="utf-8",
    )
    result = cli("check", "--format", "json", str(path))
    data = json.loads(result.stdout)
    assert [(f["record"], f["rule"], f["line"]) for f in data["findings"]] == [("B", "E003", 5)]
    assert result.returncode == 1


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert cli("check", str(tmp_path / "missing.yaml")).returncode == 2
    assert cli("check", "--bogus", str(SAMPLES / "e002-missing-fields.yaml")).returncode == 2
    assert cli("check").returncode == 2
    sample = str(SAMPLES / "e002-missing-fields.yaml")
    # a day that does not exist was told it is "not a date (YYYY-MM-DD)", the form it has
    impossible = cli("check", "--today", "2025-02-30", sample)
    assert impossible.returncode == 2
    assert "--today: '2025-02-30' names no day (day is out of range for month)" in (
        impossible.stderr
    )
    assert (
        "not a date (YYYY-MM-DD): '2025-2-3'" in cli("check", "--today", "2025-2-3", sample).stderr
    )
    assert (
        cli(
            "check", "--data", str(tmp_path / "nodata"), str(SAMPLES / "e002-missing-fields.yaml")
        ).returncode
        == 2
    )


def test_a_folder_is_its_record_files(tmp_path: Path) -> None:
    """``handbook check changes/`` checks every change-record file under the folder (sorted;
    hidden ones, other files and the waivers file left out), as linters take a folder; it
    was one E001 'is a folder' and nothing checked. A folder with no record file keeps it."""
    changes = tmp_path / "changes"
    (changes / "2023" / ".drafts").mkdir(parents=True)
    (changes / "a.yaml").write_text(BAD, encoding="utf-8")
    (changes / "2023" / "b.CSV").write_text(
        "id,initiator,change_type,starts_at\nB-1,msft,functionality,2023-01-01\n",
        encoding="utf-8",
    )
    (changes / "2023" / ".drafts" / "c.yaml").write_text("- [\n", encoding="utf-8")
    (changes / "README.md").write_text("# changes\n", encoding="utf-8")
    waivers = changes / "waivers.yaml"
    waivers.write_text("[]\n", encoding="utf-8")
    (tmp_path / "none").mkdir()
    result = cli("check", "--format", "json", "--waivers", str(waivers), str(changes))
    found = [(Path(f["file"]).name, f["rule"]) for f in json.loads(result.stdout)["findings"]]
    assert found == [("b.CSV", "E003"), ("a.yaml", "MMD001")], result.stdout
    assert result.returncode == 1
    empty = cli("check", str(tmp_path / "none"))
    assert empty.returncode == 1
    assert "is a folder, not a change-record file" in empty.stdout


def test_dash_reads_standard_input(tmp_path: Path) -> None:
    """``... | handbook check -`` reads YAML or JSON records from standard input, named
    ``-`` in the findings; it was "no such file: -" (exit 2). A CSV text there is an E001
    that says so; ``-`` given twice is a usage error."""
    result = cli("check", "-", input=BAD)
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("-:5:16: MMD001 [BAD-1] ")
    assert cli("check", "-", input="[]").returncode == 0
    csv = cli("check", "-", input="id,initiator\nA,microsoft\n")
    assert csv.returncode == 1
    assert "standard input is read as YAML or JSON: give a CSV file by its name" in csv.stdout
    twice = cli("check", "-", "-", input="[]")
    assert twice.returncode == 2
    assert "standard input (-) can be read once" in twice.stderr


def test_a_quoted_pattern_is_its_files(tmp_path: Path) -> None:
    """A pattern the shell did not expand (quoted in a CI step, or Windows' shells) is the
    files it matches, ``**`` too, where it was "no such file: changes/*.yaml"; one that
    matches nothing is a usage error that says so."""
    (tmp_path / "changes" / "2023").mkdir(parents=True)
    (tmp_path / "changes" / "2023" / "bad.yaml").write_text(BAD, encoding="utf-8")
    (tmp_path / "changes" / "good.yaml").write_text(GOOD, encoding="utf-8")
    result = cli("check", "--data", str(DATA), "changes/**/*.yaml", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("changes/2023/bad.yaml:5:16: MMD001 [BAD-1] ")
    assert result.stdout.splitlines()[-1].startswith("2 records checked: 1 error")
    none = cli("check", "--data", str(DATA), "changes/*.csv", cwd=tmp_path)
    assert none.returncode == 2
    assert "handbook check: error: no file matches the pattern changes/*.csv" in none.stderr


def test_a_report_written_into_the_folder_checked_is_left_out(tmp_path: Path) -> None:
    """``handbook check -o changes/report.json changes/`` run twice: the report of the
    first run is not read as records by the second (which refused it as 'one of the
    record files')."""
    changes = tmp_path / "changes"
    changes.mkdir()
    (changes / "a.yaml").write_text(BAD, encoding="utf-8")
    report = changes / "report.json"
    for _ in range(2):
        result = cli("check", "--format", "json", "-o", str(report), str(changes))
        assert result.returncode == 1, result.stderr
        assert json.loads(report.read_text(encoding="utf-8"))["summary"]["records"] == 1


def test_output_dash_is_standard_output(tmp_path: Path) -> None:
    """``-o -`` writes the report to standard output, as ``-`` reads standard input; it
    wrote a file named '-' in the current folder."""
    (tmp_path / "bad.yaml").write_text(BAD, encoding="utf-8")
    result = cli("check", "--data", str(DATA), "-o", "-", "bad.yaml", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("bad.yaml:5:16: MMD001 [BAD-1] ")
    assert not (tmp_path / "-").exists()


def test_invalid_data_exits_2(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    (data / "rules.yaml").write_text("- id: [\n", encoding="utf-8")
    result = cli("check", "--data", str(data), str(SAMPLES / "e002-missing-fields.yaml"))
    assert result.returncode == 2
    assert "rules.yaml" in result.stderr


def test_bad_files_are_reported_and_others_checked(tmp_path: Path) -> None:
    (tmp_path / "bin.yaml").write_bytes(bytes(range(256)))
    (tmp_path / "latin.csv").write_bytes("id,initiator\ncaf\xe9,microsoft\n".encode("latin-1"))
    (tmp_path / "empty.yaml").write_text("", encoding="utf-8")
    (tmp_path / "folder.yaml").mkdir()
    (tmp_path / "broken.yaml").write_text("- id: a\n  x: [\n", encoding="utf-8")
    good = tmp_path / "good.yaml"
    good.write_text(BAD, encoding="utf-8")
    names = ["bin.yaml", "latin.csv", "empty.yaml", "folder.yaml", "broken.yaml", "good.yaml"]
    result = cli("check", "--format", "json", *(str(tmp_path / n) for n in names))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    data = json.loads(result.stdout)
    by_file = {Path(f["file"]).name: f["rule"] for f in data["findings"]}
    assert by_file == {
        "bin.yaml": "E001",
        "latin.csv": "E001",
        "empty.yaml": "E001",
        "folder.yaml": "E001",
        "broken.yaml": "E001",
        "good.yaml": "MMD001",
    }
    broken = next(f for f in data["findings"] if f["file"].endswith("broken.yaml"))
    assert broken["line"] == 2
    assert broken["record"] is None


def test_every_sample_together(tmp_path: Path) -> None:
    paths = [str(p) for p in sorted(SAMPLES.iterdir()) if p.name != "samples.yaml"]
    result = cli("check", *paths)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "MMD010 [CHG-1004] warning: " in result.stdout


def test_seven_days_via_cli(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    record = tmp_path / "r.yaml"
    record.write_text(
        GOOD.replace("2023-03-06T09:00:00Z", "2023-03-07T09:00:00Z"), encoding="utf-8"
    )
    assert cli("check", "--data", str(data), str(record)).returncode == 0
    rules = data / "rules.yaml"
    rules.write_text(rules.read_text(encoding="utf-8").replace("P5D", "P7D"), encoding="utf-8")
    result = cli("check", "--data", str(data), str(record))
    assert result.returncode == 1
    assert "MMD001" in result.stdout and "7 days" in result.stdout


def test_fail_on_warn(tmp_path: Path) -> None:
    path = tmp_path / "late.yaml"
    path.write_text(
        "- {id: L, initiator: microsoft, change_type: functionality, starts_at: 2024-08-01}\n",
        encoding="utf-8",
    )
    assert cli("check", str(path)).returncode == 0
    assert cli("check", "--fail-on-warn", str(path)).returncode == 1


def test_edition_option(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    # a 2018 change type on a 2023 date: unknown in 2022, known when checked as 2018
    path.write_text(
        "- {id: A, initiator: microsoft, change_type: quality-update, starts_at: 2023-01-01}\n"
        "- {id: B, initiator: microsoft, change_type: functionality, starts_at: 2017-01-01}\n",
        encoding="utf-8",
    )
    plain = json.loads(cli("check", "--format", "json", str(path)).stdout)
    assert {(f["record"], f["rule"]) for f in plain["findings"]} == {("A", "E004"), ("B", "MMD010")}
    forced = cli("check", "--format", "json", "--edition", "2018", str(path))
    data = json.loads(forced.stdout)
    assert {(f["record"], f["rule"]) for f in data["findings"]} == {("B", "E004")}
    assert {f["edition"] for f in data["findings"]} == {"2018"}
    assert "every record is judged by the 2018 edition (--edition)" in forced.stderr
    assert cli("check", "--edition", "1999", str(path)).returncode == 2


def test_output_file_and_formats(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD, encoding="utf-8")
    for fmt in ("text", "json", "junit", "sarif", "github", "gitlab"):
        out = tmp_path / f"report.{fmt}"
        result = cli("check", "--format", fmt, "--output", str(out), str(path))
        assert result.returncode == 1, (fmt, result.stderr)
        assert result.stdout == ""
        text = out.read_text(encoding="utf-8")
        assert "MMD001" in text
        assert not out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert cli("check", "--format", "yaml", str(path)).returncode == 2


def test_output_into_a_new_folder(tmp_path: Path) -> None:
    """``--output reports/check.sarif`` in a fresh clone creates ``reports/`` (as ``pytest
    --junitxml`` does, and as ``handbook pages --out`` did); it failed with "No such file
    or directory". A file where the folder should be is still an error, exit 2."""
    path = tmp_path / "bad.yaml"
    path.write_text(BAD, encoding="utf-8")
    out = tmp_path / "reports" / "ci" / "check.sarif"
    result = cli("check", "--format", "sarif", "--output", str(out), str(path))
    assert result.returncode == 1, result.stderr
    assert "MMD001" in out.read_text(encoding="utf-8")
    (tmp_path / "taken").write_text("", encoding="utf-8")
    result = cli("check", "--output", str(tmp_path / "taken" / "check.txt"), str(path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "is a file, not a folder" in result.stderr


def test_waived_finding_never_fails(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD, encoding="utf-8")
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "- {record: BAD-1, rule: MMD001, reason: agreed, approved_by: CAB, "
        "expires_on: 2099-01-01}\n",
        encoding="utf-8",
    )
    result = cli("check", "--waivers", str(waivers), str(path))
    assert result.returncode == 0, result.stdout
    assert "waived: " in result.stdout
    assert result.stdout.splitlines()[-1] == "1 record checked: 0 errors, 0 warnings, 1 waived"
    data = json.loads(cli("check", "--format", "json", "--waivers", str(waivers), str(path)).stdout)
    assert data["summary"] == {"records": 1, "errors": 0, "warnings": 0, "waived": 1}
    assert data["findings"][0]["waived"] is True
    assert cli("check", "--waivers", str(tmp_path / "none.yaml"), str(path)).returncode == 2


def test_verify_command() -> None:
    result = cli("verify")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert all(line.startswith("PASS ") for line in lines[:-1])
    assert lines[-1].endswith("samples match their annotation")


def test_verify_reports_a_mismatch(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    samples = data / "samples" / "samples.yaml"
    text = samples.read_text(encoding="utf-8")
    samples.write_text(text.replace("CHG-0102: [MMD001]", "CHG-0102: []"), encoding="utf-8")
    result = cli("verify", "--data", str(data))
    assert result.returncode == 1
    assert "FAIL " in result.stdout
    assert "CHG-0102: expected no finding; got MMD001" in result.stdout
    assert cli("verify", "--data", str(tmp_path / "nothing")).returncode == 2


def test_verify_fails_on_an_annotated_record_the_file_does_not_hold(tmp_path: Path) -> None:
    """An expectation of samples.yaml for a record id no record has (a typo, a record
    removed) was never checked: expecting no finding, it passed. It fails verify and warns
    in a strict build, naming the id."""
    from handbook.model.loader import load_handbook
    from handbook.site.results import compute, sample_warnings

    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    samples = data / "samples" / "samples.yaml"
    text = samples.read_text(encoding="utf-8")
    samples.write_text(
        text.replace("    CHG-0101: []\n", "    CHG-0101: []\n    CHG-0110: []\n"),
        encoding="utf-8",
    )
    result = cli("verify", "--data", str(data))
    assert result.returncode == 1
    assert (
        "  CHG-0110: expected no finding; the file has no record CHG-0110 (correct the id in "
        "samples.yaml or remove it)"
    ) in result.stdout.splitlines()
    handbook, problems = load_handbook(data)
    assert handbook is not None, problems
    warnings = [str(p) for p in sample_warnings(handbook, compute(handbook))]
    said = (
        "samples.yaml:10:5: warning[sample-mismatch] record CHG-0110 of "
        "'mmd001-advance-notice.yaml': samples.yaml expects no finding; the file has no such record"
    )
    assert any(said in w for w in warnings), warnings


def test_verify_says_why_a_sample_file_cannot_be_read(tmp_path: Path) -> None:
    """A broken sample file fails with its E001's message under it (it said only
    "got E001"), and so does a strict build's ``sample-mismatch`` warning (it named only
    the records that lost their findings, never the cause)."""
    from handbook.model.loader import load_handbook
    from handbook.site.results import compute, sample_warnings

    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    (data / "samples" / "mmd001-advance-notice.yaml").write_text("id: [\n", encoding="utf-8")
    result = cli("verify", "--data", str(data))
    assert result.returncode == 1
    out = result.stdout.splitlines()
    at = out.index("  (file): expected not listed; got E001")
    assert out[at + 1].startswith("    E001: not valid YAML: ")
    handbook, problems = load_handbook(data)
    assert handbook is not None, problems
    warnings = [str(p) for p in sample_warnings(handbook, compute(handbook))]
    said = (
        "mmd001-advance-notice.yaml:1: warning[sample-mismatch] the file: samples.yaml lists"
        ' no "(file)" entry; the checker reports E001: not valid YAML: '
    )
    assert any(said in w for w in warnings), warnings


def test_a_duplicated_key_is_its_records_error_only(tmp_path: Path) -> None:
    """One record with a key written twice is E001 on that record; the others are still
    checked (before, the whole file was one E001 and no record was checked)."""
    path = tmp_path / "r.yaml"
    path.write_text(
        "- id: DUP-1\n  initiator: microsoft\n  change_type: functionality\n"
        "  starts_at: 2023-03-01\n  starts_at: 2023-03-02\n" + BAD,
        encoding="utf-8",
    )
    result = cli("check", "--format", "json", str(path))
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    got = [(f["record"], f["rule"], f["line"], f["column"]) for f in data["findings"]]
    assert got[0] == ("DUP-1", "E001", 5, 3)
    assert (
        "key 'starts_at' appears twice in the same mapping; keep one of them"
        in (data["findings"][0]["message"])
    )
    assert ("BAD-1", "MMD001") in {(f["record"], f["rule"]) for f in data["findings"]}
    assert data["summary"]["records"] == 2


def test_a_duplicated_key_is_its_own_records_error_when_records_share_a_line(
    tmp_path: Path,
) -> None:
    """A JSON export on one line (or a YAML flow sequence) holds several records per line:
    the duplicated key is the error of the record it is written in, found by line and
    column. Before, it went to the last record starting on that line, which was then not
    checked (its MMD001 was lost) and the record at fault was named wrongly."""
    record = '{"id": "%s", "initiator": "microsoft", "change_type": "functionality", '
    dup = record % "DUP-1" + '"starts_at": "2023-03-01", "starts_at": "2023-03-02"}'
    bad = record % "BAD-1" + '"requires_admin_action": true, "starts_at": "2023-03-01"}'
    path = tmp_path / "r.json"
    path.write_text(f"[{dup}, {bad}]", encoding="utf-8")
    data = json.loads(cli("check", "--format", "json", str(path)).stdout)
    got = [(f["record"], f["rule"], f["line"], f["column"]) for f in data["findings"]]
    assert got == [
        ("DUP-1", "E001", 1, dup.index('"starts_at": "2023-03-02"') + 2),
        ("BAD-1", "MMD001", 1, len(dup) + 4),
    ]


def test_broken_json_says_json_with_its_column(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text('[{"id": "A",\n "initiator": "microsoft" "x"}]\n', encoding="utf-8")
    result = cli("check", str(path))
    assert result.returncode == 1
    assert result.stdout.startswith(f"{path}:2:27: E001 not valid JSON: ")


def test_json_lines_are_told_to_be_one_array(tmp_path: Path) -> None:
    """JSON Lines (one object a line, as jq -c writes) is not read; the E001 said "expected
    '<document start>', but found '{'; check indentation, quotes and the ': ' after each
    key", a hint for YAML that does not say what to do (found by an independent tester)."""
    record = '{"id": "L%d", "initiator": "microsoft", "change_type": "functionality", '
    record += '"starts_at": "2023-03-06"}\n'
    for name in ("r.jsonl", "r.json", "r.yaml"):
        path = tmp_path / name
        path.write_text("\ufeff" + record % 1 + record % 2, encoding="utf-8")
        result = cli("check", str(path))
        assert result.returncode == 1
        assert result.stdout.startswith(
            f"{path}:2:1: E001 not valid JSON: a second JSON value starts on this line, after "
            "a whole one: JSON Lines (one record a line) is not read; write the records as "
            "one JSON array ([{...}, {...}]) or a YAML list\n"
        ), result.stdout
    # other syntax errors keep their message and hint
    path = tmp_path / "m.yaml"
    path.write_text("- a: 1\n  b: [2\n", encoding="utf-8")
    assert "check indentation" in cli("check", str(path)).stdout
    # and the record format page says so among the files that cannot be read
    record = generate_site(handbook()).page("checker/record-format.md").markdown
    assert "JSON Lines, one JSON record a line (write one JSON array of them" in record


def test_a_records_key_left_empty_is_an_input_error(tmp_path: Path) -> None:
    """'records:' with no value (a templated export whose loop wrote nothing) was read as no
    records: '0 records checked', exit 0, where an empty file is E001 because it is more
    often a failed export than a day without changes (found by an independent tester).
    'records: []' stays a valid export of no changes."""
    empty = tmp_path / "export.yaml"
    empty.write_text("exported_at: 2023-06-01\nrecords:\n", encoding="utf-8")
    none = tmp_path / "none.json"
    none.write_text('{"records": null}', encoding="utf-8")
    result = cli("check", str(empty), str(none))
    assert result.returncode == 1
    assert result.stdout.splitlines()[:2] == [
        f"{empty}:2:1: E001 'records' has no value; expected a list of change records under "
        "it (records: [] for none: a key left empty is more often a failed export than a day "
        "without changes)",
        f"{none}:1:2: E001 'records' has no value; expected a list of change records under "
        "it (records: [] for none: a key left empty is more often a failed export than a day "
        "without changes)",
    ]
    empty.write_text("records: []\n", encoding="utf-8")
    assert cli("check", str(empty)).returncode == 0
    record = generate_site(handbook()).page("checker/record-format.md").markdown
    assert "or a <code>records:</code> key left empty, is an input error (E001)" in record


def test_json_escapes_of_a_character_past_u_ffff_are_read(tmp_path: Path) -> None:
    """Python's and PHP's JSON writers escape an emoji as a surrogate pair, which libyaml
    refuses; the record is read with its title whole, and a lone half is located."""
    record = {
        "id": "J10",
        "title": "Caf\u00e9 rollout \U0001f680",
        "initiator": "microsoft",
        "change_type": "functionality",
        "starts_at": "2023-03-06T09:00:00Z",
    }
    path = tmp_path / "api.json"
    path.write_text(json.dumps([record], indent=2), encoding="utf-8")
    assert "\\ud83d\\ude80" in path.read_text(encoding="utf-8")
    result = cli("check", "--format", "json", str(path))
    assert result.returncode == 0, result.stdout
    assert json.loads(result.stdout)["summary"]["records"] == 1
    path.write_text(json.dumps([record]).replace("\\ude80", ""), encoding="utf-8")
    result = cli("check", str(path))
    assert result.returncode == 1
    assert result.stdout.startswith(f"{path}:1:25: E001 a \\uD800-\\uDFFF escape without its")


def test_an_open_quote_in_a_csv_is_located_at_its_row(tmp_path: Path) -> None:
    """A quote left open runs to the end of the file; the E001 names the row it opens in
    (it named the last line) and says what to check."""
    path = tmp_path / "r.csv"
    path.write_text(
        "id,title,initiator,change_type,starts_at\n"
        'Q01,"Unclosed quote,microsoft,functionality,2023-03-06T09:00:00Z\n'
        "Q02,ok,microsoft,functionality,2023-03-06T09:00:00Z\n",
        encoding="utf-8",
    )
    result = cli("check", str(path))
    assert result.returncode == 1
    assert result.stdout.startswith(
        f"{path}:2: E001 not valid CSV: unexpected end of data (on line 3, in the row that "
        "starts here); check the quotes of this row"
    ), result.stdout


def test_output_may_not_overwrite_a_record_file(tmp_path: Path) -> None:
    """``--output in.yaml in.yaml`` replaced the records with the report."""
    path = tmp_path / "in.yaml"
    path.write_text(BAD, encoding="utf-8")
    result = cli("check", "--format", "json", "--output", str(path), str(path))
    assert result.returncode == 2 and "is one of the record files" in result.stderr
    assert path.read_text(encoding="utf-8") == BAD


def test_yaml_merge_keys_are_read(tmp_path: Path) -> None:
    """``<<: *base`` copies the base's fields, as every YAML loader does; explicit keys win."""
    path = tmp_path / "r.yaml"
    path.write_text(
        "- &base {id: MK1, initiator: microsoft, change_type: functionality, "
        "starts_at: 2023-03-06}\n- <<: *base\n  id: MK2\n",
        encoding="utf-8",
    )
    result = cli("check", "--format", "json", str(path))
    assert result.returncode == 0, result.stdout
    assert json.loads(result.stdout)["summary"]["records"] == 2


def test_junit_files_are_relative_to_the_repository_root(tmp_path: Path) -> None:
    """Run from a subfolder, JUnit's ``file`` is the path GitLab links, as in SARIF."""
    sub = tmp_path / "changes" / "week"
    sub.mkdir(parents=True)
    (sub / "bad.yaml").write_text(BAD, encoding="utf-8")
    args = ("check", "--data", str(DATA), "--repo-root", str(tmp_path), "--format", "junit")
    result = cli(*args, "bad.yaml", cwd=sub)
    assert result.returncode == 1, result.stderr
    assert 'file="changes/week/bad.yaml"' in result.stdout
    assert 'file="bad.yaml"' not in result.stdout


def test_a_site_url_that_is_no_url_is_a_usage_error() -> None:
    result = cli("check", "--site-url", "not a url", str(SAMPLES / "mmd001-advance-notice.yaml"))
    assert result.returncode == 2 and "is not an http(s) URL" in result.stderr
    assert result.stdout == ""


def test_a_title_case_header_says_how_each_column_is_written(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "Id,Initiator,Change_Type,Starts_At\nA1,microsoft,functionality,2023-03-01T00:00:00Z\n",
        encoding="utf-8",
    )
    result = cli("check", str(path))
    assert result.returncode == 1
    assert "E001 the header row names no change-record field" in result.stdout
    assert "column names are exact: 'id' for 'Id', 'initiator' for 'Initiator'" in result.stdout


def test_a_file_given_twice_is_checked_once(tmp_path: Path) -> None:
    """A file named twice (a glob and its own name, or through a link) is one file: its
    records are not reported as duplicates of themselves (E005)."""
    good = tmp_path / "good.yaml"
    good.write_text(GOOD, encoding="utf-8")
    (tmp_path / "link.yaml").symlink_to(good)
    result = cli("check", "--format", "json", str(good), str(good), str(tmp_path / "link.yaml"))
    assert result.returncode == 0, result.stdout
    data = json.loads(result.stdout)
    assert data["summary"] == {"records": 1, "errors": 0, "warnings": 0, "waived": 0}
    assert "given more than once" in result.stderr


def test_output_may_not_overwrite_an_input_of_the_run(tmp_path: Path) -> None:
    """``--output`` naming the waivers file, the mapping file or a file of the data folder
    replaced that input with the report; each is a usage error and the file is kept."""
    records = tmp_path / "in.yaml"
    records.write_text(BAD, encoding="utf-8")
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text("waivers: []\n", encoding="utf-8")
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    rules = (data / "rules.yaml").read_bytes()
    mapping = tmp_path / "map.yaml"
    shutil.copy(DATA / "mappings" / "servicenow.yaml", mapping)
    csv = tmp_path / "export.csv"
    csv.write_text("number\nCHG1\n", encoding="utf-8")
    runs = [
        ("--waivers", str(waivers), "--output", str(waivers), str(records)),
        ("--data", str(data), "--output", str(data / "rules.yaml"), str(records)),
        ("--map", str(mapping), "--output", str(mapping), str(csv)),
    ]
    for args in runs:
        result = cli("check", "--format", "json", *args)
        assert result.returncode == 2, (args, result.stderr)
        assert "write the report apart" in result.stderr
    assert waivers.read_text(encoding="utf-8") == "waivers: []\n"
    assert (data / "rules.yaml").read_bytes() == rules
    assert mapping.read_bytes() == (DATA / "mappings" / "servicenow.yaml").read_bytes()


def test_a_field_written_with_its_words_reordered_is_a_w002(tmp_path: Path) -> None:
    """'requires_approval: true' (for approval_required) was ignored without a word, so
    MMD004 did not apply and the run passed; only names 80% alike got a W002 (found by an
    independent tester). Same words in another order or form now name the field."""
    path = tmp_path / "r.yaml"
    path.write_text(
        "- {id: S, initiator: microsoft, change_type: functionality, starts_at: 2023-03-06,\n"
        "   requires_approval: true, admin_action_required: false, is_emergency: false}\n",
        encoding="utf-8",
    )
    result = cli("check", "--format", "json", str(path))
    messages = [f["message"] for f in json.loads(result.stdout)["findings"] if f["rule"] == "W002"]
    assert messages == [
        "'requires_approval' is not a record field and is ignored; did you mean "
        "'approval_required'?",
        "'admin_action_required' is not a record field and is ignored; did you mean "
        "'requires_admin_action'?",
        "'is_emergency' is not a record field and is ignored; did you mean 'emergency'?",
    ]


def test_an_empty_output_file_name_is_a_usage_error() -> None:
    """'-o ""' (an unset variable in a CI script) wrote the report to standard output and
    exited as if it had been written to a file (found by an independent tester)."""
    result = cli("check", "-o", "", str(DATA / "samples" / "mmd001-advance-notice.yaml"))
    assert result.returncode == 2 and result.stdout == ""
    assert "argument --output/-o: needs a file name" in result.stderr


def test_a_repo_root_that_is_no_folder_is_a_usage_error(tmp_path: Path) -> None:
    """'--repo-root /nonexistent' was accepted without a word, and SARIF, GitHub and GitLab
    paths were made relative to it (found by an independent tester)."""
    sample = str(DATA / "samples" / "mmd001-advance-notice.yaml")
    result = cli("check", "--repo-root", str(tmp_path / "nowhere"), sample)
    assert result.returncode == 2 and result.stdout == ""
    assert "argument --repo-root: " in result.stderr and "does not exist" in result.stderr


def test_a_site_url_with_a_space_gives_valid_sarif_uris() -> None:
    """'--site-url "https://x.org/a b/"' put a raw space into SARIF's helpUri and
    informationUri, which are URIs (found by an independent tester)."""
    sample = str(DATA / "samples" / "mmd001-advance-notice.yaml")
    result = cli("check", "--format", "sarif", "--site-url", "https://x.org/a b/", sample)
    driver = json.loads(result.stdout)["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == "https://x.org/a%20b/"
    assert driver["rules"][0]["helpUri"] == "https://x.org/a%20b/rules/mmd001/"

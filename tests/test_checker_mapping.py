"""ITSM exports through a mapping: the ServiceNow mapping and its sample, end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from handbook.checker.check import check_paths
from handbook.checker.mapping import MappingError, load_mapping
from handbook.site.generate import generate_site

from .checker_support import cli, handbook
from .conftest import DATA, ROOT

MAPPING = DATA / "mappings" / "servicenow.yaml"
EXPORT = DATA / "mappings" / "servicenow-change_request.csv"


def test_servicenow_export_end_to_end() -> None:
    result = cli(
        "check",
        "--map",
        "data/mappings/servicenow.yaml",
        "--format",
        "json",
        "data/mappings/servicenow-change_request.csv",
        cwd=ROOT,
    )
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert data["summary"] == {"records": 8, "errors": 6, "warnings": 0, "waived": 0}
    got = [(f["record"], f["rule"], f["line"], f["field"]) for f in data["findings"]]
    assert got == [
        ("CHG0030002", "MMD001", 3, "notified_at"),
        ("CHG0030005", "MMD007", 6, "advised_at"),
        ("CHG0030006", "MMD008", 7, "support_request_at"),
        ("CHG0030007", "E003", 8, "starts_at"),
        ("CHG0030008", "MMD004", 10, "approved_at"),  # after a quoted newline
        ("CHG0030008", "MMD009", 10, "actions"),
    ]
    messages = {f["record"]: f["message"] for f in data["findings"]}
    # Europe/Amsterdam: 2023-03-02 12:00 local is 11:00 UTC
    assert "notified_at (2023-03-02T11:00:00+00:00)" in messages["CHG0030002"]
    assert "(column start_date) '31/08/2023 10:00'" in messages["CHG0030007"]


def test_mapping_values_and_records() -> None:
    report = check_paths(handbook(), [EXPORT], mapping=load_mapping(MAPPING))
    refs = {r.id: r for r in report.records}
    assert refs["CHG0030001"].initiator == "microsoft"
    assert refs["CHG0030004"].initiator == "customer"
    assert refs["CHG0030004"].sop_category == "policies"
    assert refs["CHG0030003"].change_type == "security-update"
    assert [r.line for r in report.records] == [2, 3, 4, 5, 6, 7, 8, 9]


def test_constant_and_iso_mapping(tmp_path: Path) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "name: tiny\ntimezone: America/New_York\nfields:\n"
        "  id: Ref\n  initiator: {value: microsoft}\n  change_type: {value: functionality}\n"
        "  emergency: {column: Kind, values: {URGENT: true}, default: false}\n"
        "  starts_at: When\n",
        encoding="utf-8",
    )
    export = tmp_path / "e.csv"
    export.write_text(
        "Ref,Kind,When\nA,urgent,2023-07-01T12:00:00\nB,x,2023-07-01\nC,,2023-07-01T12:00Z\n",
        encoding="utf-8",
    )
    report = check_paths(handbook(), [export], mapping=load_mapping(mapping))
    # URGENT matches ignoring case: an emergency, which needs a mitigation
    assert [(f.record, f.rule) for f in report.findings] == [("A", "MMD002")]
    assert [r.edition for r in report.records] == ["2022", "2022", "2022"]
    assert "2023-07-01T16:00:00+00:00" not in report.findings[0].message


@pytest.mark.parametrize(
    "text",
    [
        "name: x\nfields: {nonsense: a}\n",
        "name: x\nfields: {id: {column: a, value: b}}\n",
        "name: x\ntimezone: Mars/Olympus\nfields: {id: a}\n",
        "- not a mapping\n",
        "name: [\n",
        'name: x\ndate_format: "%Q"\nfields: {id: a}\n',
        'name: x\nfields: {starts_at: {column: a, date_format: "%d/%m %"}}\n',
    ],
)
def test_bad_mapping_is_a_usage_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MappingError):
        load_mapping(path)
    if text.startswith("name: x\nfields: {nonsense"):  # one run through the command line
        result = cli("check", "--map", str(path), str(EXPORT))
        assert result.returncode == 2
        assert "nonsense" in result.stderr and "Traceback" not in result.stderr


def test_a_yaml_file_with_a_mapping_is_a_usage_error(tmp_path: Path) -> None:
    """A mapping names CSV columns; a YAML or JSON file beside the export would be read
    without it (every record E002), so the run refuses and names the file."""
    records = tmp_path / "changes.yaml"
    records.write_text("- number: CHG1\n", encoding="utf-8")
    result = cli("check", "--map", str(MAPPING), str(EXPORT), str(records))
    assert result.returncode == 2, result.stderr
    assert str(records) in result.stderr and "without --map" in result.stderr
    assert result.stdout == ""


def test_export_without_mapped_columns(tmp_path: Path) -> None:
    export = tmp_path / "e.csv"
    export.write_text("a,b\n1,2\n", encoding="utf-8")
    report = check_paths(handbook(), [export], mapping=load_mapping(MAPPING))
    assert [f.rule for f in report.findings] == ["E001"]


def test_mapping_file_documents_itself() -> None:
    text = MAPPING.read_text(encoding="utf-8")
    assert text.startswith("# Mapping of a ServiceNow change_request CSV export")
    assert "handbook check --map data/mappings/servicenow.yaml" in text


def test_yes_no_keys_stay_text(tmp_path: Path) -> None:
    """``values: {Yes: true, No: false}``: the keys are the export's texts, not booleans."""
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "name: yes-no\nfields:\n"
        "  id: Ref\n  initiator: {value: microsoft}\n  change_type: {value: functionality}\n"
        "  emergency: {column: Urgent, values: {Yes: true, No: false}}\n"
        "  starts_at: When\n",
        encoding="utf-8",
    )
    export = tmp_path / "e.csv"
    export.write_text("Ref,Urgent,When\nA,Yes,2023-07-01\nB,No,2023-07-01\n", encoding="utf-8")
    report = check_paths(handbook(), [export], mapping=load_mapping(mapping))
    # "Yes" maps to an emergency (which needs a mitigation: MMD002); "No" passes
    assert [(f.record, f.rule) for f in report.findings] == [("A", "MMD002")]


def _local_export(tmp_path: Path, rows: str) -> Path:
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        'name: local\ndate_format: "%Y-%m-%d %H:%M"\ntimezone: Europe/Amsterdam\nfields:\n'
        "  id: Ref\n  initiator: {value: microsoft}\n  change_type: {value: functionality}\n"
        "  channels: {value: message-center}\n  starts_at: Start\n  notified_at: Told\n"
        "  requires_admin_action: {column: Admin, values: {Yes: true, No: false}}\n",
        encoding="utf-8",
    )
    export = tmp_path / "e.csv"
    export.write_text("Ref,Start,Told,Admin\n" + rows, encoding="utf-8")
    return mapping


def test_input_errors_under_a_mapping_name_the_exports_column(tmp_path: Path) -> None:
    # the mapping's own E003s named the column; E002 and E004 named the record field alone,
    # which the export does not have
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "name: cols\nfields:\n  id: Ref\n  initiator: {value: customer}\n"
        "  starts_at: Start\n  sop_category: Category\n  support_request_at: Ticket\n"
        "  advised_at: Advised\n",
        encoding="utf-8",
    )
    export = tmp_path / "e.csv"
    export.write_text(
        "Ref,Start,Category,Ticket,Advised\n"
        "A,,policies,2023-01-01T09:00Z,2023-01-01T10:00Z\n"
        "B,2023-02-01T09:00Z,Workplace,2023-01-01T09:00Z,2023-01-01T10:00Z\n",
        encoding="utf-8",
    )
    report = check_paths(handbook(), [export], mapping=load_mapping(mapping))
    got = {(f.record, f.rule): f.message for f in report.findings}
    assert got[("A", "E002")].startswith("starts_at (column Start) is missing;")
    assert got[("B", "E004")].startswith("sop_category (column Category) 'Workplace' is not")


def test_local_times_in_a_clock_change_say_so(tmp_path: Path) -> None:
    """A local time the clocks skip or repeat matches the date format: the E003 says what
    is wrong with it, not that the format does not match."""
    mapping = _local_export(
        tmp_path,
        "GAP,2023-03-26 02:30,2023-03-01 10:00,No\n"
        "TWICE,2023-11-29 10:00,2023-10-29 02:30,No\n"
        "FORMAT,2023/11/29,2023-11-01 10:00,No\n",
    )
    report = check_paths(handbook(), [tmp_path / "e.csv"], mapping=load_mapping(mapping))
    got = {f.record: f.message for f in report.findings}
    assert set(got) == {"GAP", "TWICE", "FORMAT"}
    assert "'2023-03-26 02:30' does not exist in time zone Europe/Amsterdam" in got["GAP"]
    assert "(column Told) '2023-10-29 02:30' happens twice" in got["TWICE"]
    assert "'2023/11/29' does not match the mapping's date format %Y-%m-%d %H:%M" in got["FORMAT"]
    assert all("date format" not in got[k] for k in ("GAP", "TWICE"))


def test_a_local_time_given_with_its_offset_is_read_as_the_message_asks(tmp_path: Path) -> None:
    """The E003 of a time the clocks repeat says "say which with a UTC offset" (and the
    ServiceNow page: export it as 2023-10-29 02:30+01:00); a time so written did not
    match the mapping's date format, so the advice could not be followed. A time with its
    offset is read as the checker reads any time, whatever the date format."""
    mapping = _local_export(
        tmp_path,
        "EARLY,2023-11-29 10:00,2023-10-29 02:30+02:00,Yes\n"
        "LATE,2023-11-29 10:00,2023-10-29T02:30:00+01:00,Yes\n"
        "SHORT,2023-10-30 01:30+01:00,2023-10-25 01:30Z,Yes\n"
        "NAIVE,2023-11-29 10:00,2023-10-29T02:30:00,Yes\n",
    )
    report = check_paths(handbook(), [tmp_path / "e.csv"], mapping=load_mapping(mapping))
    assert [(f.record, f.rule) for f in report.findings] == [
        ("SHORT", "MMD001"),
        ("NAIVE", "E003"),
    ]
    assert "(notified_at no later than 2023-10-25T00:30:00+00:00)" in report.findings[0].message
    assert "does not match the mapping's date format" in report.findings[1].message


def test_a_date_format_with_fractions_of_a_second_keeps_them(tmp_path: Path) -> None:
    """A date format with %f read the fraction and then wrote the time to the second, so
    an approval half a second after the start passed MMD004."""
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        'name: f\ndate_format: "%Y-%m-%d %H:%M:%S.%f"\ntimezone: UTC\nfields:\n'
        "  id: Ref\n  initiator: {value: microsoft}\n  change_type: {value: functionality}\n"
        "  approval_required: {value: true}\n  approved_at: Approved\n  starts_at: Start\n",
        encoding="utf-8",
    )
    export = tmp_path / "e.csv"
    export.write_text(
        "Ref,Approved,Start\n"
        "LATE,2023-06-02 00:00:00.500000,2023-06-02 00:00:00.000000\n"
        "SAME,2023-06-02 00:00:00.250000,2023-06-02 00:00:00.250000\n",
        encoding="utf-8",
    )
    report = check_paths(handbook(), [export], mapping=load_mapping(mapping))
    assert [(f.record, f.rule) for f in report.findings] == [("LATE", "MMD004")]
    assert "approved_at (2023-06-02T00:00:00.5+00:00) is 0.5 seconds after" in (
        report.findings[0].message
    )


def test_unmapped_flag_value_names_its_column_as_written(tmp_path: Path) -> None:
    mapping = _local_export(tmp_path, "A,2023-11-29 10:00,2023-11-01 10:00,Cancelled\n")
    report = check_paths(handbook(), [tmp_path / "e.csv"], mapping=load_mapping(mapping))
    (finding,) = report.findings
    assert finding.rule == "E003"
    assert finding.message.startswith(
        "requires_admin_action (column Admin) is 'Cancelled', which the mapping does not turn "
        "into true or false; add it to the mapping's values"
    )
    assert (finding.line, finding.column) == (2, 37)


def test_unmapped_flag_value_hint_does_not_guess_its_meaning(tmp_path: Path) -> None:
    """The hint's example mapped every unmapped value to false: 'Y' and 'Ja' were told
    'e.g. values: {Y: false}', and a writer who copied it turned the rule they mean to turn
    on off, silently (MMD001 never checked). The hint now gives both readings (found by an
    independent tester with a ServiceNow export)."""
    mapping = _local_export(
        tmp_path, "A,2023-11-29 10:00,2023-11-01 10:00,Y\nB,2023-11-29 10:00,2023-11-01 10:00,Ja\n"
    )
    report = check_paths(handbook(), [tmp_path / "e.csv"], mapping=load_mapping(mapping))
    got = {f.record: f.message for f in report.findings}
    assert "(values: {Y: true} or {Y: false}, whichever it means)" in got["A"]
    assert "(values: {Ja: true} or {Ja: false}, whichever it means)" in got["B"]
    assert "e.g." not in got["A"]


def test_an_export_saved_with_semicolons_or_tabs_says_so(tmp_path: Path) -> None:
    """A ServiceNow export saved by a spreadsheet with ';' (or tabs) was told that its header
    'names none of the columns the mapping reads; expected columns such as: number, ...',
    the very names it holds; without --map the same header is told to be saved
    comma-separated, and now it is under --map too (found by an independent tester)."""
    header = EXPORT.read_text(encoding="utf-8").splitlines()[0].replace('"', "")
    for sep, name in ((";", "semicolons"), ("\t", "tabs")):
        export = tmp_path / f"{name}.csv"
        export.write_text(header.replace(",", sep) + "\n", encoding="utf-8")
        report = check_paths(handbook(), [export], mapping=load_mapping(MAPPING))
        (finding,) = report.findings
        assert finding.rule == "E001"
        assert finding.message.startswith("the header names none of the columns the mapping")
        assert finding.message.endswith(
            f"; the header looks separated by {name}: save the file as comma-separated CSV"
        )


def test_a_time_in_the_date_format_naming_no_day_says_so(tmp_path: Path) -> None:
    """'2023-02-29 10:00' (no leap day in 2023) and '2023-04-31 10:00' are in the mapping's
    date format but name no time; they were told they 'do not match the mapping's date
    format %Y-%m-%d %H:%M', which they do, so the writer looked for the wrong mistake (found
    by an independent tester with a German export's 29.02.2023)."""
    mapping = _local_export(
        tmp_path,
        "LEAP,2023-03-10 10:00,2023-02-29 10:00,No\n"
        "APRIL,2023-04-31 10:00,2023-04-01 10:00,No\n"
        "FORMAT,2023/11/29,2023-11-01 10:00,No\n",
    )
    report = check_paths(handbook(), [tmp_path / "e.csv"], mapping=load_mapping(mapping))
    got = {f.record: f.message for f in report.findings}
    assert got["LEAP"] == (
        "notified_at (column Told) '2023-02-29 10:00' is in the mapping's date format "
        "%Y-%m-%d %H:%M but names no time (day is out of range for month); write a date and "
        "time that exist"
    )
    assert "'2023-04-31 10:00' is in the mapping's date format" in got["APRIL"]
    assert got["FORMAT"].endswith(
        "'2023/11/29' does not match the mapping's date format %Y-%m-%d %H:%M"
    )


def test_a_date_alone_is_local_midnight_whatever_the_date_format(tmp_path: Path) -> None:
    """With the default date format (ISO8601) a date alone was 00:00 UTC while a date-time
    without offset was read in the mapping's time zone, and a date_format of %Y-%m-%d read
    the same date as local midnight: a CAB date of the change's own day (advised_at) read
    as 01:00 or 02:00 in Amsterdam, after a change starting at 00:30, a false MMD007 (found
    by an independent tester). A date alone is now its midnight in the mapping's zone."""
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "name: iso\ntimezone: Europe/Amsterdam\nfields:\n  id: Ref\n"
        "  initiator: {value: customer}\n  sop_category: {value: policies}\n"
        "  support_request_at: Opened\n  advised_at: Advised\n  starts_at: Start\n",
        encoding="utf-8",
    )
    export = tmp_path / "e.csv"
    export.write_text(
        "Ref,Opened,Advised,Start\n"
        "SAMEDAY,2023-04-01T09:00:00,2023-04-11,2023-04-11T00:30:00\n"
        "EVE,2023-04-01,2023-04-11,2023-04-10T23:30:00\n"
        "UTC,2023-04-01,2023-04-11,2023-04-10T22:00:00Z\n",
        encoding="utf-8",
    )
    report = check_paths(handbook(), [export], mapping=load_mapping(mapping))
    assert [(f.record, f.rule) for f in report.findings] == [("EVE", "MMD007")]
    assert "advised_at (2023-04-10T22:00:00+00:00) is 30 minutes after starts_at" in (
        report.findings[0].message
    )
    # and the servicenow page says so
    page = generate_site(handbook()).page("checker/servicenow.md").markdown
    assert "and a date alone is the start of that day there (its midnight, or" in page


@pytest.mark.parametrize("date_format", ["ISO8601", "%Y-%m-%dT%H:%M:%S"])
def test_a_date_whose_midnight_is_skipped_or_repeated_is_its_first_instant(
    tmp_path: Path, date_format: str
) -> None:
    """Chile moves its clocks forward at midnight (2023-09-03 starts at 01:00) and Cuba
    back at 01:00 (2023-11-05 00:00 to 00:59 happen twice): a date alone in such a zone was
    an E003 'does not exist ... give it with its UTC offset', advice a date cannot follow
    (found by an independent tester). It is now the day's first instant; a time of day the
    clocks skip or repeat is still E003."""
    for zone, day, advised, first in (
        ("America/Santiago", "2023-09-03", "01:30:00", "04:00"),
        ("America/Havana", "2023-11-05", "01:30:00", "04:00"),
    ):
        mapping = tmp_path / "m.yaml"
        strftime = date_format != "ISO8601"  # then Start is read by a date format alone
        advised_spec = (
            f"{{column: Advised, date_format: '{date_format}'}}" if strftime else "Advised"
        )
        start_spec = "{column: Start, date_format: '%Y-%m-%d'}" if strftime else "Start"
        mapping.write_text(
            f"name: x\ntimezone: {zone}\nfields:\n  id: Ref\n  initiator: {{value: customer}}\n"
            "  sop_category: {value: policies}\n  support_request_at: Opened\n"
            f"  advised_at: {advised_spec}\n  starts_at: {start_spec}\n",
            encoding="utf-8",
        )
        export = tmp_path / "e.csv"
        export.write_text(
            f"Ref,Opened,Advised,Start\nD,2023-01-01,{day}T{advised},{day}\n"
            f"T,2023-01-01,{day}T00:30:00,2023-12-01\n",
            encoding="utf-8",
        )
        report = check_paths(handbook(), [export], mapping=load_mapping(mapping))
        got = {f.record: (f.rule, f.message) for f in report.findings}
        assert got["D"][0] == "MMD007", got
        assert f"after starts_at ({day}T{first}:00+00:00)" in got["D"][1]
        assert got["T"][0] == "E003"  # a time of day in the gap or the repeat says so


def test_a_bad_date_format_or_key_is_one_line_each_with_its_place(tmp_path: Path) -> None:
    """A strftime directive pandas does not know gave a traceback and exit 1; a misspelt
    key of a field was worded by the validation library, without its line."""
    path = tmp_path / "m.yaml"
    path.write_text(
        'name: x\ndate_format: "%Q"\nfields:\n  id: {column: a, datefmt: "%Y"}\n',
        encoding="utf-8",
    )
    result = cli("check", "--map", str(path), str(EXPORT))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"{path}:4:19: unknown key 'datefmt' (did you mean 'date_format'?)" in result.stderr
    assert f"{path}:2:14: invalid 'date_format': date_format '%Q'" in result.stderr
    path.write_text('name: x\ndate_format: "%Q"\nfields: {id: a}\n', encoding="utf-8")
    result = cli("check", "--map", str(path), str(EXPORT))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith(
        f"handbook check: error: the mapping is not valid: {path}:2:14: invalid 'date_format': "
        "date_format '%Q': 'Q' is a bad directive"
    ), result.stderr


def test_an_unknown_time_zone_or_missing_mapping_is_one_line_with_its_place(
    tmp_path: Path,
) -> None:
    """The zone's line was missing (checked after validation) and a missing file showed
    Python's ``[Errno 2]`` text."""
    path = tmp_path / "m.yaml"
    path.write_text("name: x\ntimezone: Europe/Berlinn\nfields: {id: a}\n", encoding="utf-8")
    result = cli("check", "--map", str(path), str(EXPORT))
    assert result.returncode == 2
    assert result.stderr == (
        f"handbook check: error: the mapping is not valid: {path}:2:11: invalid 'timezone': "
        "unknown time zone 'Europe/Berlinn' (use an IANA name)\n"
    )
    result = cli("check", "--map", str(tmp_path / "none.yaml"), str(EXPORT))
    assert result.returncode == 2 and "Errno" not in result.stderr
    assert "cannot read the mapping file" in result.stderr and "No such file" in result.stderr

"""ITSM exports as change managers write their mappings: the mistakes the published mapping
documentation lets a customer make, each reported where it is made, or forgiven where the
export itself is forgiven."""

from __future__ import annotations

from pathlib import Path

from handbook.checker.check import check_paths
from handbook.checker.mapping import load_mapping

from .checker_support import cli, handbook

EXPORT = (
    "Change ID,Subject,Requester,Planned Start Date\n"
    "CHN-41,Feature rollout,Meera Iyer,2023-06-12 09:00:00\n"
)


def test_a_column_name_with_spaces_around_it_is_the_header_cell(tmp_path: Path) -> None:
    """A column copied from the header with its trailing space ('Change ID ') read nothing:
    the header's cells are stripped, the mapping's names were not, so id was ignored (W002)
    and every record lacked it (E002 'id (column Change ID ) is missing')."""
    export = tmp_path / "changes.csv"
    export.write_text(EXPORT, encoding="utf-8")
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        'name: Freshservice\ndate_format: "%Y-%m-%d %H:%M:%S"\nfields:\n'
        '  id: "Change ID "\n  title: {column: " Subject"}\n'
        "  initiator: {value: customer}\n  starts_at: Planned Start Date\n",
        encoding="utf-8",
    )
    report = check_paths(handbook(), [export], mapping=load_mapping(mapping))
    assert [r.id for r in report.records] == ["CHN-41"]
    assert [(f.rule, f.field) for f in report.findings if f.field != "sop_category"] == []
    assert "column Change ID)" in str(load_mapping(mapping).labels())


def _run_mapping(tmp_path: Path, text: str) -> str:
    """The standard error of a run with the mapping ``text``, which must be a usage error
    (exit 2) without a traceback."""
    export = tmp_path / "changes.csv"
    export.write_text(EXPORT, encoding="utf-8")
    mapping = tmp_path / "m.yaml"
    mapping.write_text(text, encoding="utf-8")
    result = cli("check", "--map", str(mapping), str(export))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr.replace(str(mapping), "m.yaml")


def test_a_flag_mapped_to_yes_or_no_is_refused_where_it_is_written(tmp_path: Path) -> None:
    """``values: {Yes: yes, No: no}`` (YAML 1.1's booleans, which the loader keeps as text)
    made an E003 on every row saying to add 'Yes' to the mapping's values, where it was."""
    err = _run_mapping(
        tmp_path,
        "name: SDP\nfields:\n  id: Change ID\n  emergency:\n    column: Subject\n"
        "    values: {Yes: yes, No: false}\n    empty: no\n  starts_at: Planned Start Date\n",
    )
    assert "m.yaml:6:14: emergency: values maps 'Yes' to 'yes', which is not true or false" in err
    assert "(write Yes: true or Yes: false)" in err
    assert "m.yaml:7:5: emergency: empty is 'no', which is not true or false" in err
    assert "'No'" not in err


def test_an_unknown_record_field_is_named_at_its_line_with_the_field_meant(
    tmp_path: Path,
) -> None:
    """A misspelt field ('start_at') was reported at the first field's line, with every
    field listed and none suggested."""
    err = _run_mapping(
        tmp_path,
        "name: SN\nfields:\n  id: Change ID\n  start_at: Planned Start Date\n"
        "  notified: Notified\n  ticket: Subject\n",
    )
    assert "m.yaml:4:3: unknown record field 'start_at' (did you mean 'starts_at'?)" in err
    assert "m.yaml:5:3: unknown record field 'notified' (did you mean 'notified_at'?)" in err
    assert "m.yaml:6:3: unknown record field 'ticket' (fields are: id, title," in err


def test_a_date_format_without_directives_is_refused(tmp_path: Path) -> None:
    """A date format in another notation ('DD/MMM/YY h:mm A', as Jira and Moment.js write
    it) compiled, matched no time and made every time of the export an E003."""
    err = _run_mapping(
        tmp_path,
        'name: JSM\ndate_format: "DD/MMM/YY h:mm A"\nfields:\n  id: Change ID\n'
        "  starts_at: {column: Planned Start Date, date_format: YYYY-MM-DD}\n",
    )
    assert "m.yaml:2:14: invalid 'date_format': date_format 'DD/MMM/YY h:mm A' has no" in err
    assert "m.yaml:5:56: invalid 'date_format': date_format 'YYYY-MM-DD' has no" in err
    assert "such as '%d/%m/%Y %H:%M'" in err


def test_a_value_mapped_to_a_list_says_what_a_value_can_be(tmp_path: Path) -> None:
    """``values: {Emergency: [true]}`` said "invalid 'str': Input should be a valid string"."""
    err = _run_mapping(
        tmp_path,
        "name: SN\nfields:\n  id: Change ID\n  emergency:\n    column: Subject\n"
        "    values:\n      Emergency: [true]\n  starts_at: Planned Start Date\n",
    )
    assert err == (
        "handbook check: error: the mapping is not valid: m.yaml:7:7: emergency: values maps "
        "'Emergency' to a list; map each export value to one value (text, a number, true "
        "or false)\n"
    )


def test_a_time_beyond_the_range_quotes_the_export(tmp_path: Path) -> None:
    """An export's 'never' (Dec 31, 9999) was quoted as the UTC text the mapping made of it
    ('9999-12-31T22:59:00Z'), which the export does not hold."""
    export = tmp_path / "changes.csv"
    export.write_text(
        "Change ID,Category,Requester,Created,Scheduled Start,Cert Expiry\n"
        '1204,Certificates,Lena Vogel,"Apr 2, 2024 10:00 AM","Apr 15, 2024 06:00 PM",'
        '"Dec 31, 9999 11:59 PM"\n',
        encoding="utf-8",
    )
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        'name: SDP\ndate_format: "%b %d, %Y %I:%M %p"\ntimezone: Europe/Berlin\nfields:\n'
        "  id: Change ID\n  initiator: {value: customer}\n  sop_category: Category\n"
        "  support_request_at: Created\n  starts_at: Scheduled Start\n"
        "  certificate_expires_at: Cert Expiry\n",
        encoding="utf-8",
    )
    report = check_paths(handbook(), [export], mapping=load_mapping(mapping))
    found = [f for f in report.findings if f.rule == "E003"]
    assert [(f.field, f.line) for f in found] == [("certificate_expires_at", 2)]
    assert found[0].message.startswith(
        "certificate_expires_at (column Cert Expiry) 'Dec 31, 9999 11:59 PM' is outside the "
        "times the checker reads (1677-09-22 to 2262-04-10 UTC"
    ), found[0].message


def test_a_mapping_that_reads_no_column_is_refused(tmp_path: Path) -> None:
    """``fields: {}`` (or constants only) was an E001 on the export ending "expected columns
    such as: " and nothing after it."""
    err = _run_mapping(tmp_path, "name: SN\nfields: {}\n")
    assert err == (
        "handbook check: error: the mapping is not valid: m.yaml:2:9: the mapping reads no "
        "column of the export; give each field its column (id: number, starts_at: "
        "start_date)\n"
    )
    err = _run_mapping(tmp_path, "name: SN\nfields:\n  id: {value: CHG1}\n")
    assert "m.yaml:3:3: the mapping reads no column of the export" in err


def test_an_export_given_as_the_mapping_says_the_order(tmp_path: Path) -> None:
    """``--map export.csv`` (the export where the mapping goes) said "not valid YAML:
    expected '<document start>', but found ','"."""
    export = tmp_path / "changes.csv"
    export.write_text(EXPORT, encoding="utf-8")
    result = cli("check", "--map", str(export), str(export))
    assert result.returncode == 2, result.stderr
    assert result.stderr == (
        f"handbook check: error: {export}: --map takes the mapping file (YAML) and this is a "
        f"CSV file; give the export after the mapping: handbook check --map MAPPING.yaml "
        f"{export.name}\n"
    )

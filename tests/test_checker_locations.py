"""Exact locations: the line and column of the offending field in YAML and CSV files."""

from __future__ import annotations

from pathlib import Path

from handbook.checker.check import check_paths
from handbook.checker.codes import FIELD_SPECS
from handbook.checker.findings import Finding
from handbook.checker.records import FIELDS

from .checker_support import check_text, cli, handbook, read_frame


def where(findings: list[Finding]) -> list[tuple[str | None, str, int | None, int | None]]:
    return [(f.record, f.rule, f.line, f.column) for f in findings]


def test_yaml_block_style_with_comments() -> None:
    text = """\
# a comment before the records
records:
  - id: A            # the first record
    initiator: microsoft
    change_type: functionality
    requires_admin_action: true
    # notified four days ahead
    notified_at: 2023-03-02T09:00:00Z
    channels:
      - message-center
      - pigeon
    starts_at: 2023-03-06T09:00:00Z
"""
    report = check_text_in(text)
    assert where(report.findings) == [
        ("A", "MMD001", 8, 18),  # the value node of notified_at
        ("A", "MMD003", 11, 9),  # the offending list item
    ]
    assert {f.field for f in report.findings} == {"notified_at", "channels"}
    assert all(f.record_line == 3 for f in report.findings)


def test_yaml_flow_style() -> None:
    text = (
        "- {id: A, initiator: customer, sop_category: policies, starts_at: 2023-01-05,\n"
        "   support_request_at: 2023-01-06, advised_at: 2023-01-02}\n"
    )
    report = check_text_in(text)
    assert where(report.findings) == [
        ("A", "MMD006", 2, 24),
        ("A", "MMD007", 2, 24),
    ]


def test_missing_field_points_at_the_record() -> None:
    report = check_text_in(
        "\n\n  - id: A\n    initiator: microsoft\n    change_type: functionality\n"
    )
    assert where(report.findings) == [("A", "E002", 3, 5)]
    assert report.findings[0].field == "starts_at"


def test_multi_document_yaml() -> None:
    text = """\
- id: A
  initiator: microsoft
  change_type: functionality
  starts_at: 2023-01-01
---
records:
  - id: B
    initiator: microsoft
    change_type: nonsense
    starts_at: 2023-01-01
---
- id: A
  initiator: vendor
  starts_at: 2023-01-01
"""
    report = check_text_in(text)
    assert where(report.findings) == [
        ("B", "E004", 9, 18),
        ("A", "E005", 12, 7),
        ("A", "E003", 13, 14),
    ]


def test_csv_quoted_newlines_columns_and_lines(tmp_path: Path) -> None:
    text = (
        "id,title,initiator,change_type,starts_at\n"
        'A,"a title\nover two lines, with a comma",microsoft,functionality,2023-01-01T10:00\n'
        "\n"
        'B,"say ""hi""",microsoft,nonsense,2023-01-01\n'
    )
    report = check_text(tmp_path, text, "r.csv")
    assert where(report.findings) == [
        ("A", "E003", 3, 55),  # the cell after the quoted one, on its physical line
        ("B", "E004", 5, 26),
    ]
    assert [r.line for r in report.records] == [2, 5]


def test_csv_crlf_and_byte_order_mark(tmp_path: Path) -> None:
    text = (
        "\ufeffid,initiator,change_type,starts_at\r\n"
        "A,microsoft,functionality,2023-01-01\r\n"
        "B,microsoft,functionality,2023-01-01T10:00\r\n"
        "\r\n"
        "C,vendor,functionality,2023-01-01\r\n"
    )
    report = check_text(tmp_path, text, "r.csv")
    assert where(report.findings) == [("B", "E003", 3, 27), ("C", "E003", 5, 3)]
    quoted = text.replace("A,microsoft", '"A",microsoft')
    careful = check_text(tmp_path, quoted, "q.csv")
    assert where(careful.findings) == where(report.findings)


def test_csv_fast_and_careful_columns_agree_on_unicode(tmp_path: Path) -> None:
    text = "id,title,initiator,starts_at\nA,café ☕,microsoft,2023-01-01T10:00\n"
    fast = check_text(tmp_path, text, "a.csv")
    careful = check_text(tmp_path, text.replace("café ☕", '"café ☕"'), "b.csv")
    # no change_type column: the record's line, no column; columns count characters
    assert where(fast.findings) == [("A", "E002", 2, None), ("A", "E003", 2, 20)]
    assert [f.column for f in careful.findings] == [None, 22]  # the quotes count


def test_csv_padded_values_are_stripped(tmp_path: Path) -> None:
    text = "id, initiator ,change_type,starts_at\nA , microsoft ,functionality, 2023-01-01 \n"
    assert check_text(tmp_path, text, "r.csv").findings == []


def test_record_start_lines_stay_record_starts(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text("- id: A\n  initiator: microsoft\n- id: B\n", encoding="utf-8")
    frame, _ = read_frame([path])
    assert frame["_line"].tolist() == [1, 3]
    report = check_paths(handbook(), [path])
    assert [(r.id, r.line) for r in report.records] == [("A", 1), ("B", 3)]


def test_field_specs_are_the_record_format() -> None:
    names = [s.name for s in FIELD_SPECS]
    assert names[: len(FIELDS)] == list(FIELDS)
    assert names[-1] == "waivers"
    required = {s.name for s in FIELD_SPECS if s.required == "always"}
    assert required == {"id", "initiator", "starts_at"}
    assert all(s.type and s.description for s in FIELD_SPECS)


_COUNTER = [0]


def check_text_in(text: str, suffix: str = ".yaml"):  # type: ignore[no-untyped-def]
    """Check ``text`` written to a fresh temporary file."""
    import tempfile

    _COUNTER[0] += 1
    folder = Path(tempfile.mkdtemp(prefix="loc"))
    path = folder / f"records{_COUNTER[0]}{suffix}"
    path.write_text(text, encoding="utf-8")
    return check_paths(handbook(), [path])


def test_an_empty_list_item_is_found_on_its_own_line_at_any_chunk_size(tmp_path: Path) -> None:
    """An empty item (``-``) had no position: it took the previous record's line, or none
    when it came first or with ``--chunk-size 1``."""
    path = tmp_path / "records.yaml"
    record = "- id: {}\n  initiator: microsoft\n  change_type: functionality\n"
    path.write_text("-\n" + record.format("A") + "-\n" + record.format("B"), encoding="utf-8")
    for size in (None, 1):
        report = check_paths(handbook(), [path], chunk_size=size)
        e001 = [(f.line, f.message) for f in report.findings if f.rule == "E001"]
        assert [line for line, _ in e001] == [1, 5], size
        assert all(message.endswith("found an empty item") for _, message in e001)


def test_a_csv_row_that_stops_the_reading_gives_the_same_report_at_any_chunk_size(
    tmp_path: Path,
) -> None:
    """A byte that is not UTF-8 or a NUL byte in the third row: the rows before it were
    checked with ``--chunk-size 1`` and not when the file was one chunk (the default of
    100,000 rows, or 0), so what a file reported hung on its length. The rows before the
    bad one are now checked at any chunk size, and those after it at none."""
    head = b"id,title,initiator,change_type,starts_at\n"
    for bad, said in ((b"Caf\xe9", "not UTF-8 text (byte 0xe9"), (b"a\x00b", "NUL byte")):
        path = tmp_path / "records.csv"
        path.write_bytes(
            head
            + b"R1,ok,microsoft,bogus1,2023-01-01\n"
            + b'R2,"two\nlines",microsoft,functionality,2023-01-01\n'
            + b"R3,"
            + bad
            + b",microsoft,bogus3,2023-01-01\n"
            + b"R4,ok,microsoft,bogus4,2023-01-01\n"
        )
        for size in (None, 1, 2, 3):
            report = check_paths(handbook(), [path], chunk_size=size)
            got = [(f.record, f.rule, f.line) for f in report.findings]
            assert got == [("R1", "E004", 2), (None, "E001", 5)], (said, size)
            assert said in report.findings[1].message
            # the bad byte's column (after "R3,Caf" or "R3,a"): it had none
            assert report.findings[1].column == (7 if b"\xe9" in bad else 5), (said, size)
            assert [r.id for r in report.records] == ["R1", "R2"], (said, size)


def test_a_csv_stops_at_its_first_unreadable_row_at_any_chunk_size(tmp_path: Path) -> None:
    """Broken quoting in the second row and a NUL byte in the third: read row by row the
    reading stops at the quoting; the file in one chunk also reported the NUL byte."""
    path = tmp_path / "records.csv"
    path.write_bytes(
        b"id,title,initiator,change_type,starts_at\n"
        b"R1,ok,microsoft,bogus1,2023-01-01\n"
        b'R2,"x" ,microsoft,functionality,2023-01-01\n'
        b"R3,a\x00b,microsoft,bogus3,2023-01-01\n"
    )
    for size in (None, 1, 2):
        report = check_paths(handbook(), [path], chunk_size=size)
        got = [(f.record, f.rule, f.line) for f in report.findings]
        assert got == [("R1", "E004", 2), (None, "E001", 3)], size
        assert report.findings[1].message.startswith("not valid CSV: "), size


def test_a_value_reached_through_an_alias_is_placed_at_the_alias(tmp_path: Path) -> None:
    """A record written as an alias (``- *base``), an id given by an alias (``id: *x``)
    and fields merged in (``<<: *base``) were placed where their anchor defined them: both
    duplicates of CHG-1 were reported at CHG-1's own id (2:7), the merged record's MMD001
    inside the record it merged from (found by an independent tester). Each is now placed
    at its alias, inside the record it is about, whatever the YAML reader."""
    text = """\
- &base
  id: &x CHG-1
  initiator: microsoft
  change_type: functionality
  requires_admin_action: true
  notified_at: 2023-03-01T09:00:00Z
  channels: [email]
  starts_at: 2023-03-06T09:00:00Z
- *base
- id: *x
  initiator: microsoft
  change_type: functionality
  starts_at: 2023-03-06T09:00:00Z
- <<: *base
  id: CHG-2
  starts_at: 2023-03-05T09:00:00Z
"""
    found = where(check_text(tmp_path, text).findings)
    assert found == [
        ("CHG-1", "E005", 9, 3),
        ("CHG-1", "E005", 10, 7),
        ("CHG-2", "MMD001", 14, 7),
    ]
    cli_text = (tmp_path / "records.yaml").read_text(encoding="utf-8")
    assert cli_text == text
    result = cli("check", "--format", "github", str(tmp_path / "records.yaml"))
    lines = [line.split("::")[1] for line in result.stdout.splitlines()]
    assert [line.split(",")[1:3] for line in lines] == [
        ["line=9", "col=3"],
        ["line=10", "col=7"],
        ["line=14", "col=7"],
    ]

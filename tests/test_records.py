"""Reading change records: YAML/JSON/CSV shapes, types, lines, CSV fast and careful paths."""

from __future__ import annotations

from pathlib import Path

from .checker_support import check_paths, check_text, codes, handbook, read_frame


def test_yaml_list_and_records_mapping(tmp_path: Path) -> None:
    a = tmp_path / "a.yaml"
    a.write_text(
        "- {id: A, initiator: customer}\n- id: B\n  initiator: microsoft\n", encoding="utf-8"
    )
    b = tmp_path / "b.json"
    b.write_text(
        '{"records": [{"id": "C", "emergency": true, "channels": ["email", "cve"]}]}',
        encoding="utf-8",
    )
    frame, issues = read_frame([a, b])
    assert frame["id"].tolist() == ["A", "B", "C"]
    assert frame["_line"].tolist() == [1, 2, 1]
    assert frame["emergency"].tolist()[2] == "true"
    assert frame["channels"].tolist()[2] == "email;cve"
    assert issues == []


def test_wrong_types_are_e003(tmp_path: Path) -> None:
    text = """\
- id: A
  initiator: [microsoft]
  change_type: functionality
  starts_at: 2023-01-01
- id: B
  initiator: microsoft
  change_type: functionality
  requires_admin_action: {yes: no}
  starts_at: 2023-01-01
"""
    assert codes(check_text(tmp_path, text)) == {"A": ["E003"], "B": ["E003"]}


def test_a_list_field_written_as_a_mapping_says_mapping(tmp_path: Path) -> None:
    """A list field given a mapping was told it was "a mapping containing lists or
    mappings"; a list holding a mapping is "a list containing lists or mappings"."""
    text = """\
- {id: A, initiator: microsoft, change_type: functionality, channels: {a: email},
   notified_at: 2023-01-01, starts_at: 2023-01-02}
- {id: B, initiator: microsoft, change_type: functionality, channels: [email, {a: b}],
   notified_at: 2023-01-01, starts_at: 2023-01-02}
"""
    a, b = check_text(tmp_path, text).findings
    assert (a.record, a.rule, a.message) == (
        "A",
        "E003",
        "channels must be a list of ids, not a mapping",
    )
    assert (b.record, b.rule) == ("B", "E003")
    assert b.message == "channels must be a list of ids, not a list containing lists or mappings"


def test_a_value_tagged_bool_that_is_not_true_or_false_is_e003(tmp_path: Path) -> None:
    """``!!bool yes`` was read as false, so the rule the flag turns on (MMD001 here) was
    silently off; it is a value the record format does not read, as plain ``yes`` is."""
    record = (
        "- {{id: {}, initiator: microsoft, change_type: functionality,"
        " requires_admin_action: {}, starts_at: 2023-01-10}}\n"
    )
    text = "".join(
        record.format(i, v) for i, v in (("A", "!!bool yes"), ("B", "!!bool TRUE"), ("C", "yes"))
    )
    report = check_text(tmp_path, text)
    assert codes(report) == {"A": ["E003"], "B": ["MMD001"], "C": ["E003"]}
    assert report.findings[0].message == "requires_admin_action is 'yes'; write true or false"


def test_not_a_list_is_e001(tmp_path: Path) -> None:
    report = check_text(tmp_path, "id: A\ninitiator: microsoft\n")
    assert [(f.rule, f.record) for f in report.findings] == [("E001", None)]


def test_unknown_fields_ignored_and_booleans_case_insensitive(tmp_path: Path) -> None:
    text = """\
- id: A
  initiator: microsoft
  change_type: functionality
  requires_admin_action: "False"
  colour: blue
  starts_at: 2023-01-01
"""
    assert check_text(tmp_path, text).findings == []


def test_csv_fast_and_careful_paths_agree(tmp_path: Path) -> None:
    rows = "".join(
        f"R{i},microsoft,functionality,{'true' if i % 2 else 'false'},2023-03-01,email,"
        f"2023-03-0{3 + i % 5}\n"
        for i in range(20)
    )
    header = "id,initiator,change_type,requires_admin_action,notified_at,channels,starts_at\n"
    fast = check_text(tmp_path, header + rows, "fast.csv")
    quoted = header + rows.replace("R0,", '"R0",', 1)
    careful = check_text(tmp_path, quoted, "careful.csv")
    assert codes(fast) == codes(careful)
    assert [f.line for f in fast.findings] == [f.line for f in careful.findings]
    assert len(fast.records) == 20


def test_csv_short_row_and_crlf(tmp_path: Path) -> None:
    text = (
        "id,initiator,change_type,starts_at\r\nA,microsoft,functionality,2023-01-01\r\n"
        "B,microsoft\r\nC,microsoft,functionality,2023-01-01T00:00\r\n"
    )
    report = check_text(tmp_path, text, "r.csv")
    assert [(f.rule, f.record, f.line) for f in report.findings] == [
        ("E001", "B", 3),  # the short row names its record: its id cell is there
        ("E003", "C", 4),
    ]
    assert len(report.records) == 3


def test_csv_empty_cell_is_absent(tmp_path: Path) -> None:
    text = "id,initiator,change_type,starts_at\nA,microsoft,,2023-01-01\n"
    assert codes(check_text(tmp_path, text, "r.csv")) == {"A": ["E002"]}


def test_the_ascii_strip_removes_what_utf8_trim_whitespace_removes() -> None:
    """`csvrows.clean_cells` strips ASCII chunks with ``utf8_trim`` on `_ASCII_SPACE` (faster): for
    each of the 128 ASCII characters it must give what ``utf8_trim_whitespace`` gives."""
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.compute as pc  # type: ignore[import-untyped]

    from handbook.checker.csvrows import _ASCII_SPACE

    cells = pa.array([f"{chr(c)}x{chr(c)}" for c in range(128)])
    assert pc.utf8_trim(cells, _ASCII_SPACE).equals(pc.utf8_trim_whitespace(cells))


def test_the_csv_reader_is_given_memory_arrow_owns() -> None:
    # Python bytes handed to pyarrow.csv.read_csv (io.BytesIO, or pa.py_buffer) were
    # released later by one of Arrow's threads, which takes the GIL: at interpreter exit
    # that aborted `handbook check` ("terminate called without an active exception",
    # exit 134) in about 1 run in 40 on a loaded machine
    import numpy as np

    from handbook.checker.csvfile import _arrow_copy

    text = bytearray(b"id,starts_at\nA,2023-01-01\n")
    buf = _arrow_copy(np.frombuffer(text, dtype=np.uint8))
    assert buf.to_pybytes() == bytes(text) and buf.parent is None
    text[0] = ord("X")  # the Python bytes change; Arrow's copy does not
    assert buf.to_pybytes().startswith(b"id,")


def test_a_twice_defined_anchor_is_told_in_order(tmp_path: Path) -> None:
    """A YAML anchor defined twice is E001 (PyYAML refuses it). The message read
    "second occurrence (in the found duplicate anchor 'a'; first occurrence that starts at
    line 1, column 3)", PyYAML's two halves glued as if the first were a "while parsing"
    context (found by an independent tester); it now says what was found, where first,
    and that the second is here."""
    text = (
        "- &a {id: A, initiator: microsoft, change_type: functionality, starts_at: 2023-01-01}\n"
        "- &a {id: B, initiator: microsoft, change_type: functionality, starts_at: 2023-01-01}\n"
    )
    [finding] = check_text(tmp_path, text).findings
    assert (finding.rule, finding.line, finding.column) == ("E001", 2, 3)
    assert finding.message.startswith(
        "not valid YAML: found duplicate anchor 'a'; first occurrence at line 1, column 3, "
        "second occurrence here; define each anchor (&name) once, before every alias "
        "(*name) of it"
    )


def test_a_long_csv_cell_is_read(tmp_path: Path) -> None:
    """A cell over 128 KiB (a pasted implementation plan) stopped the reading with "not
    valid CSV: field larger than field limit (131072); check the quotes of this row" when
    the row went to the standard library's reader: a row longer than Arrow's block, or any
    row in a chunk holding a row of the wrong width (found by an independent tester). A
    record file's CSV has no such limit, as YAML has none: the cell is read."""
    header = "id,title,initiator,change_type,starts_at\n"
    long_row = "L-1,{},microsoft,functionality,2023-01-01\n"
    after = "L-2,short,microsoft,bogus,2023-01-01\n"
    for before, size in (("", 3_000_000), ("L-0,a,b\n", 200_000)):
        text = header + before + long_row.format("x" * size) + after
        report = check_text(tmp_path, text, name="long.csv")
        assert codes(report) == ({"L-0": ["E001"]} if before else {}) | {"L-2": ["E004"]}
        assert len(report.records) == (3 if before else 2)


def test_a_key_like_records_beside_records_is_e001(tmp_path: Path) -> None:
    """``record:`` (or ``Records:``) written beside ``records:`` was ignored without a
    word, so none of its records was checked. It is an E001 at that key; the records under
    ``records:`` are checked; another key (``recorded_by``) is no finding."""
    text = (
        "records:\n  - {id: A, initiator: microsoft, change_type: functionality,"
        " starts_at: 2023-01-10}\nrecorded_by: me\nrecord:\n  - id: B\n"
    )
    report = check_text(tmp_path, text)
    assert [(f.rule, f.line, f.column) for f in report.findings] == [("E001", 4, 1)]
    assert report.findings[0].message.startswith("'record' beside 'records' is not read")
    assert len(report.records) == 1


def test_a_mapping_without_records_says_what_it_found(tmp_path: Path) -> None:
    """A document that is a mapping without ``records:`` was told only "expected a list of
    change records or a mapping with 'records:'", on its first line: ``Records:`` (a
    capital) and an API's ``{"data": [...]}`` alike (found by an independent tester). The
    E001 now names the keys found, at the first of them, and the key meant when one is
    close to ``records``, or that a record stands alone outside a list."""
    text = "# export\nRecords:\n  - id: A\n    initiator: microsoft\n"
    [finding] = check_text(tmp_path, text).findings
    assert (finding.rule, finding.line, finding.column) == ("E001", 2, 1)
    assert finding.message == (
        "expected a list of change records or a mapping with 'records:', found a mapping "
        "of 'Records'; did you mean 'records'?"
    )
    [finding] = check_text(tmp_path, '{"count": 1, "data": [{"id": "A"}]}', "x.json").findings
    assert (finding.line, finding.column) == (1, 2)
    assert finding.message == (
        "expected a list of change records or a mapping with 'records:', found a mapping "
        "of 'count', 'data'"
    )
    [finding] = check_text(tmp_path, "id: A\ninitiator: microsoft\n").findings
    assert finding.message.endswith(
        "found a mapping of 'id', 'initiator'; a record is an item of a list, even alone: "
        "'- id: ...' ([{...}] in JSON)"
    )


def test_utf16_files_are_named_as_such(tmp_path: Path) -> None:
    """A UTF-16 file (Excel's "Unicode Text", PowerShell 5's '>') was "not UTF-8 text (byte
    0xff at offset 0)" with a BOM, and a JSON file without one "the character U+0000 is not
    allowed in YAML": each is now an E001 that names UTF-16 and how to save it as UTF-8."""
    text = "id,initiator,change_type,starts_at\r\nU-1,microsoft,functionality,2023-01-01\r\n"
    files = {
        "unicode.csv": b"\xff\xfe" + text.replace(",", "\t").encode("utf-16-le"),
        "be.yaml": "\ufeff- id: A\n".encode("utf-16-be"),
        "nobom.json": '[{"id": "A"}]'.encode("utf-16-le"),
    }
    for name, raw in files.items():
        (tmp_path / name).write_bytes(raw)
    report = check_paths(handbook(), [tmp_path / n for n in files])
    assert [(f.file, f.rule, f.line) for f in report.findings] == [
        (str(tmp_path / n), "E001", 1) for n in files
    ]
    for f in report.findings:
        assert f.message.startswith("not UTF-8 text: the file is UTF-16"), f.message
        assert "save it as UTF-8" in f.message


def test_a_file_of_null_is_not_called_empty(tmp_path: Path) -> None:
    """A file holding only ``null`` (an API's answer of nothing) or ``~`` was "the file is
    empty"; it now says what it holds, on its line. A file of comments is still empty."""
    [finding] = check_text(tmp_path, "# export\n--- null\n").findings
    assert (finding.rule, finding.line) == ("E001", 2)
    assert finding.message.startswith("the file holds only null (no value), not change records")
    [finding] = check_text(tmp_path, "null", name="api.json").findings
    assert finding.message.startswith("the file holds only null")
    [finding] = check_text(tmp_path, "# nothing today\n---\n").findings
    assert finding.message.startswith("the file is empty")


def test_a_time_one_step_from_the_form_says_which_part(tmp_path: Path) -> None:
    """A time one step from the form read (a space before the offset, a comma decimal,
    ten digits of fraction, an offset of hours alone, the basic form, 'UTC' as a word) got
    the general E003 that names no part; it now says which part and the time to write.
    Other unread times keep the general message."""
    written = {
        "2023-06-10 09:00:00 +02:00": "a space before the offset; write 2023-06-10 09:00:00+02:00",
        "2023-06-10T09:00:00,5Z": (
            "a comma before the fraction of a second; write 2023-06-10T09:00:00.5Z"
        ),
        "2023-06-10T09:00:00.1234567890Z": (
            "more than 9 digits of fraction (nanoseconds); write 2023-06-10T09:00:00.123456789Z"
        ),
        "2023-06-10T09:00:00+01": "an offset without its minutes; write 2023-06-10T09:00:00+01:00",
        "20230610T090000Z": "the ISO 8601 basic form; write 2023-06-10T09:00:00Z",
        "2023-06-10 09:00 UTC": "UTC written as a word; write 2023-06-10 09:00Z",
        "06/10/2023": "write an ISO 8601 date in the extended form (YYYY-MM-DD, 00:00 UTC)",
    }
    lines = ["id,initiator,change_type,starts_at"]
    lines += [f'T{i},microsoft,functionality,"{t}"' for i, t in enumerate(written)]
    report = check_text(tmp_path, "\n".join(lines) + "\n", name="times.csv")
    assert [f.rule for f in report.findings] == ["E003"] * len(written)
    for finding, (text, end) in zip(report.findings, written.items(), strict=True):
        assert finding.message.startswith(f"starts_at '{text}' is not a time the checker reads")
        assert end in finding.message, finding.message


def test_a_waivers_file_given_as_records_says_so(tmp_path: Path) -> None:
    """A waivers file among the record files (``changes/*.yaml`` matches it) was read as
    records: three E002 per waiver and a W002 'did you mean approved_at' for approved_by.
    It is one E001 that says to give it with --waivers; a list with one record is still
    read as records."""
    waivers = (
        "- {record: A, rule: MMD001, reason: r, approved_by: b, expires_on: 2099-12-31}\n"
        "- {record: B, rule: MMD004, reason: r, approved_by: b, expires_on: 2099-12-31}\n"
    )
    [finding] = check_text(tmp_path, waivers).findings
    assert (finding.rule, finding.line, finding.column) == ("E001", 1, 3)
    assert finding.message.endswith("not change records; give it with --waivers FILE")
    [finding] = check_text(tmp_path, "waivers:\n  - {record: A, rule: MMD001}\n").findings
    assert finding.message.endswith("give it with --waivers FILE")
    mixed = waivers + "- {id: C, initiator: microsoft, starts_at: 2023-01-01}\n"
    assert "E002" in codes(check_text(tmp_path, mixed))[None]


def test_a_windows_1252_byte_is_named(tmp_path: Path) -> None:
    """A CSV saved by Excel as plain "CSV (Comma delimited)" is Windows-1252: its 'é' was
    "not UTF-8 text (byte 0xe9 on this line); save the file as UTF-8". The message now
    names the character the byte is in Windows-1252 and, for a CSV, Excel's UTF-8 format."""
    path = tmp_path / "excel.csv"
    path.write_bytes("id,title,initiator\r\nA,Café,customer\r\n".encode("cp1252"))
    [finding] = check_paths(handbook(), [path]).findings
    assert (finding.rule, finding.line) == ("E001", 2)
    assert finding.message == (
        "not UTF-8 text (byte 0xe9 on this line, 'é' in Windows-1252); save the file as UTF-8"
        " (in Excel: CSV UTF-8 (Comma delimited))"
    )

"""Loading data/: the real data is valid; broken files give file, line and a hint."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from handbook.model.loader import load_handbook
from handbook.model.problems import Problem

from .conftest import BIN, DATA, ROOT, copy_project, edit, mkdocs_build, run


def _load(data: Path) -> list[Problem]:
    handbook, problems = load_handbook(data)
    assert handbook is None
    return problems


def test_real_data_is_valid() -> None:
    handbook, problems = load_handbook(DATA)
    assert problems == []
    assert handbook is not None
    assert {e.id for e in handbook.editions} == {"2018", "2022"}
    assert len(handbook.matrix) == 7
    assert len(handbook.roles_of("microsoft")) == 8
    # the seed's customer table has 11 rows (the issue counted 10); none is dropped
    assert len(handbook.roles_of("customer")) == 11
    assert [c.id for c in handbook.sop_categories_of("2022")] == [
        "network",
        "service-accounts",
        "device-groups",
        "policies",
        "defender-for-endpoint",
        "store-for-business",
        "certificates",
    ]
    assert "network" not in {c.id for c in handbook.sop_categories_of("2018")}
    assert handbook.sop_category("2018", "defender-for-endpoint").name == (
        "Windows Defender Advanced Threat Protection"
    )
    assert [t.id for t in handbook.change_types_of("2022")] == [
        "functionality",
        "non-security-update",
        "security-update",
    ]
    assert [t.id for t in handbook.change_types_of("2018")] == [
        "feature-update",
        "security-update",
        "quality-update",
        "emergency-update",
    ]


def test_objects_know_their_file_and_line() -> None:
    handbook, _ = load_handbook(DATA)
    assert handbook is not None
    cat = handbook.sop_category("2022", "certificates")
    assert cat.at.file.endswith("sop-categories.yaml")
    lines = (DATA / "sop-categories.yaml").read_text(encoding="utf-8").splitlines()
    assert lines[cat.at.line - 1].strip() == "- id: certificates"
    row = handbook.matrix[0]
    assert row.at.file.endswith("responsibility-matrix.csv") and row.at.line == 2
    assert cat.customer[0].at.line == cat.at.line + 4


def test_yaml_syntax_error_names_line_and_column(data_copy: Path) -> None:
    edit(data_copy / "roles.yaml", "  name: Printing\n", "  name: [Printing\n")
    problems = _load(data_copy)
    [p] = [p for p in problems if p.code == "yaml-syntax"]
    assert p.file.endswith("roles.yaml") and p.line is not None and p.column is not None


def test_wrong_type_and_unknown_key(data_copy: Path) -> None:
    edit(data_copy / "change-types.yaml", "  channels: [email]\n", "  channels: {a: b}\n")
    edit(data_copy / "sop-categories.yaml", "  name: Policies\n", "  nmae: Policies\n")
    problems = _load(data_copy)
    text = "\n".join(map(str, problems))
    assert "change-types.yaml" in text and "channels" in text
    unknown = next(p for p in problems if p.code == "unknown-key")
    assert "nmae" in unknown.message and unknown.hint == "did you mean 'name'?"
    lines = (data_copy / "sop-categories.yaml").read_text().splitlines()
    assert unknown.line is not None and "nmae" in lines[unknown.line - 1]


def test_unknown_party_in_matrix_cell(data_copy: Path) -> None:
    edit(
        data_copy / "responsibility-matrix.csv",
        "Apply security updates,microsoft",
        "Apply security updates,microsfot",
    )
    problems = _load(data_copy)
    [p] = problems
    assert p.code == "unknown-party"
    assert p.file.endswith("responsibility-matrix.csv") and p.line == 6 and p.column == 3
    assert p.hint is not None and "did you mean 'microsoft'" in p.hint


def test_a_prose_section_no_page_shows_is_a_warning(data_copy: Path) -> None:
    """A misspelt prose id once dropped its paragraphs without a word."""
    edit(data_copy / "prose.yaml", "- id: change-types-2018", "- id: change-type-2018")
    handbook, [p] = load_handbook(data_copy)
    assert handbook is not None
    assert (p.code, p.severity, p.line, p.column) == ("unshown-prose", "warning", 16, 3)
    assert p.hint is not None and "did you mean 'change-types-2018'" in p.hint


def test_a_file_not_read_does_not_make_its_ids_unknown_elsewhere(data_copy: Path) -> None:
    """An unreadable channels.yaml gave 11 'channel ... does not exist (expected one of: )'
    errors in change-types.yaml before its own encoding error."""
    with (data_copy / "channels.yaml").open("ab") as f:
        f.write(b"\xff\n")
    [p] = _load(data_copy)
    assert (p.code, Path(p.file).name) == ("encoding", "channels.yaml")


def test_an_unread_change_types_file_makes_no_rule_reference_unknown(data_copy: Path) -> None:
    """Rules' change types, SOP categories, editions and initiator are judged as every
    other reference: an unreadable change-types.yaml gave each rule naming a change type
    an error whose hint listed the loader's internal marker, a NUL character included."""
    (data_copy / "change-types.yaml").write_text("not: [valid\n", encoding="utf-8")
    [p] = _load(data_copy)
    assert (p.code, Path(p.file).name) == ("yaml-syntax", "change-types.yaml")
    # a file read but with no valid entry: the references are unknown, and the hint says why
    (data_copy / "change-types.yaml").write_text("- id: x\n", encoding="utf-8")
    unknown = [p for p in _load(data_copy) if p.code == "unknown-reference"]
    assert unknown and all("\0" not in (p.hint or "") for p in unknown)
    assert unknown[0].hint == "none is defined yet: define it first"


def test_a_data_file_over_the_size_limit_is_refused(data_copy: Path) -> None:
    """A 50 MB glossary definition passed validate, then a build took 14 GB of memory."""
    from handbook.model.sources import MAX_DATA_BYTES

    glossary = data_copy / "glossary.yaml"
    glossary.write_text(
        glossary.read_text(encoding="utf-8") + "# " + "x" * MAX_DATA_BYTES + "\n",
        encoding="utf-8",
    )
    [p] = _load(data_copy)
    assert (p.code, Path(p.file).name) == ("too-large", "glossary.yaml")
    assert "a data file is at most 4 MiB" in p.message


def test_unknown_party_in_change_process(data_copy: Path) -> None:
    edit(data_copy / "change-process.csv", "2022,after,customer", "2022,after,custmer")
    problems = _load(data_copy)
    assert problems[0].code == "unknown-party" and problems[0].column == 4


def test_duplicate_id(data_copy: Path) -> None:
    edit(data_copy / "roles.yaml", "- id: printing\n", "- id: hardware\n")
    problems = _load(data_copy)
    [p] = problems
    assert p.code == "duplicate-id" and "hardware" in p.message
    assert p.hint is not None and "first defined at" in p.hint


def test_reference_to_missing_id(data_copy: Path) -> None:
    edit(
        data_copy / "sop-categories.yaml",
        "prohibits: [modify-group-membership]",
        "prohibits: [modify-group-membrship]",
    )
    edit(data_copy / "rules.yaml", 'editions: ["2018"]', 'editions: ["2019"]')
    problems = _load(data_copy)
    codes = sorted(p.code for p in problems)
    assert codes == ["unknown-reference", "unknown-reference"]
    action = next(p for p in problems if "action" in p.message)
    assert action.hint is not None and "modify-group-membership" in action.hint


def test_csv_row_with_wrong_number_of_cells(data_copy: Path) -> None:
    edit(
        data_copy / "responsibility-matrix.csv",
        "Package for deployment,microsoft,",
        "Package for deployment,microsoft,extra,",
    )
    problems = _load(data_copy)
    [p] = problems
    assert p.code == "csv-row-width" and p.line == 8
    assert "9 cell(s)" in p.message and p.hint is not None
    # the cell beyond the header, by number (the column of a CSV problem) and text
    assert (p.column, p.message.split(": ", 1)[1]) == (
        9,
        "cell 9 ('Balance of responsibility') has no column",
    )


def test_csv_row_short_of_cells_names_the_column_without_one(data_copy: Path) -> None:
    # it said the counts only, with no column: which cell is missing was left to count
    path = data_copy / "responsibility-matrix.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].rsplit(",", 1)[0] + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    [p] = _load(data_copy)
    assert (p.code, p.line, p.column) == ("csv-row-width", 3, 8)
    assert p.message == "row has 7 cell(s), the header has 8: no cell for section"


def test_all_problems_are_reported_together(data_copy: Path) -> None:
    edit(data_copy / "roles.yaml", "- id: printing\n", "- id: hardware\n")
    edit(
        data_copy / "responsibility-matrix.csv",
        ",microsoft,microsoft,both,customer,002",
        ",microsoft,microsoft,bot,customer,002",
    )
    problems = _load(data_copy)
    assert {p.code for p in problems} >= {"unknown-party"}
    assert len(problems) >= 2


def test_every_missing_key_of_an_entry_is_reported_in_one_run(data_copy: Path) -> None:
    # the missing keys all sit at the entry's position; one used to hide the others
    edit(data_copy / "overview.yaml", "\nfunctionalities:", "\nfunctionalitiez:")
    edit(data_copy / "overview.yaml", "\nkey_features:", "\nkey_featurez:")
    problems = _load(data_copy)
    missing = sorted(p.message for p in problems if p.code == "missing-key")
    assert missing == [
        "missing required key 'functionalities'",
        "missing required key 'key_features'",
    ]


def test_an_emptied_file_is_an_error_and_an_empty_list_is_not(data_copy: Path) -> None:
    # an emptied rules.yaml used to load as a handbook of no rules, and validate passed
    (data_copy / "rules.yaml").write_text("# no rules yet\n", encoding="utf-8")
    problems = _load(data_copy)
    assert [(p.code, p.file, p.line) for p in problems] == [
        ("empty-file", str(data_copy / "rules.yaml"), 1)
    ]
    assert problems[0].hint is not None and "[]" in problems[0].hint
    (data_copy / "rules.yaml").write_text("[]\n", encoding="utf-8")
    handbook, problems = load_handbook(data_copy)
    assert handbook is not None and handbook.rules == [] and problems == []


def test_references_are_checked_beside_another_file_s_errors(data_copy: Path) -> None:
    # a key error in one file used to hold back every reference problem of the others
    edit(data_copy / "roles.yaml", "- id: printing\n", "- id: printing\n  bogus: 1\n")
    edit(data_copy / "change-types.yaml", "[message-center, email]", "[message-centre, email]")
    codes = {p.code for p in _load(data_copy)}
    assert {"unknown-key", "unknown-reference"} <= codes


def test_references_to_an_entry_that_failed_are_not_reported(data_copy: Path) -> None:
    # the channel's own problem is reported; its uses in change-types.yaml are not
    edit(
        data_copy / "channels.yaml",
        "- id: message-center\n  name: Message Center\n",
        "- id: message-center\n  nmae: Message Center\n",
    )
    problems = _load(data_copy)
    assert [p.code for p in problems] == ["missing-key", "unknown-key"]


def test_validate_cli_reports_problems(data_copy: Path) -> None:
    edit(data_copy / "roles.yaml", "  party: customer\n", "  party: vendor\n")
    result = run([str(BIN / "handbook"), "validate", "--data", str(data_copy)])
    assert result.returncode == 1
    assert "roles.yaml:" in result.stderr and "unknown party 'vendor'" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    ok = run([str(BIN / "handbook"), "validate", "--data", str(DATA)])
    assert ok.returncode == 0, ok.stderr
    missing = run([str(BIN / "handbook"), "validate", "--data", str(data_copy / "nope")])
    assert missing.returncode == 2


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        ("roles.yaml", "  party: customer\n", "  party: vendor\n", "unknown party 'vendor'"),
        (
            "editions.yaml",
            "in_force_from: 2022-12-06",
            "in_force_from: 2022-13-06",
            "editions.yaml:",
        ),
    ],
)
def test_strict_build_fails_with_the_messages(
    tmp_path: Path, file: str, old: str, new: str, expected: str
) -> None:
    project = copy_project(tmp_path / "project")
    edit(project / "data" / file, old, new)
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "site").exists(), "a failed build must not leave a half-written site"


def test_root_is_repository() -> None:
    assert (ROOT / "mkdocs.yml").is_file()


@pytest.mark.parametrize(
    ("lookup", "args"),
    [
        ("document", ("999",)),
        ("edition", ("1999",)),
        ("party", ("vendor",)),
        ("channel", ("pager",)),
        ("action", ("reboot-the-world",)),
        ("rule", ("MMD999",)),
        ("prose_section", ("nope",)),
        ("sop_category", ("2022", "nope")),
        ("sop_category", ("1999", "network")),
    ],
)
def test_every_lookup_raises_key_error_for_an_unknown_id(
    lookup: str, args: tuple[str, ...]
) -> None:
    """`Handbook` documents `KeyError` for unknown ids; `document` raised StopIteration."""
    handbook, _ = load_handbook(DATA)
    assert handbook is not None
    with pytest.raises(KeyError) as caught:
        getattr(handbook, lookup)(*args)
    assert caught.value.args[0] == (args[0] if len(args) == 1 else args)


def test_a_provider_party_of_another_id_is_a_problem_not_a_traceback(data_copy: Path) -> None:
    """The model's parties have fixed ids; another id is named with the fix (it once
    passed validation and then crashed the build)."""
    edit(data_copy / "parties.yaml", "- id: microsoft\n", "- id: contoso\n")
    problems = _load(data_copy)
    codes = {p.code for p in problems if p.file.endswith("parties.yaml")}
    assert codes == {"unknown-party", "missing-party"}
    unknown = next(
        p for p in problems if p.code == "unknown-party" and p.file.endswith("parties.yaml")
    )
    assert unknown.line == 3 and unknown.hint is not None
    assert "id: microsoft, name: Contoso" in unknown.hint


def test_rule_ids_take_the_service_prefix_but_not_a_checker_code(data_copy: Path) -> None:
    rules = data_copy / "rules.yaml"
    edit(rules, "- id: MMD003\n", "- id: CMP003\n")
    edit(data_copy / "samples" / "samples.yaml", "MMD003", "CMP003")
    assert load_handbook(data_copy)[1] == []
    edit(rules, "- id: CMP003\n", "- id: E099\n")
    found = {p.message: p.hint for p in _load(data_copy) if p.file.endswith("rules.yaml")}
    assert found["rule id E099 has the form of the checker's own codes (E001, W001)"] == (
        "give the rule your service's prefix, e.g. MMD001"
    )
    edit(rules, "- id: MMD004\n", "- id: cmp-004\n")
    found = {p.message: p.hint for p in _load(data_copy) if p.file.endswith("rules.yaml")}
    assert found["'cmp-004' is not a valid value for 'id'"] == (
        "write the service's prefix in capitals and three digits, e.g. 'MMD001'"
    )


def test_an_unknown_time_field_is_reported_where_each_use_is(data_copy: Path) -> None:
    edit(data_copy / "rules.yaml", "  requires: [notified_at]\n", "  requires: [vendor_at]\n")
    edit(
        data_copy / "rules.yaml",
        "{earlier: notified_at, later: starts_at, at_least: P5D}",
        "{earlier: vendor_at, later: starts_at, at_least: P5D}",
    )
    problems = [p for p in _load(data_copy) if "vendor_at" in p.message]
    assert len(problems) == 2
    assert len({(p.line, p.column) for p in problems}) == 2  # once printed twice at one place


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        # pydantic alone read a number as a Unix time (0 gave 1970-01-01) ...
        ("editions.yaml", "ms_date: 2018-09-24", "ms_date: 0", "'0' is not a date written"),
        ("editions.yaml", "ms_date: 2018-09-24", "ms_date: 20180924", "is not a date written"),
        # ... and words as a duration
        ("rules.yaml", "at_most: PT48H", "at_most: 48 hours", "is not an ISO 8601 duration"),
        ("sop-categories.yaml", 'doc: "001"', 'doc: "01"', "'01' is not a valid value for 'doc'"),
    ],
)
def test_dates_durations_and_document_ids_are_read_as_written(
    data_copy: Path, file: str, old: str, new: str, expected: str
) -> None:
    edit(data_copy / file, old, new)
    problems = _load(data_copy)
    assert len(problems) == 1, problems
    assert expected in problems[0].message and problems[0].line is not None


def test_a_constraint_no_record_can_satisfy_is_reported_at_its_at_most(data_copy: Path) -> None:
    # at_least 5 days and at_most 1 day: every record broke MMD001, and validate said valid
    edit(data_copy / "rules.yaml", "at_least: P5D}", "at_least: P5D, at_most: P1D}")
    [p] = _load(data_copy)
    assert (p.code, p.line, p.column) == ("wrong-value", 17, 63)
    assert "at_most (1 day (24 hours)) is less than at_least (5 days (120 hours))" in p.message
    assert p.hint is not None and "at_most" in p.hint


def test_an_empty_list_item_is_reported_at_its_line(data_copy: Path) -> None:
    # a '-' left alone (an entry half deleted) was reported without a line
    edit(data_copy / "channels.yaml", "- id: security-bulletin", "-\n- id: security-bulletin")
    [p] = _load(data_copy)
    assert (p.code, p.line, p.column) == ("wrong-type", 10, 2)
    assert p.message == "an empty list item (a '-' with nothing after it)"
    # and in a nested list, where it said "'description' is not a mapping"
    edit(data_copy / "channels.yaml", "-\n- id: security-bulletin", "- id: security-bulletin")
    edit(data_copy / "roles.yaml", "  description:\n", "  description:\n    -\n")
    [p] = _load(data_copy)
    assert (p.file.endswith("roles.yaml"), p.line, p.column) == (True, 10, 6)
    assert p.message == "an empty list item (a '-' with nothing after it)"


def test_a_file_that_is_not_a_list_makes_no_reference_into_it_unknown(data_copy: Path) -> None:
    # one entry written without its '- ': every use of a channel was also reported, with
    # the hint "none is defined yet: define it first"
    (data_copy / "channels.yaml").write_text("id: email\nname: Email\n", encoding="utf-8")
    [p] = _load(data_copy)
    assert (p.code, p.line) == ("wrong-type", 1)
    assert p.message == "expected a list of entries ('- ...' lines)"


def test_a_constraint_of_a_time_field_with_itself_is_reported(data_copy: Path) -> None:
    edit(
        data_copy / "rules.yaml",
        "{earlier: notified_at, later: starts_at",
        "{earlier: starts_at, later: starts_at",
    )
    [p] = _load(data_copy)
    assert (p.code, p.line, p.column) == ("wrong-value", 17, 28)
    assert p.message == "the constraint compares starts_at with itself"


def test_an_emptied_csv_file_says_which_header_to_write(data_copy: Path) -> None:
    (data_copy / "change-process.csv").write_text("", encoding="utf-8")
    [p] = _load(data_copy)
    assert (p.code, p.line, p.message) == ("empty-file", 1, "the file is empty")
    assert p.hint == (
        "write its header row: id,edition,phase,party,statement,note,errata,doc,section "
        "(id optional), then one row per entry"
    )


@pytest.mark.parametrize(
    ("old", "new", "message", "hint"),
    [
        # pydantic's "Input should be a valid string" for a key left without its value;
        # a rule needs its title (removing the key was advised, a missing-key error)
        (
            "  title: Advance notice\n",
            "  title:\n",
            "'title' has no value",
            "write its value after 'title: '",
        ),
        (
            "  requires: [notified_at]\n",
            "  requires:\n",
            "'requires' has no value",
            "write its value after 'requires: ', or remove the key",
        ),
        # "'['timing']' is not allowed for 'kind'": the value is right, the list is not
        (
            "  kind: timing\n",
            "  kind: [timing]\n",
            "'kind' takes one value, not a list",
            "expected 'timing', 'channels', 'prohibited-actions' or 'edition-in-force'",
        ),
    ],
)
def test_a_value_left_out_or_wrapped_in_a_list_is_said_in_words(
    data_copy: Path, old: str, new: str, message: str, hint: str
) -> None:
    edit(data_copy / "rules.yaml", old, new)
    [p] = _load(data_copy)
    line = {"title": 8, "kind": 9, "requires": 15}[old.split(":")[0].strip()]
    assert (p.line, p.message, p.hint) == (line, message, hint)


@pytest.mark.parametrize(
    ("old", "new", "opened"),
    [
        ("  name: Printing\n", "  name: [Printing\n", "the flow sequence that starts at line"),
        ("  name: Printing\n", "  name: 'Printing\n", "the quoted scalar that starts at line"),
    ],
)
def test_an_unclosed_bracket_or_quote_names_where_it_was_opened(
    data_copy: Path, old: str, new: str, opened: str
) -> None:
    # the parser stops lines after the mistake; the line that opened it was not said
    text = (data_copy / "roles.yaml").read_text(encoding="utf-8")
    line = text[: text.index(old)].count("\n") + 1
    edit(data_copy / "roles.yaml", old, new)
    [p] = [p for p in _load(data_copy) if p.code == "yaml-syntax"]
    assert p.line != line and f"(in {opened} {line}, column 9)" in p.message


@pytest.mark.parametrize("quote", ['"', "'"])
def test_a_closing_quote_left_out_names_where_the_quote_starts(data_copy: Path, quote: str) -> None:
    # the quote runs on to the next one, lines down, where the parser stops ("expected
    # <block end>, but found '<scalar>'"): the line with the missing quote was not said
    text = (data_copy / "roles.yaml").read_text(encoding="utf-8")
    line = text[: text.index("  name: Printing\n")].count("\n") + 1
    edit(data_copy / "roles.yaml", "  name: Printing\n", '  name: "Printing\n')
    [p] = [p for p in _load(data_copy) if p.code == "yaml-syntax"]
    assert p.line is not None and p.line > line
    assert p.message.endswith(
        f"; the quoted text that starts at line {line}, column 9 runs on to line {p.line}:"
        ' is its closing " missing?'
    )


@pytest.mark.parametrize(
    ("new", "at", "hint"),
    [
        (
            "  name: Printing: queues\n",
            (0, 17),
            "quote a value that holds ': ', as in name: \"Updates: monthly\"; indent a key as "
            "far as the other keys of its mapping",
        ),
        ("\tname: Printing\n", (0, 1), "indent with spaces: YAML does not allow a tab there"),
        # one space deeper: read as more of the value above, which then holds ': '
        (
            "   name: Printing\n",
            (0, 8),
            "quote a value that holds ': ', as in name: \"Updates: monthly\"; indent a key as "
            "far as the other keys of its mapping",
        ),
        (
            '  name: "Printing"\n   note: x\n',
            (1, 4),
            "indent this line as far as the keys it belongs with",
        ),
        # PyYAML stops on the next line; the key without ':' is this one
        ("  name Printing\n", (0, 3), "write ': ' after a key, as in name: value"),
    ],
)
def test_common_yaml_mistakes_say_what_would_be_right(
    data_copy: Path, new: str, at: tuple[int, int], hint: str
) -> None:
    # each had the one hint "check indentation, quotes and the ': ' after each key", and a
    # key without ':' was reported a line late, on the line after it
    text = (data_copy / "roles.yaml").read_text(encoding="utf-8")
    line = text[: text.index("  name: Printing\n")].count("\n") + 1
    edit(data_copy / "roles.yaml", "  name: Printing\n", new)
    [p] = [p for p in _load(data_copy) if p.code == "yaml-syntax"]
    assert ((p.line or 0) - line, p.column, p.hint) == (*at, hint)


def test_an_empty_csv_cell_is_said_empty_in_its_column(data_copy: Path) -> None:
    # it said "invalid 'text': String should have at least 1 character": no column is 'text'
    edit(
        data_copy / "change-process.csv",
        ",before,customer,Read and understand notification email.,",
        ",before,customer,,",
    )
    [p] = _load(data_copy)
    assert (p.line, p.column, p.message) == (4, 5, "'statement' is empty")
    assert p.hint == "write its text"


def test_an_empty_matrix_cell_is_said_empty(data_copy: Path) -> None:
    edit(
        data_copy / "responsibility-matrix.csv",
        "test-new-features,Test new features for quality assurance,microsoft,",
        "test-new-features,Test new features for quality assurance,,",
    )
    [p] = _load(data_copy)
    assert (p.line, p.column) == (3, 3)
    assert p.message == "the cell of column 'mmd-service' is empty"
    assert p.hint == "write its party: one of both, customer, microsoft"


@pytest.mark.parametrize("written", ["yes", "no", "1", "0", '"true"', "off"])
def test_a_boolean_is_true_or_false_as_the_schema_says(data_copy: Path, written: str) -> None:
    # 'emergency: no' was read as false (pydantic's lax bool) while the schema, and every
    # YAML 1.2 editor, sees the text 'no' and underlines it; '"true"' was true
    edit(data_copy / "rules.yaml", "emergency: false, requires", f"emergency: {written}, requires")
    [p] = _load(data_copy)
    assert (p.code, p.line, p.column) == ("wrong-type", 14, 49)
    assert p.message == f"'emergency' is true or false, not '{written.strip(chr(34))}'"
    assert p.hint == "write true or false"


@pytest.mark.parametrize("broken", ["  label: Customer\n", "ALL"])
def test_a_party_that_failed_leaves_its_prose_shown(data_copy: Path, broken: str) -> None:
    # a party entry with an error (or parties.yaml unread) also gave the warning "no page
    # shows prose section 'roles-customer'", which fixing the party makes go away
    parties = data_copy / "parties.yaml"
    if broken == "ALL":
        parties.write_text("", encoding="utf-8")
    else:
        edit(parties, broken, "")
    problems = _load(data_copy)
    assert problems and all(p.file.endswith("parties.yaml") for p in problems), problems


@pytest.mark.parametrize(
    ("old", "new", "at", "message", "hint"),
    [
        # each said pydantic's "invalid 'X': Input should be a valid string" (write text)
        (
            '- id: functionality\n  edition: "2022"\n',
            '- id: functionality\n  edition: ["2022"]\n',
            (9, 3),
            "'edition' takes one value, not a list",
            "write the value alone, as in edition: value (quote it if it starts with [ or {)",
        ),
        (
            "  requires_global_admin_action: Sometimes\n",
            "  requires_global_admin_action: true\n",
            (20, 3),
            "'requires_global_admin_action' is text; true is read as a boolean",
            'quote it: requires_global_admin_action: "true"',
        ),
        # "Input should be a valid list": the other choice, any, was not said
        (
            "  channels: [message-center, email]\n",
            "  channels: Any\n",
            (19, 13),
            "'Any' is not allowed for 'channels'",
            "write a list: one '- item' per line, or [a, b]; or 'any'",
        ),
    ],
)
def test_a_value_of_the_wrong_kind_says_what_the_key_takes(
    data_copy: Path, old: str, new: str, at: tuple[int, int], message: str, hint: str
) -> None:
    edit(data_copy / "change-types.yaml", old, new)
    [p] = _load(data_copy)
    assert (p.code, (p.line, p.column), p.message, p.hint) == ("wrong-type", at, message, hint)


@pytest.mark.parametrize(
    ("old", "new", "hint"),
    [
        # a key left of its entry's other keys: "found '?'" had the catch-all hint
        (
            "      text: Install, maintain",
            "    text: Install, maintain",
            "indent this line as far as the keys it belongs with",
        ),
        # copied from a web page or a word processor: it looks like an indentation
        (
            "  name: Printing\n",
            "\u00a0 name: Printing\n",
            "this line starts with a no-break space (U+00A0), which YAML does not read as "
            "indentation: indent with plain spaces",
        ),
    ],
)
def test_a_misplaced_key_says_how_to_indent_it(
    data_copy: Path, old: str, new: str, hint: str
) -> None:
    text = (data_copy / "roles.yaml").read_text(encoding="utf-8")
    line = text[: text.index(old)].count("\n") + 1
    edit(data_copy / "roles.yaml", old, new)
    [p] = _load(data_copy)
    assert (p.code, p.line, p.hint) == ("yaml-syntax", line, hint)


@pytest.mark.parametrize(
    ("until", "message", "at"),
    [
        # a new edition added (before the end of life, 2024-07-31), the one before left
        # open: it said "in force until None"
        (None, "edition 2022 has no in_force_until but 2024 starts on 2024-01-01", (64, 5)),
        (
            "2024-01-01",
            "edition 2022 is in force until 2024-01-01 but 2024 starts on 2024-01-01",
            (70, 5),
        ),
    ],
)
def test_a_new_edition_says_the_day_the_one_before_ends(
    data_copy: Path, until: str | None, message: str, at: tuple[int, int]
) -> None:
    end = f"    in_force_until: {until}\n" if until else ""
    edit(
        data_copy / "editions.yaml",
        '    in_force_from: 2022-12-06\n    documents: ["001", "002", "004"]\n',
        f'    in_force_from: 2022-12-06\n{end}    documents: ["001", "002", "004"]\n'
        '  - id: "2024"\n    title: 2024 edition\n    description: New.\n'
        '    in_force_from: 2024-01-01\n    documents: ["004"]\n',
    )
    [p] = _load(data_copy)
    assert (p.code, p.message, (p.line, p.column)) == ("overlapping-editions", message, at)
    assert p.hint == "set in_force_until of 2022 to 2023-12-31, the day before 2024 starts"


@pytest.mark.parametrize(
    ("new_edition", "until", "expected"),
    [
        # an edition that starts after the end of life (2024-07-31)
        (
            True,
            "2024-07-31",
            [
                (
                    "edition 2024 has in_force_from 2025-01-01, after the service's end of "
                    "life (2024-07-31, service.end_of_life)",
                    (75, 5),
                    "write a date no later than 2024-07-31, or move the end of life",
                )
            ],
        ),
        # the last edition in force beyond it
        (
            False,
            "2025-03-31",
            [
                (
                    "edition 2022 has in_force_until 2025-03-31, after the service's end of "
                    "life (2024-07-31, service.end_of_life)",
                    (70, 5),
                    "write 2024-07-31, or leave in_force_until out: the end of life ends "
                    "the last edition",
                )
            ],
        ),
    ],
)
def test_no_edition_is_in_force_after_the_end_of_life(
    data_copy: Path, new_edition: bool, until: str, expected: list[Any]
) -> None:
    # validate accepted both; the checker's MMD010 would judge such a change twice
    edit(
        data_copy / "editions.yaml",
        '    in_force_from: 2022-12-06\n    documents: ["001", "002", "004"]\n',
        f"    in_force_from: 2022-12-06\n    in_force_until: {until}\n"
        '    documents: ["001", "002", "004"]\n'
        + (
            '  - id: "2024"\n    title: 2024 edition\n    description: New.\n'
            '    in_force_from: 2025-01-01\n    documents: ["004"]\n'
            if new_edition
            else ""
        ),
    )
    problems = _load(data_copy)
    assert {p.code for p in problems} == {"edition-after-end-of-life"}
    assert [(p.message, (p.line, p.column), p.hint) for p in problems] == expected


def test_a_duplicated_id_is_reported_in_an_entry_that_has_another_error(data_copy: Path) -> None:
    # a change type copied with its id unchanged and a misspelt key: only the key was
    # reported, and the duplicate after the contributor had fixed it
    edit(
        data_copy / "change-types.yaml",
        '- id: non-security-update\n  edition: "2022"\n  name: Non-security updates\n',
        '- id: functionality\n  edition: "2022"\n  nmae: Non-security updates\n',
    )
    problems = _load(data_copy)
    assert [(p.code, p.line, p.column) for p in problems] == [
        ("duplicate-id", 31, 3),
        ("missing-key", 31, 3),
        ("unknown-key", 33, 3),
    ]
    assert problems[0].message == "change type '2022/functionality' is defined twice"
    assert problems[0].hint == (
        f"also defined at {data_copy / 'change-types.yaml'}:8; give this one another id or "
        "merge them"
    )


def test_an_edition_that_ends_before_it_starts_is_reported_at_its_end(data_copy: Path) -> None:
    # it said "invalid 'editions': in_force_until is before in_force_from" at the entry
    edit(data_copy / "editions.yaml", "in_force_until: 2022-12-05", "in_force_until: 2017-12-05")
    [p] = _load(data_copy)
    assert (p.code, p.line, p.column) == ("wrong-value", 62, 21)
    assert p.message == "invalid 'in_force_until': 2017-12-05 is before in_force_from (2018-06-06)"
    assert p.hint == "an edition ends on or after the day it starts"


@pytest.mark.parametrize(
    ("change", "message", "hint"),
    [
        # a spreadsheet set to a European locale saves CSV with ';'
        (
            lambda text: text.replace(",", ";"),
            "the cells are separated by ';', not by commas",
            "save it as CSV with commas (a spreadsheet's list separator setting); the header "
            "must be: id,edition,phase,party,statement,note,errata,doc,section (id optional)",
        ),
        # a comma after the last cell of every line: it said "unknown column(s):  "
        (
            lambda text: text.replace("\n", ",\n"),
            "unknown column(s): '' (an empty name: a comma at the end of the header?)",
            "the header must be: id,edition,phase,party,statement,note,errata,doc,section "
            "(id optional)",
        ),
    ],
)
def test_a_csv_header_a_spreadsheet_mangled_says_what_happened(
    data_copy: Path, change: Any, message: str, hint: str
) -> None:
    path = data_copy / "change-process.csv"
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    [p] = _load(data_copy)
    assert (p.code, p.line, p.message, p.hint) == ("csv-header", 1, message, hint)


@pytest.mark.parametrize("name", ["change-process.csv", "responsibility-matrix.csv"])
def test_a_row_of_empty_cells_is_one_problem(data_copy: Path, name: str) -> None:
    # a spreadsheet leaves ',,,,,,,,' rows behind: each gave two or three problems about
    # its empty id, phase, statement or doc
    path = data_copy / name
    text = path.read_text(encoding="utf-8")
    width = text.splitlines()[0].count(",")
    path.write_text(text + "," * width + "\n", encoding="utf-8")
    [p] = _load(data_copy)
    line = text.count("\n") + 1
    assert (p.code, p.line, p.message) == ("blank-row", line, "the row has only empty cells")
    assert p.hint == "delete the line (a spreadsheet may leave such rows behind)"


@pytest.mark.parametrize("key", ["Note", "Only apply a change"])
def test_a_list_item_with_a_colon_is_said_to_be_read_as_a_key(data_copy: Path, key: str) -> None:
    # "- Note: Microsoft will ..." is a mapping to YAML: it said "missing required key
    # 'text'" and "unknown key 'Note' (did you mean 'note'?)"
    edit(
        data_copy / "roles.yaml",
        "    - id: account-manager-microsoft-will-provide-an-account-manager\n      text: ",
        f"    - {key}: ",
    )
    [p] = _load(data_copy)
    assert (p.code, p.line, p.column) == ("wrong-type", 10, 7)
    assert p.message == (
        f"'{key}: Microsoft will provide an...' is read as a key and its value, not as text"
    )
    assert p.hint == f'quote the text, as in - "{key}: ..."'


def test_an_empty_reference_cell_is_said_empty(data_copy: Path) -> None:
    # it said "edition '' does not exist" and "unknown party ''"
    edit(
        data_copy / "change-process.csv",
        ",2018,before,customer,Read and understand",
        ",,before,,Read and understand",
    )
    problems = _load(data_copy)
    assert [(p.line, p.column, p.message, p.hint) for p in problems] == [
        (4, 2, "'edition' is empty", "write one of: 2018, 2022"),
        (4, 4, "'party' is empty", "write one of: customer, microsoft"),
    ]


def test_an_expected_code_no_rule_has_is_reported_at_its_record(data_copy: Path) -> None:
    # it was reported at the sample's 'expect:' key, lines above the record that names it
    from handbook.model.coverage import unknown_expected_codes

    edit(
        data_copy / "samples" / "samples.yaml",
        "    CHG-0102: [MMD001]\n",
        "    CHG-0102: [MMD0001]\n",
    )
    handbook, problems = load_handbook(data_copy)
    assert handbook is not None and problems == []
    [p] = unknown_expected_codes(handbook)
    assert (p.code, p.line, p.column) == ("unknown-reference", 10, 5)
    assert p.message == (
        "record CHG-0102 of 'mmd001-advance-notice.yaml' expects 'MMD0001', which is no rule's id"
    )
    assert p.hint is not None and p.hint.startswith("did you mean 'MMD001'?")

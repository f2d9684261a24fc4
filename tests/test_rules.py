"""The rules through `check_paths`: the samples, boundaries, editions, data-driven rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from handbook.checker.check import check_paths
from handbook.checker.samples import evaluate_sample, sample_verdicts
from handbook.model.loader import load_handbook

from .checker_support import check_text, codes, handbook
from .conftest import DATA

SAMPLES = DATA / "samples"


def _sample_ids() -> list[str]:
    return [s.file for s in handbook().samples]


def test_samples_cover_every_rule_and_input_error() -> None:
    expected: set[str] = set()
    passing: set[str] = set()
    for sample in handbook().samples:
        for codes_ in sample.expect.values():
            expected.update(codes_)
    wanted = {r.id for r in handbook().rules} | {f"E00{i}" for i in range(1, 6)}
    assert wanted <= expected
    # a passing record in a file that exercises each code
    for sample in handbook().samples:
        if any(not c for c in sample.expect.values()):
            for c in sample.expect.values():
                passing.update(c)
    assert wanted <= passing
    assert any(s.file.endswith(".csv") for s in handbook().samples)


@pytest.mark.parametrize("name", _sample_ids())
def test_sample_file_verdicts(name: str) -> None:
    sample = next(s for s in handbook().samples if s.file == name)
    result = evaluate_sample(handbook(), sample)
    got = {v.record: v.actual for v in result.verdicts}
    want = {k: sorted(v) for k, v in sample.expect.items()}
    assert got == want
    assert result.passed


def test_verify_and_the_site_count_repeated_codes_alike() -> None:
    """A record with two invalid times has [E003, E003] in `handbook verify` and on the
    site: both read `handbook.checker.samples` (they once disagreed)."""
    sample = next(s for s in handbook().samples if s.file == "e003-invalid-values.yaml")
    verdicts = {v.record: v for v in evaluate_sample(handbook(), sample).verdicts}
    repeated = [v for v in verdicts.values() if len(v.actual) != len(set(v.actual))]
    assert repeated, "the E003 sample should hold a record with the same code twice"
    site = {(v.file, v.record): v.actual for v in sample_verdicts(handbook())}
    for v in repeated:
        assert site[(v.file, v.record)] == v.actual


def test_samples_checked_together_match() -> None:
    paths = sorted(SAMPLES.glob("*.yaml")) + sorted(SAMPLES.glob("*.csv"))
    paths = [p for p in paths if p.name != "samples.yaml"]
    report = check_paths(handbook(), paths)
    assert report.errors > 0
    # MMD010 after the end of life, the expired waiver (W001), the misspelt fields (W002)
    warnings = sorted(f.rule for f in report.findings if f.severity == "warning")
    assert warnings == ["MMD010", "W001", "W002", "W002"]
    assert [f.record for f in report.waived] == ["CHG-1801"]
    # checked together or one by one, every sample gives the same codes
    together: dict[tuple[str, str | None], list[str]] = {}
    for f in report.findings:
        together.setdefault((Path(f.file).name, f.record), []).append(f.rule)
    alone: dict[tuple[str, str | None], list[str]] = {}
    for path in paths:
        for f in check_paths(handbook(), [path]).findings:
            alone.setdefault((path.name, f.record), []).append(f.rule)
    assert together == alone


MS = """\
- id: X1
  initiator: microsoft
  change_type: {type}
  requires_admin_action: true
  notified_at: {notified}
  channels: [email]
  starts_at: {starts}
"""


@pytest.mark.parametrize(
    ("notified", "starts", "want"),
    [
        ("2023-03-01T00:00:00Z", "2023-03-06T00:00:00Z", []),  # exactly 120 h
        ("2023-03-01T01:00:00Z", "2023-03-06T00:00:00Z", ["MMD001"]),  # 119 h
        ("2023-03-01T02:00:00+02:00", "2023-03-06", []),  # offset: 00:00 UTC, 120 h
        ("2023-03-01", "2023-03-05T23:59:59Z", ["MMD001"]),  # date alone = 00:00 UTC
    ],
)
def test_mmd001_boundaries(tmp_path: Path, notified: str, starts: str, want: list[str]) -> None:
    report = check_text(
        tmp_path, MS.format(type="security-update", notified=notified, starts=starts)
    )
    assert codes(report).get("X1", []) == want


def test_mmd001_message_has_numbers(tmp_path: Path) -> None:
    report = check_text(
        tmp_path,
        MS.format(type="functionality", notified="2022-12-11T20:00:00Z", starts="2022-12-15"),
    )
    (finding,) = report.findings
    assert "3 days 4 hours" in finding.message
    assert "at least 5 days" in finding.message
    assert "2022-12-10T00:00:00+00:00" in finding.message
    assert finding.edition == "2022"
    assert (finding.line, finding.column, finding.field) == (5, 16, "notified_at")
    assert finding.record_line == 1


def test_a_notice_at_the_start_itself_says_so_not_0_hours(tmp_path: Path) -> None:
    """A change manager reads "only 0 hours before" as a rounding; the sample pages call
    it "at the same time"."""
    report = check_text(
        tmp_path,
        MS.format(
            type="functionality", notified="2023-05-06T09:00:00Z", starts="2023-05-06T09:00:00Z"
        ),
    )
    (finding,) = report.findings
    assert finding.message.startswith(
        "notified_at (2023-05-06T09:00:00+00:00) is at the same time as starts_at "
        "(2023-05-06T09:00:00+00:00); MMD001 (Advance notice) requires at least 5 days "
        "(notified_at no later than 2023-05-01T09:00:00+00:00)"
    ), finding.message


def test_edition_switch(tmp_path: Path) -> None:
    text = """\
- {id: A, initiator: microsoft, change_type: feature-update, starts_at: 2022-12-05T23:59:59Z}
- {id: B, initiator: microsoft, change_type: feature-update, starts_at: 2022-12-06}
- {id: C, initiator: microsoft, change_type: functionality, starts_at: 2022-12-06}
- {id: D, initiator: microsoft, change_type: functionality, starts_at: 2022-12-05}
- {id: E, initiator: microsoft, change_type: feature-update, starts_at: "2022-12-06T00:30:00+01:00"}
"""
    report = check_text(tmp_path, text)
    assert codes(report) == {"B": ["E004"], "D": ["E004"]}
    editions = {r.id: r.edition for r in report.records}
    assert editions == {"A": "2018", "B": "2022", "C": "2022", "D": "2018", "E": "2018"}


def test_mmd010_before_first_edition_and_after_end_of_life(tmp_path: Path) -> None:
    text = """\
- {id: A, initiator: microsoft, change_type: nonsense, starts_at: 2018-06-05}
- {id: B, initiator: microsoft, change_type: quality-update, starts_at: 2018-06-06}
- {id: C, initiator: customer, sop_category: policies, starts_at: 2024-08-01}
- {id: D, initiator: customer, sop_category: policies, starts_at: 2024-07-31T23:59:59Z}
"""
    report = check_text(tmp_path, text)
    found = {(f.record, f.rule, f.severity) for f in report.findings}
    assert ("A", "MMD010", "error") in found
    assert not [f for f in report.findings if f.record == "A" and f.rule != "MMD010"]
    assert not [f for f in report.findings if f.record == "B"]
    # after the end of life: a warning, and the rules are still evaluated
    assert ("C", "MMD010", "warning") in found
    assert ("C", "MMD006", "error") in found
    assert not [f for f in report.findings if f.record == "D" and f.rule == "MMD010"]
    a = next(f for f in report.findings if f.record == "A")
    assert a.edition is None


def test_naive_datetime_and_date_only(tmp_path: Path) -> None:
    text = """\
- {id: A, initiator: microsoft, change_type: functionality, starts_at: "2023-01-01T10:00:00"}
- {id: B, initiator: microsoft, change_type: functionality, starts_at: "2023-01-01"}
- {id: C, initiator: microsoft, change_type: functionality, starts_at: "2023-13-01"}
"""
    report = check_text(tmp_path, text)
    assert codes(report) == {"A": ["E003"], "C": ["E003"]}


def test_record_with_input_error_is_not_evaluated(tmp_path: Path) -> None:
    text = """\
- id: A
  initiator: customer
  sop_category: service-accounts
  actions: [reset-service-account-password]
  emergency: perhaps
  starts_at: 2023-01-01
"""
    assert codes(check_text(tmp_path, text)) == {"A": ["E003"]}


def test_duplicates_across_files(tmp_path: Path) -> None:
    one = tmp_path / "one.yaml"
    two = tmp_path / "two.csv"
    one.write_text(
        "- {id: A, initiator: microsoft, change_type: functionality, starts_at: 2023-01-01}\n",
        encoding="utf-8",
    )
    two.write_text(
        "id,initiator,change_type,starts_at\nB,microsoft,functionality,2023-01-01\n"
        "A,microsoft,functionality,2023-01-01\n",
        encoding="utf-8",
    )
    report = check_paths(handbook(), [one, two])
    (dup,) = report.findings
    assert (dup.rule, dup.file, dup.line) == ("E005", str(two), 3)


def test_changing_five_days_to_seven_in_data(tmp_path: Path, data_copy: Path) -> None:
    record = MS.format(type="functionality", notified="2023-03-01", starts="2023-03-07")
    before = check_text(tmp_path, record)
    assert before.findings == []
    rules = data_copy / "rules.yaml"
    text = rules.read_text(encoding="utf-8")
    assert "at_least: P5D" in text
    rules.write_text(text.replace("at_least: P5D", "at_least: P7D"), encoding="utf-8")
    hb, problems = load_handbook(data_copy)
    assert hb is not None, problems
    path = tmp_path / "records.yaml"
    after = check_paths(hb, [path])
    assert [f.rule for f in after.findings] == ["MMD001"]
    assert "at least 7 days" in after.findings[0].message


def test_change_type_is_read_on_microsoft_changes_only(tmp_path: Path) -> None:
    """A change type is the type of a change Microsoft makes (seed 000, "Change types"); a
    customer's change is classified by its SOP category. So a customer record's
    ``change_type`` is neither looked up (E004) nor matched by a rule's ``applies_to``:
    MMD005 (feature updates) does not apply to it."""
    text = (
        "- id: C-1\n  initiator: customer\n  sop_category: policies\n"
        "  change_type: feature-update\n  requires_admin_action: true\n"
        "  notified_at: 2020-03-01T12:00:00Z\n  support_request_at: 2020-03-01T12:00:00Z\n"
        "  starts_at: 2020-03-10\n"
    )
    found = codes(check_text(tmp_path, text))
    assert "MMD005" not in found.get("C-1", []), found
    microsoft = text.replace("initiator: customer", "initiator: microsoft").replace(
        "  sop_category: policies\n", "  channels: [email]\n"
    )
    assert "MMD005" in codes(check_text(tmp_path, microsoft, "m.yaml"))["C-1"]


def test_a_notice_one_nanosecond_short_fails_mmd001(tmp_path: Path) -> None:
    """Times keep nanoseconds: 120 hours less 1 ns is less than the 5 days' notice."""
    record = (
        "- id: N-1\n  initiator: microsoft\n  change_type: functionality\n"
        "  requires_admin_action: true\n  channels: [email]\n"
        "  notified_at: {notified}\n  starts_at: 2023-03-06T09:00:00Z\n"
    )
    short = check_text(tmp_path, record.format(notified="2023-03-01T09:00:00.000000001Z"))
    assert codes(short) == {"N-1": ["MMD001"]}
    # the shortfall reads as less than 5 days, not as whole seconds
    message = short.findings[0].message
    assert "only 4 days 23 hours 59 minutes 59.999999999 seconds before starts_at" in message
    exact = check_text(tmp_path, record.format(notified="2023-03-01T09:00:00.000000000Z"), "b.yaml")
    assert codes(exact) == {}
    csv = "id,initiator,change_type,requires_admin_action,channels,notified_at,starts_at\n"
    csv += (
        "N-2,microsoft,functionality,true,email,2023-03-01T09:00:00.000000001Z,2023-03-06T09:00Z\n"
    )
    assert codes(check_text(tmp_path, csv, "c.csv")) == {"N-2": ["MMD001"]}


def test_a_prohibiting_statement_is_quoted_as_a_reader_sees_it(tmp_path: Path) -> None:
    """MMD009 quotes the statement that prohibits the action: its link's text, not the
    Markdown and a URL of a page the handbook does not have."""
    report = check_text(
        tmp_path,
        """\
- id: DG-1
  initiator: customer
  sop_category: device-groups
  support_request_at: 2023-03-01T09:00:00Z
  advised_at: 2023-03-02T09:00:00Z
  starts_at: 2023-03-09T09:00:00Z
  actions: [assign-device-outside-documented-steps]
""",
    )
    [finding] = [f for f in report.findings if f.rule == "MMD009"]
    assert "following the steps described in Assign devices to a deployment group." in (
        finding.message
    )
    assert "](" not in finding.message


def test_a_prohibited_action_filed_under_another_category_is_still_prohibited(
    tmp_path: Path,
) -> None:
    """Filing a service-account password reset under 'policies' dodged MMD009; the quote
    of a statement with items lost its items ("…the following configurations:")."""
    report = check_text(
        tmp_path,
        "- id: C1\n  initiator: customer\n  sop_category: policies\n"
        "  support_request_at: 2023-03-01T00:00:00Z\n  advised_at: 2023-03-01T00:00:00Z\n"
        "  actions: [reset-service-account-password]\n  starts_at: 2023-03-06T00:00:00Z\n"
        "- id: C2\n  initiator: customer\n  sop_category: device-groups\n"
        "  support_request_at: 2019-03-01T00:00:00Z\n  advised_at: 2019-03-01T00:00:00Z\n"
        "  actions: [assign-other-configuration-to-group]\n  starts_at: 2019-03-06T00:00:00Z\n",
    )
    assert codes(report) == {"C1": ["MMD009"], "C2": ["MMD009"]}
    first, second = (f.message for f in report.findings)
    assert "prohibited for SOP category 'service-accounts' in the 2022 edition" in first
    assert first.endswith("MMD009 (Prohibited action): a change must not take it")
    assert "the following configurations: Corporate certificates" in second


def test_a_record_with_an_input_error_after_the_end_of_life_is_still_told(
    tmp_path: Path,
) -> None:
    """Before the first edition MMD010 explained why no rule applied; after the end of
    life an input error hid the warning."""
    report = check_text(
        tmp_path,
        "- id: F08\n  initiator: microsoft\n  change_type: feature-update\n"
        "  starts_at: 2030-01-01T00:00:00Z\n",
    )
    assert codes(report) == {"F08": ["E004", "MMD010"]}
    (warning,) = [f for f in report.findings if f.rule == "MMD010"]
    assert warning.severity == "warning"
    assert "its input errors kept the rules from being checked" in warning.message


def test_a_type_or_category_of_another_edition_says_so_and_names_its_successor(
    tmp_path: Path,
) -> None:
    """E004 listed the edition's ids only: an admin who wrote a 2018 type on a 2023 record
    learned neither why nor what replaced it."""
    report = check_text(
        tmp_path,
        "- id: Q\n  initiator: microsoft\n  change_type: quality-update\n"
        "  starts_at: 2023-03-08T09:00:00Z\n"
        "- id: N\n  initiator: customer\n  sop_category: network\n"
        "  starts_at: 2019-03-08T09:00:00Z\n",
    )
    first, second = (f.message for f in report.findings)
    assert first.endswith(
        "('quality-update' is a 2018 change type; this record is judged by the 2022 edition, "
        "where 'non-security-update' succeeds it)"
    )
    assert second.endswith(
        "('network' is a 2022 SOP category; this record is judged by the 2018 edition)"
    )


def test_a_sample_naming_its_initiator_by_name_gets_the_party_id(tmp_path: Path) -> None:
    """The checker reads a party's name in any case; the site's sample tables facet by
    the party id, so ``initiator: CUSTOMER`` is ``customer`` there too (it was empty)."""
    import shutil

    from handbook.model.entities import SampleFile

    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    (data / "samples" / "by-name.yaml").write_text(
        "- id: N-1\n  initiator: CUSTOMER\n  change_type: certificates\n"
        "  starts_at: 2023-03-06T09:00:00Z\n",
        encoding="utf-8",
    )
    hb, _ = load_handbook(data)
    assert hb is not None
    sample = SampleFile.model_validate(
        {"file": "by-name.yaml", "title": "By name", "expect": {"N-1": []}}
    )
    [verdict] = evaluate_sample(hb, sample).verdicts
    assert verdict.initiator == "customer", verdict


def test_times_centuries_apart_are_compared_exactly(tmp_path: Path) -> None:
    """Two times more than 292 years apart overflow int64 nanoseconds: the difference
    wrapped around, so a certificate that expired in 1700 passed MMD008 and a notice
    given in 1700 read as 95,521 days *after* the start (MMD001). Found by an
    independent audit of records written from the documentation."""
    csv = (
        "id,initiator,change_type,sop_category,requires_admin_action,channels,notified_at,"
        "starts_at,support_request_at,advised_at,certificate_expires_at\n"
        "O1,customer,,certificates,,,,2023-01-10,2023-01-01,2023-01-02,1700-01-01\n"
        "O2,microsoft,functionality,,true,email,1700-01-01,2023-01-10,,,\n"
        "O3,customer,,policies,,,,2023-01-10,1700-01-01,1700-01-01,\n"
        "O4,customer,,certificates,,,,2023-01-10,2023-01-01,2023-01-02,1677-09-22\n"
    )
    report = check_text(tmp_path, csv, "o.csv")
    assert codes(report) == {"O1": ["MMD008"], "O4": ["MMD008"]}
    o1, o4 = report.findings
    assert "is 117973 days after certificate_expires_at" in o1.message
    # a bound beyond the range of nanosecond timestamps is written exactly, not wrapped
    assert "support_request_at no later than 1677-07-24T00:00:00+00:00" in o4.message


def test_a_real_date_beyond_the_times_the_checker_reads_says_so(tmp_path: Path) -> None:
    """9999-12-31 (an export's "never") and 1677-09-21 are real dates outside nanosecond
    timestamps: the message gives the range instead of asking for the form already used."""
    csv = "id,initiator,change_type,requires_admin_action,channels,notified_at,starts_at\n"
    csv += "R1,microsoft,functionality,true,email,9999-12-31,2023-03-10\n"
    csv += "R2,microsoft,functionality,true,email,1677-09-21,2023-03-10\n"
    csv += "R3,microsoft,functionality,true,email,2023-02-30,2023-03-10\n"
    csv += "R4,microsoft,functionality,true,email,2023-02-28T24:00:00Z,2023-03-10\n"
    csv += "R5,microsoft,functionality,true,email,2023-02-28T10:00+01:60,2023-03-10\n"
    csv += "R6,microsoft,functionality,true,email,soon,2023-03-10\n"
    report = check_text(tmp_path, csv, "r.csv")
    assert codes(report) == {f"R{i}": ["E003"] for i in range(1, 7)}
    r1, r2, r3, r4, r5, r6 = report.findings
    for f in (r1, r2):
        assert "is outside the times the checker reads (1677-09-22 to 2262-04-10 UTC" in f.message
    # a time in the right form naming no moment says why, rather than asking for the form
    # it already has (a tester's finding: "2023-02-30 ... write ... YYYY-MM-DD")
    assert "'2023-02-30' is written as a time but names none (day is out of range" in r3.message
    assert "(hour must be in 0..23); write a date and time that exist" in r4.message
    assert "(the offset's minutes must be in 0..59)" in r5.message
    assert "is not a time the checker reads" in r6.message


def test_an_offset_of_24_hours_or_more_says_so_in_words(tmp_path: Path) -> None:
    """An offset past 23 hours (+25:00, -2400) names no moment; the reason was Python's own,
    the repr of a timedelta ('offset must be a timedelta strictly between
    -timedelta(hours=24) and timedelta(hours=24), not datetime.timedelta(days=1, ...)'), in a
    message for a change-record writer (found by an independent tester)."""
    csv = "id,initiator,change_type,starts_at\n"
    csv += "Z1,microsoft,functionality,2023-05-01T10:00:00+25:00\n"
    csv += "Z2,microsoft,functionality,2023-05-01T10:00:00-2400\n"
    csv += "Z3,microsoft,functionality,2023-05-01T10:00:00+23:59\n"
    report = check_text(tmp_path, csv, "z.csv")
    assert codes(report) == {"Z1": ["E003"], "Z2": ["E003"]}
    for f in report.findings:
        assert "is written as a time but names none (the offset's hours must be in 0..23);" in (
            f.message
        ), f.message
        assert "timedelta" not in f.message


def test_a_time_beyond_the_range_by_less_than_a_microsecond_is_out_of_range(
    tmp_path: Path,
) -> None:
    """The last nanosecond timestamp is 2262-04-11T23:47:16.854775807Z: one nanosecond
    later is a real time beyond the range, as one second later is. Python's datetime reads
    microseconds only, so it was told "not a time the checker reads" (its form is valid)."""
    csv = "id,initiator,change_type,starts_at\n"
    csv += "L1,microsoft,functionality,2262-04-11T23:47:16.854775808Z\n"
    csv += "L2,microsoft,functionality,2262-04-11 23:47:16.854775808+00:00\n"
    csv += "L3,microsoft,functionality,1677-09-21T00:12:43.145224192Z\n"
    csv += "L4,microsoft,functionality,2262-04-11T23:47:16.854775807Z\n"
    report = check_text(tmp_path, csv, "l.csv")
    assert codes(report)["L1"] == ["E003"] and codes(report)["L2"] == ["E003"]
    assert codes(report)["L4"] == ["MMD010"]  # the last time read: after the end of life
    for f in report.findings:
        if f.record in ("L1", "L2", "L3"):
            assert "is outside the times the checker reads" in f.message, f.message


def test_a_change_type_taking_any_channel_says_so(tmp_path: Path) -> None:
    """A 2018 emergency update takes any documented channel ("Any (decided case by
    case)"); an undocumented one is MMD003, whose message said the documented channels
    were the change type's own."""
    record = (
        "- id: EM-1\n  initiator: microsoft\n  change_type: emergency-update\n"
        "  emergency: true\n  mitigated_at: 2019-03-01T08:00:00Z\n"
        "  notified_at: 2019-03-01T09:00:00Z\n  channels: [Teams]\n"
        "  starts_at: 2019-03-01T10:00:00Z\n"
    )
    [finding] = check_text(tmp_path, record).findings
    assert finding.rule == "MMD003"
    assert "(the 2018 change type 'emergency-update' takes any documented channel)" in (
        finding.message
    )


def test_an_unknown_channel_is_mmd003_where_channels_are_read_and_the_page_says_so(
    tmp_path: Path,
) -> None:
    """An undocumented channel on a notified change of Microsoft is MMD003 (the sample
    "announced by carrier pigeon"), not E004 as an unknown action is; a customer's record
    or a change without ``notified_at`` is not read for channels. The record-format page
    (generated from FIELD_SPECS) said only "the channels of data/channels.yaml" beside an
    actions row saying an unknown action is E004 (a tester's finding)."""
    from handbook.checker.codes import FIELD_SPECS

    text = (
        "- {id: N-1, initiator: microsoft, change_type: functionality,"
        " notified_at: 2023-03-01, channels: [fax], starts_at: 2023-03-06}\n"
        "- {id: U-1, initiator: microsoft, change_type: functionality,"
        " channels: [fax], starts_at: 2023-03-06}\n"
        "- {id: C-1, initiator: customer, sop_category: network, channels: [fax],"
        " support_request_at: 2023-03-01, advised_at: 2023-03-02, starts_at: 2023-03-06}\n"
    )
    assert codes(check_text(tmp_path, text)) == {"N-1": ["MMD003"]}
    [spec] = [s for s in FIELD_SPECS if s.name == "channels"]
    assert "{channel_rule}" in spec.description  # the data's channels rule, on the page
    assert "not an input error (E004)" in spec.description
    from handbook.site.generate import generate_site

    page = generate_site(handbook()).page("checker/record-format.md").markdown
    assert "read by MMD003" in page


def test_several_wrong_channels_state_the_requirement_once(tmp_path: Path) -> None:
    """Each wrong channel is named, then MMD003's requirement once: it is the same for
    every channel, and the message repeated it after each one (a tester's finding)."""
    text = (
        "- {id: W-1, initiator: microsoft, change_type: functionality,"
        " notified_at: 2023-03-01, channels: [cve, fax, email], starts_at: 2023-03-06}\n"
    )
    [finding] = check_text(tmp_path, text).findings
    assert finding.message == (
        "channel 'cve' is not documented for this change type; channel 'fax' is not a "
        "documented channel; MMD003 (Notification channel) requires one or more of: "
        "message-center, email (the channels of the 2022 change type 'functionality')"
    )

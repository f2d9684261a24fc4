"""``handbook import PAGE --compare``: a newer version of a seed page against the data."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..conftest import BIN, DATA, ROOT, run, seed_path


def _compare(page: Path) -> str:
    result = run(
        [str(BIN / "handbook"), "import", str(page), "--compare", "--data", str(DATA)], cwd=ROOT
    )
    assert result.returncode in (0, 1), result.stderr
    assert result.stderr == ""
    return result.stdout


@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
def test_an_unchanged_seed_changes_nothing(seed: str) -> None:
    """Not even a sample's verdict: the curated ``prohibits`` (MMD009), which no page
    states, are carried over by statement id (000 and 001 once showed verdicts change)."""
    out = _compare(seed_path(seed))
    assert "No change to statements, responsibilities, rules or verdicts." in out


def test_a_retitled_version_is_still_compared(tmp_path: Path) -> None:
    """A title that changed a little (one word dropped) is the same document."""
    text = seed_path("003").read_text(encoding="utf-8")
    page = tmp_path / "roles-later.md"
    page.write_text(text.replace("Microsoft 365 Managed Desktop", "Microsoft Managed Desktop"))
    assert "No change to statements" in _compare(page)


def test_two_versions_of_one_document_are_compared_one_at_a_time(tmp_path: Path) -> None:
    first, second = tmp_path / "a.md", tmp_path / "b.md"
    for page in (first, second):
        page.write_text(seed_path("002").read_text(encoding="utf-8"), encoding="utf-8")
    report = tmp_path / "report.json"
    result = run(
        [
            *(str(BIN / "handbook"), "import", str(first), str(second), "--compare"),
            *("--data", str(DATA), "--report", str(report)),
        ],
        cwd=ROOT,
    )
    assert result.returncode == 2
    assert result.stderr == (
        "handbook import: error: --compare: a.md, b.md are versions of one committed "
        "document (002); compare one version at a time\n"
    )
    assert report.is_file()  # the report is written before the comparison


def test_a_newer_page_shows_rewordings_and_moved_responsibilities(tmp_path: Path) -> None:
    text = seed_path("002").read_text(encoding="utf-8")
    text = (
        text.replace(
            "Read Microsoft Managed Desktop Message Center regularly.",
            "Read the Microsoft Managed Desktop Message Center every week.",
        )
        .replace(
            "| Apply security updates | Microsoft | Microsoft | Customer | Customer",
            "| Apply security updates | Microsoft | Microsoft | Both | Customer",
        )
        .replace(
            "<li>Monitor data signals and support queues for impact.</li></ul> | <ul><li>Work",
            "</ul> | <ul><li>Work",
        )
    )
    page = tmp_path / "change-management.md"
    page.write_text(text, encoding="utf-8")
    out = _compare(page)
    assert "Reworded, 2022 · Before a change · Customer: Read **the** Microsoft" in out
    assert "“Apply security updates”: **Customer** → **Both**" in out
    assert "Removed, 2022 · After a change · Microsoft: “Monitor data signals" in out
    assert not (DATA.parent / "imported").exists()


def test_a_page_of_no_committed_document_cannot_be_compared() -> None:
    page = ROOT / "tests" / "importer" / "pages" / "roles.md"
    result = run(
        [str(BIN / "handbook"), "import", str(page), "--compare", "--data", str(DATA)], cwd=ROOT
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("handbook import: error: --compare: ")
    assert "not a version of a committed document" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_a_version_without_a_type_the_rules_name_is_still_compared(tmp_path: Path) -> None:
    """A later version drops the 2018 feature updates, which MMD005 applies to and a 2022
    type succeeds: the comparison leaves those names out and says so (it once failed)."""
    text = seed_path("000").read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("Feature updates and new"))
    page = tmp_path / "operations-later.md"
    page.write_text(text.replace(row + "\n", ""), encoding="utf-8")
    out = _compare(page)
    assert (
        "Rule MMD005 applied only to change type feature-update, which this version no "
        "longer has; left out." in out
    )
    assert "Change type functionality (2022) succeeded feature-update" in out


def test_a_change_type_s_examples_and_both_parties_roles_are_compared(tmp_path: Path) -> None:
    """A reworded example of change said "No change"; removing both parties' "End user
    support" role showed only the customer's removal (the two share an id)."""
    text = seed_path("002").read_text(encoding="utf-8")
    page = tmp_path / "change-management.md"
    page.write_text(text.replace("IT Admin Portal", "IT admin center", 1), encoding="utf-8")
    out = _compare(page)
    assert "examples:" in out and "IT admin center" in out
    roles = [
        line
        for line in seed_path("003").read_text(encoding="utf-8").splitlines()
        if not line.startswith("End user support |")
    ]
    page = tmp_path / "roles.md"
    page.write_text("\n".join(roles) + "\n", encoding="utf-8")
    out = _compare(page)
    assert "Removed, Role “End user support” (Microsoft)" in out
    assert "Removed, Role “End user support” (Customer)" in out


def test_an_unreadable_page_is_no_comparison(tmp_path: Path) -> None:
    """A typo in the path printed "No change" (the page changes nothing) and exit 1."""
    result = run(
        [str(BIN / "handbook"), "import", str(tmp_path / "nope.md"), "--compare"], cwd=ROOT
    )
    assert result.returncode == 2 and "No change" not in result.stdout
    assert "nope.md" in result.stderr


def test_a_renamed_category_or_role_keeps_its_id_and_its_curated_data(tmp_path: Path) -> None:
    """A renamed SOP category was a removed one and an added one, and its statements lost
    their curated ``prohibits`` (MMD009's verdicts changed); likewise a renamed role."""
    text = seed_path("000").read_text(encoding="utf-8")
    page = tmp_path / "ops.md"
    page.write_text(
        text.replace("Microsoft Store for Business", "Microsoft Store for Business (retired)"),
        encoding="utf-8",
    )
    out = _compare(page)
    assert "Renamed SOP category `store-for-business` (2018)" in out
    assert "Added SOP category" not in out and "verdict" not in out.split("\n\n")[1]
    roles = seed_path("003").read_text(encoding="utf-8")
    page = tmp_path / "roles.md"
    page.write_text(roles.replace("End user support |", "End-user help desk |", 1))
    out = _compare(page)
    assert "Added" not in out and "Removed" not in out, out
    assert "Renamed role of Microsoft `end-user-support`: “End-user help desk”" in out


def test_a_category_renamed_with_a_duty_it_alone_had_keeps_its_id(tmp_path: Path) -> None:
    """Learn's later operations page (jaimeo) renamed "Windows Defender Advanced Threat
    Protection" "Microsoft Defender for Endpoint" and rewrote its customer duty; its
    Microsoft duty, which no other category has, is word for word the same. It was a
    removed category and an added one."""
    text = seed_path("000").read_text(encoding="utf-8")
    old = (
        "Open an informational support ticket with Microsoft Managed Desktop Operations when "
        "planning a change that may impact the monitoring or investigative capabilities of the "
        "Microsoft Managed Desktop Security Operations Center"
    )
    new = "Only apply a change once Microsoft Managed Desktop Operations has assessed and advised"
    assert old in text
    page = tmp_path / "ops.md"
    page.write_text(
        text.replace(
            "Windows Defender Advanced Threat Protection", "Microsoft Defender for Endpoint"
        ).replace(old, new),
        encoding="utf-8",
    )
    out = _compare(page)
    assert "Renamed SOP category `defender-for-endpoint` (2018)" in out, out
    assert "Added SOP category" not in out and "Removed SOP category" not in out, out

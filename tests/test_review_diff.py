"""``handbook diff``: the real CLI in a temporary git repository holding a copy of data/."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import DATA
from .conftest import edit as _edit
from .review_support import data_repo
from .review_support import diff as _diff
from .review_support import git as _git


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose one commit holds the project's data/."""
    return data_repo(tmp_path)


def test_notice_of_7_days_shows_the_parameter_and_the_verdicts_that_change(repo: Path) -> None:
    _edit(repo / "data" / "rules.yaml", "at_least: P5D}", "at_least: P7D}")
    run = _diff(repo, "HEAD")
    assert run.returncode == 0, run.stderr
    assert (
        "- **MMD001** Advance notice, notified_at before starts_at: "
        "at least 5 days (120 hours) → at least 7 days (168 hours)\n"
    ) in run.stdout
    assert "| mmd001-advance-notice.yaml | CHG-0101 " in run.stdout
    data = json.loads(_diff(repo, "HEAD", "--format", "json").stdout)
    assert data["rules"] == [
        {
            "id": "MMD001",
            "title": "Advance notice",
            "parameters": [
                {
                    "what": "notified_at before starts_at",
                    "old": "at least 5 days (120 hours)",
                    "new": "at least 7 days (168 hours)",
                }
            ],
            "edition": None,
        }
    ]
    # exactly the records notified 5 or 6 days ahead now break MMD001, and nothing else moved
    changed = {(v["file"], v["record"]): (v["old"], v["new"]) for v in data["verdicts"]}
    assert changed == {
        ("mmd001-advance-notice.yaml", "CHG-0101"): ([], ["MMD001"]),
        ("mmd001-advance-notice.yaml", "CHG-0104"): ([], ["MMD001"]),
        ("certificates-and-mixed.csv", "CHG-1704"): ([], ["MMD001"]),
    }
    assert all(v["matches"] is False for v in data["verdicts"])
    assert data["statements"] == data["moves"] == data["items"] == data["change_types"] == []


def test_a_change_type_parameter_and_the_verdicts_it_changes(repo: Path) -> None:
    _edit(
        repo / "data" / "change-types.yaml",
        "channels: [message-center, email]",
        "channels: [email]",
    )
    run = _diff(repo, "HEAD")
    assert run.returncode == 0, run.stderr
    assert "channels: message-center, email → email\n" in run.stdout
    assert "### Change type parameters" in run.stdout


def test_a_reworded_statement_shows_the_changed_words(repo: Path) -> None:
    _edit(
        repo / "data" / "change-process.csv",
        "Read and understand notification email.",
        "Read and acknowledge every notification email.",
    )
    run = _diff(repo, "HEAD")
    assert run.returncode == 0, run.stderr
    assert (
        "- Reworded, 2018 · Before a change · Customer: "
        "Read and ~~understand~~ **acknowledge every** notification email.\n"
    ) in run.stdout
    assert "Sample verdicts" not in run.stdout


def test_a_removed_role_keeps_its_list_items_apart(repo: Path) -> None:
    # the items of a statement, and a role's statements, were joined by spaces, so list
    # items ran together ("… either: Deployable package (Appx or MSI), or Installation
    # instructions and executable file The customer is responsible for: …")
    roles = repo / "data" / "roles.yaml"
    text = roles.read_text(encoding="utf-8")
    start = text.index("- id: apps\n")
    end = text.find("\n- id: ", start) + 1 or len(text)  # the last role, or the one before another
    roles.write_text(text[:start] + text[end:], encoding="utf-8")
    run = _diff(repo, "HEAD")
    assert run.returncode == 0, run.stderr
    assert (
        "either: Deployable package (Appx or MSI), or Installation instructions and "
        "executable file; The customer is responsible for: App license management: Having "
        "the right type and quantity of licenses; App assignment: Assigning apps to Azure AD "
        "user groups; App updates: Monitoring"
    ) in run.stdout
    # listed as removed, as a change type or SOP category is (it showed as statements only)
    assert "- Removed role of Customer `apps`: “Apps”" in run.stdout


def test_responsibilities_that_move_between_parties(repo: Path) -> None:
    _edit(
        repo / "data" / "responsibility-matrix.csv",
        "test-new-features,Test new features for quality assurance,microsoft,",
        "test-new-features,Test new features for quality assurance,customer,",
    )
    _edit(
        repo / "data" / "change-process.csv",
        "2018,before,customer,Read and understand notification email.",
        "2018,before,microsoft,Read and understand notification email.",
    )
    run = _diff(repo, "HEAD")
    assert run.returncode == 0, run.stderr
    assert (
        "- Responsibility matrix · Microsoft Managed Desktop service: "
        "“Test new features for quality assurance”: **Microsoft** → **Customer**\n"
    ) in run.stdout
    assert (
        "- 2018 · Before a change: “Read and understand notification email.”: "
        "**Customer** → **Microsoft**\n"
    ) in run.stdout
    assert "### Statements" not in run.stdout


def test_two_revisions_and_the_step_summary(repo: Path, tmp_path: Path) -> None:
    _edit(repo / "data" / "rules.yaml", "at_least: P5D}", "at_least: P7D}")
    _git(repo, "commit", "-q", "-am", "7 days")
    summary = tmp_path / "summary.md"
    summary.write_text("before\n", encoding="utf-8")
    run = _diff(
        repo, "HEAD~1", "HEAD", "--format", "json", env={"GITHUB_STEP_SUMMARY": str(summary)}
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["rules"][0]["id"] == "MMD001"
    written = summary.read_text(encoding="utf-8")
    assert written.startswith("before\n## What this data change means: HEAD\\~1 (")
    assert "at least 7 days (168 hours)" in written
    same = _diff(repo, "HEAD")
    assert "No change to statements, responsibilities, rules or verdicts." in same.stdout


def _usage_error(run: subprocess.CompletedProcess[str]) -> str:
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert run.stdout == ""
    assert len(run.stderr.splitlines()) == 1, run.stderr
    return run.stderr


def test_usage_errors_are_one_line_and_exit_2(
    repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    assert "unknown revision 'no-such-branch'" in _usage_error(_diff(repo, "no-such-branch"))
    plain = tmp_path_factory.mktemp("plain")
    shutil.copytree(DATA, plain / "data")
    assert "not a git repository" in _usage_error(_diff(plain, "HEAD"))
    (repo / "new").mkdir()
    shutil.copytree(DATA, repo / "new" / "data")
    error = _usage_error(_diff(repo / "new", "HEAD"))
    assert "no data folder 'new/data/' at revision 'HEAD'" in error
    _edit(repo / "data" / "channels.yaml", "  name:", "  nmae:")
    _git(repo, "commit", "-q", "-am", "broken")
    error = _usage_error(_diff(repo, "HEAD"))
    assert "the data at HEAD (" in error
    assert "data/channels.yaml:" in error
    assert "handbook-diff-" not in error  # names the file as in the repository


def test_an_sop_statement_that_changes_party_is_a_move(repo: Path) -> None:
    _edit(
        repo / "data" / "sop-categories.yaml",
        "  microsoft:\n    - id: network-advise-and-plan-with-customers-to\n"
        "      text: Advise and plan with customers to minimize risk to business users.\n"
        "  customer:\n",
        "  customer:\n    - id: network-advise-and-plan-with-customers-to\n"
        "      text: Advise and plan with Microsoft to minimize risk to business users.\n",
    )
    run = _diff(repo, "HEAD")
    assert run.returncode == 0, run.stderr
    assert (
        "- 2022 · SOP category “Network (proxy, packet inspection, VPN)”: “Advise and plan with "
        "~~customers~~ **Microsoft** to minimize risk to business users.”: "
        "**Microsoft** → **Customer**\n"
    ) in run.stdout
    assert "### Statements" not in run.stdout


def test_a_statement_reworded_completely_keeps_its_id_and_is_a_rewording(repo: Path) -> None:
    _edit(
        repo / "data" / "change-process.csv",
        "Read and understand notification email.",
        "Subscribe to every announcement channel.",
    )
    run = _diff(repo, "HEAD")
    assert run.returncode == 0, run.stderr
    assert "- Reworded, 2018 · Before a change · Customer: " in run.stdout
    assert "**Subscribe to every announcement channel.**" in run.stdout
    assert "Added" not in run.stdout and "Removed" not in run.stdout
    # without the id, the same edit is a removal and an addition
    _edit(repo / "data" / "change-process.csv", "before-customer-read-and-understand-", "x-")
    run = _diff(repo, "HEAD")
    assert "Reworded" not in run.stdout and "Added" in run.stdout and "Removed" in run.stdout


def test_dates_of_editions_and_documents_and_expected_codes_show(repo: Path) -> None:
    """An edition's in-force date (it selects the rules a record meets), a document's
    ms.date and a changed expectation in samples.yaml changed no line of the review."""
    data = repo / "data"
    _edit(data / "editions.yaml", "in_force_from: 2022-12-06", "in_force_from: 2022-12-01")
    _edit(data / "editions.yaml", "in_force_until: 2022-12-05", "in_force_until: 2022-11-30")
    _edit(data / "editions.yaml", "ms_date: 2018-09-24", "ms_date: 2018-09-25")
    _edit(data / "samples" / "samples.yaml", "CHG-0102: [MMD001]", "CHG-0102: []")
    run = _diff(repo, "HEAD")
    assert run.returncode == 0, run.stderr
    assert "in force from: 2022-12-06 → 2022-12-01" in run.stdout
    assert "ms.date: 2018-09-24 → 2018-09-25" in run.stdout
    assert "| mmd001-advance-notice.yaml | CHG-0102 " in run.stdout


def test_an_added_rule_shows_every_parameter(repo: Path) -> None:
    rules = repo / "data" / "rules.yaml"
    text = rules.read_text(encoding="utf-8")
    start = text.index("- id: MMD001")
    end = text.index("- id: MMD002")
    rules.write_text(text + text[start:end].replace("MMD001", "MMD011"), encoding="utf-8")
    run = _diff(repo, "HEAD", "--format", "json")
    assert run.returncode == 0, run.stderr
    (added,) = [r for r in json.loads(run.stdout)["rules"] if r["id"] == "MMD011"]
    params = {p["what"]: (p["old"], p["new"]) for p in added["parameters"]}
    assert params["notified_at before starts_at"] == (None, "at least 5 days (120 hours)")


def test_an_id_renamed_under_the_same_name_is_one_rename(repo: Path) -> None:
    """A matrix row whose id changed (its text did not) was an added and a removed row,
    unrelated in the list; the reviewer sees one rename that names both ids."""
    _edit(repo / "data" / "responsibility-matrix.csv", "test-new-features,", "test-features,")
    run = _diff(repo, "HEAD")
    assert run.returncode == 0, run.stderr
    assert (
        "- Renamed matrix row `test-features`: “Test new features for quality assurance” "
        "(id was `test-new-features`)"
    ) in run.stdout.splitlines()
    assert "1 item added, removed or renamed" in run.stdout
    run = _diff(repo, "HEAD", "--format", "json")
    (item,) = json.loads(run.stdout)["items"]
    assert (item["status"], item["id"], item["old_id"]) == (
        "renamed",
        "test-features",
        "test-new-features",
    )

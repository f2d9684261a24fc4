"""``handbook import PAGE --compare``: a newer version of a seed page against the data."""

from __future__ import annotations

from pathlib import Path

from ..conftest import BIN, DATA, ROOT, run, seed_path


def _compare(page: Path) -> str:
    result = run(
        [str(BIN / "handbook"), "import", str(page), "--compare", "--data", str(DATA)], cwd=ROOT
    )
    assert result.returncode in (0, 1), result.stderr
    assert result.stderr == ""
    return result.stdout


def test_the_unchanged_seed_changes_nothing() -> None:
    out = _compare(seed_path("002"))
    assert "No change to statements, responsibilities, rules or verdicts." in out


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

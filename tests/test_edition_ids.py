"""An edition id is a name, not necessarily a year: a service that publishes two editions
in a year names them ``2024-03`` and ``2024-09``.

The data's 2022 edition renamed ``2022-12`` everywhere: the data is valid, every sample
keeps its verdict, the site builds strictly with the edition's pages under its id, a
party's page lists the newest edition's groups first, and ``handbook check`` reads the id
in a record. (The model once required four digits, and a party's page found the newest
edition by reading a year out of each group's label.)
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from .conftest import BIN, copy_project, mkdocs_build, run

NEW = "2022-12"


def _rename_2022(data: Path) -> None:
    for path in [*data.glob("*.yaml"), *(data / "samples").glob("*.yaml")]:
        text = path.read_text(encoding="utf-8").replace('"2022"', f'"{NEW}"')
        # prose sections are named <page>-<edition>
        text = re.sub(r"^(- id: [a-z-]+)-2022$", rf"\1-{NEW}", text, flags=re.M)
        path.write_text(text, encoding="utf-8")
    process = data / "change-process.csv"
    rows = list(csv.reader(io.StringIO(process.read_text(encoding="utf-8"))))
    column = rows[0].index("edition")
    for row in rows[1:]:
        row[column] = NEW if row[column] == "2022" else row[column]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    process.write_text(out.getvalue(), encoding="utf-8")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("editions") / "project")
    _rename_2022(root / "data")
    return root


def test_an_edition_named_by_month_is_valid_and_keeps_every_verdict(project: Path) -> None:
    data = str(project / "data")
    valid = run([str(BIN / "handbook"), "validate", "--data", data])
    assert valid.returncode == 0, valid.stdout + valid.stderr
    verify = run([str(BIN / "handbook"), "verify", "--data", data])
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "18 of 18 samples match" in verify.stdout


def test_the_site_files_the_edition_under_its_id(project: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    assert (site / "editions" / NEW / "index.html").is_file()
    assert (site / "editions" / f"2018-to-{NEW}" / "index.html").is_file()
    page = BeautifulSoup(
        (site / "who-does-what" / "microsoft" / "index.html").read_text("utf-8"), "lxml"
    )
    for section in ("Change process", "Change types", "Standard operating procedures"):
        h2 = next(h for h in page.find_all("h2") if h.get_text(" ", strip=True).startswith(section))
        editions = []
        for h in h2.find_all_next(["h2", "h3"]):
            if h.name == "h2":
                break
            editions.append(h.get_text(" ", strip=True).rsplit("(", 1)[1].rstrip(")"))
        # the newest edition's groups first
        assert editions == sorted(editions, key=lambda e: e != NEW) and editions[0] == NEW, (
            section,
            editions,
        )


def test_a_record_names_the_edition_by_its_id(project: Path, tmp_path: Path) -> None:
    record = tmp_path / "changes.yaml"
    record.write_text(
        "- id: R-1\n"
        "  initiator: microsoft\n"
        "  change_type: functionality\n"
        f"  edition: {NEW}\n"
        "  requires_admin_action: true\n"
        "  notified_at: 2023-03-01T09:00:00Z\n"
        "  starts_at: 2023-03-09T09:00:00Z\n"
        "  channels: [message-center]\n",
        encoding="utf-8",
    )
    data = str(project / "data")
    result = run([str(BIN / "handbook"), "check", "--data", data, str(record)])
    assert result.returncode == 0, result.stdout + result.stderr
    wrong = run([str(BIN / "handbook"), "check", "--data", data, "--edition", "2022", str(record)])
    assert wrong.returncode == 2 and NEW in wrong.stderr, wrong.stderr

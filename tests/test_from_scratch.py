"""A project written from scratch for another service, as a new team would start one.

``tests/from_scratch/`` is a small Windows Autopatch handbook (the provider named Windows
Autopatch, the customer labelled You, rules ``WAP001``-``WAP004``, three editions 2021, 2023
and 2024, no end of life), written from the published pages "Roles and responsibilities"
(ms.date 2022-12-19 and 2023-06-27, imported with ``handbook import``) and "Windows quality
update communications" (2024-09-16) by following README.md and CONTRIBUTING.md. Unlike
``test_another_service.py`` (a renamed copy of MMD's data), nothing in it comes from MMD:
its oldest edition has SOP categories only (no change types, no change process), and its
data files hold only what those pages say.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from .conftest import BIN, mkdocs_build, run
from .from_scratch_support import assert_data_checks_pass, build_copy, page_text

FIXTURE = Path(__file__).parent / "from_scratch"

#: What no page of another service's site may say: MMD's names, years, seed ids and site.
MMD_WORDS = re.compile(
    r"Managed Desktop|\bMMD|\b2018\b|\b00[0-4]\b|learn\.microsoft\.com/en-us/microsoft-365"
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # an edition without change types once put its missing change-management pages in
    # the nav: "A reference to 'editions/2021/change-management/index.md' is included in
    # the 'nav' configuration, which is not found", so the strict build aborted
    return build_copy(FIXTURE, tmp_path_factory.mktemp("autopatch"))


def test_the_data_is_valid_and_its_samples_match() -> None:
    assert_data_checks_pass(FIXTURE / "data")


def test_no_page_speaks_of_mmd(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 40
    found = {
        f"{p.relative_to(site)}: {m.group(0)}"
        for p in pages
        for m in MMD_WORDS.finditer(page_text(p))
    }
    assert not found, sorted(found)


def test_the_oldest_edition_has_its_sops_and_no_change_management(site: Path) -> None:
    edition = site / "editions" / "2021"
    assert (edition / "sops" / "prepare" / "index.html").is_file()
    assert not (edition / "change-management").exists()
    nav = BeautifulSoup((edition / "index.html").read_text("utf-8"), "html.parser")
    links = {a.get("href", "") for a in nav.select("nav a")}
    assert not any("2021/change-management" in href for href in links), links


def test_the_record_format_names_the_channels_rule_of_the_data(site: Path) -> None:
    """The channels field's description named MMD003, a rule this service does not have."""
    text = page_text(site / "checker" / "record-format" / "index.html")
    assert "read by WAP002 on a change of Windows Autopatch" in text
    assert "is a WAP002 finding, not an input error" in text


def test_the_errata_page_of_a_service_without_reviewer_notes(site: Path) -> None:
    """It said "Reviewer notes left in the drafts …" (MMD's 2018 drafts) of every service."""
    text = page_text(site / "errata" / "index.html")
    assert "drafts" not in text and "Reviewer notes" not in text


def test_a_new_data_folder_is_told_what_each_missing_file_holds(tmp_path: Path) -> None:
    """A first ``handbook validate`` on an empty folder said only "file not found"."""
    data = tmp_path / "data"
    data.mkdir()
    result = run([str(BIN / "handbook"), "validate", "--data", str(data)])
    assert result.returncode == 1, result.stdout + result.stderr
    output = result.stdout + result.stderr
    lines = [line for line in output.splitlines() if "missing-file" in line]
    assert len(lines) == 15, output
    assert all("(create it" in line for line in lines), lines
    [matrix] = [line for line in lines if "responsibility-matrix.csv" in line]
    assert matrix.endswith("header row (alone for no entries): id,responsibility,doc,section)")
    [rules] = [line for line in lines if "rules.yaml" in line]
    assert rules.endswith("(create it: add its entries ('- id: ...'), or write [] for none)")
    # a sample file's entries are keyed on 'file' (it said '- id: ...' of them too)
    [samples] = [line for line in lines if "samples.yaml" in line]
    assert samples.endswith("(create it: add its entries ('- file: ...'), or write [] for none)")


def test_a_statement_links_alike_on_every_page_that_shows_it(site: Path) -> None:
    """A duty's relative seed link, shown on a party's page or a rule's "Statements this
    rule enforces", was resolved without its document's path ("…/windows-autopatch/../
    prepare/…", on MMD's site "…/managed-desktop/../operate/assign-deployment-group");
    it now resolves as on the duty's own page."""
    want = (
        "https://learn.microsoft.com/en-us/windows/deployment/windows-autopatch/"
        "prepare/windows-autopatch-prerequisites"
    )
    for page in ("editions/2023/sops/prepare", "who-does-what/customer", "rules/wap004"):
        soup = BeautifulSoup((site / page / "index.html").read_text("utf-8"), "html.parser")
        hrefs = [a["href"] for a in soup.select("article a[href]")]
        assert want in hrefs, page
        assert not [h for h in hrefs if "/../" in h and h.startswith("http")], page


def test_a_change_type_in_an_edition_without_change_types(tmp_path: Path) -> None:
    """E004 said "expected one of: " with nothing after it for the 2021 edition, which has
    SOP categories only."""
    records = tmp_path / "changes.csv"
    records.write_text(
        "id,initiator,change_type,notified_at,channels,starts_at\n"
        "C-1,Windows Autopatch,Windows quality update,2022-01-01,Messages blade,2022-01-09\n",
        encoding="utf-8",
    )
    args = ["check", "--data", str(FIXTURE / "data"), str(records)]
    result = run([str(BIN / "handbook"), *args])
    assert result.returncode == 1, result.stdout + result.stderr
    assert (
        "E004 [C-1] change_type 'Windows quality update' is not a change type of the 2021 "
        "edition; that edition has none ('quality-update' is a 2023, 2024 change type"
    ) in result.stdout
    assert "expected one of:  " not in result.stdout


def test_the_overview_shows_only_the_sections_the_service_has(site: Path) -> None:
    """overview.yaml keeps MMD's keys; a service whose overview page has only an
    introduction wrote the others empty, and the page showed five headings over "None
    stated." and two tables of headers alone."""
    soup = BeautifulSoup((site / "overview" / "index.html").read_text("utf-8"), "html.parser")
    article = soup.select_one("article")
    assert article is not None
    headings = [h.get_text(" ", strip=True).rstrip("¶ ") for h in article.select("h2")]
    assert headings == [], headings
    assert "None stated" not in article.get_text(" ")
    assert not article.select("table")
    assert "automates updating Windows" in article.get_text(" ")


def test_the_sop_statements_table_counts_the_editions(site: Path) -> None:
    """The SOP page's table of every statement was headed "Every statement, both
    editions" whatever the number of editions (three here)."""
    text = page_text(site / "sops" / "index.html")
    assert "both editions" not in text
    assert "Every statement, every edition" in text
    assert "every SOP category in every edition: filter by party" in text


PAGE = """\
---
title: Roles and responsibilities
ms.date: 06/27/2023
---

# Roles and responsibilities

## Prepare

| Task | Your responsibility | Windows Autopatch |
| ----- | :-----: | :-----: |
| Review the prerequisites | :heavy_check_mark: | :x: |
"""


@pytest.mark.parametrize(
    ("name", "doc", "edition"),
    [("roles-responsibilities.md", "101", "2023"), ("roles.md", "101", "2023")],
)
def test_import_finds_the_version_of_a_page_by_its_file_name(
    tmp_path: Path, name: str, doc: str, edition: str
) -> None:
    """Two versions of one page share a title (documents 100 and 101). A page named as
    document 101's file was taken for document 100, the first with the title, and filed
    under the 2021 edition; the file name now wins, and a title alone picks the newest."""
    page = tmp_path / name
    page.write_text(PAGE, encoding="utf-8")
    out = tmp_path / "imported"
    args = ["import", str(page), "--data", str(FIXTURE / "data"), "--out", str(out)]
    result = run([str(BIN / "handbook"), *args])
    assert result.returncode in (0, 1), result.stderr
    assert f"(doc {doc}, 2023-06-27, edition {edition})" in result.stdout, result.stdout


def test_a_project_without_learn_base_url_is_told_to_set_it(tmp_path: Path) -> None:
    """Without ``learn_base_url`` the data's relative links (``../prepare/….md``) silently
    became links into MMD's Learn pages; the strict build now stops and says what to set."""
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r" *learn_base_url: .*\n", "", text), encoding="utf-8")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 1, result.stderr
    assert "handbook: no learn_base_url in the handbook plugin's options" in result.stderr
    assert "set learn_base_url to the base URL of the service's published pages" in (result.stderr)
    assert "Traceback" not in result.stderr
    # the commands that run without MkDocs say it too (they went to MMD's pages silently)
    warning = "warning: no learn_base_url in the handbook plugin's options of mkdocs.yml"
    data = str(project / "data")
    pages = run([str(BIN / "handbook"), "pages", "--data", data, "--out", str(tmp_path / "p")])
    assert pages.returncode == 0 and f"handbook pages: {warning}" in pages.stderr, pages.stderr
    oscal = [str(BIN / "handbook"), "export", "oscal", "--data", data, "--out"]
    exported = run([*oscal, str(tmp_path / "o")])
    assert exported.returncode == 0 and f"handbook export oscal: {warning}" in exported.stderr
    given = run([*oscal, str(tmp_path / "g"), "--learn-base-url", "https://example.org/docs/"])
    assert given.returncode == 0 and warning not in given.stderr
    build = [str(BIN / "handbook"), "build", "--engine", "zensical", "--out", str(tmp_path / "z")]
    built = run([*build, "--site-dir", str(tmp_path / "zs")], cwd=project)
    assert f"handbook build: {warning}" in built.stderr, built.stderr

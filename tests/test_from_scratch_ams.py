"""A second project written from scratch: AWS Managed Services (AMS), whose rules are on
the customer's changes.

``tests/from_scratch_ams/`` was written by following README.md ("Another service") from
the AMS Advanced guides' pages "Schedule RFCs" (two versions: "review required", then
"managed automation" change types), "Change management modes" and "Request RFC
restricted run periods" (imported with ``handbook import``, then edited). Unlike the
Windows Autopatch fixture it has no change types, no channels and no change process at
all: a customer submits requests for change (RFCs) whose lead time is in hours (rules
``AMS001``-``AMS003``, PT24H and PT10M, on SOP categories), the provider is named AMS, the
customer labelled You, and the newest edition is still in force (no end of life).
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from handbook.pdf import Printed, with_metadata

from .conftest import BIN, mkdocs_build, run
from .from_scratch_support import assert_data_checks_pass, build_copy, page_text

FIXTURE = Path(__file__).parent / "from_scratch_ams"

#: What no page of this site may say: MMD's names, seeds, channels and site.
MMD_WORDS = re.compile(
    r"Microsoft|Managed Desktop|\bMMD|Intune|Message Center|\b00[0-4]\b|learn\.microsoft"
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_copy(FIXTURE, tmp_path_factory.mktemp("ams"))


def test_the_data_is_valid_and_its_samples_match() -> None:
    assert_data_checks_pass(FIXTURE / "data")


def test_no_page_speaks_of_mmd(site: Path) -> None:
    """The record format said "(e.g. `…`)" of a service without change types and showed
    MMD's channel Message Center as the example of how values are spelt."""
    found = {
        f"{p.relative_to(site)}: {m.group(0)}"
        for p in sorted(site.rglob("*.html"))
        for m in MMD_WORDS.finditer(page_text(p))
    }
    assert not found, sorted(found)
    text = page_text(site / "checker" / "record-format" / "index.html")
    assert "e.g. …" not in text
    assert "automated_change_types , automated-change-types and automatedchangetypes" in text
    assert "are one SOP category" in text
    assert "certificates category" not in text  # MMD's SOP category, named by a field


def test_the_edition_in_force_is_said_to_be_in_force(site: Path) -> None:
    """A service still running read "The Managed automation edition was in force from
    2025-01-15 onwards (in force today)"."""
    text = page_text(site / "overview" / "index.html")
    assert "The Managed automation edition is in force since 2025-01-15." in text
    assert "was in force from 2025-01-15" not in text
    assert "The Review required edition was in force from 2023-03-01 through 2025-01-14" in text


def test_the_oscal_plan_names_the_service(site: Path) -> None:
    """Its one information type was "Managed device operations", MMD's devices."""
    ssp = json.loads((site / "downloads" / "oscal" / "2025" / "ssp.json").read_text("utf-8"))
    info = ssp["system-security-plan"]["system-characteristics"]["system-information"]
    [kind] = info["information-types"]
    assert kind["title"] == "AWS Managed Services operations"


def test_the_pdf_names_no_other_product() -> None:
    """The PDF's /Creator was "handbook pdf (Managed Desktop Operations Handbook)"."""
    pypdf = pytest.importorskip("pypdf", reason="pypdf is not installed: pip install -e '.[test]'")
    blank = pypdf.PdfWriter()
    blank.add_blank_page(width=200, height=200)
    out = BytesIO()
    blank.write(out)
    printed = Printed(out.getvalue(), "AWS Managed Services Operations Handbook", "")
    pdf = with_metadata(printed, None, datetime(2025, 6, 2, tzinfo=UTC))
    meta = pypdf.PdfReader(BytesIO(pdf)).metadata
    assert meta is not None and meta["/Creator"] == "handbook pdf"


RFCS = """\
id,initiator,change_type,sop_category,notified_at,starts_at
RFC-1,You,,managed-automation-change-types,2025-06-02T09:00:00Z,2025-06-03T09:00:00Z
RFC-2,customer,Automated change types,,2025-06-02T09:00:00Z,2025-06-02T09:20:00Z
RFC-3,AMS,maintenance,,2025-06-02T09:00:00Z,2025-06-09T09:00:00Z
"""


def test_a_change_managers_records_are_told_what_to_write(tmp_path: Path) -> None:
    """An unknown initiator was told "expected one of: microsoft, customer", though this
    service's provider is AMS (and ``AMS`` is read as ``microsoft``); a customer's RFC
    giving its "change type" (AMS's word) was told only that sop_category is missing."""
    records = tmp_path / "rfcs.csv"
    records.write_text(RFCS, encoding="utf-8")
    args = ["check", "--data", str(FIXTURE / "data"), str(records)]
    result = run([str(BIN / "handbook"), *args])
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    assert (
        "E003 [RFC-1] initiator 'You' is unknown; expected one of: microsoft (AMS), customer\n"
    ) in out
    assert (
        "E002 [RFC-2] sop_category is missing; a change initiated by the customer needs its "
        "SOP category, and change_type is not read on it: write its SOP category as "
        "sop_category\n"
    ) in out
    assert "initiator 'AMS'" not in out  # the provider's name is read as its id


def test_a_rule_on_the_change_types_of_customer_changes_is_refused(tmp_path: Path) -> None:
    """AMS calls the customer's requests "change types"; a rule written so (``initiator:
    customer, change_type: [...]``) was valid and never applied, as the checker reads a
    change type on the provider's changes only: ``handbook verify`` failed with no reason."""
    data = tmp_path / "data"
    shutil.copytree(FIXTURE / "data", data)
    (data / "change-types.yaml").write_text(
        "- id: review-required\n  edition: '2023'\n  name: Review required\n  channels: any\n"
        "  description: Reviewed by an operator.\n"
        "  source: {doc: '100', section: Review required change types}\n",
        encoding="utf-8",
    )
    rules = data / "rules.yaml"
    text = rules.read_text(encoding="utf-8")
    old = "{initiator: customer, sop_category: [review-required-change-types]}"
    assert old in text
    rules.write_text(
        text.replace(old, "{initiator: customer, change_type: [review-required]}"), "utf-8"
    )
    result = run([str(BIN / "handbook"), "validate", "--data", str(data)])
    assert result.returncode == 1, result.stdout + result.stderr
    assert (
        "rules.yaml:8:37: error[wrong-value] rule AMS001 never applies: change_type is read on "
        "the changes of 'microsoft' only, and the rule applies to those of 'customer' (tell "
        "the changes of 'customer' apart by sop_category)"
    ) in result.stdout + result.stderr


def test_a_service_without_roles_has_no_roles_section(site: Path) -> None:
    """roles.yaml is ``[]``: the site had a Roles section of three pages saying "0 roles:
    see AMS roles" over empty tables, in the nav, the print edition and the PDF."""
    assert not (site / "roles").exists()
    home = BeautifulSoup((site / "index.html").read_text("utf-8"), "html.parser")
    assert "Roles" not in [a.get_text(" ", strip=True) for a in home.select("nav a")]
    assert "0 roles" not in page_text(site / "print" / "index.html")


def test_the_change_management_page_links_only_the_pages_there_are(tmp_path: Path) -> None:
    """With change types and no change process, the Change management page linked its
    "Change process" page, which is not built (a dead link: strict MkDocs does not look at
    raw HTML links); and it lowered the activities' whole names ("aws apis", "rfcs")."""
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    (project / "data" / "change-types.yaml").write_text(
        "- id: planned-maintenance\n  edition: '2025'\n  name: Planned maintenance\n"
        "  channels: any\n  description: Maintenance AMS plans in your accounts.\n"
        "  source: {doc: '101', section: Schedule RFCs}\n",
        encoding="utf-8",
    )
    site = tmp_path / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    page = site / "change-management" / "index.html"
    soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
    hrefs = [str(a["href"]) for a in soup.select("article a[href]")]
    assert "change-types/" in hrefs
    for href in hrefs:
        if not href.startswith(("http", "#")):
            assert (page.parent / href.split("#")[0] / "index.html").is_file(), href
    text = page_text(page)
    assert "manage resources created with AWS APIs and consoles" in text
    assert "Change process" not in text


def test_every_link_leads_to_a_page(site: Path) -> None:
    """The Record format page linked the ServiceNow mapping page, which a project without
    ``data/mappings/`` does not have (raw HTML, so strict MkDocs did not see it)."""
    dead = set()
    for page in sorted(site.rglob("*.html")):
        if page.name == "404.html":  # its links are absolute, from the site's root
            continue
        soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
        for a in soup.select("a[href]"):
            href = str(a["href"]).split("#")[0]
            if not href or href.startswith(("http:", "https:", "mailto:", "data:")):
                continue
            target = page.parent / href
            if not (target / "index.html" if target.is_dir() else target).is_file():
                dead.add(f"{page.relative_to(site)}: {href}")
    assert not dead, sorted(dead)

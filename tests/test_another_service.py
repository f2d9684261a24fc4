"""The engine serves another service: its names, its rule prefix and no end of life.

A copy of the project whose provider is named Contoso, whose rule MMD003 is CMP003 and
whose service has no end of life (still running) builds strictly, and the site, the
checker and the OSCAL plan say nothing of an end of life (they once required one and
described every service as ended).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from .conftest import BIN, copy_project, edit, mkdocs_build, run

LATE = """\
- id: LATE-1
  initiator: microsoft
  change_type: functionality
  requires_admin_action: true
  notified_at: 2030-03-01T09:00:00Z
  starts_at: 2030-03-09T09:00:00Z
  channels: [message-center]
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("contoso") / "project")
    data = root / "data"
    editions = data / "editions.yaml"
    text = editions.read_text(encoding="utf-8")
    text = re.sub(r"  end_of_life: .*\n  end_of_life_notice: >-\n(    .*\n)+", "", text)
    editions.write_text(text, encoding="utf-8")
    edit(
        data / "parties.yaml",
        "  name: Microsoft\n  label: Microsoft\n",
        "  name: Contoso\n  label: Contoso\n",
    )
    edit(
        data / "parties.yaml",
        "  name: Customer\n  label: Customer\n",
        "  name: Tenant\n  label: Tenant\n",
    )
    edit(
        root / "mkdocs.yml",
        "learn_base_url: https://learn.microsoft.com/en-us/microsoft-365/managed-desktop/",
        "learn_base_url: https://docs.contoso.example/printers/",
    )
    # with no end of life, the record dated after MMD's end of life breaks no rule
    edit(data / "samples" / "samples.yaml", "CHG-1004: [MMD010]", "CHG-1004: []")
    for path in [data / "rules.yaml", *sorted((data / "samples").glob("*.yaml"))]:
        path.write_text(path.read_text(encoding="utf-8").replace("MMD003", "CMP003"), "utf-8")
    return root


def test_it_validates_and_checks_without_an_end_of_life(project: Path, tmp_path: Path) -> None:
    data = project / "data"
    result = run([str(BIN / "handbook"), "validate", "--data", str(data)])
    assert result.returncode == 0, result.stderr
    records = tmp_path / "late.yaml"
    records.write_text(LATE, encoding="utf-8")
    args = ["check", "--data", str(data), "--format", "json", str(records)]
    result = run([str(BIN / "handbook"), *args])
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["findings"] == []  # no end-of-life warning (MMD010)
    sample = data / "samples" / "mmd003-channels.yaml"
    result = run([str(BIN / "handbook"), "check", "--data", str(data), str(sample)])
    assert " CMP003 [CHG-0302] " in result.stdout


def test_the_site_names_the_provider_and_no_end_of_life(project: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    home = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    titles = [t.get_text() for t in home.select(".admonition-title")]
    assert "End of life" not in titles
    editions = BeautifulSoup(
        (site / "editions" / "index.html").read_text(encoding="utf-8"), "html.parser"
    )
    text = editions.get_text(" ")
    assert "reached its end of life" not in text and "End of life:" not in text
    assert (site / "rules" / "cmp003" / "index.html").is_file()
    process = BeautifulSoup(
        (site / "change-management" / "index.html").read_text(encoding="utf-8"), "html.parser"
    )
    assert "what Contoso and the tenant do" in process.get_text(" ")
    # the record format's field descriptions and the timing pictures name both parties
    for page in ("checker/record-format", "rules/mmd001"):
        html = (site / page / "index.html").read_text(encoding="utf-8")
        text = BeautifulSoup(html, "html.parser").get_text(" ")
        assert "Contoso notified tenants" in text, page
        assert "Microsoft notified" not in text, page
        if page == "checker/record-format":  # (the rule's page quotes the seeds' words)
            assert "customers" not in text and "the customer" not in text.lower()
    e001 = (site / "rules" / "e001" / "index.html").read_text(encoding="utf-8")
    assert "not evaluated against the rules" in e001 and "end of life" not in e001
    ssp = json.loads((site / "downloads" / "oscal" / "2022" / "ssp.json").read_text("utf-8"))
    status = ssp["system-security-plan"]["system-characteristics"]["status"]
    assert status == {"state": "operational"}
    plan = ssp["system-security-plan"]
    [info] = plan["system-characteristics"]["system-information"]["information-types"]
    texts = [info["description"], plan["control-implementation"]["description"]]
    assert all("the tenant" in t and "customer" not in t for t in texts), texts
    assert "Windows" not in info["description"]


def test_commands_take_the_learn_base_url_of_the_project(project: Path, tmp_path: Path) -> None:
    """``export oscal`` and ``pages`` resolve the seeds' relative links against the
    plugin's ``learn_base_url`` in the project's mkdocs.yml (they used Microsoft Learn's)."""
    data = project / "data"
    out = tmp_path / "oscal"
    result = run([str(BIN / "handbook"), "export", "oscal", "--data", str(data), "--out", str(out)])
    assert result.returncode == 0, result.stderr
    text = "".join(p.read_text("utf-8") for p in sorted(out.iterdir()))
    assert "https://docs.contoso.example/printers/" in text
    assert "learn.microsoft.com" not in text
    pages = tmp_path / "pages"
    result = run([str(BIN / "handbook"), "pages", "--data", str(data), "--out", str(pages)])
    assert result.returncode == 0, result.stderr
    text = "".join(p.read_text("utf-8") for p in sorted(pages.rglob("*.md")))
    assert "https://docs.contoso.example/printers/" in text
    assert "learn.microsoft.com" not in text

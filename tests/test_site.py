"""The real site: `mkdocs build --strict` of the real mkdocs.yml, HTML parsed.

Checks that every seed statement is on the site, the matrix matches seed 002 cell by cell,
every internal link resolves, untrusted data renders as text, and generation runs
without MkDocs.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from handbook.model.entities import Statement
from handbook.model.loader import load_handbook
from handbook.site.generate import generate_site
from handbook.site.paths import page_url, relative_url

from .conftest import BIN, DATA, ROOT, copy_project, edit, mkdocs_build, nav_pages, run, seed_path


def soup(site: Path, src_uri: str) -> BeautifulSoup:
    path = site / page_url(src_uri) / "index.html"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def norm(text: str) -> str:
    """Whitespace collapsed, curly apostrophes straightened, trailing full stop dropped."""
    text = html.unescape(text).replace("’", "'").replace("\u00a0", " ")
    text = " ".join(text.split())
    text = re.sub(r" ([,.;:)?!])", r"\1", text).replace("( ", "(")
    return text.strip().rstrip(".")


def site_text(site: Path) -> str:
    chunks = []
    for page in sorted(site.rglob("index.html")):
        article = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find("article")
        if article is not None:
            chunks.append(norm(article.get_text(" ")))
    return "\n".join(chunks)


def strip_markdown_links(text: str) -> str:
    return re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)


# errata applied to seed text before comparing (seed text → handbook text)
CORRECTIONS = {
    "Hereâ€™s": "Here's",
    "Microsoftâ€™s": "Microsoft's",
    "Winbdows": "Windows",
    "requred": "required",
    "that Open might": "that might",
    "services. and ensuring": "services, and ensuring",
    "reponsibility": "responsibility",
    "CVE?????": "CVE",
    " (THIS DOES NOT APPEAR TO BE A CUSTOMER ACTION)": "",
    " (link to be added)": "",
}


def seed_items(name: str) -> list[str]:
    """Every list item of a seed: HTML ``<li>`` items and ``<br>- `` items."""
    path = seed_path(name)
    text = path.read_text(encoding="utf-8")
    for old, new in CORRECTIONS.items():
        text = text.replace(old, new)
    text = text.split("---", 2)[2]  # drop the front matter
    items = re.findall(r"<li>(.*?)(?=</li>|<li>|</ul>|\|)", text, flags=re.S)
    for line in text.splitlines():
        for cell in line.split("|"):
            for fragment in re.split(r"<br>", cell):
                fragment = fragment.strip()
                if fragment.startswith("- ") and "<li>" not in fragment:
                    items.append(fragment[2:])
    out = []
    for item in items:
        item = strip_markdown_links(re.sub(r"<[^>]+>", " ", item))
        if "Microsoft 365 Defender for Endpoint" in item and "Not edit" in item:
            item = item.split("Microsoft 365 Defender")[0]  # the merged row (erratum)
        if item.strip() and not item.strip().startswith(("NOCSH", "M365-modern", "tier")):
            out.append(norm(item))
    return out


@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
def test_every_seed_list_item_is_on_the_site(built_site: Path, seed: str) -> None:
    text = site_text(built_site)
    missing = [item for item in seed_items(seed) if item and item not in text]
    assert missing == []


def test_every_data_statement_is_on_the_site(built_site: Path) -> None:
    handbook, _ = load_handbook(DATA)
    assert handbook is not None
    text = site_text(built_site)

    def walk(value: object) -> list[Statement]:
        from handbook.model.references import iter_nodes

        return [n for n in iter_nodes(value) if isinstance(n, Statement)]

    statements = walk(
        [
            handbook.process,
            handbook.change_types,
            handbook.sop_categories,
            handbook.roles,
            handbook.prose,
            handbook.overview,
        ]
    )
    assert len(statements) > 150
    missing = [s.text for s in statements if norm(strip_markdown_links(s.text)) not in text]
    assert missing == []


def seed_matrix() -> dict[tuple[str, str], str]:
    text = seed_path("002").read_text(encoding="utf-8")
    section = text.split("## Balance of responsibility")[1].split("##")[0]
    rows = [r for r in section.splitlines() if r.startswith("|")]
    header = [c.strip() for c in rows[0].strip("|").split("|")]
    out = {}
    for row in rows[2:]:
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        for scope, value in zip(header[1:], cells[1:], strict=True):
            out[(cells[0], scope)] = value
    return out


def test_matrix_cell_by_cell(built_site: Path) -> None:
    page = soup(built_site, "change-management/balance-of-responsibility.md")
    table = page.select_one("table.hb-matrix")
    assert table is not None
    scopes = [th.get_text(strip=True) for th in table.select("thead th")][1:]
    got = {}
    for tr in table.select("tbody tr"):
        name = tr.th.get_text(strip=True)
        for scope, td in zip(scopes, tr.select("td"), strict=True):
            got[(name, scope)] = td.get_text(strip=True)
    expected = seed_matrix()
    assert len(expected) == 28
    assert got == expected


def test_internal_links_resolve(built_site: Path) -> None:
    broken = []
    for page in built_site.rglob("*.html"):
        doc = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for a in doc.select("article a[href]"):
            href = str(a["href"]).split("#")[0]
            if not href or re.match(r"^[a-z]+:", href) or href.startswith("//"):
                continue
            target = (page.parent / href).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(built_site)} -> {a['href']}")
    assert broken == []


def test_seed_links_outside_the_handbook_point_to_learn(built_site: Path) -> None:
    page = soup(built_site, "overview.md")
    links = {a.get_text(" ", strip=True): a for a in page.select("article a")}
    updates = links["Updates"]
    assert updates["href"] == (
        "https://learn.microsoft.com/en-us/microsoft-365/managed-desktop/operate/updates"
    )
    assert "hb-external" in updates["class"]
    # a page the handbook covers links into the handbook
    cm = links["Change management"]
    assert not str(cm["href"]).startswith("http") and "hb-external" not in cm.get("class", [])
    roles = links["Microsoft Managed Desktop roles and responsibilities"]
    assert str(roles["href"]).endswith("roles/")


def test_pages_cross_link(built_site: Path) -> None:
    ct = soup(built_site, "change-management/change-types/functionality.md")
    text = ct.get_text(" ")
    assert "MMD001" in text and "MMD003" in text
    sop = soup(built_site, "sops/service-accounts.md")
    actions = [c.get_text(strip=True) for c in sop.select("table.hb-actions td code")]
    assert "reset-service-account-password" in actions
    assert "MMD006" in sop.get_text(" ") and "MMD009" in sop.get_text(" ")
    rule = soup(built_site, "rules/mmd001.md")
    hrefs = [str(a["href"]) for a in rule.select("article a")]
    assert any("change-types/functionality" in h for h in hrefs)
    assert any("editions/2018/change-management/change-types/feature-update" in h for h in hrefs)
    assert "5 days (120 hours)" in rule.get_text(" ")


def test_2018_pages_and_editorial_notes(built_site: Path) -> None:
    page = soup(built_site, "editions/2018/change-management/change-types/security-update.md")
    notes = [n.get_text(" ", strip=True) for n in page.select(".hb-editorial")]
    assert any("THIS DOES NOT APPEAR TO BE A CUSTOMER ACTION" in n for n in notes)
    assert any("CVE?????" in n for n in notes)
    sop = soup(built_site, "editions/2018/sops/defender-for-endpoint.md")
    assert "Windows Defender Advanced Threat Protection" in sop.h1.get_text()
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert "2024-07-31" in home and 'class="admonition warning"' in home


def test_a_2018_description_holds_its_sub_items(built_site: Path) -> None:
    """The 2018 table has no "Type of change" column (the 2022 table's row): the risks an
    emergency update mitigates are the items of its description ("…required to mitigate:"),
    not a column of "None stated." for the other types."""

    def columns(page: BeautifulSoup) -> list[str]:
        return [th.get_text(" ", strip=True) for th in page.select("table.hb-change-types th")]

    old = soup(built_site, "editions/2018/change-management/change-types/index.md")
    assert "Description" in columns(old) and "Type of change" not in columns(old)
    assert "Type of change" in columns(soup(built_site, "change-management/change-types/index.md"))
    row = old.find("tr", id="emergency-update")
    assert row is not None
    description = row.find_all("td")[0]
    assert " ".join(description.get_text().split()).startswith("Emergency updates: service,")
    assert [li.get_text(" ", strip=True) for li in description.select("li")] == [
        "Critical security risk",
        "Potential data loss",
        "Access to telemetry data for managing Microsoft Managed Desktop devices",
    ]
    page = soup(built_site, "editions/2018/change-management/change-types/emergency-update.md")
    fields = {
        th.get_text(strip=True): th.find_next_sibling("td")
        for th in page.select("table.hb-fields th[scope=row]")
    }
    assert "Type of change" not in fields
    assert fields["Description"].find("li", id="emergency-update-potential-data-loss")


def test_every_page_is_in_the_nav(built_site: Path) -> None:
    handbook, _ = load_handbook(DATA)
    assert handbook is not None
    site = generate_site(handbook)
    in_nav = set(nav_pages(site.nav))
    assert {p.src_uri for p in site.pages if p.kind != "print"} <= in_nav
    assert not {p.src_uri for p in site.pages if p.kind == "print"} & in_nav  # print edition


def test_relative_urls() -> None:
    assert relative_url("rules/mmd001/", "sops/network/") == "../../rules/mmd001/"
    assert relative_url("", "sops/") == "../"
    assert relative_url("sops/", "sops/") == "./"
    assert page_url("sops/index.md") == "sops/"
    assert page_url("sops/network.md", use_directory_urls=False) == "sops/network.html"


POISON = '<script>alert("pwned")</script><img src=x onerror=alert(1)>'


def test_untrusted_data_is_rendered_as_text(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    data = project / "data"
    edit(
        data / "sop-categories.yaml", "  name: Certificates\n", f"  name: 'Certificates {POISON}'\n"
    )
    edit(
        data / "sop-categories.yaml",
        "      text: Only apply a change once Microsoft Managed Desktop Operations has assessed",
        f"      text: '[click](javascript:alert(1)) {POISON} **bold** Only apply a change once "
        "Microsoft Managed Desktop Operations has assessed",
        1,
    )
    text = (data / "sop-categories.yaml").read_text(encoding="utf-8")
    text = text.replace("has assessed and advised.\n", "has assessed and advised.'\n", 1)
    (data / "sop-categories.yaml").write_text(text, encoding="utf-8")
    edit(
        data / "roles.yaml", "  name: Printing\n", '  name: "## Printing <b>x</b> {: onclick=1}"\n'
    )
    # drawn in pictures (issue 14): a rule's title (its picture, the change timeline) and a scope
    edit(data / "rules.yaml", "  title: Advance notice\n", f"  title: 'Advance {POISON}'\n")
    edit(
        data / "responsibility-scopes.yaml",
        "  name: On-premises clients and servers\n",
        f"  name: 'On-premises {POISON}'\n",
    )
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    for page in (tmp_path / "site").rglob("*.html"):
        doc = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        where = page.relative_to(tmp_path)
        assert not [s for s in doc.find_all("script") if "pwned" in s.get_text()], where
        assert not doc.select("img[src=x]"), where
        assert not doc.select('a[href^="javascript"]'), where
        assert not [b for b in doc.find_all("b") if b.get_text() == "x"], where
        handlers = [
            (el.name, attr)
            for el in doc.find_all(True)
            for attr in el.attrs
            if attr.startswith("on")
        ]
        assert handlers == [], where
    sop = BeautifulSoup(
        (tmp_path / "site" / "sops" / "network" / "index.html").read_text(), "html.parser"
    )
    assert '<script>alert("pwned")</script>' in sop.get_text()
    assert "[click](javascript:alert(1))" in sop.get_text()
    cert = BeautifulSoup(
        (tmp_path / "site" / "sops" / "certificates" / "index.html").read_text(), "html.parser"
    )
    assert cert.h1 is not None and "<script>" in cert.h1.get_text()
    for src, drawn in (
        ("rules/mmd001.md", "rule"),
        ("change-management/change-process.md", "timeline"),
        ("change-management/balance-of-responsibility.md", "balance"),
    ):
        svg = soup(tmp_path / "site", src).select_one(f"figure.hb-picture--{drawn} svg")
        assert svg is not None and not svg.find_all(["script", "img", "foreignObject"]), src
        assert '<script>alert("pwned")</script>' in svg.get_text(), src


def test_generation_runs_from_the_cli(tmp_path: Path) -> None:
    result = run(
        [str(BIN / "handbook"), "pages", "--data", str(DATA), "--out", str(tmp_path / "pages")]
    )
    assert result.returncode == 0, result.stderr
    written = {
        p.relative_to(tmp_path / "pages").as_posix() for p in (tmp_path / "pages").rglob("*.md")
    }
    assert "change-management/balance-of-responsibility.md" in written
    assert "editions/2018/sops/certificates.md" in written


def test_the_cli_writes_the_markdown_the_plugin_generates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``handbook pages`` and the plugin run the same generation (`generate_site`)."""
    out = tmp_path / "pages"
    result = run([str(BIN / "handbook"), "pages", "--data", "data", "--out", str(out)])
    assert result.returncode == 0, result.stderr
    monkeypatch.chdir(ROOT)
    handbook, problems = load_handbook(Path("data"))
    assert handbook is not None, problems
    site = generate_site(handbook)
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.md"))
    assert written == sorted(p.src_uri for p in site.pages)
    for page in site.pages:
        assert (out / page.src_uri).read_text(encoding="utf-8") == page.markdown, page.src_uri


def test_data_edit_changes_the_site(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    edit(project / "data" / "rules.yaml", "at_least: P5D", "at_least: P7D")
    # the samples at the 5-day bound now disagree with samples.yaml: a strict build says so
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 1
    assert "warning[sample-mismatch] record CHG-0101" in result.stderr
    build = [str(BIN / "mkdocs"), "build", "-q", "-f", str(project / "mkdocs.yml")]
    result = run([*build, "-d", str(tmp_path / "site")], cwd=project)
    assert result.returncode == 0, result.stderr
    rule = soup(tmp_path / "site", "rules/mmd001.md").get_text(" ")
    assert "7 days (168 hours)" in rule and "5 days (120 hours)" not in rule


def test_root() -> None:
    assert (ROOT / "docs" / "index.md").is_file()


@pytest.mark.parametrize(
    ("rule", "applies"),
    [
        ("MMD004", "Changes that require the customer's approval, in the 2018 and 2022 editions"),
        (
            "MMD005",
            "Changes initiated by Microsoft of change type feature-update that require "
            "administrator action, in the 2018 edition",
        ),
        ("MMD006", "Changes initiated by the customer, in the 2018 and 2022 editions"),
        ("MMD010", "Every change record, in the 2018 and 2022 editions"),
    ],
)
def test_a_rule_page_says_what_it_applies_to_in_a_sentence(
    built_site: Path, rule: str, applies: str
) -> None:
    """It read "That require the customer's approval" and "Of change type …", named the
    customer "Customer" and listed "2018, 2022 edition(s)"."""
    page = soup(built_site, f"rules/{rule.lower()}.md")
    row = next(th for th in page.select("th") if th.get_text() == "Applies to")
    cell = row.find_next_sibling("td")
    assert cell is not None and norm(cell.get_text()) == applies

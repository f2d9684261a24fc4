"""Reader features of the built site: who-does-what pages, edition diff, glossary tooltips,
tags, backlinks, statement ↔ rule links, downloads and edit links."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from handbook.model.diff import WordOp, compare_editions, full_text, word_diff
from handbook.model.loader import load_handbook
from handbook.plugin import data_edit_url
from handbook.review.render import words_markdown
from handbook.site.generate import generate_site

from .conftest import DATA
from .test_site import soup


def test_party_pages_gather_duties_with_sources(built_site: Path) -> None:
    customer = soup(built_site, "who-does-what/customer.md")
    assert customer.h1 is not None and customer.h1.get_text(strip=True).startswith(
        "What the customer does"
    )
    areas = [h.get_text(" ", strip=True).rstrip("¶").strip() for h in customer.select("article h2")]
    for area in (
        "Balance of responsibility",
        "Change process",
        "Change types",
        "Standard operating procedures",
        "Roles and responsibilities",
    ):
        assert area in areas
    boxes = customer.select("ul.hb-checklist input[type=checkbox]")
    assert len(boxes) > 60
    assert all(b.get("aria-labelledby") for b in boxes)
    text = customer.get_text(" ")
    assert "Not reset the password or use the credentials" in text
    assert "Acknowledge and approve, when required" in text
    links = [str(a["href"]) for a in customer.select("span.hb-from a")]
    assert "../../sops/service-accounts/#service-accounts-not-reset-the-password-or-use" in links
    microsoft = soup(built_site, "who-does-what/microsoft.md")
    assert not microsoft.select("article input[type=checkbox]")
    assert "Implement, securely store, and manage the credentials" in microsoft.get_text(" ")
    assert "Not reset the password" not in microsoft.get_text(" ")


def _seed_links(links: list[Any], page: str) -> list[tuple[str, str]]:
    """(text, absolute URL on ``http://site/``) of the seed links among a statement's
    ``links``: not the errata, rule, source or permalink links the site adds."""
    added = ("hb-errata", "hb-enforced", "hb-from")
    return [
        (a.get_text(" ", strip=True), urljoin(f"http://site/{page}", str(a["href"])))
        for a in links
        if not a.find_parent(class_=added)
        and "hb-permalink" not in (a.get("class") or [])
        and not str(a["href"]).startswith("#")
    ]


def _page(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path / "index.html").read_text("utf-8"), "html.parser")


def test_a_statements_links_lead_where_its_own_page_sends_them(built_site: Path) -> None:
    """A statement shown away from its page (the party pages, a rule's list of the
    statements it enforces) resolves its seed links against its seed page, as its own page
    does: "change types" of the 2018 change process is the handbook's 2018 change-types
    page, and ``../operate/assign-deployment-group.md`` of the SOP page is Learn's operate/
    page (both were resolved from the Learn base URL's root: ``managed-desktop/#change-types``,
    ``managed-desktop/../operate/…``)."""
    checked = 0
    for page in ("who-does-what/customer/", "who-does-what/microsoft/", "rules/mmd009/"):
        for item in _page(built_site, page).select("ul.hb-duties > li, ul.hb-enforces > li"):
            anchors = item.select("a[href]")
            enforces = "hb-enforces" in (item.parent.get("class") or [])
            # the statement's page: the item's first link in a rule's list, its source link
            # on a party page
            source = anchors[0] if enforces else item.select_one(".hb-from a[href]")
            links = _seed_links(anchors[1:] if enforces else anchors, page)
            if source is None or not links:
                continue
            target = urlsplit(urljoin(f"http://site/{page}", str(source["href"])))
            path = target.path.lstrip("/")
            own = _page(built_site, path).find(id=target.fragment)
            assert own is not None, (page, source)
            assert links == _seed_links(own.select("a[href]"), path), (page, item.get_text())
            assert not [u for _, u in links if "/../" in u or "/./" in u], links
            checked += 1
    assert checked >= 4


def test_statements_and_rules_link_both_ways(built_site: Path) -> None:
    sop = soup(built_site, "sops/service-accounts.md")
    item = next(
        li for li in sop.select("li[id^=service-accounts-]") if "Not reset" in li.get_text()
    )
    assert "MMD009" in item.select_one(".hb-enforced").get_text()
    rule = soup(built_site, "rules/mmd009.md")
    targets = [str(a["href"]) for a in rule.select("ul.hb-enforces a")]
    assert f"../../sops/service-accounts/#{item['id']}" in targets
    mmd005 = soup(built_site, "rules/mmd005.md")
    assert "Action must be taken within 48 hours" in mmd005.select_one("ul.hb-enforces").get_text()


def test_edition_diff_page(built_site: Path) -> None:
    page = soup(built_site, "editions/2018-to-2022.md")
    text = page.get_text(" ")
    assert "added: Network (proxy, packet inspection, VPN)" in text
    assert "renamed: Microsoft 365 Defender for Endpoint" in text
    assert "Windows Defender Advanced Threat Protection" in text
    assert "came in 2022: MMD007" in " ".join(text.split())
    assert "went after 2018: MMD005" in " ".join(text.split())
    assert page.select("ul.hb-diff del") and page.select("ul.hb-diff ins")
    history = soup(built_site, "sops/defender-for-endpoint.md").select_one("ul.hb-history")
    assert history is not None and "renamed from" in history.get_text()


def test_diff_is_computed_from_data() -> None:
    handbook, _ = load_handbook(DATA)
    assert handbook is not None
    diff = compare_editions(handbook, "2018", "2022")
    status = {c.id: c.status for c in diff.categories}
    assert status["network"] == "added" and status["defender-for-endpoint"] == "renamed"
    assert status["service-accounts"] == "kept"
    types = {(tuple(t.id for t in c.old), tuple(t.id for t in c.new)): c.status for c in diff.types}
    assert types[(("feature-update",), ("functionality",))] == "renamed"
    assert types[(("emergency-update",), ())] == "removed"
    # the same id under a new name was "kept": the page said "Security kept" for "Security
    # updates" (2018), where a SOP category under a new name is "renamed"
    assert types[(("security-update",), ("security-update",))] == "renamed"
    assert [r.id for r in diff.rules_added] == ["MMD007"]
    assert [r.id for r in diff.rules_removed] == ["MMD005"]
    ops = word_diff("Implement and manage the membership", "Implement and assign the membership")
    assert [(o.op, o.text) for o in ops] == [
        ("equal", "Implement and"),
        ("delete", "manage"),
        ("insert", "assign"),
        ("equal", "the membership"),
    ]


def test_a_word_diff_compares_words_not_their_markdown() -> None:
    # "**five**" was one word, so handbook import --compare showed "~~5~~ ****five****"
    # and the site's diff page the asterisks
    ops = word_diff("Notify customers 5 days", "Notify customers **five** [days](#d) in `advance`")
    assert [(o.op, o.text) for o in ops] == [
        ("equal", "Notify customers"),
        ("delete", "5"),
        ("insert", "five"),
        ("equal", "days"),
        ("insert", "in advance"),
    ]
    assert words_markdown(ops) == "Notify customers ~~5~~ **five** days **in advance**"


def test_edition_diff_keeps_a_statements_list_items(tmp_path: Path) -> None:
    """A statement with list items that the newer edition drops shows its items, apart
    (``; ``), and a rewording's removed items stay apart too: the page showed the text
    without its items (removed) or ran the items together (reworded)."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    sops = data / "sop-categories.yaml"
    text = sops.read_text(encoding="utf-8")
    newer = (
        "    - id: certificates-update-all-certificates-that-are-required\n"
        "      text: Update all certificates that are required to configure certificate"
        " profiles, VPN profiles, and Wi-Fi profiles.\n"
    )
    assert newer in text
    sops.write_text(text.replace(newer, ""), encoding="utf-8")
    hb, problems = load_handbook(data)
    assert hb is not None, problems
    page = BeautifulSoup(generate_site(hb).page("editions/2018-to-2022.md").markdown, "html.parser")
    removed = [li.get_text(" ", strip=True) for li in page.select("li.hb-change--removed")]
    assert (
        "Removed: Update all certificates that are required to configure: Certificate profiles;"
        " VPN profiles; Wi-Fi profiles"
    ) in removed
    groups = next(c for c in hb.sop_categories_of("2018") if c.id == "device-groups")
    listed = next(s for s in groups.customer if s.items)
    ops = word_diff(full_text(listed), "Only use the groups to assign corporate certificates")
    assert ("delete", "Wi-Fi profile configuration") not in [(o.op, o.text) for o in ops]
    assert ops[-1] == WordOp(
        "delete",
        "for services such as VPN, Windows Hello for Business or email encryption;"
        " Corporate Wi-Fi profile configuration",
    )


def test_glossary_page_and_tooltips(built_site: Path) -> None:
    glossary = soup(built_site, "glossary.md")
    terms = [th.get_text(strip=True) for th in glossary.select("table.hb-glossary th[scope=row]")]
    assert "Message Center" in terms and "co-management" in terms
    sop = soup(built_site, "sops/service-accounts.md")
    abbr = {a.get_text(): a["title"] for a in sop.select("article abbr")}
    assert "Sev C" in abbr and "minimal" in abbr["Sev C"]
    process = soup(built_site, "change-management/change-process.md")
    assert any(a.get_text() == "Message Center" for a in process.select("article abbr"))


def test_tags(built_site: Path) -> None:
    tags = soup(built_site, "tags.md").get_text(" ")
    for tag in ("Microsoft", "Customer", "Standard operating procedures", "2018 edition"):
        assert tag in tags
    sop = soup(built_site, "sops/certificates.md")
    assert "Customer" in sop.select_one(".md-tags").get_text(" ")


def test_a_rule_on_a_change_type_is_shown_for_microsofts_changes_only(built_site: Path) -> None:
    """MMD005 names no initiator but applies to the change type ``feature-update``, which the
    checker reads on Microsoft's records only (never on a customer's): its rule page says
    "initiated by Microsoft", and so do the rules table, the rule's tags, the rules download
    and the 2018 timeline, which drew it in the customer's lane too ("A change initiated by
    the customer: … The customer completed the action at most 2 days after Microsoft
    notified customers") and gave it the initiator Both."""
    rule = soup(built_site, "rules/mmd005.md")
    assert "Changes initiated by Microsoft" in rule.get_text(" ")
    assert "Microsoft" in rule.select_one(".md-tags").get_text(" ")
    index = soup(built_site, "rules/index.md").select_one("tr#mmd005")
    assert index is not None
    assert index.find_all("td")[2].get_text(" ", strip=True) == "Microsoft"
    rows = csv.DictReader(io.StringIO((built_site / "downloads/rules.csv").read_text("utf-8")))
    assert {r["id"]: r["initiator"] for r in rows}["MMD005"] == "microsoft"
    page = soup(built_site, "editions/2018/change-management/change-process.md")
    desc = page.select_one("figure.hb-picture--timeline desc")
    assert desc is not None
    microsoft, customer = desc.get_text(" ").split("A change initiated by the customer:")
    assert "MMD005" in microsoft
    assert "MMD005" not in customer and "MMD008" in customer
    lane = page.select("figure.hb-picture--timeline text")
    words = [t.get_text() for t in lane]
    after = words[words.index("A change initiated by the customer") :]
    assert not any("customer_action_at" in w or w.startswith("MMD005") for w in after)


def test_the_matrix_page_cites_its_introduction_where_the_seed_has_it(built_site: Path) -> None:
    """The balance-of-responsibility page opens with seed 002's introduction ("In the
    service offering, the balance of responsibility ... shifts ..."), which is in the
    section "Change management", above the "Balance of responsibility" table; its one
    source line named the table's section for both."""
    page = soup(built_site, "change-management/balance-of-responsibility.md")
    intro = next(
        p for p in page.select("article p") if p.get_text().startswith("In the service offering")
    )
    cited = intro.find_next("p", class_="hb-source")
    assert cited is not None and "section “Change management”" in cited.get_text(" ")
    table = page.select_one("table.hb-matrix")
    assert table is not None
    below = table.find_next("p", class_="hb-source")
    assert below is not None and "section “Balance of responsibility”" in below.get_text(" ")


def test_backlinks(built_site: Path) -> None:
    page = soup(built_site, "rules/mmd001.md")
    heading = next(h for h in page.select("article h2") if "Referenced by" in h.get_text())
    backlinks = heading.find_next("ul", class_="hb-backlinks")
    hrefs = [str(a["href"]) for a in backlinks.select("a")]
    assert any("change-types/functionality" in h for h in hrefs)


def test_backlinks_tell_their_pages_apart(built_site: Path) -> None:
    """Two backlinks never read the same and lead to different pages: an older edition's
    page is named with its edition, as its heading is ("Certificates (2018)")."""
    for path in sorted(built_site.rglob("index.html")):
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for backlinks in page.select("ul.hb-backlinks"):
            targets: dict[str, set[str]] = {}
            for a in backlinks.select("a"):
                targets.setdefault(a.get_text(" ", strip=True), set()).add(str(a["href"]))
            same = {text: hrefs for text, hrefs in targets.items() if len(hrefs) > 1}
            assert same == {}, f"{path.relative_to(built_site)}: {same}"
    sop = soup(built_site, "sops/certificates.md")
    heading = next(h for h in sop.select("article h2") if "Referenced by" in h.get_text())
    texts = [a.get_text(strip=True) for a in heading.find_next("ul").select("a")]
    assert "Certificates (2018)" in texts


def test_every_page_has_its_own_title(built_site: Path) -> None:
    """A browser tab, the history and the search results show a page's <title>: an older
    edition's page says its edition there ("Certificates (2018)"), as its heading does, so
    it is not taken for the newer edition's page of the same name."""
    pages: dict[str, list[str]] = {}
    for path in sorted(built_site.rglob("index.html")):
        title = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").title
        assert title is not None, path
        pages.setdefault(title.get_text(strip=True), []).append(str(path.parent))
    assert {t: p for t, p in pages.items() if len(p) > 1} == {}
    sop = BeautifulSoup(
        (built_site / "editions/2018/sops/certificates/index.html").read_text("utf-8"),
        "html.parser",
    )
    assert sop.title is not None and sop.title.get_text().startswith("Certificates (2018)")


def test_downloads(built_site: Path) -> None:
    page = soup(built_site, "change-management/balance-of-responsibility.md")
    link = page.select_one("p.hb-downloads a[href$='.csv']")
    assert link is not None
    target = built_site / "change-management/balance-of-responsibility" / str(link["href"])
    rows = list(csv.DictReader(io.StringIO(target.resolve().read_text(encoding="utf-8"))))
    assert len(rows) == 7 and rows[0]["responsibility"] == "Provide new functionality"
    data = json.loads((built_site / "downloads/sop-statements.json").read_text(encoding="utf-8"))
    assert {"edition", "category", "party", "statement"} <= set(data[0])
    # the roles are one edition's (2018: seed 003) like every other table's rows; their
    # download said none (found by a reader test)
    roles = csv.DictReader(io.StringIO((built_site / "downloads/roles.csv").read_text("utf-8")))
    assert {row["edition"] for row in roles} == {"2018"}


def test_an_older_editions_download_says_it_holds_every_edition(built_site: Path) -> None:
    """The 2018 change types' "Download this data" gave the 2022 rows too, unsaid there."""
    folder = built_site / "editions/2018/change-management/change-types"
    page = BeautifulSoup((folder / "index.html").read_text("utf-8"), "html.parser")
    para = page.select_one("p.hb-downloads")
    assert para is not None and "every edition" in para.get_text(), para
    link = para.select_one("a[href$='.csv']")
    assert link is not None
    rows = csv.DictReader(io.StringIO((folder / str(link["href"])).resolve().read_text("utf-8")))
    assert {row["edition"] for row in rows} == {"2018", "2022"}


def test_edit_link_points_to_data_file_and_line(built_site: Path) -> None:
    page = soup(built_site, "sops/certificates.md")
    edit = page.select_one("a.md-content__button[href*='sop-categories.yaml']")
    assert edit is not None
    href = str(edit["href"])
    # edit_uri (edit/main/docs/) with its docs folder replaced by the data file's path
    assert href.startswith("https://github.com/example/mmd-handbook/edit/main/data/")
    line = int(href.rsplit("#L", 1)[1])
    lines = (DATA / "sop-categories.yaml").read_text(encoding="utf-8").splitlines()
    assert lines[line - 1].strip() == "- id: certificates"


def test_heading_ids_are_applied_not_shown(built_site: Path) -> None:
    for page in built_site.rglob("index.html"):
        doc = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        article = doc.find("article")
        if article is None:
            continue
        assert "{#" not in article.get_text(), page


def test_rule_ids_and_documents_come_from_the_data(tmp_path: Path) -> None:
    """Renamed rules and seed documents show under their new names: no template names
    MMD001, MMD009, MMD010 or document 004 (the samples still expect the old ids)."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    rules = data / "rules.yaml"
    text = rules.read_text(encoding="utf-8")
    for old, new in (("MMD001", "MMD101"), ("MMD009", "MMD109"), ("MMD010", "MMD110")):
        text = text.replace(f"- id: {old}\n", f"- id: {new}\n")
    rules.write_text(text, encoding="utf-8")
    for path in data.rglob("*.yaml"):
        path.write_text(path.read_text("utf-8").replace('"004"', '"014"'), encoding="utf-8")
    hb, problems = load_handbook(data)
    assert hb is not None, problems
    site = generate_site(hb)
    sop = site.page("sops/policies.md").markdown
    assert 'Rule <a href="../../rules/mmd109/">MMD109</a> reports' in sop
    types = site.page("change-management/change-types/index.md").markdown
    assert "Lead time checked (MMD101)" in types and "MMD001" not in types
    record = site.page("checker/record-format.md").markdown
    assert "(MMD110, error)" in record and "MMD010" not in record
    edition = site.page(f"editions/{hb.latest_edition().id}/index.md").markdown
    assert "Service overview" in edition


@pytest.mark.parametrize(
    ("edit_uri", "expected"),
    [
        ("edit/main/docs/", "https://github.com/o/r/edit/main/data/rules.yaml#L7"),
        ("blob/dev/docs", "https://github.com/o/r/blob/dev/data/rules.yaml#L7"),
        (
            "https://git.example/o/r/-/edit/v2/docs/",
            "https://git.example/o/r/-/edit/v2/data/rules.yaml#L7",
        ),
        ("edit/main/", None),  # no docs folder to replace: no guess
        ("", None),
    ],
)
def test_edit_url_follows_edit_uri(tmp_path: Path, edit_uri: str, expected: str | None) -> None:
    config = SimpleNamespace(
        repo_url="https://github.com/o/r", edit_uri=edit_uri, docs_dir=str(tmp_path / "docs")
    )
    url = data_edit_url(config, tmp_path, Path("data/rules.yaml"), 7)  # type: ignore[arg-type]
    assert url == expected


def test_a_rule_enforcing_a_duty_of_the_change_process_lists_its_page(built_site: Path) -> None:
    # MMD001 quotes the process's duty "Notify customers 5 days in advance ..." (seeds 000
    # and 002, "Change process overview"); its page listed the change types only, as the
    # change process was listed only for a rule naming no initiator (found by a reader test)
    page = soup(built_site, "rules/mmd001.md")
    heading = next(h for h in page.select("h2") if h.get_text(strip=True).startswith("Pages"))
    items = heading.find_next("ul")
    assert items is not None
    labels = [a.get_text() for a in items.select("a")]
    assert "Change process (2018)" in labels and "Change process (2022)" in labels
    # and not on a rule whose quotes are elsewhere (MMD008: the certificates' SOP)
    page = soup(built_site, "rules/mmd008.md")
    heading = next(h for h in page.select("h2") if h.get_text(strip=True).startswith("Pages"))
    items = heading.find_next("ul")
    assert items is not None and "Change process" not in items.get_text()


def test_the_newest_editions_pages_say_the_service_has_ended(built_site: Path) -> None:
    # a reader landing on a 2022 page from a search read its duties as in force today: the
    # banner was only on older editions' pages (found by a reader test); seed 004 gives the
    # end of life, data/editions.yaml holds it
    banner = soup(built_site, "sops/certificates.md").select_one("div.admonition.info")
    assert banner is not None
    text = " ".join(banner.get_text(" ").split())
    assert "in force from 2022-12-06 through 2024-07-31, when the service ended" in text

"""The pictures drawn from the data (issue 14, items 1-4): inline SVG in the generated
Markdown and in the built pages, read with an HTML parser.

Golden files: ``tests/golden/picture-mmd001.svg`` (the MMD001 rule and its samples) and
``tests/golden/picture-timeline-2022.svg`` (the change timeline of the 2022 edition), the
``<figure>`` blocks exactly as the generated Markdown holds them; regenerate them with
``UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_pictures.py``.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from markupsafe import escape

from handbook.model.durations import duration_text
from handbook.model.handbook import Handbook
from handbook.model.loader import load_handbook
from handbook.site.generate import generate_site
from handbook.site.paths import Paths, page_url
from handbook.site.registry import Site

from .conftest import DATA, edit

GOLDEN = Path(__file__).parent / "golden"
POISON = '<script>alert("pwned")</script><img src=x onerror=alert(2)>'


def load(data: Path = DATA) -> Handbook:
    hb, problems = load_handbook(data)
    assert hb is not None, problems
    return hb


@pytest.fixture(scope="module")
def hb() -> Handbook:
    return load()


@pytest.fixture(scope="module")
def site(hb: Handbook) -> Site:
    return generate_site(hb)


def figure_text(markdown: str, slug: str) -> str:
    """The ``<figure>`` block of the picture ``slug`` in a page's Markdown ('' if none)."""
    start = markdown.find(f'<figure class="hb-picture hb-picture--{slug}">')
    if start < 0:
        return ""
    end = markdown.index("</figure>", start) + len("</figure>")
    return markdown[start:end] + "\n"


def svg_of(html: str, slug: str) -> Tag:
    doc = BeautifulSoup(html, "html5lib")
    found = doc.select_one(f"figure.hb-picture--{slug} svg")
    assert isinstance(found, Tag), f"no {slug} picture"
    return found


def check_svg(svg: Tag) -> None:
    """What every picture must be: an image with a title and a description, scaling with
    its container, drawing its text as SVG text, and loading or running nothing."""
    assert svg.get("role") == "img"
    assert svg.get("width") == "100%" and svg.get("height") is None
    assert re.fullmatch(r"0 0 [\d.]+ [\d.]+", str(svg.get("viewbox") or svg.get("viewBox")))
    title, desc = svg.find("title"), svg.find("desc")
    assert title is not None and title.get_text().strip()
    assert desc is not None and len(desc.get_text()) > 40
    assert svg.get("aria-labelledby") == title.get("id")
    assert svg.get("aria-describedby") == desc.get("id")
    assert svg.find_all("text"), "no SVG text"
    for bad in ("script", "foreignobject", "image", "style", "iframe", "img"):
        assert not svg.find_all(bad), bad
    for el in svg.find_all(True):
        for attr, value in el.attrs.items():
            assert not attr.lower().startswith("on"), (el.name, attr)
            text = " ".join(value) if isinstance(value, list) else str(value)
            assert "://" not in text or attr.startswith("xmlns"), (el.name, attr, text)
            assert not text.strip().lower().startswith("javascript:"), (el.name, attr)


def test_every_timing_rule_page_has_its_picture(hb: Handbook, site: Site) -> None:
    timing = [r for r in hb.rules if r.kind == "timing"]
    assert len(timing) >= 7
    for rule in hb.rules:
        markdown = site.page(Paths.rule(rule)).markdown
        block = figure_text(markdown, "rule")
        assert bool(block) == (rule.kind == "timing" and bool(rule.constraints)), rule.id
        if not block:
            continue
        assert "\n\n" not in block  # one raw HTML block: Markdown leaves it alone
        svg = svg_of(block, "rule")
        check_svg(svg)
        texts = " ".join(t.get_text() for t in svg.find_all("text"))
        desc = svg.find("desc").get_text()  # type: ignore[union-attr]
        for c in rule.constraints:
            for bound in (c.at_least, c.at_most):
                if bound:
                    assert duration_text(bound) in texts and duration_text(bound) in desc
            assert c.earlier in texts and c.later in texts
        assert "passes" in texts and f"finding {rule.id}" in texts, rule.id


def test_mmd001_samples_at_their_times(site: Site) -> None:
    svg = svg_of(figure_text(site.page("rules/mmd001.md").markdown, "rule"), "rule")
    desc = svg.find("desc").get_text()  # type: ignore[union-attr]
    assert "at least 5 days (120 hours) before" in desc
    assert (
        "CHG-0101 (2022): passes. Microsoft notified customers 120 hours (5 days) before." in desc
    )
    assert "CHG-0102 (2022): finding MMD001. Microsoft notified customers 119 hours before." in desc
    assert "CHG-0103 (2018): finding MMD001. No time recorded" in desc


def test_a_sample_a_second_off_is_said_in_seconds(site: Site) -> None:
    # CHG-0402 approved one second after its start read "0.000277778 hours after" (found
    # by an independent tester)
    svg = svg_of(figure_text(site.page("rules/mmd004.md").markdown, "rule"), "rule")
    desc = svg.find("desc").get_text()  # type: ignore[union-attr]
    assert "CHG-0402 (2022): finding MMD004. The customer approved 1 second after." in desc
    assert "0.000277778" not in str(svg)


@pytest.mark.parametrize(
    ("name", "src_uri", "slug"),
    [
        ("mmd001", "rules/mmd001.md", "rule"),
        ("timeline-2022", "change-management/change-process.md", "timeline"),
    ],
)
def test_golden(site: Site, name: str, src_uri: str, slug: str) -> None:
    block = figure_text(site.page(src_uri).markdown, slug)
    golden = GOLDEN / f"picture-{name}.svg"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(block, encoding="utf-8")
    assert block == golden.read_text(encoding="utf-8")


def test_change_timeline_links_every_timing_rule_in_force(hb: Handbook, site: Site) -> None:
    for page in site.pages:
        if page.kind != "change-process":
            continue
        svg = svg_of(figure_text(page.markdown, "timeline"), "timeline")
        check_svg(svg)
        edition = next(e for e in hb.editions if e.title in svg.find("title").get_text())  # type: ignore[union-attr]
        found = (re.match(r"MMD\d{3}", a.get_text()) for a in svg.find_all("a"))
        links = {m.group(0) for m in found if m}
        wanted = {r.id for r in hb.rules_of(edition.id) if r.kind == "timing" and r.constraints}
        assert links == wanted, page.src_uri
        lanes = [t.get_text() for t in svg.find_all("text") if "initiated by" in t.get_text()]
        assert lanes == ["A change initiated by Microsoft", "A change initiated by the customer"]
        assert "60 days (1440 hours)" in svg.get_text()


def test_editions_picture_from_the_data(hb: Handbook, site: Site) -> None:
    for src in ("editions/index.md", "overview.md"):
        svg = svg_of(figure_text(site.page(src).markdown, "editions"), "editions")
        check_svg(svg)
        text = svg.get_text(" ")
        assert f"End of life {hb.service.end_of_life.isoformat()}" in text
        for ed in hb.editions:
            assert ed.in_force_from.isoformat() in text
        for doc in hb.documents:
            assert doc.ms_date.isoformat() in text and doc.id in text


def test_home_page_block_from_the_data(hb: Handbook, site: Site) -> None:
    """The home page (hand-written) includes the editions block: the picture and the
    in-force periods in words, from data/editions.yaml."""
    from handbook.site.prose import expand

    home = (DATA.parent / "docs" / "index.md").read_text(encoding="utf-8")
    assert "<!-- handbook:editions -->" in home
    markdown = expand(home, site.blocks["index.md"])
    assert "<!-- handbook:editions -->" not in markdown
    check_svg(svg_of(figure_text(markdown, "editions"), "editions"))
    for ed in hb.editions:
        assert f"was in force from {ed.in_force_from.isoformat()}" in markdown
    assert expand("<!-- handbook:nothing -->\n", {}) == "<!-- handbook:nothing -->\n"


def test_balance_counts_the_matrix(hb: Handbook, site: Site) -> None:
    markdown = site.page(Paths.matrix).markdown
    svg = svg_of(figure_text(markdown, "balance"), "balance")
    check_svg(svg)
    texts = [t.get_text() for t in svg.find_all("text")]
    for scope in hb.scopes:
        cells = [row.cells[scope.id] for row in hb.matrix]
        counts = ", ".join(f"{p.label} {cells.count(p.id)}" for p in _balance_order(hb))
        assert f"{scope.name}: {counts}" in texts
    # the party legend is stated once (issue 14, "While there")
    for party in hb.parties:
        assert markdown.count(str(escape(party.description))) == 1, party.id


def _balance_order(hb: Handbook) -> list:  # type: ignore[type-arg]
    real = [p for p in hb.parties if p.kind == "party"]
    return real[:1] + [p for p in hb.parties if p.kind != "party"] + real[1:]


def test_a_changed_duration_is_drawn_again(data_copy: Path) -> None:
    edit(data_copy / "rules.yaml", "at_least: P5D", "at_least: P7D")
    site = generate_site(load(data_copy))
    svg = svg_of(figure_text(site.page("rules/mmd001.md").markdown, "rule"), "rule")
    text = svg.get_text(" ")
    assert "at least 7 days (168 hours) before" in text
    assert "120 hours (5 days) before" in text  # CHG-0101 was still notified 120 hours ahead...
    assert "CHG-0101 (2022): finding MMD001" in text  # ... which no longer passes
    assert duration_text(timedelta(days=7)) == "7 days (168 hours)"


def test_data_in_pictures_is_escaped(data_copy: Path) -> None:
    edit(data_copy / "rules.yaml", "  title: Advance notice\n", f"  title: '{POISON}'\n")
    edit(
        data_copy / "responsibility-scopes.yaml",
        "  name: On-premises clients and servers\n",
        f"  name: '{POISON}'\n",
    )
    edit(data_copy / "parties.yaml", "  label: Customer\n", f"  label: '{POISON}'\n")
    edit(data_copy / "editions.yaml", "    title: 2022 edition\n", f"    title: '{POISON}'\n")
    site = generate_site(load(data_copy))
    pages = {
        "rule": "rules/mmd001.md",
        "timeline": "change-management/change-process.md",
        "balance": Paths.matrix,
        "editions": "editions/index.md",
    }
    for slug, src in pages.items():
        svg = svg_of(figure_text(site.page(src).markdown, slug), slug)
        check_svg(svg)
        assert '<script>alert("pwned")</script>' in svg.get_text(), slug


def test_pictures_in_the_built_site(built_site: Path, hb: Handbook) -> None:
    """The built pages carry the pictures (Markdown did not mangle them), next to the
    table they draw, and every link in a picture resolves."""
    pages = {
        "rules/mmd001.md": "rule",
        "rules/mmd008.md": "rule",
        "change-management/change-process.md": "timeline",
        "editions/2018/change-management/change-process.md": "timeline",
        "editions/index.md": "editions",
        "overview.md": "editions",
        "index.md": "editions",  # the hand-written home page, through <!-- handbook:editions -->
        Paths.matrix: "balance",
    }
    for src, slug in pages.items():
        path = built_site / page_url(src) / "index.html"
        html = path.read_text(encoding="utf-8")
        svg = svg_of(html, slug)
        check_svg(svg)
        for a in svg.find_all("a"):
            href = str(a["xlink:href"])
            target = (path.parent / href.split("#")[0]).resolve()
            assert (target / "index.html").is_file() or target.is_file(), (src, href)
        figure = svg.parent
        assert figure is not None and figure.name == "figure"
        neighbour = (
            figure.find_previous_sibling() if slug != "balance" else figure.find_next("table")
        )
        assert neighbour is not None
    # the pictures' text is found by the site's search
    index = (built_site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "Sample records, at their times" in index
    assert "A change initiated by the customer" in index
    css = built_site / "assets" / "handbook-pictures.css"
    assert "var(--md-default-fg-color)" in css.read_text(encoding="utf-8")


def test_bounds_and_columns_from_the_rules(hb: Handbook) -> None:
    from handbook.site.pictures.scale import offset_text, offset_ticks
    from handbook.site.pictures.timeline import columns
    from handbook.site.pictures.timing_rule import bounds, reference_field

    rules = {r.id: r for r in hb.rules}
    # MMD001: notified_at at most at -120 hours from starts_at, open towards the past
    (b,) = bounds(rules["MMD001"])
    assert (b.moving, b.reference, b.lo, b.hi) == ("notified_at", "starts_at", None, -120.0)
    # MMD005: a window of 0..48 hours after the notification
    assert reference_field(rules["MMD005"]) == "notified_at"
    (b,) = bounds(rules["MMD005"])
    assert (b.moving, b.lo, b.hi) == ("customer_action_at", 0.0, 48.0)
    # MMD007: advised no later than the start, the request no later than the advice
    assert [(x.moving, x.reference) for x in bounds(rules["MMD007"])] == [
        ("advised_at", "starts_at"),
        ("support_request_at", "advised_at"),
    ]
    cols = columns([c for r in ("MMD006", "MMD007", "MMD008") for c in rules[r].constraints])
    assert cols["support_request_at"] < cols["advised_at"] < cols["starts_at"]
    assert cols["certificate_expires_at"] == cols["starts_at"]
    assert offset_text(-120) == "\u22125 days" and offset_text(36) == "+36 hours"
    ticks = offset_ticks(-144, 24)
    assert 0.0 in ticks and len(ticks) <= 7 and ticks == sorted(ticks)


def test_picture_ids_are_unique_across_the_site(site: Site) -> None:
    """The pictures' ids name their page too, so a document holding several pages (a
    print edition) still has one element per id."""
    ids = re.findall(
        r'<(?:title|desc|pattern) id="([^"]+)"', "".join(p.markdown for p in site.pages)
    )
    assert len(ids) > 20 and len(ids) == len(set(ids))


def test_bounds_under_a_day_read_in_the_right_unit(data_copy: Path) -> None:
    # A bound of one hour read "1 hours" and half an hour "0.5 hours", on the rule's picture
    # and everywhere else duration_text writes a bound (site, handbook diff, validate).
    edit(data_copy / "rules.yaml", "at_most: PT48H", "at_most: PT1H")
    site = generate_site(load(data_copy))
    page = site.page("rules/mmd005.md").markdown
    assert "at most 1 hour after" in figure_text(page, "rule")
    assert "1 hours" not in page
    assert duration_text(timedelta(minutes=30)) == "30 minutes"
    assert duration_text(timedelta(hours=1.5)) == "1.5 hours"
    assert duration_text(timedelta(seconds=1)) == "1 second"
    assert duration_text(timedelta(hours=49)) == "49 hours"

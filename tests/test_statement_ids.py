"""Stable statement ids (issue 10): kept in the data, unique, reported when missing."""

from __future__ import annotations

from pathlib import Path

from handbook.model.loader import load_handbook
from handbook.site.paths import Paths

from .conftest import BIN, DATA, copy_project, edit, mkdocs_build, run

NETWORK_ADVISE = (
    "    - id: network-advise-and-plan-with-customers-to\n"
    "      text: Advise and plan with customers to minimize risk to business users.\n"
)


def test_duplicate_statement_id_names_file_line_and_column(data_copy: Path) -> None:
    path = data_copy / "sop-categories.yaml"
    edit(
        path,
        "id: service-accounts-implement-securely-store-and-manage-the\n",
        "id: network-advise-and-plan-with-customers-to\n",
    )
    # an id of another category of the same edition: a duplicate
    _, problems = load_handbook(data_copy)
    [p] = [p for p in problems if p.code == "duplicate-id"]
    assert "statement id 'network-advise-and-plan-with" in p.message
    lines = path.read_text().splitlines()
    assert p.line is not None and p.column is not None
    assert lines[p.line - 1][p.column - 1 :].startswith("id: network-advise-and-plan-with")
    result = run([str(BIN / "handbook"), "validate", "--data", str(data_copy)])
    assert result.returncode == 1 and "duplicate-id" in result.stderr


def test_change_process_id_column_is_read(data_copy: Path) -> None:
    path = data_copy / "change-process.csv"
    hb, problems = load_handbook(data_copy)
    assert hb is not None, problems
    assert hb.process[0].statement.id == "before-microsoft-notify-customers-5-days-in-advance"
    edit(
        path,
        "before-microsoft-for-emergency-changes-apply-a-mitigation,",
        "before-microsoft-notify-customers-5-days-in-advance,",
    )
    _, problems = load_handbook(data_copy)
    [p] = [p for p in problems if p.code == "duplicate-id"]
    assert p.file.endswith("change-process.csv") and p.line == 3 and p.column == 1
    # the id column is optional: a file without it is read, its duties have no id
    rows = path.read_text().splitlines()
    path.write_text("\n".join(line.split(",", 1)[1] for line in rows) + "\n")
    hb, problems = load_handbook(data_copy)
    assert hb is not None and hb.process[0].statement.id is None


def test_validate_reports_statements_without_id(data_copy: Path) -> None:
    path = data_copy / "sop-categories.yaml"
    edit(path, NETWORK_ADVISE, "    - Advise and plan with customers.\n")
    result = run([str(BIN / "handbook"), "validate", "--data", str(data_copy)])
    assert result.returncode == 0
    [warning] = [line for line in result.stdout.splitlines() if "missing-id" in line]
    assert "sop-categories.yaml:11:7: warning[missing-id]" in warning
    assert "run handbook fmt --add-ids" in warning
    assert path.read_text().splitlines()[10] == "    - Advise and plan with customers."


def _fmt(data: Path, *extra: str) -> str:
    result = run([str(BIN / "handbook"), "fmt", "--add-ids", "--data", str(data), *extra])
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_fmt_add_ids_gives_new_statements_ids_and_keeps_the_rest(data_copy: Path) -> None:
    path = data_copy / "sop-categories.yaml"
    edit(
        path,
        NETWORK_ADVISE,
        "    - id: kept-id\n      text: Advise and plan with customers.\n"
        "    - Brand new duty, with [a link](#x) and more words than six.\n",
    )
    process = data_copy / "change-process.csv"
    sid = "before-microsoft-set-expectations-for-service-changes"
    process.write_text(process.read_text().replace(sid, ""))
    comments = [line for line in path.read_text().splitlines() if line.startswith("#")]
    _fmt(data_copy)
    text = path.read_text()
    assert comments == [line for line in text.splitlines() if line.startswith("#")]
    assert "    - id: kept-id\n      text: Advise and plan with customers.\n" in text
    assert (
        "    - id: network-brand-new-duty-with-a-link\n"
        "      text: Brand new duty, with [a link](#x) and more words than six.\n"
    ) in text
    assert text.startswith("# yaml-language-server: $schema=")
    assert f"\n{sid},2022," in process.read_text()
    before = {p: p.read_bytes() for p in data_copy.rglob("*") if p.is_file()}
    assert "0 file(s) reformatted" in _fmt(data_copy)  # idempotent
    assert before == {p: p.read_bytes() for p in data_copy.rglob("*") if p.is_file()}
    result = run([str(BIN / "handbook"), "validate", "--data", str(data_copy)])
    assert result.returncode == 0 and "missing-id" not in result.stdout, result.stdout


def test_fmt_add_ids_makes_ids_unique_with_a_suffix(data_copy: Path) -> None:
    path = data_copy / "sop-categories.yaml"
    edit(
        path,
        NETWORK_ADVISE,
        "    - Same words here again.\n    - Same words here again!\n",
    )
    _fmt(data_copy)
    text = path.read_text()
    assert "- id: network-same-words-here-again\n" in text
    assert "- id: network-same-words-here-again-2\n" in text


def test_every_statement_id_is_an_anchor_and_rule_links_resolve(built_site: Path) -> None:
    from bs4 import BeautifulSoup

    from handbook.site.paths import page_url
    from handbook.site.statements import StatementIndex

    hb, _ = load_handbook(DATA)
    assert hb is not None
    index = StatementIndex(hb, Paths(hb))

    def page(src_uri: str) -> BeautifulSoup:
        html = (built_site / page_url(src_uri) / "index.html").read_text(encoding="utf-8")
        return BeautifulSoup(html, "html.parser")

    pages: dict[str, BeautifulSoup] = {}
    for ref in index.refs:
        assert ref.anchor == ref.statement.id, ref.statement.text
        doc = pages.setdefault(ref.page, page(ref.page))
        element = doc.find(id=ref.anchor)
        assert element is not None, (ref.page, ref.anchor)
        permalink = element.select_one("a.hb-permalink")
        assert permalink is not None and permalink["href"] == f"#{ref.anchor}"
    overview = page("overview.md")
    assert hb.overview.introduction.id and overview.find(id=hb.overview.introduction.id)
    assert all(overview.find(id=s.id) for s in hb.overview.key_features)
    # "Statements this rule enforces" links land on the statement's element
    rule_page = built_site / "rules" / "mmd009" / "index.html"
    rule = BeautifulSoup(rule_page.read_text(encoding="utf-8"), "html.parser")
    links = [str(a["href"]) for a in rule.select("article a[href*='sops/']") if "#" in a["href"]]
    assert links
    for href in links:
        path, anchor = href.split("#")
        target = (rule_page.parent / path / "index.html").resolve()
        doc = BeautifulSoup(target.read_text(encoding="utf-8"), "html.parser")
        assert doc.find(id=anchor) is not None, href


def test_a_reworded_statement_keeps_its_anchor(tmp_path: Path) -> None:
    from bs4 import BeautifulSoup

    project = copy_project(tmp_path / "project")
    edit(
        project / "data" / "sop-categories.yaml",
        NETWORK_ADVISE,
        "    - id: network-advise-and-plan-with-customers-to\n"
        "      text: Agree every network change with the customer first.\n",
    )
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    page = tmp_path / "site" / "sops" / "network" / "index.html"
    doc = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    item = doc.find(id="network-advise-and-plan-with-customers-to")
    assert item is not None
    assert "Agree every network change with the customer first." in item.get_text()


def test_every_sop_category_grounds_the_support_request_rule() -> None:
    """MMD006 applies to every change of the customer, so each SOP category of each edition
    has a statement it enforces. The certificates categories ask for the support request
    "60 days prior to a certificate expiring", which MMD006's quotes did not match: its
    page listed no certificates statement, and the certificates pages said their support
    request was checked by MMD008 alone (a tester's finding)."""
    from handbook.site.statements import StatementIndex

    hb, _ = load_handbook(DATA)
    assert hb is not None
    index = StatementIndex(hb, Paths(hb))
    enforced = {ref.context for ref in index.enforced_by(hb.rule("MMD006"))}
    categories = {f"{c.name} ({c.edition})" for c in hb.sop_categories}
    assert categories == enforced

"""``handbook check --format html``: the report parsed (structure, counts against the JSON
report of the same run), self-contained, escaped, written whole; the library renders the
same page as the command."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from ruamel.yaml import YAML

from handbook.checker.check import check_paths
from handbook.checker.findings import Report
from handbook.outputs import render

from .checker_support import MICROSOFT_CHANGE, cli, handbook
from .conftest import DATA, ROOT

INPUTS = [
    "data/samples/mmd001-advance-notice.yaml",
    "data/samples/certificates-and-mixed.csv",
    "data/samples/waivers-on-records.yaml",
    "data/samples/e001-broken-yaml.yaml",
    "data/samples/e005-duplicate-ids.yaml",
]
TODAY = "2024-01-01"

#: A record whose every text tries to break out of the page (records are untrusted).
HOSTILE = """\
- id: "CHG-<script>window.__pwned = 1</script></table>"
  title: "</td></tr></table><img src=x onerror=window.__pwned=2><script>window.__pwned=3</script>"
  initiator: microsoft
  change_type: functionality
  requires_admin_action: true
  notified_at: 2023-03-05T09:00:00Z
  channels: [message-center]
  starts_at: 2023-03-06T09:00:00Z
  waivers:
    - rule: MMD003
      reason: "</table><script>window.__pwned=4</script>"
      approved_by: "<b>CAB</b>"
      expires_on: 2099-12-31
"""


def hostile_file(folder: Path) -> Path:
    """A records file with `HOSTILE` (MMD001 open, MMD003 waived on the same record)."""
    path = folder / "hostile <table> <script>.yaml"
    path.write_text(HOSTILE.replace("[message-center]", "[carrier-pigeon]"), encoding="utf-8")
    return path


def _soup(text: str) -> BeautifulSoup:
    return BeautifulSoup(text, "html5lib")  # the parser browsers use


def _report(tmp_path: Path, *paths: str) -> tuple[BeautifulSoup, dict]:  # type: ignore[type-arg]
    out = tmp_path / "report.html"
    result = cli("check", "--format", "html", "--output", str(out), "--today", TODAY, *paths)
    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    as_json = cli("check", "--format", "json", "--today", TODAY, *paths)
    return _soup(out.read_text(encoding="utf-8")), json.loads(as_json.stdout)


def _rows(table: Tag) -> list[Tag]:
    body = table.find("tbody")
    assert isinstance(body, Tag)
    return body.find_all("tr", recursive=False)


def _cells(row: Tag) -> list[str]:
    return [c.get_text(" ", strip=True) for c in row.find_all("td", recursive=False)]


def test_summary_rules_and_records_match_the_run(tmp_path: Path) -> None:
    page, data = _report(tmp_path, *INPUTS)
    summary = data["summary"]
    counts = {td["data-hb-count"]: int(td.get_text()) for td in page.select("td[data-hb-count]")}
    findings = data["findings"]
    assert counts["records"] == summary["records"]
    assert counts["errors"] == summary["errors"]
    assert counts["warnings"] == summary["warnings"]
    assert counts["waived"] == summary["waived"] == 1
    assert counts["listed"] == len(findings)
    # every finding once in the table of all findings, in run order
    table = page.select_one('table[data-hb-table="findings"]')
    assert table is not None
    rows = _rows(table)
    assert [(r[0], r[1]) for r in map(_cells, rows)] == [
        (f["record"] or "(file)", f["rule"]) for f in findings
    ]
    assert sum(1 for r in rows if _cells(r)[3] == "waived") == 1
    facets = [th.get("data-hb-facet") for th in table.select("thead th")]
    assert facets == [None, "code", "severity", "status", None, "file", None]
    # by rule: one section a code found, with its findings; a rule's statement and quotes
    by_code = Counter(f["rule"] for f in findings)
    sections = page.select("section.hb-rule")
    assert [s["data-hb-code"] for s in sections] == [
        c for c in ("MMD001", "MMD008", "MMD009", "E001", "E003", "E005", "E006", "W001")
        if c in by_code
    ]  # fmt: skip
    for s in sections:
        inner = s.select_one("table.hb-table")
        assert inner is not None and len(_rows(inner)) == by_code[str(s["data-hb-code"])]
    loaded = YAML(typ="safe").load((DATA / "rules.yaml").read_text("utf-8"))
    rules = {r["id"]: r for r in loaded}
    mmd001 = page.select_one("#code-MMD001")
    assert mmd001 is not None
    assert " ".join(rules["MMD001"]["statement"].split()) in mmd001.get_text(" ")
    quotes = [q.p.get_text() for q in mmd001.select("blockquote.hb-source")]
    assert quotes == [s["quote"] for s in rules["MMD001"]["sources"]]
    assert "section “Change process overview”" in mmd001.get_text()
    # by record: each record with findings once, with each of its messages, file and line
    records = page.select_one('table[data-hb-table="records"]')
    assert records is not None
    keyed = {(f["file"], f["record"]) for f in findings}
    assert len(_rows(records)) == len(keyed)
    row = next(r for r in _rows(records) if _cells(r)[0] == "CHG-1802")
    cells = _cells(row)
    assert cells[2] == "MMD001, W001"
    assert row.select("td")[2]["data-hb-values"] == "MMD001 W001"
    assert len(row.select("ul.hb-messages li")) == 2
    assert cells[4] == "data/samples/waivers-on-records.yaml" and cells[5] == "17"
    assert cells[1] == "The same short notice, with a waiver that expired"


def test_the_page_is_self_contained(tmp_path: Path) -> None:
    page, _ = _report(tmp_path, *INPUTS)
    assert page.find_all("link") == []
    assert [t.name for t in page.find_all(src=True)] == []
    scripts = page.find_all("script")
    assert [s.get("type") for s in scripts] == ["module", "module"]
    assert "window.__hbDataTable = " in str(scripts[0].string)
    assert "const DataTable = window.__hbDataTable;" in str(scripts[1].string)
    assert all("./datatables/" not in str(s.string) for s in scripts)
    styles = page.find_all("style")
    assert styles and ".dt-container" in str(styles[0].string)
    # links to rule pages are links, not requests; nothing else names another host
    for a in page.find_all("a", href=True):
        assert str(a["href"]).startswith(("#", "https://handbook.example.org/rules/")), a


def test_untrusted_text_is_escaped(tmp_path: Path) -> None:
    path = hostile_file(tmp_path)
    out = tmp_path / "report.html"
    result = cli("check", "--format", "html", "-o", str(out), "--today", TODAY, str(path))
    assert result.returncode == 1, result.stderr
    text = out.read_text(encoding="utf-8")
    page = _soup(text)
    assert len(page.find_all("script")) == 2 and page.find_all("img") == []
    assert page.find_all("b") == []
    # the same tables as for a harmless record: summary, all, MMD001, MMD003, by record
    assert len(page.find_all("table")) == 5
    record = "CHG-<script>window.__pwned = 1</script></table>"
    table = page.select_one('table[data-hb-table="findings"]')
    assert table is not None
    assert [_cells(r)[0] for r in _rows(table)] == [record, record]
    assert "</table><script>window.__pwned=4</script>" in table.get_text()
    assert "(approved by <b>CAB</b>;" in table.get_text()
    records = page.select_one('table[data-hb-table="records"]')
    assert records is not None
    (row,) = _rows(records)
    assert _cells(row)[1].startswith("</td></tr></table><img src=x")
    files = page.select_one("details.hb-files")  # outside the repository: a file URI
    assert files is not None and path.resolve().as_uri() in files.get_text()
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in text


def test_no_control_character_reaches_the_page(tmp_path: Path) -> None:
    """HTML may not carry control characters (a parser reports each): a record's are
    escaped as the text output escapes them, the bundle's as JavaScript escapes."""
    path = tmp_path / "bell.yaml"
    path.write_text(
        HOSTILE.replace("[message-center]", '["bell\\a nul\\0 esc\\e nel\\N csi\\x9b"]'),
        encoding="utf-8",
    )
    out = tmp_path / "report.html"
    result = cli("check", "--format", "html", "-o", str(out), "--today", TODAY, str(path))
    assert result.returncode == 1, result.stderr
    text = out.read_text(encoding="utf-8")
    assert re.findall("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", text) == []
    assert "bell\\x07 nul\\x00 esc\\x1b" in text
    assert "nel\\x85 csi\\x9b" in text


@pytest.fixture(scope="module")
def report() -> Report:
    import os

    cwd = Path.cwd()
    os.chdir(ROOT)
    try:
        from datetime import date

        return check_paths(handbook(), [Path(p) for p in INPUTS], today=date(2024, 1, 1))
    finally:
        os.chdir(cwd)


def test_render_is_the_command_output(report: Report) -> None:
    result = cli("check", "--format", "html", "--today", TODAY, *INPUTS)
    assert result.returncode == 1
    assert render(report, "html", repo_root=ROOT) == result.stdout


def test_truncated_and_empty_reports(report: Report) -> None:
    page = _soup(render(report, "html", repo_root=ROOT, max_results=3))
    table = page.select_one('table[data-hb-table="findings"]')
    assert table is not None and len(_rows(table)) == 3
    note = page.select_one("#truncated")
    assert note is not None and f"Only 3 of {len(report.findings_frame)}" in note.get_text()
    assert "errors first" in note.get_text()
    severities = [_cells(row)[2] for row in _rows(table)]
    assert severities == ["error"] * 3, severities  # the samples' warnings come later
    frame = report.findings_frame
    records = len(frame.drop_duplicates(["file", "record_line"]))
    count = page.select_one('[data-hb-count="records-with-findings"]')
    assert count is not None and count.get_text() == str(records)  # the whole run's
    empty = _soup(render(Report(handbook=handbook()), "html"))
    assert empty.select("table.hb-table") == []
    assert "No findings." in empty.get_text()


def test_written_whole_or_not_at_all(tmp_path: Path) -> None:
    blocker = tmp_path / "reports"
    blocker.write_text("a file where the report's folder should be\n")
    out = blocker / "report.html"
    result = cli("check", "--format", "html", "-o", str(out), *INPUTS)
    assert result.returncode == 2 and "cannot write" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == [blocker]
    assert blocker.read_text() == "a file where the report's folder should be\n"


def test_records_of_one_line_keep_their_titles_and_count(tmp_path: Path) -> None:
    """Minified JSON puts every record on line 1: each record keeps its own title in the
    by-record table, and each counts among the records with findings."""
    base = MICROSOFT_CHANGE
    records = [
        {**base, "id": "CHG-1", "title": "on time", "notified_at": "2023-03-01T09:00:00Z"},
        {**base, "id": "CHG-2", "title": "late two", "notified_at": "2023-03-03T09:00:00Z"},
        {**base, "id": "CHG-3", "title": "late three", "notified_at": "2023-03-04T09:00:00Z"},
    ]
    path = tmp_path / "minified.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    page, _ = _report(tmp_path, str(path))
    counts = {td["data-hb-count"]: int(td.get_text()) for td in page.select("td[data-hb-count]")}
    assert counts["records-with-findings"] == 2
    table = page.select_one('table[data-hb-table="records"]')
    assert table is not None
    assert [tuple(_cells(r)[:2]) for r in _rows(table)] == [
        ("CHG-2", "late two"),
        ("CHG-3", "late three"),
    ]

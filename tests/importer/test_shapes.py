"""One small page per shape the importer reads (``pages/``), with its expected data files
and JSON report beside it as golden files (``golden/<page>/``).

Run with ``UPDATE_GOLDEN=1`` to rewrite the golden files after an intended change, and
read the diff. Pages are imported without committed data (``--data`` names an empty
folder), so ids come from the pages alone.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from ..conftest import BIN, run

HERE = Path(__file__).parent
PAGES = HERE / "pages"
GOLDEN = HERE / "golden"

#: exit code per page: 1 when something is left in the report on purpose
EXIT = {
    "front-matter-and-markup": 1,  # a prose paragraph
    "matrix": 1,  # a cell naming no party ("Nobody")
    "party-marks": 1,  # a task ticked for no party
    "party-named-in-row": 1,  # a row naming no party, without a label
    "party-provider-named": 0,  # the provider's column and a kramdown caption line
    "party-columns-only": 1,  # the sentence above the table is prose
    "empty-header-over-data": 1,  # tables of prose, not of parties: every row reported
    "ragged-and-unknown": 1,  # an extra cell, a glossary table, a list
    "alignment-and-raci": 1,  # the RACI table's rows (not the blank one)
    "marks-and-you": 1,  # a task row whose ticks are missing
    "cross-references": 1,  # the closing "For more information" paragraph (prose)
    # "Kunde" names no party: its cell is reported; no hidden English joins any text
    "machine-translated": 1,
    "tabs-and-admonitions": 1,  # the prose line inside the admonition
    "table-in-list-item": 1,  # the list's own lines (the steps) are prose
    "matrix-of-symbols": 1,  # symbols only a legend explains: the legend and rows reported
    "party-in-heading": 1,  # the sentence above the first table and the glossary's row
    "type-glossary": 1,  # a Type | Description glossary is no change-type table: reported
    "matrix-translated-cells": 1,  # "Kunde", "Beide" name no party: the matrix's rows reported
    # "Software de cliente do Microsoft 365" is a scope, not Microsoft's duties: rows reported
    "matrix-translated-headers": 1,
    "list-under-party-heading": 1,  # lists are never imported: each line reported
    "html-table-blank-lines": 1,  # the "Related Information" line below the table
    "admonition-classes": 1,  # the prose line inside the second admonition
    "party-named-last-column": 1,  # a row whose Responsibility cell names no party
    "party-named-per-row": 1,  # a row whose Responsibility cell names no party ("Nobody")
    "raci-legend": 1,  # a RACI legend and a RACI matrix: every row reported, none imported
    "party-glossary": 1,  # what "Microsoft Action" and "Customer Action" mean: no duties
    "roles-third-party-row": 1,  # the partners' role, of neither party: reported
    "raci-customer-column": 1,  # RACI letters under a Customer column: reported, no duties
    "products-as-rows": 1,  # "Microsoft Edge", "Microsoft Teams" are no parties: rows reported
    "party-named-then-comments": 1,  # a row whose Responsibility cell names no party ("Nobody")
}

SHAPES = sorted(p.stem for p in PAGES.glob("*.md") if p.stem != "binary")


def _import(page: str, tmp: Path) -> tuple[int, dict[str, str]]:
    out = tmp / "out"
    result = run(
        [
            str(BIN / "handbook"),
            "import",
            f"{page}.md",
            "--out",
            str(out),
            "--data",
            str(tmp / "no-data"),
            "--format",
            "json",
            "--report",
            str(tmp / "report.json"),
        ],
        cwd=PAGES,
    )
    assert result.stderr == ""
    files = {p.name: p.read_text(encoding="utf-8") for p in sorted(out.iterdir())}
    files["report.json"] = (tmp / "report.json").read_text(encoding="utf-8")
    return result.returncode, files


@pytest.mark.parametrize("page", SHAPES)
def test_each_shape_imports_as_its_golden_files(page: str, tmp_path: Path) -> None:
    code, files = _import(page, tmp_path)
    assert code == EXIT.get(page, 0)
    golden = GOLDEN / page
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(golden, ignore_errors=True)
        golden.mkdir(parents=True)
        for name, text in files.items():
            (golden / name).write_text(text, encoding="utf-8")
    expected = {p.name: p.read_text(encoding="utf-8") for p in sorted(golden.iterdir())}
    assert files == expected


def _texts(folder: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in folder.iterdir())


def test_html_comments_callouts_and_images_are_never_imported(tmp_path: Path) -> None:
    _, files = _import("front-matter-and-markup", tmp_path)
    everything = "\n".join(files.values())
    for text in ("draft heading", "reviewer: check", "callout is ignored", "media/flow.png"):
        assert text not in everything
    assert "Notify customers of Microsoft’s changes." in files["change-process.csv"]
    report = json.loads(files["report.json"])
    assert any("mojibake" in n["text"] for n in report["pages"][0]["notes"])


def test_a_translated_header_saying_do_names_no_party(tmp_path: Path) -> None:
    # Learn's pt-BR operations page (12/18/2018): "do" in "Software de cliente do
    # Microsoft 365" is Portuguese ("of the"), not "What will Microsoft do?"; the column
    # was read as Microsoft's, and "Microsoft" and "Ambos" became its duties.
    code, files = _import("matrix-translated-headers", tmp_path)
    assert code == 1
    assert "sop-categories.yaml" not in files
    report = json.loads(files["report.json"])
    assert [f["recognised_as"] for f in report["pages"][0]["found"]] == ["not recognised"]


def test_a_hyphen_before_a_capital_after_a_line_break_is_a_list_mark(tmp_path: Path) -> None:
    # Learn's machine-translated pages write "<br>- Implement" as "<br>-Implemente" (es-ES
    # operations page, 8ebf9934): the hyphen stayed in the duty's text.
    page = tmp_path / "mt.md"
    page.write_text(
        "---\ntitle: MT\nms.date: 05/24/2019\n---\n\n# MT\n\n"
        "| Category | Microsoft will | Customer will |\n| --- | --- | --- |\n"
        "| Groups | -Implement the groups.<br>-Use the groups. | Open a request:<br>-E-mail it. |\n"
        "| Dates | Keep -5 as it is. | Keep e-mail as it is. |\n",
        encoding="utf-8",
    )
    out, none = tmp_path / "out", tmp_path / "none"
    result = run(
        [str(BIN / "handbook"), "import", str(page), "--out", str(out), "--data", str(none)]
    )
    assert result.returncode == 0, result.stdout + result.stderr
    sop = (out / "sop-categories.yaml").read_text(encoding="utf-8")
    for text in ("text: Implement the groups.", "text: Use the groups.", "text: E-mail it."):
        assert text in sop, sop
    assert "-Implement" not in sop and "-Use" not in sop and "-E-mail" not in sop
    assert "text: Keep -5 as it is." in sop and "text: Keep e-mail as it is." in sop


def test_an_image_or_an_include_in_a_cell_is_no_statement(tmp_path: Path) -> None:
    # The shape of a Learn change-process table (change-management.md, 12/06/2022) with
    # an icon above a cell's list and a DocFX include after it: markup, never a duty.
    page = tmp_path / "icons.md"
    page.write_text(
        "---\ntitle: Icons\nms.date: 12/06/2022\n---\n\n# Icons\n\n"
        "| Scenario | Microsoft's role | Customer's role |\n| --- | --- | --- |\n"
        "| Before a change | ![Before](media/before.png) <ul><li>Set expectations.</li></ul>"
        " | <ul><li>Acknowledge and approve.</li></ul> [!INCLUDE [ack](../includes/ack.md)] |\n"
        '| During a change | :::image type="icon" source="media/during.png"::: | '
        "Take any action required. |\n",
        encoding="utf-8",
    )
    out, none = tmp_path / "out", tmp_path / "none"
    result = run(
        [str(BIN / "handbook"), "import", str(page), "--out", str(out), "--data", str(none)]
    )
    assert result.returncode == 0, result.stdout + result.stderr
    rows = (out / "change-process.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert [r.split(",")[4] for r in rows] == [
        "Set expectations.",
        "Acknowledge and approve.",
        "Take any action required.",
    ]


def test_a_list_under_a_heading_asking_what_a_party_does_says_how_to_import_it(
    tmp_path: Path,
) -> None:
    # Learn's "Apps in Microsoft Managed Desktop" (get-ready/apps.md, 8e4d9b46): the
    # customer's duties are a list under "What you need to do to support the apps we
    # provide" (eleven words, naming "you" and "we"); the list was "prose".
    page = tmp_path / "apps.md"
    page.write_text(
        "---\ntitle: Apps\nms.date: 06/01/2020\n---\n\n# Apps\n\n"
        "### What you need to do to support the apps we provide\n\n"
        "- **Assign licenses** - You are responsible for assigning licenses.\n\n"
        "### What Microsoft will do for the apps you provide\n\n- Deploy them.\n\n"
        "### What we learned from the apps\n\n- Nothing.\n",
        encoding="utf-8",
    )
    report, out, none = tmp_path / "report.json", tmp_path / "out", tmp_path / "none"
    args = ["import", str(page), "--out", str(out), "--data", str(none), "--format", "json"]
    run([str(BIN / "handbook"), *args, "--report", str(report)])
    left = json.loads(report.read_text(encoding="utf-8"))["pages"][0]["unmapped"]
    reasons = {x["text"]: x["reason"] for x in left}
    assert (
        "heading naming a party"
        in reasons["- **Assign licenses** - You are responsible for assigning licenses."]
    )
    assert "heading naming a party" in reasons["- Deploy them."]
    assert reasons["- Nothing."] == "list outside a table (prose)"


def test_an_include_an_anchor_or_a_picture_on_its_own_is_ignored_markup(
    tmp_path: Path,
) -> None:
    # Learn pages open with an include (the end-of-life notice) and put anchors and
    # pictures between paragraphs: they were reported as prose left out (exit 1).
    page = tmp_path / "markup.md"
    page.write_text(
        "---\ntitle: Markup\nms.date: 12/06/2022\n---\n\n# Markup\n\n"
        "[!INCLUDE [mmd-eol](../includes/mmd-eol-notice.md)]\n\n"
        '<a name="before"></a>\n\n**Before a change**\n\n![Change flow](media/flow.png)\n\n'
        "Microsoft will: | Customers will:\n--- | ---\nSet expectations. | Acknowledge.\n",
        encoding="utf-8",
    )
    report, out, none = tmp_path / "report.json", tmp_path / "out", tmp_path / "none"
    args = ["import", str(page), "--out", str(out), "--data", str(none), "--format", "json"]
    result = run([str(BIN / "handbook"), *args, "--report", str(report)])
    assert result.returncode == 0, result.stdout + result.stderr
    found = json.loads(report.read_text(encoding="utf-8"))["pages"][0]["found"]
    assert [(f["line"], f["recognised_as"]) for f in found] == [
        (8, "picture, include or anchor (ignored)"),
        (10, "picture, include or anchor (ignored)"),
        (14, "picture, include or anchor (ignored)"),
        (16, "change-process"),
    ]
    rows = (out / "change-process.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert [r.split(",")[2:5] for r in rows] == [
        ["before", "microsoft", "Set expectations."],
        ["before", "customer", "Acknowledge."],
    ]


def test_a_list_under_a_line_naming_a_party_says_how_to_import_it(tmp_path: Path) -> None:
    # Office 365's change management page (2017): each phase a heading, each party's
    # duties a list under "Microsoft's role" / "Customer's role". The list was "prose".
    page = tmp_path / "roles.md"
    page.write_text(
        "---\ntitle: Roles\nms.date: 12/14/2017\n---\n\n# Roles\n\n#### Before a change\n\n"
        "Microsoft's role\n\n- Set expectations for service changes.\n\n"
        "Customer's role\n\n- Review and update internal change management processes.\n",
        encoding="utf-8",
    )
    report, out, none = tmp_path / "report.json", tmp_path / "out", tmp_path / "none"
    args = ["import", str(page), "--out", str(out), "--data", str(none), "--format", "json"]
    run([str(BIN / "handbook"), *args, "--report", str(report)])
    left = json.loads(report.read_text(encoding="utf-8"))["pages"][0]["unmapped"]
    reasons = {u["line"]: u["reason"] for u in left}
    for line, label in ((12, "Microsoft's role"), (16, "Customer's role")):
        assert reasons[line] == (
            f"list under a line naming a party ({label!r}): only tables are imported; "
            "put the duties in a table with a column per party"
        )


def test_a_page_that_cannot_be_read_is_a_report_entry_and_the_others_are_imported(
    tmp_path: Path,
) -> None:
    result = run(
        [
            str(BIN / "handbook"),
            "import",
            "binary.md",
            "missing.md",
            ".",
            "roles.md",
            "--out",
            str(tmp_path / "out"),
            "--data",
            str(tmp_path / "none"),
            "--format",
            "json",
        ],
        cwd=PAGES,
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    errors = {p["file"]: p["error"] for p in report["pages"]}
    assert errors["binary.md"] == "not a text file (NUL bytes)"
    assert errors["missing.md"] and errors["."]
    assert errors["roles.md"] is None
    assert (tmp_path / "out" / "roles.yaml").is_file()
    assert report["summary"]["unreadable"] == 3


def test_every_item_left_names_file_line_and_reason(tmp_path: Path) -> None:
    _, files = _import("ragged-and-unknown", tmp_path)
    left = json.loads(files["report.json"])["pages"][0]["unmapped"]
    assert {(u["file"], u["line"]) for u in left} == {
        ("ragged-and-unknown.md", 12),
        ("ragged-and-unknown.md", 20),
        ("ragged-and-unknown.md", 22),
    }
    assert all(u["reason"] for u in left)


def test_edition_tags_everything_imported(tmp_path: Path) -> None:
    result = run(
        [
            str(BIN / "handbook"),
            "import",
            "party-phase-rows.md",
            "sop-columns-lenient.md",
            "--edition",
            "2030",
            "--out",
            str(tmp_path / "out"),
            "--data",
            str(tmp_path / "x"),
        ],
        cwd=PAGES,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'edition: "2030"' in (tmp_path / "out" / "sop-categories.yaml").read_text()
    rows = (tmp_path / "out" / "change-process.csv").read_text().splitlines()[1:]
    assert rows and all(",2030," in r for r in rows)


@pytest.mark.parametrize(
    "args",
    [
        ["import", "roles.md"],  # neither --out nor --compare
        ["import", "roles.md", "--out", "OUT", "--edition", "1999", "--data", "DATA"],
        ["import", "--out", "OUT"],  # no page
        ["import", "roles.md", "--out", "MINE", "--data", "MINE/data"],  # holds the data
        ["import", "roles.md", "--out", "OUT", "--report", "MINE/nope/r.json"],  # nor folder
    ],
)
def test_usage_errors_exit_2_with_one_line(args: list[str], tmp_path: Path) -> None:
    from ..conftest import DATA

    (tmp_path / "mine" / "data").mkdir(parents=True)
    (tmp_path / "mine" / "data" / "keep.yaml").write_text("[]\n")
    args = [
        a.replace("OUT", str(tmp_path / "o"))
        .replace("DATA", str(DATA))
        .replace("MINE", str(tmp_path / "mine"))
        for a in args
    ]
    result = run([str(BIN / "handbook"), *args], cwd=PAGES)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and result.stderr.strip()
    assert not (tmp_path / "o").exists()
    assert (tmp_path / "mine" / "data" / "keep.yaml").exists()


def test_every_golden_data_file_follows_the_model_of_its_data_file() -> None:
    from ruamel.yaml import YAML

    from handbook.model.loader import PROCESS_COLUMNS
    from handbook.model.schemas import KINDS

    yaml = YAML(typ="safe", pure=True)
    checked = 0
    for folder in sorted(GOLDEN.iterdir()):
        for path in sorted(folder.iterdir()):
            if path.stem in KINDS and path.suffix == ".yaml":
                model = KINDS[path.stem][0]
                for item in yaml.load(path.read_text(encoding="utf-8")):
                    model.model_validate(item)
                    checked += 1
            elif path.name == "change-process.csv":
                header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
                assert header == ["id", *PROCESS_COLUMNS]
    assert checked > 20


def test_golden_data_files_are_in_canonical_form() -> None:
    names = ("change-process.csv", "responsibility-matrix.csv")
    files = [
        str(p)
        for folder in sorted(GOLDEN.iterdir())
        for p in sorted(folder.iterdir())
        if p.name in names or (p.suffix == ".yaml" and p.name != "documents.yaml")
    ]
    result = run([str(BIN / "handbook"), "fmt", "--check", *files], cwd=HERE)
    assert result.returncode == 0, result.stdout + result.stderr

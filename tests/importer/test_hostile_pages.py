"""No page crashes the importer: hostile fragments in any order, in-process (hypothesis),
and broken files through the CLI. Every block either maps or is left with a reason."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handbook.importer.command import import_page
from handbook.importer.items import Imported, Known
from handbook.importer.write import data_files

from ..conftest import BIN, run

FRAGMENTS = [
    "---",
    "title: x",
    "ms.date: 13/45/2020",
    "ms.date:",
    "# Heading",
    "## Change process overview",
    "**Before a change**",
    "Microsoft will: | Customers will:",
    "--- | ---",
    "|---|---|---|",
    "| | |",
    "| Category | Microsoft will | Customer will |",
    "| a | <ul><li>x | <li>y</ul></ul></li> |",
    "Service | Microsoft will:<br>- one<br><br>Customer will:<br>- two",
    "<table><tr><th>Microsoft will<td>Customer will",
    "<tr><td><p>a<td>b<table><tr><td>c",
    "</table>",
    "<!-- | Microsoft will | Customer will |",
    "-->",
    "> [!NOTE]",
    ">[!TIP] | a | b |",
    ':::image type="content" source="x.png":::',
    "- item",
    "    - nested",
    "1. numbered",
    "| Responsibility | A | B |",
    "| r | Microsoft¹ | **BOTH** |",
    "|  | Functionality | Security |",
    "**Advance notice** | Five days | None",
    "Change type | Notification | Customer action",
    "Role or responsibility | Description",
    "Hereâ€™s â€œquotedâ€\x9d text",
    "\t|\t|\t",
    "\\| escaped \\| pipes |",
    "```",
    "",
    "\u00a0",
    "| a | b |" * 40,
]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=30))
def test_any_mix_of_fragments_imports_without_an_exception(
    tmp_path: Path, fragments: list[str]
) -> None:
    page = tmp_path / "page.md"
    page.write_text("\n".join(fragments), encoding="utf-8")
    out = Imported()
    report = import_page(page, None, None, Known(), set(), out)
    assert report.error is None
    assert not [u for u in report.unmapped if u.reason.startswith("could not be read")]
    assert all(u.line >= 1 and u.reason for u in report.unmapped)
    data_files(out)


LATIN1 = "| Category | Microsoft will | Customer will |\n|---|---|---|\n| Caf\xe9 | a | b |\n"


def test_broken_files_are_report_entries_never_tracebacks(tmp_path: Path) -> None:
    pages = {
        "empty.md": b"",
        "front-matter-only.md": b"---\ntitle: x\n---\n",
        "unclosed-front-matter.md": b"---\ntitle: [unclosed\n| a | b |\n|---|---|\n| c | d |\n",
        "latin1.md": LATIN1.encode("latin-1"),
        "crlf-bom.md": (
            "\ufeff# T\r\n\r\n| Area | Microsoft will | Customer will |\r\n"
            "|---|---|---|\r\n| x | a | b |\r\n"
        ).encode(),
        "unclosed-table.md": b"<table><tr><th>Area<th>Microsoft will<th>Customer will"
        b"<tr><td>x<td>a<td>b\n\nMore text",
    }
    for name, data in pages.items():
        (tmp_path / name).write_bytes(data)
    result = run(
        [
            str(BIN / "handbook"),
            "import",
            *pages,
            "--out",
            str(tmp_path / "out"),
            "--data",
            str(tmp_path / "none"),
        ],
        cwd=tmp_path,
    )
    assert result.returncode in (0, 1)
    assert result.stderr == ""
    assert "cannot be read" not in result.stdout
    sop = (tmp_path / "out" / "sop-categories.yaml").read_text(encoding="utf-8")
    for name in ("Café", "name: x"):
        assert name in sop


def test_change_type_named_by_a_picture_only_is_a_row_without_a_type(tmp_path: Path) -> None:
    """Found by the fragments above: a change-type row whose type cell is only a picture."""
    page = tmp_path / "page.md"
    page.write_text(
        'Change type | Notification | Customer action\n--- | ---\n:::image source="x.png":::\n',
        encoding="utf-8",
    )
    report = import_page(page, None, None, Known(), set(), Imported())
    assert [(u.line, u.reason) for u in report.unmapped] == [(3, "change-type row without a type")]

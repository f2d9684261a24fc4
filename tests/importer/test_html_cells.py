"""Text a table cell escapes (``&lt;tenant&gt;``, ``&amp;``) is read as a browser shows
it, in an HTML table of a Markdown page and of a page as published."""

from __future__ import annotations

from pathlib import Path

from handbook.importer.html import cell_lines, html_tables

from ..conftest import BIN, ROOT, run


def test_escaped_text_in_a_cell_is_text() -> None:
    rows = html_tables(
        "<table><tr><td>Allow https://&lt;tenant&gt;.example &amp; more</td></tr></table>"
    )
    assert [x.text for x in cell_lines(rows[0][0][0])] == ["Allow https://<tenant>.example & more"]


def test_escaped_text_reaches_the_statement(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "---\ntitle: Vendor X\nms.date: 01/02/2023\n---\n\n# Vendor X\n\n<table>\n"
        "<tr><th>Task</th><th>Vendor X responsibilities</th><th>Your responsibilities</th></tr>\n"
        "<tr><td>Patching</td><td>Patch the hosts every &lt;n&gt; days.</td>"
        "<td>Keep 5&nbsp;days of logs.</td></tr>\n</table>\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = run(
        [
            str(BIN / "handbook"),
            "import",
            str(page),
            "--out",
            str(out),
            "--data",
            str(tmp_path / "none"),
        ],
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    written = (out / "sop-categories.yaml").read_text(encoding="utf-8")
    assert "text: Patch the hosts every <n> days." in written
    assert "text: Keep 5 days of logs." in written

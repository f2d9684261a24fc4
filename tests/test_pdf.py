"""``handbook pdf``, run for real: Chromium through Playwright, the PDF read back with pypdf.

Skipped, saying how to install them, when Playwright, pypdf or Chromium is missing (the
run that checks the message for a missing Chromium needs none of them).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from markdown_it import MarkdownIt
from pydantic import BaseModel

from handbook.model.entities import Statement
from handbook.model.handbook import Handbook
from handbook.model.loader import load_handbook

from .conftest import BIN, DATA, ROOT, run

pypdf = pytest.importorskip("pypdf", reason="pypdf is not installed: pip install -e '.[test]'")
pytest.importorskip("playwright", reason="Playwright is not installed: pip install -e '.[test]'")

HANDBOOK = str(BIN / "handbook")


def _chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.skip("Chromium is not installed: sudo apt-get install -y chromium")
    return path


def _pdf(out: Path, *args: str) -> Any:
    _chromium()
    result = run([HANDBOOK, "pdf", "--out", str(out), *args])
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return pypdf.PdfReader(out)


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any]:
    folder = tmp_path_factory.mktemp("pdf")
    return _pdf(folder / "one.pdf"), _pdf(folder / "two.pdf")


def _squash(text: str) -> str:
    """Text compared without whitespace, hyphens and ligatures (line breaks and page
    breaks of the PDF), nor the marks CSS adds (``↗`` after a link to another site, ``¶``
    of the permalinks)."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(c for c in text if not c.isspace() and c not in "-\u00ad\u2010\u2011↗¶")


def _text(reader: Any) -> str:
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _outline(reader: Any) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []

    def walk(items: list[Any], depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                out.append((depth, str(item.title)))

    walk(reader.outline, 0)
    return out


def _statements(node: Any) -> Iterator[Statement]:
    if isinstance(node, Statement):
        yield node
        for item in node.items:
            yield from _statements(item)
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _statements(getattr(node, name))
    elif isinstance(node, list | tuple):
        for item in node:
            yield from _statements(item)


def _plain(markdown: str) -> str:
    html = MarkdownIt("commonmark").renderInline(markdown)
    return BeautifulSoup(html, "html.parser").get_text()


def _site_text(site: Path) -> str:
    parts = []
    for path in sorted(site.rglob("index.html")):
        if path.relative_to(site).parts[0] in ("print", "search"):
            continue
        article = BeautifulSoup(path.read_text("utf-8"), "html.parser").find("article")
        if isinstance(article, Tag):
            parts.append(article.get_text(" "))
    return _squash(" ".join(parts))


def test_the_pdf_holds_every_seed_statement_the_site_holds(
    pdfs: tuple[Any, Any], built_site: Path
) -> None:
    handbook, _ = load_handbook(DATA)
    assert isinstance(handbook, Handbook)
    site = _site_text(built_site)
    on_site = {_squash(_plain(s.text)) for s in _statements(list(vars(handbook).values()))}
    on_site -= {""}
    on_site = {s for s in on_site if s in site}
    assert len(on_site) > 150
    text = _squash(_text(pdfs[0]))
    missing = sorted(s for s in on_site if s not in text)
    assert missing == []


def test_the_outline_has_an_entry_for_every_page(pdfs: tuple[Any, Any], built_site: Path) -> None:
    printed = BeautifulSoup((built_site / "print" / "index.html").read_text("utf-8"), "html.parser")
    titles = []
    for section in printed.select("section.hb-print-page"):
        h1 = section.find("h1")
        assert isinstance(h1, Tag), section["id"]
        titles.append(" ".join(h1.get_text().replace("¶", "").split()))
    assert len(titles) > 60
    outline = [title for depth, title in _outline(pdfs[0]) if depth == 0]
    # the cover's title, then one entry per page of the navigation, in its order (Chromium
    # drops some spaces between inline elements: compared without whitespace)
    assert [_squash(t) for t in outline[1:]] == [_squash(t) for t in titles]


def test_title_page_metadata_and_tags(pdfs: tuple[Any, Any]) -> None:
    reader = pdfs[0]
    cover = reader.pages[0].extract_text()
    assert "Managed Desktop Operations Handbook" in cover
    assert "2018 edition" in cover and "2022 edition" in cover
    assert "Data as of 2023-03-10" in cover
    assert "Built from commit" in cover
    meta = reader.metadata
    assert meta.title == "Managed Desktop Operations Handbook"
    assert meta.subject and "Microsoft Managed Desktop" in meta.subject
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root  # tagged for screen readers
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "Page 2 of" in reader.pages[1].extract_text()


def test_two_runs_give_the_same_text_and_outline(pdfs: tuple[Any, Any]) -> None:
    one, two = pdfs
    assert _text(one) == _text(two)
    assert _outline(one) == _outline(two)
    assert one.metadata == two.metadata


def test_without_chromium_one_message_and_exit_2(tmp_path: Path) -> None:
    out = tmp_path / "h.pdf"
    missing = tmp_path / "no-such-chromium"
    result = subprocess.run(
        [HANDBOOK, "pdf", "--out", str(out)],
        cwd=ROOT,
        env={**os.environ, "HANDBOOK_CHROMIUM": str(missing), "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert str(missing) in result.stderr and "apt-get install -y chromium" in result.stderr
    assert not out.exists()


def test_an_unknown_edition_is_a_usage_error(tmp_path: Path) -> None:
    _chromium()
    result = run([HANDBOOK, "pdf", "--out", str(tmp_path / "h.pdf"), "--edition", "1999"])
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "--edition 1999" in result.stderr and "2018, 2022" in result.stderr


def test_the_makefile_has_a_pdf_target() -> None:
    assert "\npdf:" in (ROOT / "Makefile").read_text("utf-8")


def test_without_playwright_one_message_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import importlib.util

    from handbook import cli

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "playwright" else real(name)
    )
    out = tmp_path / "h.pdf"
    assert cli.main(["pdf", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "pip install -e '.[pdf]'" in err and "apt-get install -y chromium" in err
    assert not out.exists()

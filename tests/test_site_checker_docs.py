"""The site's Checker section is generated from the checker itself."""

from __future__ import annotations

from pathlib import Path

from handbook.checker.codes import FIELD_SPECS
from handbook.outputs import FORMATS

from .test_site import soup


def test_record_format_lists_every_field(built_site: Path) -> None:
    page = soup(built_site, "checker/record-format.md")
    fields = [c.get_text(strip=True) for c in page.select("table.hb-record-format th code")]
    assert fields == [f.name for f in FIELD_SPECS]


def test_every_rule_and_code_has_a_failing_and_a_passing_example(built_site: Path) -> None:
    page = soup(built_site, "checker/examples.md")
    text = page.get_text(" ")
    codes = [f"MMD{n:03d}" for n in range(1, 11)] + [f"E00{n}" for n in range(1, 6)]
    for code in codes:
        heading = page.find(id=code.lower())
        assert heading is not None, code
        section = []
        for sibling in heading.find_next_siblings():
            if sibling.name == "h2":
                break
            section.append(sibling.get_text(" "))
        body = " ".join(section)
        assert "Fails" in body, code
        if not code.startswith("E001"):
            assert "Passes" in body, code
    assert "No failing sample" not in text


def test_output_formats_show_a_sample_of_each(built_site: Path) -> None:
    page = soup(built_site, "checker/output-formats.md")
    headings = [h.get("id") for h in page.select("article h2")]
    assert set(FORMATS) <= set(headings)
    blocks = page.select("article pre code")
    assert len(blocks) >= len(FORMATS)
    assert any('"version": "2.1.0"' in b.get_text() for b in blocks)


def test_servicenow_mapping_page(built_site: Path) -> None:
    page = soup(built_site, "checker/servicenow.md")
    assert "servicenow.yaml" in page.get_text() and "change_request" in page.get_text()


def test_every_help_uri_has_a_page(built_site: Path) -> None:
    from handbook.checker.codes import CHECKER_CODES
    from handbook.checker.findings import help_uri
    from handbook.model.loader import load_handbook

    from .conftest import DATA

    handbook, _ = load_handbook(DATA)
    assert handbook is not None
    site_url = "https://handbook.example.org/"
    for code in [*(r.id for r in handbook.rules), *CHECKER_CODES]:
        uri = help_uri(site_url, code)
        assert uri is not None
        page = built_site / uri.removeprefix(site_url) / "index.html"
        assert page.is_file(), code


def test_a_passing_example_comes_from_the_samples_of_the_code_whatever_their_names(
    tmp_path: Path,
) -> None:
    """E001's broken file holds no other record, so its passing example is a record of
    another sample file that expects E001; the files' names play no part (before, a file
    had to be named ``e001-*`` to be found)."""
    import shutil

    from .checker_support import cli
    from .conftest import DATA

    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    samples = data / "samples"
    (samples / "e001-not-a-mapping.yaml").rename(samples / "items-that-are-not-records.yaml")
    index = samples / "samples.yaml"
    index.write_text(
        index.read_text("utf-8").replace(
            "file: e001-not-a-mapping.yaml", "file: items-that-are-not-records.yaml"
        ),
        encoding="utf-8",
    )
    run = cli("pages", "--data", str(data), "--out", str(tmp_path / "pages"), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    page = (tmp_path / "pages" / "rules" / "e001.md").read_text("utf-8")
    assert "<code>CHG-1201</code> in <code>items-that-are-not-records.yaml</code>" in page

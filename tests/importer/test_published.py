"""Pages as published: the HTML a reader saves from learn.microsoft.com (2022+) or
docs.microsoft.com (2018), site chrome included (``published/``, small pages in the two
sites' structure). The page's ``<main>`` is read; the chrome never is; the date, title and
document come from the ``<meta>`` tags and the ``<h1>``; line numbers are the saved file's.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from ruamel.yaml import YAML

from ..conftest import BIN, ROOT, run, seed_path

HERE = Path(__file__).parent / "published"

#: words only the chrome of the fixtures holds (navigation, metadata line, feedback, footer)
CHROME = [
    "JavaScript",
    "Documentation",
    "Breadcrumb",
    "roles and responsibilities",
    "Share via",
    "Facebook",
    "contributors",
    "In this article",
    "will: balance",
    "helpful",
    "Additional resources",
    "Windows Autopatch",
    "Previous Version",
    "Terms of Use",
    "read this",
    "minutes to read",
]


def _import(page: Path, tmp: Path, *extra: str) -> tuple[int, dict[str, object], str]:
    out = tmp / "out"
    result = run(
        [str(BIN / "handbook"), "import", str(page), "--out", str(out), "--format", "json", *extra],
        cwd=ROOT,
    )
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    written = "\n".join(p.read_text(encoding="utf-8") for p in sorted(out.glob("*")))
    return result.returncode, json.loads(result.stdout)["pages"][0], written


def test_learn_2022_page_reads_main_only(tmp_path: Path) -> None:
    code, page, written = _import(HERE / "learn-2022.html", tmp_path)
    assert (page["doc"], page["title"], page["ms_date"], page["edition"]) == (
        "002",
        "Change management",
        "2022-12-06",
        "2022",
    )
    assert code == 1  # the paragraph under the title is prose
    found = page["found"]
    assert isinstance(found, list)
    # the table's header row is on line 35 of the saved file, under its heading
    assert [(f["line"], f["kind"], f["section"], f["mapped"]) for f in found] == [
        (35, "html-table", "Change process overview", 4),
        (49, "callout", "Change process overview", 0),
    ]
    assert [(u["line"], u["reason"]) for u in page["unmapped"]] == [(31, "paragraph (prose)")]
    assert "Notify customers 5 days in advance" in written  # &nbsp; is a space
    assert "Read Microsoft Managed Desktop Message Center regularly." in written  # <br>
    assert "Message Center." not in written.replace("regularly.", "")  # the note
    report = json.dumps(page)
    for word in CHROME:
        assert word.lower() not in written.lower(), word
        assert word.lower() not in report.lower(), word


def test_docs_2018_page_reads_main_only(tmp_path: Path) -> None:
    code, page, written = _import(HERE / "docs-2018.html", tmp_path)
    assert (page["doc"], page["ms_date"], page["edition"]) == ("000", "2018-09-24", "2018")
    assert code == 0
    assert [(f["line"], f["recognised_as"]) for f in page["found"]] == [  # type: ignore[attr-defined]
        (31, "change-process"),
        (37, "callout (ignored)"),
    ]
    assert written.count("2018,before,") == 5
    for word in CHROME:
        assert word.lower() not in written.lower(), word


def test_meta_date_not_a_date_is_noted_at_its_line(tmp_path: Path) -> None:
    page_file = tmp_path / "page.html"
    page_file.write_text(
        '<!DOCTYPE html>\n<html><head>\n<meta name="ms.date" content="someday">\n</head>\n'
        "<body><main><h1>Vendor responsibilities</h1></main></body></html>\n",
        encoding="utf-8",
    )
    _, page, _ = _import(page_file, tmp_path, "--data", str(tmp_path / "no-data"))
    assert page["title"] == "Vendor responsibilities"
    assert [n["line"] for n in page["notes"]] == [3]  # type: ignore[index]
    assert "'someday' is not a date" in json.dumps(page["notes"])


@pytest.mark.parametrize(
    "meta",
    [
        '<meta name="ms.date" content="2022-12-06T00:00:00Z">',
        # Learn publishes updated_at beside ms.date; a page without ms.date is dated by it
        '<meta name="updated_at" content="2022-12-06 05:21 PM">',
    ],
)
def test_a_date_with_a_time_dates_the_page(tmp_path: Path, meta: str) -> None:
    # an ISO date-time was "not a date" and Learn's updated_at was never read: the page
    # went undated, into an edition of its own
    page_file = tmp_path / "page.html"
    page_file.write_text(
        f"<!DOCTYPE html>\n<html><head>\n{meta}\n</head>\n"
        "<body><main><h1>Vendor responsibilities</h1></main></body></html>\n",
        encoding="utf-8",
    )
    _, page, _ = _import(page_file, tmp_path, "--data", str(tmp_path / "no-data"))
    assert page["ms_date"] == "2022-12-06", page
    assert "not a date" not in json.dumps(page["notes"])


def _published(seed: Path) -> str:
    """``seed`` as Learn publishes it: its front matter as ``<meta>`` tags, its body
    rendered (tables as ``<table>``), inside the site's header, navigation and footer."""
    _, front, body = seed.read_text(encoding="utf-8").split("---\n", 2)
    meta = YAML(typ="safe").load(front)
    tags = "\n".join(
        f'<meta name="{html.escape(str(k))}" content="{html.escape(str(v))}" />'
        for k, v in meta.items()
        if k != "title" and isinstance(v, str)
    )
    content = MarkdownIt("commonmark", {"html": True}).enable("table").render(body)
    return (
        "<!DOCTYPE html>\n<html lang='en-us'>\n<head>\n"
        f'<meta property="og:title" content="{html.escape(meta["title"].strip())}" />\n{tags}\n'
        f"<title>{html.escape(meta['title'])} | Microsoft Learn</title>\n</head>\n<body>\n"
        "<header><nav><a href='/en-us/'>Learn</a></nav></header>\n"
        "<nav aria-label='Primary'><ul><li>Microsoft will: overview</li></ul></nav>\n"
        f"<main id='main'>\n{content}\n"
        "<section class='feedback-section'><h2>Feedback</h2><p>Was this page helpful?</p>"
        "</section>\n</main>\n<footer><ul><li>Customer will: Privacy</li></ul></footer>\n"
        "</body>\n</html>\n"
    )


@pytest.mark.parametrize("number", ["001", "002", "003"])
def test_published_seed_compares_as_no_change(number: str, tmp_path: Path) -> None:
    """A seed as published is the same page: no change against the committed data."""
    page_file = tmp_path / f"{number}.html"
    page_file.write_text(_published(seed_path(number)), encoding="utf-8")
    result = run([str(BIN / "handbook"), "import", str(page_file), "--compare"], cwd=ROOT)
    assert result.returncode in (0, 1), result.stderr
    assert "No change to statements, responsibilities, rules or verdicts." in result.stdout


def _page(tmp: Path, content: str) -> Path:
    page = tmp / "page.html"
    page.write_text(
        "<!DOCTYPE html>\n<html>\n<head>\n"
        '<meta property="og:title" content="Contoso tasks">\n'
        '<meta name="ms.date" content="05/02/2024">\n'
        f"</head>\n<body>\n<main>\n<h1>Contoso tasks</h1>\n{content}</main>\n</body>\n</html>\n",
        encoding="utf-8",
    )
    return page


TICKS = (
    "<table>\n<thead><tr><th>Task</th><th>Your responsibility</th><th>Contoso</th></tr></thead>\n"
    "<tbody>\n<tr><td>Enroll the tenant</td><td>✔️</td><td>❌</td></tr>\n"
    "<tr><td>Configure the service</td><td>❌</td><td>✔️</td></tr>\n</tbody>\n</table>\n"
)


def test_table_inside_a_list_item_is_a_table(tmp_path: Path) -> None:
    """A procedure's step holding the table (``<ol><li><p>…</p><table>``), as a Markdown
    page's table inside a list item is read."""
    page = _page(
        tmp_path, f"<h2>Onboarding</h2>\n<ol>\n<li><p>Review the tasks:</p>\n{TICKS}</li>\n</ol>\n"
    )
    _, found, written = _import(page, tmp_path, "--data", str(tmp_path / "no-data"))
    assert [(f["line"], f["kind"], f["mapped"]) for f in found["found"]] == [(14, "html-table", 2)]  # type: ignore[index]
    assert "text: Enroll the tenant" in written
    assert "text: Configure the service" in written


def test_escaped_text_in_a_heading_names_the_category(tmp_path: Path) -> None:
    """``<h2>Operate &amp; &lt;monitor&gt;</h2>``: the section a reader sees."""
    page = _page(tmp_path, f"<h2>Operate &amp; &lt;monitor&gt;</h2>\n{TICKS}")
    _, found, written = _import(page, tmp_path, "--data", str(tmp_path / "no-data"))
    assert [f["section"] for f in found["found"]] == ["Operate & <monitor>"]  # type: ignore[index]
    assert "name: Operate & <monitor>" in written


@pytest.mark.parametrize(
    "heading",
    [
        # Docusaurus: a zero-width space; MkDocs Material: a pilcrow; Sphinx: the section's id
        '<h2 id="patching">Patching<a href="#patching" class="hash-link">\u200b</a></h2>',
        '<h2 id="patching">Patching<a class="headerlink" href="#patching">¶</a></h2>',
        '<section id="patching"><h2>Patching<a class="headerlink" href="#patching">¶</a></h2>',
    ],
)
def test_heading_permalink_is_not_its_text(heading: str, tmp_path: Path) -> None:
    page = _page(tmp_path, f"{heading}\n{TICKS}")
    _, found, written = _import(page, tmp_path, "--data", str(tmp_path / "no-data"))
    assert [f["section"] for f in found["found"]] == ["Patching"]  # type: ignore[index]
    assert "name: Patching\n" in written


def test_title_in_the_articles_header(tmp_path: Path) -> None:
    """Docusaurus writes the page's ``<h1>`` in a ``<header>`` inside the article: the
    page's heading, not chrome (the site's ``<header>`` above it is)."""
    page = tmp_path / "page.html"
    page.write_text(
        "<!doctype html>\n<html><head><title>x</title></head>\n<body>\n"
        "<header><nav>Microsoft will: sign in</nav><p>Contoso Docs</p></header>\n"
        '<main><article>\n<div class="markdown"><header><h1>Contoso tasks</h1></header>\n'
        f"<h2>Patching</h2>\n{TICKS}</div>\n</article></main>\n</body></html>\n",
        encoding="utf-8",
    )
    _, found, written = _import(page, tmp_path, "--data", str(tmp_path / "no-data"))
    assert found["title"] == "Contoso tasks"
    assert "sign in" not in written
    assert "Contoso Docs" not in json.dumps(found)


#: a Learn tab group (docs.microsoft.com's markup): the second panel is hidden until chosen
TABS = """<h2 id="apps">Apps</h2>
<div class="tabGroup" id="tabgroup_1" data-bi-name="tab-group">
<ul role="tablist">
<li role="presentation"><a href="#tabpanel_1_intune" role="tab"
 aria-controls="tabpanel_1_intune" aria-selected="true">Intune</a></li>
<li role="presentation"><a href="#tabpanel_1_configmgr" role="tab"
 aria-controls="tabpanel_1_configmgr" aria-selected="false">Configuration Manager</a></li>
</ul>
<section id="tabpanel_1_intune" role="tabpanel" data-tab="intune">
<table>
<tr><th>Microsoft's responsibilities</th><th>Customer's responsibilities</th></tr>
<tr><td>Package the Microsoft 365 Apps.</td><td>Assign the apps to groups.</td></tr>
</table>
</section>
<section id="tabpanel_1_configmgr" role="tabpanel" data-tab="configmgr"
 hidden="hidden" aria-hidden="true">
<table>
<tr><th>Microsoft's responsibilities</th><th>Customer's responsibilities</th></tr>
<tr><td>Publish the client settings.</td><td>Deploy the Configuration Manager client.</td></tr>
</table>
</section>
</div>
"""


def test_every_tab_of_a_tab_group_is_read(tmp_path: Path) -> None:
    """A hidden tab is the page's content, not chrome; its title names its table, as an
    MkDocs content tab's does, and the tab list is no prose."""
    _, found, written = _import(
        _page(tmp_path, TABS), tmp_path, "--data", str(tmp_path / "no-data")
    )
    assert "Deploy the Configuration Manager client." in written
    assert "Assign the apps to groups." in written
    assert "name: Intune" in written
    assert "name: Configuration Manager" in written
    assert found["unmapped"] == []


def test_table_inside_a_quote_or_an_alert_is_a_table(tmp_path: Path) -> None:
    """As a Markdown page's table inside a quote or a ``[!NOTE]`` callout is read."""
    note = (
        '<div class="alert is-info">\n<p class="alert-title"><span class="docon"></span> Note</p>\n'
    )
    page = _page(
        tmp_path,
        f"<h2>Quoted</h2>\n<blockquote>\n{TICKS}</blockquote>\n"
        f"<h2>In a note</h2>\n{note}{TICKS}</div>\n",
    )
    _, found, written = _import(page, tmp_path, "--data", str(tmp_path / "no-data"))
    assert [(f["section"], f["mapped"]) for f in found["found"]] == [  # type: ignore[index]
        ("Quoted", 2),
        ("In a note", 2),
    ]
    assert found["unmapped"] == []
    assert written.count("text: Enroll the tenant") == 2


def test_aria_landmarks_mark_the_content_and_the_chrome(tmp_path: Path) -> None:
    """Sphinx's Read the Docs theme has no ``<main>``: ``<div role="main">`` is the content,
    its breadcrumbs ``<div role="navigation">`` chrome."""
    page = tmp_path / "page.html"
    page.write_text(
        "<!DOCTYPE html>\n<html><head><title>x</title></head>\n<body>\n"
        '<div class="rst-content">\n<div role="navigation" aria-label="Page navigation">'
        "<ul><li>Docs</li><li>Customer will: read the docs</li></ul></div>\n"
        '<div role="main" class="document"><div itemprop="articleBody">\n'
        f"<h1>Contoso tasks</h1>\n<h2>Patching</h2>\n{TICKS}</div></div>\n"
        '<footer><div role="contentinfo"><p>Copyright Contoso.</p></div></footer>\n'
        "</div>\n</body></html>\n",
        encoding="utf-8",
    )
    _, found, _ = _import(page, tmp_path, "--data", str(tmp_path / "no-data"))
    assert found["title"] == "Contoso tasks"
    assert found["unmapped"] == []
    assert [f["section"] for f in found["found"]] == ["Patching"]  # type: ignore[index]


def test_an_article_without_the_title_is_not_the_page(tmp_path: Path) -> None:
    """A card (``<article class="card">``, a training module recommended under the page)
    inside ``<main>`` is not the page's content: the article holding the ``<h1>`` is."""
    card = '<article class="card"><p>Module: Customer will manage apps</p></article>\n'
    _, found, written = _import(
        _page(tmp_path, f"<h2>Patching</h2>\n{TICKS}{card}"),
        tmp_path,
        "--data",
        str(tmp_path / "no-data"),
    )
    assert [f["section"] for f in found["found"]] == ["Patching"]  # type: ignore[index]
    assert "text: Enroll the tenant" in written


def test_escaped_text_beside_a_table_stays_text(tmp_path: Path) -> None:
    """Text straight inside a container, not in a ``<p>``: ``&lt;tenant&gt;`` is text (the
    report quotes the paragraph as the saved file writes it)."""
    page = _page(
        tmp_path, f"<div>Sign in to https://&lt;tenant&gt;.example first.\n{TICKS}</div>\n"
    )
    _, found, _ = _import(page, tmp_path, "--data", str(tmp_path / "no-data"))
    assert [u["text"] for u in found["unmapped"]] == [  # type: ignore[index]
        "Sign in to https://&lt;tenant&gt;.example first."
    ]

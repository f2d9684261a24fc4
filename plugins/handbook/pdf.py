"""``handbook pdf``: the print edition (`handbook.site.print_page`) as a PDF.

Steps: build the site with ``mkdocs build --strict`` into a temporary folder (in a
subprocess: only ``plugin.py`` imports MkDocs), open its print page (``print/`` or
``print/<edition>/``) by file URL in Chromium through Playwright, write the commit it was
built from into the cover (``git rev-parse HEAD`` beside ``mkdocs.yml``, when it is a git
checkout), print it (``page.pdf``: tagged, an outline from the headings, page numbers in
the footer, the title in the header), then set the document's title, subject and dates
with pypdf and write the file whole or not at all (`handbook.files.write_bytes_atomic`).

Chromium is Debian's (``apt-get install chromium``), found as the browser tests find it:
``chromium`` on ``PATH``, or the file named by ``HANDBOOK_CHROMIUM``. Browsers are never
downloaded. Playwright and pypdf are the optional extra ``pdf`` (``pip install '.[pdf]'``).
A missing piece is one message saying how to install it, exit 2, no traceback.

Dates: ``/CreationDate`` and ``/ModDate`` are ``SOURCE_DATE_EPOCH`` when it is set, else
the commit's date, else the time of the run; so two runs on one commit give the same text,
outline and metadata.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

from handbook.files import cannot_write, error, write_bytes_atomic

#: Environment variable naming the Chromium executable (default: ``chromium`` on PATH).
CHROMIUM_ENV = "HANDBOOK_CHROMIUM"
PAPERS = {"a4": "A4", "letter": "Letter"}
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
INSTALL_PLAYWRIGHT = (
    "handbook pdf needs Playwright and pypdf: install them with "
    "`pip install -e '.[pdf]'` (or `pip install playwright pypdf`); no browser download is "
    "needed, it prints with the system's Chromium (`sudo apt-get install -y chromium`)"
)
INSTALL_CHROMIUM = (
    "handbook pdf prints with Chromium, and there is no `chromium` on PATH: install it "
    "with `sudo apt-get install -y chromium` (Debian/Ubuntu), or set "
    f"{CHROMIUM_ENV} to the path of a Chromium executable"
)
#: Header and footer of every page (Chromium fills the spans; sizes must be given).
HEADER = (
    '<div style="font-size:8px;width:100%;margin:0 12mm;color:#555;">'
    '<span class="title"></span></div>'
)
FOOTER = (
    '<div style="font-size:8px;width:100%;margin:0 12mm;text-align:right;color:#555;">'
    'Page <span class="pageNumber"></span> of <span class="totalPages"></span></div>'
)
MARGIN = "16mm", "14mm"  # top and bottom, left and right


class PdfError(Exception):
    """The run cannot go on; the message says why and what to do (exit 2)."""


@dataclass(frozen=True)
class Printed:
    """What Chromium printed: the PDF and the facts of its metadata."""

    pdf: bytes
    title: str
    subject: str


def find_chromium() -> str:
    """The Chromium executable: ``$HANDBOOK_CHROMIUM`` when set, else ``chromium`` (or
    ``chromium-browser``) on PATH.

    Raises:
        PdfError: the variable names no executable file, or there is none on PATH.
    """
    named = os.environ.get(CHROMIUM_ENV)
    if named:
        if os.path.isfile(named) and os.access(named, os.X_OK):
            return named
        raise PdfError(
            f"{CHROMIUM_ENV}={named} is not an executable file; point it at Chromium or "
            "unset it to use `chromium` on PATH (`sudo apt-get install -y chromium`)"
        )
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        raise PdfError(INSTALL_CHROMIUM)
    return found


def build_site(config: Path, site_dir: Path) -> None:
    """``mkdocs build --strict`` of ``config`` into ``site_dir``.

    Raises:
        PdfError: the build failed (its last lines of output are in the message).
    """
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q"]
    command += ["-f", str(config), "-d", str(site_dir)]
    result = subprocess.run(
        command, cwd=config.parent, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-15:])
        raise PdfError(f"the site build of {config} failed:\n{tail}")


def _git(folder: Path, *args: str) -> str | None:
    """Output of ``git args`` in ``folder``, or None (no git, not a checkout)."""
    try:
        result = subprocess.run(
            ["git", *args], cwd=folder, capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() or None if result.returncode == 0 else None


def source_date(folder: Path) -> datetime:
    """The date the PDF says it was made: ``SOURCE_DATE_EPOCH`` (seconds, UTC), else the
    date of the commit checked out in ``folder``, else now (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    committed = _git(folder, "log", "-1", "--format=%ct")
    if committed and committed.isdigit():
        return datetime.fromtimestamp(int(committed), UTC)
    return datetime.now(UTC)


def print_page(html: Path, paper: str, commit: str | None, chromium: str) -> Printed:
    """Print the page ``html`` (a file of the built site) to PDF with Chromium."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium, args=CHROMIUM_ARGS, headless=True
            )
            try:
                page = browser.new_page()
                page.goto(html.as_uri(), wait_until="load")
                page.emulate_media(media="print")
                facts: dict[str, str] = page.evaluate(
                    """(commit) => {
                        for (const e of document.querySelectorAll("[data-hb-commit]")) {
                            if (!commit) continue;  // the site's cover names no commit
                            e.textContent = commit;
                            e.parentElement.hidden = false;
                        }
                        const text = (s) => (document.querySelector(s)?.textContent || "").trim();
                        const description = document.querySelector("meta[name=description]");
                        return {
                            title: text(".hb-print-cover__title") || document.title,
                            edition: text(".hb-print-cover__edition"),
                            subject: description ? description.content : "",
                        };
                    }""",
                    commit or "",
                )
                pdf = page.pdf(
                    format=PAPERS[paper],
                    print_background=True,
                    tagged=True,
                    outline=True,
                    display_header_footer=True,
                    header_template=HEADER,
                    footer_template=FOOTER,
                    margin={
                        "top": MARGIN[0],
                        "bottom": MARGIN[0],
                        "left": MARGIN[1],
                        "right": MARGIN[1],
                    },
                )
            finally:
                browser.close()
    except PlaywrightError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "unknown error"
        raise PdfError(f"Chromium ({chromium}) could not print the page: {first}") from None
    edition = facts.get("edition", "")
    title = facts["title"] + (f" ({edition})" if edition.startswith("Edition:") else "")
    return Printed(pdf, title, facts.get("subject", ""))


def _pdf_date(when: datetime) -> str:
    return when.astimezone(UTC).strftime("D:%Y%m%d%H%M%SZ")


def with_metadata(printed: Printed, commit: str | None, when: datetime) -> bytes:
    """The PDF with its title, subject, keywords (the commit) and dates set (pypdf);
    the structure tree (tags) and the outline are kept."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(BytesIO(printed.pdf)))
    metadata = {
        "/Title": printed.title,
        "/Subject": printed.subject,
        "/Creator": "handbook pdf",
        "/CreationDate": _pdf_date(when),
        "/ModDate": _pdf_date(when),
    }
    if commit:
        metadata["/Keywords"] = f"commit {commit}"
    writer.add_metadata(metadata)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def make_pdf(config: Path, edition: str | None, paper: str) -> bytes:
    """The PDF of the print edition of the site of ``config`` (``mkdocs.yml``).

    Raises:
        PdfError: Playwright, pypdf or Chromium is missing, the build failed, there is no
            such edition, or Chromium could not print.
    """
    if any(importlib.util.find_spec(name) is None for name in ("playwright", "pypdf")):
        raise PdfError(INSTALL_PLAYWRIGHT)
    chromium = find_chromium()
    if not config.is_file():
        raise PdfError(f"{config}: no such file; name the site's mkdocs.yml with --config")
    root = config.resolve().parent
    commit = _git(root, "rev-parse", "HEAD")
    with tempfile.TemporaryDirectory(prefix="handbook-pdf-") as tmp:
        site = Path(tmp) / "site"
        build_site(config.resolve(), site)
        page = site / "print" / (f"{edition}/" if edition else "") / "index.html"
        if not page.is_file():
            known = sorted(p.name for p in (site / "print").glob("*") if p.is_dir())
            raise PdfError(
                f"--edition {edition}: no such edition in the data; "
                f"choose one of {', '.join(known) or '(none)'}"
            )
        printed = print_page(page, paper, commit, chromium)
    return with_metadata(printed, commit, source_date(root))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``handbook pdf``."""
    parser.add_argument("--out", required=True, metavar="FILE", help="the PDF to write")
    parser.add_argument(
        "--edition",
        metavar="ID",
        help="print one edition (its pages and the pages of every edition); default: the "
        "whole handbook",
    )
    parser.add_argument("--paper", choices=sorted(PAPERS), default="a4", help="default: a4")
    parser.add_argument(
        "--config", default="mkdocs.yml", help="the site's mkdocs.yml (default: mkdocs.yml)"
    )


def run(args: argparse.Namespace) -> int:
    """``handbook pdf``: exit 0 when the PDF is written, 2 when it cannot be (one line
    saying why on standard error; ``--out`` is left as it was)."""
    try:
        data = make_pdf(Path(args.config), args.edition, args.paper)
    except PdfError as exc:
        return error("handbook pdf", str(exc))
    try:
        write_bytes_atomic(args.out, data)
    except OSError as exc:
        return cannot_write("handbook pdf", exc, args.out)
    print(f"wrote {args.out} ({len(data):,} bytes)")
    return 0

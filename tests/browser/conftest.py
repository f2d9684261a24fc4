"""Browser fixtures: the built site served on 127.0.0.1, Debian's Chromium driven by Playwright.

Every test page runs in its own browser context whose requests are routed through
`OfflineGuard`: a request to any host other than 127.0.0.1 is aborted and fails the test, as
does an uncaught JavaScript error. Browsers are never downloaded (no ``playwright install``):
the tests use the ``chromium`` on PATH (``apt-get install -y chromium``) and are skipped,
saying how to install it, when there is none.
"""

from __future__ import annotations

import functools
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from ..conftest import copy_project, mkdocs_build

sync_api = pytest.importorskip(
    "playwright.sync_api",
    reason="Playwright is not installed: run `pip install -e '.[test]'` (or `make test`)",
)

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
INSTALL_HINT = (
    "Chromium is not installed, so the browser tests are skipped. They drive the "
    "distribution's Chromium (never a downloaded browser): install it with "
    "`sudo apt-get install -y chromium` on Debian/Ubuntu (CI's .ci/run does this), "
    "make sure `chromium` is on PATH, and run the tests again."
)
HOST = "127.0.0.1"
#: Scripts and styles our tables load (site-relative); a page without a table loads none.
TABLE_ASSETS = ("assets/handbook/datatables/", "assets/handbook/tables.")


class QuietHandler(SimpleHTTPRequestHandler):
    """Static files without a log line per request."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


class SiteServer:
    """A folder served by ``http.server`` on 127.0.0.1 (a free port) in a thread."""

    def __init__(self, root: Path) -> None:
        handler = functools.partial(QuietHandler, directory=str(root))
        self.root = root
        self.httpd = ThreadingHTTPServer((HOST, 0), handler)
        self.url = f"http://{HOST}:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@dataclass
class OfflineGuard:
    """Fails the test on a request to another host than 127.0.0.1 or a JavaScript error."""

    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def route(self, route: Any) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about") or parts.hostname == HOST:
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort("blockedbyclient")

    def check(self) -> None:
        assert self.blocked == [], f"requests to other hosts than {HOST}: {self.blocked}"
        assert self.errors == [], f"JavaScript errors: {self.errors}"


@pytest.fixture(scope="session")
def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.skip(INSTALL_HINT)
    return path


@pytest.fixture(scope="session")
def browser(chromium: str) -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


def build_served_site(
    workdir: Path, change: Callable[[Path], None] | None = None
) -> Iterator[SiteServer]:
    """Build a copy of the project (``change`` may edit it first) for the URL it is served
    at, and serve it on 127.0.0.1 until the generator is closed.

    The site is built with ``site_url`` set to the server's URL: Material's instant
    navigation only intercepts links listed in ``sitemap.xml``, and it matches them with
    the port, so a site built for another URL would fall back to full page loads.
    """
    project = copy_project(workdir / "project")
    if change is not None:
        change(project)
    server = SiteServer(workdir / "site")
    try:
        config = project / "mkdocs.yml"
        text = config.read_text(encoding="utf-8")
        text, count = re.subn(r"(?m)^site_url:.*$", f"site_url: {server.url}", text)
        assert count == 1, "mkdocs.yml has no site_url line"
        config.write_text(text, encoding="utf-8")
        result = mkdocs_build(project, workdir / "site")
        assert result.returncode == 0, result.stderr
        yield server
    finally:
        server.close()


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteServer]:
    """The real handbook (a strict build of the project) served on 127.0.0.1."""
    yield from build_served_site(tmp_path_factory.mktemp("browser"))


#: The viewport widths the site is checked at: a desktop's and a phone's.
DESKTOP, PHONE = 1280, 375


def new_page(browser: Any, guard: OfflineGuard, *, dark: bool = False, width: int = DESKTOP) -> Any:
    """A page in a fresh context (no cache, no storage) whose requests ``guard`` checks,
    ``width`` CSS pixels wide."""
    context = browser.new_context(
        viewport={"width": width, "height": 900},
        color_scheme="dark" if dark else "light",
        service_workers="block",
    )
    context.route("**/*", guard.route)
    page = context.new_page()
    page.on("pageerror", lambda error: guard.errors.append(str(error)))
    page.on(
        "console",
        lambda message: guard.errors.append(message.text) if message.type == "error" else None,
    )
    page.set_default_timeout(15_000)
    return page


@pytest.fixture
def guard() -> OfflineGuard:
    return OfflineGuard()


@pytest.fixture
def page(browser: Any, guard: OfflineGuard) -> Iterator[Any]:
    """A browser page for one test; the test fails on an outside request or a JS error."""
    page = new_page(browser, guard)
    try:
        yield page
    finally:
        page.context.close()
    guard.check()


def wait_for_tables(page: Any) -> None:
    """Wait until every interactive table of the page is enhanced by our glue script."""
    page.wait_for_function(
        """() => [...document.querySelectorAll("table[data-hb-table]")]
            .every(t => t.dataset.hbEnhanced === "true")"""
    )


def open_page(page: Any, url: str) -> None:
    page.goto(url, wait_until="load")
    wait_for_tables(page)


def loaded_table_assets(page: Any) -> list[str]:
    """URLs of the table scripts and styles the page has loaded."""
    urls: list[str] = page.evaluate(
        "() => performance.getEntriesByType('resource').map(e => e.name)"
    )
    return [u for u in urls if any(a in u for a in TABLE_ASSETS)]


def site_pages(root: Path) -> list[str]:
    """Site-relative URLs of every HTML page of a built site (404 page excluded)."""
    out = []
    for path in sorted(root.rglob("*.html")):
        rel = path.relative_to(root).as_posix()
        if rel == "404.html":
            continue
        out.append(rel.removesuffix("index.html"))
    return out


def has_interactive_table(root: Path, path: str) -> bool:
    """Whether the built page at ``path`` (a `site_pages` URL) has an interactive table."""
    html = (root / path / "index.html") if not path.endswith(".html") else root / path
    return "data-hb-table=" in html.read_text(encoding="utf-8")

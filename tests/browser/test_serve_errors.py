"""A broken save while ``mkdocs serve`` runs shows in the page being read, then goes away.

Issue 16 item 4: the real ``mkdocs serve --strict`` on a copy of the project (a free port
on 127.0.0.1), Debian's Chromium on one of its pages. A data file is broken: the page
reloads by itself and lists the problem (file:line:column, what is wrong, what would be
right, the file's text escaped); the file is fixed: the page comes back by itself. Every
wait is bounded; the server is always stopped.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from ..conftest import BIN, copy_project, mkdocs_build
from .conftest import HOST

#: The longest wait for the server to start or a rebuild to reach the page (ms for Playwright).
WAIT_S = 60
PAGE = "sops/network/"
GOOD = 'edition: "2022"'
# an unknown edition whose text is markup: the error page must show it, not run it
BAD = 'edition: "<b id=injected>2099</b>"'


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until_served(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        assert server.poll() is None, "mkdocs serve exited"
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    pytest.fail(f"mkdocs serve did not answer {url} within {WAIT_S} s")


@contextmanager
def serve(project: Path, log_file: Path) -> Iterator[str]:
    """``mkdocs serve --strict`` of ``project`` until the block ends: its URL."""
    port = free_port()
    log = log_file.open("wb")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    server = subprocess.Popen(
        [str(BIN / "mkdocs"), "serve", "--strict", "-a", f"{HOST}:{port}"],
        cwd=project,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://{HOST}:{port}/"
    try:
        wait_until_served(url + PAGE, server)
        yield url
    finally:
        server.send_signal(signal.SIGINT)  # serve removes its temporary site on SIGINT
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=20)
        log.close()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A copy of the project served by ``mkdocs serve --strict``: (project, URL)."""
    project = copy_project(tmp_path / "project")
    with serve(project, tmp_path / "serve.log") as url:
        yield project, url


def test_a_broken_save_shows_in_the_page_and_a_fix_brings_it_back(
    served: tuple[Path, str], page: Any
) -> None:
    project, url = served
    data = project / "data" / "sop-categories.yaml"
    good = data.read_text(encoding="utf-8")
    assert good.count(GOOD) > 1
    page.set_default_timeout(WAIT_S * 1000)
    page.goto(url + PAGE, wait_until="load")
    assert "Network" in page.locator("h1").first.inner_text()

    data.write_text(good.replace(GOOD, BAD, 1), encoding="utf-8")
    problem = page.locator("li.hb-problem").first
    problem.wait_for()  # live reload: nobody touches the browser
    text = problem.inner_text()
    assert "data/sop-categories.yaml:8:3" in text
    assert "<b id=injected>2099</b>" in text  # what is wrong, shown as text
    assert "expected one of: 2018, 2022" in text  # what would be right
    assert page.locator("#injected").count() == 0
    assert page.locator("h1").first.inner_text() == "Data errors"

    data.write_text(good, encoding="utf-8")
    page.locator("h1", has_text="Network").first.wait_for()
    assert page.locator("li.hb-problem").count() == 0


def test_serve_started_on_broken_data_shows_the_problems_in_the_generated_pages(
    tmp_path: Path,
) -> None:
    """The pages of the last build kept in ``.cache/handbook/`` are served as error
    pages, so the page a contributor opens is not a 404 (plain HTTP: no browser needed)."""
    project = copy_project(tmp_path / "project")
    assert mkdocs_build(project, tmp_path / "site").returncode == 0  # keeps the pages
    data = project / "data" / "sop-categories.yaml"
    data.write_text(data.read_text(encoding="utf-8").replace(GOOD, BAD, 1), encoding="utf-8")
    with (
        serve(project, tmp_path / "serve.log") as url,
        urllib.request.urlopen(url + PAGE, timeout=10) as response,
    ):
        html = response.read().decode("utf-8")
    assert "data/sop-categories.yaml:8:3" in html and "Data errors" in html
    assert "<b id=injected>" not in html  # the data's text is escaped

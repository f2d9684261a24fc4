"""`handbook build --engine zensical --serve`: the real command serving a copy of the
project; a data change shows in the served page, a data error keeps the last good pages
and is printed, SIGTERM stops the engine's server too."""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .conftest import BIN, copy_project, edit


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            body: bytes = response.read()
            return body.decode("utf-8")
    except (urllib.error.URLError, OSError):
        return None


def _wait_for(url: str, text: str, seconds: float = 90) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        body = _get(url)
        if body is not None and text in body:
            return True
        time.sleep(0.5)
    return False


def test_serve_rebuilds_on_data_changes(tmp_path: Path) -> None:
    if importlib.util.find_spec("zensical") is None:
        pytest.skip("the zensical engine is not installed: pip install -e '.[zensical]'")
    project = copy_project(tmp_path / "p")
    port = _free_port()
    url = f"http://127.0.0.1:{port}/sops/device-groups/"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    args = [str(BIN / "handbook"), "build", "--engine", "zensical", "--serve"]
    log = (tmp_path / "serve.log").open("w+", encoding="utf-8")
    child = subprocess.Popen(
        [*args, "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        assert _wait_for(url, "Device Groups"), "the site was not served"
        edit(project / "data" / "sop-categories.yaml", "name: Device Groups", "name: Gadget Groups")
        assert _wait_for(url, "Gadget Groups"), "the data change did not show"
        with (project / "data" / "roles.yaml").open("a", encoding="utf-8") as roles:
            roles.write("broken: [\n")
        end = time.monotonic() + 30
        while "the data has errors" not in Path(log.name).read_text() and time.monotonic() < end:
            time.sleep(0.5)
        output = Path(log.name).read_text()
        assert "the data has errors" in output
        assert "data/roles.yaml:" in output
        assert "Gadget Groups" in (_get(url) or "")  # the last good pages stay
    finally:
        child.send_signal(signal.SIGTERM)
        code = child.wait(timeout=30)
        log.close()
    assert code == 143
    assert _get(url) is None, "the engine's server is still running"

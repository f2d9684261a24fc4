"""Edit-to-page benchmark: ``mkdocs serve`` of the handbook against a plain MkDocs site.

    python benchmarks/serve_edit.py [--edits 5] [--timeout 60]

Works on copies of the project in a temporary folder. For each site, starts ``mkdocs
serve`` on a free loopback port, waits for the page to be served, then ``--edits`` times:
changes a statement (SOP category ``network`` of the 2022 edition: "Advise and plan with
customers to minimize risk to business users.") in the site's source, saves, and polls
the served page over HTTP (every 20 ms) until it contains the new text. The time from the
save to that response is the edit-to-page time.

* **handbook**: the statement is edited in ``data/sop-categories.yaml``; the page is the
  one the plugin generates from it (``sops/network/``);
* **plain**: the plain MkDocs + Material site of the same Markdown (``handbook pages``
  output and ``docs/``, no handbook plugin, see ``site_build.py``); the statement is edited
  in ``sops/network.md``.

Prints each site's times (best and median) and the ratio of the medians handbook / plain
(budget <= 1.3), then the same for the server's CPU seconds from the save to the
page (Linux), which move less on a shared machine. Loops are bounded by ``--timeout``;
servers are always stopped. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from copies import BIN, copy_project, env, plain_project

STATEMENT = "Advise and plan with customers to minimize risk to business users."
PAGE = "sops/network/"
POLL = 0.02


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def fetch(url: str) -> str | None:
    """The page's text, or None while it is not served."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            text: str = response.read().decode("utf-8", "replace")
            return text
    except (urllib.error.URLError, OSError):
        return None


def wait_for(url: str, text: str, deadline: float) -> float | None:
    """Poll ``url`` until it contains ``text``; the time it did, or None at ``deadline``."""
    while time.perf_counter() < deadline:
        page = fetch(url)
        if page is not None and text in page:
            return time.perf_counter()
        time.sleep(POLL)
    return None


class Server:
    """``mkdocs serve -f CONFIG`` on a free port, in its own process group (stopped by
    `stop`, which the ``with`` block always calls)."""

    def __init__(self, config: Path, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = log.open("w", encoding="utf-8")
        cmd = [str(BIN / "mkdocs"), "serve", "-f", str(config), "-a", f"127.0.0.1:{self.port}"]
        self.proc = subprocess.Popen(
            cmd,
            cwd=config.parent,
            env=env(),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self.log.close()


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far (Linux ``/proc``; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


#: CPU seconds the server used from each save to the page showing it, by site.
CPU: dict[str, list[float]] = {}


def measure(config: Path, source: Path, edits: int, timeout: float, log: Path) -> list[float]:
    """Edit-to-page seconds of ``edits`` edits of ``STATEMENT`` in ``source`` (the
    server's CPU seconds of each go to ``CPU[str(config)]``)."""
    original = source.read_text(encoding="utf-8")
    if original.count(STATEMENT) != 1:
        raise SystemExit(f"{source}: the statement {STATEMENT!r} is not there exactly once")
    times = []
    try:
        with Server(config, log) as server:
            url = server.url + PAGE
            if wait_for(url, STATEMENT, time.perf_counter() + max(timeout, 120)) is None:
                raise SystemExit(f"{url} not served in time; see {log}")
            for n in range(1, edits + 1):
                marker = f"business users (edit {n} of {os.getpid()})."
                text = original.replace("business users.", marker, 1)
                time.sleep(1.0)  # let the server settle after the previous build
                cpu = cpu_seconds(server.proc.pid)
                saved = time.perf_counter()
                source.write_text(text, encoding="utf-8")
                done = wait_for(url, marker, saved + timeout)
                if done is None:
                    raise SystemExit(f"edit {n}: {url} did not show it in {timeout} s; see {log}")
                times.append(done - saved)
                CPU.setdefault(str(config), []).append(cpu_seconds(server.proc.pid) - cpu)
    finally:
        source.write_text(original, encoding="utf-8")
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--edits", type=int, default=5, help="edits per site (default 5)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per edit")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="handbook-serve-edit-") as tmp:
        work = Path(tmp)
        project = copy_project(work / "project")
        plain = plain_project(project, work / "plain")
        results = {
            "handbook": measure(
                project / "mkdocs.yml",
                project / "data" / "sop-categories.yaml",
                args.edits,
                args.timeout,
                work / "handbook-serve.log",
            ),
            "plain": measure(
                plain,
                plain.parent / "docs" / "sops" / "network.md",
                args.edits,
                args.timeout,
                work / "plain-serve.log",
            ),
        }
    print(f"{'edit to page (s)':18} {'best':>6} {'median':>7}  all")
    for name, values in results.items():
        spread = " ".join(f"{v:.2f}" for v in values)
        print(f"{name:18} {min(values):6.2f} {statistics.median(values):7.2f}  {spread}")
    ratio = statistics.median(results["handbook"]) / statistics.median(results["plain"])
    print(f"ratio handbook / plain (medians): {ratio:.2f}  (budget <= 1.3)")
    cpu = dict(zip(results, CPU.values(), strict=True))
    for name, values in cpu.items():
        spread = " ".join(f"{v:.2f}" for v in values)
        print(f"{name + ' CPU':18} {min(values):6.2f} {statistics.median(values):7.2f}  {spread}")
    ratio = statistics.median(cpu["handbook"]) / statistics.median(cpu["plain"])
    print(f"CPU ratio handbook / plain (medians; the server's CPU from save to page): {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

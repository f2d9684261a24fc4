"""The parts of the site that need the checker and pandas, computed apart from the pages.

Most pages are generated from the data alone. A few show what the checker says about the
sample change records of ``data/samples/`` (their verdicts, each output format's text),
and the download files are written with pandas. `compute(handbook)` returns those as
`SiteResults`.

A site build runs the same computation in a child process (`Background`: ``python -m
handbook.site_results DATA_DIR``, started before the pages are generated) while MkDocs
converts the pages; the MkDocs process then never imports pandas, and the machine's second
CPU does the checker's work. The results travel as two lines of JSON (see `Background`).
``handbook pages`` and the tests call `compute` in-process; both ways give byte-identical
HTML (a test compares two builds).

This module imports only the standard library at import time (the plugin starts
`Background` before it loads anything else).
"""

from __future__ import annotations

import json
import os
import queue
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from handbook.checker.samples import SampleVerdict
    from handbook.model.handbook import Handbook


@dataclass
class SiteResults:
    """What the checker and pandas contribute to the site.

    Attributes:
        verdicts: every sample record's verdict (`sample_verdicts`), in
            ``data/samples/samples.yaml`` order.
        formats: output format name → the checker's output for the first sample file
            (`format_samples`); empty when there is no sample.
        downloads: site-relative path (``downloads/<table>.csv|json``) → file text
            (`handbook.site.downloads.download_files`).
    """

    verdicts: list[SampleVerdict]
    formats: dict[str, str]
    downloads: dict[str, str]


def format_samples(handbook: Handbook) -> dict[str, str]:
    """Each output format's text for the first sample file (the Checker section shows it).

    Returns ``{format name: output}`` in `handbook.outputs.FORMATS` order; empty when there
    is no sample.
    """
    from handbook.checker.check import check_paths
    from handbook.outputs import FORMATS

    if not handbook.samples:
        return {}
    path = handbook.root / "samples" / handbook.samples[0].file
    report = check_paths(handbook, [path])
    return {name: renderer(report) for name, renderer in FORMATS.items()}


def compute(handbook: Handbook) -> SiteResults:
    """The samples' verdicts, the output-format examples and the download files."""
    from handbook.checker.samples import sample_verdicts
    from handbook.site.downloads import download_files

    return SiteResults(
        sample_verdicts(handbook), format_samples(handbook), download_files(handbook)
    )


#: A marker of `handbook.site.generator.Generator.deferred` (an HTML comment: Markdown passes it
#: through as a block of its own); group 1 is the whole marker.
MARKER = re.compile(r"(<!--handbook-deferred-[0-9a-f]+-\d+-->)")


def marker(token: str, number: int) -> str:
    """The ``number``-th marker of the generator whose random ``token`` it is."""
    return f"<!--handbook-deferred-{token}-{number}-->"


class ResultsError(Exception):
    """The child process failed; the message says how (its exit code and last lines)."""


class Background:
    """`compute` for the data in ``data_dir``, in a child process started at once.

    The child loads the data itself (from the same path, in the same working directory,
    so file names in messages are the same) and writes two JSON lines: the download files
    first (`downloads`: a build needs them before it writes static files), then the
    verdicts and output formats (`result`: needed when the pages that show them are
    written). A thread of this process reads the lines as they come; standard error goes
    to a temporary file. `cancel` stops the child. Python is this process's interpreter
    (``sys.executable``), and this package's folder is put first on ``PYTHONPATH``.
    """

    def __init__(self, data_dir: Path, timeout: float = 600.0) -> None:
        env = dict(os.environ)
        package_root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join([package_root, *filter(None, [env.get("PYTHONPATH")])])
        self._deadline = time.monotonic() + timeout
        # closed when the child is done or cancelled, not at the end of a block
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115
        self._process: subprocess.Popen[bytes] | None = subprocess.Popen(
            [sys.executable, "-m", "handbook.site.results", str(data_dir)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=env,
        )
        self._lines: queue.Queue[bytes] = queue.Queue()
        threading.Thread(
            target=_pump, args=(self._process.stdout, self._lines), daemon=True
        ).start()
        self._downloads: dict[str, str] | None = None
        self._result: SiteResults | None = None

    def downloads(self) -> dict[str, str]:
        """The download files (`handbook.site.downloads.download_files`), waiting for them.

        Raises:
            ResultsError: see `result`.
        """
        if self._downloads is None:
            self._downloads = dict(self._part("downloads")["downloads"])
        return self._downloads

    def result(self) -> SiteResults:
        """Everything, waiting for the child to finish.

        Raises:
            ResultsError: the child failed (its exit code and the end of its standard
                error), wrote something that is not results, or was not done by the
                deadline (``timeout`` seconds after it started); or `cancel` was called.
        """
        if self._result is not None:
            return self._result
        downloads = self.downloads()
        rest = self._part("verdicts and formats")
        process = self._process
        assert process is not None
        try:
            process.wait(timeout=max(0.0, self._deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.cancel()
            raise ResultsError("the child process did not finish in time") from None
        self._process = None
        if process.returncode != 0:
            raise self._failure(process.returncode)
        try:
            from handbook.checker.samples import SampleVerdict

            verdicts = [SampleVerdict(**v) for v in rest["verdicts"]]
            self._result = SiteResults(verdicts, dict(rest["formats"]), downloads)
        except (KeyError, TypeError) as exc:
            raise ResultsError(f"unreadable results from the child process: {exc}") from None
        self._stderr.close()
        return self._result

    def _part(self, what: str) -> dict[str, Any]:
        if self._process is None:
            raise ResultsError("the computation was cancelled")
        try:
            line = self._lines.get(timeout=max(0.0, self._deadline - time.monotonic()))
        except queue.Empty:
            self.cancel()
            raise ResultsError(f"no {what} from the child process in time") from None
        if not line:  # the child ended without writing this part
            process, self._process = self._process, None
            raise self._failure(process.wait())
        try:
            part = json.loads(line)
        except ValueError as exc:
            raise ResultsError(f"unreadable {what} from the child process: {exc}") from None
        if not isinstance(part, dict):
            raise ResultsError(f"unreadable {what} from the child process")
        return part

    def _failure(self, code: int) -> ResultsError:
        self._stderr.seek(0)
        tail = self._stderr.read().decode("utf-8", "replace").strip().splitlines()[-20:]
        self._stderr.close()
        return ResultsError(
            f"`python -m handbook.site.results` exited with {code}"
            + (":\n" + "\n".join(tail) if tail else "")
        )

    def cancel(self) -> None:
        """Stop the child if it still runs (idempotent)."""
        process, self._process = self._process, None
        if process is not None:
            if process.poll() is None:
                process.kill()
            process.wait()
            self._stderr.close()


def _pump(stream: IO[bytes], lines: queue.Queue[bytes]) -> None:
    """Put each line of ``stream`` on ``lines``, then ``b""`` at its end."""
    with stream:
        for line in iter(stream.readline, b""):
            lines.put(line)
    lines.put(b"")


def main(argv: list[str] | None = None) -> int:
    """``python -m handbook.site.results DATA_DIR``: `SiteResults` for `Background`.

    Writes two lines of JSON to standard output: ``{"downloads": {...}}``, then
    ``{"verdicts": [...], "formats": {...}}`` (see `Background`). Exit 0; 2 with the data's
    problems on standard error when ``DATA_DIR`` does not load.
    """
    from handbook.model.loader import load_handbook
    from handbook.model.problems import format_problems

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m handbook.site.results DATA_DIR", file=sys.stderr)
        return 2
    handbook, problems = load_handbook(Path(args[0]))
    if handbook is None:
        print(format_problems(problems), file=sys.stderr)
        return 2
    from handbook.checker.samples import sample_verdicts
    from handbook.site.downloads import download_files

    out = sys.stdout.buffer
    out.write(json.dumps({"downloads": download_files(handbook)}).encode("utf-8") + b"\n")
    out.flush()  # the build needs these first
    rest: dict[str, object] = {
        "verdicts": [asdict(v) for v in sample_verdicts(handbook)],
        "formats": format_samples(handbook),
    }
    out.write(json.dumps(rest).encode("utf-8") + b"\n")
    out.flush()
    return 0


if __name__ == "__main__":  # pragma: no cover - the child process's entry point
    raise SystemExit(main())

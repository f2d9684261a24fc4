"""The data folder at a git revision, read with ``git archive`` into a temporary folder.

Every failure is a `RevisionError` with a one-line message (not a git repository, unknown
revision, no data folder at that revision, git not installed).
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class RevisionError(Exception):
    """The data at a revision cannot be read; ``str()`` is one line for a human."""


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError as exc:
        raise RevisionError(
            "git is not installed (handbook diff reads revisions with git)"
        ) from exc


def _first_line(raw: bytes) -> str:
    lines = raw.decode("utf-8", "replace").strip().splitlines()
    return lines[0] if lines else "no message"


def locate(data: Path) -> tuple[Path, str]:
    """``(top, prefix)``: the work tree holding the folder ``data`` and the folder's path
    inside it (POSIX, ending in ``/``, ``""`` at the top).

    Raises `RevisionError` when ``data`` is not a folder or not inside a git work tree.
    """
    if not data.is_dir():
        raise RevisionError(f"data folder not found: {data}")
    run = _git(data, "rev-parse", "--show-toplevel", "--show-prefix")
    if run.returncode != 0:
        raise RevisionError(f"not a git repository: {data} ({_first_line(run.stderr)})")
    lines = run.stdout.decode("utf-8").splitlines()
    return Path(lines[0]), lines[1] if len(lines) > 1 else ""


@contextmanager
def data_at(data: Path, revision: str | None) -> Iterator[tuple[Path, str]]:
    """Yield ``(folder, label)``: the data folder ``data`` as it is at ``revision`` (a
    temporary copy, removed on exit) or, for None, ``data`` itself in the working tree.

    ``label`` names the side for people: ``"working tree"`` or ``"main (1a2b3c4d5e)"``.
    Raises `RevisionError` for an unknown revision or a revision without the folder.
    """
    if revision is None:
        locate(data)
        yield data, "working tree"
        return
    top, prefix = locate(data)
    run = _git(
        top, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"
    )
    if run.returncode != 0 or not run.stdout.strip():
        raise RevisionError(f"unknown revision '{revision}' in {top}")
    commit = run.stdout.decode("ascii").strip()
    archive = _git(top, "archive", "--format=tar", commit, "--", prefix or ".")
    if archive.returncode != 0:
        raise RevisionError(
            f"no data folder '{prefix or '.'}' at revision '{revision}' "
            f"({_first_line(archive.stderr)})"
        )
    with tempfile.TemporaryDirectory(prefix="handbook-diff-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(tmp, filter="data")
        folder = Path(tmp) / prefix
        if not folder.is_dir():
            raise RevisionError(f"no data folder '{prefix}' at revision '{revision}'")
        yield folder, f"{revision} ({commit[:10]})"

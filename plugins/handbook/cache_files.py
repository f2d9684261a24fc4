"""The cache files under ``<project>/.cache/handbook/`` (the checker's results, the OSCAL
files, the generated site): a file that is missing, unreadable or not what its reader
expects costs a recomputation, and one that cannot be written costs nothing; neither
ever fails a build. Problems are logged at info level (a warning would fail a ``--strict``
build)."""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import logging
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from handbook.files import write_bytes_atomic

log = logging.getLogger("mkdocs.plugins.handbook")

T = TypeVar("T")


def read_cache(path: Path, parse: Callable[[str], T | None]) -> T | None:
    """``parse`` of the text of ``path``; None when the file is missing, or when it cannot
    be read or ``parse`` raises ``ValueError``, ``TypeError``, ``KeyError``,
    ``AttributeError`` or ``IndexError`` (a damaged or older file; logged)."""
    if path.exists() and not path.is_file():  # a FIFO or /dev/zero would never end
        log.info("handbook: ignoring the cache file %s (not a regular file)", path)
        return None
    try:
        value = parse(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, KeyError, AttributeError, IndexError) as error:
        log.info("handbook: ignoring the cache file %s (%s)", path, error)
        return None
    if value is not None:
        log.debug("handbook: read %s", path)
    return value


def hash_files(digest: Any, files: Iterable[tuple[str, Path]]) -> None:
    """Feed ``digest`` (a `hashlib` hash) each ``(label, path)``'s label and bytes, each
    preceded by its length; a file that cannot be read counts as ``\\0missing``."""
    for label, path in files:
        try:
            data = path.read_bytes()
        except OSError:
            data = b"\0missing"
        name = label.encode()
        digest.update(b"%d:%s%d:" % (len(name), name, len(data)))
        digest.update(data)


def tree_files(folder: Path, pattern: str = "*") -> list[tuple[str, Path]]:
    """(path relative to ``folder``, path) of the files under it, sorted, bytecode aside."""
    if not folder.is_dir():
        return []
    found = [p for p in folder.rglob(pattern) if "__pycache__" not in p.parts and p.is_file()]
    return sorted((p.relative_to(folder).as_posix(), p) for p in found)


#: The libraries whose code the cached results go through (templates, escaping, inline
#: Markdown, the model, the samples' verdicts, the OSCAL files, the print pages). A
#: reinstall changes their files' times, and so `code_key`, without the ~5 ms a version
#: lookup costs in ``importlib.metadata``.
LIBRARIES = (
    "jinja2",
    "markupsafe",
    "markdown_it",
    "pydantic",
    "pydantic_core",
    "yaml",
    "pandas",
    "pyarrow",
    "trestle",
    "lxml",
)


@functools.cache  # once a process: about 8 ms (the package's 0.9 MB), and code does not
def code_key() -> bytes:  # change under a running build or `mkdocs serve`
    """SHA-256 (32 bytes) of the code that every cached result comes from: Python's
    version, every file of the handbook package (code, templates, assets; bytecode aside)
    and the place and modification time of each of `LIBRARIES`. Part of every cache key, so
    that an edit to the code (a development install keeps its version) or a reinstall of a
    library is never served what the old code made."""
    import handbook

    digest = hashlib.sha256(f"{sys.version}\0".encode())
    for library in LIBRARIES:
        spec = importlib.util.find_spec(library)
        origin = spec.origin if spec is not None else None
        stamp = os.stat(origin).st_mtime_ns if origin and os.path.exists(origin) else 0
        digest.update(f"{library}\0{origin}\0{stamp}\0".encode())
    hash_files(digest, tree_files(Path(handbook.__file__).parent))
    return digest.digest()


def write_cache(path: Path, text: str) -> None:
    """Write ``path`` whole or not at all, without fsync (a lost file is recomputed); an
    ``OSError`` is logged, not raised."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(path, text.encode("utf-8"), durable=False)
    except OSError as error:
        log.info("handbook: cannot write the cache file %s (%s)", path, error)

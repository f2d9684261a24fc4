"""The cache files under ``<project>/.cache/handbook/`` (the checker's results, the OSCAL
files, the generated site): a file that is missing, unreadable or not what its reader
expects costs a recomputation, and one that cannot be written costs nothing; neither
ever fails a build. Problems are logged at info level (a warning would fail a ``--strict``
build)."""

from __future__ import annotations

import logging
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


def write_cache(path: Path, text: str) -> None:
    """Write ``path`` whole or not at all, without fsync (a lost file is recomputed); an
    ``OSError`` is logged, not raised."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(path, text.encode("utf-8"), durable=False)
    except OSError as error:
        log.info("handbook: cannot write the cache file %s (%s)", path, error)

"""The Managed Desktop Operations Handbook: a managed service's shared-responsibility model
as data (``data/``), a site (`handbook.plugin`, `handbook.site`) and a change-record checker
(`handbook.checker`). ``ARCHITECTURE.md`` maps the packages."""

from __future__ import annotations

import functools
from importlib import metadata


@functools.cache  # ~5 ms a lookup in importlib.metadata; three caches' keys ask for it
def package_version() -> str:
    """The installed version of the handbook package (``mmd-handbook``), or ``unknown``."""
    try:
        return metadata.version("mmd-handbook")
    except metadata.PackageNotFoundError:
        return "unknown"

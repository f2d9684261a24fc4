"""The site's OSCAL files, kept between builds.

Why: building them imports compliance-trestle, measured ~0.9 s of wall time once a
process (its pydantic models), then ~0.04 s a build for both editions; the warm site build
is ~1.7 s against ~1.3 s for plain MkDocs (``benchmarks/site_build.py``), so the import
alone would add half again. `OscalCache` keeps `OscalDownloads` keyed on `oscal_key`:
what the export reads of the data, the Learn base URL, the code
(`handbook.cache_files.code_key`), compliance-trestle's version, and whether trestle can
be imported at all:

* in memory, for the life of the process (``mkdocs serve`` rebuilds);
* on disk, as JSON in ``<project>/.cache/handbook/oscal.json`` (beside the checker's
  ``results.json``), so a build whose data did not change does not import trestle.

Only a result with files is kept; "trestle is not installed" is found again each build
(a failed import costs nothing). A cache file that cannot be read, parsed or written
costs a recomputation, never a build.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from importlib import metadata
from pathlib import Path
from typing import Any

from handbook.cache_files import code_key, read_cache, write_cache
from handbook.model.handbook import Handbook
from handbook.site.downloads import OscalDownloads, oscal_downloads
from handbook.site.results import json_data

#: Changes when the layout of the cached JSON changes (older files are then ignored).
CACHE_FORMAT = 1
#: The cache file, relative to the project's folder (the one holding ``mkdocs.yml``).
CACHE_FILE = Path(".cache") / "handbook" / "oscal.json"

#: The parts of `Handbook` the export reads (`handbook.oscal.activities.read_edition`).
READS = (
    "service",
    "documents",
    "editions",
    "parties",
    "scopes",
    "matrix",
    "process",
    "sop_categories",
    "roles",
)


def trestle_version() -> str:
    """compliance-trestle's installed version, or ``absent`` when ``trestle`` cannot be
    found (without importing it)."""
    try:
        if importlib.util.find_spec("trestle") is None:
            return "absent"
    except (ImportError, ValueError):  # ValueError: sys.modules["trestle"] is None
        return "absent"
    try:
        return metadata.version("compliance-trestle")
    except metadata.PackageNotFoundError:
        return "unknown"


def oscal_key(handbook: Handbook, learn_base_url: str) -> str:
    """SHA-256 (hex) of what `oscal_downloads` depends on (see the module docstring)."""
    model = {name: json_data(getattr(handbook, name)) for name in READS}
    head = f"{CACHE_FORMAT}\0{trestle_version()}\0{learn_base_url}\0"
    digest = hashlib.sha256(code_key() + head.encode())
    digest.update(json.dumps(model, sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()


def _from_json(text: str, key: str) -> OscalDownloads | None:
    data: Any = json.loads(text)
    if data.get("format") != CACHE_FORMAT or data.get("key") != key:
        return None
    files, editions, version = data["files"], data["editions"], data["oscal_version"]
    if not all(isinstance(v, str) for v in [*files, *files.values(), *editions, version]):
        raise TypeError("not a mapping of text")
    return OscalDownloads(dict(files), list(editions), version)


def _to_json(key: str, value: OscalDownloads) -> str:
    return json.dumps(
        {
            "format": CACHE_FORMAT,
            "key": key,
            "editions": value.editions,
            "oscal_version": value.oscal_version,
            "files": value.files,
        },
        ensure_ascii=False,
    )


class OscalCache:
    """`oscal_downloads` kept in memory and in ``<project>/.cache/handbook/oscal.json``."""

    def __init__(self) -> None:
        self._key: str | None = None
        self._value: OscalDownloads | None = None

    def get(
        self, handbook: Handbook, project_dir: Path | None, learn_base_url: str
    ) -> OscalDownloads:
        """The OSCAL files for ``handbook``: from memory, else from the project's cache
        file (None: no disk cache), else built (and written there when there are files)."""
        key = oscal_key(handbook, learn_base_url)
        if self._key == key and self._value is not None:
            return self._value
        path = project_dir / CACHE_FILE if project_dir is not None else None
        value = read_cache(path, lambda t: _from_json(t, key)) if path is not None else None
        if value is None:
            value = oscal_downloads(handbook, learn_base_url)
            if value.missing is not None:
                return value
            if path is not None:
                write_cache(path, _to_json(key, value))
        self._key, self._value = key, value
        return value


#: The process's cache (MkDocs makes a new plugin object for each ``serve`` rebuild).
CACHE = OscalCache()

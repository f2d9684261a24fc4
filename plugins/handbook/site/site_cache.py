"""The generated site (`handbook.site.registry.Site`) kept between builds.

Why a cache: a warm ``mkdocs build`` of this handbook spent about 0.35 s of CPU on
generating pages whose inputs had not changed (importing the model and markdown-it
0.1 s, loading ``data/`` 0.02 s, compiling the 37 page templates 0.13 s, rendering
0.08 s; the results and OSCAL files already came from their caches), in a build of
1.71 s against 1.32 s for plain MkDocs + Material on the same Markdown: 1.29 times, over
issue 9's budget of 1.25 (``benchmarks/site_build.py --repeat 3``, 2026-12-03). The pages
depend only on their inputs, so the whole `Site` is kept under `site_key`, a SHA-256 of
all of them: in memory for ``mkdocs serve`` and as JSON in
``<project>/.cache/handbook/site-<configuration>.json`` (git-ignored, beside
``results.json``; `cache_file`) for the next build. Keeping it costs about 10 ms on a
build that generates (key, JSON, write); a hit costs about 15 ms (key, read).

`generate` is how every engine gets its pages (the MkDocs plugin, ``handbook pages``, the
pre-build of `handbook.build`). Only a site generated without any problem (not even a
warning) is kept, so a hit never hides a warning that ``--strict`` would turn into a
failure. A cache file that cannot be read, parsed or written costs a generation, never a
build. The folder is the project's own: like Material's plugin caches it is trusted, so it
must stay out of version control (``.gitignore`` has ``.cache/``), or a pull request could
bring pages the data does not make.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from handbook.cache_files import code_key, hash_files, read_cache, tree_files, write_cache
from handbook.site.registry import Origin, Page, Registry, Site, SiteOptions

if TYPE_CHECKING:
    from handbook.model.problems import Problem

log = logging.getLogger("mkdocs.plugins.handbook")

#: Changes when the layout of the cached JSON changes (older files are then ignored).
CACHE_FORMAT = 1
#: The cache folder, relative to the project's folder (the one holding ``mkdocs.yml``).
CACHE_DIR = Path(".cache") / "handbook"


def cache_file(project_dir: Path, data_dir: Path, options: SiteOptions) -> Path:
    """The project's cache file for one configuration, ``CACHE_DIR/site-<12 hex>.json``,
    named by the data folder's path and ``options``: engines built in turns (MkDocs, and
    Zensical with ``links_from_source``) keep a site each instead of evicting each other."""
    slot = hashlib.sha256(f"{data_dir.as_posix()}\0{options!r}".encode()).hexdigest()[:12]
    return project_dir / CACHE_DIR / f"site-{slot}.json"


def site_key(data_dir: Path, options: SiteOptions, project_dir: Path | None) -> str:
    """SHA-256 (hex) of everything `generate_site` depends on.

    Hashed: every file of ``data_dir`` (path and bytes) and the folder's path as given
    (problems and edit links carry it); the code (`code_key`: the handbook package and
    its libraries) and the ``*.j2`` files of ``options.custom_dir``; ``options``;
    ``project_dir/mkdocs.yml`` (the checker's pages print its ``site_url``); today's UTC
    date (waivers on sample records expire against it). About 8 ms for this handbook
    (mostly the package's 0.9 MB, hashed once a process).
    """
    digest = hashlib.sha256(code_key())
    today = datetime.now(UTC).date().isoformat()
    digest.update(f"{CACHE_FORMAT}\0{data_dir.as_posix()}\0{today}\0{options!r}\0".encode())
    custom = Path(options.custom_dir) if options.custom_dir else None
    groups = [
        ("data", tree_files(data_dir)),
        ("custom_dir", tree_files(custom, "*.j2") if custom is not None else []),
        ("config", [("mkdocs.yml", project_dir / "mkdocs.yml")] if project_dir else []),
    ]
    hash_files(
        digest, [(f"{group}/{label}", path) for group, files in groups for label, path in files]
    )
    return digest.hexdigest()


def _to_json(key: str, site: Site) -> str:
    return json.dumps(
        {
            "format": CACHE_FORMAT,
            "key": key,
            "pages": [asdict(page) for page in site.pages],  # origin: [file, line] or null
            "nav": site.nav,
            "files": site.files,
            "abbreviations": site.abbreviations,
            "blocks": site.blocks,
        },
        ensure_ascii=False,
    )


def _text_map(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise TypeError("not a mapping of text")
    return dict(value)


def _from_json(text: str, key: str | None) -> Site | None:
    """The site in ``text`` if it is a cache file for ``key`` (None: for any key); None
    otherwise.

    Raises:
        ValueError, TypeError, KeyError: ``text`` is not a cache file.
    """
    data: Any = json.loads(text)
    if data.get("format") != CACHE_FORMAT or key not in (None, data.get("key")):
        return None
    registry = Registry()
    for entry in data["pages"]:
        origin = entry.pop("origin")
        at = None if origin is None else Origin(str(origin[0]), int(origin[1]))
        for name in ("tags", "tables", "party_tables"):
            entry[name] = tuple(entry[name])
        registry.add(Page(**entry, origin=at))
    blocks = data["blocks"]
    if not isinstance(blocks, dict) or not isinstance(data["nav"], list):
        raise TypeError("not a site")
    return Site(
        registry,
        data["nav"],
        _text_map(data["files"]),
        str(data["abbreviations"]),
        {src: _text_map(named) for src, named in blocks.items()},
    )


class SiteCache:
    """Generated sites kept in memory (the last one) and in cache files (`cache_file`)."""

    def __init__(self) -> None:
        self._key: str | None = None
        self._site: Site | None = None

    def get(self, key: str, path: Path | None) -> Site | None:
        """The site kept under ``key``, from memory or from the cache file ``path`` (None:
        memory only); None when there is none."""
        if self._key == key and self._site is not None:
            log.debug("handbook: the pages are those of the last build")
            return self._site
        if path is None:
            return None
        site = read_cache(path, lambda text: _from_json(text, key))
        if site is not None:
            self._key, self._site = key, site
        return site

    def last(self, path: Path) -> Site | None:
        """The site the cache file ``path`` holds, whatever its key: the pages of the last
        good build, which ``mkdocs serve`` shows as error pages when it starts on data with
        errors. None when there is no readable cache file."""
        return read_cache(path, lambda text: _from_json(text, None))

    def put(self, key: str, path: Path | None, site: Site) -> None:
        """Keep ``site`` under ``key`` in memory and, with a ``path``, in that cache file
        (written whole or not at all, without fsync: a lost file is regenerated)."""
        self._key, self._site = key, site
        if path is not None:
            write_cache(path, _to_json(key, site))


#: The process's cache: one per process, so ``mkdocs serve`` keeps it across rebuilds
#: (MkDocs makes a new plugin object for each rebuild).
CACHE = SiteCache()


def cwd_relative(path: Path) -> Path:
    """``path`` relative to the working directory when it is under it (file names in pages
    and messages are then ``data/...``, as given on a command line), else as it is."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def generate(
    data_dir: Path, options: SiteOptions, project_dir: Path | None
) -> tuple[Site | None, list[Problem]]:
    """The generated site of ``data_dir`` (its path as the pages and messages should give
    it), as the MkDocs plugin, ``handbook pages`` and the pre-build of other engines make it.

    From `CACHE` when `site_key` finds the same inputs (no problems then: only a site
    loaded without any is kept); else `handbook.model.loader.load_handbook` and
    `handbook.site.generate.generate_site`, with the checker's results and the OSCAL files
    from their caches (`handbook.site.results.CACHE`, `handbook.oscal.cache.CACHE`), all
    under ``project_dir`` (None: in memory only).

    Returns:
        ``(site, problems)``: site None when the data has errors; problems as the load
        gave them, with a site warnings only: the load's and the samples'
        (`handbook.site.results.sample_warnings`). A site with warnings is not kept.
    """
    key = site_key(data_dir, options, project_dir)
    path = cache_file(project_dir, data_dir, options) if project_dir is not None else None
    site = CACHE.get(key, path)
    if site is not None:
        return site, []
    from handbook.model.loader import load_handbook
    from handbook.oscal.cache import CACHE as OSCAL_CACHE
    from handbook.site.generate import generate_site
    from handbook.site.results import CACHE as RESULTS_CACHE
    from handbook.site.results import sample_warnings

    handbook, problems = load_handbook(data_dir)
    if handbook is None:
        return None, problems
    results = RESULTS_CACHE.get(handbook, project_dir)
    problems += sample_warnings(handbook, results)
    oscal = OSCAL_CACHE.get(handbook, project_dir, options.learn_base_url)
    site = generate_site(handbook, options, results, oscal)
    if not problems:
        CACHE.put(key, path, site)
    return site, problems

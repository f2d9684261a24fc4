"""The assembled print pages kept between builds.

Why a cache: assembling the three print pages (`handbook.site.print_page.assemble`: lxml
parses every page and rewrites its ids and links) takes about 0.12 s of CPU in a 1.9 s
build of this handbook (best of 5 of ``time.process_time`` around the three calls of
``assemble``, with their arguments from a real build, 2026-12-03; 0.17 s before links were
resolved without ``urljoin``), which alone would put a rebuild of unchanged pages near
issue 9's budget of 1.25 times a plain MkDocs build. The result depends only on its
inputs, so it is kept under a SHA-256 of all of them (the print page's own HTML, every
printed page's URL, title, kind and HTML, the nav's order, the site's name and URL, the
package's version): in memory for ``mkdocs serve`` and in
``<project>/.cache/handbook/print/<key>.html`` (git-ignored) for the next build. A
missing, unreadable or unwritable cache costs an assembly, never a build.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path

from handbook import package_version
from handbook.files import write_text_atomic
from handbook.site.print_page import Fragment, assemble
from handbook.site.registry import Registry

#: The cache folder, relative to the project (the folder of ``mkdocs.yml``).
CACHE_DIR = Path(".cache") / "handbook" / "print"
#: At most this many assembled pages are kept in memory (three per site today).
_MEMORY_LIMIT = 16
_memory: dict[str, str] = {}


def _key(
    print_html: str,
    print_url: str,
    pages: Mapping[str, Fragment],
    order: Sequence[str],
    registry: Registry,
    title: str,
    site_url: str,
) -> str:
    digest = hashlib.sha256()
    for part in (package_version(), print_html, print_url, title, site_url):
        digest.update(part.encode("utf-8") + b"\0")
    for src in order:
        fragment = pages.get(src)
        kind = registry[src].kind if src in registry else ""
        digest.update(f"{src}\0{kind}\0".encode())
        if fragment is not None:
            for part in (fragment.url, fragment.title, fragment.html):
                digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()


def assemble_cached(
    project: Path,
    print_html: str,
    print_url: str,
    pages: Mapping[str, Fragment],
    order: Sequence[str],
    registry: Registry,
    title: str,
    site_url: str = "",
) -> str:
    """`handbook.site.print_page.assemble` (same arguments and result), kept in memory
    and under ``project / CACHE_DIR``."""
    key = _key(print_html, print_url, pages, order, registry, title, site_url)
    if key in _memory:
        return _memory[key]
    path = project / CACHE_DIR / f"{key}.html"
    seal = f"\n<!-- handbook print cache {key} -->\n"  # a whole file ends with its key
    try:
        cached = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        cached = ""
    if cached.endswith(seal):
        html = cached.removesuffix(seal)
    else:
        html = assemble(print_html, print_url, pages, order, registry, title, site_url)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            threshold = _oldest_kept(path.parent)  # older keys belong to older builds
            for old in path.parent.glob("*.html"):
                if old.stat().st_mtime < threshold:
                    old.unlink(missing_ok=True)
            write_text_atomic(path, html + seal)
        except OSError:
            pass
    if len(_memory) >= _MEMORY_LIMIT:
        _memory.pop(next(iter(_memory)))
    _memory[key] = html
    return html


def _oldest_kept(folder: Path) -> float:
    """The modification time under which files of ``folder`` are removed: the 16th newest
    (a site has three print pages; older keys belong to older builds)."""
    times = sorted((p.stat().st_mtime for p in folder.glob("*.html")), reverse=True)
    return times[_MEMORY_LIMIT - 1] if len(times) >= _MEMORY_LIMIT else 0.0

"""The assembled print pages kept between builds.

Why a cache: assembling the three print pages (`handbook.site.print_page.assemble`: lxml
parses every page and rewrites its ids and links) takes about 0.12 s of CPU in a 1.9 s
build of this handbook (best of 5 of ``time.process_time`` around the three calls of
``assemble``, with their arguments from a real build, 2026-12-03; 0.17 s before links were
resolved without ``urljoin``), which alone would put a rebuild of unchanged pages near
issue 9's budget of 1.25 times a plain MkDocs build. The result depends only on its
inputs, so it is kept under a SHA-256 of all of them (the print page's own HTML, every
printed page's URL, title, kind and HTML, the nav's order, the site's name and URL, and
the code, `handbook.cache_files.code_key`, so that an edit to the assembly or a new lxml is
never served the pages the old code assembled): in memory
for ``mkdocs serve`` and in ``<project>/.cache/handbook/print/<key>.html`` (git-ignored)
for the next build. A missing, unreadable or unwritable cache costs an assembly, never a build.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from handbook.cache_files import code_key
from handbook.files import write_text_atomic
from handbook.site.print_page import PrintSource, assemble

#: The cache folder, relative to the project (the folder of ``mkdocs.yml``).
CACHE_DIR = Path(".cache") / "handbook" / "print"
#: At most this many assembled pages are kept in memory (three per site today).
_MEMORY_LIMIT = 16
_memory: dict[str, str] = {}


def _key(source: PrintSource) -> str:
    digest = hashlib.sha256(code_key())
    head = (source.print_html, source.print_url, source.title, source.site_url)
    for part in head:
        digest.update(part.encode("utf-8") + b"\0")
    for src in source.order:
        fragment = source.pages.get(src)
        kind = source.registry[src].kind if src in source.registry else ""
        digest.update(f"{src}\0{kind}\0".encode())
        if fragment is not None:
            for part in (fragment.url, fragment.title, fragment.html):
                digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()


def assemble_cached(project: Path, source: PrintSource) -> str:
    """`handbook.site.print_page.assemble` of ``source``, kept in memory and under
    ``project / CACHE_DIR``."""
    key = _key(source)
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
        html = assemble(source)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # the 16 newest files stay (three a site): older keys belong to older builds
            times = sorted((p.stat().st_mtime for p in path.parent.glob("*.html")), reverse=True)
            threshold = times[_MEMORY_LIMIT - 1] if len(times) >= _MEMORY_LIMIT else 0.0
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

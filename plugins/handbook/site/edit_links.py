"""Edit links of generated pages: the URL that opens the data file (and line) a page comes
from, built from the site's ``repo_url`` and ``edit_uri`` (MkDocs' settings of the same
names). Shared by the MkDocs plugin (``plugin.py``, ``on_pre_page``) and the pre-build for
other engines (`handbook.build.prebuild`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin

if TYPE_CHECKING:
    from handbook.site.registry import Origin


def data_edit_url(
    repo_url: str | None,
    edit_uri: str | None,
    docs_dir: Path,
    root: Path,
    data_file: Path,
    line: int | None,
) -> str | None:
    """The "edit this page" URL of a data file: ``repo_url`` + ``edit_uri`` whose trailing
    docs folder (``docs/``, as ``docs_dir`` is relative to ``root``, the folder of
    ``mkdocs.yml``) is replaced by the data file's path relative to ``root``, then
    ``#L<line>`` (nothing when ``line`` is None). ``edit_uri/`` → ``edit/main/docs/`` gives
    ``<repo_url>/edit/main/data/sops.yaml#L12``.

    Returns None when there is no ``repo_url`` or ``edit_uri``, when ``edit_uri`` does not
    end with the docs folder, or when the file is outside ``root``."""
    if not repo_url or not edit_uri:
        return None
    try:
        docs = docs_dir.resolve().relative_to(root).as_posix() + "/"
        path = (data_file if data_file.is_absolute() else root / data_file).resolve()
        relative = path.relative_to(root).as_posix()
    except ValueError:
        return None
    edit_uri = edit_uri if edit_uri.endswith("/") else edit_uri + "/"
    if not edit_uri.endswith(docs):
        return None
    base = urljoin(repo_url.rstrip("/") + "/", edit_uri[: -len(docs)])
    return f"{base}{relative}" + (f"#L{line}" if line is not None else "")


def line_edit_url(origin: Origin | None, file_url: Callable[[str], str | None]) -> str | None:
    """The edit URL of a page generated from ``origin``: ``file_url`` of its data file
    (`data_edit_url` without a line), then ``#L<line>``; None for a page without a data
    source or a file without a URL."""
    if origin is None or not origin.file:
        return None
    base = file_url(origin.file)
    return f"{base}#L{origin.line}" if base else None

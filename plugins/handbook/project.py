"""Settings of the MkDocs project a data folder belongs to: its ``mkdocs.yml`` in the folder
above ``data/``. The commands that run without MkDocs (``check``, ``validate``, ``export
oscal``, ``pages``) take the site's address and the handbook plugin's options from there,
so a project's links are the same on the site and in its reports."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any


def mkdocs_config(data: Path) -> dict[str, Any]:
    """``mkdocs.yml`` beside ``data`` as a mapping ({} when there is none or it does not
    parse); MkDocs' own tags (``!ENV``, ``!!python/name``) are read as nothing."""
    import yaml

    # libyaml's parser when PyYAML has it: the pure-Python one took ~7 ms a read
    class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
        pass

    _Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    try:
        text = (data.resolve().parent / "mkdocs.yml").read_text(encoding="utf-8")
        config = yaml.load(text, _Loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    return config if isinstance(config, dict) else {}


def _folder_url(url: Any) -> str | None:
    if not isinstance(url, str) or not url:
        return None
    return url if url.endswith("/") else url + "/"


def site_url(data: Path) -> str | None:
    """``site_url`` of the project (ending with ``/``), or None."""
    return _folder_url(mkdocs_config(data).get("site_url"))


def learn_base_url(data: Path) -> str | None:
    """The ``learn_base_url`` of the ``handbook`` entry of the project's ``plugins``
    (ending with ``/``), or None."""
    for entry in mkdocs_config(data).get("plugins") or []:
        if isinstance(entry, dict) and isinstance(entry.get("handbook"), dict):
            return _folder_url(entry["handbook"].get("learn_base_url"))
    return None


def learn_base_url_or_default(command: str, given: str | None, data: Path | None) -> str:
    """``given`` (``--learn-base-url``, or the plugin's option as read), else the
    `learn_base_url` of the project of ``data`` (when given), else the default (Microsoft
    Managed Desktop's Learn pages) with a warning on standard error that names
    ``command``: another service's links would silently go to MMD's pages."""
    from handbook.site.registry import DEFAULT_LEARN_BASE_URL, NO_LEARN_BASE_URL

    base = given or (learn_base_url(data) if data is not None else None)
    if base:
        return base
    print(f"{command}: warning: {NO_LEARN_BASE_URL}", file=sys.stderr)
    return DEFAULT_LEARN_BASE_URL

"""The site project as ``mkdocs.yml`` describes it, read without MkDocs.

`read_project(config_file)` parses ``mkdocs.yml`` (PyYAML, safe loader: the handbook's
configuration uses no Python tags) and takes the ``handbook`` plugin's options from its
``plugins`` list, so the pre-build (`handbook.build.prebuild`) generates the same site the
plugin does. `engine_config` derives the configuration an engine runs the pre-built
Markdown with.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from handbook.project import learn_base_url_or_default

#: The plugin's name in ``mkdocs.yml``'s ``plugins`` list (its entry point).
PLUGIN = "handbook"


class ProjectError(Exception):
    """``mkdocs.yml`` cannot be read or is not a mapping; the message names the file,
    line and column and what would be right."""


@dataclass(frozen=True)
class Project:
    """A site project.

    Attributes:
        config_file: ``mkdocs.yml`` (absolute).
        config: its content (a mapping, as parsed).
        root: the folder of ``config_file``; relative paths of the config are relative to it.
        docs_dir: the hand-written pages (``docs_dir``, default ``docs``; absolute).
        data_dir: the handbook's data (the plugin's ``data_dir``, default ``data``; absolute).
        learn_base_url: the plugin's ``learn_base_url`` (ends with ``/``).
        custom_dir: the theme's ``custom_dir`` (absolute), or None.
    """

    config_file: Path
    config: dict[str, Any]
    root: Path
    docs_dir: Path
    data_dir: Path
    learn_base_url: str
    custom_dir: Path | None


def _plugin_options(plugins: Any) -> dict[str, Any]:
    """The ``handbook`` entry's options of a ``plugins`` list or mapping ({} if absent)."""
    entries: list[tuple[Any, Any]] = []
    if isinstance(plugins, dict):
        entries = list(plugins.items())
    else:
        for entry in plugins or []:
            if isinstance(entry, dict):
                entries += list(entry.items())
            else:
                entries.append((entry, None))
    for name, options in entries:
        if name == PLUGIN:
            return options if isinstance(options, dict) else {}
    return {}


def read_project(config_file: Path) -> Project:
    """Read ``config_file`` (``mkdocs.yml``).

    Raises:
        ProjectError: the file is missing or unreadable, is not YAML (with its line and
            column), or is not a mapping.
    """
    try:
        text = config_file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProjectError(f"{config_file}: cannot read: {exc.strerror or exc}") from None
    try:
        config = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{config_file}:{mark.line + 1}:{mark.column + 1}" if mark else str(config_file)
        raise ProjectError(
            f"{where}: not YAML the pre-build can read ({exc.problem}); write plain YAML "
            "(no !!python tags)"
        ) from None
    except yaml.YAMLError as exc:
        raise ProjectError(f"{config_file}: not YAML: {exc}") from None
    if not isinstance(config, dict):
        raise ProjectError(f"{config_file}:1:1: expected a mapping of settings (site_name: …)")
    root = config_file.resolve().parent
    options = _plugin_options(config.get("plugins"))
    given = options.get("learn_base_url")
    base = learn_base_url_or_default("handbook build", str(given) if given else None, None)
    theme = config.get("theme") if isinstance(config.get("theme"), dict) else {}
    custom = theme.get("custom_dir") if isinstance(theme, dict) else None
    return Project(
        config_file=config_file.resolve(),
        config=config,
        root=root,
        docs_dir=(root / str(config.get("docs_dir") or "docs")).resolve(),
        data_dir=(root / str(options.get("data_dir") or "data")).resolve(),
        learn_base_url=base if base.endswith("/") else base + "/",
        custom_dir=(root / str(custom)).resolve() if custom else None,
    )


def without_plugin(plugins: Any) -> list[Any]:
    """A ``plugins`` list (or mapping) without the ``handbook`` entry, as a list."""
    items = list(plugins.items()) if isinstance(plugins, dict) else list(plugins or [])
    out: list[Any] = []
    for entry in items:
        if isinstance(entry, tuple):
            name, options = entry
            entry = {name: options} if options else name
        if entry == PLUGIN or (isinstance(entry, dict) and PLUGIN in entry):
            continue
        out.append(entry)
    return out


def engine_config(project: Project, nav: list[Any], overrides: str) -> dict[str, Any]:
    """The configuration an engine builds the pre-built folder with: ``project.config``
    with ``docs_dir: docs`` and ``site_dir: site`` (both inside the build folder, where
    Zensical requires them), the generated ``nav`` (unless the project sets its own), the
    theme's ``custom_dir`` set to ``overrides``, the handbook's stylesheets added to
    ``extra_css`` (`handbook.site.published.EXTRA_CSS`, as the plugin adds them) and no
    ``handbook`` plugin entry (the pages are already there; an engine without the plugin
    would fail or ignore it)."""
    config = copy.deepcopy(project.config)
    config["docs_dir"] = "docs"
    config["site_dir"] = "site"
    if not config.get("nav"):
        config["nav"] = nav
    theme = config.get("theme")
    theme = dict(theme) if isinstance(theme, dict) else {"name": theme or "material"}
    theme["custom_dir"] = overrides
    config["theme"] = theme
    config["plugins"] = without_plugin(config.get("plugins"))
    config.pop("watch", None)
    from handbook.site.published import EXTRA_CSS

    extra_css = list(config.get("extra_css") or [])
    config["extra_css"] = extra_css + [css for css in EXTRA_CSS if css not in extra_css]
    return config

"""The static-site engines `handbook build` runs, one small adapter each.

An engine is a command-line program found beside the running Python (the virtualenv's
``bin/``) or on ``PATH``. Each adapter says how to build and serve a configuration file
and whether the engine runs our MkDocs plugin (then it is given the project's own
``mkdocs.yml``; otherwise the pre-built folder's, `handbook.build.prebuild`).

- ``mkdocs``: MkDocs 1.x with the plugin (the reference build; ``mkdocs serve`` regenerates
  the pages when ``data/`` changes and shows data errors in the page).
- ``properdocs``: ProperDocs, the maintained fork of MkDocs 1.x; it loads the plugin through
  the same entry point (``mkdocs.plugins``).
- ``zensical``: Zensical, Material's successor. It reads ``mkdocs.yml`` but ignores plugins
  it does not reimplement, ours included, so it builds the pre-built Markdown.
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path


class EngineNotFoundError(Exception):
    """The engine's program is not installed; the message says how to install it."""


@dataclass(frozen=True)
class Engine:
    """An engine.

    Attributes:
        name: its name on the command line (``--engine``).
        program: its executable.
        plugin: whether it runs the handbook's MkDocs plugin on the project's ``mkdocs.yml``
            (False: it builds the pre-built folder).
        install: how to install it (shown when it is missing).
        site_dir_option: its option naming the output folder, or None when it writes only
            to the configuration's ``site_dir``.
        links_from_source: whether it resolves every relative URL of a page (raw HTML
            included) from the folder of the page's Markdown file, so the pre-build writes
            them that way (`handbook.site.registry.SiteOptions.links_from_source`).
    """

    name: str
    program: str
    plugin: bool
    install: str
    site_dir_option: str | None = "--site-dir"
    links_from_source: bool = False

    def executable(self) -> str:
        """The path of the engine's program: beside the running Python first, then on
        ``PATH``.

        Raises:
            EngineNotFoundError: it is in neither place.
        """
        beside = Path(sys.executable).parent / self.program
        if beside.is_file():
            return str(beside)
        found = shutil.which(self.program)
        if found:
            return found
        raise EngineNotFoundError(
            f"handbook build: error: the {self.name} engine is not installed (no "
            f"`{self.program}` beside {sys.executable} or on PATH); install it with "
            f"`{self.install}`"
        )

    def build_args(self, config_file: Path, site_dir: Path | None) -> list[str]:
        """The command line that builds ``config_file`` (into ``site_dir`` when the engine
        takes one)."""
        args = [self.executable(), "build", "--config-file", str(config_file)]
        if site_dir is not None and self.site_dir_option:
            args += [self.site_dir_option, str(site_dir)]
        return args

    def serve_args(self, config_file: Path, address: str) -> list[str]:
        """The command line that serves ``config_file`` on ``address`` (``host:port``)
        with live reload."""
        return [self.executable(), "serve", "--config-file", str(config_file), "-a", address]


ENGINES: dict[str, Engine] = {
    "mkdocs": Engine("mkdocs", "mkdocs", True, "pip install -e ."),
    "properdocs": Engine("properdocs", "properdocs", True, "pip install -e '.[properdocs]'"),
    # Zensical 0.0.x takes no output folder on the command line: it writes to the
    # configuration's site_dir, which must lie inside the build folder.
    "zensical": Engine("zensical", "zensical", False, "pip install -e '.[zensical]'", None, True),
}

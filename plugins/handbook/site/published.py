"""The static files a handbook site publishes besides its pages, for the MkDocs plugin and
the pre-build of other engines alike (`handbook.build.prebuild`), so both carry the same.

* the interactive tables' bundle and glue (`handbook.site.interactive.assets`);
* the pictures' stylesheet (`PICTURES_CSS`, for `handbook.site.pictures`), loaded on every
  page (``EXTRA_CSS``);
* the print pages' stylesheet (`handbook.site.print_page.PRINT_CSS`), linked by the print
  pages themselves.
"""

from __future__ import annotations

from handbook.site.interactive import Asset, assets, glue_dir
from handbook.site.print_page import PRINT_CSS

#: The pictures' stylesheet in the built site (site-relative).
PICTURES_CSS = "assets/handbook-pictures.css"
#: Stylesheets every page loads (added to the engine's ``extra_css``).
EXTRA_CSS = (PICTURES_CSS,)


def site_assets() -> list[Asset]:
    """Every published static file (site-relative URI and source path), in a stable order.

    Raises:
        handbook.site.interactive.BundleNotFoundError: itables is not installed.
    """
    return [
        *assets(),
        Asset(PICTURES_CSS, glue_dir() / "pictures.css"),
        Asset(PRINT_CSS, glue_dir() / "print.css"),
    ]

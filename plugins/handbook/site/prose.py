"""Generated blocks inside hand-written pages.

A page under ``docs/`` includes a block with a line of its own holding only
``<!-- handbook:NAME -->``; `expand` replaces it with the block's Markdown, which
`render_blocks` made from the data when the site was generated (so the home page's
editions picture and dates follow ``data/editions.yaml``). An engine that does not expand
the marker shows nothing there (it is an HTML comment). Blocks: ``editions``
(``templates/blocks/editions.md.j2``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from handbook.site.render import SiteRenderer

#: The block names and the hand-written pages they are rendered for (their links and
#: picture ids are relative to the page).
BLOCKS = {"editions": ("index.md",)}

_MARKER = re.compile(r"^<!-- handbook:([a-z][a-z0-9-]*) -->[ \t]*$", re.MULTILINE)


def render_blocks(site: SiteRenderer) -> dict[str, dict[str, str]]:
    """``{src_uri: {name: Markdown}}`` of every block for the pages it serves."""
    out: dict[str, dict[str, str]] = {}
    for name, pages in BLOCKS.items():
        for src_uri in pages:
            if src_uri in site.options.prose_pages:
                out.setdefault(src_uri, {})[name] = site.fragment(
                    f"blocks/{name}.md.j2", src_uri
                ).strip("\n")
    return out


def expand(markdown: str, blocks: dict[str, str]) -> str:
    """``markdown`` with each marker line of a known block replaced by the block; an
    unknown marker stays as it is (an HTML comment, invisible)."""
    return _MARKER.sub(lambda m: blocks.get(m.group(1), m.group(0)), markdown)

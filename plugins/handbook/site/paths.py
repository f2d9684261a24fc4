"""Where every generated page lives: its ``src_uri`` (`Paths`) and its URL (`page_url`).

Layout (the newest edition's pages at the top level; older editions under
``editions/<id>/``): ``overview.md``; ``change-management/`` (index,
``balance-of-responsibility.md``, ``change-process.md``, ``change-types/index.md`` + one page
per type); ``sops/`` (index + one page per category); ``roles/`` (index, one page per party);
``rules/`` (index, one page per rule and per checker code, ``samples.md``); ``editions/``
(index, ``<id>/index.md``, ``<old>-to-<new>.md``); ``who-does-what/`` (index,
``<party>.md``); ``print/`` (the print edition: index, ``<id>.md``); ``checker/``
(generated pages beside the hand-written ones); ``sources.md``, ``errata.md``,
``glossary.md``, ``tags.md``, ``downloads.md`` (its files under ``downloads/``).
"""

from __future__ import annotations

import functools
import posixpath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from handbook.model.entities import ChangeType, Rule, SopCategory
    from handbook.model.handbook import Handbook


def page_url(src_uri: str, use_directory_urls: bool = True) -> str:
    """The URL (relative to the site root) MkDocs gives the page at ``src_uri``."""
    stem = src_uri[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        directory = stem[: -len("index")]
        return directory if use_directory_urls else directory + "index.html"
    return stem + "/" if use_directory_urls else stem + ".html"


@functools.lru_cache(maxsize=65536)
def relative_url(target: str, current: str) -> str:
    """URL of ``target`` relative to the page at ``current`` (both site-root relative);
    memoized (a build asks for the same few hundred pairs ~10,000 times)."""
    current_dir = current.rpartition("/")[0]
    rel = posixpath.relpath("/" + target, "/" + current_dir)
    if target.endswith("/") or target == "":
        rel = rel.rstrip("/") + "/"
    return rel


class Paths:
    """Where each entity's page lives (src_uris)."""

    def __init__(self, handbook: Handbook) -> None:
        self.latest = handbook.latest_edition().id

    def base(self, edition_id: str) -> str:
        return "" if edition_id == self.latest else f"editions/{edition_id}/"

    def change_management(self, edition_id: str) -> str:
        return self.base(edition_id) + "change-management/index.md"

    def change_process(self, edition_id: str) -> str:
        return self.base(edition_id) + "change-management/change-process.md"

    def change_types(self, edition_id: str) -> str:
        return self.base(edition_id) + "change-management/change-types/index.md"

    def change_type(self, ct: ChangeType) -> str:
        return self.base(ct.edition) + f"change-management/change-types/{ct.id}.md"

    def sops(self, edition_id: str) -> str:
        return self.base(edition_id) + "sops/index.md"

    def sop(self, cat: SopCategory) -> str:
        return self.base(cat.edition) + f"sops/{cat.id}.md"

    def edition(self, edition_id: str) -> str:
        return f"editions/{edition_id}/index.md"

    @staticmethod
    def diff(old: str, new: str) -> str:
        """Page of what changed from edition ``old`` to ``new``."""
        return f"editions/{old}-to-{new}.md"

    @staticmethod
    def rule(rule: Rule) -> str:
        return f"rules/{rule.id.lower()}.md"

    @staticmethod
    def code(code: str) -> str:
        """Page of a checker code (E001…, W001): beside the rules, where ``help_uri`` points."""
        return f"rules/{code.lower()}.md"

    matrix = "change-management/balance-of-responsibility.md"
    overview = "overview.md"
    roles = "roles/index.md"
    rules = "rules/index.md"
    samples = "rules/samples.md"
    editions = "editions/index.md"
    sources = "sources.md"
    errata = "errata.md"
    downloads = "downloads.md"

    @staticmethod
    def roles_of(party_id: str) -> str:
        return f"roles/{party_id}.md"

    who_does_what = "who-does-what/index.md"

    @staticmethod
    def party(party_id: str) -> str:
        return f"who-does-what/{party_id}.md"

    glossary = "glossary.md"
    tags = "tags.md"
    record_format = "checker/record-format.md"
    examples = "checker/examples.md"
    output_formats = "checker/output-formats.md"
    servicenow = "checker/servicenow.md"

"""The committed errata (``data/errata.yaml``) applied to a re-imported seed page.

An erratum of the page's document whose ``original`` text occurs in an imported text is
applied: the text gets ``corrected`` and the statement lists the erratum's id in
``errata`` (``change-process.csv``: the ``errata`` column). For a ``reviewer-note``, what
the correction removed becomes the statement's ``note``. Errata without ``corrected``
(kept as written) and errata whose original is not in the page change nothing.
"""

from __future__ import annotations

from typing import Any

from handbook.importer.items import Imported
from handbook.importer.report import PageReport
from handbook.model.entities import Erratum

_TEXT_KEYS = ("text", "statement", "description")


def _common(a: str, b: str) -> int:
    """Length of the common start of ``a`` and ``b``."""
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _removed(original: str, corrected: str) -> str:
    """What ``corrected`` leaves out of ``original`` (their common ends taken away)."""
    head = _common(original, corrected)
    tail = _common(original[head:][::-1], corrected[head:][::-1])
    return original[head : len(original) - tail].strip()


def _apply(node: Any, errata: list[Erratum], applied: list[str]) -> None:
    if isinstance(node, list):
        for x in node:
            _apply(x, errata, applied)
        return
    if not isinstance(node, dict):
        return
    for key in _TEXT_KEYS:
        value = node.get(key)
        if not isinstance(value, str):
            continue
        for e in errata:
            if e.corrected is None or e.original not in value:
                continue
            value = value.replace(e.original, e.corrected)
            applied.append(e.id)
            if key != "description":
                if key == "statement":
                    node["errata"] = ";".join(filter(None, [node.get("errata"), e.id]))
                else:
                    node.setdefault("errata", []).append(e.id)
                if e.kind == "reviewer-note":
                    node["note"] = _removed(e.original, e.corrected)
        node[key] = value
    for key, value in node.items():
        if key != "source" and isinstance(value, list | dict):
            _apply(value, errata, applied)


def apply_errata(imported: Imported, errata: list[Erratum], reports: list[PageReport]) -> None:
    """Apply the errata of each page's document to its items (see module doc) and note
    each one applied in that page's report."""
    by_doc: dict[str, list[Erratum]] = {}
    for e in errata:
        by_doc.setdefault(e.doc, []).append(e)
    pages = {r.doc: r for r in reports if r.doc}
    committed = {c.doc: c.committed for c in imported.pages.values()}
    for items in (imported.duties, imported.change_types, imported.sop, imported.roles):
        for item in items:
            doc = str(item.get("doc") or item.get("source", {}).get("doc", ""))
            applied: list[str] = []
            _apply(item, by_doc.get(committed.get(doc, doc), []), applied)
            line = item.get("_line") or item.get("source", {}).get("_line", 0)
            if doc in pages:
                for eid in applied:
                    pages[doc].note(line, f"erratum {eid} applied")

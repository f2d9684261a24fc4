"""The data the rest of the review does not read: glossary, channels, actions, errata,
prose sections, parties, the overview and the service entry.

`other_changes(base, head)` lists each entry of these files added, removed or changed
(any of its values, its seed source included, compared as data: a file re-saved, reordered
or re-indented changes nothing) as an `OtherChange`: the data file, the kind of entry, its
id, its name and what changed, so a pull request that edits only the glossary is not
reported as "no change".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from handbook.model.entities import Node
from handbook.model.handbook import Handbook


@dataclass(frozen=True)
class OtherChange:
    """An entry of ``file`` (``data/``-relative, e.g. ``glossary.yaml``) ``added``,
    ``removed`` or ``changed``; ``kind`` says what it is (``glossary entry``), ``id`` its
    id (the file's name for a file of one entry), ``name`` its name or term (the new one),
    ``fields`` the keys whose values changed (``changed`` only, in the file's order)."""

    file: str
    kind: str
    id: str
    status: Literal["added", "removed", "changed"]
    name: str
    fields: tuple[str, ...] = ()


#: (file, kind, the entries, the name of an entry): the lists of entries keyed on ``id``
_LISTS: tuple[tuple[str, str, Callable[[Handbook], Sequence[Any]], str], ...] = (
    ("glossary.yaml", "glossary entry", lambda hb: hb.glossary, "term"),
    ("channels.yaml", "channel", lambda hb: hb.channels, "name"),
    ("actions.yaml", "action", lambda hb: hb.actions, "name"),
    ("errata.yaml", "erratum", lambda hb: hb.errata, "section"),
    ("prose.yaml", "prose section", lambda hb: hb.prose, "title"),
    ("parties.yaml", "party", lambda hb: hb.parties, "name"),
)
#: (file, kind, the one entry, the name of it)
_SINGLE: tuple[tuple[str, str, Callable[[Handbook], Node], str], ...] = (
    ("overview.yaml", "overview", lambda hb: hb.overview, "title"),
    ("editions.yaml", "service", lambda hb: hb.service, "name"),
)


def _renamed(value: Any, ids: dict[str, str]) -> Any:
    """``value`` (a model dump) with every text that is an old id replaced by the new id."""
    if isinstance(value, dict):
        return {k: _renamed(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_renamed(v, ids) for v in value]
    return ids.get(value, value) if isinstance(value, str) else value


def _changed(old: Node, new: Node, ids: dict[str, str]) -> tuple[str, ...]:
    a, b = _renamed(old.model_dump(), ids), new.model_dump()
    return tuple(k for k in dict.fromkeys([*a, *b]) if a.get(k) != b.get(k))


def other_changes(
    base: Handbook, head: Handbook, renamed: dict[str, str] | None = None
) -> list[OtherChange]:
    """Entries of the files above added, removed or changed from ``base`` to ``head``, file
    by file, in ``head``'s order (removed ones after, in ``base``'s). ``renamed`` maps the
    old id of an item renamed elsewhere in the diff (an SOP category) to its new id: a
    reference that only follows the rename is no change."""
    ids = renamed or {}
    out: list[OtherChange] = []
    for file, kind, entries, name in _LISTS:
        old = {e.id: e for e in entries(base)}
        new = {e.id: e for e in entries(head)}
        for key, e in new.items():
            if key not in old:
                out.append(OtherChange(file, kind, key, "added", getattr(e, name)))
            elif fields := _changed(old[key], e, ids):
                out.append(OtherChange(file, kind, key, "changed", getattr(e, name), fields))
        out += [
            OtherChange(file, kind, key, "removed", getattr(e, name))
            for key, e in old.items()
            if key not in new
        ]
    for file, kind, entry, name in _SINGLE:
        a, b = entry(base), entry(head)
        if fields := _changed(a, b, ids):
            out.append(OtherChange(file, kind, file, "changed", getattr(b, name), fields))
    return out

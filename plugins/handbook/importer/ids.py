"""Committed statement ids kept when a page re-imports a committed document.

`keep_ids(imported, handbook)`: each imported statement of a page that is a version of a
committed document (`handbook.importer.mapping.Context.committed`) takes the id of the
committed statement in the same place with the same text, else of the most similar one
(`handbook.model.diff.similarity` at least `SIMILAR`), each committed id used once per
page. Places: edition, phase and party for change process duties; edition, category and
party for SOP categories; party and role for roles; edition, type and field for change
types. So a reworded statement keeps its id and ``--compare`` shows it as reworded, not as
removed and added.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from handbook.importer.items import Imported, flat
from handbook.model.diff import similarity
from handbook.model.entities import ChangeType, SopCategory, Statement
from handbook.model.handbook import Handbook

#: the least similarity (0 to 1) for a reworded statement to keep the committed id
SIMILAR = 0.5

Pool = list[tuple[str, str]]  # (id, text)


def _all(statements: list[Statement]) -> list[Statement]:
    """Each committed statement followed by its items, theirs after each, in order."""
    return [x for s in statements for x in (s, *_all(s.items))]


def _pool(statements: list[Statement]) -> Pool:
    return [(s.id, s.text) for s in _all(statements) if s.id]


def _match(new: list[dict[str, Any]], pool: Pool, key: str = "text") -> None:
    free = dict(pool)
    for s in new:
        hit = next((i for i, t in free.items() if t == s[key]), None)
        if hit is not None:
            s["id"] = hit
            del free[hit]
    for s in new:
        if "id" in s or not free:
            continue
        best = max(free, key=lambda i: similarity(free[i], s[key]))
        if similarity(free[best], s[key]) >= SIMILAR:
            s["id"] = best
            del free[best]


def _committed_of(imported: Imported) -> Callable[[dict[str, Any]], str]:
    """item -> the committed document its page is a version of (``-``, no document, for
    none)."""
    committed = {c.doc: c.committed for c in imported.pages.values()}

    def of(item: dict[str, Any]) -> str:
        return committed.get(str(item.get("doc") or item["source"]["doc"]), "") or "-"

    return of


_Committed = TypeVar("_Committed", SopCategory, ChangeType)


def _counterparts(
    items: list[dict[str, Any]], committed: list[_Committed], of: Callable[[dict[str, Any]], str]
) -> Iterator[tuple[dict[str, Any], _Committed]]:
    """Each imported item with the committed item of the same edition and id from the
    committed document its page is a version of."""
    for item in items:
        for old in committed:
            if (old.edition, old.id, old.source.doc) == (item["edition"], item["id"], of(item)):
                yield item, old


#: the least similarity (0 to 1) of names or statements for an SOP category or role whose
#: name changed to keep its committed id (``Windows Defender Advanced Threat Protection``
#: renamed ``Microsoft Defender for Endpoint``, the same duties)
RENAMED = 0.6


def _texts(statements: list[Any]) -> list[str]:
    """The texts of statements (models or imported dicts) and their items, in order."""
    out = []
    for s in statements:
        text, items = (s["text"], s.get("items", [])) if isinstance(s, dict) else (s.text, s.items)
        out += [text, *_texts(items)]
    return [t for t in out if t]


def _own(
    items: list[Any], group: Callable[[Any], Any], lines: Callable[[Any], list[str]]
) -> list[set[str]]:
    """Per item of ``items``, the statements (lowercased, no final full stop) that no other
    item of its group has: ``Only apply a change once …``, in every SOP category, is none."""
    seen: Counter[tuple[Any, str]] = Counter()
    for item in items:
        seen.update({(group(item), t) for t in _norm(lines(item))})
    return [{t for t in _norm(lines(i)) if seen[group(i), t] == 1} for i in items]


def _norm(texts: list[str]) -> set[str]:
    return {" ".join(t.lower().rstrip(". ").split()) for t in texts}


def _keep_renamed(
    new: list[dict[str, Any]],
    old: list[Any],
    group: Callable[[Any], Any],
    lines: Callable[[Any], list[str]],
) -> None:
    """Give an imported item the id of a committed item of its group (``group`` of either)
    that no imported item took, when their names or statements are `RENAMED` alike or
    they share a statement that no other item of their group, on either side, has (a
    category renamed with its own duty kept, the others reworded): the most alike pairs
    first, each committed item once."""
    taken = {(group(n), n["id"]) for n in new}
    kept = {(group(o), o.id) for o in old}
    fresh = [n for n in new if (group(n), n["id"]) not in kept]
    free = [o for o in old if (group(o), o.id) not in taken]
    own_new = dict(zip(map(id, new), _own(new, group, lines), strict=True))
    own_old = dict(zip(map(id, old), _own(old, group, lines), strict=True))
    scored = sorted(
        (
            (
                max(
                    similarity(n["name"], o.name),
                    similarity(" ".join(lines(n)), " ".join(lines(o))),
                    1.0 if own_new[id(n)] & own_old[id(o)] else 0.0,
                ),
                i,
                j,
            )
            for i, n in enumerate(fresh)
            for j, o in enumerate(free)
            if group(n) == group(o)
        ),
        reverse=True,
    )
    used_new: set[int] = set()
    used_old: set[int] = set()
    for score, i, j in scored:
        if score >= RENAMED and i not in used_new and j not in used_old:
            fresh[i]["id"] = free[j].id
            used_new.add(i)
            used_old.add(j)


def keep_ids(imported: Imported, hb: Handbook) -> None:
    """Give imported statements their committed ids (see module doc), in place. Each page
    is matched on its own against its committed document (`Context.committed`), so two
    versions of one document in a run may take the same ids; ``data_files`` makes them
    unique. An SOP category or role renamed in the page keeps its committed id first
    (`_keep_renamed`), so ``--compare`` shows it renamed and its curated data follows."""
    of = _committed_of(imported)
    parties = ("microsoft", "customer")

    def sop_group(c: Any) -> tuple[str, str]:
        return (c["edition"], of(c)) if isinstance(c, dict) else (c.edition, c.source.doc)

    def role_group(r: Any) -> tuple[str, str]:
        return (r["party"], of(r)) if isinstance(r, dict) else (r.party, r.source.doc)

    def sop_text(c: Any) -> list[str]:
        if isinstance(c, dict):
            return _texts([s for p in parties for s in c.get(p, [])])
        return _texts([s for p in parties for s in getattr(c, p)])

    def role_text(r: Any) -> list[str]:
        return _texts(r["description"] if isinstance(r, dict) else r.description)

    _keep_renamed(imported.sop, hb.sop_categories, sop_group, sop_text)
    _keep_renamed(imported.roles, hb.roles, role_group, role_text)
    groups: dict[tuple[str, str, str, str], list[dict[str, Any]]] = {}
    for d in imported.duties:
        groups.setdefault((d["doc"], d["edition"], d["phase"], d["party"]), []).append(d)
    for (_, edition, phase, party), duties in groups.items():
        pool = [
            (p.statement.id, p.statement.text)
            for p in hb.process
            if p.source.doc == of(duties[0])
            and (p.edition, p.phase, p.party) == (edition, phase, party)
            and p.statement.id
        ]
        _match(duties, pool, "statement")
    for c, old in _counterparts(imported.sop, hb.sop_categories, of):
        for party in ("microsoft", "customer"):
            _match(flat(c.get(party, [])), _pool(getattr(old, party)))
    for r in imported.roles:
        for role in hb.roles:
            if (role.party, role.id, role.source.doc) == (r["party"], r["id"], of(r)):
                _match(flat(r["description"]), _pool(role.description))
    for t, old_type in _counterparts(imported.change_types, hb.change_types, of):
        for field in ("includes", "examples", "customer_action"):
            _match(flat(t.get(field, [])), _pool(getattr(old_type, field)))
        if t.get("notification") and old_type.notification is not None:
            _match([t["notification"]], _pool([old_type.notification]))


def carry_curated(imported: Imported, hb: Handbook) -> None:
    """Give imported items what no page states but the committed data curates, so that
    comparing an unchanged page changes nothing (``--compare``): a statement's
    ``prohibits`` (MMD009) by statement id, an SOP category's and a change type's
    ``notes`` and a change type's ``succeeds`` by item id, each from the committed
    document the page is a version of. Run after `keep_ids`."""
    of = _committed_of(imported)
    for c, old in _counterparts(imported.sop, hb.sop_categories, of):
        if old.notes and not c.get("notes"):
            c["notes"] = list(old.notes)
        for party in ("microsoft", "customer"):
            committed = _all(getattr(old, party))
            curated = {s.id: list(s.prohibits) for s in committed if s.id and s.prohibits}
            for s in flat(c.get(party, [])):
                if s.get("id") in curated and not s.get("prohibits"):
                    s["prohibits"] = curated[s["id"]]
    for t, old_type in _counterparts(imported.change_types, hb.change_types, of):
        for key in ("notes", "succeeds"):
            if getattr(old_type, key) and not t.get(key):
                t[key] = list(getattr(old_type, key))

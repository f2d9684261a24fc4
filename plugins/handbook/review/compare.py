"""The semantic diff of two handbooks: what a change to ``data/`` means.

`compare(base, head)` returns a `DataDiff` (every field a tuple of frozen dataclasses of
plain texts, so it serialises to JSON as is):

- ``statements``: statements added, removed and reworded (with a word diff), per edition,
  SOP category or change-process phase, and party; found with `handbook.model.diff`'s
  `handbook.model.diff.compare_handbooks` (the edition diff's engine) and in roles;
- ``moves``: responsibilities that moved between parties: a statement removed from one
  party and added, maybe reworded, to another of the same category or phase; a role whose
  party changed; a matrix cell whose party changed;
- ``rules``: rules whose parameters changed, each change in words (``at least 5 days (120
  hours)`` → ``at least 7 days (168 hours)``), and every parameter of a rule added or
  removed; ``editions``: editions and documents whose dates (in force from and until,
  ``ms.date``), titles or documents changed; ``change_types``: the same for change types
  kept in an edition (channels, advance notice, action type, testing, ...), in the words of
  `handbook.review.parameters`;
- ``items``: editions, change types, SOP categories, roles, matrix rows and columns (scopes)
  and rules added, removed or renamed;
- ``others``: entries of the files the rest does not read (glossary, channels, actions,
  errata, prose, parties, overview, service) added, removed or changed
  (`handbook.review.other`);
- ``verdicts``: every sample record whose checker codes or expected codes
  (``samples.yaml``) differ between the two sides
  (`handbook.checker.samples.evaluate_samples` on each); the records of a sample file
  renamed are paired by id.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from handbook.model.diff import (
    REWORD_THRESHOLD,
    GroupChange,
    WordOp,
    compare_handbooks,
    full_text,
    joined_text,
    pair_statements,
    similarity,
    word_diff,
)
from handbook.model.entities import SopCategory, Statement
from handbook.model.handbook import Handbook
from handbook.review.other import OtherChange, other_changes
from handbook.review.parameters import (
    ParameterChange,
    changed_pairs,
    dated_changes,
    rule_parameters,
    type_parameter_changes,
)


@dataclass(frozen=True)
class TextChange:
    """A statement ``added``, ``removed`` or ``reworded`` at ``where`` (``"2022 · SOP
    category Device settings · Customer"``); ``words`` is the word diff of a rewording."""

    status: Literal["added", "removed", "reworded"]
    where: str
    old: str | None
    new: str | None
    words: tuple[WordOp, ...] = ()


@dataclass(frozen=True)
class Move:
    """A responsibility that moved from party ``old`` to party ``new`` (party names) at
    ``where``; ``text`` is what moved (a statement, a role, a matrix row's scope)."""

    where: str
    text: str
    old: str
    new: str
    words: tuple[WordOp, ...] = ()


@dataclass(frozen=True)
class Item:
    """An edition, change type, SOP category, matrix row or rule ``added``, ``removed`` or
    ``renamed``; ``kind`` says which, ``name`` is its name (new name when renamed);
    ``old_id`` the id it had when the id changed and the name did not (`_id_renames`)."""

    kind: str
    id: str
    status: Literal["added", "removed", "renamed"]
    name: str
    old_name: str | None = None
    edition: str | None = None
    old_id: str | None = None


def _id_renames(items: list[Item]) -> list[Item]:
    """An item removed and one added of the same kind, edition and name as one ``renamed``
    item with ``old_id``, in the added one's place."""
    out = list(items)
    for gone in [i for i in items if i.status == "removed"]:
        same = (gone.kind, gone.edition, gone.name)
        new = next(
            (i for i in out if i.status == "added" and (i.kind, i.edition, i.name) == same), None
        )
        if new is not None:
            out[out.index(new)] = replace(new, status="renamed", old_id=gone.id)
            out.remove(gone)
    return out


@dataclass(frozen=True)
class VerdictChange:
    """A sample record whose checker codes differ; codes are sorted rule/error codes, None
    when the record is not on that side. ``expected`` is the head's annotation."""

    file: str
    record: str
    title: str | None
    old: tuple[str, ...] | None
    new: tuple[str, ...] | None
    expected: tuple[str, ...] | None

    @property
    def matches(self) -> bool:
        """True when the head's codes are the codes its annotation expects."""
        return self.expected is not None and self.new == self.expected


@dataclass(frozen=True)
class DataDiff:
    """Everything that changed in meaning from ``base`` to ``head`` (side labels)."""

    base: str
    head: str
    statements: tuple[TextChange, ...]
    moves: tuple[Move, ...]
    rules: tuple[ParameterChange, ...]
    change_types: tuple[ParameterChange, ...]
    items: tuple[Item, ...]
    verdicts: tuple[VerdictChange, ...]
    editions: tuple[ParameterChange, ...] = ()
    others: tuple[OtherChange, ...] = ()

    @property
    def empty(self) -> bool:
        """True when nothing the diff looks at changed."""
        return not (
            self.statements
            or self.moves
            or self.rules
            or self.change_types
            or self.items
            or self.verdicts
            or self.editions
            or self.others
        )


def _rule_changes(base: Handbook, head: Handbook) -> tuple[list[ParameterChange], list[Item]]:
    old = {r.id: r for r in base.rules}
    new = {r.id: r for r in head.rules}
    changes: list[ParameterChange] = []
    items = [Item("rule", r.id, "added", r.title) for r in head.rules if r.id not in old]
    items += [Item("rule", r.id, "removed", r.title) for r in base.rules if r.id not in new]
    was = {i.id: i.old_id for i in _id_renames(items) if i.old_id}  # renumbered: new → old
    for rid, rule, params in changed_pairs(
        old, new, lambda r: rule_parameters(r, base), lambda r: rule_parameters(r, head), was
    ):  # an added or removed rule: all its parameters
        changes.append(ParameterChange(rid, rule.title, params))
    return changes, items


def _party_name(hb: Handbook, party: str) -> str:
    try:
        return hb.party(party).name
    except KeyError:
        return party


def _text(s: Statement | None) -> str | None:
    return None if s is None else full_text(s)


def _collect(
    where: str, groups: list[GroupChange], texts: list[TextChange], moves: list[Move]
) -> None:
    """Statements of ``groups`` (one per party of one category or phase) into ``texts``;
    a removal from one party paired with an addition to another becomes a `Move`."""
    removed = [(g, c) for g in groups for c in g.changes if c.status == "removed"]
    added = [(g, c) for g in groups for c in g.changes if c.status == "added"]
    paired: set[int] = set()
    for ga, ca in added:
        best = max(
            (
                (_move_score(cr.old, ca.new), i)
                for i, (gr, cr) in enumerate(removed)
                if gr.key != ga.key and i not in paired
            ),
            default=(0.0, -1),
        )
        if best[0] >= REWORD_THRESHOLD:
            gr, cr = removed[best[1]]
            paired.add(best[1])
            old, new = _text(cr.old) or "", _text(ca.new) or ""
            words = word_diff(old, new) if old != new else ()
            moves.append(Move(where, new, gr.label, ga.label, words))
            continue
        texts.append(TextChange("added", f"{where} · {ga.label}", None, _text(ca.new)))
    for g in groups:
        for c in g.changes:
            if c.status == "reworded":
                at = f"{where} · {g.label}"
                texts.append(TextChange("reworded", at, _text(c.old), _text(c.new), c.words))
    for i, (gr, cr) in enumerate(removed):
        if i not in paired:
            texts.append(TextChange("removed", f"{where} · {gr.label}", _text(cr.old), None))


def _move_score(old: Statement | None, new: Statement | None) -> float:
    """1 for two statements with one stable id, else the similarity of their texts."""
    if old is not None and new is not None and old.id is not None and old.id == new.id:
        return 1.0
    return similarity(_text(old) or "", _text(new) or "")


def _whole_category(
    hb: Handbook, old: SopCategory | None, new: SopCategory | None
) -> list[GroupChange]:
    """The statements of an SOP category added (``old`` None) or removed, per party."""
    return [
        GroupChange(
            p.id,
            p.name,
            tuple(pair_statements(getattr(old, p.id, []), getattr(new, p.id, []))),
        )
        for p in hb.parties
        if p.kind == "party"
    ]


def _by_party(groups: tuple[GroupChange, ...], label: str) -> list[GroupChange]:
    """The groups of one process phase, relabelled with the party's name only."""
    return [
        GroupChange(g.key, g.label.split(": ", 1)[-1], g.changes)
        for g in groups
        if g.label.startswith(label)
    ]


def _edition_changes(
    base: Handbook, head: Handbook, texts: list[TextChange], moves: list[Move], items: list[Item]
) -> None:
    old_eds = {e.id: e for e in base.editions}
    new_eds = {e.id: e for e in head.editions}
    items += [Item("edition", e, "added", new_eds[e].title) for e in new_eds if e not in old_eds]
    items += [Item("edition", e, "removed", old_eds[e].title) for e in old_eds if e not in new_eds]
    for ed in dict.fromkeys([*new_eds, *old_eds]):  # an edition added: all it says
        diff = compare_handbooks(base, ed, head, ed)
        # an id renamed (the name kept): the statements of the category it was
        gone = {c.old.name: c.old for c in diff.categories if c.status == "removed" and c.old}
        was = {
            c.id: gone.pop(c.new.name)
            for c in diff.categories
            if c.new and c.new.name in gone and c.status == "added"
        }
        for cat in diff.categories:
            name = cat.new.name if cat.new else cat.old.name if cat.old else cat.id
            if cat.status != "kept":
                old_name = cat.old.name if cat.status == "renamed" and cat.old else None
                items.append(Item("SOP category", cat.id, cat.status, name, old_name, ed))
            if cat.old is not None and cat.old in was.values():
                continue  # compared with its new id
            old = was.get(cat.id, cat.old)
            groups = list(cat.groups) or _whole_category(head, old, cat.new)
            _collect(f"{ed} · SOP category “{name}”", groups, texts, moves)
        for phase in ("Before", "During", "After"):
            groups = _by_party(diff.process, f"{phase} a change: ")
            _collect(f"{ed} · {phase} a change", groups, texts, moves)
        for t in diff.types:
            if t.status in ("added", "removed", "renamed"):
                ct = (t.new or t.old)[0]
                old_name = t.old[0].name if t.status == "renamed" else None
                items.append(Item("change type", ct.id, t.status, ct.name, old_name, ed))


def _role_changes(
    base: Handbook, head: Handbook, texts: list[TextChange], moves: list[Move], items: list[Item]
) -> None:
    """Roles are keyed by party and id (both parties have an ``end-user-support``); a role
    id that left one party and arrived at another is a `Move`, a new id of a party's role
    of the same name a rename; a role added or removed is an `Item` (as a change type or
    SOP category is) besides its statements."""
    old = {(r.party, r.id): r for r in base.roles}
    new = {(r.party, r.id): r for r in head.roles}
    gone = {key: r for key, r in old.items() if key not in new}  # both parties' may go
    for key, role in new.items():
        where = f"Role “{role.name}” ({_party_name(head, role.party)})"
        before = old.get(key)
        moved = next((k for k in gone if k[1] == role.id), None) if before is None else None
        if moved is not None:
            before = gone.pop(moved)
            old_name, new_name = _party_name(base, before.party), _party_name(head, role.party)
            moves.append(Move(f"Role “{role.name}”", role.name, old_name, new_name))
        kind = f"role of {_party_name(head, role.party)}"  # both parties may have the id
        same = [k for k, r in gone.items() if (k[0], r.name) == (role.party, role.name)]
        if before is None and same:  # the id renamed, the name kept
            before = gone.pop(same[0])
            items.append(Item(kind, role.id, "renamed", role.name, old_id=before.id))
        if before is None:
            items.append(Item(kind, role.id, "added", role.name))
            texts.append(TextChange("added", where, None, _texts(role.description)))
            continue
        if before.name != role.name:
            items.append(Item(kind, role.id, "renamed", role.name, before.name))
        for c in pair_statements(before.description, role.description):
            if c.status != "unchanged":
                texts.append(TextChange(c.status, where, _text(c.old), _text(c.new), c.words))
    for role in gone.values():
        party = _party_name(base, role.party)
        items.append(Item(f"role of {party}", role.id, "removed", role.name))
        texts.append(
            TextChange("removed", f"Role “{role.name}” ({party})", _texts(role.description), None)
        )


def _texts(statements: list[Statement]) -> str:
    return joined_text([full_text(s) for s in statements])


def _matrix_changes(base: Handbook, head: Handbook, moves: list[Move], items: list[Item]) -> None:
    old = {r.id: r for r in base.matrix}
    scopes = {s.id: s.name for s in [*base.scopes, *head.scopes]}
    old_names = {s.id: s.name for s in base.scopes}
    for s in head.scopes:  # the matrix's columns
        was = old_names.pop(s.id, None)
        if was is None or was != s.name:
            items.append(
                Item("matrix column", s.id, "added" if was is None else "renamed", s.name, was)
            )
    items += [Item("matrix column", s, "removed", name) for s, name in old_names.items()]
    for row in head.matrix:
        before = old.get(row.id)
        if before is None:
            items.append(Item("matrix row", row.id, "added", row.responsibility))
            continue
        if before.responsibility != row.responsibility:
            items.append(
                Item("matrix row", row.id, "renamed", row.responsibility, before.responsibility)
            )
        for scope, party in row.cells.items():
            was = before.cells.get(scope)
            if was is not None and was != party:
                where = f"Responsibility matrix · {scopes.get(scope, scope)}"
                old_name, new_name = _party_name(base, was), _party_name(head, party)
                moves.append(Move(where, row.responsibility, old_name, new_name))
    ids = {r.id for r in head.matrix}
    items += [
        Item("matrix row", r.id, "removed", r.responsibility)
        for r in base.matrix
        if r.id not in ids
    ]


def _verdict_changes(base: Handbook, head: Handbook) -> list[VerdictChange]:
    from handbook.checker.samples import evaluate_samples  # pandas: only when comparing

    def codes(
        hb: Handbook,
    ) -> dict[tuple[str, str], tuple[tuple[str, ...], tuple[str, ...] | None, str | None]]:
        return {
            (v.file, v.record): (
                tuple(v.actual),
                tuple(sorted(v.expected)) if v.listed else None,
                v.title,
            )
            for result in evaluate_samples(hb)
            for v in result.verdicts
        }

    old, new = codes(base), codes(head)
    # a file renamed: a record of a file only the head has is the record of that id in a
    # file only the base has
    old_files, new_files = {f for f, _ in old}, {f for f, _ in new}
    gone = {record: (f, record) for f, record in old if f not in new_files}
    was = {k: gone[k[1]] for k in new if k[0] not in old_files and k[1] in gone}
    out: list[VerdictChange] = []
    for key in dict.fromkeys([*new, *(k for k in old if k not in was.values())]):
        a, b = old.get(was.get(key, key)), new.get(key)
        if a is not None and b is not None and a[:2] == b[:2]:
            continue  # the same codes, expected alike
        title = (b or a or ((), None, None))[2]
        old_codes = a[0] if a else None
        new_codes, expected = b[:2] if b else (None, None)
        out.append(VerdictChange(key[0], key[1], title, old_codes, new_codes, expected))
    return out


def compare(
    base: Handbook, head: Handbook, base_label: str = "base", head_label: str = "head"
) -> DataDiff:
    """The semantic diff from ``base`` to ``head`` (see the module's docstring). Runs the
    checker on every sample of both sides; raises nothing for valid handbooks."""
    texts: list[TextChange] = []
    moves: list[Move] = []
    items: list[Item] = []
    _edition_changes(base, head, texts, moves, items)
    _role_changes(base, head, texts, moves, items)
    _matrix_changes(base, head, moves, items)
    rules, rule_items = _rule_changes(base, head)
    renamed = _id_renames([*items, *rule_items])
    return DataDiff(
        base=base_label,
        head=head_label,
        statements=tuple(texts),
        moves=tuple(moves),
        rules=tuple(rules),
        change_types=tuple(type_parameter_changes(base, head)),
        items=tuple(renamed),
        verdicts=tuple(_verdict_changes(base, head)),
        editions=tuple(dated_changes(base, head)),
        others=tuple(other_changes(base, head, {i.old_id: i.id for i in renamed if i.old_id})),
    )

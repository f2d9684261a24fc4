"""What changed between two editions, computed from the data (no hand-written diff).

`compare_editions(handbook, old, new)` returns an `EditionDiff`: SOP categories added,
removed, renamed and kept (with their statements added, removed, reworded or unchanged),
change-process duties per phase and party, change types (kept, renamed, merged, split,
added, removed, by id and by the 2022 types' ``succeeds`` links), and rules that came or
went. Statements are paired by stable id first, then by similarity (difflib ratio ≥
`REWORD_THRESHOLD` on normalised words); reworded pairs carry a word-level diff.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from markdown_it import MarkdownIt

from handbook.model.entities import ChangeType, Rule, SopCategory, Statement
from handbook.model.handbook import Handbook

#: Two statements whose word sequences match at least this much are one statement reworded.
REWORD_THRESHOLD = 0.6

Status = Literal["unchanged", "reworded", "added", "removed"]


@dataclass(frozen=True)
class WordOp:
    """One run of a word-level diff: ``equal``, ``delete`` (old only) or ``insert``."""

    op: Literal["equal", "delete", "insert"]
    text: str


@dataclass(frozen=True)
class StatementChange:
    """A statement in one or both editions; ``words`` is the word diff when reworded."""

    status: Status
    old: Statement | None
    new: Statement | None
    words: tuple[WordOp, ...] = ()

    @property
    def text(self) -> str:
        """The statement's whole text (new, else old), list items included (`full_text`)."""
        shown = self.new or self.old
        return "" if shown is None else full_text(shown)


@dataclass(frozen=True)
class GroupChange:
    """Statements of one group (an SOP category's party, a process phase's party)."""

    key: str
    label: str
    changes: tuple[StatementChange, ...]

    def count(self, status: Status) -> int:
        return sum(1 for c in self.changes if c.status == status)


@dataclass(frozen=True)
class CategoryChange:
    """An SOP category across two editions."""

    id: str
    status: Literal["added", "removed", "renamed", "kept"]
    old: SopCategory | None
    new: SopCategory | None
    groups: tuple[GroupChange, ...] = ()


@dataclass(frozen=True)
class TypeChange:
    """A change type's fate: ``kept`` (same name), ``renamed``, ``merged`` (several old types
    succeeded by one), ``split`` (one old type succeeded by several), ``added``, ``removed``."""

    status: Literal["kept", "renamed", "merged", "split", "added", "removed"]
    old: tuple[ChangeType, ...]
    new: tuple[ChangeType, ...]


@dataclass(frozen=True)
class EditionDiff:
    """Everything that changed from edition ``old`` to edition ``new``."""

    old: str
    new: str
    categories: tuple[CategoryChange, ...]
    process: tuple[GroupChange, ...]
    types: tuple[TypeChange, ...]
    rules_added: tuple[Rule, ...]
    rules_removed: tuple[Rule, ...]
    rules_kept: tuple[Rule, ...]


#: Inline Markdown as statements write it (links, emphasis, code), read for its words.
_INLINE = MarkdownIt("zero").enable(["link", "emphasis", "backticks", "escape", "entity"])


def plain_text(text: str) -> str:
    """``text`` without its inline Markdown: a link as its label, emphasised and code words
    as words (``Notify **five** [days](x)`` is ``Notify five days``)."""
    tokens = _INLINE.parseInline(text)[0].children or []
    return "".join(
        t.content if t.type in ("text", "code_inline") else " " if t.type.endswith("break") else ""
        for t in tokens
    )


def _words(text: str) -> list[str]:
    return plain_text(text).split()


def _norm(words: Sequence[str]) -> list[str]:
    return [w.lower().strip(".,;:") for w in words]


def similarity(a: str, b: str) -> float:
    """difflib ratio of two texts' normalised word sequences (0 to 1)."""
    return difflib.SequenceMatcher(a=_norm(_words(a)), b=_norm(_words(b)), autojunk=False).ratio()


def word_diff(old: str, new: str) -> tuple[WordOp, ...]:
    """Word-level diff of two texts' words (`plain_text`: links shown by their label,
    emphasis and code marks left out)."""
    a, b = _words(old), _words(new)
    ops: list[WordOp] = []
    matcher = difflib.SequenceMatcher(a=_norm(a), b=_norm(b), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            ops.append(WordOp("equal", " ".join(b[j1:j2])))
            continue
        if tag in ("delete", "replace"):
            ops.append(WordOp("delete", " ".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            ops.append(WordOp("insert", " ".join(b[j1:j2])))
    return tuple(ops)


def pair_statements(old: Sequence[Statement], new: Sequence[Statement]) -> list[StatementChange]:
    """Pair two lists of statements: first by stable id (two statements with one id are
    one statement, however reworded), then the others by similarity (greedy, best matches
    first); unchanged when the normalised words are equal, reworded when paired by id or
    above `REWORD_THRESHOLD`, else added and removed. The result follows the new list's
    order, removed statements last."""
    old_ids = {o.id: i for i, o in enumerate(old) if o.id is not None}
    pairs: dict[int, int] = {
        j: old_ids[n.id] for j, n in enumerate(new) if n.id is not None and n.id in old_ids
    }
    used_old: set[int] = set(pairs.values())
    candidates = sorted(
        (
            (similarity(o.text, n.text), i, j)
            for i, o in enumerate(old)
            if i not in used_old
            for j, n in enumerate(new)
            if j not in pairs
        ),
        reverse=True,
    )
    for score, i, j in candidates:
        if score < REWORD_THRESHOLD:
            break
        if i in used_old or j in pairs:
            continue
        used_old.add(i)
        pairs[j] = i
    out: list[StatementChange] = []
    for j, n in enumerate(new):
        if j in pairs:
            o = old[pairs[j]]
            if _norm(_words(o.text)) == _norm(_words(n.text)) and _items(o) == _items(n):
                out.append(StatementChange("unchanged", o, n))
            else:
                out.append(StatementChange("reworded", o, n, word_diff(full_text(o), full_text(n))))
        else:
            out.append(StatementChange("added", None, n))
    out += [StatementChange("removed", o, None) for i, o in enumerate(old) if i not in used_old]
    return out


def _items(s: Statement) -> list[list[str]]:
    return [_norm(_words(i.text)) for i in s.items]


def full_text(s: Statement) -> str:
    """A statement's text and its list items, nested ones included, as one text
    (`joined_text`): ``Update all certificates that are required to configure:
    Certificate profiles; VPN profiles; Wi-Fi profiles``."""
    return joined_text([s.text, *(full_text(i) for i in s.items)])


def joined_text(parts: Sequence[str]) -> str:
    """Texts one after the other, each separated by ``; `` from a previous one that ends
    no sentence or clause (a list item: ``Add users to security groups``), so that a
    statement's items, or a role's statements, do not run together; one ending in a
    period, colon, semicolon, comma, ``or`` or ``and`` is continued by the next after a space."""
    out = ""
    for part in filter(None, parts):
        joint = out.endswith((".", ":", ";", "!", "?", ",", " or", " and"))
        out += ("" if not out else " " if joint else "; ") + part
    return out


def compare_editions(handbook: Handbook, old: str, new: str) -> EditionDiff:
    """Compare edition ``old`` with edition ``new`` (edition ids) of one handbook."""
    return compare_handbooks(handbook, old, handbook, new)


def compare_handbooks(base: Handbook, old: str, hb: Handbook, new: str) -> EditionDiff:
    """Compare edition ``old`` of handbook ``base`` with edition ``new`` of handbook ``hb``:
    two editions of one handbook (`compare_editions`), or one edition at two revisions of
    the data (`handbook.review.compare`). Parties are ``hb``'s."""
    parties = [p for p in hb.parties if p.kind == "party"]

    categories: list[CategoryChange] = []
    old_cats = {c.id: c for c in base.sop_categories_of(old)}
    new_cats = {c.id: c for c in hb.sop_categories_of(new)}
    for cid in [*new_cats, *(c for c in old_cats if c not in new_cats)]:
        o, n = old_cats.get(cid), new_cats.get(cid)
        if o is None or n is None:
            categories.append(CategoryChange(cid, "added" if o is None else "removed", o, n))
            continue
        groups = tuple(
            GroupChange(
                p.id,
                p.name,
                tuple(pair_statements(getattr(o, p.id), getattr(n, p.id))),
            )
            for p in parties
        )
        status: Literal["renamed", "kept"] = "renamed" if o.name != n.name else "kept"
        categories.append(CategoryChange(cid, status, o, n, groups))

    process: list[GroupChange] = []
    for phase in ("before", "during", "after"):
        for p in parties:
            a = [d.statement for d in base.process_of(old) if d.phase == phase and d.party == p.id]
            b = [d.statement for d in hb.process_of(new) if d.phase == phase and d.party == p.id]
            if a or b:
                label = f"{phase.capitalize()} a change: {p.name}"
                process.append(GroupChange(f"{phase}-{p.id}", label, tuple(pair_statements(a, b))))

    types = _type_changes(base.change_types_of(old), hb.change_types_of(new))
    old_rules = {r.id for r in base.rules_of(old)}
    new_rules = {r.id for r in hb.rules_of(new)}
    return EditionDiff(
        old=old,
        new=new,
        categories=tuple(categories),
        process=tuple(process),
        types=tuple(types),
        rules_added=tuple(r for r in hb.rules if r.id in new_rules - old_rules),
        rules_removed=tuple(r for r in base.rules if r.id in old_rules - new_rules),
        rules_kept=tuple(r for r in hb.rules if r.id in old_rules & new_rules),
    )


def _type_changes(old: list[ChangeType], new: list[ChangeType]) -> list[TypeChange]:
    """Change types matched by ``succeeds`` (new → old ids), else by equal id."""
    old_by_id = {t.id: t for t in old}
    links: dict[str, list[str]] = {}
    for t in new:
        preds = [p for p in t.succeeds if p in old_by_id]
        if not preds and t.id in old_by_id:
            preds = [t.id]
        links[t.id] = preds
    successors: dict[str, list[ChangeType]] = {t.id: [] for t in old}
    for t in new:
        for p in links[t.id]:
            successors[p].append(t)
    out: list[TypeChange] = []
    seen_old: set[str] = set()
    for t in new:
        olds = [old_by_id[p] for p in links[t.id]]
        if not olds:
            out.append(TypeChange("added", (), (t,)))
        elif len(olds) > 1:
            out.append(TypeChange("merged", tuple(olds), (t,)))
        elif len(successors[olds[0].id]) > 1:
            if olds[0].id not in seen_old:
                out.append(TypeChange("split", (olds[0],), tuple(successors[olds[0].id])))
        else:
            # by name, as a SOP category's: a reader sees "Security updates became Security"
            status: Literal["kept", "renamed"] = "kept" if olds[0].name == t.name else "renamed"
            out.append(TypeChange(status, (olds[0],), (t,)))
        seen_old.update(p.id for p in olds)
    out += [TypeChange("removed", (t,), ()) for t in old if not successors[t.id]]
    return out

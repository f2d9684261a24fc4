"""Parameters in words, for a reviewer: a rule's (``at least 5 days (120 hours)``), a change
type's, an edition's and a document's, and which of them changed between two handbooks
(`handbook.review.compare` puts them in its `handbook.review.compare.DataDiff`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from handbook.model.diff import full_text, joined_text
from handbook.model.durations import duration_text
from handbook.model.entities import ChangeType, Constraint, Document, Edition, Rule, Statement
from handbook.model.handbook import Handbook

K = TypeVar("K")
T = TypeVar("T")


@dataclass(frozen=True)
class Parameter:
    """One parameter of a rule, in words, on both sides (``None``: absent on that side)."""

    what: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class ParameterChange:
    """A rule, a change type of edition ``edition``, an edition or a document whose
    parameters changed (every parameter of one added or removed)."""

    id: str
    title: str
    parameters: tuple[Parameter, ...]
    edition: str | None = None


def _bounds(c: Constraint) -> str:
    if not c.at_least and c.at_most is None:
        return "no later"
    text = f"at least {duration_text(c.at_least)}" if c.at_least else ""
    if c.at_most is not None:
        text += (" and " if text else "") + f"at most {duration_text(c.at_most)}"
    return text


def _listing(values: list[str] | None) -> str | None:
    return ", ".join(values) if values else None


def rule_parameters(rule: Rule, hb: Handbook) -> dict[str, str | None]:
    """A rule's parameters in words: ``{"notified_at before starts_at": "at least 5 days
    (120 hours)", "severity": "error", "applies to initiator": "microsoft", ...}``; for a
    ``prohibited-actions`` rule, the actions the SOP categories of each of its editions
    prohibit (the statements' ``prohibits`` in ``hb``); its quoted sources last."""
    out: dict[str, str | None] = {
        "title": rule.title,
        "kind": rule.kind,
        "severity": rule.severity,
        "editions": _listing(rule.editions),
        "statement": rule.statement,
        "required fields": _listing(rule.requires),
    }
    for key, value in rule.applies_to.model_dump(exclude={"at"}).items():
        if isinstance(value, list):
            out[f"applies to {key}"] = _listing(value)
        elif isinstance(value, bool):
            out[f"applies to {key}"] = "yes" if value else "no"
        else:
            out[f"applies to {key}"] = value
    for c in rule.constraints:
        out[f"{c.earlier} before {c.later}"] = _bounds(c)
    out["sources"] = "; ".join(f"{q.doc} · {q.section}: “{q.quote}”" for q in rule.sources)
    for edition in rule.editions if rule.kind == "prohibited-actions" else []:
        cats = hb.sop_categories_of(edition)  # whichever category a record is filed under
        actions = [a for c in cats for a in hb.prohibited_actions(edition, c.id)]
        out[f"actions prohibited in {edition}"] = _listing(actions)
    return out


def changed_parameters(a: dict[str, str | None], b: dict[str, str | None]) -> tuple[Parameter, ...]:
    keys = dict.fromkeys([*b, *a])
    return tuple(Parameter(k, a.get(k), b.get(k)) for k in keys if a.get(k) != b.get(k))


def changed_pairs(
    old: dict[K, T],
    new: dict[K, T],
    old_parameters: Callable[[T], dict[str, str | None]],
    new_parameters: Callable[[T], dict[str, str | None]],
    was: dict[K, K] | None = None,
) -> Iterator[tuple[K, T, tuple[Parameter, ...]]]:
    """``(key, item, changed parameters)`` for each item whose parameters changed (the new
    item, or the old one when it was removed): the keys of ``new``, compared with the old
    item of the same key or of the key ``was`` says it had, then the keys of ``old`` no new
    item took. An item added or removed has every parameter."""
    renamed = was or {}
    paired = {renamed.get(k, k) for k in new}
    sides: list[tuple[K, T | None, T | None]] = [
        (k, old.get(renamed.get(k, k)), new[k]) for k in new
    ]
    sides += [(k, old[k], None) for k in old if k not in paired]
    for key, a, b in sides:
        params = changed_parameters(
            old_parameters(a) if a is not None else {}, new_parameters(b) if b is not None else {}
        )
        item = b if b is not None else a
        if params and item is not None:
            yield key, item, params


def type_parameters(t: ChangeType) -> dict[str, str | None]:
    """A change type's parameters in words: ``{"channels": "message-center, email",
    "advance notice": ..., "notification": ..., ...}`` (statements as text; its name is
    not one: a new name is a renamed item)."""
    return {
        "description": t.description,
        "channels": t.channels if isinstance(t.channels, str) else _listing(t.channels),
        "advance notice": t.advance_notice,
        "notification": full_text(t.notification) if t.notification else None,
        "requires global admin action": t.requires_global_admin_action,
        "action type": t.action_type,
        "testing": t.testing,
        "includes": _texts(t.includes) or None,
        "examples": _texts(t.examples) or None,
        "customer action": _texts(t.customer_action) or None,
    }


def type_parameter_changes(base: Handbook, head: Handbook) -> list[ParameterChange]:
    """Change types whose parameters changed, per edition: those kept (or whose id was
    renamed), then every parameter of one added or removed (as for a rule)."""
    old = {(t.edition, t.id): t for t in base.change_types}
    new = {(t.edition, t.id): t for t in head.change_types}
    # a type whose id was renamed: the type of that name whose id is gone
    gone = {(t.edition, t.name): key for key, t in old.items() if key not in new}
    was = {k: gone[k[0], t.name] for k, t in new.items() if k not in old and (k[0], t.name) in gone}
    return [
        ParameterChange(t.id, t.name, params, t.edition)
        for _, t, params in changed_pairs(old, new, type_parameters, type_parameters, was)
    ]


def _edition_parameters(e: Edition) -> dict[str, str | None]:
    return {
        "title": e.title,
        "in force from": str(e.in_force_from),
        "in force until": str(e.in_force_until) if e.in_force_until else None,
        "documents": _listing(e.documents),
    }


def _document_parameters(d: Document) -> dict[str, str | None]:
    return {"title": d.title, "ms.date": str(d.ms_date), "edition": d.edition}


def dated_changes(base: Handbook, head: Handbook) -> list[ParameterChange]:
    """Editions and documents whose dates, titles or documents changed (an edition's
    in-force dates select the rules a record meets); every parameter of one added or
    removed, as of a rule."""
    out: list[ParameterChange] = []
    pairs: list[tuple[str, Any, Any, Callable[[Any], dict[str, str | None]]]] = [
        ("edition", base.editions, head.editions, _edition_parameters),
        ("document", base.documents, head.documents, _document_parameters),
    ]
    for kind, old_items, new_items, parameters in pairs:
        old, new = {i.id: i for i in old_items}, {i.id: i for i in new_items}
        for key, item, params in changed_pairs(old, new, parameters, parameters):
            out.append(ParameterChange(key, f"{kind} {item.title}", params))
    return out


def _texts(statements: list[Statement]) -> str:
    return joined_text([full_text(s) for s in statements])

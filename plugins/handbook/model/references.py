"""Checks across data files: unique ids and references that resolve.

`check_references(handbook)` runs after every file was validated on its own (see
`handbook.model.loader.load_handbook`): duplicate ids, references to documents, editions,
parties, channels, actions, errata, change types, SOP categories and time fields that do not
exist, overlapping editions, rules that check nothing, and sample files that are missing.
Each problem names the file, line and column of the reference and the ids that would be right.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Iterable, Iterator
from operator import attrgetter
from typing import Any

from handbook.model.durations import duration_text
from handbook.model.edition_dates import edition_date_problems
from handbook.model.entities import Erratum, Node, Quote, Rule, Source, Statement
from handbook.model.fixed_ids import MODEL_PARTIES, TIME_FIELDS
from handbook.model.handbook import CLASSIFIED_BY, Handbook
from handbook.model.problems import Problem
from handbook.model.sources import not_a_file
from handbook.model.validation import expected_one_of


def iter_nodes(value: Any) -> Iterator[Node]:
    """Every `Node` inside ``value`` (a node, list or dict of nodes), depth first."""
    if isinstance(value, Node):
        yield value
        for name in type(value).model_fields:
            if name != "at":
                yield from iter_nodes(getattr(value, name))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from iter_nodes(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from iter_nodes(item)


def checker_code(code: str) -> bool:
    """A code in the form of the checker's own (``E001``, ``W001``), which no rule id takes."""
    return code[:1] in ("E", "W") and code[1:].isdigit()


def _ref_problem(node: Node, key: str, what: str, given: str, choices: Iterable[str]) -> Problem:
    line, column = node.at.of(key)
    message, hint = f"{what} '{given}' does not exist", expected_one_of(choices, given)
    if not given.strip():  # an empty CSV cell, 'edition: ""'
        message, hint = f"'{key}' is empty", _write_one_of(choices)
    return Problem("unknown-reference", message, node.at.file, line or None, column or None, hint)


def _write_one_of(choices: Iterable[str]) -> str:
    return "write one of: " + ", ".join(sorted(choices))


def _duplicates(items: Iterable[Node], what: str, *key: str) -> list[Problem]:
    """``duplicate-id`` for each item whose ``key`` attribute (default ``id``; several
    make a tuple) an earlier item has."""
    get = attrgetter(*(key or ("id",)))
    problems: list[Problem] = []
    first: dict[Any, Node] = {}
    for item in items:
        k = get(item)
        if k in first:
            line, column = item.at.of("id")
            label = "/".join(k) if isinstance(k, tuple) else k
            problems.append(
                Problem(
                    "duplicate-id",
                    f"{what} '{label}' is defined twice",
                    item.at.file,
                    line or None,
                    column or None,
                    hint=f"first defined at {first[k].at.file}:{first[k].at.line}; "
                    "give this one another id or merge them",
                )
            )
        else:
            first[k] = item
    return problems


def _statement_groups(hb: Handbook) -> Iterable[list[Statement]]:
    """Statements grouped by where their ids must be unique: (file, edition)."""
    groups: dict[Any, list[Statement]] = {}
    owners: list[Node] = [
        *hb.process,
        *hb.change_types,
        *hb.sop_categories,
        *hb.roles,
        *hb.prose,
        hb.overview,
    ]
    for owner in owners:
        key = (owner.at.file, getattr(owner, "edition", None))
        for node in iter_nodes(owner):
            if isinstance(node, Statement):
                groups.setdefault(key, []).append(node)
    return groups.values()


def missing_statement_ids(hb: Handbook) -> list[Problem]:
    """Statements without id (``missing-id`` warnings, reported by ``handbook validate``)."""
    problems: list[Problem] = []
    for statements in _statement_groups(hb):
        for s in statements:
            if s.id is None:
                problems.append(
                    Problem(
                        "missing-id",
                        f"statement '{s.text[:40]}' has no id",
                        s.at.file,
                        s.at.line or None,
                        s.at.column or None,
                        hint="run handbook fmt --add-ids",
                        severity="warning",
                    )
                )
    return problems


def repeated_list_items(hb: Handbook) -> list[Problem]:
    """``listed-twice`` warnings (reported by ``handbook validate``): a value written twice
    in one list of any object (``editions: ["2018", "2018"]``, a ``prohibits`` or
    ``channels`` id), at the list's key. Harmless to the checker and the site, but most
    often a slip for another value."""
    roots = [getattr(hb, f.name) for f in dataclasses.fields(hb) if f.name != "root"]
    problems: list[Problem] = []
    for node in iter_nodes(roots):
        for name in type(node).model_fields:
            values = getattr(node, name)
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                continue
            for value in sorted({v for v in values if values.count(v) > 1}, key=values.index):
                line, column = node.at.of(name)
                problems.append(
                    Problem(
                        "listed-twice",
                        f"'{value}' is listed twice in '{name}'",
                        node.at.file,
                        line or None,
                        column or None,
                        hint="list it once, or write the value that was meant",
                        severity="warning",
                    )
                )
    return problems


def _party_problem(node: Node, party: str, party_ids: Iterable[str]) -> Problem:
    """``unknown-party`` at ``node``'s ``party`` key, with the parties to choose from."""
    line, column = node.at.of("party")
    message, hint = f"unknown party '{party}'", expected_one_of(party_ids, party)
    if not party.strip():
        message, hint = "'party' is empty", _write_one_of(party_ids)
    return Problem("unknown-party", message, node.at.file, line, column, hint)


#: Prose sections the page templates show, besides ``roles`` and ``roles-<party id>``:
#: ``<kind>-<edition id>`` (``templates/change_management.md.j2`` and the others).
PROSE_KINDS = ("change-management", "change-process", "change-types", "sops")


def _prose_ids(hb: Handbook, unvalidated: frozenset[str]) -> list[Problem]:
    """``unshown-prose`` (a warning) for a prose section no page shows: a misspelt id
    (``change-type-2022``) would otherwise drop its paragraphs without a word. The
    ``roles-<party>`` of a party that failed validation, or of any party when
    ``parties.yaml`` was not read, is not reported (the party's own problem is)."""
    known = {"roles", *(f"roles-{p.id}" for p in hb.parties if p.kind == "party")}
    known |= {f"roles-{i}" for i in unvalidated}
    known |= {f"{kind}-{ed.id}" for kind in PROSE_KINDS for ed in hb.editions}
    unread = UNREAD in unvalidated and not hb.parties
    problems = []
    for prose in hb.prose:
        if prose.id not in known and not (unread and prose.id.startswith("roles-")):
            found = _ref_problem(prose, "id", "prose section", prose.id, sorted(known))
            problems.append(
                dataclasses.replace(
                    found,
                    code="unshown-prose",
                    message=f"no page shows prose section '{prose.id}'",
                    severity="warning",
                )
            )
    return problems


def _party_ids(hb: Handbook, unvalidated: frozenset[str]) -> list[Problem]:
    """``unknown-party`` for a party of ``parties.yaml`` outside `MODEL_PARTIES` and
    ``missing-party`` for one of them it lacks: the matrix, SOP categories (``microsoft:``
    and ``customer:`` keys), records' ``initiator`` and the rules read these ids."""
    file = hb.parties[0].at.file if hb.parties else str(hb.root / "parties.yaml")
    fixed = "; ".join(f"'{k}' for {v}" for k, v in MODEL_PARTIES.items())
    problems = []
    for party in hb.parties:
        if party.id not in MODEL_PARTIES:
            line, column = party.at.of("id")
            problems.append(
                Problem(
                    "unknown-party",
                    f"party '{party.id}' has no place in the responsibility model",
                    file,
                    line,
                    column,
                    f"the parties have fixed ids: {fixed}; name yours with name and label,"
                    " e.g. id: microsoft, name: Contoso",
                )
            )
    ids = {p.id for p in hb.parties}
    for missing in (k for k in MODEL_PARTIES if k not in ids and k not in unvalidated):
        problems.append(
            Problem(
                "missing-party",
                f"no party '{missing}' ({MODEL_PARTIES[missing]})",
                file,
                None,
                None,
                f"add '- id: {missing}' with its name, label and description",
            )
        )
    return problems


#: In ``unvalidated``: a data file could not be read at all (`handbook.model.loader`).
UNREAD = "\0unread"


def check_references(hb: Handbook, unvalidated: frozenset[str] = frozenset()) -> list[Problem]:
    """Problems with ids and references across data files (see `load_handbook`).

    ``unvalidated``: ids of entries that failed validation (left out of ``hb``); references
    to them are not reported, nor references into an empty list of ids when it holds
    `UNREAD` (a file that could not be read gave none)."""
    problems: list[Problem] = []
    doc_ids = [d.id for d in hb.documents]
    edition_ids = [e.id for e in hb.editions]
    party_ids = [p.id for p in hb.parties if p.kind == "party"]
    cell_ids = [p.id for p in hb.parties]
    channel_ids = [c.id for c in hb.channels]
    action_ids = [a.id for a in hb.actions]
    errata_ids = [e.id for e in hb.errata]
    sop_ids = {c.id for c in hb.sop_categories}
    type_ids = {t.id for t in hb.change_types}

    def absent(given: str, ids: Collection[str]) -> bool:
        if not ids and UNREAD in unvalidated:  # its file was not read: its own problem says
            return False
        return given not in ids and given not in unvalidated

    problems += _duplicates(hb.documents, "document")
    problems += _duplicates(hb.editions, "edition")
    problems += _duplicates(hb.parties, "party")
    problems += _duplicates(hb.channels, "channel")
    problems += _duplicates(hb.actions, "action")
    problems += _duplicates(hb.scopes, "scope")
    problems += _duplicates(hb.matrix, "responsibility")
    problems += _duplicates(hb.change_types, "change type", "edition", "id")
    problems += _duplicates(hb.sop_categories, "SOP category", "edition", "id")
    problems += _duplicates(hb.roles, "role", "party", "id")
    problems += _duplicates(hb.prose, "prose section")
    problems += _duplicates(hb.errata, "erratum")
    problems += _duplicates(hb.rules, "rule")
    problems += _duplicates(hb.samples, "sample file", "file")
    problems += _duplicates(hb.glossary, "glossary entry")
    for statements in _statement_groups(hb):  # statement ids: unique per file and edition
        with_id = [s for s in statements if s.id is not None]
        problems += _duplicates(with_id, "statement id")
    problems += _party_ids(hb, unvalidated)
    problems += _prose_ids(hb, unvalidated)

    dated: list[Any] = [*hb.documents, *hb.process, *hb.change_types, *hb.sop_categories]
    for node in dated:  # everything of an edition
        if node.edition not in edition_ids:
            problems.append(_ref_problem(node, "edition", "edition", node.edition, edition_ids))
    for ed in hb.editions:
        for d in ed.documents:
            if d not in doc_ids:
                problems.append(_ref_problem(ed, "documents", "document", d, doc_ids))
    problems += edition_date_problems(hb)

    everything: list[Any] = [
        hb.service,
        hb.matrix,
        hb.process,
        hb.change_types,
        hb.sop_categories,
        hb.roles,
        hb.prose,
        hb.overview,
        hb.rules,
        hb.errata,
    ]
    for node in iter_nodes(everything):
        if isinstance(node, Source | Quote | Erratum) and node.doc not in doc_ids:
            problems.append(_ref_problem(node, "doc", "document", node.doc, doc_ids))
        if isinstance(node, Statement):
            for e in node.errata:
                if absent(e, errata_ids):
                    problems.append(_ref_problem(node, "errata", "erratum", e, errata_ids))
            for a in node.prohibits:
                if absent(a, action_ids):
                    problems.append(_ref_problem(node, "prohibits", "action", a, action_ids))

    for row in hb.matrix:
        for scope, party in row.cells.items():
            if absent(party, cell_ids):
                problems.append(
                    Problem(
                        "unknown-party",
                        f"unknown party '{party}' in column '{scope}'"
                        if party
                        else f"the cell of column '{scope}' is empty",
                        row.at.file,
                        row.at.line or None,
                        row.at.of(scope)[1] or None,
                        hint=expected_one_of(cell_ids, party)
                        if party
                        else "write its party: one of " + ", ".join(sorted(cell_ids)),
                    )
                )
    for duty in hb.process:
        if absent(duty.party, party_ids):
            problems.append(_party_problem(duty, duty.party, party_ids))
    for ct in hb.change_types:
        for pred in ct.succeeds:
            if absent(pred, type_ids):
                problems.append(_ref_problem(ct, "succeeds", "change type", pred, type_ids))
        if ct.channels != "any":
            for ch in ct.channels:
                if absent(ch, channel_ids):
                    problems.append(_ref_problem(ct, "channels", "channel", ch, channel_ids))
    for action in hb.actions:
        if absent(action.category, sop_ids):
            problems.append(
                _ref_problem(action, "category", "SOP category", action.category, sop_ids)
            )
    for role in hb.roles:
        if absent(role.party, party_ids):
            problems.append(_party_problem(role, role.party, party_ids))
    for rule in hb.rules:
        problems += _check_rule(rule, absent, edition_ids, party_ids, type_ids, sop_ids)
    for sample in hb.samples:
        path = hb.root / "samples" / sample.file
        if not path.is_file():
            line, column = sample.at.of("file")
            why = not_a_file(path) if path.exists() else None
            problems.append(
                Problem(
                    "missing-file" if why is None else "unreadable",
                    f"sample file '{sample.file}' "
                    + ("does not exist" if why is None else f"is {why}"),
                    sample.at.file,
                    line,
                    column,
                    hint=f"add it under {hb.root / 'samples'}"
                    if why is None
                    else "commit the file itself",
                )
            )
    return problems


def _check_rule(
    rule: Rule,
    absent: Callable[[str, Collection[str]], bool],
    edition_ids: list[str],
    party_ids: list[str],
    type_ids: set[str],
    sop_ids: set[str],
) -> list[Problem]:
    problems: list[Problem] = []
    if checker_code(rule.id):
        line, column = rule.at.of("id")
        problems.append(
            Problem(
                "wrong-value",
                f"rule id {rule.id} has the form of the checker's own codes (E001, W001)",
                rule.at.file,
                line,
                column,
                "give the rule your service's prefix, e.g. MMD001",
            )
        )
    for e in rule.editions:
        if absent(e, edition_ids):
            problems.append(_ref_problem(rule, "editions", "edition", e, edition_ids))
    scope = rule.applies_to
    if scope.initiator is not None and absent(scope.initiator, party_ids):
        problems.append(
            Problem(
                "unknown-party",
                f"unknown party '{scope.initiator}'",
                scope.at.file,
                scope.at.of("initiator")[0] or None,
                None,
                expected_one_of(party_ids, scope.initiator),
            )
        )
    by = {party: name for name, party in CLASSIFIED_BY.items()}  # a party's classification
    for name, party in CLASSIFIED_BY.items():  # a customer's change has no change type
        if getattr(scope, name) and scope.initiator in by and scope.initiator != party:
            line, column = scope.at.of(name)
            problems.append(
                Problem(
                    "wrong-value",
                    f"rule {rule.id} never applies: {name} is read on the changes of "
                    f"'{party}' only, and the rule applies to those of '{scope.initiator}'",
                    scope.at.file,
                    line or None,
                    column or None,
                    f"tell the changes of '{scope.initiator}' apart by {by[scope.initiator]}",
                )
            )
    for t in scope.change_type or []:
        if absent(t, type_ids):
            problems.append(_ref_problem(scope, "change_type", "change type", t, type_ids))
    for c in scope.sop_category or []:
        if absent(c, sop_ids):
            problems.append(_ref_problem(scope, "sop_category", "SOP category", c, sop_ids))
    # each unknown time field where it is written: the rule's requires, each constraint's key
    fields: list[tuple[Node, str, str]] = [(rule, "requires", f) for f in rule.requires]
    for con in rule.constraints:
        fields += [(con, "earlier", con.earlier), (con, "later", con.later)]
    for node, key, f in fields:
        if f not in TIME_FIELDS:
            problems.append(_ref_problem(node, key, "time field", f, TIME_FIELDS))
    for con in rule.constraints:
        if con.earlier == con.later:
            line, column = con.at.of("later")
            problems.append(
                Problem(
                    "wrong-value",
                    f"the constraint compares {con.later} with itself",
                    con.at.file,
                    line or None,
                    column or None,
                    hint="name two different time fields in 'earlier' and 'later'",
                )
            )
        elif con.at_most is not None and con.at_most < con.at_least:
            line, column = con.at.of("at_most")
            problems.append(
                Problem(
                    "wrong-value",
                    f"{con.later} after {con.earlier}: at_most ({duration_text(con.at_most)})"
                    f" is less than at_least ({duration_text(con.at_least)}), so every record"
                    f" the rule applies to would break it",
                    con.at.file,
                    line or None,
                    column or None,
                    hint="make at_most no less than at_least; the two may be equal",
                )
            )
    if rule.kind == "timing" and not (rule.requires or rule.constraints):
        problems.append(
            Problem(
                "empty-rule",
                f"timing rule {rule.id} checks nothing",
                rule.at.file,
                rule.at.line or None,
                hint="give it 'requires' or 'constraints'",
            )
        )
    if rule.kind != "timing" and (rule.requires or rule.constraints):
        problems.append(
            Problem(
                "wrong-value",
                f"rule {rule.id} of kind '{rule.kind}' takes no 'requires' or 'constraints'",
                rule.at.file,
                rule.at.line or None,
                hint="use kind 'timing' or remove them",
            )
        )
    return problems

"""What the page templates ask about the data (``gen`` in a template): editions and their
diffs, change types, SOP categories, rules and the pages they concern.

Nothing here renders HTML or knows about MkDocs; `handbook.site.render` binds one
`Queries` per site and passes it to every template as ``gen``.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any, cast

from handbook.model.diff import CategoryChange, EditionDiff, Status, TypeChange, compare_editions
from handbook.model.durations import duration_text
from handbook.model.entities import (
    Applicability,
    ChangeType,
    Document,
    Edition,
    Party,
    ProcessDuty,
    Prose,
    Rule,
    SopCategory,
    Statement,
)
from handbook.model.handbook import Handbook, party_words, rule_initiator
from handbook.site.paths import Paths
from handbook.site.pictures import Pictures
from handbook.site.statements import StatementIndex, StatementRef

#: A rule's flag conditions in words, as (flag, when true, when false): after a lead time
#: (`Queries.lead_time`) and after "changes" (`Queries.applicability_text`).
_FLAG_WORDS = (
    ("emergency", "for an emergency change", "unless an emergency change"),
    (
        "requires_admin_action",
        "when administrator action is required",
        "when no administrator action is required",
    ),
    (
        "approval_required",
        "when the customer's approval is required",
        "when no approval is required",
    ),
)
_RECORD_WORDS = (
    ("emergency", "that are emergency changes", "that are not emergency changes"),
    (
        "requires_admin_action",
        "that require administrator action",
        "that require no administrator action",
    ),
    ("approval_required", "that require the customer's approval", "that require no approval"),
)


def _conditions(scope: Applicability, words: tuple[tuple[str, str, str], ...]) -> list[str]:
    """The flag conditions of a rule's ``applies_to`` in ``words`` (the type and the
    category are said elsewhere)."""
    out = []
    for flag, yes, no in words:
        value = getattr(scope, flag)
        if value is not None:
            out.append(yes if value else no)
    return out


def party_title(party: Party) -> str:
    """``What Microsoft does`` / ``What the customer does``."""
    return f"What {party_words(party)} does"


def listed(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return " and ".join([", ".join(items[:-1]), items[-1]] if len(items) > 2 else items)


def is_lead_time(rule: Rule) -> bool:
    """True for a rule that requires a notice: ``notified_at`` at least some time before
    ``starts_at``."""
    return any(
        c.earlier == "notified_at" and c.later == "starts_at" and c.at_least
        for c in rule.constraints
    )


_CHANGE_TYPE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("description", "Description"),
    ("includes", "Type of change"),
    ("advance_notice", "Advance notice"),
    ("notification", "Notification"),
    ("channels", "Communication channel"),
    ("requires_global_admin_action", "Requires global admin action"),
    ("action_type", "Type of action"),
    ("customer_action", "Customer action"),
    ("testing", "Requires testing"),
    ("examples", "Examples of change"),
    ("lead_time", "Lead time checked"),
)

_TYPE_CHANGE_TEXT = {
    "kept": "{new} kept",
    "renamed": "{old} became {new}",
    "merged": "{old} merged into {new}",
    "split": "{old} split into {new}",
    "added": "{new} added",
    "removed": "{old} removed",
}


class Queries:
    """The template queries of one site (``gen`` in the templates)."""

    def __init__(self, handbook: Handbook, paths: Paths, learn_base_url: str) -> None:
        self.hb = handbook
        self.paths = paths
        self.learn_base_url = learn_base_url
        self.statements = StatementIndex(handbook, paths)
        self.diffs = [
            compare_editions(handbook, old.id, new.id)
            for old, new in itertools.pairwise(handbook.editions_in_order())
        ]
        self.pictures = Pictures(handbook)
        """The pictures drawn from the data (`handbook.site.pictures`)."""

    # editions and their diffs -----------------------------------------------------------

    @staticmethod
    def count_changes(diff: EditionDiff, status: str) -> int:
        """How many SOP statements of a diff have ``status``."""
        return sum(g.count(cast(Status, status)) for c in diff.categories for g in c.groups)

    @staticmethod
    def count_group_changes(change: CategoryChange, status: str) -> int:
        return sum(g.count(cast(Status, status)) for g in change.groups)

    @staticmethod
    def type_change_text(change: TypeChange) -> str:
        old = ", ".join(t.name for t in change.old)
        new = ", ".join(t.name for t in change.new)
        return _TYPE_CHANGE_TEXT[change.status].format(old=old, new=new)

    @staticmethod
    def diff_page(diff: EditionDiff) -> str:
        return Paths.diff(diff.old, diff.new)

    def history_of_sop(self, cat: SopCategory) -> list[tuple[EditionDiff, CategoryChange]]:
        """The edition diffs that concern this category (for its edition history)."""
        return [(d, c) for d in self.diffs for c in d.categories if c.id == cat.id]

    def history_of_type(self, ct: ChangeType) -> list[tuple[EditionDiff, TypeChange]]:
        return [
            (d, t) for d in self.diffs for t in d.types if any(x is ct for x in (*t.old, *t.new))
        ]

    def edition_page_links(self, ed: Edition) -> list[tuple[str, str]]:
        """(src_uri, title) of the pages an edition's seed documents feed."""
        hb, paths = self.hb, self.paths
        out: list[tuple[str, str]] = []
        if hb.process_of(ed.id) or hb.change_types_of(ed.id):
            out.append((paths.change_management(ed.id), "Change management"))
        if ed.id == paths.latest and hb.matrix:
            out.append((Paths.matrix, "Balance of responsibility"))
        if hb.process_of(ed.id):
            out.append((paths.change_process(ed.id), "Change process"))
        if hb.change_types_of(ed.id):
            out.append((paths.change_types(ed.id), "Change types"))
        for ct in hb.change_types_of(ed.id):
            out.append((paths.change_type(ct), f"Change type: {ct.name}"))
        if hb.sop_categories_of(ed.id):
            out.append((paths.sops(ed.id), "Standard operating procedures"))
        for cat in hb.sop_categories_of(ed.id):
            out.append((paths.sop(cat), f"SOP: {cat.name}"))
        if hb.overview.source.doc in ed.documents:
            out.append((Paths.overview, "Service overview"))
        if any(r.source.doc in ed.documents for r in hb.roles):
            out.append((Paths.roles, "Roles and responsibilities"))
        return out

    # statements -------------------------------------------------------------------------

    def statement_ref(self, st: Statement) -> StatementRef | None:
        return self.statements.ref(st)

    def statements_enforced_by(self, rule: Rule) -> list[StatementRef]:
        return self.statements.enforced_by(rule)

    def party_duties(self, party_id: str) -> list[tuple[str, list[tuple[str, list[Any]]]]]:
        return self.statements.party_duties(party_id)

    # seed documents, prose, parties -----------------------------------------------------

    def learn_url(self, doc: Document) -> str:
        """The published Microsoft Learn URL of a seed document."""
        page = doc.learn_path.removesuffix(".md").removesuffix("index")
        return self.learn_base_url + page

    def prose_or_none(self, prose_id: str) -> Prose | None:
        try:
            return self.hb.prose_section(prose_id)
        except KeyError:
            return None

    def party_words(self, party_id: str) -> str:
        """The party ``party_id`` as a sentence names it (`party_words`)."""
        return party_words(self.hb.party(party_id))

    def real_parties(self) -> list[Party]:
        return [p for p in self.hb.parties if p.kind == "party"]

    @staticmethod
    def duties(duties: list[ProcessDuty], phase: str, party: str) -> list[ProcessDuty]:
        return [d for d in duties if d.phase == phase and d.party == party]

    # change types and SOP categories ----------------------------------------------------

    def other_editions_of_sop(self, cat: SopCategory) -> list[SopCategory]:
        return [c for c in self.hb.sop_categories if c.id == cat.id and c.edition != cat.edition]

    def entity_page(self, entity: ChangeType | SopCategory) -> str:
        if isinstance(entity, ChangeType):
            return self.paths.change_type(entity)
        return self.paths.sop(entity)

    def change_type_columns(self, types: list[ChangeType]) -> list[tuple[str, str]]:
        """The (field, label) columns that at least one of ``types`` fills; the lead time's
        label names the rules that check it (``Lead time checked (MMD001)``). A type with a
        description (2018) shows its ``includes`` under it (`description_items`), so they
        fill no "Type of change" column (the 2022 table's row)."""
        cols = []
        for key, label in _CHANGE_TYPE_COLUMNS:
            if key == "lead_time":
                rules = {r.id: r for t in types for r in self.rules_for_change_type(t)}
                ids = [rule_id for rule_id, r in rules.items() if is_lead_time(r)]
                if ids:
                    cols.append((key, f"{label} ({', '.join(ids)})"))
                continue
            if key == "includes":
                filled = any(t.includes and not self.description_items(t) for t in types)
            else:
                filled = any(getattr(t, key) not in (None, [], "") for t in types)
            if filled:
                cols.append((key, label))
        return cols

    @staticmethod
    def description_items(ct: ChangeType) -> bool:
        """Whether ``ct``'s ``includes`` are the sub-items of its description (2018: the
        seed's first cell, "…required to mitigate:" and its list)."""
        return bool(ct.description and ct.includes)

    def lead_time(self, ct: ChangeType) -> str | None:
        """The advance notice the timing rules require of notifications for this type."""
        parts = []
        for rule in self.rules_for_change_type(ct):
            for con in rule.constraints:
                if con.earlier == "notified_at" and con.later == "starts_at" and con.at_least:
                    when = "".join(f", {c}" for c in _conditions(rule.applies_to, _FLAG_WORDS))
                    parts.append(f"{duration_text(con.at_least)} ({rule.id}{when})")
        return "; ".join(parts) or None

    def prohibiting_rule(self, cat: SopCategory) -> Rule | None:
        """The rule (kind ``prohibited-actions``) in force in the category's edition that
        reports the actions its statements prohibit, or None."""
        return next(
            (r for r in self.hb.rules_of(cat.edition) if r.kind == "prohibited-actions"), None
        )

    def prohibiting_rule_any(self) -> Rule | None:
        """The first rule of kind ``prohibited-actions`` in any edition, or None."""
        return next((r for r in self.hb.rules if r.kind == "prohibited-actions"), None)

    def edition_rule(self) -> Rule | None:
        """The rule of kind ``edition-in-force`` (changes before the first edition or after
        the end of life), or None."""
        return next((r for r in self.hb.rules if r.kind == "edition-in-force"), None)

    # rules ------------------------------------------------------------------------------

    def rules_quoting(self, doc: str, section: str) -> list[Rule]:
        """Rules whose sources quote the given seed document section."""
        return [
            r
            for r in self.hb.rules
            if any(q.doc == doc and q.section == section for q in r.sources)
        ]

    def applicability_text(self, rule: Rule) -> str:
        """The records a rule applies to, in words."""
        scope = rule.applies_to
        parts = ["changes"]
        initiator = rule_initiator(scope)
        if initiator:
            parts.append(f"initiated by {party_words(self.hb.party(initiator))}")
        if scope.change_type:
            parts.append("of change type " + listed(scope.change_type))
        if scope.sop_category:
            parts.append("in SOP category " + listed(scope.sop_category))
        conditions = _conditions(scope, _RECORD_WORDS)
        if conditions:
            parts.append(" and ".join(conditions))
        text = " ".join(parts) if len(parts) > 1 else "every change record"
        editions = f"the {listed(rule.editions)} edition{'s' if len(rule.editions) > 1 else ''}"
        return f"{text[0].upper()}{text[1:]}, in {editions}."

    def initiator(self, rule: Rule) -> str:
        """The party id of the changes ``rule`` applies to (`rule_initiator`); ``both``
        for a rule that applies to either party's."""
        return rule_initiator(rule.applies_to) or "both"

    def rules_for_change_type(self, ct: ChangeType) -> list[Rule]:
        """Rules in force in the type's edition that can apply to a change of this type."""
        out = []
        for rule in self.hb.rules_of(ct.edition):
            scope = rule.applies_to
            if rule.kind == "edition-in-force" or scope.sop_category:
                continue
            if scope.initiator not in (None, "microsoft"):
                continue
            if scope.change_type is not None and ct.id not in scope.change_type:
                continue
            out.append(rule)
        return out

    def rules_for_sop(self, cat: SopCategory) -> list[Rule]:
        """Rules in force in the category's edition that can apply to its changes."""
        out = []
        for rule in self.hb.rules_of(cat.edition):
            scope = rule.applies_to
            if rule.kind == "edition-in-force" or scope.change_type:
                continue
            if scope.initiator not in (None, "customer"):
                continue
            if scope.sop_category is not None and cat.id not in scope.sop_category:
                continue
            if scope.initiator is None and scope.approval_required is None:
                continue
            out.append(rule)
        return out

    def pages_for_rule(self, rule: Rule) -> list[tuple[str, str]]:
        """(src_uri, title) of the pages a rule applies to: the change types' and SOP
        categories' it can apply to, and the change process's when it applies to either
        party's changes or enforces one of its duties (`StatementIndex.enforced_by`)."""
        if rule.kind == "edition-in-force":
            return [(Paths.editions, "Editions")]
        out: list[tuple[str, str]] = []
        # the change process: for a rule on either party's changes, or one enforcing its duty
        process = {
            ref.edition for ref in self.statements.enforced_by(rule) if ref.area == "process"
        }
        for edition_id in rule.editions:
            label = f" ({edition_id})"
            for ct in self.hb.change_types_of(edition_id):
                if rule in self.rules_for_change_type(ct):
                    out.append((self.paths.change_type(ct), ct.name + label))
            for cat in self.hb.sop_categories_of(edition_id):
                if rule in self.rules_for_sop(cat):
                    out.append((self.paths.sop(cat), cat.name + label))
            if rule.applies_to.initiator is None or edition_id in process:
                out.append((self.paths.change_process(edition_id), "Change process" + label))
        return out

    def rule_parameters(self, rule: Rule) -> list[tuple[str, Any]]:
        """Human-readable parameters of a rule: (label, value) pairs; values are text or
        lists of (edition, name, items) rows for tables."""
        hb = self.hb
        params: list[tuple[str, Any]] = []
        if rule.requires:
            params.append(("Required fields", ", ".join(rule.requires)))
        for con in rule.constraints:
            text = f"{con.earlier} at least {duration_text(con.at_least)} before {con.later}"
            if con.at_least == timedelta(0):
                text = f"{con.earlier} no later than {con.later}"
            if con.at_most is not None:
                text += f", and at most {duration_text(con.at_most)} before it"
            params.append(("Timing (checked when both are present)", text))
        if rule.kind == "channels":
            rows: list[tuple[str, ChangeType | SopCategory, list[str]]] = []
            for edition_id in rule.editions:
                for ct in hb.change_types_of(edition_id):
                    ids = [c.id for c in hb.channels] if ct.channels == "any" else ct.channels
                    channels = [hb.channel(c).name + f" ({c})" for c in ids]
                    if ct.channels == "any":  # "any" is any channel the handbook knows
                        channels[0] = "any of " + channels[0]
                    rows.append((edition_id, ct, channels))
            params.append(("Documented channels", rows))
        if rule.kind == "prohibited-actions":
            rows = []  # same shape as the channels rows
            for edition_id in rule.editions:
                for cat in hb.sop_categories_of(edition_id):
                    actions = hb.prohibited_actions(edition_id, cat.id)
                    if actions:
                        names = [f"{hb.action(a).name} ({a})" for a in actions]
                        rows.append((edition_id, cat, names))
            params.append(("Prohibited actions", rows))
        if rule.kind == "edition-in-force":
            eol = hb.service.end_of_life
            for ed in hb.editions_in_order():
                until = (
                    ed.in_force_until.isoformat()
                    if ed.in_force_until
                    else ("the end of life" if eol else "today")
                )
                params.append((f"Edition {ed.id}", f"{ed.in_force_from.isoformat()} to {until}"))
            if eol is not None:
                params.append(("End of life", eol.isoformat() + " (later changes get a warning)"))
        return params

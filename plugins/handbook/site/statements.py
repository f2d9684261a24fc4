"""The statement index: every duty statement, the page that renders it, and the rules that
enforce it ("checked by" on statements, "Statements this rule enforces" on rules, and the
"What Microsoft does" / "What the customer does" pages)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from handbook.model.diff import plain_text
from handbook.model.entities import Rule, Statement
from handbook.model.handbook import Handbook
from handbook.site.paths import Paths


@dataclass(frozen=True)
class StatementRef:
    """A duty statement and where the site renders it.

    Attributes:
        statement: the statement.
        page: src_uri of the page that renders it; ``anchor`` its element id there (the
            statement's stable ``id``, or ``s-<digest>`` for a statement without one).
        area: ``sop``, ``process``, ``change-type`` or ``role``.
        edition: edition id (None for roles, which have one edition).
        party: the party whose duty it is.
        context: a label such as ``Service accounts (2022)``.
        rules: the rules that enforce it (they quote it, or it prohibits actions).
        doc: the seed document it comes from, whose place resolves the relative links of
            its text wherever it is shown (``../operate/x.md``, ``#change-types``).
    """

    statement: Statement
    page: str
    anchor: str
    area: str
    edition: str | None
    party: str
    context: str
    rules: tuple[Rule, ...]
    doc: str


def _plain(text: str) -> str:
    """Lower-case words of a text without its Markdown (`plain_text`) or a final full stop."""
    text = plain_text(text).replace("’", "'")
    return " ".join(text.lower().split()).rstrip(".")


class StatementIndex:
    """Every duty statement of ``handbook`` with its canonical place (`StatementRef`)."""

    def __init__(self, handbook: Handbook, paths: Paths) -> None:
        self.hb = handbook
        self.paths = paths
        # each rule's quotes as `_plain` words, read once (not once per statement)
        self._quotes = {
            id(r): [q for s in r.sources if (q := _plain(s.quote))] for r in handbook.rules
        }
        self.refs = self._index()
        self._by_statement = {id(ref.statement): ref for ref in self.refs}

    def _index(self) -> list[StatementRef]:
        hb, paths = self.hb, self.paths
        refs: list[StatementRef] = []
        for cat in hb.sop_categories:
            for party in ("microsoft", "customer"):
                for st in getattr(cat, party):
                    context = f"{cat.name} ({cat.edition})"
                    page = paths.sop(cat)
                    refs.append(
                        self._ref(st, page, "sop", cat.edition, party, context, cat.source.doc)
                    )
        for d in hb.process:
            context = f"{d.phase.capitalize()} a change ({d.edition})"
            page = paths.change_process(d.edition)
            refs.append(
                self._ref(d.statement, page, "process", d.edition, d.party, context, d.source.doc)
            )
        for ct in hb.change_types:
            for st in ct.customer_action:
                context = f"{ct.name} ({ct.edition})"
                page = paths.change_type(ct)
                refs.append(
                    self._ref(
                        st, page, "change-type", ct.edition, "customer", context, ct.source.doc
                    )
                )
        for role in hb.roles:
            edition = hb.document(role.source.doc).edition
            for st in role.description:
                page = Paths.roles_of(role.party)
                context = f"{role.name} ({edition})"
                refs.append(
                    self._ref(st, page, "role", edition, role.party, context, role.source.doc)
                )
        return refs

    def _ref(
        self,
        st: Statement,
        page: str,
        area: str,
        edition: str | None,
        party: str,
        context: str,
        doc: str,
    ) -> StatementRef:
        # the stable id when the data gives one; else a digest of line and text
        digest = hashlib.sha1(f"{st.at.line}:{st.text}".encode()).hexdigest()[:8]
        anchor = st.id or f"s-{digest}"
        rules = tuple(self._enforcing(st, edition)) if edition else ()
        return StatementRef(st, page, anchor, area, edition, party, context, rules, doc)

    def _enforcing(self, st: Statement, edition: str) -> list[Rule]:
        """Rules in force in ``edition`` that quote this statement or enforce what it
        prohibits."""
        text = _plain(st.text)
        out = []
        for rule in self.hb.rules_of(edition):
            quoted = rule.kind != "channels" and any(q in text for q in self._quotes[id(rule)])
            if quoted or (st.prohibits and rule.kind == "prohibited-actions"):
                out.append(rule)
        return out

    def ref(self, st: Statement) -> StatementRef | None:
        """The statement's place, or None for a statement the index does not hold."""
        return self._by_statement.get(id(st))

    def enforced_by(self, rule: Rule) -> list[StatementRef]:
        """The statements ``rule`` enforces, in index order."""
        return [ref for ref in self.refs if rule in ref.rules]

    def party_duties(self, party_id: str) -> list[tuple[str, list[tuple[str, list[Any]]]]]:
        """A party's duties grouped by area, then by group: ``[(area, [(group, items)])]``.

        Items are `StatementRef` (a statement with its page) or ``(text, src_uri, anchor)``
        tuples for matrix cells and change-type notes.
        """
        hb = self.hb
        areas: list[tuple[str, list[tuple[str, list[Any]]]]] = []
        # sort key of an edition's groups: the newest edition's first, no edition last
        newest: dict[str | None, int] = {
            e.id: -i for i, e in enumerate(hb.editions_in_order(), start=1)
        }
        rows: list[Any] = []
        for row in hb.matrix:
            scopes = [
                s.name + (" (shared)" if row.cells[s.id] == "both" else "")
                for s in hb.scopes
                if row.cells[s.id] in (party_id, "both")
            ]
            if scopes:
                rows.append((f"{row.responsibility}: {', '.join(scopes)}", Paths.matrix, row.id))
        if rows:
            order = [e.id for e in hb.editions_of(hb.matrix)]
            label = " and ".join(order) + (" edition" if len(order) == 1 else " editions")
            areas.append(("Balance of responsibility", [(label, rows)]))
        for area, title in (
            ("process", "Change process"),
            ("change-type", "Change types"),
            ("sop", "Standard operating procedures"),
            ("role", "Roles and responsibilities"),
        ):
            groups: dict[str, list[Any]] = {}
            edition_of: dict[str, str | None] = {}  # a group's label -> its edition
            for ref in self.refs:
                if ref.area == area and ref.party == party_id:
                    groups.setdefault(ref.context, []).append(ref)
                    edition_of[ref.context] = ref.edition
            if area == "change-type" and party_id == "microsoft":
                for ct in hb.change_types:
                    channels = (
                        "any channel"
                        if ct.channels == "any"
                        else ", ".join(hb.channel(c).name for c in ct.channels)
                    )
                    customers = f"{hb.party('customer').name.lower()}s"
                    note = f"Notify {customers} of these changes through: {channels}"
                    label = f"{ct.name} ({ct.edition})"
                    groups.setdefault(label, []).append((note, self.paths.change_type(ct), None))
                    edition_of[label] = ct.edition
            if groups:  # the newest edition's groups first, then in the order found
                ordered = sorted(groups.items(), key=lambda kv: newest.get(edition_of[kv[0]], 0))
                areas.append((title, ordered))
        return areas

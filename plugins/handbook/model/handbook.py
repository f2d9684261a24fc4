"""The loaded handbook: every data object, with lookups by id and edition."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from handbook.model.entities import (
    Action,
    Applicability,
    ChangeType,
    Channel,
    Document,
    Edition,
    Erratum,
    GlossaryEntry,
    MatrixRow,
    Overview,
    Party,
    ProcessDuty,
    Prose,
    Role,
    Rule,
    SampleFile,
    Scope,
    Service,
    SopCategory,
    Statement,
)

T = TypeVar("T")


def party_words(party: Party) -> str:
    """A party as a sentence names it: the provider's name as written (``Microsoft``), any
    other party as ``the`` + its name in lower case (``the customer``)."""
    if party.name[:1].isupper() and party.id == "microsoft":
        return party.name
    return "the " + party.name.lower()


#: The party whose changes each classification field classifies: a change type is the
#: type of a change the provider (party ``microsoft``) makes, an SOP category that of a
#: customer's change (seed 002, "Change types"; seed 001, "Standard operating
#: procedures"). The checker's E002 asks for each, E004 looks each up and a rule's
#: ``applies_to`` matches each on those records only (`rule_initiator`).
CLASSIFIED_BY: dict[str, str] = {"change_type": "microsoft", "sop_category": "customer"}


def rule_initiator(scope: Applicability) -> str | None:
    """The party whose change records a rule's ``applies_to`` can match: its ``initiator``,
    else the party a ``change_type`` or ``sop_category`` list classifies the changes of
    (`CLASSIFIED_BY`: the checker reads each on that party's records only); None when the
    rule can apply to a change of either."""
    if scope.initiator:
        return scope.initiator
    return next((party for name, party in CLASSIFIED_BY.items() if getattr(scope, name)), None)


def _only(matches: Iterator[T], key: object) -> T:
    """The first of ``matches``; `KeyError` with ``key`` when there is none."""
    for item in matches:
        return item
    raise KeyError(key)


@dataclass(frozen=True)
class Handbook:
    """Every validated object of ``data/`` (see `handbook.model.loader.load_handbook`).

    Lists keep file order. Lookups raise `KeyError` for unknown ids; the loader has
    already checked every reference the data makes.
    """

    root: Path
    service: Service
    documents: list[Document]
    editions: list[Edition]
    parties: list[Party]
    channels: list[Channel]
    actions: list[Action]
    scopes: list[Scope]
    matrix: list[MatrixRow]
    process: list[ProcessDuty]
    change_types: list[ChangeType]
    sop_categories: list[SopCategory]
    roles: list[Role]
    prose: list[Prose]
    overview: Overview
    errata: list[Erratum]
    rules: list[Rule]
    samples: list[SampleFile]
    glossary: list[GlossaryEntry]

    # --- lookups -------------------------------------------------------------------------

    def document(self, doc_id: str) -> Document:
        return _only((d for d in self.documents if d.id == doc_id), doc_id)

    def edition(self, edition_id: str) -> Edition:
        return _only((e for e in self.editions if e.id == edition_id), edition_id)

    def party(self, party_id: str) -> Party:
        return _only((p for p in self.parties if p.id == party_id), party_id)

    def channel(self, channel_id: str) -> Channel:
        return _only((c for c in self.channels if c.id == channel_id), channel_id)

    def action(self, action_id: str) -> Action:
        return _only((a for a in self.actions if a.id == action_id), action_id)

    def rule(self, rule_id: str) -> Rule:
        return _only((r for r in self.rules if r.id == rule_id), rule_id)

    def prose_section(self, prose_id: str) -> Prose:
        return _only((p for p in self.prose if p.id == prose_id), prose_id)

    def editions_in_order(self) -> list[Edition]:
        """Editions oldest first."""
        return sorted(self.editions, key=lambda e: e.in_force_from)

    def editions_of(self, items: Sequence[Any]) -> list[Edition]:
        """The editions, oldest first, of the documents ``items`` (nodes with a
        ``source``: roles, matrix rows) come from."""
        ids = {self.document(i.source.doc).edition for i in items}
        return [e for e in self.editions_in_order() if e.id in ids]

    def latest_edition(self) -> Edition:
        return self.editions_in_order()[-1]

    def change_types_of(self, edition_id: str) -> list[ChangeType]:
        return [t for t in self.change_types if t.edition == edition_id]

    def sop_categories_of(self, edition_id: str) -> list[SopCategory]:
        return [c for c in self.sop_categories if c.edition == edition_id]

    def sop_category(self, edition_id: str, category_id: str) -> SopCategory:
        key = (edition_id, category_id)
        return _only((c for c in self.sop_categories if (c.edition, c.id) == key), key)

    def process_of(self, edition_id: str) -> list[ProcessDuty]:
        return [d for d in self.process if d.edition == edition_id]

    def roles_of(self, party_id: str) -> list[Role]:
        return [r for r in self.roles if r.party == party_id]

    def rules_of(self, edition_id: str) -> list[Rule]:
        return [r for r in self.rules if edition_id in r.editions]

    def prohibited_actions(self, edition_id: str, category_id: str) -> dict[str, Statement]:
        """Action id → the statement prohibiting it, for one SOP category of one edition.

        Source: the "Not ..." and "Only ..." customer statements of seeds 000 and 001
        ("Standard operating procedures"), as tagged with ``prohibits`` in the data.
        """
        try:
            category = self.sop_category(edition_id, category_id)
        except KeyError:
            return {}
        return {a: s for s in category.customer for a in s.prohibits}

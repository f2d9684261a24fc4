"""One edition of the handbook as activities and duties, the common ground of the OSCAL
catalog (`handbook.oscal.catalog`) and system security plan (`handbook.oscal.ssp`).

An *activity* becomes one OSCAL control; its *duties* become the control's statement
parts (catalog) and the ``provided`` (Microsoft) and ``responsibilities`` (customer)
entries of its ``export`` (SSP). Activities are the units in which the seeds set the two
parties' duties side by side, grouped by *area* (an OSCAL group):

=============================== ========================== =================================
area (group id)                 activity (control id)      duties (part ids)
=============================== ========================== =================================
``balance-of-responsibility``   a matrix row:              one per scope and party
(responsibility-matrix.csv,     ``matrix-<row id>``        (``both`` gives one of each):
seed 002)                                                  ``<control>_smt.<scope id>``
``change-process``              a phase: ``process-before`` a duty: ``<control>_smt.<id>``
(change-process.csv)
``standard-operating-           an SOP category:           a statement: ``<control>_smt.<id>``
procedures`` (sop-categories)   ``sop-<category id>``      (sub-items as nested parts)
``roles`` (roles.yaml, seed 003) a role: ``role-<party>-<id>`` a paragraph: ``<control>_smt.<id>``
=============================== ========================== =================================

An item belongs to the edition named in its ``edition`` column/key (change process, SOP
categories) or, without one, to the edition whose ``documents`` hold its source document
(matrix: seed 002, 2022; roles: seed 003, 2018).

Pairing (`pairs`): a customer duty answers Microsoft's duty of the same activity and scope
when the activity has exactly one Microsoft duty for that scope (a matrix cell ``both``; an
SOP category with one "Microsoft will" statement). The seeds never say which of several
Microsoft duties a customer duty answers, so nothing is linked then.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from handbook.model.entities import Document, Edition, Source, Statement
from handbook.model.handbook import Handbook
from handbook.oscal.ids import stable_uuid, token
from handbook.oscal.markup import statement_markdown, to_markdown

PHASE_TITLES = {"before": "Before a change", "during": "During a change", "after": "After a change"}


@dataclass(frozen=True)
class Duty:
    """What one party does in an activity.

    Attributes:
        key: unique within its activity: the statement id, or the matrix scope id.
        part_id: the OSCAL part id in the catalog (``<control>_smt.<key>``).
        party: ``microsoft`` or ``customer``.
        text: safe Markdown (`handbook.oscal.markup`), sub-items as a nested ``-`` list.
        roles: OSCAL role ids responsible (ids in `OscalModel.roles`).
        scope: the matrix scope id (pairing key), None outside the matrix.
        title: the catalog part's title (matrix: the scope's name).
        prose: the catalog part's prose when it is not ``text`` (matrix: who does it).
        items: the statement's sub-items as nested duties (catalog parts only).
    """

    key: str
    part_id: str
    party: str
    text: str
    roles: tuple[str, ...]
    scope: str | None = None
    title: str | None = None
    prose: str | None = None
    items: tuple[Duty, ...] = ()


@dataclass(frozen=True)
class Activity:
    """An OSCAL control: ``id`` (token), one-line ``title``, ``source``, ``duties``."""

    id: str
    title: str
    source: Source
    duties: list[Duty]


@dataclass(frozen=True)
class Area:
    """An OSCAL group: ``id``, ``title`` and its activities (never empty)."""

    id: str
    title: str
    activities: list[Activity]


@dataclass(frozen=True)
class RoleDef:
    """An OSCAL role of ``metadata.roles``: ``id`` (token), ``title``, ``description``."""

    id: str
    title: str
    description: str


@dataclass(frozen=True)
class OscalModel:
    """One edition, ready for OSCAL.

    ``last_modified`` is the newest ``ms_date`` of the edition's seed documents (a date,
    read as 00:00 UTC); ``description`` the edition's, as safe Markdown; ``parties`` maps
    party id → name for ``microsoft`` and ``customer``; ``learn_base_url`` the base URL
    that seed links and the documents' pages (``learn_path``) resolve against.
    """

    handbook: Handbook
    edition: Edition
    documents: list[Document]
    areas: list[Area]
    roles: list[RoleDef]
    last_modified: date
    description: str
    learn_base_url: str
    parties: dict[str, str] = field(default_factory=dict)

    def uuid(self, *parts: str) -> str:
        """The stable UUID of ``parts`` in this service's documents (`stable_uuid`)."""
        return stable_uuid(self.handbook.service.name, *parts)

    def md(self, text: str) -> str:
        """``text`` (a name or sentence of the data, possibly composed) as safe Markdown."""
        return to_markdown(text, self.learn_base_url, None)


class _Reader:
    """Statements → duties, with seed links resolved against their document's page."""

    def __init__(self, handbook: Handbook, learn_base_url: str) -> None:
        self.hb = handbook
        self.base = learn_base_url

    def path_of(self, source: Source) -> str | None:
        try:
            return self.hb.document(source.doc).learn_path
        except KeyError:
            return None

    def duty(
        self, control: str, s: Statement, n: int, party: str, roles: tuple[str, ...], src: Source
    ) -> Duty:
        key = s.id or f"{party}-{n}"  # only for data without ids (handbook fmt --add-ids)
        part_id = f"{control}_smt.{key}"
        path = self.path_of(src)
        items = tuple(
            Duty(
                key=i.id or f"n{k}",
                part_id=f"{part_id}.{i.id or f'n{k}'}",
                party=party,
                text=statement_markdown(i, self.base, path),
                roles=roles,
            )
            for k, i in enumerate(s.items, 1)
        )
        text = statement_markdown(s, self.base, path)
        return Duty(key, part_id, party, text, roles, items=items)


def read_edition(handbook: Handbook, edition_id: str | None, learn_base_url: str) -> OscalModel:
    """The activities of ``edition_id`` (default: the newest edition).

    Raises:
        KeyError: no edition has that id.
    """
    hb = handbook
    ed = hb.edition(edition_id) if edition_id else hb.latest_edition()
    reader = _Reader(hb, learn_base_url)
    docs = [d for d in hb.documents if d.id in ed.documents]
    parties = {p.id: p.name for p in hb.parties if p.kind == "party"}
    roles = [
        RoleDef(
            p.id,
            to_markdown(p.name, learn_base_url, None),
            to_markdown(p.description, learn_base_url, None),
        )
        for p in hb.parties
        if p.kind == "party"
    ]
    areas: list[Area] = []

    matrix: list[Activity] = []
    for row in (r for r in hb.matrix if r.source.doc in ed.documents):
        control = token("matrix", row.id)
        duties = []
        for scope in hb.scopes:
            cell = row.cells.get(scope.id, "")
            who = hb.party(cell) if cell in {p.id for p in hb.parties} else None
            prose = "" if who is None else who.name if who.kind == "party" else who.description
            for party in ("microsoft", "customer"):
                if cell not in (party, "both"):
                    continue
                text = f"{row.responsibility} ({scope.name})"
                if cell == "both":
                    other = next(name for pid, name in parties.items() if pid != party)
                    text += f", shared with {other}"
                duties.append(
                    Duty(
                        key=f"{scope.id}.{party}",
                        part_id=f"{control}_smt.{scope.id}",
                        party=party,
                        text=to_markdown(text, learn_base_url, None),
                        roles=(party,),
                        scope=scope.id,
                        title=to_markdown(scope.name, learn_base_url, None),
                        prose=to_markdown(prose, learn_base_url, None),
                    )
                )
        title = to_markdown(row.responsibility, learn_base_url, None)
        matrix.append(Activity(control, title, row.source, duties))
    if matrix:
        areas.append(Area("balance-of-responsibility", "Balance of responsibility", matrix))

    process: list[Activity] = []
    for phase, phase_title in PHASE_TITLES.items():
        rows = [d for d in hb.process_of(ed.id) if d.phase == phase]
        if not rows:
            continue
        control = token("process", phase)
        duties = [
            reader.duty(control, d.statement, n, d.party, (d.party,), d.source)
            for n, d in enumerate(rows, 1)
        ]
        process.append(Activity(control, phase_title, rows[0].source, duties))
    if process:
        areas.append(Area("change-process", "Change process", process))

    sops: list[Activity] = []
    for category in hb.sop_categories_of(ed.id):
        control = token("sop", category.id)
        duties = [
            reader.duty(control, s, n, party, (party,), category.source)
            for party, statements in (
                ("microsoft", category.microsoft),
                ("customer", category.customer),
            )
            for n, s in enumerate(statements, 1)
        ]
        if duties:
            name = to_markdown(category.name, learn_base_url, None)
            sops.append(Activity(control, name, category.source, duties))
    if sops:
        areas.append(Area("standard-operating-procedures", "Standard operating procedures", sops))

    role_activities: list[Activity] = []
    for role in (r for r in hb.roles if r.source.doc in ed.documents):
        role_id = token(role.party, role.id)
        first = to_markdown(role.description[0].text, learn_base_url, reader.path_of(role.source))
        title = to_markdown(
            f"{parties.get(role.party, role.party)}: {role.name}", learn_base_url, None
        )
        roles.append(RoleDef(role_id, title, first))
        control = token("role", f"{role.party}-{role.id}")
        duties = [
            reader.duty(control, s, n, role.party, (role_id,), role.source)
            for n, s in enumerate(role.description, 1)
        ]
        role_activities.append(Activity(control, title, role.source, duties))
    if role_activities:
        areas.append(Area("roles", "Roles and responsibilities", role_activities))

    last = max((d.ms_date for d in docs), default=ed.in_force_from)
    description = to_markdown(ed.description, learn_base_url, None)
    return OscalModel(hb, ed, docs, areas, roles, last, description, learn_base_url, parties)


def pairs(activity: Activity) -> dict[str, str]:
    """Customer duty key → the key of the Microsoft duty it answers (see module docstring)."""
    out: dict[str, str] = {}
    scopes = {d.scope for d in activity.duties}
    for scope in scopes:
        ours = [d for d in activity.duties if d.scope == scope]
        microsoft = [d for d in ours if d.party == "microsoft"]
        if len(microsoft) != 1:
            continue
        for duty in ours:
            if duty.party == "customer":
                out[duty.key] = microsoft[0].key
    return out

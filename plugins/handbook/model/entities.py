"""The typed model of the handbook's data (everything under ``data/``).

Every object derives from `Node` and knows where it was written (`Node.at`: file, line,
column). Content objects also record their provenance (`Source`: the seed document id,
e.g. ``"002"``, and the section title in that document).

Text fields hold *inline Markdown limited to links and emphasis* (see `handbook.site.text`);
they are escaped when rendered, so no raw HTML from data reaches a page.

Identifiers are kebab-case (``security-update``); rule ids a prefix + 3 digits (``MMD001``).
Durations are ISO 8601 (``P5D`` = 5 days, ``PT48H`` = 48 hours). Dates are ISO dates and
are read as 00:00 UTC.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator, model_validator
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError
from pydantic_core.core_schema import ValidationInfo

from handbook.model import fixed_ids as ids
from handbook.model.durations import IsoDate, IsoDuration
from handbook.model.fixed_ids import TIME_FIELDS as TIME_FIELDS  # its users import it here

Phase = Literal["before", "during", "after"]


class Loc(BaseModel):
    """Where an object was written: data file path, 1-based line and column."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    file: str = "<memory>"
    line: int = 0
    column: int = 0
    keys: dict[str, tuple[int, int]] = Field(default_factory=dict, repr=False)

    def of(self, key: str) -> tuple[int, int]:
        """(line, column) of ``key`` in this object's mapping, else the object's own."""
        return self.keys.get(key, (self.line, self.column))


class Node(BaseModel):
    """Base of every data object: frozen, unknown keys rejected, origin in ``at``."""

    model_config = ConfigDict(frozen=True, extra="forbid", coerce_numbers_to_str=True)

    at: SkipJsonSchema[Loc] = Field(default_factory=Loc, exclude=True, repr=False)


class Source(Node):
    """Provenance: a seed document and the section of it an item comes from.

    ``doc`` is the document id (the seed file's number, ``"000"`` to ``"004"``) and must
    name a document in ``editions.yaml``; ``section`` is the section heading as written
    in that document (``"Change types"``).
    """

    doc: str = Field(pattern=ids.DOC_ID_PATTERN)
    section: str


class Statement(Node):
    """One list item or paragraph of seed text.

    A plain string in YAML is shorthand for ``{text: ...}``.

    Keys:
        id: stable id (``[a-z0-9-]``, unique within its file and edition), the statement's
            permalink anchor; kept when the text is reworded. ``handbook fmt --add-ids``
            assigns one to statements without id.
        text: the statement (inline Markdown: links and emphasis).
        items: sub-items, kept as a list (nested lists in the seed).
        note: an editorial note left by a reviewer in the seed, shown as a note and never
            as a duty (e.g. ``CVE?????``).
        prohibits: ids of actions (``actions.yaml``) this "Not ..."/"Only ..." statement
            prohibits; rule MMD009 enforces them.
        errata: ids of errata (``errata.yaml``) applied to this text.
    """

    id: str | None = Field(default=None, pattern=ids.ID_PATTERN)
    text: str = Field(min_length=1)
    items: list[Statement] = Field(default_factory=list)
    note: str | None = None
    prohibits: list[ids.IdRef] = Field(default_factory=list)
    errata: list[ids.IdRef] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        """A plain string as ``{"text": ..., "at": ...}``, keeping its position."""
        if isinstance(value, str):
            at = {k: getattr(value, k) for k in ("file", "line", "column") if hasattr(value, k)}
            return {"text": str(value), "at": at}
        return value


class Document(Node):
    """A seed document: one Microsoft Learn page as copied in ``shared/seeds/``.

    Keys: ``id`` (``"000"``), ``file`` (seed file name), ``title``, ``ms_date`` (the page's
    ``ms.date``), ``author``, ``edition`` (edition id), ``learn_path`` (path of the page
    under the Learn base URL, used to resolve the page's relative links).
    """

    id: str = Field(pattern=ids.DOC_ID_PATTERN)
    file: str
    title: str
    ms_date: IsoDate
    author: str
    edition: ids.EditionRef
    learn_path: str


class Edition(Node):
    """An edition of the service's documentation and the period its rules were in force:
    ``in_force_from``, ``in_force_until``, inclusive UTC dates (``until`` None for the
    newest edition); ``documents``: its seed documents' ids."""

    id: str = Field(pattern=ids.EDITION_ID_PATTERN)
    title: str
    description: str
    in_force_from: IsoDate
    in_force_until: IsoDate | None = None
    documents: list[ids.DocRef] = Field(min_length=1)

    @field_validator("in_force_until")
    @classmethod
    def _ordered(cls, value: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("in_force_from")
        if value is not None and start is not None and value < start:
            message = "{until} is before in_force_from ({start})"
            raise PydanticCustomError("value_order", message, {"until": value, "start": start})
        return value


class Service(Node):
    """The service: name, abbreviation, end of life (UTC date; None while it runs), source."""

    name: str
    abbreviation: str
    end_of_life: IsoDate | None = None
    end_of_life_notice: str | None = None
    source: Source


class EditionsFile(Node):
    """``data/editions.yaml``: the service, the seed documents and the editions."""

    service: Service
    learn_base_url_note: str | None = None
    documents: list[Document]
    editions: list[Edition] = Field(min_length=1)


class Party(Node):
    """A party to the shared responsibility (``microsoft``, ``customer``), or ``both``.

    ``kind`` is ``party`` for a real party and ``shared`` for the matrix value ``both``.
    ``label`` is the short text shown in tables (``Microsoft``).
    """

    id: ids.ModelPartyId = Field(pattern=ids.ID_PATTERN)
    name: str
    label: str
    kind: Literal["party", "shared"] = "party"
    description: str


class Channel(Node):
    """A channel through which Microsoft notifies customers; ``also``: other names the
    seeds give it (``Email alert``), which change records may use."""

    id: str = Field(pattern=ids.ID_PATTERN)
    name: str
    description: str
    also: list[str] = Field(default_factory=list)


class Action(Node):
    """A customer action that an SOP statement may prohibit (MMD009 vocabulary).

    ``category`` is the SOP category id the action belongs to.
    """

    id: str = Field(pattern=ids.ID_PATTERN)
    category: ids.IdRef
    name: str


class Scope(Node):
    """A column of the balance-of-responsibility matrix (``data/responsibility-scopes.yaml``)."""

    id: str = Field(pattern=ids.ID_PATTERN)
    name: str


class MatrixRow(Node):
    """A row of ``data/responsibility-matrix.csv``.

    CSV columns: ``id``, ``responsibility``, one column per scope id (cell: a party id or
    ``both``), ``doc``, ``section``.
    """

    id: str = Field(pattern=ids.ID_PATTERN)
    responsibility: str
    cells: dict[str, str]
    source: Source


class ProcessDuty(Node):
    """A row of ``data/change-process.csv``: one duty statement of a party in a phase.

    CSV columns: ``edition``, ``phase`` (before/during/after), ``party``, ``statement``,
    ``note`` (editorial note, may be empty), ``errata`` (erratum ids separated by ``;``),
    ``doc``, ``section``; optional ``id`` (the statement's stable id, any position).
    """

    edition: ids.EditionRef
    phase: Phase
    party: str
    statement: Statement
    source: Source


class ChangeType(Node):
    """A change type of one edition (``data/change-types.yaml``).

    2022 keys (seed 002, "Change types" table): ``includes`` (Type of change),
    ``advance_notice``, ``channels``, ``requires_global_admin_action``, ``action_type``,
    ``testing``, ``examples``. 2018 keys (seed 000, "Change types" table): ``description``,
    ``includes`` (sub-items), ``notification`` (the cell text), ``channels``,
    ``customer_action``.

    ``channels`` is a list of channel ids, or ``any`` when the seed says the channel is
    decided case by case ("Will advise when required").

    ``succeeds`` names the change types of an earlier edition this type replaces (the
    handbook's reading, used by the edition diff); a type with the same id as an earlier
    one succeeds it implicitly.
    """

    id: str = Field(pattern=ids.ID_PATTERN)
    edition: ids.EditionRef
    name: str
    description: str | None = None
    includes: list[Statement] = Field(default_factory=list)
    advance_notice: str | None = None
    notification: Statement | None = None
    channels: list[ids.IdRef] | Literal["any"]
    requires_global_admin_action: str | None = None
    action_type: str | None = None
    testing: str | None = None
    examples: list[Statement] = Field(default_factory=list)
    customer_action: list[Statement] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    succeeds: list[ids.IdRef] = Field(default_factory=list)
    source: Source


class SopCategory(Node):
    """A standard-operating-procedure category of one edition (``data/sop-categories.yaml``).

    ``microsoft`` and ``customer`` hold the "Microsoft will" and "Customer will"
    statements, one per seed list item; ``notes`` are editorial notes on the row.
    """

    id: str = Field(pattern=ids.ID_PATTERN)
    edition: ids.EditionRef
    name: str
    microsoft: list[Statement] = Field(default_factory=list)
    customer: list[Statement] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    source: Source


class Role(Node):
    """A role or responsibility of a party (``data/roles.yaml``, seed 003).

    ``description`` is a list of paragraphs, each a `Statement` whose ``items`` keep the
    seed's nested lists.
    """

    id: str = Field(pattern=ids.ID_PATTERN)
    party: ids.PartyId
    name: str
    description: list[Statement] = Field(min_length=1)
    source: Source


class Prose(Node):
    """Introductory paragraphs of a seed section (``data/prose.yaml``).

    ``id`` is referenced by page generation (e.g. ``change-management``).
    """

    id: str = Field(pattern=ids.ID_PATTERN)
    title: str
    paragraphs: list[Statement] = Field(min_length=1)
    source: Source


class ServicePlanEntry(Node):
    """A row of the 2023 overview's "Service plan description" table (seed 004)."""

    service: str
    description: list[Statement] = Field(min_length=1)


class InformationEntry(Node):
    """A row of the 2023 overview's "Information" table (seed 004)."""

    name: str
    description: list[Statement] = Field(min_length=1)


class Overview(Node):
    """``data/overview.yaml``: the 2023 service overview (seed 004), section by section."""

    title: str
    introduction: Statement
    functionalities: list[Statement]
    key_features: list[Statement]
    capabilities_intro: str
    capabilities: list[Statement]
    benefits: list[Statement]
    service_plan_intro: str
    service_plan: list[ServicePlanEntry]
    service_plan_outro: str
    resources_intro: str
    resources: list[Statement]
    information: list[InformationEntry]
    source: Source


class Erratum(Node):
    """A correction made to seed text, or a seed oddity kept and explained.

    ``kind`` is one of: ``mojibake``, ``typo``, ``markup``, ``merged-row``, ``empty-cell``,
    ``missing-cell``, ``reviewer-note``, ``link``. ``original`` is the seed text as written,
    ``corrected`` what the handbook shows (None when nothing was changed).
    """

    id: str = Field(pattern=ids.ID_PATTERN)
    doc: ids.DocRef
    section: str
    kind: Literal[
        "mojibake",
        "typo",
        "markup",
        "merged-row",
        "empty-cell",
        "missing-cell",
        "reviewer-note",
        "link",
    ]
    original: str
    corrected: str | None = None
    explanation: str


class GlossaryEntry(Node):
    """A glossary term (``data/glossary.yaml``): shown on the glossary page and as a tooltip
    (``<abbr title=...>``) on every occurrence of a ``match`` spelling across the site.

    ``match`` spellings are case-sensitive whole words; they may not contain ``[``, ``]``
    or ``<``, ``>``.
    """

    id: str = Field(pattern=ids.ID_PATTERN)
    term: str
    definition: str
    match: list[ids.Spelling] = Field(default_factory=list)

    @field_validator("match")
    @classmethod
    def _plain(cls, value: list[str]) -> list[str]:
        for spelling in value:
            if not re.fullmatch(ids.SPELLING_PATTERN, spelling):
                raise ValueError(f"'{spelling}' may not contain [, ], <, > or line breaks")
        return value

    def spellings(self) -> list[str]:
        return self.match or [self.term]


# --- rules -------------------------------------------------------------------------------


class Applicability(Node):
    """Which change records a rule applies to: every given key must match.

    Keys: ``initiator`` (party id), ``emergency``, ``requires_admin_action``,
    ``approval_required`` (``true`` or ``false``, not ``yes``), ``change_type`` and
    ``sop_category`` (lists of ids; the record's value must be one of them).
    """

    initiator: ids.PartyId | None = None
    emergency: StrictBool | None = None
    requires_admin_action: StrictBool | None = None
    approval_required: StrictBool | None = None
    change_type: list[ids.IdRef] | None = None
    sop_category: list[ids.IdRef] | None = None


class Constraint(Node):
    """An ordering between two time fields of a record, checked when both are present.

    Holds when ``later - earlier >= at_least`` and, when given, ``later - earlier <= at_most``.
    ``at_least`` defaults to zero, i.e. ``earlier`` is no later than ``later`` (inclusive).
    """

    earlier: ids.TimeField
    later: ids.TimeField
    at_least: IsoDuration = timedelta(0)
    at_most: IsoDuration | None = None


class Quote(Node):
    """A sentence quoted from a seed document that a rule rests on."""

    doc: ids.DocRef
    section: str
    quote: str


RuleKind = Literal["timing", "channels", "prohibited-actions", "edition-in-force"]


class Rule(Node):
    """A rule of the checker (``data/rules.yaml``): one instance of a rule kind.

    Keys:
        id: the service's prefix in capitals + 3 digits (``MMD001``); not ``E``/``W``.
        title: short name.
        kind: ``timing`` (``requires`` fields must be present; ``constraints`` must hold),
            ``channels`` (a notified change names documented channels of its type, from
            ``change-types.yaml``), ``prohibited-actions`` (``actions`` contains no action
            prohibited by the SOP category's statements, from ``sop-categories.yaml``),
            ``edition-in-force`` (``starts_at`` falls within an edition and before the end
            of life).
        severity: ``error`` or ``warning``.
        editions: the edition ids in which the rule is in force.
        statement: the rule in one or two sentences.
        applies_to: which records it applies to (`Applicability`).
        requires: time fields that must be present (timing).
        constraints: orderings that must hold (timing).
        sources: quoted seed sentences.
    """

    id: str = Field(pattern=ids.RULE_ID_PATTERN)
    title: str
    kind: RuleKind
    severity: Literal["error", "warning"] = "error"
    editions: list[ids.EditionRef] = Field(min_length=1)
    statement: str
    applies_to: Applicability = Field(default_factory=Applicability)
    requires: list[ids.TimeField] = Field(default_factory=list)
    constraints: list[Constraint] = Field(default_factory=list)
    sources: list[Quote] = Field(min_length=1)


class SampleFile(Node):
    """An entry of ``data/samples/samples.yaml``: a sample record file and its verdicts.

    ``expect`` maps each record id to the codes the checker must report for it; the key
    ``(file)`` holds codes reported for the file as a whole (E001).
    """

    file: str
    title: str
    description: str | None = None
    expect: dict[str, list[str]]

    @model_validator(mode="before")
    @classmethod
    def _expect_at(cls, value: Any) -> Any:
        """``expect`` without its ``at``; each record id's place in ``at.keys``: ``expect.<id>``."""
        expect = value.get("expect") if isinstance(value, dict) else None
        if not isinstance(expect, dict) or "at" not in expect:
            return value
        at, place = value.get("at") or {}, expect["at"].get("keys", {})
        keys = {**at.get("keys", {}), **{f"expect.{k}": p for k, p in place.items()}}
        plain = {k: v for k, v in expect.items() if k != "at"}
        return {**value, "expect": plain, "at": {**at, "keys": keys}}

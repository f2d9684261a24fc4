"""Values and forms the engine fixes in code, as types whose JSON Schema says them.

The forms of ids; the record time fields and parties a data file may name; a glossary
spelling, which may not hold ``[``, ``]``, ``<``, ``>`` or a line break; and the form of
an id another file defines (a reference). ``handbook validate`` says what is wrong with a
did-you-mean (`handbook.model.references`, `handbook.model.entities`); the types below
carry the same values into the schemas (``enum``, ``pattern``), so an editor underlines
``earlier: notifed_at``, ``party: custmer`` or ``channels: [Email]`` too. Pydantic itself
checks them as plain text: the wording of a problem stays validate's.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

#: Ids: kebab-case; a rule: prefix in capitals + 3 digits; a document: 3 digits; an edition:
#: letters, digits, '.', '-' (its year, ``2022``; ``2024-09`` for two editions in a year)
ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
RULE_ID_PATTERN = r"^[A-Z][A-Z0-9]*[0-9]{3}$"
DOC_ID_PATTERN = r"^\d{3}$"
EDITION_ID_PATTERN = r"^[0-9A-Za-z](?:[0-9A-Za-z.-]*[0-9A-Za-z])?$"

#: Record fields holding times (ISO 8601 with offset); rules may name these.
TIME_FIELDS = (
    "notified_at",
    "mitigated_at",
    "approved_at",
    "customer_action_at",
    "support_request_at",
    "advised_at",
    "certificate_expires_at",
    "starts_at",
)

#: The parties the responsibility model is built on, by id: the engine's two parties and
#: the value of a shared cell. Their names and labels are the data's (``name: Contoso``).
MODEL_PARTIES = {
    "microsoft": "the service provider",
    "customer": "the customer",
    "both": "a shared duty (kind: shared)",
}

#: A glossary spelling: no ``[``, ``]``, ``<``, ``>`` or line break, and not blank.
SPELLING_PATTERN = r"[^\[\]<>\n]*[^\[\]<>\s][^\[\]<>\n]*"

#: A record time field a rule names (`TIME_FIELDS`).
TimeField = Annotated[str, Field(json_schema_extra={"enum": list(TIME_FIELDS)})]
#: A party a duty, role or record belongs to (``microsoft`` or ``customer``, not ``both``).
PartyId = Annotated[str, Field(json_schema_extra={"enum": ["microsoft", "customer"]})]
#: A party of ``parties.yaml`` (`MODEL_PARTIES`).
ModelPartyId = Annotated[str, Field(json_schema_extra={"enum": list(MODEL_PARTIES)})]
#: A glossary spelling (`SPELLING_PATTERN`).
Spelling = Annotated[str, Field(json_schema_extra={"pattern": f"^{SPELLING_PATTERN}$"})]

#: A reference to an id of another file (a channel, an action, an erratum...), to a
#: document and to an edition: the schema carries the id's form.
IdRef = Annotated[str, Field(json_schema_extra={"pattern": ID_PATTERN})]
DocRef = Annotated[str, Field(json_schema_extra={"pattern": DOC_ID_PATTERN})]
EditionRef = Annotated[str, Field(json_schema_extra={"pattern": EDITION_ID_PATTERN})]

"""Values the engine fixes in code, as types whose JSON Schema lists them.

A data file may only name these record time fields and parties, and a glossary spelling
may not hold ``[``, ``]``, ``<``, ``>`` or a line break. ``handbook validate`` says so
with a did-you-mean (`handbook.model.references`, `handbook.model.entities`); the types
below carry the same values into the schemas (``enum``, ``pattern``), so an editor
underlines ``earlier: notifed_at`` or ``party: custmer`` too. Pydantic itself checks them
as plain text: the wording of a problem stays validate's.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

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

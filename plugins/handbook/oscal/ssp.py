"""The system security plan of the managed service for one edition, with the export a
customer's plan inherits from.

Shape (compliance-trestle's ``trestle.oscal.ssp``): ``metadata.roles`` holds the parties
(``microsoft``, ``customer``) and, in an edition with seed 003, every role of
``data/roles.yaml`` (``<party>-<role id>``); ``metadata.parties`` the two organizations.
``system-implementation.components``: ``this-system`` (the service as a whole) and the
provider's component (type ``service``: Microsoft's side, which provides). Each activity
(`handbook.oscal.activities`) is one ``implemented-requirements[]`` entry whose single
``by-components[]`` entry (the provider's component) carries the ``export``:

* ``provided[]``: one per Microsoft duty, ``responsible-roles`` the duty's roles (the
  ``microsoft`` party role, or the roles.yaml role it comes from), each with the
  ``party-uuids`` of the party that plays it (as on the customer's responsibilities);
* ``responsibilities[]``: one per customer duty, with ``provided-uuid`` when it pairs with a
  Microsoft duty of the same activity (`handbook.oscal.activities.pairs`).

Every UUID is a UUIDv5 of the edition and the data's ids (`handbook.oscal.ids`).
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from trestle.oscal.ssp import SystemSecurityPlan

from handbook.model.handbook import party_words
from handbook.oscal.activities import Activity, OscalModel, pairs
from handbook.oscal.catalog import metadata
from handbook.oscal.ids import PROP_NS


def _party(model: OscalModel, party_id: str) -> str:
    """The UUID of a party of ``metadata.parties``."""
    return model.uuid("party", party_id)


def _roles(model: OscalModel, ids: tuple[str, ...], party: str) -> list[dict[str, Any]]:
    """``responsible-roles``: each role with the party (organization) that plays it."""
    return [{"role-id": r, "party-uuids": [_party(model, party)]} for r in ids]


def _requirement(model: OscalModel, activity: Activity, provider: str) -> dict[str, Any]:
    ed = model.edition.id
    linked = pairs(activity)
    provided: list[dict[str, Any]] = []
    responsibilities: list[dict[str, Any]] = []
    for duty in activity.duties:
        entry: dict[str, Any] = {
            "description": duty.text,
            "props": [{"name": "part-id", "ns": PROP_NS, "value": duty.part_id}],
            "responsible-roles": _roles(model, duty.roles, duty.party),
        }
        if duty.party == "microsoft":
            provided.append({"uuid": model.uuid(ed, "provided", activity.id, duty.key)} | entry)
            continue
        item: dict[str, Any] = {"uuid": model.uuid(ed, "responsibility", activity.id, duty.key)}
        if duty.key in linked:
            item["provided-uuid"] = model.uuid(ed, "provided", activity.id, linked[duty.key])
        responsibilities.append(item | entry)
    export: dict[str, Any] = {}
    if provided:
        export["provided"] = provided
    if responsibilities:
        export["responsibilities"] = responsibilities
    who = " and ".join(
        model.md(name)
        for party, name in model.parties.items()
        if any(d.party == party for d in activity.duties)
    )
    return {
        "uuid": model.uuid(ed, "requirement", activity.id),
        "control-id": activity.id,
        "by-components": [
            {
                "component-uuid": provider,
                "uuid": model.uuid(ed, "by-component", activity.id),
                "description": f"{activity.title}: duties of {who}.",
                "implementation-status": {"state": "implemented"},
                "export": export,
            }
        ],
    }


def build_ssp(model: OscalModel, profile_href: str) -> SystemSecurityPlan:
    """The SSP of ``model``'s edition, validated by trestle's `SystemSecurityPlan`;
    ``profile_href`` is the profile's path relative to the SSP."""
    hb, ed = model.handbook, model.edition
    service = hb.service
    this_system = model.uuid(ed.id, "component", "this-system")
    provider = model.uuid(ed.id, "component", "provider")
    eol = service.end_of_life
    state = "operational" if eol is None else "disposition"  # (data: None while it runs)
    provider_name = model.parties.get("microsoft", "Microsoft")
    customer_name = party_words(hb.party("customer"))  # "the customer"
    meta = metadata(
        model, f"{service.name} system security plan: shared responsibility ({ed.title})", True
    )
    if eol is not None:  # the plan says the service ended: not dated before the page saying so
        said = datetime.combine(hb.document(service.source.doc).ms_date, time(), UTC)
        meta["last-modified"] = max(meta["last-modified"], said)
    meta["parties"] = [
        {"uuid": _party(model, pid), "type": "organization", "name": name}
        for pid, name in model.parties.items()
    ]
    doc = {
        "uuid": model.uuid(ed.id, "ssp"),
        "metadata": meta,
        "import-profile": {"href": profile_href},
        "system-characteristics": {
            "system-ids": [
                {"identifier-type": "https://ietf.org/rfc/rfc4122", "id": model.uuid("system")}
            ],
            "system-name": service.name,
            "system-name-short": service.abbreviation,
            "description": model.description,
            "system-information": {
                "information-types": [
                    {
                        "uuid": model.uuid(ed.id, "information-type"),
                        "title": model.md(f"{service.name} operations"),
                        "description": model.md(
                            "Changes, notifications and support requests exchanged between "
                            f"{provider_name} and {customer_name} while running "
                            f"{service.name}. "
                            "The handbook's data does not categorize information; OSCAL "
                            "requires one information type."
                        ),
                    }
                ]
            },
            "status": {"state": "operational"}
            if eol is None
            else {
                "state": "disposition",  # OSCAL: "The system is no longer operational."
                "remarks": f"The service reached its end of life on {eol.isoformat()}.",
            },
            "authorization-boundary": {
                "description": model.md(
                    f"{service.name} as described by the {ed.title} of its documentation: "
                    f"the duties of {provider_name} and of {customer_name}."
                )
            },
        },
        "system-implementation": {
            "users": [
                {
                    "uuid": model.uuid(ed.id, "user", pid),
                    "title": model.md(name),
                    "role-ids": [pid],
                }
                for pid, name in model.parties.items()
            ],
            "components": [
                {
                    "uuid": this_system,
                    "type": "this-system",
                    "title": model.md(service.name),
                    "description": model.md(f"{service.name}, the managed service as a whole."),
                    "status": {"state": state},
                },
                {
                    "uuid": provider,
                    "type": "service",
                    "title": model.md(f"{service.name} operations ({provider_name})"),
                    "description": model.md(
                        f"What {provider_name} runs and provides; the duties of "
                        f"{customer_name} are listed as responsibilities of its export."
                    ),
                    "status": {"state": state},
                    "responsible-roles": _roles(model, ("microsoft",), "microsoft"),
                },
            ],
        },
        "control-implementation": {
            "description": model.md(
                "Each implemented requirement is one activity of the handbook: what "
                f"{provider_name} provides (export.provided) and what is left to "
                f"{customer_name} (export.responsibilities)."
            ),
            "implemented-requirements": [
                _requirement(model, activity, provider)
                for area in model.areas
                for activity in area.activities
            ],
        },
    }
    return SystemSecurityPlan.model_validate(doc)

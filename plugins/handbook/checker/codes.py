"""The checker's codes and the record format, without pandas or NumPy, so the site can show
them without loading the checker.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from collections.abc import Sequence

    from handbook.model.handbook import Handbook

Severity = Literal["error", "warning"]

#: Every code the checker itself defines (rule codes ``MMD...`` are data/rules.yaml's):
#: code -> (severity, meaning). The input errors, the waiver codes (see
#: `handbook.checker.waivers`), then W002, how a record is written (it is still checked).
CHECKER_CODES: dict[str, tuple[Severity, str]] = {
    "E001": ("error", "file unreadable or not valid YAML/CSV (or a record that is not a mapping)"),
    "E002": ("error", "a required field is missing"),
    "E003": ("error", "an invalid value"),
    "E004": ("error", "an unknown reference"),
    "E005": ("error", "a duplicate id"),
    "E006": (
        "error",
        "an invalid waiver: it names an unknown rule or record, or lacks its reason, "
        "approver or expiry date",
    ),
    "W001": ("warning", "an expired waiver: it no longer waives its finding"),
    "W002": (
        "warning",
        "a misspelt field name: a key or column that looks like a record field "
        "(requires_admin_actoin, Starts_At), or a column a --map mapping reads that the "
        "export lacks, is ignored, so the rules that read the field do not see it",
    ),
}


def severity_of(code: str) -> Severity:
    """The severity of a code the checker defines (``error`` for any other)."""
    return CHECKER_CODES.get(code, ("error", ""))[0]


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field of a change record: its ``name`` (YAML key, CSV header), its ``type`` and
    when it is ``required`` (``always``, ``no``, ...) in words, and its ``description``."""

    name: str
    type: str
    required: str
    description: str


#: The checker's output formats (``--format``), in the order the site shows them; the
#: renderers are `handbook.outputs.SINKS`, in the same order.
FORMAT_NAMES: tuple[str, ...] = ("text", "json", "junit", "sarif", "github", "gitlab")

_TIME = (
    "time: ISO 8601 with offset (`Z` or `±hh:mm`; `±hhmm`, a space for `T` and fractions "
    "of a second are read too); a date alone is 00:00 UTC"
)

#: The record format, field by field, in the spec's order. Descriptions name the provider,
#: the service, the other party and examples as placeholders `field_specs` fills in.
FIELD_SPECS: tuple[FieldSpec, ...] = (
    FieldSpec("id", "text", "always", "The record's identifier, unique within a run."),
    FieldSpec("title", "text", "no", "Free text."),
    FieldSpec(
        "initiator",
        "party id: `microsoft` or `customer`",
        "always",
        "Who initiates the change; any other value is invalid (E003), not a reference.",
    ),
    FieldSpec(
        "change_type",
        "change type id of the edition in force",
        "when the initiator is `microsoft`",
        "The type of a change {provider} makes{change_type}; ignored on a record of "
        "{the_customer}, so rules on change types never apply to it.",
    ),
    FieldSpec(
        "sop_category",
        "SOP category id of the edition in force",
        "when the initiator is `customer`",
        "The standard-operating-procedure category of a change of {the_customer}"
        "{sop_category}; ignored on a record initiated by {provider}.",
    ),
    FieldSpec(
        "emergency",
        "boolean (`true`/`false`, any case)",
        "no",
        "An emergency change (default false). The rules read this flag only, never the "
        "change type: a change of a type meant for emergencies is an emergency change "
        "when it says `emergency: true`.",
    ),
    FieldSpec(
        "requires_admin_action",
        "boolean (`true`/`false`, any case)",
        "no",
        "{The_customer}'s administrators must act (default false).",
    ),
    FieldSpec(
        "approval_required",
        "boolean (`true`/`false`, any case)",
        "no",
        "{The_customer} must approve (default false).",
    ),
    FieldSpec("notified_at", _TIME, "no", "When {provider} notified {customers}."),
    FieldSpec(
        "channels",
        "list of channel ids (CSV: separated by `;`)",
        "no",
        "How {customers} were notified (the channels of `data/channels.yaml`); read by "
        "{channel_rule} on a change of {provider} with `notified_at` only: there a channel "
        "that is not in the list is {a_channel_finding}, not an input error (E004), and on other "
        "records the channels are not looked at.",
    ),
    FieldSpec("mitigated_at", _TIME, "no", "When the emergency mitigation was applied."),
    FieldSpec("approved_at", _TIME, "no", "When {the_customer} approved."),
    FieldSpec("customer_action_at", _TIME, "no", "When {the_customer} completed the action."),
    FieldSpec("support_request_at", _TIME, "no", "When {the_customer} opened the support request."),
    FieldSpec("advised_at", _TIME, "no", "When {service} Operations assessed and advised."),
    FieldSpec("certificate_expires_at", _TIME, "no", "When the certificate expires."),
    FieldSpec(
        "actions",
        "list of action ids (CSV: separated by `;`)",
        "no",
        "{The_customer}'s actions in this change (the vocabulary of `data/actions.yaml`); "
        "looked up on every record, whoever initiated it: an unknown action is E004.",
    ),
    FieldSpec(
        "starts_at",
        _TIME,
        "always",
        "When the change takes effect or is applied; it selects the edition in force.",
    ),
    FieldSpec(
        "waivers",
        "list of `{rule, reason, approved_by, expires_on}` (YAML and JSON records only)",
        "no",
        "Waivers of this record's findings (as in a waivers file, without `record`).",
    ),
)


#: Letters whose English name starts with a vowel sound ("an F…", "a W…").
_VOWEL_LETTERS = frozenset("AEFHILMNORSX")


def field_specs(
    provider: str,
    service: str,
    customer: str = "customer",
    change_type: str = "functionality",
    sop_category: str = "certificates",
    channel_rules: Sequence[str] = ("MMD003",),
) -> tuple[FieldSpec, ...]:
    """`FIELD_SPECS` with ``provider`` (the provider party's name, ``Microsoft``),
    ``service`` (the service's abbreviation, ``MMD``), ``customer`` (the other party's
    name in lower case, ``customer``: "the customer", "customers"), an example
    change type and SOP category id (``""``: no example) and the ids of the rules of
    kind ``channels`` (``channel_rules``, ``MMD003``) in their descriptions."""
    rules = " or ".join(channel_rules)
    # "an MMD003 finding", "a WAP002 finding": the article of the id's first letter's name
    article = "an" if rules[:1] in _VOWEL_LETTERS else "a"
    words = {
        "channel_rule": rules or "a `channels` rule",
        "a_channel_finding": f"{article} {rules} finding" if rules else "a `channels` finding",
        "provider": provider,
        "service": service,
        "the_customer": f"the {customer}",
        "The_customer": f"The {customer}",
        "customers": f"{customer}s",
        # " (e.g. `functionality`)"; nothing for a service without change types
        "change_type": f" (e.g. `{change_type}`)" if change_type else "",
        "sop_category": f" (e.g. `{sop_category}`)" if sop_category else "",
    }
    return tuple(replace(s, description=s.description.format(**words)) for s in FIELD_SPECS)


def handbook_field_specs(handbook: Handbook) -> tuple[FieldSpec, ...]:
    """`field_specs` in ``handbook``'s words: its parties' names, its service's
    abbreviation, the first change type and SOP category of its newest edition."""
    newest = handbook.latest_edition().id
    return field_specs(
        handbook.party("microsoft").name,
        handbook.service.abbreviation,
        handbook.party("customer").name.lower(),
        next((c.id for c in handbook.change_types if c.edition == newest), ""),
        next((c.id for c in handbook.sop_categories if c.edition == newest), ""),
        [r.id for r in handbook.rules if r.kind == "channels"],
    )


#: Order of codes on the same line: file problems, duplicates, then the other input errors,
#: then every other code (rules, waiver codes) by name. The one order of every output.
CODE_ORDER = {"E001": 0, "E005": 1, "E002": 2, "E003": 3, "E004": 4}


def code_order(code: str) -> tuple[int, str]:
    """Sort key of a code on one line (`CODE_ORDER`, then the code)."""
    return (CODE_ORDER.get(code, 9), code)

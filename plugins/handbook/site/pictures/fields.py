"""Time fields in the reader's words, and the times a sample record gives them.

Words: from the checker's own field descriptions (`handbook.checker.codes.field_specs`,
the *Record format* page), ``When Microsoft notified customers.`` read as ``Microsoft
notified customers`` (the handbook's provider named); a field the checker does not
describe keeps its name (``words.get(field, field)``).

Times: a sample's verdict (`handbook.checker.samples.SampleVerdict`) carries the record
as written (``snippet``: YAML lines, or a CSV header and row). `record_values` reads it
back (`handbook.model.sources.load_yaml_text`; stdlib ``csv``) and `record_time` parses a
time as the checker does: ISO 8601, ``Z`` or an offset; a date alone is 00:00 UTC.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from handbook.model.durations import duration_text
from handbook.model.entities import Constraint, Rule
from handbook.model.handbook import Handbook
from handbook.model.sources import load_yaml_text

if TYPE_CHECKING:
    from handbook.checker.samples import SampleVerdict


@functools.cache  # a constant of the package for one handbook: read once a process
def field_words(provider: str, service: str, customer: str = "customer") -> dict[str, str]:
    """Field name → the reader's words (``notified_at`` → ``Microsoft notified
    customers``), for the time fields (names ending in ``_at``); ``provider``,
    ``service`` and ``customer`` as in `handbook.checker.codes.field_specs`."""
    from handbook.checker.codes import field_specs  # no pandas: codes and specs only

    out = {}
    for spec in field_specs(provider, service, customer):
        if not spec.name.endswith("_at"):
            continue
        words = spec.description.removeprefix("When ").split(";")[0].split(" (")[0]
        words = words.rstrip(".").strip()
        out[spec.name] = words[:1].upper() + words[1:]
    return out


def handbook_words(handbook: Handbook) -> dict[str, str]:
    """`field_words` of ``handbook``'s provider and service."""
    return field_words(
        handbook.party("microsoft").name,
        handbook.service.abbreviation,
        handbook.party("customer").name.lower(),
    )


def lower_first(text: str) -> str:
    """``text`` with a lower-case first letter, unless it starts a capitalised word
    (``Microsoft``, ``MMD``): ``The change`` → ``the change``."""
    if len(text) > 1 and text[0].isupper() and text[1].islower() and text.split()[0] == "The":
        return text[0].lower() + text[1:]
    return text


def constraint_words(
    c: Constraint, words: Mapping[str, str], named: bool = False
) -> tuple[str, str]:
    """The constraint in words (``Microsoft notified customers at least 5 days (120 hours)
    before the change takes effect``) and what passes at its bound (``the bound itself
    passes``); ``words``: field → the reader's words (`handbook_words`); ``named`` puts
    each field's name after its words (``(notified_at)``)."""
    earlier, later = (
        f"{words.get(f, f)} ({f})" if named else words.get(f, f) for f in (c.earlier, c.later)
    )
    if c.at_most is not None:
        low = f"at least {duration_text(c.at_least)} and " if c.at_least else ""
        at_most = f"at most {duration_text(c.at_most)} after {lower_first(earlier)}"
        return f"{later} {low}{at_most}", "the bounds themselves pass"
    if c.at_least == timedelta(0):
        return f"{earlier} no later than {lower_first(later)}", "the same time passes"
    before = f"at least {duration_text(c.at_least)} before {lower_first(later)}"
    return f"{earlier} {before}", "the bound itself passes"


def waived(verdict: SampleVerdict) -> set[str]:
    """The rule ids a sample record's own ``waivers`` list names (YAML records)."""
    row = _row(verdict)
    items = row.get("waivers") if isinstance(row, dict) else None
    if not isinstance(items, list):
        return set()
    return {str(w.get("rule")) for w in items if isinstance(w, dict)}


def record_values(verdict: SampleVerdict) -> dict[str, str]:
    """The record of a sample verdict as ``{field: text}`` (empty values left out,
    booleans as ``true``/``false``); empty when its snippet cannot be read (a broken sample
    file). Reading every sample's snippet takes ~2.5 ms, so it is not kept."""
    row = _row(verdict)
    if not isinstance(row, dict):
        return {}
    out = {str(k): str(v).lower() for k, v in row.items() if isinstance(v, bool)}
    out.update((str(k), v) for k, v in row.items() if isinstance(v, str) and v.strip())
    return out


def _parse(file: str, snippet: str) -> Any:
    """The first record of a snippet (see `record_values`), None when it does not parse."""
    try:
        if file.endswith(".csv"):
            rows = list(csv.DictReader(io.StringIO(snippet)))
            row: Any = rows[0] if rows else {}
        else:
            docs, problems = load_yaml_text(snippet, file)
            loaded = docs[0] if docs and not problems else None
            row = loaded[0] if isinstance(loaded, list) and loaded else loaded
    except (csv.Error, ValueError, TypeError):  # a sample that does not parse: no times
        return None
    return row


def _row(verdict: SampleVerdict) -> Any:
    return _parse(verdict.file, verdict.snippet)


def record_time(text: str) -> datetime | None:
    """``text`` as an aware UTC datetime (a date alone: 00:00 UTC; no offset: UTC), or
    None when it is not an ISO 8601 time."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        try:
            value = datetime.combine(date.fromisoformat(text.strip()), datetime.min.time())
        except ValueError:
            return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def applies(rule: Rule, values: dict[str, str], edition: str | None) -> bool:
    """True when ``rule`` applies to the record ``values`` (as `record_values` gives it)
    starting in ``edition``: the checker's `Applicability` read on the record's text
    (change types on Microsoft's records only, SOP categories on customers' only)."""
    scope = rule.applies_to
    initiator = values.get("initiator")
    if edition not in rule.editions:
        return False
    if scope.initiator is not None and initiator != scope.initiator:
        return False
    for name in ("emergency", "requires_admin_action", "approval_required"):
        wanted = getattr(scope, name)
        if wanted is not None and (values.get(name, "").strip().lower() == "true") != wanted:
            return False
    if scope.change_type is not None and (
        initiator != "microsoft" or values.get("change_type") not in scope.change_type
    ):
        return False
    return scope.sop_category is None or (
        initiator == "customer" and values.get("sop_category") in scope.sop_category
    )

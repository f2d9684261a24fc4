"""SARIF: a waived finding stays a result with an external suppression (SARIF 2.1.0 §3.35).

Run through the real command line on the committed sample with waivers on records
(``data/samples/waivers-on-records.yaml``) and on records waived by a waivers file; the
output is validated against ``tests/golden/sarif-2.1.0-github.schema.json`` and, for the
suppression object, against the shape §3.35 gives (written out below).
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from .checker_support import cli
from .conftest import DATA, ROOT

GITHUB_SCHEMA = ROOT / "tests" / "golden" / "sarif-2.1.0-github.schema.json"

#: SARIF 2.1.0 §3.35 (suppression object): the properties it may have; ``properties`` is
#: a property bag (§3.8), here with the waiver's approver and expiry date.
SUPPRESSION = {
    "type": "object",
    "required": ["kind", "status", "justification", "properties"],
    "additionalProperties": False,
    "properties": {
        "kind": {"const": "external"},
        "status": {"const": "accepted"},
        "guid": {"type": "string"},
        "location": {"type": "object"},
        "justification": {"type": "string", "minLength": 1},
        "properties": {
            "type": "object",
            "required": ["approver", "expires"],
            "properties": {
                "approver": {"type": "string", "minLength": 1},
                "expires": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
            },
        },
    },
}


def _sarif(*args: str) -> dict:  # type: ignore[type-arg]
    result = cli("check", "--format", "sarif", "--today", "2024-01-01", *args)
    assert result.returncode == 1, result.stderr  # CHG-1802 and CHG-1803 fail
    data = json.loads(result.stdout)
    jsonschema.validate(data, json.loads(GITHUB_SCHEMA.read_text(encoding="utf-8")))
    return data


def test_waived_finding_on_a_record_is_a_suppressed_result() -> None:
    data = _sarif(str(DATA / "samples" / "waivers-on-records.yaml"))
    results = data["runs"][0]["results"]
    by_record: dict[str, list[dict]] = {}  # type: ignore[type-arg]
    for r in results:
        by_record.setdefault(r["properties"]["record"], []).append(r)
    # the valid waiver (until 2099): the finding is kept, suppressed
    (waived,) = by_record["CHG-1801"]
    assert waived["ruleId"] == "MMD001" and waived["level"] == "error"
    (suppression,) = waived["suppressions"]
    jsonschema.validate(suppression, SUPPRESSION)
    assert suppression["properties"] == {
        "approver": "Change Advisory Board",
        "expires": "2099-12-31",
    }
    assert suppression["justification"].startswith(
        "Security fix agreed with the customer's change board"
    )
    # the expired waiver: a plain MMD001 result and a W001 warning, neither suppressed
    expired = by_record["CHG-1802"]
    assert sorted((r["ruleId"], r["level"]) for r in expired) == [
        ("MMD001", "error"),
        ("W001", "warning"),
    ]
    assert not any("suppressions" in r for r in expired)
    assert sum(1 for r in results if "suppressions" in r) == 1


def test_waivers_file_gives_suppressions(tmp_path: Path) -> None:
    records = tmp_path / "records.yaml"
    records.write_text(
        "- id: CHG-1\n  initiator: microsoft\n  change_type: functionality\n"
        "  requires_admin_action: true\n  notified_at: 2023-03-03T09:00:00Z\n"
        "  channels: [email]\n  starts_at: 2023-03-06T09:00:00Z\n",
        encoding="utf-8",
    )
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "waivers:\n  - {record: CHG-1, rule: MMD001, reason: 'agreed <b>by</b> CAB',"
        " approved_by: CAB, expires_on: 2024-06-30}\n",
        encoding="utf-8",
    )
    result = cli(
        "check", "--format", "sarif", "--today", "2024-01-01", "--waivers", str(waivers),
        str(records),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr  # a waived finding does not fail
    (only,) = json.loads(result.stdout)["runs"][0]["results"]
    (suppression,) = only["suppressions"]
    jsonschema.validate(suppression, SUPPRESSION)
    assert suppression["properties"] == {"approver": "CAB", "expires": "2024-06-30"}
    assert "agreed <b>by</b> CAB" in suppression["justification"]  # JSON text, as given

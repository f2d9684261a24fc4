"""Importing the five seed pages reproduces the committed data, except what is listed.

Every statement, matrix cell, change-type field, SOP category and role is compared by its
id (``kind, edition or party, item id, field[, statement id]``); `EXPECTED` lists each
remaining difference with its reason. Skips when ``../shared/seeds`` is absent.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from ..conftest import BIN, DATA, ROOT, SEEDS, run

Key = tuple[str, ...]

#: differences left after the round trip, and why (the committed data is curated)
EXPECTED: dict[Key, str] = {
    ("type", "2018", "security-update", "notification", "note"): (
        "the reviewer's query CVE????? is explained in words in the committed note"
    ),
    ("type", "2018", "emergency-update", "notification", "errata"): (
        "erratum 000-emergency-row-cells names a missing cell, not a text to correct"
    ),
    (
        "sop",
        "2022",
        "device-groups",
        "microsoft",
        "device-groups-implement-and-assign-the-membership-of",
        "errata",
    ): "erratum 001-device-groups-markup is about the markup html5lib repairs",
    (
        "sop",
        "2022",
        "defender-for-endpoint",
        "microsoft",
        "defender-for-endpoint-monitor-and-investigate-devices-within-the",
        "errata",
    ): ("erratum 001-defender-row-merged describes the row the lenient reader rebuilds"),
    (
        "sop",
        "2022",
        "policies",
        "customer",
        "policies-not-edit-or-assign-microsoft-managed",
        "errata",
    ): "erratum 001-defender-row-merged (the Policies row it ends), as above",
}
#: curated fields that no page states: compared nowhere
CURATED = {"prohibits", "succeeds", "notes"}


def _statements(prefix: Key, statements: list[Any], out: dict[Key, Any]) -> None:
    for s in statements or []:
        s = {"text": s} if isinstance(s, str) else s
        key = (*prefix, str(s.get("id")))
        out[(*key, "text")] = s["text"]
        if s.get("note"):
            out[(*key, "note")] = s["note"]
        if s.get("errata"):
            out[(*key, "errata")] = list(s["errata"])
        _statements(prefix, s.get("items") or [], out)


def flatten(folder: Path) -> dict[Key, Any]:
    """Every comparable value of the data files in ``folder`` by key (module doc)."""
    out: dict[Key, Any] = {}
    yaml = YAML(typ="safe", pure=True)
    with (folder / "change-process.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            key = ("duty", row["edition"], row["id"])
            out[(*key, "text")] = (row["phase"], row["party"], row["statement"])
            if row["note"]:
                out[(*key, "note")] = row["note"]
            if row["errata"]:
                out[(*key, "errata")] = row["errata"]
    with (folder / "responsibility-matrix.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            for column, value in row.items():
                out[("matrix", row["id"], column)] = value
    for scope in yaml.load((folder / "responsibility-scopes.yaml").read_text(encoding="utf-8")):
        out[("scope", scope["id"])] = scope["name"]
    for t in yaml.load((folder / "change-types.yaml").read_text(encoding="utf-8")):
        prefix = ("type", t["edition"], t["id"])
        for field, value in t.items():
            if field in CURATED:
                continue
            if field in ("includes", "examples", "customer_action"):
                _statements((*prefix, field), value, out)
            elif field == "notification":
                out[(*prefix, field, "text")] = value["text"]
                for extra in ("note", "errata"):
                    if value.get(extra):
                        out[(*prefix, field, extra)] = value[extra]
            else:
                out[(*prefix, field)] = value
    for c in yaml.load((folder / "sop-categories.yaml").read_text(encoding="utf-8")):
        prefix = ("sop", c["edition"], c["id"])
        out[(*prefix, "name")] = c["name"]
        out[(*prefix, "source")] = c["source"]
        for party in ("microsoft", "customer"):
            _statements((*prefix, party), c.get(party) or [], out)
    for r in yaml.load((folder / "roles.yaml").read_text(encoding="utf-8")):
        prefix = ("role", r["party"], r["id"])
        out[(*prefix, "name")] = r["name"]
        out[(*prefix, "source")] = r["source"]
        _statements((*prefix, "description"), r["description"], out)
    return out


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    seeds = sorted(SEEDS.glob("00[0-4]_*.txt"))
    if len(seeds) < 5:
        pytest.skip(f"needs the five seed pages in {SEEDS} (the shared folder), absent here")
    out = tmp_path_factory.mktemp("import") / "out"
    result = run(
        [str(BIN / "handbook"), "import", *map(str, seeds), "--out", str(out), "--data", str(DATA)],
        cwd=ROOT,
    )
    assert result.returncode == 1, result.stderr  # seed 004's overview tables are prose
    return out


def test_seeds_round_trip_except_the_listed_differences(imported: Path) -> None:
    committed, got = flatten(DATA), flatten(imported)
    keys = set(committed) | set(got)
    differences = {
        k: (committed.get(k), got.get(k)) for k in keys if committed.get(k) != got.get(k)
    }
    unexpected = {k: v for k, v in differences.items() if k not in EXPECTED}
    assert unexpected == {}, "\n".join(
        f"{k}: committed {a!r}, imported {b!r}" for k, (a, b) in sorted(unexpected.items())
    )
    assert set(EXPECTED) <= set(differences), "an expected difference is gone: update EXPECTED"


def test_the_seeds_import_statements_with_the_committed_ids(imported: Path) -> None:
    committed, got = flatten(DATA), flatten(imported)
    texts = [k for k in committed if k[-1] == "text"]
    assert len(texts) >= 150
    assert [k for k in texts if k not in got] == []


def test_the_seeds_documents_are_the_committed_documents(imported: Path) -> None:
    """``documents.yaml`` holds ``editions.yaml``'s ``documents`` entries, field for field
    (``learn_path`` too), so an imported page's entry can be pasted there."""
    yaml = YAML(typ="safe")
    committed = yaml.load((DATA / "editions.yaml").read_text(encoding="utf-8"))["documents"]
    got = yaml.load((imported / "documents.yaml").read_text(encoding="utf-8"))
    for doc in committed:
        doc["ms_date"] = doc["ms_date"].isoformat()
    assert sorted(got, key=lambda d: d["id"]) == sorted(committed, key=lambda d: d["id"])

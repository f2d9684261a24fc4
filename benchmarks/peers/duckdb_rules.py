"""The checker's peer: rules MMD001-MMD010 and input errors E002-E005 as DuckDB SQL.

    python benchmarks/peers/duckdb_rules.py RECORDS.csv --output FINDINGS.csv [--data data]

What a data engineer would write instead of running ``handbook check``: read the CSV of
change records with DuckDB, compute every finding with SQL (`rules.sql`, one query per
rule) and write them to ``--output`` as CSV with the columns ``file, line, record, rule,
severity, field, message`` (sorted by line, then rule). Lines are the CSV's physical lines
(header = line 1, counted by DuckDB's reader), so records must not span lines and the
file must have no blank line; fields the header lacks are absent.

The rules' parameters are read from ``data/`` with PyYAML, not written in the SQL: the
durations of ``rules.yaml`` (``P5D``, ``PT48H``), each rule's editions and title, the
editions' in-force dates and the end of life (``editions.yaml``), change types and their
channels, SOP categories and the actions they prohibit, the vocabulary of actions and
channels, the parties. Which fields a rule reads and which records it applies to are in
the SQL, one query per rule, as a data engineer would write them.

Prints the per-rule counts; exit 0 (findings are not a failure here). DuckDB is a
dependency of the benchmarks only (``benchmarks/requirements.txt``).
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import duckdb
import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
#: The fields of a change record (the CSV columns the SQL reads).
FIELDS = (
    "id",
    "title",
    "initiator",
    "change_type",
    "sop_category",
    "emergency",
    "requires_admin_action",
    "approval_required",
    "notified_at",
    "channels",
    "mitigated_at",
    "approved_at",
    "customer_action_at",
    "support_request_at",
    "advised_at",
    "certificate_expires_at",
    "actions",
    "starts_at",
)
DURATION = re.compile(r"P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?")


def micros(text: Any) -> int | None:
    """Microseconds of an ISO 8601 duration of days, hours, minutes and seconds (``P5D``)."""
    if text is None:
        return None
    m = DURATION.fullmatch(str(text))
    if m is None or not text or text in ("P", "PT"):
        raise SystemExit(f"rules.yaml: duration {text!r} is not of the form P5D or PT48H")
    d, h, mi, s = (int(g or 0) for g in m.groups())
    return (timedelta(days=d, hours=h, minutes=mi, seconds=s)) // timedelta(microseconds=1)


def _yaml(data: Path, name: str) -> Any:
    with (data / name).open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def load_params(con: duckdb.DuckDBPyConnection, data: Path) -> None:
    """Create the parameter tables and variables `rules.sql` reads (see its header)."""
    rules = _yaml(data, "rules.yaml")
    editions = _yaml(data, "editions.yaml")
    change_types = _yaml(data, "change-types.yaml")
    categories = _yaml(data, "sop-categories.yaml")
    channels = [c["id"] for c in _yaml(data, "channels.yaml")]
    actions = [a["id"] for a in _yaml(data, "actions.yaml")]
    parties = [p["id"] for p in _yaml(data, "parties.yaml") if p.get("kind", "party") == "party"]
    limits = {
        f"{r['id']} {c['earlier']} {c['later']}": {
            "at_least_us": micros(c.get("at_least")) or 0,
            "at_most_us": micros(c.get("at_most")),
        }
        for r in rules
        for c in r.get("constraints", [])
    }
    maps: dict[str, tuple[str, dict[str, Any]]] = {
        "lim": ("STRUCT(at_least_us BIGINT, at_most_us BIGINT)", limits),
        "label": ("VARCHAR", {r["id"]: f"{r['id']} ({r['title']})" for r in rules}),
        "title": ("VARCHAR", {r["id"]: r["title"] for r in rules}),
        "editions": ("VARCHAR[]", {r["id"]: [str(e) for e in r["editions"]] for r in rules}),
        "severity": ("VARCHAR", {r["id"]: r.get("severity", "error") for r in rules}),
    }
    for name, (kind, mapping) in maps.items():
        con.execute(
            f"SET VARIABLE {name} = MAP(?::VARCHAR[], ?::{kind}[])",
            [list(mapping), list(mapping.values())],
        )
    in_order = sorted(editions["editions"], key=lambda e: e["in_force_from"])
    # the edition in force at a time: the last one in force since then (contiguous editions)
    cases = " ".join(
        f"WHEN t >= TIMESTAMPTZ '{e['in_force_from'].isoformat()} 00:00:00+00' THEN '{e['id']}'"
        for e in reversed(in_order)
    )
    con.execute(f"CREATE MACRO edition_at(t) AS CASE {cases} END")
    con.execute(
        "CREATE TABLE change_type "
        "(edition VARCHAR, id VARCHAR, channels VARCHAR[], takes_any BOOLEAN)"
    )
    con.executemany(
        "INSERT INTO change_type VALUES (?, ?, ?, ?)",
        [
            (
                str(t["edition"]),
                t["id"],
                channels if t["channels"] == "any" else t["channels"],
                t["channels"] == "any",
            )
            for t in change_types
        ],
    )
    con.execute("CREATE TABLE succeeds (edition VARCHAR, id VARCHAR, earlier VARCHAR)")
    con.executemany(
        "INSERT INTO succeeds VALUES (?, ?, ?)",
        [(str(t["edition"]), t["id"], e) for t in change_types for e in t.get("succeeds", [])],
    )
    con.execute("CREATE TABLE sop_category (edition VARCHAR, id VARCHAR)")
    con.executemany(
        "INSERT INTO sop_category VALUES (?, ?)", [(str(c["edition"]), c["id"]) for c in categories]
    )
    con.execute(
        "CREATE TABLE prohibited (edition VARCHAR, category VARCHAR, action VARCHAR, text VARCHAR)"
    )
    prohibited: dict[tuple[str, str, str], str] = {}
    for c in categories:
        for s in c.get("customer", []):
            if isinstance(s, dict):
                items = [i["text"] if isinstance(i, dict) else i for i in s.get("items", [])]
                text = s["text"] + (" " + "; ".join(items) if items else "")  # as quoted
                for a in s.get("prohibits", []):
                    prohibited[(str(c["edition"]), c["id"], a)] = text  # the last, as the checker
    con.executemany(
        "INSERT INTO prohibited VALUES (?, ?, ?, ?)", [(*k, v) for k, v in prohibited.items()]
    )
    con.execute("CREATE TABLE expected (what VARCHAR, edition VARCHAR, ids VARCHAR)")
    for what, items in (("change_type", change_types), ("sop_category", categories)):
        for e in in_order:
            ids = [str(x["id"]) for x in items if str(x["edition"]) == str(e["id"])]
            con.execute(
                "INSERT INTO expected VALUES (?, ?, ?)", [what, str(e["id"]), ", ".join(ids)]
            )
    first = in_order[0]
    variables: dict[str, Any] = {
        "parties": parties,
        "vocabulary": actions,
        "channels_known": channels,
        "first_edition": str(first["id"]),
        "first_since": first["in_force_from"].isoformat(),
        "end_of_life": editions["service"]["end_of_life"].isoformat(),
    }
    for name, value in variables.items():
        con.execute(f"SET VARIABLE {name} = ?", [value])


def run(records: Path, output: Path, data: Path) -> dict[str, int]:
    """Compute the findings of ``records`` into ``output``; per-rule counts."""
    con = duckdb.connect()
    load_params(con, data)
    con.execute("SET VARIABLE path = ?", [str(records)])
    with records.open(encoding="utf-8", newline="") as f:
        header = next(csv.reader(f), [])
    absent = "".join(f", NULL::VARCHAR AS {name}" for name in FIELDS if name not in header)
    con.execute(
        f"CREATE VIEW source AS SELECT *{absent} FROM read_csv(getvariable('path'),"
        " all_varchar = true, header = true)"
    )
    con.execute((HERE / "rules.sql").read_text(encoding="utf-8"))
    con.execute(
        "COPY (SELECT getvariable('path') AS file, line, record, rule, severity, field, message"
        " FROM findings ORDER BY line, rule) TO ? (FORMAT csv, HEADER)",
        [str(output)],
    )
    rows = con.execute("SELECT rule, count(*) FROM findings GROUP BY rule ORDER BY rule").fetchall()
    return {str(rule): int(n) for rule, n in rows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("records", type=Path, help="CSV of change records")
    parser.add_argument("--output", type=Path, required=True, help="findings CSV to write")
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="the data folder")
    args = parser.parse_args(argv)
    counts = run(args.records, args.output, args.data)
    print(" ".join(f"{rule}={n}" for rule, n in counts.items()) or "no findings")
    return 0


if __name__ == "__main__":
    sys.exit(main())

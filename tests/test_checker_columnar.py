"""CSV read by Arrow: a file gives the same findings, at the same lines and columns, whether
its chunk is read by Arrow without quotes, by Arrow with quoted cells (rows and commas
found by counting quotes) or by the standard library's reader (a literal quote inside a
cell); ids are the same read from CSV and from YAML; `iso_texts` agrees with NumPy."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handbook.checker.engine import Checker, CheckOptions
from handbook.checker.values import iso_texts

from .checker_support import handbook

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HEADER = [
    "id",
    "title",
    "initiator",
    "change_type",
    "sop_category",
    "emergency",
    "requires_admin_action",
    "notified_at",
    "channels",
    "support_request_at",
    "advised_at",
    "actions",
    "starts_at",
]
TIMES = {"notified_at", "support_request_at", "advised_at", "starts_at"}

# plain cells: no quote, comma, tab or line break, no edge spaces
plain = st.text(alphabet=st.sampled_from("aZ09-_:;. é☕"), min_size=1, max_size=12).filter(
    lambda s: s == s.strip()
)
long_cell = st.text(alphabet=st.sampled_from("ab;-"), min_size=60, max_size=90)
time_cell = st.one_of(
    st.datetimes(
        min_value=pd.Timestamp("2017-01-01").to_pydatetime(),
        max_value=pd.Timestamp("2024-12-31").to_pydatetime(),
    ).map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%S")),
    st.sampled_from(["2023-03-01", "2023-02-30", "2023-03-01T10:00"]),
).flatmap(
    lambda t: st.sampled_from(
        [t, t + "Z", t + "+01:00", t + "-0530", t + ".5Z", t + "+01:00:00"] if "T" in t else [t]
    )
)
VOCAB = {
    "initiator": ["microsoft", "customer", "vendor", "Microsoft"],
    "change_type": ["functionality", "feature-update", "policies", "nonsense"],
    "sop_category": ["policies", "certificates", "network", "apps"],
    "emergency": ["true", "false", "TRUE", "maybe"],
    "requires_admin_action": ["true", "false", "yes"],
    "channels": ["email", "message-center;email", "pigeon", "message-center;smoke"],
    "actions": ["edit-mmd-policy", "reboot", "edit-mmd-policy;reboot"],
}


def cell(name: str) -> st.SearchStrategy[str]:
    if name == "id":
        return st.sampled_from(["A", "B", "C", "CHG-0000001", "ü-1", "x" * 70, ""])
    if name in TIMES:
        return st.one_of(time_cell, st.just(""), plain)
    if name == "title":
        return st.one_of(plain, st.just(""))
    return st.one_of(st.sampled_from(VOCAB[name]), st.just(""), plain, long_cell)


rows = st.lists(st.tuples(*(cell(n) for n in HEADER)), min_size=1, max_size=12)


def findings(path: Path, titles: bool) -> pd.DataFrame:
    checker = Checker(handbook(), CheckOptions(titles=titles))
    parts = [r.findings for r in checker.run([path]) if len(r.findings)]
    if not parts:
        return pd.DataFrame(columns=["record", "rule", "message", "line", "column", "field"])
    frame = pd.concat(parts, ignore_index=True)
    frame["message"] = frame["message"].str.replace(str(path), "FILE", regex=False)
    frame = frame[["record", "rule", "message", "line", "column", "field"]].astype(object)
    return frame.where(frame.notna(), None).reset_index(drop=True)


@SETTINGS
@given(rows, st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_arrow_and_standard_library_readers_agree(
    cells: list[tuple[str, ...]], newline: str, blank_line: bool
) -> None:
    folder = Path(tempfile.mkdtemp(prefix="columnar"))
    lines = [",".join(HEADER), *(",".join(r) for r in cells)]
    if blank_line:
        lines.insert(2, "")
    plain = folder / "plain.csv"
    plain.write_bytes((newline.join(lines) + newline).encode("utf-8"))
    want = findings(plain, titles=False)
    # a quoted cell: Arrow reads it, rows and commas are found by counting quotes
    quoted = folder / "quoted.csv"
    extra = '"ZZZ"' + "," * (len(HEADER) - 1)
    quoted.write_bytes((newline.join([*lines, extra]) + newline).encode("utf-8"))
    # a quote inside a cell: the standard library's reader takes the chunk
    literal = folder / "literal.csv"
    extra = 'Z"Z' + "," * (len(HEADER) - 1)
    literal.write_bytes((newline.join([*lines, extra]) + newline).encode("utf-8"))
    for path in (quoted, literal):
        got = findings(path, titles=True)
        got = got[~got["record"].isin(["ZZZ", 'Z"Z'])].reset_index(drop=True)
        pd.testing.assert_frame_equal(got, want)


def test_ids_read_from_csv_and_from_yaml_are_the_same(tmp_path: Path) -> None:
    csv_file = tmp_path / "a.csv"
    csv_file.write_text(
        "id,initiator,sop_category,support_request_at,advised_at,starts_at\n"
        "R-1,customer,policies,2023-03-01,2023-03-02,2023-03-06\n"
        "Réglé-12345678,customer,policies,2023-03-01,2023-03-02,2023-03-06\n"
        f"{'L' * 80},customer,policies,2023-03-01,2023-03-02,2023-03-06\n",
        encoding="utf-8",
    )
    yaml_file = tmp_path / "b.yaml"
    yaml_file.write_text(
        "".join(
            f"- {{id: {rid}, initiator: customer, sop_category: policies, starts_at: 2023-01-01}}\n"
            for rid in ("R-1", "Réglé-12345678", "L" * 80, "R-2")
        ),
        encoding="utf-8",
    )
    got = findings_of([csv_file, yaml_file])
    assert [(r, line) for r, rule, line in got if rule == "E005"] == [
        ("R-1", 1),
        ("Réglé-12345678", 2),
        ("L" * 80, 3),
    ]


def findings_of(paths: list[Path]) -> list[tuple[str | None, str, int]]:
    checker = Checker(handbook(), CheckOptions(titles=False))
    out = []
    for result in checker.run(paths):
        f = result.findings
        out += list(zip(f["record"], f["rule"], f["line"], strict=True))
    return out


def test_iso_texts_match_numpy() -> None:
    rng = np.random.default_rng(7)
    micro = rng.integers(-3 * 10**17, 3 * 10**17, 20_000)
    times = np.concatenate(
        [
            micro.astype("datetime64[us]"),
            np.array(
                [
                    "NaT",
                    "0001-01-01T00:00:00",
                    "9999-12-31T23:59:59.999999",
                    "1969-12-31T23:59:59.5",
                ],
                dtype="datetime64[us]",
            ),
        ]
    )
    want = np.datetime_as_string(times.astype("datetime64[s]"), unit="s")
    assert iso_texts(times).tolist() == want.tolist()

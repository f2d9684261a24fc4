"""Property-based tests (hypothesis) over generated change records.

Bounded (``max_examples``) so the suite stays fast: the checker never crashes; adding
notice never adds an MMD001 finding; moving ``starts_at`` across an edition boundary
switches the edition; the time parser follows the record format to the nanosecond.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handbook.checker.check import check_paths
from handbook.checker.codes import CHECKER_CODES
from handbook.checker.records import FIELDS
from handbook.checker.values import INVALID, NAIVE, OK, OUT_OF_RANGE, parse_times

from .checker_support import handbook

SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CODES = {r.id for r in handbook().rules} | set(CHECKER_CODES)
BOUNDARY = datetime(2022, 12, 6, tzinfo=UTC)  # the 2022 edition is in force from here

texts = st.text(alphabet=st.sampled_from("aZ09-_:;., \t'\"\\é☕\n"), max_size=12)
times = st.datetimes(
    min_value=datetime(2015, 1, 1), max_value=datetime(2026, 1, 1), timezones=st.just(UTC)
).map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ"))
values = st.one_of(
    texts,
    times,
    st.sampled_from(
        [
            "microsoft",
            "customer",
            "functionality",
            "feature-update",
            "policies",
            "certificates",
            "true",
            "false",
            "2023-02-30",
            "2023-01-01T10:00",
            "email;cve",
            "edit-mmd-policy",
        ]
    ),
    st.booleans(),
    st.none(),
    st.lists(texts, max_size=3),
)
records = st.lists(
    st.dictionaries(st.sampled_from([*FIELDS, "waivers"]), values, max_size=10), max_size=6
)


def _write(text: str, suffix: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="prop"))
    path = folder / f"records{suffix}"
    path.write_text(text, encoding="utf-8")
    return path


@SETTINGS
@given(records)
def test_never_crashes_yaml(items: list[dict[str, object]]) -> None:
    report = check_paths(handbook(), [_write(json.dumps(items), ".yaml")])
    assert {f.rule for f in report.findings} <= CODES
    assert len(report.records) == len(items)


@SETTINGS
@given(records)
def test_never_crashes_csv(items: list[dict[str, object]]) -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(FIELDS)
    for item in items:
        row = []
        for name in FIELDS:
            value = item.get(name)
            if isinstance(value, list):
                value = ";".join(value)
            row.append(
                "" if value is None else str(value).lower() if isinstance(value, bool) else value
            )
        writer.writerow(row)
    path = _write(out.getvalue(), ".csv")
    report = check_paths(handbook(), [path])
    assert {f.rule for f in report.findings} <= CODES
    chunked = check_paths(handbook(), [path], chunk_size=2)
    assert [(f.rule, f.line) for f in chunked.findings] == [
        (f.rule, f.line) for f in report.findings
    ]


def _ms_record(starts: datetime, notice: timedelta, change_type: str) -> str:
    return json.dumps(
        [
            {
                "id": "P-1",
                "initiator": "microsoft",
                "change_type": change_type,
                "requires_admin_action": True,
                "channels": ["email"],
                "notified_at": (starts - notice).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "starts_at": starts.strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
        ]
    )


@SETTINGS
@given(
    starts=st.datetimes(
        min_value=datetime(2018, 7, 1), max_value=datetime(2024, 7, 1), timezones=st.just(UTC)
    ),
    notice=st.integers(min_value=-48, max_value=300).map(lambda h: timedelta(hours=h)),
    more=st.integers(min_value=0, max_value=400).map(lambda h: timedelta(hours=h)),
)
def test_adding_notice_never_adds_mmd001(
    starts: datetime, notice: timedelta, more: timedelta
) -> None:
    change_type = "functionality" if starts >= BOUNDARY else "quality-update"
    before = check_paths(handbook(), [_write(_ms_record(starts, notice, change_type), ".yaml")])
    after = check_paths(
        handbook(), [_write(_ms_record(starts, notice + more, change_type), ".yaml")]
    )
    count = [sum(f.rule == "MMD001" for f in r.findings) for r in (before, after)]
    assert count[1] <= count[0]
    assert count[0] == (notice < timedelta(days=5))


@SETTINGS
@given(
    before=st.integers(min_value=1, max_value=10**8),
    after=st.integers(min_value=0, max_value=10**8),
)
def test_moving_starts_at_across_the_boundary_switches_the_edition(before: int, after: int) -> None:
    text = json.dumps(
        [
            {
                "id": name,
                "initiator": "customer",
                "sop_category": "policies",
                "starts_at": (BOUNDARY + timedelta(seconds=delta)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
            for name, delta in (("early", -before), ("late", after))
        ]
    )
    report = check_paths(handbook(), [_write(text, ".yaml")])
    editions = {r.id: r.edition for r in report.records}
    assert editions == {"early": "2018", "late": "2022"}


shapes = st.tuples(
    st.integers(0, 9999),
    st.integers(0, 13),
    st.integers(0, 32),
    st.integers(0, 25),
    st.integers(0, 61),
    st.integers(0, 61),
    st.sampled_from(["Z", "z", "+01:00", "-0530", "+24:00", "+0160", "", "+01", "T", " "]),
    st.sampled_from(["T", "t", " ", "_"]),
    st.booleans(),
    st.sampled_from(["", ".5", ".000000001", ".123456789", ".1234567891", "."]),
)
_SHAPE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?"
    r"([Zz]|[+-]\d{2}:?\d{2})?)?"
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _reference(text: str) -> tuple[int, int]:
    """(status, nanoseconds since the epoch) of one time, by the standard library: the
    record format's rules written out independently of the Arrow parser under test."""
    m = _SHAPE.fullmatch(text)
    if m is None:
        return INVALID, 0
    y, mo, d, h, mi, s, fraction, offset = m.groups()
    if h is not None and offset is None:
        return NAIVE, 0
    sign, oh, om = 1, 0, 0
    if offset and offset not in "Zz":
        sign = -1 if offset[0] == "-" else 1
        oh, om = int(offset[1:3]), int(offset[-2:])
        if oh > 23 or om > 59:
            return INVALID, 0
    try:
        zone = timezone(sign * timedelta(hours=oh, minutes=om))
        moment = datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0), 0, zone)
    except ValueError:
        return INVALID, 0
    ns = (moment - _EPOCH) // timedelta(microseconds=1) * 1000 + int((fraction or "").ljust(9, "0"))
    if not pd.Timestamp.min.value <= ns <= pd.Timestamp.max.value:
        return OUT_OF_RANGE, 0  # times are nanosecond timestamps (1677 to 2262)
    return OK, ns


@SETTINGS
@given(st.lists(shapes, min_size=1, max_size=40))
def test_time_parser_follows_the_record_format(items: list[tuple]) -> None:  # type: ignore[type-arg]
    strings = []
    for y, mo, d, h, mi, s, off, sep, date_only, fraction in items:
        date = f"{y:04d}-{mo:02d}-{d:02d}"
        clock = f"{sep}{h:02d}:{mi:02d}:{s:02d}{fraction}{off}"
        strings.append(date if date_only else date + clock)
    got_times, got_status = parse_times(np.array(strings, dtype=object))
    for i, text in enumerate(strings):
        want_status, want_ns = _reference(text)
        assert got_status[i] == want_status, text
        if want_status == OK:
            assert got_times[i] == np.datetime64(want_ns, "ns"), text


def test_yaml_file_level_findings_keep_their_order_in_any_chunk_size(tmp_path: Path) -> None:
    """A document that is a bare mapping is an E001 of the file; with --chunk-size 1 it
    came right after the first batch's records, not at its line."""
    record = "- id: {0}\n  initiator: microsoft\n  change_type: functionality\n  starts_at: x\n"
    text = "".join(record.format(f"Y{i}") for i in range(4)) + "---\nid: Y9\n"
    text += "---\n" + "".join(record.format(f"Z{i}") for i in range(3))
    path = tmp_path / "r.yaml"
    path.write_text(text, encoding="utf-8")
    whole = [(f.rule, f.line) for f in check_paths(handbook(), [path]).findings]
    assert ("E001", 18) in whole and whole == sorted(whole, key=lambda f: f[1])
    for size in (1, 2, 3):
        chunked = check_paths(handbook(), [path], chunk_size=size).findings
        assert [(f.rule, f.line) for f in chunked] == whole, size

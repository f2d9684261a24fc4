"""Streaming in chunks: the same findings as a whole run, duplicates across chunks."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from handbook.checker.check import check_paths
from handbook.checker.duplicates import SeenIds

from .checker_support import handbook

HEADER = "id,initiator,change_type,requires_admin_action,notified_at,channels,starts_at\n"


def _rows(n: int, dup_every: int = 0) -> str:
    out = []
    for i in range(n):
        rid = f"R{i % dup_every}" if dup_every else f"R{i}"
        day = 1 + i % 5
        out.append(
            f"{rid},microsoft,functionality,true,2023-03-0{day}T00:00:00Z,email,2023-03-06\n"
        )
        if i % 7 == 3:
            out.append("\n")
    return "".join(out)


def _codes(report):  # type: ignore[no-untyped-def]
    return [(f.record, f.rule, f.line, f.column, f.message) for f in report.findings]


def test_chunks_give_the_same_findings(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(HEADER + _rows(300, dup_every=97), encoding="utf-8")
    whole = check_paths(handbook(), [path])
    assert {f.rule for f in whole.findings} == {"MMD001", "E005"}
    for size in (1, 7, 64, 1000):
        chunked = check_paths(handbook(), [path], chunk_size=size)
        assert _codes(chunked) == _codes(whole), size
        assert len(chunked.records) == 300


def test_duplicates_across_chunks_and_files(tmp_path: Path) -> None:
    one = tmp_path / "a.csv"
    one.write_text(HEADER + _rows(50), encoding="utf-8")
    two = tmp_path / "b.yaml"
    two.write_text(
        "- {id: R49, initiator: microsoft, change_type: functionality, starts_at: 2023-01-01}\n"
        "- {id: R0, initiator: microsoft, change_type: functionality, starts_at: 2023-01-01}\n",
        encoding="utf-8",
    )
    report = check_paths(handbook(), [one, two], chunk_size=10)
    dups = [(f.record, f.line) for f in report.findings if f.rule == "E005"]
    assert dups == [("R49", 1), ("R0", 2)]
    first = next(f for f in report.findings if f.rule == "E005")
    assert f"{one}:" in first.message


def test_quoted_records_spanning_a_chunk_boundary(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    rows = "".join(
        f'R{i},"line one\nline two",microsoft,functionality,2023-01-01T10:00\n' for i in range(9)
    )
    path.write_text("id,title,initiator,change_type,starts_at\n" + rows, encoding="utf-8")
    whole = check_paths(handbook(), [path])
    assert [f.line for f in whole.findings] == [3 + 2 * i for i in range(9)]
    for size in (1, 2, 5):
        assert _codes(check_paths(handbook(), [path], chunk_size=size)) == _codes(whole)


def test_seen_ids() -> None:
    seen = SeenIds()
    for start in range(0, 1000, 100):
        keys = np.array([f"ID-{k * 7919}".encode() for k in range(start, start + 100)])
        hit, _, _ = seen.find(keys)
        assert not hit.any()
        seen.add(keys, 3, np.arange(start, start + 100))
    asked = np.array([b"ID-39595", f"ID-{7919 * 999}".encode(), b"ID-1"])
    hit, fileno, line = seen.find(asked)
    assert hit.tolist() == [True, True, False]
    assert fileno.tolist()[:2] == [3, 3] and line.tolist()[:2] == [5, 999]
    assert len(seen) == 1000


def test_seen_ids_across_files_and_widths() -> None:
    seen = SeenIds()
    for fileno in range(6):  # runs of several files merge into one; ids grow longer
        keys = np.array([("x" * fileno + str(k)).encode() for k in range(10)])
        seen.find(keys)
        seen.add(keys, fileno, np.arange(10) + 100 * fileno)
    hit, fileno_, line = seen.find(np.array([b"5", b"xx5", b"xxxxx9", b"xxxxxx9"]))
    assert hit.tolist() == [True, True, True, False]
    assert fileno_.tolist()[:3] == [0, 2, 5]
    assert line.tolist()[:3] == [5, 205, 509]


def test_duplicate_ids_are_exact(tmp_path: Path) -> None:
    """Ids that a 64-bit hash could confuse are told apart: compared byte by byte,
    including ids too long for the sorted runs and ids that differ in their last byte."""
    long = "L" * 100
    path = tmp_path / "r.csv"
    ids = ["A", "A\u00e9", long, long + "x", "A", long, "B"]
    path.write_text(
        HEADER + "".join(f"{i},microsoft,functionality,,,,2023-03-06\n" for i in ids),
        encoding="utf-8",
    )
    report = check_paths(handbook(), [path], chunk_size=2)
    dups = [(f.record, f.line) for f in report.findings if f.rule == "E005"]
    assert dups == [("A", 6), (long, 7)]

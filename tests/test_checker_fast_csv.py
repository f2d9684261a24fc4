"""The fast CSV path without titles (what ``handbook check`` reads for reports that show no
records): the same findings, at the same lines and columns, as the careful reader."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from handbook.checker.engine import Checker, CheckOptions
from handbook.checker.records import iter_batches

from .checker_support import handbook

HEADER = "id,title,initiator,change_type,notified_at,channels,requires_admin_action,starts_at"
ROWS = [
    "A,café ☕ déjà vu,microsoft,functionality,2023-03-02T09:00:00Z,message-center;pigeon,true,"
    "2023-03-06T09:00:00Z",
    "B,plain,microsoft,nonsense,2023-03-01,email,false,2023-03-10",
    "C,ünïcödé,vendor,functionality,2023-01-01T10:00,,,2023-01-01",
    "D,,microsoft,functionality,,smoke;message-center,maybe,2023-02-30",
    "E,last one,microsoft,,2023-03-01T00:00:00Z,email,true,2023-03-02T00:00:00Z",
]


def findings(path: Path, titles: bool) -> pd.DataFrame:
    checker = Checker(handbook(), CheckOptions(titles=titles))
    parts = [r.findings for r in checker.run([path]) if len(r.findings)]
    frame = pd.concat(parts, ignore_index=True)
    frame["message"] = frame["message"].str.replace(str(path), "FILE", regex=False)
    return frame[["record", "rule", "message", "line", "column", "field"]]


def write(path: Path, lines: list[str], newline: str = "\n") -> Path:
    path.write_bytes((newline.join(lines) + newline).encode("utf-8"))
    return path


def test_fast_path_skips_titles_and_keeps_locations(tmp_path: Path) -> None:
    for newline in ("\n", "\r\n"):
        fast = write(tmp_path / "fast.csv", [HEADER, *ROWS, "", *ROWS[:1]], newline)
        # a quoted cell anywhere sends the whole file to the careful reader
        careful = write(
            tmp_path / "careful.csv", [HEADER, *ROWS, "", *ROWS[:1], '"Z",,customer,,,,,'], newline
        )
        batch = next(iter_batches([fast], titles=False))
        assert "title" not in batch.read and "title" not in batch.frame.columns
        ids = batch.read["id"].cells.texts()
        assert ids.tolist() == ["A", "B", "C", "D", "E", "A"]
        got = findings(fast, titles=False)
        with_titles = findings(fast, titles=True)
        want = findings(careful, titles=True)
        want = want[want["record"] != "Z"].reset_index(drop=True)
        pd.testing.assert_frame_equal(got, want)
        pd.testing.assert_frame_equal(with_titles, want)
        assert (got["column"] > 0).any()


def test_rows_of_the_wrong_width_are_reported_without_titles(tmp_path: Path) -> None:
    # one row too wide and one too narrow: the commas add up, the rows do not
    wide = ROWS[1] + ",extra"
    narrow = ROWS[4].rsplit(",", 1)[0]
    path = write(tmp_path / "r.csv", [HEADER, ROWS[0], wide, narrow, ROWS[2]])
    for titles in (False, True):
        got = findings(path, titles=titles)
        e001 = got[got["rule"] == "E001"]
        assert e001["line"].tolist() == [3, 4]
        assert set(got["record"].dropna()) == {"A", "C"}


def test_unknown_columns_are_not_read_and_still_counted(tmp_path: Path) -> None:
    def with_note(line: str, note: str) -> str:
        cells = line.split(",")
        return ",".join([*cells[:2], note, *cells[2:]])

    header = with_note(HEADER, "note")
    rows = [with_note(r, f"nöte {i}" if i % 2 else "") for i, r in enumerate(ROWS)]
    fast = write(tmp_path / "fast.csv", [header, *rows])
    careful = write(tmp_path / "careful.csv", [header, *rows, '"Z",,,customer,,,,,'])
    batch = next(iter_batches([fast], titles=False))
    assert "note" not in batch.frame.columns
    want = findings(careful, titles=True)
    want = want[want["record"] != "Z"].reset_index(drop=True)
    pd.testing.assert_frame_equal(findings(fast, titles=False), want)

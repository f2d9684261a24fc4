"""What the readers of change-record files make (`handbook.checker.reading`): a `Batch` of
Arrow string columns, one per field of the record format (`FIELDS`, from
`handbook.checker.codes.FIELD_SPECS`), with a `Locator` that finds the line and column of
a field only for the rows that have findings, and `Issue` values for what stops a file or
an item from becoming a row (E001) or a value's type seen while reading (E003); values are
checked column-wise by `handbook.checker.validate`.
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]

# The record format (FIELD_SPECS) lives in `handbook.checker.codes`, which has no pandas.
from handbook.checker.codes import FIELD_SPECS
from handbook.checker.values import strings
from handbook.model.entities import TIME_FIELDS
from handbook.model.sources import not_a_file

#: Value fields of a change record, in the spec's order (``waivers`` is read apart).
FIELDS: tuple[str, ...] = tuple(s.name for s in FIELD_SPECS if s.name != "waivers")
BOOL_FIELDS: tuple[str, ...] = ("emergency", "requires_admin_action", "approval_required")
LIST_FIELDS: tuple[str, ...] = ("channels", "actions")
assert set(TIME_FIELDS) <= set(FIELDS)

CSV_SUFFIXES = (".csv",)


#: Words a field's name may carry or leave out and still be the field (``is_emergency``,
#: ``emergency_change``, ``record_id``), by their first five letters (`_words`).
_FILLERS = frozenset({"is", "chang", "recor"})


def _words(name: str) -> frozenset[str]:
    """The words of a ``_``-joined name by their first five letters, fillers left out
    (``requires_approval`` and ``approval_required`` are ``{requi, appro}``)."""
    words = {w[:5] for w in name.split("_") if w}
    return frozenset(words - _FILLERS or words)


def misspelt(name: str) -> str | None:
    """The record field that ``name`` (a YAML key or CSV column that is not a field) looks
    like a misspelling of, or None: the same name in another case or with ``-`` or spaces
    for ``_``, else the field of the same words in another order or form
    (``requires_approval``, ``admin_action_required``, ``emergency_change``), else the
    closest field at least 80% alike (`difflib.get_close_matches`). A field the checker
    reads is never misspelt (None)."""
    known = (*FIELDS, "waivers")
    if name in known:
        return None
    plain = "_".join(name.strip().lower().replace("-", " ").split())
    if plain in known:
        return plain
    same = [f for f in known if _words(f) == _words(plain)]
    if same:
        return same[0]
    close = difflib.get_close_matches(plain, known, n=1, cutoff=0.8)
    return close[0] if close else None


def misspelt_message(name: str, field: str) -> str:
    """The W002 message for ``name``, which looks like ``field``."""
    return f"'{name}' is not a record field and is ignored; did you mean '{field}'?"


@dataclass(frozen=True, slots=True)
class Issue:
    """A problem found while reading; ``row`` is the record's row in its batch (None: no
    row, e.g. a broken file), ``record`` its id when known."""

    code: str
    message: str
    file: str
    line: int | None
    row: int | None = None
    record: str | None = None
    field: str | None = None
    column: int | None = None


@dataclass(frozen=True, slots=True)
class RecordWaiver:
    """A waiver written on a record (its ``waivers:`` field), values as written (None when
    absent), not yet validated; ``row`` is the record's row in its batch."""

    row: int
    rule: Any
    reason: Any
    approved_by: Any
    expires_on: Any
    record: Any
    line: int
    column: int
    problem: str | None = None


#: The keys of a waiver as written (`RecordWaiver`'s values, `handbook.checker.waivers.validate`).
WAIVER_KEYS = ("rule", "reason", "approved_by", "expires_on", "record")


class Locator(Protocol):
    """Where fields of a batch's rows are written."""

    def locate(
        self, rows: np.ndarray, fields: Sequence[str | None], items: Sequence[str | None]
    ) -> tuple[np.ndarray, np.ndarray]:
        """1-based ``(lines, columns)`` (int64 arrays; column 0 = unknown) of ``fields``
        of ``rows``; ``items`` names a list item (a channel, an action) or None. An
        absent field gives the record's first line."""
        ...


@dataclass
class Batch:
    """Records of one file, or of one chunk of a file.

    Attributes:
        file: the file as given.
        fileno: index of the file in the run.
        columns: every field of `FIELDS` -> Arrow string array, one value per record
            (null when absent).
        lines: int64 array, the 1-based line where each record starts.
        issues: read-time problems (E001 for the file or an item; E003 with ``row``).
        skipped: lines of items reported (E001) instead of becoming rows; they still
            count as records of the run.
        locator: positions of fields (`Locator`).
        waivers: waivers written on records (``waivers:``).
        nbytes: bytes of input this batch covers (for progress).
    """

    file: str
    fileno: int
    columns: dict[str, pa.Array]
    lines: np.ndarray
    issues: list[Issue] = field(default_factory=list)
    skipped: list[int | None] = field(default_factory=list)
    locator: Locator | None = None
    waivers: list[RecordWaiver] = field(default_factory=list)
    nbytes: int = 0

    def __len__(self) -> int:
        return len(self.lines)


def columns_of(frame: pd.DataFrame, n: int) -> dict[str, pa.Array]:
    """`Batch.columns` from a frame of texts (None/NaN when absent; missing fields are
    absent from every record)."""
    return {
        f: strings(frame[f].to_numpy(dtype=object))
        if f in frame.columns
        else pa.nulls(n, pa.string())
        for f in FIELDS
    }


def empty_batch(file: str, fileno: int, issues: list[Issue], nbytes: int = 0) -> Batch:
    """A batch of no records carrying problems of the file itself."""
    return Batch(
        file, fileno, columns_of(pd.DataFrame(), 0), np.zeros(0, np.int64), issues, nbytes=nbytes
    )


# --- reading ---------------------------------------------------------------------------------


#: The E001 message for UTF-16 text: what Excel saves as "Unicode Text" (tab-separated),
#: and Windows PowerShell 5's ``Out-File`` and ``>`` write.
UTF16_MESSAGE = (
    "not UTF-8 text: the file is UTF-16 (as Excel's \"Unicode Text\" and Windows PowerShell's"
    " '>' write it); save it as UTF-8 (Excel: \"CSV UTF-8 (Comma delimited)\"; PowerShell:"
    " Out-File -Encoding utf8)"
)


def not_utf8(byte: int, where: str, csv: bool = False) -> str:
    """The E001 message for a ``byte`` that is not UTF-8 ``where`` (``at offset 9``, ``on
    this line``), with the character it is in Windows-1252 (0xe9: é), which Excel's plain
    "CSV (Comma delimited)" (``csv``: named) and Windows PowerShell 5 write."""
    try:
        char = f", '{bytes([byte]).decode('cp1252')}' in Windows-1252"
    except UnicodeDecodeError:
        char = ""
    excel = " (in Excel: CSV UTF-8 (Comma delimited))" if csv else ""
    return f"not UTF-8 text (byte 0x{byte:02x} {where}{char}); save the file as UTF-8{excel}"


def _utf16(raw: bytes) -> bool:
    """Whether ``raw`` looks like UTF-16: a UTF-16 byte-order mark, or text starting with
    two ASCII characters each followed or preceded by a NUL byte."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    head = raw[:4]
    return len(head) == 4 and (
        (head[1] == head[3] == 0 and head[0] != 0 and head[2] != 0)
        or (head[0] == head[2] == 0 and head[1] != 0 and head[3] != 0)
    )


def decode_text(raw: bytes, file: str) -> tuple[str | None, Issue | None]:
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    if _utf16(raw):
        return None, Issue("E001", UTF16_MESSAGE, file, 1)
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        at = exc.start
        message = not_utf8(raw[at], f"at offset {at}")
        return None, Issue("E001", message, file, raw[:at].count(b"\n") + 1)


def unreadable(path: Path) -> str | None:
    """Why ``path`` is no change-record file to read (an E001 message: a folder, a device
    or socket but not a pipe, `handbook.model.sources.not_a_file`, or a name too long)."""
    try:
        if path.is_dir():
            return "is a folder, not a change-record file"
    except OSError as exc:
        return f"cannot read the file: {exc.strerror or exc}"
    return not_a_file(path, pipes=True)


#: The path that names standard input (read as YAML or JSON).
STDIN = "-"


def read_bytes(path: Path, file: str) -> tuple[bytes | None, Issue | None]:
    if file == STDIN:
        try:
            return sys.stdin.buffer.read(), None
        except OSError as exc:
            return None, Issue("E001", f"cannot read standard input: {exc.strerror}", file, None)
    why = unreadable(path)
    if why is not None:
        return None, Issue("E001", why, file, None)
    try:
        return path.read_bytes(), None
    except FileNotFoundError:
        return None, Issue("E001", "file not found", file, None)
    except OSError as exc:
        return None, Issue("E001", f"cannot read the file: {exc.strerror}", file, None)

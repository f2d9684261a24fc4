"""Reading CSV change-record files with Arrow into `handbook.checker.records.Batch` values.

The file is cut into chunks of whole rows (`_Chunks`, ``--chunk-size`` at a time), each
parsed by ``pyarrow.csv.read_csv`` as text (`_parse`); rows' offsets and lines are found
with NumPy (`handbook.checker.csvrows`). A chunk Arrow cannot read as the format wants
goes through the standard library's reader (`_careful`): a row of the wrong width (E001
for that row), malformed quoting or a byte that is not UTF-8 or NUL (E001, and the file
is not read further; the rows before it are checked, `_cut`). A byte-order mark and CRLF
are accepted; cells are stripped and an empty cell is an absent field.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.csv as pacsv  # type: ignore[import-untyped]

from handbook.checker.csvrows import CsvLocator, clean_cells, lone_cr, row_ends, strict_quotes
from handbook.checker.records import (
    FIELDS,
    Batch,
    Issue,
    columns_of,
    decode_text,
    empty_batch,
    misspelt,
    misspelt_message,
    not_utf8,
    unreadable,
)
from handbook.model.csvtext import QUOTE_HINT

if TYPE_CHECKING:
    from handbook.checker.mapping import Mapping

#: Bytes read from a file at a time.
BLOCK_BYTES = 1 << 24
_NL, _CR = 10, 13
# a cell may be as long as its file, as in YAML: the standard library's reader refused one
# over 128 KiB ("field larger than field limit") as if its quoting were broken
csv.field_size_limit(max(csv.field_size_limit(), (1 << 31) - 1))


def _arrow_copy(raw: np.ndarray) -> pa.Buffer:
    """``raw`` (bytes as ``uint8``) copied into memory Arrow owns, for Arrow's CSV reader.

    Not the Python bytes themselves (``io.BytesIO``, ``pa.py_buffer``): the reader is
    released by one of Arrow's threads after ``read_csv`` returns, and releasing a Python
    object there takes the GIL, which aborts the process when the interpreter is exiting
    ("terminate called without an active exception", exit 134: about 1 run of ``handbook
    check`` in 40 on a loaded machine; a core dump showed ``PyReadableFile``'s destructor on
    an Arrow worker). The copy costs about 1 ms per 13 MB chunk (100,000 records)."""
    buf = pa.allocate_buffer(len(raw))
    np.frombuffer(buf, dtype=np.uint8)[:] = raw
    return buf


class _Chunks:
    """Whole rows of a binary file, ``n`` at a time (blank lines count as rows); the
    bytes not yet taken are ``buf[pos:]``, and ``ends`` the offsets in ``buf`` of the
    row ends found in it (`row_ends`: ``buf`` always starts at a row's start)."""

    def __init__(self, f: BinaryIO) -> None:
        self.f = f
        self.buf = b""
        self.pos = 0
        self.ends = np.zeros(0, dtype=np.int64)
        self.eof = False
        self.first = True

    def _more(self) -> None:
        data = self.f.read(BLOCK_BYTES)
        if self.first:
            self.first = False
            data = data.removeprefix(b"\xef\xbb\xbf")
        if not data:
            self.eof = True
        self.buf = self.buf[self.pos :] + data
        self.pos = 0
        self.ends = row_ends(self.buf)

    def skip_blank_lines(self) -> int:
        """Drop the blank lines before the first one with text; how many were dropped."""
        dropped = 0
        while True:
            if self.pos >= len(self.buf) and not self.eof:
                self._more()
            rest = memoryview(self.buf)[self.pos :]
            text_at = self.pos + len(rest) - len(bytes(rest).lstrip())
            if text_at < len(self.buf) or self.eof:
                cut = self.buf.rfind(b"\n", self.pos, text_at) + 1
            else:
                cut = self.buf.rfind(b"\n", self.pos) + 1
            if cut > self.pos:
                dropped += self.buf.count(b"\n", self.pos, cut)
                self.pos = cut
            if text_at < len(self.buf) or self.eof:
                return dropped
            self._more()

    def take(self, n: int | None) -> tuple[bytes, np.ndarray]:
        """The next ``n`` rows (all the rest when None), line ends included (b"" at the
        end of the file), and the offsets of their row ends in that chunk."""
        while True:
            first = int(np.searchsorted(self.ends, self.pos))
            cut = None
            if n is not None and first + n <= len(self.ends):
                cut = int(self.ends[first + n - 1]) + 1
            if cut is not None or self.eof:
                break
            self._more()
        if cut is None:
            cut = len(self.buf)
        chunk = self.buf[self.pos : cut]
        ends = self.ends[first : first + (len(self.ends) if n is None else n)] - self.pos
        self.pos = cut
        return chunk, ends[ends < len(chunk)]


_WAIVERS_COLUMN = (
    "a 'waivers' column is not read from CSV; write waivers in a waivers file (--waivers) or "
    "in YAML records"
)


class _Reader:
    """One CSV file: its header, then `Batch` values of its records."""

    def __init__(
        self, file: str, fileno: int, chunk_size: int | None, mapping: Mapping | None, titles: bool
    ) -> None:
        self.file = file
        self.fileno = fileno
        self.chunk_size = chunk_size
        self.mapping = mapping
        self.titles = titles
        self.header: list[str] = []  # column names, unnamed and repeated other ones made unique
        self.names: list[str] = []  # column names as written
        self.field_col: dict[str, int] = {}

    def _issue(self, message: str, line: int | None) -> Batch:
        return empty_batch(self.file, self.fileno, [Issue("E001", message, self.file, line)])

    def batches(self, chunks: _Chunks) -> Iterator[Batch]:
        line_no = chunks.skip_blank_lines()  # lines read so far
        head, _ = chunks.take(1)  # the header: the first row that is not blank
        if not head.strip():
            # a header alone is an export of no changes; nothing is more often a failed one
            yield self._issue("the file has no header row (an export of no changes has one)", 1)
            return
        header_line = line_no + 1
        line_no += head.count(b"\n")
        text, issue = decode_text(head, self.file)
        if text is None:
            assert issue is not None
            yield self._issue(issue.message, header_line)
            return
        try:
            rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
        except csv.Error as exc:
            yield self._issue(f"not valid CSV: {exc}", header_line)
            return
        if len(rows) > 1:  # the rows are cut by lone CRs, not newlines: the rest would be lost
            yield self._issue(
                "lines end with a lone carriage return (classic Mac line ends), so the file "
                "reads as one line; save it with LF or CRLF line ends",
                header_line,
            )
            return
        self.names = [c.strip() for c in (rows[0] if rows else [])]
        self.header = self._unique(self.names)
        problem = self._header_problem(self.names)
        if problem is not None:
            yield self._issue(problem, header_line)
            return
        if self.mapping is not None:  # an export read through a mapping has its own columns
            absent = self.mapping.absent(self.names)
            issues = [Issue("W002", m, self.file, header_line) for m in absent]
        else:
            self.field_col = {f: self.header.index(f) for f in FIELDS if f in self.header}
            issues = self._misspelt(text, header_line)
            if "waivers" in self.header:
                issues.append(Issue("E001", _WAIVERS_COLUMN, self.file, header_line))
        produced = False
        while True:
            chunk, ends = chunks.take(self.chunk_size)
            if not chunk:
                break
            batch, stop = self._chunk(chunk, ends, line_no + 1)
            # without quotes every newline ends a row (``ends``); with, some are in cells
            line_no += chunk.count(b"\n") if b'"' in chunk else len(ends)
            batch.issues[:0] = issues
            issues = []
            produced = True
            yield batch
            if stop:
                return
        if not produced:
            yield empty_batch(self.file, self.fileno, issues)

    def _misspelt(self, text: str, line: int) -> list[Issue]:
        """W002 for each header column that looks like a misspelt field (column numbers
        when the header has no quotes)."""
        quoted = '"' in text
        widths = [] if quoted else [len(c) + 1 for c in text.rstrip("\r\n").split(",")[:-1]]
        starts = list(itertools.accumulate(widths, initial=1))
        issues = []
        for j, name in enumerate(self.names):
            if (field := misspelt(name) if name else None) is not None:
                column = starts[j] if j < len(starts) and not quoted else None
                message = misspelt_message(name, field)
                issues.append(Issue("W002", message, self.file, line, column=column))
        return issues

    def _read(self) -> set[str]:
        """The columns read: the record fields, or the columns the mapping reads."""
        return set(self.mapping.columns()) if self.mapping is not None else set(FIELDS)

    def _unique(self, names: list[str]) -> list[str]:
        """``names`` with each unnamed column (a spreadsheet's empty trailing columns) and
        each repeat of a column that is not read named by its position (`` column 7``: a
        leading space, which no stripped name has), so they are read and ignored."""
        read, seen, out = self._read(), set(), []
        for j, name in enumerate(names):
            out.append(
                f" column {j + 1}" if not name or (name in seen and name not in read) else name
            )
            seen.add(name)
        return out

    def _header_problem(self, header: list[str]) -> str | None:
        """Why the header row cannot be read (an E001 message), or None."""
        read = self._read()
        twice = sorted({c for c in header if c in read and header.count(c) > 1})
        if twice:
            return (
                f"the header names the column '{twice[0]}' twice, so which one to read is "
                "unclear; keep one of them"
            )
        joined = ",".join(header)  # an export under --map is as often saved with ';'
        sep = next((n for c, n in ((";", "semicolons"), ("\t", "tabs")) if c in joined), None)
        hint = (
            f"; the header looks separated by {sep}: save the file as comma-separated CSV"
            if sep and len(header) == 1
            else ""
        )
        if self.mapping is not None:
            wanted = self.mapping.columns()
            if not any(c in header for c in wanted):
                return (
                    "the header names none of the columns the mapping reads; expected "
                    "columns such as: " + ", ".join(wanted) + hint
                )
        elif not any(f in header for f in FIELDS):
            meant = [(c, m) for c in header if (m := misspelt(c)) is not None]
            if meant and not hint:  # Title Case or spaced names: say how each is written
                hint = "; column names are exact: " + ", ".join(
                    f"'{m}' for '{c}'" for c, m in meant
                )
            return (
                "the header row names no change-record field; expected "
                "columns such as: " + ", ".join(FIELDS) + hint
            )
        return None

    def _wanted(self) -> list[str]:
        """Header columns to read: the record fields (or the mapping's columns); titles
        only when a report lists records."""
        skip = {"title"} if self.mapping is None and not self.titles else set()
        wanted = self._read() - skip
        return [c for c in self.header if c in wanted]

    def _chunk(self, chunk: bytes, ends: np.ndarray, first_line: int) -> tuple[Batch, bool]:
        """One batch from whole rows (``ends``: the offsets of their row ends); ``stop``
        when the file cannot be read on."""
        if not chunk.isascii():
            try:
                chunk.decode("utf-8")
            except UnicodeDecodeError as exc:
                message = not_utf8(chunk[exc.start], "on this line", csv=True)
                return self._cut(chunk, ends, first_line, exc.start, message), True
        nul = chunk.find(b"\x00")
        if nul >= 0:
            message = "contains a NUL byte: not a text file"
            return self._cut(chunk, ends, first_line, nul, message), True
        if chunk.isspace():
            return empty_batch(self.file, self.fileno, [], len(chunk)), False
        parsed = None
        if not lone_cr(chunk) and chunk.count(b'"') % 2 == 0:
            parsed = self._parse(chunk, ends, first_line)
        if parsed is None:
            return self._careful(chunk, first_line)
        return parsed, False

    def _cut(self, chunk: bytes, ends: np.ndarray, first_line: int, at: int, message: str) -> Batch:
        """The rows before the one holding byte ``at``, past which the file cannot be read,
        and the E001 ``message`` at that byte's line and column: the rows before it are checked
        whatever --chunk-size put in this chunk."""
        start = chunk.rfind(b"\n", 0, at) + 1  # the byte's column, in characters
        column = len(chunk[start:at].decode("utf-8", "replace")) + 1
        line = first_line + chunk.count(b"\n", 0, at)
        issue = Issue("E001", message, self.file, line, column=column)
        before = ends[ends < at]
        if not len(before):
            return empty_batch(self.file, self.fileno, [issue])
        batch, stop = self._chunk(chunk[: int(before[-1]) + 1], before, first_line)
        if not stop:  # else the reading stopped at an earlier row, as it does row by row
            batch.issues.append(issue)
        return batch

    def _parse(self, chunk: bytes, ends: np.ndarray, first_line: int) -> Batch | None:
        """The chunk read by Arrow; None when it needs the standard library's reader (a row of the
        wrong width, quoting the standard library refuses)."""
        starts = np.concatenate(([0], ends + 1))
        stops = np.append(ends, len(chunk))
        keep = starts < len(chunk)
        starts, stops = starts[keep], stops[keep]
        raw = np.frombuffer(chunk, dtype=np.uint8)
        width = stops - starts - (raw[np.maximum(stops - 1, 0)] == _CR)
        nonblank = width > 0
        for i in np.flatnonzero(nonblank & np.isin(raw[starts], (9, 32))).tolist():
            nonblank[i] = bool(chunk[starts[i] : stops[i]].strip())
        starts = starts[nonblank]
        # a row of empty cells only (``,,,``: a spreadsheet's empty row) is no record
        empty = np.zeros(len(starts), dtype=bool)
        stops = stops[nonblank]
        first = raw[starts]  # only a row whose first cell is empty can be (a record has an id)
        after = raw[np.minimum(starts + 1, len(raw) - 1)]
        maybe = np.isin(first, (9, 32, 44)) | ((first == 34) & (after == 34))
        for i in np.flatnonzero(maybe).tolist():
            empty[i] = not chunk[starts[i] : stops[i]].strip(b' \t\r,"')
        quoted = b'"' in chunk
        if quoted and not strict_quotes(chunk):
            return None
        wanted = self._wanted()
        try:
            table = pacsv.read_csv(
                pa.BufferReader(_arrow_copy(raw)),
                read_options=pacsv.ReadOptions(column_names=self.header),
                # a row of the wrong width fails the read: `_careful` reports it
                parse_options=pacsv.ParseOptions(newlines_in_values=quoted),
                convert_options=pacsv.ConvertOptions(
                    column_types={c: pa.string() for c in self.header},
                    include_columns=wanted,
                    strings_can_be_null=True,
                    quoted_strings_can_be_null=True,
                    null_values=[""],
                ),
            )
        except pa.ArrowInvalid:
            return None
        if table.num_rows != len(starts):
            return None
        if quoted:  # a row's line: the newlines before it, inside quotes too
            lines = first_line + np.searchsorted(np.flatnonzero(raw == _NL), starts)
        else:  # every line is a row
            lines = first_line + np.flatnonzero(nonblank)
        if empty.any():
            table, starts, lines = table.filter(pa.array(~empty)), starts[~empty], lines[~empty]
        ascii = chunk.isascii()
        raw_cols = {c: clean_cells(table.column(c), ascii) for c in wanted}
        return self._batch(chunk, starts, lines.astype(np.int64), raw_cols, table.num_rows)

    def _careful(self, chunk: bytes, first_line: int) -> tuple[Batch, bool]:
        """The chunk read by the standard library's reader, which knows each row's
        physical line, reports rows of the wrong width and refuses malformed quoting."""
        text = chunk.decode("utf-8")
        ncols = len(self.header)
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        rows: list[list[str]] = []
        row_lines: list[int] = []
        issues: list[Issue] = []
        skipped: list[int | None] = []
        line, stop = 1, False
        try:
            for cells in reader:
                start, line = line, reader.line_num + 1
                if all(not c.strip() for c in cells):  # a blank line, or empty cells only
                    continue
                if len(cells) != ncols:
                    where = first_line + start - 1
                    ids = self.header.index("id") if "id" in self.header else ncols
                    message = (
                        f"row has {len(cells)} cell(s), the header has {ncols} (columns are: "
                        f"{', '.join(self.names)}; quote cells that contain commas)"
                    )  # with the id when its cell is there, so the report names the record
                    rid = cells[ids].strip() or None if ids < len(cells) else None
                    issues.append(Issue("E001", message, self.file, where, record=rid))
                    skipped.append(where)
                    continue
                rows.append(cells)
                row_lines.append(start)
        except csv.Error as exc:
            # the row in error starts on `line`; a quote left open there runs on to later lines
            where, at = first_line + line - 1, first_line + reader.line_num - 1
            message = f"not valid CSV: {exc}"
            if at > where:
                message += f" (on line {at}, in the row that starts here)"
            issues.append(Issue("E001", f"{message}; {QUOTE_HINT}", self.file, where))
            stop = True
        local = np.asarray(row_lines, dtype=np.int64)
        raw = np.frombuffer(chunk, dtype=np.uint8)
        line_starts = np.concatenate(([0], np.flatnonzero(raw == _NL) + 1))
        if b"\r" in chunk:  # a lone carriage return ends a line too
            cr = np.flatnonzero(raw == _CR)
            lone = cr[(cr + 1 >= len(raw)) | (raw[np.minimum(cr + 1, len(raw) - 1)] != _NL)]
            line_starts = np.sort(np.concatenate((line_starts, lone + 1)))
        starts = line_starts[local - 1] if len(local) else np.zeros(0, np.int64)
        columns = {c: [r[j] for r in rows] for j, c in enumerate(self.header)}
        raw_cols = {c: clean_cells(pa.array(columns[c], pa.string())) for c in self._wanted()}
        strict = not lone_cr(chunk) and strict_quotes(chunk)
        batch = self._batch(chunk, starts, local + (first_line - 1), raw_cols, len(rows), strict)
        batch.issues[:0] = issues
        batch.skipped = skipped
        return batch, stop

    def _batch(
        self,
        chunk: bytes,
        starts: np.ndarray,
        lines: np.ndarray,
        raw: dict[str, pa.Array],
        n: int,
        strict: bool = True,
    ) -> Batch:
        """A batch of the rows read (``raw``: header column -> stripped texts)."""
        field_col = self.field_col
        issues: list[tuple[int, str, str, str]] = []
        if self.mapping is not None:
            frame = pd.DataFrame(
                {c: v.to_numpy(zero_copy_only=False).astype(object) for c, v in raw.items()},
                index=pd.RangeIndex(n),
            )
            for c in self.header:
                if c not in frame.columns:
                    frame[c] = np.full(n, None, dtype=object)
            mapped, issues, col_of = self.mapping.apply(frame)
            columns = columns_of(mapped, n)
            field_col = {f: self.header.index(c) for f, c in col_of.items() if c in self.header}
        else:
            columns = {f: raw[f] if f in raw else pa.nulls(n, pa.string()) for f in FIELDS}
        locator = CsvLocator(chunk, starts, lines, field_col, strict)
        batch = Batch(self.file, self.fileno, columns, lines, locator=locator, nbytes=len(chunk))
        if issues:
            self._row_issues(batch, issues)
        return batch

    def _row_issues(self, batch: Batch, issues: list[tuple[int, str, str, str]]) -> None:
        """The mapping's problems with rows, located."""
        rows = np.asarray([i[0] for i in issues], dtype=np.int64)
        names = [i[1] for i in issues]
        assert batch.locator is not None
        lines, cols = batch.locator.locate(rows, names, [None] * len(names))
        ids = batch.columns["id"]
        for (row, name, code, message), line, col in zip(
            issues, lines.tolist(), cols.tolist(), strict=True
        ):
            record = ids[row].as_py()
            batch.issues.append(
                Issue(code, message, self.file, int(line), row, record, name, int(col) or None)
            )


def csv_batches(
    path: Path,
    file: str,
    fileno: int,
    chunk_size: int | None,
    mapping: Mapping | None,
    titles: bool = True,
) -> Iterator[Batch]:
    """The batches of one CSV file (see the module doc); never raises on bad input."""
    reader = _Reader(file, fileno, chunk_size, mapping, titles)
    why = unreadable(path)
    if why is not None:
        yield reader._issue(why, None)
        return
    try:
        with path.open("rb") as f:
            yield from reader.batches(_Chunks(f))
    except OSError as exc:  # on opening it, or half-way
        yield reader._issue(f"cannot read the file: {exc.strerror}", None)

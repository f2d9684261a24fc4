"""Rows and cells of CSV chunks, found on the bytes with NumPy: where rows end (newlines
outside quotes), whether quoting is strict enough for that count, and the line and column
of a cell (`CsvLocator`), computed only for the rows that have findings. Arrow parses the
values (`handbook.checker.csvfile`) but does not say where a row starts."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from handbook.checker.values import strings

_NL, _CR, _QUOTE, _COMMA = 10, 13, 34, 44
#: The first ``{}`` cells of a row (strict quoting), each with its comma (RE2 syntax).
_CELLS = r'^(?P<p>(?:(?:"(?:[^"]|"")*"|[^,"\r\n]*),){{{}}})'
#: The same for a chunk without quotes (a simpler expression, three times as fast).
_PLAIN_CELLS = r"^(?P<p>(?:[^,]*,){{{}}})"
_QUOTED = re.compile(r'"(?:[^"]|"")*"?')
_PLAIN = re.compile(r'[^,\r\n"]*')
_NEWLINE = re.compile(r"\r\n|\r|\n")
#: The ASCII characters ``pyarrow.compute.utf8_trim_whitespace`` strips.
_ASCII_SPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f "


def lone_cr(chunk: bytes) -> bool:
    """A carriage return not followed by a newline (an old Mac line end) in ``chunk``."""
    return b"\r" in chunk and chunk.count(b"\r") != chunk.count(b"\r\n")


def row_ends(data: bytes) -> np.ndarray:
    """Offsets of the newlines of ``data`` that end a row: those with an even number of
    quotes before them (a doubled quote inside a quoted cell counts twice)."""
    raw = np.frombuffer(data, dtype=np.uint8)
    nl = np.flatnonzero(raw == _NL)
    if b'"' not in data:
        return nl
    quotes = np.flatnonzero(raw == _QUOTE)
    result: np.ndarray = nl[np.searchsorted(quotes, nl) % 2 == 0]
    return result


class CsvLocator:
    """Positions in a chunk of CSV, for the rows asked for only: a cell starts after as many
    commas outside quotes as cells before it, on its row's line plus the newlines before it.
    ``starts``: the rows' byte offsets in ``chunk``; ``lines``: their physical lines;
    ``field_col``: record field -> header column."""

    def __init__(
        self,
        chunk: bytes,
        starts: np.ndarray,
        lines: np.ndarray,
        field_col: dict[str, int],
        strict: bool = True,
    ) -> None:
        self.strict = strict  # quotes only around cells, newlines only as \n or \r\n
        self.chunk = chunk
        self.starts = starts
        self.lines = lines
        self.field_col = field_col
        self._texts: pa.Array | None = None
        self._quoted = b'"' in chunk

    def _cells(self, rows: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(start, newlines)`` of cell ``j`` of each of ``rows``: its byte offset and the
        newlines before it in its row, the ``j`` cells before it matched by one RE2
        expression per distinct ``j`` on the rows' texts (taken from the chunk, no copy)."""
        if self._texts is None:
            big = len(self.chunk) >= 1 << 31  # int32 offsets when they fit (faster take)
            offsets = np.append(self.starts, len(self.chunk)).astype(np.int64 if big else np.int32)
            self._texts = pa.Array.from_buffers(
                pa.large_binary() if big else pa.binary(),
                len(self.starts),
                [None, pa.py_buffer(offsets), pa.py_buffer(self.chunk)],
            ).cast(pa.large_string() if big else pa.string())
        texts = self._texts.take(pa.array(rows, pa.int64()))
        pos = np.zeros(len(rows), dtype=np.int64)
        newlines = np.zeros(len(rows), dtype=np.int64)
        for k in np.unique(j[j > 0]).tolist():
            sel = np.flatnonzero(j == k)
            pattern = (_CELLS if self._quoted else _PLAIN_CELLS).format(k)
            cells = pc.extract_regex(texts.take(pa.array(sel)), pattern).field("p")
            pos[sel] = pc.binary_length(cells).to_numpy(zero_copy_only=False)
            newlines[sel] = pc.count_substring(cells, "\n").to_numpy(zero_copy_only=False)
        return self.starts[rows].astype(np.int64) + pos, newlines

    def locate(
        self, rows: np.ndarray, fields: Sequence[str | None], items: Sequence[str | None]
    ) -> tuple[np.ndarray, np.ndarray]:
        out_line = self.lines[rows].astype(np.int64)
        out_col = np.zeros(len(rows), dtype=np.int64)
        cols = np.array([self.field_col.get(f, -1) if f else -1 for f in fields], np.int64)
        known = np.flatnonzero(cols >= 0)
        if not known.size:
            return out_line, out_col
        if not self.strict:
            self._tokenised(rows, known, cols, items, out_line, out_col)
            return out_line, out_col
        row_start = self.starts[rows[known]].astype(np.int64)
        pos, newlines = self._cells(rows[known], cols[known])
        chunk = self.chunk
        for k, i in enumerate(known.tolist()):  # a list item inside its cell
            item = items[i]
            if isinstance(item, str):
                end = chunk.find(b",", int(pos[k]))
                cell = chunk[int(pos[k]) : end if end >= 0 else len(chunk)]
                at = cell.find(item.encode("utf-8"))
                if at > 0:
                    pos[k] += at
        out_line[known] += newlines
        line_start = row_start.copy()
        for k in np.flatnonzero(newlines).tolist():  # a quoted cell spans lines before it
            line_start[k] = chunk.rfind(b"\n", 0, int(pos[k])) + 1
        if chunk.isascii():
            out_col[known] = pos - line_start + 1
        else:  # columns count characters
            out_col[known] = [
                len(chunk[a:b].decode("utf-8", "replace")) + 1
                for a, b in zip(line_start.tolist(), pos.tolist(), strict=True)
            ]
        return out_line, out_col

    def _tokenised(
        self,
        rows: np.ndarray,
        known: np.ndarray,
        cols: np.ndarray,
        items: Sequence[str | None],
        out_line: np.ndarray,
        out_col: np.ndarray,
    ) -> None:
        """`locate` by reading each row's cells one by one (quotes inside cells, lone
        carriage returns): slow, for the chunks the standard library read."""
        bounds = [*self.starts.tolist(), len(self.chunk)]
        for i in known.tolist():
            row = int(rows[i])
            text = self.chunk[bounds[row] : bounds[row + 1]].decode("utf-8")
            pos = 0
            for _ in range(int(cols[i])):
                pos += len(_cell(text, pos)) + 1
            item = items[i]
            if isinstance(item, str):
                pos += max(_cell(text, pos).find(item), 0)
            breaks = list(_NEWLINE.finditer(text, 0, pos))
            out_line[i] += len(breaks)
            out_col[i] = pos - (breaks[-1].end() if breaks else 0) + 1


def _cell(text: str, pos: int) -> str:
    """The cell of ``text`` at ``pos`` as written (quoted, or up to a comma or quote)."""
    m = (_QUOTED if text.startswith('"', pos) else _PLAIN).match(text, pos)
    return m.group(0) if m else ""


def strict_quotes(chunk: bytes) -> bool:
    """True when every quote of the chunk opens or closes a quoted cell (RFC 4180; ``""``
    closes and reopens), so an even count of quotes before a byte means "outside a cell";
    otherwise the standard library's reader reads the chunk."""
    raw = np.frombuffer(chunk, dtype=np.uint8)
    quotes = np.flatnonzero(raw == _QUOTE)
    if len(quotes) % 2:
        return False
    opens, closes = quotes[0::2], quotes[1::2]
    edge = np.array([_COMMA, _NL, _CR, _QUOTE], dtype=np.uint8)
    before = raw[np.maximum(opens - 1, 0)]
    after = raw[np.minimum(closes + 1, len(raw) - 1)]
    return bool(
        np.all((opens == 0) | np.isin(before, edge))
        and np.all((closes == len(raw) - 1) | np.isin(after, edge))
    )


def clean_cells(values: pa.ChunkedArray | pa.Array, ascii: bool = False) -> pa.Array:
    """A column of cells: stripped of Unicode white space, empty as null (an ``ascii``
    column of `_ASCII_SPACE` only: the same result five times as fast)."""
    arr = strings(values)
    arr = pc.utf8_trim(arr, _ASCII_SPACE) if ascii else pc.utf8_trim_whitespace(arr)
    empty = pc.equal(arr, "")
    if pc.any(empty).as_py():
        arr = pc.if_else(empty, pa.scalar(None, pa.string()), arr)
    return arr

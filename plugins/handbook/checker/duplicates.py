"""Duplicate ids (E005) across the batches and files of a run, compared exactly.

Ids are kept as UTF-8 bytes in fixed-width ``S`` arrays (compared byte by byte, no hash)
in sorted runs merged as they grow (up to `MAX_RUN` ids), with the file and line of their
first use: the longest id's bytes plus 8 per distinct id (a million ids of 11 characters:
about 19 MB). Ids over `SHORT` bytes or holding a NUL go in a dict.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from handbook.checker.rules import Piece, cat
from handbook.checker.validate import texts

#: Ids up to this many bytes go in the sorted runs; longer ones in a dict.
SHORT = 64
#: Largest run made by merging: bounds a merge's temporary copies (a few tens of MB).
MAX_RUN = 1 << 20


class SeenIds:
    """Ids seen so far in a run (see the module doc)."""

    def __init__(self) -> None:
        self.runs: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # keys, line, file
        self.width = 1
        self.long: dict[bytes, tuple[int, int]] = {}

    def __len__(self) -> int:
        return sum(len(r[0]) for r in self.runs) + len(self.long)

    def _widen(self, width: int) -> None:
        if width > self.width:
            self.width = width
            self.runs = [(k.astype(f"S{width}"), ln, f) for k, ln, f in self.runs]

    def find(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(hit, fileno, line)`` for each key (an ``S`` array of at most `SHORT` bytes)."""
        n = len(keys)
        hit = np.zeros(n, dtype=bool)
        fileno = np.zeros(n, dtype=np.int64)
        line = np.zeros(n, dtype=np.int64)
        self._widen(keys.dtype.itemsize)
        keys = keys.astype(f"S{self.width}")
        for run, lines, files in self.runs:
            pos = np.minimum(np.searchsorted(run, keys), len(run) - 1)
            m = (run[pos] == keys) & ~hit
            hit |= m
            fileno[m] = files[pos[m]]
            line[m] = lines[pos[m]]
        return hit, fileno, line

    def add(self, keys: np.ndarray, fileno: int, lines: np.ndarray) -> None:
        """Remember ids not seen before (``keys`` distinct) with their records' lines."""
        if not len(keys):
            return
        self._widen(keys.dtype.itemsize)
        order = np.argsort(keys, kind="stable")
        self.runs.append(
            (
                keys[order].astype(f"S{self.width}"),
                lines[order].astype(np.uint32),
                np.full(len(keys), fileno, dtype=np.int32),
            )
        )
        while (
            len(self.runs) > 1
            and len(self.runs[-2][0]) <= 2 * len(self.runs[-1][0])
            and len(self.runs[-2][0]) + len(self.runs[-1][0]) <= MAX_RUN
        ):
            second = self.runs.pop()
            self.runs.append(_merge(self.runs.pop(), second))


def _merge(
    first: tuple[np.ndarray, np.ndarray, np.ndarray],
    second: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Two sorted runs as one (the second's keys placed by binary search: no sort)."""
    n = len(first[0]) + len(second[0])
    at = np.searchsorted(first[0], second[0]) + np.arange(len(second[0]))
    rest = np.ones(n, dtype=bool)
    rest[at] = False
    merged = []
    for a, b in zip(first, second, strict=True):
        out = np.empty(n, dtype=a.dtype)
        out[at] = b
        out[rest] = a
        merged.append(out)
    return merged[0], merged[1], merged[2]


def _first_positions(keys: np.ndarray) -> np.ndarray:
    """For each key, the position of the first equal key (itself when first)."""
    _distinct, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    result: np.ndarray = first[inverse.reshape(-1)].astype(np.int64)
    return result


def duplicate_ids(
    seen: SeenIds,
    ids: pa.Array,
    present: np.ndarray,
    lines: np.ndarray,
    fileno: int,
    file: str,
    files: list[str],
) -> Piece | None:
    """E005 for the ids of a batch used before in the run (an earlier record of this
    batch, or of an earlier batch or file: ``files`` are the run's files by number);
    the batch's first uses are remembered in ``seen``."""
    idp = np.flatnonzero(present)
    if not idp.size:
        return None
    chosen = ids.take(pa.array(idp))
    raw = chosen.cast(pa.binary())
    nbytes = pc.binary_length(raw).to_numpy(zero_copy_only=False)
    values = raw.to_numpy(zero_copy_only=False)
    nul = pc.match_substring(chosen, "\x00").to_numpy(zero_copy_only=False)
    odd = (nbytes > SHORT) | nul
    keys = values[~odd].astype(f"S{max(1, int(nbytes[~odd].max(initial=1)))}")
    dup = np.zeros(idp.size, dtype=bool)
    prior = np.full(idp.size, -1, dtype=np.int64)  # file number of the earlier use; -1: this
    where_line = np.zeros(idp.size, dtype=np.int64)
    short = np.flatnonzero(~odd)
    if short.size:
        first = _first_positions(keys)
        within = first != np.arange(short.size)
        hit, prior_file, prior_line = seen.find(keys)
        is_dup = within | hit
        dup[short] = is_dup
        where_line[short] = np.where(hit, prior_line, lines[idp[short[first]]])
        prior[short] = np.where(hit, prior_file, -1)
        seen.add(keys[~is_dup], fileno, lines[idp[short[~is_dup]]])
    for k in np.flatnonzero(odd).tolist():  # long ids, one at a time
        key = bytes(values[k])
        before = seen.long.get(key)
        if before is None:
            seen.long[key] = (fileno, int(lines[idp[k]]))
            continue
        dup[k] = True
        prior[k] = before[0]
        where_line[k] = before[1]
    if not dup.any():
        return None
    rows = idp[dup]
    names = np.array([*files, file], dtype=object)  # -1 (this file) is the last
    messages = cat(
        "duplicate id '",
        texts(ids, rows),
        "': already used by the record at ",
        names[prior[dup]],
        ":",
        where_line[dup].astype(str).astype(object),
        "; give every record of a run its own id",
    )
    return Piece(rows, "E005", "error", messages, "id")

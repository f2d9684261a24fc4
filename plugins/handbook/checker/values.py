"""Column-wise parsing of record values: times and booleans.

Times are ISO 8601 with an offset (``Z`` or ``±hh:mm``; ``±hhmm`` is accepted too), a
date alone meaning 00:00 UTC; a date-time without an offset is invalid. `parse_times`
reads a whole column at once with Arrow: the shape is checked with one regular expression
(`VALID_TIME`, RE2 through ``pyarrow.compute``), then Arrow's ISO 8601 cast converts the
values to ``timestamp[ns, UTC]``, so fractions of seconds keep all nine digits. Times must
lie within nanosecond timestamps (1677-09-21 to 2262-04-11); an impossible date (February
30th, 24:00, an offset of 24 hours) or one outside that range is invalid.
"""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

_DATE = r"\d{4}-\d{2}-\d{2}"
_CLOCK = r"[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?"
_OFFSET = r"(?:[Zz]|[+-]\d{2}:?\d{2})"
#: A valid time: a date, or a date-time with an offset.
VALID_TIME = re.compile(rf"{_DATE}(?:{_CLOCK}{_OFFSET})?")
#: A date-time without an offset (invalid, reported with a hint).
NAIVE_TIME = re.compile(rf"{_DATE}{_CLOCK}")

ABSENT, OK, NAIVE, INVALID = 0, 1, 2, 3
NAT = np.datetime64("NaT", "ns")
_UTC_NS = pa.timestamp("ns", "UTC")


def strings(values: pa.Array | np.ndarray) -> pa.Array:
    """A column as an Arrow string array (null = absent): Arrow arrays as they are, object
    arrays with None/NaN as null."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(values, pa.Array):
        return values if values.type == pa.string() else values.cast(pa.string())
    return pa.array(values, type=pa.string(), from_pandas=True)


def _cast(values: pa.Array) -> np.ndarray:
    """Arrow's ISO 8601 cast to ``datetime64[ns]`` (UTC); a value it refuses is NaT. A
    refusal fails the whole cast, so a failing array is split in halves until the
    refused values stand alone (a few casts per bad value)."""
    try:
        result: np.ndarray = pc.cast(values, _UTC_NS).to_numpy(zero_copy_only=False)
        return result.astype("datetime64[ns]")
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OverflowError):
        if len(values) <= 1:
            return np.full(len(values), NAT)
        half = len(values) // 2
        return np.concatenate([_cast(values.slice(0, half)), _cast(values.slice(half))])


def parse_times(values: pa.Array | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Parse a column of time texts.

    Args:
        values: an Arrow string array or an object array; null/None/NaN means absent.

    Returns:
        ``(times, status)``: ``datetime64[ns]`` UTC array (NaT unless ``status == OK``)
        and an int8 array of `ABSENT`, `OK`, `NAIVE` (a date-time without offset) or
        `INVALID`.
    """
    arr = strings(values)
    n = len(arr)
    status = np.full(n, ABSENT, dtype=np.int8)
    times = np.full(n, NAT)
    if n == arr.null_count:
        return times, status
    upper = pc.utf8_upper(arr)  # t/z as T/Z, which Arrow's parser wants
    present = arr.is_valid().to_numpy(zero_copy_only=False)
    valid = pc.match_substring_regex(upper, f"^(?:{VALID_TIME.pattern})$")
    valid_np = valid.fill_null(False).to_numpy(zero_copy_only=False)
    rest = np.flatnonzero(present & ~valid_np)
    if rest.size:
        naive = pc.match_substring_regex(upper.take(rest), f"^(?:{NAIVE_TIME.pattern})$")
        status[rest] = np.where(naive.to_numpy(zero_copy_only=False), NAIVE, INVALID)
    idx = np.flatnonzero(valid_np)
    if idx.size:
        chosen = upper if idx.size == n else upper.take(idx)
        dated = pc.equal(pc.utf8_length(chosen), 10)  # a date alone: 00:00 UTC
        if pc.any(dated).as_py():
            chosen = pc.if_else(dated, pc.binary_join_element_wise(chosen, "T00:00Z", ""), chosen)
        parsed = _cast(chosen)
        times[idx] = parsed
        status[idx] = np.where(np.isnat(parsed), INVALID, OK)
    return times, status


def parse_bools(codes: np.ndarray, uniques: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Parse a column of ``true``/``false`` texts (any case) given as int codes into its
    distinct texts (-1 when absent): each distinct text is judged once.

    Returns ``(value, invalid)`` boolean arrays; absent values are false and valid.
    """
    truth = np.array([str(u).lower() == "true" for u in uniques] + [False], dtype=bool)
    bad = np.array([str(u).lower() not in ("true", "false") for u in uniques] + [False], dtype=bool)
    return truth[codes], bad[codes]


def iso_texts(times: np.ndarray) -> np.ndarray:
    """``datetime64`` values as ``YYYY-MM-DDThh:mm:ss`` texts (floored to the second; NaT
    as ``NaT``), an object array."""
    result: np.ndarray = np.datetime_as_string(times.astype("datetime64[s]"), unit="s")
    return result.astype(object)

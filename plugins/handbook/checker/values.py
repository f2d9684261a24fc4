"""Record values column-wise: parsing times and booleans; times' arithmetic and words.

Times are ISO 8601 with an offset (``Z``, ``±hh:mm`` or ``±hhmm``), a date alone meaning
00:00 UTC. `parse_times` checks a column's shape with one regular expression (`VALID_TIME`)
and converts it with Arrow's ISO 8601 cast to ``timestamp[ns, UTC]`` (nine digits of
fraction); an impossible date is `INVALID`, a real time outside nanosecond timestamps
(whole days `FIRST_DAY` to `LAST_DAY`) `OUT_OF_RANGE`. Two such times can lie further
apart than int64 nanoseconds hold: `gap` saturates their difference and `iso` writes a
time moved past the range exactly.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

_DATE = r"\d{4}-\d{2}-\d{2}"
_CLOCK = r"[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?"
_OFFSET = r"(?:[Zz]|[+-]\d{2}:?\d{2})"
#: A valid time: a date, or a date-time with an offset.
VALID_TIME = re.compile(rf"{_DATE}(?:{_CLOCK}{_OFFSET})?")
#: A date-time without an offset (invalid, reported with a hint).
NAIVE_TIME = re.compile(rf"{_DATE}{_CLOCK}")

ABSENT, OK, NAIVE, INVALID, OUT_OF_RANGE = 0, 1, 2, 3, 4
_OFFSET_PARTS = re.compile(r"[+-](?P<hours>\d{2}):?(?P<minutes>\d{2})$")
_FRACTION = re.compile(r"\.(\d{1,9})")
#: The first and last whole days of nanosecond timestamps (UTC).
FIRST_DAY, LAST_DAY = date(1677, 9, 22), date(2262, 4, 10)
NAT = np.datetime64("NaT", "ns")
_UTC_NS = pa.timestamp("ns", "UTC")
_NS = np.iinfo(np.int64)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


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
        refused = np.isnat(parsed)
        status[idx] = np.where(refused, INVALID, OK)
        for i in idx[refused].tolist():  # a real date beyond the range, or impossible
            if _beyond_range(upper[i].as_py()):
                status[i] = OUT_OF_RANGE
    return times, status


def impossible_reason(text: str | None) -> str | None:
    """Why ``text``, written in the form of a time the checker reads, names no moment
    (``day is out of range for month`` for 2023-02-30, ``hour must be in 0..23``), or None
    when it is not of that form or names one."""
    if text is None or not VALID_TIME.fullmatch(text):
        return None
    try:
        _read_moment(text.upper())
    except ValueError as error:
        return str(error)
    return None


#: Forms one step from a time the checker reads: (pattern, what is wrong, replacement).
_NEAR_TIMES = (
    (re.compile(r"(\d)\s+([Zz]|[+-]\d{2}(?::?\d{2})?)$"), "a space before the offset", r"\1\2"),
    (re.compile(r"(\d)\s*(?:UTC|GMT)$", re.I), "UTC written as a word", r"\1Z"),
    (re.compile(r"(:\d{2}),(\d)"), "a comma before the fraction of a second", r"\1.\2"),
    (re.compile(r"(\.\d{9})\d+"), "more than 9 digits of fraction (nanoseconds)", r"\1"),
    (re.compile(r"(:\d{2}(?:\.\d+)?[+-]\d{2})$"), "an offset without its minutes", r"\1:00"),
    (
        re.compile(r"^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})"),
        "the ISO 8601 basic form",
        r"\1-\2-\3T\4:\5:\6",
    ),
)


def near_time(text: str | None) -> str | None:
    """What keeps ``text`` from being a time the checker reads when it is one step from
    one (`_NEAR_TIMES`: a space before the offset, a comma decimal, ten digits of fraction,
    an offset of hours alone, the basic form), and the time to write instead; else None."""
    if text is None:
        return None
    wrong, fixed = [], text.strip()
    for pattern, what, replacement in _NEAR_TIMES:
        fixed, n = pattern.subn(replacement, fixed)
        wrong += [what] * bool(n)
    if not wrong or not VALID_TIME.fullmatch(fixed) or impossible_reason(fixed):
        return None
    return f"{' and '.join(wrong)}; write {fixed}"


def _read_moment(text: str) -> tuple[datetime, int]:
    """``text`` read by Python's datetime, and its fraction of a second in nanoseconds,
    read apart (datetime keeps six digits at most). Raises ValueError with the reason when
    it names no moment, an offset's minutes past 59 included (datetime reads +01:60 as two
    hours) and its hours past 23 (where datetime's reason is the repr of a timedelta)."""
    offset = _OFFSET_PARTS.search(text)
    if offset and int(offset["minutes"]) > 59:
        raise ValueError("the offset's minutes must be in 0..59")
    if offset and int(offset["hours"]) > 23:
        raise ValueError("the offset's hours must be in 0..23")
    fraction = _FRACTION.search(text)
    if fraction is None:
        return datetime.fromisoformat(text), 0
    rest = text[: fraction.start()] + text[fraction.end() :]
    return datetime.fromisoformat(rest), int(fraction[1].ljust(9, "0"))


def _beyond_range(text: str) -> bool:
    """Whether ``text`` (a time Arrow refused) is a real time (Python's datetime reads it;
    a date alone is 00:00 UTC) outside nanosecond timestamps, rather than an impossible
    one."""
    try:
        moment, ns = _read_moment(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        seconds = (moment - _EPOCH) // timedelta(seconds=1)
    except (ValueError, OverflowError):
        return False
    return not _NS.min < seconds * 1_000_000_000 + ns <= _NS.max


def parse_bools(codes: np.ndarray, uniques: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """``(value, invalid)`` boolean arrays of a column of ``true``/``false`` texts (any
    case) given as codes into its distinct texts (-1: absent, false and valid)."""
    truth = np.array([str(u).lower() == "true" for u in uniques] + [False], dtype=bool)
    bad = np.array([str(u).lower() not in ("true", "false") for u in uniques] + [False], dtype=bool)
    return truth[codes], bad[codes]


def iso_texts(times: np.ndarray) -> np.ndarray:
    """``datetime64`` values as ``YYYY-MM-DDThh:mm:ss`` texts (floored to the second; NaT
    as ``NaT``), an object array."""
    result: np.ndarray = np.datetime_as_string(times.astype("datetime64[s]"), unit="s")
    return result.astype(object)


def _decimals(fraction: int) -> str:
    """A fraction of a second (0 to 999,999,999 ns) as written after the seconds: ``.5``,
    ``.000000001``; "" for none."""
    return "." + f"{fraction:09d}".rstrip("0") if fraction else ""


def _python_iso(ns: int) -> str:
    """Nanoseconds since 1970 (UTC) as `iso` writes them, by Python's datetime (years 1 to
    9999): for a time beyond nanosecond timestamps."""
    seconds, fraction = divmod(ns, 1_000_000_000)
    text = (datetime(1970, 1, 1) + timedelta(seconds=seconds)).isoformat()
    return text + _decimals(fraction) + "+00:00"


def iso(times: np.ndarray, shift: np.timedelta64 | None = None) -> np.ndarray:
    """``datetime64`` UTC values (each moved by ``shift``) as ISO 8601 with offset:
    ``2022-12-10T00:00:00+00:00``, a fraction of a second kept (``09:00:00.5+00:00``); a
    time moved beyond nanosecond timestamps is written exactly, not wrapped around."""
    ns = times.astype("datetime64[ns]").view(np.int64)
    nat = np.isnat(times)
    beyond = np.zeros(len(ns), dtype=bool)
    by = 0
    if shift is not None:
        by = int(shift.astype("timedelta64[ns]").astype(np.int64))
        limit = _NS.max - by if by >= 0 else _NS.min + 1 - by
        beyond = ~nat & ((ns > limit) if by >= 0 else (ns < limit))
        # a time moved beyond the range wraps around here; it is written below instead
        times = np.where(nat, ns, ns + by).view("datetime64[ns]")
    result: np.ndarray = iso_texts(times)
    fraction = times.view(np.int64) % 1_000_000_000
    for i in np.flatnonzero((fraction != 0) & ~nat).tolist():
        result[i] += _decimals(int(fraction[i]))
    result = result + "+00:00"
    for i in np.flatnonzero(beyond).tolist():
        result[i] = _python_iso(int(ns[i]) + by)
    return result


def gap(early: np.ndarray, late: np.ndarray, exact: bool = False) -> np.ndarray:
    """``late - early`` of two ``datetime64`` arrays as ``timedelta64[ns]`` (NaT where either
    is NaT), saturated at ±(2**63 - 1) ns (about 292 years) instead of wrapping around. With
    ``exact``: nanosecond counts, int64, or Python ints in an object array beyond int64 (for
    messages; no NaT allowed)."""
    a = late.astype("datetime64[ns]").view(np.int64)
    b = early.astype("datetime64[ns]").view(np.int64)
    d = a - b
    wrapped = ((a ^ b) & (a ^ d)) < 0
    if exact:
        return a.astype(object) - b.astype(object) if wrapped.any() else d
    out = np.where(wrapped, np.where(a >= 0, _NS.max, -_NS.max), d).view("timedelta64[ns]")
    out[np.isnat(early) | np.isnat(late)] = NAT
    result: np.ndarray = out
    return result


def fmt_duration(delta: timedelta | pd.Timedelta) -> str:
    """A duration in words, without sign: ``5 days``, ``3 days 4 hours``, ``48 hours`` (under
    3 days in hours), ``30 minutes``, fractions of a second kept (``59.999999999 seconds``)."""
    return str(durations(np.array([pd.Timedelta(delta).value], dtype="timedelta64[ns]"))[0])


def durations(deltas: np.ndarray) -> np.ndarray:
    """`fmt_duration` over an array of durations (object array of texts): ``timedelta64``
    values, or nanosecond counts (int64, or Python ints beyond it: `gap` with ``exact``);
    each distinct duration is worded once."""
    if deltas.dtype.kind == "m":
        deltas = deltas.astype("timedelta64[ns]").view(np.int64)
    ns = np.abs(deltas)
    distinct, inverse = np.unique(ns, return_inverse=True)
    texts = []
    for total_ns in distinct.tolist():
        total, fraction = divmod(total_ns, 1_000_000_000)
        days, rest = divmod(total, 86400)
        hours, rest = divmod(rest, 3600)
        minutes, seconds = divmod(rest, 60)
        if days < 3:
            hours, days = hours + days * 24, 0
        parts = [
            f"{count} {unit}{'s' if count != 1 else ''}"
            for count, unit in ((days, "day"), (hours, "hour"), (minutes, "minute"))
            if count
        ]
        if fraction:
            parts.append(f"{seconds}{_decimals(fraction)} seconds")
        elif seconds:
            parts.append(f"{seconds} second{'s' if seconds != 1 else ''}")
        texts.append(" ".join(parts) if parts else "0 hours")
    table = np.array(texts, dtype=object)
    result: np.ndarray = table[inverse.reshape(-1)]
    return result


def ns_delta(delta: timedelta) -> np.timedelta64:
    """A duration as ``timedelta64[ns]``."""
    return np.timedelta64(int(pd.Timedelta(delta).value), "ns")

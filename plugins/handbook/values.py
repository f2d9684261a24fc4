"""Column-wise parsing of record values: times and booleans, as NumPy arrays.

Times are ISO 8601 with an offset (``Z`` or ``±hh:mm``; ``±hhmm`` is accepted too), a
date alone meaning 00:00 UTC; a date-time without an offset is invalid. `parse_times`
reads a whole column at once: the common shapes (``YYYY-MM-DD``,
``YYYY-MM-DDThh:mm:ssZ``, ``...±hh:mm``, ``...±hhmm``) are checked and converted with
NumPy arithmetic on the bytes; any other shape goes through a regular expression and
`datetime.fromisoformat`, one value at a time. Results are ``datetime64[us]`` in UTC
(fractions of seconds beyond microseconds are dropped).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd

_DATE = r"\d{4}-\d{2}-\d{2}"
_CLOCK = r"[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?"
_OFFSET = r"(?:[Zz]|[+-]\d{2}:?\d{2})"
#: A valid time: a date, or a date-time with an offset.
VALID_TIME = re.compile(rf"{_DATE}(?:{_CLOCK}{_OFFSET})?")
#: A date-time without an offset (invalid, reported with a hint).
NAIVE_TIME = re.compile(rf"{_DATE}{_CLOCK}")

ABSENT, OK, NAIVE, INVALID = 0, 1, 2, 3
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_WIDTH = 26
#: Values parsed at a time (small temporaries stay in cache).
BLOCK = 1 << 15


def days_from_civil(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of proleptic Gregorian dates (H. Hinnant's algorithm)."""
    y = year - (month <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    mp = (month + 9) % 12
    doy = (153 * mp + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    result: np.ndarray = era * 146097 + doe - 719468
    return result


def _month_days(year: np.ndarray, month: np.ndarray) -> np.ndarray:
    table = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    days = table[np.clip(month, 0, 12)]
    result: np.ndarray = days + ((month == 2) & leap)
    return result


def _fast(values: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """(microseconds since the epoch, status) for an object array of ASCII strings, or
    None when some string is not ASCII. Status `ABSENT` means "not a common shape"."""
    try:
        arr = np.asarray(values).astype(f"S{_WIDTH}")
    except UnicodeEncodeError:
        return None
    n = len(arr)
    bt = np.ascontiguousarray(arr.view(np.uint8).reshape(n, _WIDTH).T)
    length = np.count_nonzero(bt, axis=0)
    d = bt[:25].astype(np.int16) - 48
    dig = (d >= 0) & (d <= 9)
    date_ok = dig[[0, 1, 2, 3, 5, 6, 8, 9]].all(axis=0) & (bt[4] == 45) & (bt[7] == 45)
    f_date = date_ok & (length == 10)
    sep = bt[10]
    clock = (
        date_ok
        & ((sep == 84) | (sep == 116) | (sep == 32))
        & dig[[11, 12, 14, 15, 17, 18]].all(axis=0)
        & (bt[13] == 58)
        & (bt[16] == 58)
    )
    z = bt[19]
    zulu = clock & (length == 20) & ((z == 90) | (z == 122))
    sign = (z == 43) | (z == 45)
    colon = clock & (length == 25) & sign & dig[[20, 21, 23, 24]].all(axis=0) & (bt[22] == 58)
    basic = clock & (length == 24) & sign & dig[[20, 21, 22, 23]].all(axis=0)
    shape = f_date | zulu | colon | basic
    if not shape.any():
        return np.zeros(n, dtype=np.int64), np.full(n, ABSENT, dtype=np.int8)
    dd = d.astype(np.int64)
    year = dd[0] * 1000 + dd[1] * 100 + dd[2] * 10 + dd[3]
    month = dd[5] * 10 + dd[6]
    day = dd[8] * 10 + dd[9]
    timed = zulu | colon | basic
    hour = np.where(timed, dd[11] * 10 + dd[12], 0)
    minute = np.where(timed, dd[14] * 10 + dd[15], 0)
    second = np.where(timed, dd[17] * 10 + dd[18], 0)
    off_h = np.where(colon | basic, dd[20] * 10 + dd[21], 0)
    off_m = np.where(colon, dd[23] * 10 + dd[24], np.where(basic, dd[22] * 10 + dd[23], 0))
    off_sign = np.where(z == 45, -1, 1)
    valid = (
        shape
        & (year >= 1)
        & (month >= 1)
        & (month <= 12)
        & (day >= 1)
        & (day <= _month_days(year, month))
        & (hour <= 23)
        & (minute <= 59)
        & (second <= 59)
        & (off_h <= 23)
        & (off_m <= 59)
    )
    seconds = (
        days_from_civil(year, month, day) * 86400
        + hour * 3600
        + minute * 60
        + second
        - off_sign * (off_h * 3600 + off_m * 60)
    )
    us = np.where(valid, seconds * 1_000_000, 0)
    # a recognised shape with impossible numbers is invalid; others go the slow way
    status = np.where(valid, OK, np.where(shape, INVALID, ABSENT)).astype(np.int8)
    return us, status


def _slow(text: str) -> tuple[int, int]:
    """(status, microseconds) of one value, by regular expression and fromisoformat."""
    if VALID_TIME.fullmatch(text):
        if len(text) == 10:
            text += "T00:00:00+00:00"
        body = text[:10] + "T" + text[11:]
        body = body[:-1] + "+00:00" if body[-1] in "Zz" else body
        m = re.fullmatch(r"(.*?)(?:\.(\d+))?([+-]\d{2}):?(\d{2})", body)
        if m is None:  # pragma: no cover - VALID_TIME guarantees the shape
            return INVALID, 0
        clock, fraction, oh, om = m.groups()
        if abs(int(oh)) > 23 or int(om) > 59:
            return INVALID, 0
        if clock.count(":") == 1:
            clock += ":00"
        fraction = ((fraction or "") + "000000")[:6]
        try:
            moment = datetime.fromisoformat(f"{clock}.{fraction}{oh}:{om}")
        except ValueError:
            return INVALID, 0
        return OK, (moment - _EPOCH) // timedelta(microseconds=1)
    if NAIVE_TIME.fullmatch(text):
        return NAIVE, 0
    return INVALID, 0


def parse_times(
    values: np.ndarray, present: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Parse a column of time texts.

    Args:
        values: object array; None/NaN means absent.
        present: ``~pandas.isna(values)`` when already known.

    Returns:
        ``(times, status)``: ``datetime64[us]`` UTC array (NaT unless ``status == OK``)
        and an int8 array of `ABSENT`, `OK`, `NAIVE` (a date-time without offset) or
        `INVALID`.
    """
    n = len(values)
    status = np.zeros(n, dtype=np.int8)
    us = np.zeros(n, dtype=np.int64)
    if present is None:
        present = ~pd.isna(values)
    idx = np.flatnonzero(present)
    for begin in range(0, idx.size, BLOCK):
        part = idx[begin : begin + BLOCK]
        subset = values[part]
        fast = _fast(subset)
        if fast is None:
            rest = np.arange(part.size)
        else:
            f_us, f_status = fast
            us[part] = f_us
            status[part] = f_status
            rest = np.flatnonzero(f_status == ABSENT)
        for k in rest.tolist():
            st, value = _slow(str(subset[k]))
            status[part[k]] = st
            us[part[k]] = value
    times = us.view("datetime64[us]").copy()
    times[status != OK] = np.datetime64("NaT")
    return times, status


def parse_bools(
    values: np.ndarray, present: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Parse a column of ``true``/``false`` texts (any case).

    Returns ``(value, invalid)`` boolean arrays; absent (non-string) values are false and
    valid.
    """
    n = len(values)
    value = np.zeros(n, dtype=bool)
    invalid = np.zeros(n, dtype=bool)
    is_true = np.asarray(values == "true", dtype=bool)
    is_false = np.asarray(values == "false", dtype=bool)
    value[:] = is_true
    text = ~pd.isna(values) if present is None else present
    for i in np.flatnonzero(text & ~(is_true | is_false)).tolist():
        _bool_one(values[i], i, value, invalid)
    return value, invalid


def _bool_one(v: object, i: int, value: np.ndarray, invalid: np.ndarray) -> None:
    if not isinstance(v, str):
        return
    low = v.lower()
    if low == "true":
        value[i] = True
    elif low != "false":
        invalid[i] = True

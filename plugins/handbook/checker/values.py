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
from collections.abc import Callable
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


def civil_from_days(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(year, month, day)`` int64 arrays of days since 1970-01-01 (proleptic
    Gregorian; H. Hinnant's algorithm, the inverse of `days_from_civil`)."""
    z = days + 719468
    era = np.floor_divide(z, 146097)
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    year = yoe + era * 400 + (month <= 2)
    return year, month, day


def iso_texts(times: np.ndarray) -> np.ndarray:
    """``datetime64`` values as ``YYYY-MM-DDThh:mm:ss`` texts (floored to the second), an
    object array, as ``numpy.datetime_as_string(..., unit="s")`` writes them; the digits
    are computed with integer arithmetic for years 1 to 9999 (others, and NaT, go through
    NumPy)."""
    secs = times.astype("datetime64[s]").astype(np.int64)
    nat = np.isnat(times)
    days, rest = np.divmod(secs, 86400)
    year, month, day = civil_from_days(days)
    hour, rest = np.divmod(rest, 3600)
    minute, second = np.divmod(rest, 60)
    plain = ~nat & (year >= 1) & (year <= 9999)
    n = len(secs)
    digits = np.empty((n, 19), dtype=np.uint8)
    for col, value, width in (
        (0, year, 4),
        (5, month, 2),
        (8, day, 2),
        (11, hour, 2),
        (14, minute, 2),
        (17, second, 2),
    ):
        v = np.where(plain, value, 0)
        for k in range(width - 1, -1, -1):
            v, digit = np.divmod(v, 10)
            digits[:, col + k] = digit + 48
    digits[:, [4, 7]] = 45
    digits[:, 10] = 84
    digits[:, [13, 16]] = 58
    out = digits.view("S19").ravel().astype("U19").astype(object)
    odd = np.flatnonzero(~plain)
    if odd.size:
        out[odd] = np.datetime_as_string(times[odd].astype("datetime64[s]"), unit="s").astype(
            object
        )
    return out


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
    return _fast_bytes(bt, np.count_nonzero(bt, axis=0))


def _fast_bytes(bt: np.ndarray, length: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(microseconds since the epoch, status) of values given as a ``(26, n)`` uint8
    matrix (byte ``k`` of value ``i`` at ``[k, i]``, zero past its end) and their
    lengths in bytes. Status `ABSENT` means "not a common shape"."""
    n = bt.shape[1]
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
    # digits in int16 (a non-digit may wrap around: such rows are not a shape), the
    # numbers in int64
    dd = d
    year = (dd[0] * 1000 + dd[1] * 100 + dd[2] * 10 + dd[3]).astype(np.int64)
    month = (dd[5] * 10 + dd[6]).astype(np.int64)
    day = (dd[8] * 10 + dd[9]).astype(np.int64)
    timed = zulu | colon | basic
    hour = np.where(timed, dd[11] * 10 + dd[12], 0).astype(np.int64)
    minute = np.where(timed, dd[14] * 10 + dd[15], 0).astype(np.int64)
    second = np.where(timed, dd[17] * 10 + dd[18], 0).astype(np.int64)
    off_h = np.where(colon | basic, dd[20] * 10 + dd[21], 0).astype(np.int64)
    off_m = np.where(colon, dd[23] * 10 + dd[24], np.where(basic, dd[22] * 10 + dd[23], 0)).astype(
        np.int64
    )
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


def gather_words(
    data: np.ndarray, starts: np.ndarray, lengths: np.ndarray, words: int
) -> np.ndarray:
    """Cells of a buffer as a ``(len(starts), words)`` little-endian uint64 array: the
    first ``8 * words`` bytes of each cell, zero past its end (``data`` must hold no NUL
    byte, so equal rows mean equal cells up to that width). One gather per word through
    an unaligned view of the buffer (a Python loop only for the buffer's last bytes).

    Args:
        data: the buffer, a uint8 array.
        starts: int64 array, the byte offset of each cell in ``data``.
        lengths: int64 array, the length of each cell in bytes.
        words: 64-bit words per cell.
    """
    n = len(starts)
    out = np.zeros((n, words), dtype="<u8")
    if not n:
        return out
    view = np.ndarray((max(data.size - 7, 0),), dtype="<u8", buffer=data, strides=(1,))
    limit = data.size - 8
    for b in range(0, n, GATHER_ROWS):  # blocks: the temporaries stay in the CPU's cache
        s = starts[b : b + GATHER_ROWS]
        ln = lengths[b : b + GATHER_ROWS]
        for w in range(words):
            pos = s + 8 * w
            room = np.minimum(np.maximum(ln - 8 * w, 0), 8)
            if pos[-1] > limit:  # the buffer's last bytes: one cell at a time
                for i in np.flatnonzero(pos > limit).tolist():
                    a = int(pos[i])
                    tail = data[a : a + int(room[i])].tobytes().ljust(8, b"\0")
                    pos[i] = 0
                    room[i] = 0
                    out[b + i, w] = int.from_bytes(tail, "little")
                far = np.flatnonzero(room > 0)
                out[b + far, w] = view[pos[far]] & _LOW_BYTES[room[far]]
                continue
            np.bitwise_and(view[pos], _LOW_BYTES[room], out=out[b : b + GATHER_ROWS, w])
    return out


#: Cells gathered at a time by `gather_words`.
GATHER_ROWS = 1 << 14


#: ``_LOW_BYTES[k]``: a 64-bit mask of the k low-order bytes (the first k in memory).
_LOW_BYTES = np.array([(1 << (8 * k)) - 1 for k in range(9)], dtype="<u8")


_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def _mix(z: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser, element-wise on a uint64 array (in place)."""
    z ^= z >> np.uint64(30)
    z *= _M1
    z ^= z >> np.uint64(27)
    z *= _M2
    z ^= z >> np.uint64(31)
    return z


def word_keys(words: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """64-bit keys of texts given as zero-padded little-endian words (``(n, w)`` uint64,
    as `gather_words` makes them) and their lengths in bytes: the length and each of a
    text's own words are mixed in turn with SplitMix64's finaliser, so a key does not
    depend on how many padding words the array has. Equal texts have equal keys; two
    different texts share a key with probability about 2⁻⁶⁴."""
    n = words.shape[0]
    key = _mix(lengths.astype(np.uint64) * _GOLDEN + _GOLDEN)
    own = (lengths.astype(np.int64) + 7) // 8
    for j in range(words.shape[1] if n else 0):
        step = _mix(key ^ words[:, j])
        np.copyto(key, step, where=own > j)
    return key


def text_keys(values: np.ndarray) -> np.ndarray:
    """`word_keys` of an object array of texts (their UTF-8 bytes): the same key as the
    same text read from a buffer with `cell_keys`."""
    raw = [v.encode("utf-8") for v in values.tolist()]
    if not raw:
        return np.zeros(0, dtype=np.uint64)
    lengths = np.fromiter(map(len, raw), dtype=np.int64, count=len(raw))
    words = max(1, -(-int(lengths.max()) // 8))
    fixed = np.array(raw, dtype=f"S{8 * words}")
    return word_keys(fixed.view("<u8").reshape(len(raw), words), lengths)


#: Cells longer than this (bytes) are gathered apart by `cell_keys`, so one long cell
#: does not widen the words gathered for every other.
GATHER_WIDTH = 64


def cell_keys(data: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """`word_keys` of cells of a buffer (see `gather_words`): uint64, one per cell."""
    keys = np.zeros(len(starts), dtype=np.uint64)
    long = lengths > GATHER_WIDTH
    for part in (np.flatnonzero(~long), np.flatnonzero(long)):
        if part.size:
            ln = lengths[part]
            words = max(1, -(-int(ln.max()) // 8))
            keys[part] = word_keys(gather_words(data, starts[part], ln, words), ln)
    return keys


def parse_time_words(
    words: np.ndarray, lengths: np.ndarray, text: Callable[[int], str]
) -> tuple[np.ndarray, np.ndarray]:
    """Parse time texts given as bytes (the CSV reader's columnar path,
    `handbook.checker.records`), without a Python string per value.

    Args:
        words: ``(n, w)`` uint64 array, the first ``8 * w`` bytes of each value
            (`gather_words`); values longer than that are of no common shape.
        lengths: int64 array, the length of each value in bytes (all present).
        text: index -> the whole text, for the values of no common shape.

    Returns:
        ``(microseconds since the epoch, status)`` int64 and int8 arrays (status `OK`,
        `NAIVE` or `INVALID`).
    """
    n = len(lengths)
    status = np.zeros(n, dtype=np.int8)
    us = np.zeros(n, dtype=np.int64)
    width = min(8 * words.shape[1], _WIDTH)
    as_bytes = words.view(np.uint8).reshape(n, 8 * words.shape[1])
    for begin in range(0, n, BLOCK):
        part = slice(begin, begin + BLOCK)
        length = lengths[part]
        bt = np.zeros((_WIDTH, len(length)), dtype=np.uint8)
        bt[:width] = as_bytes[part, :width].T
        f_us, f_status = _fast_bytes(bt, np.minimum(length, _WIDTH))
        us[part] = f_us
        status[part] = f_status
        for k in np.flatnonzero(f_status == ABSENT).tolist():
            st, value = _slow(text(begin + k))
            status[begin + k] = st
            us[begin + k] = value
    return us, status


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

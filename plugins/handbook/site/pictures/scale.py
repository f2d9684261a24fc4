"""The pictures' axes: a linear scale from values to x, and tick marks for time offsets
(hours before or after a reference time) and for calendar years."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from handbook.model.durations import hours_text

#: Tick steps for offsets, in hours: 1 hour up to 1 year.
_STEPS_HOURS = (1, 2, 3, 6, 12, 24, 48, 72, 120, 168, 240, 336, 720, 1440, 2160, 4320, 8760)


@dataclass(frozen=True)
class Scale:
    """Values ``lo``..``hi`` (any unit) onto x ``x0``..``x1`` (user units), linearly; a
    value outside is clamped to the ends (`clamped` says whether it was)."""

    lo: float
    hi: float
    x0: float
    x1: float

    def x(self, value: float) -> float:
        span = self.hi - self.lo or 1.0
        v = min(max(value, self.lo), self.hi)
        return round(self.x0 + (v - self.lo) / span * (self.x1 - self.x0), 1)

    def clamped(self, value: float) -> bool:
        return value < self.lo or value > self.hi


def offset_text(hours: float) -> str:
    """A tick label of an offset in hours: ``0``, ``+48 hours``, ``−5 days`` (whole days
    as days; `hours_text` otherwise: ``+1 hour``, ``+30 minutes``)."""
    if hours == 0:
        return "0"
    sign = "+" if hours > 0 else "\u2212"
    size = abs(hours)
    if size % 24 == 0:
        days = int(size // 24)
        return f"{sign}{days} day" + ("" if days == 1 else "s")
    return sign + hours_text(size)


def offset_ticks(lo: float, hi: float, most: int = 7) -> list[float]:
    """Tick values (hours) between ``lo`` and ``hi``, at most ``most`` of them, on the
    smallest step of `_STEPS_HOURS` that fits, always including 0 when in range."""
    span = max(hi - lo, 1.0)
    step = next((s for s in _STEPS_HOURS if span / s <= most - 1), _STEPS_HOURS[-1])
    first = -(-lo // step) * step  # ceil to a multiple of step
    out = []
    value = first
    while value <= hi:
        out.append(float(value))
        value += step
    return out


def year_ticks(first: date, last: date) -> list[date]:
    """1 January of every year after ``first`` up to ``last``."""
    return [date(y, 1, 1) for y in range(first.year + 1, last.year + 1)]


def day_number(day: date) -> float:
    """A date as a number of days (for a `Scale` of dates)."""
    return float(day.toordinal())

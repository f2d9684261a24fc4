"""Dates and durations as the data writes them, and durations in a reader's words.

`IsoDate` and `IsoDuration` are the model's types for them: ISO 8601 as written
(``2022-12-06``; ``P5D``, ``PT48H``). Pydantic alone would also read ``0`` or
``20230310`` as a Unix time and ``5 days`` as a duration. `duration_text` is the words the
site and ``handbook diff`` use.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: Years, months, weeks, days, then T and hours, minutes, seconds, each optional but not
#: all (``P5D``, ``PT48H``, ``P1DT12H``); the schemas carry it as ``pattern``, as editors
#: do not check the ``duration`` format.
_N = r"\d+(?:\.\d+)?"
_ISO_DURATION = re.compile(
    rf"-?P(?=\d|T\d)(?:{_N}Y)?(?:{_N}M)?(?:{_N}W)?(?:{_N}D)?(?:T(?=\d)(?:{_N}H)?(?:{_N}M)?(?:{_N}S)?)?"
)


def _written(pattern: re.Pattern[str], what: str) -> Any:
    def check(value: Any) -> Any:
        if isinstance(value, str) and not pattern.fullmatch(value.strip()):
            raise ValueError(f"'{value}' is not {what}")
        return value

    return BeforeValidator(check)


#: A date written ``YYYY-MM-DD`` (the schemas carry the form as ``pattern`` too: editors
#: do not check the ``date`` format, and ``06/12/2022`` went unmarked).
IsoDate = Annotated[
    date,
    _written(_ISO_DATE, "a date written YYYY-MM-DD"),
    WithJsonSchema({"type": "string", "format": "date", "pattern": f"^{_ISO_DATE.pattern}$"}),
]
#: A duration written in ISO 8601 (``P5D`` = 5 days, ``PT48H`` = 48 hours).
IsoDuration = Annotated[
    timedelta,
    _written(_ISO_DURATION, "an ISO 8601 duration such as P5D (5 days) or PT48H"),
    WithJsonSchema(
        {"type": "string", "format": "duration", "pattern": f"^{_ISO_DURATION.pattern}$"}
    ),
]


def hours_text(hours: float) -> str:
    """``48 hours``, ``1 hour``, ``1.5 hours``; under an hour ``30 minutes``, ``1 second``
    (never ``0.000277778 hours``); ``less than a second``. ``hours`` is a size (>= 0)."""
    if hours >= 1:
        return "1 hour" if hours == 1 else f"{hours:g} hours"
    seconds = round(hours * 3600)
    if not seconds:
        return "less than a second"
    n, unit = (seconds // 60, "minute") if seconds % 60 == 0 else (seconds, "second")
    return f"{n} {unit}{'' if n == 1 else 's'}"


def duration_text(value: timedelta) -> str:
    """``5 days (120 hours)``, ``1 day (24 hours)``, ``48 hours``, ``1 hour``, ``30 minutes``,
    ``0``; exact, in days and hours (whole days also in hours, so two bounds compare at a
    glance; under an hour in minutes or seconds, `hours_text`)."""
    hours = value.total_seconds() / 3600
    if hours == 0:
        return "0"
    if value.days and value.seconds == 0 and not value.microseconds:
        unit = "day" if value.days == 1 else "days"
        return f"{value.days} {unit} ({hours:g} hours)"
    return ("-" if hours < 0 else "") + hours_text(abs(hours))

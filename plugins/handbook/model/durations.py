"""Durations of the rules in a reader's words, the same on the site and in ``handbook diff``."""

from __future__ import annotations

from datetime import timedelta


def duration_text(value: timedelta) -> str:
    """``5 days (120 hours)``, ``1 day (24 hours)``, ``48 hours``, ``0``; exact, in days and
    hours (whole days also in hours, so two bounds compare at a glance)."""
    hours = value.total_seconds() / 3600
    if hours == 0:
        return "0"
    if value.days and value.seconds == 0:
        unit = "day" if value.days == 1 else "days"
        return f"{value.days} {unit} ({hours:g} hours)"
    return f"{hours:g} hours"

"""The editions' in-force dates against each other and against the service's end of life.

Editions follow each other without overlapping (``overlapping-editions``), and none is in
force after the service's end of life (``edition-after-end-of-life``): the checker's
MMD010 judges a change by the edition in force on its day and by the end of life, so
either contradiction would give two answers. Dates are inclusive UTC days
(``data/editions.yaml``).
"""

from __future__ import annotations

import itertools
from datetime import timedelta

from handbook.model.handbook import Handbook
from handbook.model.problems import Problem


def edition_date_problems(hb: Handbook) -> list[Problem]:
    """Problems of the editions' ``in_force_from``/``in_force_until`` (at the date that
    is wrong, with the date that would be right)."""
    problems: list[Problem] = []
    ordered = sorted(hb.editions, key=lambda e: e.in_force_from)
    for prev, nxt in itertools.pairwise(ordered):
        if prev.in_force_until is None or prev.in_force_until >= nxt.in_force_from:
            line, column = prev.at.of("in_force_until")
            until = prev.in_force_until
            problems.append(
                Problem(
                    "overlapping-editions",
                    f"edition {prev.id} "
                    + (f"is in force until {until}" if until else "has no in_force_until")
                    + f" but {nxt.id} starts on {nxt.in_force_from}",
                    prev.at.file,
                    line or None,
                    column or None,
                    hint=f"set in_force_until of {prev.id} to "
                    f"{nxt.in_force_from - timedelta(days=1)}, the day before {nxt.id} starts",
                )
            )
    end = hb.service.end_of_life
    if end is None:
        return problems
    for ed in ordered:
        dates = {"in_force_from": ed.in_force_from, "in_force_until": ed.in_force_until}
        key = next((k for k, day in dates.items() if day is not None and day > end), None)
        if key is None:
            continue
        line, column = ed.at.of(key)
        hint = (
            f"write a date no later than {end}, or move the end of life"
            if key == "in_force_from"
            else f"write {end}, or leave in_force_until out: the end of life ends the last edition"
        )
        problems.append(
            Problem(
                "edition-after-end-of-life",
                f"edition {ed.id} has {key} {dates[key]}, after the service's end of life "
                f"({end}, service.end_of_life)",
                ed.at.file,
                line or None,
                column or None,
                hint=hint,
            )
        )
    return problems

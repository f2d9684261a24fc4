"""The edition in force for each record of a batch, from its ``starts_at``."""

from __future__ import annotations

import numpy as np

from handbook.checker.coded import Coded
from handbook.model.entities import Edition


def editions_in_force(
    starts: np.ndarray, editions: list[Edition], one: Edition | None = None
) -> tuple[list[Edition], np.ndarray, np.ndarray]:
    """Which edition each record is checked against: an edition is in force from its
    ``in_force_from`` UTC date through its ``in_force_until`` date, the last one from its
    start on; ``one`` (``--edition``) for every record whatever its date.

    Args:
        starts: ``datetime64`` UTC array of ``starts_at`` (NaT when absent or invalid).
        editions: every edition, oldest first.

    Returns:
        ``(chosen, index, before_first)``: the editions used; int64 ``index`` into them per
        record (-1: none); bool ``before_first``, a valid start before the first edition.
    """
    n = len(starts)
    index = np.full(n, -1, dtype=np.int64)
    if one is not None:
        index[:] = 0
        return [one], index, np.zeros(n, dtype=bool)
    for k, e in enumerate(editions):
        m = starts >= np.datetime64(e.in_force_from, "ns")
        if e.in_force_until is not None:
            until = np.datetime64(e.in_force_until, "ns") + np.timedelta64(1, "D")
            m &= starts < until
        index[m] = k
    last = len(editions) - 1
    index[(starts >= np.datetime64(editions[-1].in_force_from, "ns")) & (index < 0)] = last
    before_first = ~np.isnat(starts) & (index < 0)
    return editions, index, before_first


def edition_column(chosen: list[Edition], index: np.ndarray) -> tuple[np.ndarray, Coded]:
    """The edition id of each record (object array, None for none) and the same as
    `Coded`."""
    names = np.array([e.id for e in chosen] + [None], dtype=object)
    return names[index], Coded(index, [e.id for e in chosen])

"""What a document with a cap keeps of a run: errors first, then warnings, then waived.

SARIF (25,000 results), the HTML report (25,000 findings) and the GitHub step summary
(1 MiB) cannot hold every finding of a large run; cut in run order, early warnings could
crowd out every error. `Capped` spends the budget on open errors, then open warnings, then
waived findings, and gives back what it kept in run order.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from typing import Any, Generic, TypeVar

import numpy as np
import pandas as pd

T = TypeVar("T")

#: The tiers, in the order they are kept.
TIERS = ("error", "warning", "waived")


def tier_of(finding: Mapping[str, Any]) -> int:
    """0 for an open error, 1 for an open warning, 2 for a waived finding (a row of
    `handbook.outputs.base.rows`: keys ``severity`` and ``waived``)."""
    if finding["waived"]:
        return 2
    return 1 if finding["severity"] == "warning" else 0


class Capped(Generic[T]):
    """Items of a run under a budget (a count, or bytes: each item's ``cost``); each tier
    holds at most ``budget``, so memory is bounded whatever the run's size."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.total = 0  # items offered
        self._seq = 0
        self._tiers: list[list[tuple[int, int, T]]] = [[] for _ in TIERS]
        self._spent = [0 for _ in TIERS]

    def add(self, tier: int, item: T, cost: int = 1) -> None:
        """Offer ``item`` of ``tier`` (see `tier_of`), costing ``cost`` of the budget."""
        self.total += 1
        self._seq += 1
        if self._spent[tier] + cost <= self.budget:
            self._spent[tier] += cost
            self._tiers[tier].append((self._seq, cost, item))

    def fitting(self, findings: pd.DataFrame) -> pd.DataFrame:
        """The rows of a findings batch that may still be kept when each costs 1; the others
        are counted in `total` and dropped before they become items."""
        waived = findings["waived"].to_numpy(dtype=bool)
        warning = findings["severity"].to_numpy(dtype=object) == "warning"
        tiers = np.where(waived, 2, np.where(warning, 1, 0))
        keep = np.zeros(len(findings), dtype=bool)
        for tier in range(len(TIERS)):
            keep[np.flatnonzero(tiers == tier)[: max(self.budget - self._spent[tier], 0)]] = True
        self.total += int((~keep).sum())
        return findings[keep] if not keep.all() else findings

    def kept(self) -> list[T]:
        """The items the budget holds, errors first, then warnings, then waived, each
        tier's earliest first; returned in run order."""
        left = self.budget
        chosen: list[list[tuple[int, int, T]]] = []
        for items in self._tiers:
            taken = []
            for entry in items:
                if entry[1] > left:
                    break
                left -= entry[1]
                taken.append(entry)
            chosen.append(taken)
        return [item for _, _, item in heapq.merge(*chosen, key=lambda e: e[0])]

"""Columns as integer codes into their distinct values (`Coded`), so that masks and
groupings over a batch are integer operations, and small helpers over them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd


def isin(values: np.ndarray, options: Sequence[Any]) -> np.ndarray:
    """Hash-based membership of an object array's values in ``options`` (absent: False)."""
    result: np.ndarray = (
        pd.Series(values, dtype=object, copy=False).isin(list(options)).to_numpy(dtype=bool)
    )
    return result


@dataclass(eq=False)
class Coded:
    """A column as integer codes into its distinct values.

    ``codes[i]`` indexes ``uniques`` (-1 when absent); masks against a value or a set of
    values are integer comparisons.
    """

    codes: np.ndarray
    uniques: list[Any]

    def isin(self, options: Sequence[Any]) -> np.ndarray:
        """Rows whose value is one of ``options``."""
        wanted = set(options)
        idx = [i for i, u in enumerate(self.uniques) if u in wanted]
        if not idx:
            return np.zeros(len(self.codes), dtype=bool)
        if len(idx) == 1:
            result: np.ndarray = self.codes == idx[0]
            return result
        return np.isin(self.codes, idx)

    def eq(self, value: Any) -> np.ndarray:
        """Rows whose value is ``value``."""
        return self.isin([value])

    def subset(self, rows: np.ndarray) -> Coded:
        """The same column restricted to ``rows`` (same uniques)."""
        return Coded(self.codes[rows], self.uniques)


def combos(*columns: Coded) -> tuple[np.ndarray, list[tuple[Any, ...]]]:
    """Group rows by the values of several `Coded` columns.

    Returns ``(codes, uniques)``: ``codes[i]`` indexes ``uniques``, the distinct value
    tuples (absent values as None), so that work is done once per distinct combination.
    """
    n = len(columns[0].codes)
    if not n:
        return np.zeros(0, dtype=np.int64), []
    key = np.zeros(n, dtype=np.int64)
    for c in columns:
        key = key * (len(c.uniques) + 1) + (c.codes + 1)
    _distinct, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    uniques = [
        tuple(c.uniques[c.codes[i]] if c.codes[i] >= 0 else None for c in columns)
        for i in first.tolist()
    ]
    return inverse.reshape(-1).astype(np.int64), uniques


def fold(value: str) -> str:
    """A value as it is matched against ids and names: case, spaces, hyphens and
    underscores ignored (``Message Center`` and ``message-center`` are ``messagecenter``)."""
    return "".join(c for c in value.casefold() if c not in " \t-_")


#: Said of an unknown list item holding a comma: a list is not one comma-separated text.
LIST_SEPARATOR_HINT = " (a list is written [a, b] in YAML and JSON, and a; b in a CSV cell)"


def split_list(value: str | None) -> list[str]:
    """Items of a ``;``-separated list value (empty items dropped)."""
    return [v.strip() for v in (value or "").split(";") if v.strip()]

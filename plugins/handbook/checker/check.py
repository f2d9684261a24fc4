"""`check_paths`: a whole checker run as a `handbook.checker.findings.Report`.

The pure function the library, ``handbook verify`` and the site use (prints nothing).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from handbook.checker.engine import Checker, CheckOptions
from handbook.checker.findings import Report, empty_findings, empty_records
from handbook.checker.waivers import WaiverSet
from handbook.model.handbook import Handbook
from handbook.project import site_url as project_site_url

if TYPE_CHECKING:
    from handbook.checker.mapping import Mapping


def _concat(frames: list[pd.DataFrame], empty: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """The batches as one frame, in order (``empty()`` when no batch has a row)."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty()
    if len(frames) == 1:
        return frames[0].reset_index(drop=True)
    return pd.concat(frames, ignore_index=True)


def check_paths(
    handbook: Handbook,
    paths: Sequence[Path],
    *,
    edition: str | None = None,
    waivers: WaiverSet | None = None,
    today: date | None = None,
    site_url: str | object | None = ...,
    mapping: Mapping | None = None,
    chunk_size: int | None = None,
) -> Report:
    """The `Report` of checking the change records in ``paths`` (YAML, JSON or CSV) against
    the rules; prints nothing. ``site_url`` (for ``help_uri``) defaults to the project's
    (`handbook.project.site_url`)."""
    url = project_site_url(handbook.root) if site_url is ... else site_url
    url = url if isinstance(url, str) else None
    options = CheckOptions(edition, waivers, today, url, chunk_size, mapping)
    checker = Checker(handbook, options)
    findings: list[pd.DataFrame] = []
    records: list[pd.DataFrame] = []
    for result in checker.run(paths):
        findings.append(result.findings)
        records.append(result.records)
    files = [str(p) for p in paths]
    if waivers is not None and waivers.file not in files:
        files.append(waivers.file)
    return Report(
        _concat(findings, empty_findings), _concat(records, empty_records), handbook, url, files
    )

"""`check_paths`: a whole checker run as a `handbook.checker.findings.Report`.

The pure function the library, ``handbook verify`` and the site use (prints nothing).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from handbook.checker.engine import Checker, CheckOptions
from handbook.checker.findings import (
    RECORD_COLUMNS,
    Finding,
    RecordRef,
    Report,
    frame_to_findings,
)
from handbook.checker.records import (
    MappingLike,
)
from handbook.checker.waivers import (
    WaiverSet,
)
from handbook.model.handbook import Handbook


def site_url_for(data: Path) -> str | None:
    """The ``site_url`` of ``mkdocs.yml`` in the folder above ``data`` (the project root),
    ending with ``/``; None when there is no such file or setting."""
    config = data.resolve().parent / "mkdocs.yml"
    try:
        text = config.read_text(encoding="utf-8")
    except OSError:
        return None
    m = re.search(r"^site_url:[ \t]*['\"]?([^'\"\s#]+)", text, re.M)
    if not m:
        return None
    url = m.group(1)
    return url if url.endswith("/") else url + "/"


def _as_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def check_paths(
    handbook: Handbook,
    paths: Sequence[Path],
    *,
    edition: str | None = None,
    waivers: WaiverSet | None = None,
    today: date | None = None,
    site_url: str | object | None = ...,
    mapping: MappingLike | None = None,
    chunk_size: int | None = None,
) -> Report:
    """Check the change records in ``paths`` (YAML, JSON or CSV files) against the rules.

    Pure: prints nothing. Returns a `Report` with a finding per input error (E001 to
    E005), per broken rule (``data/rules.yaml``) and per waiver problem (E006, W001),
    ordered by file (as given), line and code; waived findings are in ``Report.waived``;
    and a `RecordRef` per record read. Times are compared in UTC; records with an input
    error are not evaluated against the rules. ``site_url`` defaults to the ``site_url``
    of the project's ``mkdocs.yml`` (`site_url_for`), for ``help_uri``.
    """
    url = site_url_for(handbook.root) if site_url is ... else site_url
    options = CheckOptions(
        edition=edition,
        waivers=waivers,
        today=today,
        site_url=url if isinstance(url, str) else None,
        chunk_size=chunk_size,
        mapping=mapping,
    )
    checker = Checker(handbook, options)
    findings: list[Finding] = []
    waived: list[Finding] = []
    records: list[RecordRef] = []
    for result in checker.run(paths):
        for f in frame_to_findings(result.findings):
            (waived if f.waived else findings).append(f)
        r = result.records
        for values in zip(*(r[c].tolist() for c in RECORD_COLUMNS[:-1]), strict=True):
            rid, title, file, line, initiator, change_type, sop_category, ed = values
            records.append(
                RecordRef(
                    _as_str(rid),
                    _as_str(title),
                    str(file),
                    int(line) or None,
                    _as_str(initiator),
                    _as_str(change_type),
                    _as_str(sop_category),
                    _as_str(ed),
                )
            )
    files = [str(p) for p in paths]
    if waivers is not None and waivers.file not in files:
        files.append(waivers.file)
    return Report(findings, records, waived, handbook, options.site_url, files)

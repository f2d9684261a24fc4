"""``handbook verify``: the samples of ``data/samples/`` against their annotations.

Like conftest's ``verify``: every sample file listed in ``data/samples/samples.yaml`` is
checked on its own and the codes found for each record (waived findings excluded;
file-level findings under ``(file)``) are compared with the codes the annotation
expects. One ``PASS``/``FAIL`` line per sample, the differences under a failing one,
then a count; exit 1 on any mismatch, 2 when ``data/`` is invalid.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .checker import check_paths
from .findings import Report
from .handbook import Handbook
from .loader import load_for_command
from .model import SampleFile


@dataclass
class SampleResult:
    """One sample file's verdict: ``mismatches`` lists ``(record, expected, got)``."""

    file: str
    records: int
    mismatches: list[tuple[str, list[str], list[str]]] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """True when every record's codes match the annotation."""
        return not self.mismatches


def codes_by_record(report: Report) -> dict[str, list[str]]:
    """Record id → the sorted codes found on it (every record read, ``[]`` when clean);
    file-level findings under ``"(file)"``, as ``data/samples/samples.yaml`` writes them."""
    got: dict[str, list[str]] = {}
    for f in report.findings:
        got.setdefault(f.record if f.record is not None else "(file)", []).append(f.rule)
    for ref in report.records:
        if ref.id is not None:
            got.setdefault(ref.id, [])
    return {k: sorted(v) for k, v in got.items()}


def verify_sample(
    handbook: Handbook, sample: SampleFile, today: date | None = None
) -> SampleResult:
    """Check one sample file and compare its codes with ``sample.expect``."""
    path = handbook.root / "samples" / sample.file
    report = check_paths(handbook, [path], today=today, waivers=None)
    want = {k: sorted(v) for k, v in sample.expect.items()}
    have = codes_by_record(report)
    result = SampleResult(sample.file, len(report.records))
    for key in sorted(set(want) | set(have)):
        if want.get(key) != have.get(key):
            result.mismatches.append((key, want.get(key, []), have.get(key, [])))
    return result


def verify(handbook: Handbook, today: date | None = None) -> list[SampleResult]:
    """Every sample of ``samples.yaml``, in file order."""
    return [verify_sample(handbook, s, today) for s in handbook.samples]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``handbook verify``: ``--data DIR``."""
    parser.add_argument("--data", default="data", help="data folder (default: data)")


def run(args: argparse.Namespace) -> int:
    """Run ``handbook verify``; exit 0 when every sample matches, 1 otherwise, 2 on a
    usage error."""
    data = Path(args.data)
    handbook = load_for_command(data, "handbook verify")
    if handbook is None:
        return 2
    results = verify(handbook)
    for r in results:
        where = f"{data / 'samples' / r.file}"
        if r.passed:
            print(f"PASS {where} ({r.records} record{'s' if r.records != 1 else ''})")
            continue
        print(f"FAIL {where}")
        for record, want, got in r.mismatches:
            print(
                f"  {record}: expected {', '.join(want) or 'no finding'}; "
                f"got {', '.join(got) or 'no finding'}"
            )
    failed = sum(1 for r in results if not r.passed)
    print(f"{len(results) - failed} of {len(results)} samples match their annotation")
    return 1 if failed else 0

"""``handbook verify``: the samples of ``data/samples/`` against their annotations.

Like conftest's ``verify``: every sample file listed in ``data/samples/samples.yaml`` is
checked on its own and the codes found for each record (waived findings excluded;
file-level findings under ``(file)``) are compared with the codes the annotation
expects. One ``PASS``/``FAIL`` line per sample, the differences under a failing one,
then a count; exit 1 on any mismatch, 2 when ``data/`` is invalid.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from handbook.checker.samples import SampleResult, evaluate_samples
from handbook.model.handbook import Handbook
from handbook.model.loader import load_for_command


def verify(handbook: Handbook, today: date | None = None) -> list[SampleResult]:
    """Every sample of ``samples.yaml``, in file order (`evaluate_samples`)."""
    return evaluate_samples(handbook, today)


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
        for v in r.verdicts:
            if v.passed:
                continue
            want = "not listed" if not v.listed else ", ".join(v.expected) or "no finding"
            print(f"  {v.record}: expected {want}; got {', '.join(v.actual) or 'no finding'}")
    failed = sum(1 for r in results if not r.passed)
    print(f"{len(results) - failed} of {len(results)} samples match their annotation")
    return 1 if failed else 0

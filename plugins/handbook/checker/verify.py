"""``handbook verify``: the samples of ``data/samples/`` against their annotations.

Each sample file of ``data/samples/samples.yaml`` is checked on its own and each record's
codes compared with its annotation (`handbook.checker.samples`): a ``PASS``/``FAIL`` line
per sample, the differences under a failing one, then a count; exit 1 on a mismatch, 2
when ``data/`` is invalid. ``--coverage`` adds what the samples exercise
(`handbook.checker.coverage`), as text or (``--format json``) ``{"samples": {"matched",
"total"}, "coverage": {...}}``; ``--min-coverage N`` exits 1 under N percent.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from handbook.checker.samples import SampleResult, evaluate_samples
from handbook.model.handbook import Handbook
from handbook.model.loader import load_for_command


def _percent(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"expected a percentage from 0 to 100, got {text!r}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``handbook verify``: ``--data DIR``, ``--coverage``, ``--format
    text|json``, ``--min-coverage N``."""
    parser.add_argument("--data", default="data", help="data folder (default: data)")
    parser.add_argument(
        "--coverage",
        action="store_true",
        help="also report which codes have a passing and a failing sample and which "
        "branches of each rule kind the samples reach",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="output format of the coverage (default: text)",
    )
    parser.add_argument(
        "--min-coverage",
        type=_percent,
        metavar="N",
        help="exit 1 when the coverage is under N percent (implies --coverage)",
    )


def run(args: argparse.Namespace) -> int:
    """Run ``handbook verify``; exit 0 when every sample matches, 1 otherwise, 2 on a
    usage error."""
    data = Path(args.data)
    handbook = load_for_command(data, "handbook verify")
    if handbook is None:
        return 2
    results = evaluate_samples(handbook)
    if args.coverage or args.min_coverage is not None or args.format == "json":
        return _run_coverage(args, handbook, results)
    return 1 if _print_verdicts(data, results) else 0


def _print_verdicts(data: Path, results: list[SampleResult]) -> int:
    """The PASS/FAIL lines and the count; returns the number of failed samples."""
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
            got = f"got {', '.join(v.actual) or 'no finding'}"
            if not v.present:
                got = f"the file has no record {v.record}"
                got += " (correct the id in samples.yaml or remove it)"
            print(f"  {v.record}: expected {want}; {got}")
            for message in v.messages:  # "CODE: message": why, e.g. an E001's cause
                print(f"    {message}")
    failed = sum(1 for r in results if not r.passed)
    print(f"{len(results) - failed} of {len(results)} samples match their annotation")
    return failed


def _run_coverage(args: argparse.Namespace, handbook: Handbook, results: list[SampleResult]) -> int:
    from handbook.checker.coverage import coverage, coverage_text

    cov = coverage(handbook, results)
    failed = sum(1 for r in results if not r.passed)
    below = args.min_coverage is not None and cov.percent < args.min_coverage
    if args.format == "json":
        doc = {
            "samples": {"matched": len(results) - failed, "total": len(results)},
            "coverage": cov.as_json(),
        }
        print(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        _print_verdicts(Path(args.data), results)
        print("\n".join(coverage_text(cov)))
    if below:
        print(
            f"handbook verify: coverage {cov.percent:.1f}% is under --min-coverage "
            f"{args.min_coverage:g}% ({cov.total - cov.covered} of {cov.total} items without "
            "a sample; add samples to data/samples/samples.yaml for the items marked MISSING)",
            file=sys.stderr,
        )
    return 1 if failed or below else 0

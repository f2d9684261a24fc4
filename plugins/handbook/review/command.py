"""``handbook diff BASE [HEAD]``: what a change to ``data/`` means, for a reviewer.

Loads the data folder at git revision ``BASE`` and at ``HEAD`` (default: the working tree),
compares them (`handbook.review.compare.compare`) and prints Markdown or JSON; with
``GITHUB_STEP_SUMMARY`` set, the Markdown is also appended to that file. Exit 0; 2 for a
usage error (not a git repository, unknown revision, invalid data at a revision), with one
line on standard error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from handbook.files import append_step_summary
from handbook.model.handbook import Handbook
from handbook.model.loader import load_handbook
from handbook.review.revisions import RevisionError, data_at


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The ``diff`` subcommand's arguments."""
    p.add_argument("base", metavar="BASE", help="git revision to compare from, e.g. origin/main")
    p.add_argument(
        "head",
        metavar="HEAD",
        nargs="?",
        help="git revision to compare to (default: the working tree)",
    )
    p.add_argument("--data", default="data", help="data folder (default: data)")
    p.add_argument(
        "--format",
        choices=["markdown", "json"],
        default="markdown",
        help="markdown (default) or json",
    )


def _load(folder: Path, label: str, shown: str) -> Handbook:
    handbook, problems = load_handbook(folder)
    if handbook is not None:
        return handbook
    errors = [p for p in problems if p.severity == "error"]
    first = str(errors[0]) if errors else "cannot be loaded"
    first = first.replace(str(folder), shown.rstrip("/"), 1)
    raise RevisionError(
        f"the data at {label} is invalid ({len(errors)} error(s); first: {first}); "
        "run handbook validate there"
    )


def run(args: argparse.Namespace) -> int:
    """Run ``handbook diff``; returns the exit code (0, or 2 with one line on stderr)."""
    from handbook.review.compare import compare
    from handbook.review.render import to_json, to_markdown

    data = Path(args.data)
    try:
        with (
            data_at(data, args.base) as (old_dir, old_label),
            data_at(data, args.head) as (new_dir, new_label),
        ):
            base = _load(old_dir, old_label, str(data))
            head = _load(new_dir, new_label, str(data))
            diff = compare(base, head, old_label, new_label)
    except RevisionError as exc:
        print(f"handbook diff: error: {exc}", file=sys.stderr)
        return 2
    markdown = to_markdown(diff)
    print(to_json(diff) if args.format == "json" else markdown, end="")
    append_step_summary("handbook diff", markdown)
    return 0

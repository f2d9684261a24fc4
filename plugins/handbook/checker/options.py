"""The options of ``handbook check``, apart from `handbook.checker.command` so that building
the CLI's parser does not import pandas (0.3 s at every start of ``handbook``)."""

from __future__ import annotations

import argparse
import re
from datetime import date
from pathlib import Path

from handbook.checker.codes import FORMAT_NAMES

#: ``--format`` choices: the formats the site shows a sample of, and the HTML report
#: (`handbook.outputs.SINKS` has exactly these; a test checks it).
REPORT_FORMATS: tuple[str, ...] = (*FORMAT_NAMES, "html")

#: Records per batch when ``--chunk-size`` is not given: memory stays flat on any input
#: (see `Checker.run`).
DEFAULT_CHUNK_SIZE = 100_000


def _chunk_size(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 (each file whole) or more")
    return value


def read_day(text: str) -> tuple[date | None, str | None]:
    """A day written ``YYYY-MM-DD`` (``--today``, a waiver's ``expires_on``): ``(day,
    None)``; ``(None, None)`` when ``text`` is not in that form; ``(None, reason)`` when it
    is but names no day (``2025-02-30``: ``day is out of range for month``)."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None, None
    try:
        return date.fromisoformat(text), None
    except ValueError as error:
        return None, str(error)


def _file_name(text: str) -> str | None:
    """``--output``'s file; None (standard output) for ``-``, as for an input."""
    if not text.strip():
        raise argparse.ArgumentTypeError(
            "needs a file name (leave --output out, or give -, to write to standard output)"
        )
    return None if text == "-" else text


def _folder(text: str) -> str:
    if not Path(text).is_dir():
        why = "does not exist" if not Path(text).exists() else "is not a folder"
        raise argparse.ArgumentTypeError(f"{text!r} {why}; give the repository's root folder")
    return text


def _date(text: str) -> date:
    day, reason = read_day(text)
    if day is not None:
        return day
    if reason is None:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}")
    raise argparse.ArgumentTypeError(f"{text!r} names no day ({reason})")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``handbook check`` (see ``handbook check --help``)."""
    parser.add_argument("--data", default="data", help="data folder (default: data)")
    parser.add_argument(
        "--format", choices=REPORT_FORMATS, default="text", help="output format (default: text)"
    )
    parser.add_argument(
        "--output",
        "-o",
        type=_file_name,
        metavar="FILE",
        help="write the report to FILE (-: standard output)",
    )
    parser.add_argument(
        "--waivers", metavar="FILE", help="waivers file (default: DATA/waivers.yaml when it exists)"
    )
    parser.add_argument(
        "--map",
        metavar="FILE",
        help="YAML mapping from record fields to the columns of an ITSM CSV export "
        "(e.g. data/mappings/servicenow.yaml)",
    )
    parser.add_argument(
        "--edition",
        metavar="ID",
        help="check every record against this edition, whatever its date (no error for a "
        "date before the first edition; a date after the end of life still gets its warning)",
    )
    parser.add_argument(
        "--fail-on-warn", action="store_true", help="exit 1 when any warning is found"
    )
    parser.add_argument(
        "--partial",
        action="store_true",
        help="the files given are only some of the change records (a pre-commit hook's "
        "staged files): a waiver of the waivers file whose record none of them contains is "
        "not an error (E006)",
    )
    parser.add_argument(
        "--chunk-size",
        type=_chunk_size,
        default=DEFAULT_CHUNK_SIZE,
        metavar="N",
        help="read and check N records at a time, so memory stays flat on large CSV files "
        f"(default {DEFAULT_CHUNK_SIZE:,}; 0 reads each file whole)",
    )
    parser.add_argument(
        "--site-url",
        metavar="URL",
        help="base URL of the handbook site for rule links (default: site_url of the "
        "mkdocs.yml next to the data folder)",
    )
    parser.add_argument(
        "--repo-root",
        type=_folder,
        metavar="DIR",
        help="repository root that SARIF, GitHub and GitLab paths are relative to "
        "(default: the enclosing git work tree, else the current folder)",
    )
    parser.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour in text output (default: auto, only on a terminal; NO_COLOR disables)",
    )
    parser.add_argument(
        "--today",
        type=_date,
        metavar="DATE",
        help="the UTC date waivers expire against (default: today)",
    )
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="change-record files: YAML (.yaml, .yml), JSON or CSV; a folder is every such"
        " file under it; a quoted pattern ('changes/**/*.yaml') the files it matches; - reads"
        " YAML or JSON from standard input",
    )

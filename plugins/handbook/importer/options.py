"""The ``handbook import`` subcommand's options, apart from `command` so that building the
CLI's parser does not import BeautifulSoup and html5lib (about 0.15 s at every start of
``handbook``, measured with ``python -X importtime -m handbook.cli --help``)."""

from __future__ import annotations

import argparse


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The ``import`` subcommand's arguments."""
    p.add_argument(
        "pages",
        nargs="+",
        metavar="PAGE.md",
        help="Markdown pages, or pages as published (HTML), to import",
    )
    p.add_argument("--out", metavar="DIR", help="folder to write the data files into")
    p.add_argument("--report", metavar="FILE", help="write the report to FILE (atomically)")
    p.add_argument("--edition", metavar="ID", help="tag everything imported with this edition")
    p.add_argument("--format", choices=["text", "json"], default="text", help="report format")
    p.add_argument("--data", default="data", help="committed data folder (default: data)")
    p.add_argument(
        "--compare",
        action="store_true",
        help="print what the pages change relative to the committed data (handbook diff)",
    )

"""The ``handbook`` console script and ``python -m handbook``: `handbook.cli.main`, with an
interrupt that lands while Python imports the command line (its first ~0.2 s) reported as
one line and exit 130, as an interrupt of any command is, instead of a traceback."""

from __future__ import annotations

import sys


def main() -> int:
    """Import and run `handbook.cli.main`; returns the exit code."""
    try:
        from handbook.cli import main as run
    except KeyboardInterrupt:
        print("handbook: interrupted", file=sys.stderr)
        return 130
    return run()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

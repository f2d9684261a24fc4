"""Lines of code: the Python of ``plugins/`` at a git revision against the working tree.

    python benchmarks/loc.py [REV] [--top 5]

Counts lines as ``wc -l`` does (newline characters) in every ``*.py`` file under
``plugins/``: at ``REV`` (default ``46dfea3``, before the redesign of issue 9; read with
``git ls-tree``/``git show REV:path``) and in the working tree (tracked or not, ignoring
``__pycache__``). Prints the totals, the number of modules, the ``--top`` largest modules
of each and the change. Templates, CSS and JavaScript are not counted.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "plugins"


def at_revision(rev: str) -> dict[str, int]:
    """Path -> lines of each Python file under ``plugins/`` at ``rev``."""
    names = subprocess.run(
        ["git", "ls-tree", "-r", "--name-only", rev, "--", PACKAGE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    out = {}
    for name in names:
        if name.endswith(".py"):
            blob = subprocess.run(
                ["git", "show", f"{rev}:{name}"], cwd=ROOT, capture_output=True, check=True
            ).stdout
            out[name] = blob.count(b"\n")
    return out


def in_tree() -> dict[str, int]:
    """Path -> lines of each Python file under ``plugins/`` in the working tree."""
    return {
        str(p.relative_to(ROOT)): p.read_bytes().count(b"\n")
        for p in sorted((ROOT / PACKAGE).rglob("*.py"))
        if "__pycache__" not in p.parts
    }


def report(label: str, files: dict[str, int], top: int) -> None:
    print(f"{label}: {sum(files.values()):,} lines in {len(files)} modules")
    for name, lines in sorted(files.items(), key=lambda kv: -kv[1])[:top]:
        print(f"  {lines:6,}  {name}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("rev", nargs="?", default="46dfea3", help="git revision (46dfea3)")
    parser.add_argument("--top", type=int, default=5, help="largest modules to list")
    args = parser.parse_args(argv)
    before, after = at_revision(args.rev), in_tree()
    report(f"{args.rev}", before, args.top)
    report("working tree", after, args.top)
    total_before, total_after = sum(before.values()), sum(after.values())
    change = total_after - total_before
    print(
        f"change: {change:+,} lines ({change / total_before:+.0%}); largest module "
        f"{max(before.values(), default=0):,} -> {max(after.values(), default=0):,} lines"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

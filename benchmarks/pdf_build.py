"""Time and size of the whole-handbook PDF (``handbook pdf``), with today's data and with
the data grown ``--scale`` times.

Growing the data: on a copy of the project, every change type, SOP category and role is
repeated ``--scale`` times (the copies' ids and statement ids get ``-xN``, their names
`` (N)``; ``succeeds`` links stay on the originals), so the site has about ``--scale``
times the pages of those kinds and the print edition about that many more pages. The copy
must pass ``handbook validate`` first.

For each size, in turns, ``--repeat`` times: ``mkdocs build --strict`` of the copy (the
build ``handbook pdf`` starts with) and ``handbook pdf --out FILE`` as a whole process
(build, Chromium, pypdf); it prints the best wall time of each, the PDF's size and number
of pages. Needs Chromium (``apt-get install chromium``) and the ``pdf`` extra.

    .venv/bin/python benchmarks/pdf_build.py --scale 10 --repeat 3
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml
from copies import BIN, copy_project, env

#: Data files whose items are repeated.
GROWN = ("change-types.yaml", "sop-categories.yaml", "roles.yaml")


def _renamed(value: Any, suffix: str) -> Any:
    """``value`` with the id of every statement in it (a mapping with ``id`` and ``text``)
    suffixed."""
    if isinstance(value, list):
        return [_renamed(v, suffix) for v in value]
    if isinstance(value, dict):
        out = {k: _renamed(v, suffix) for k, v in value.items()}
        if "id" in out and "text" in out:
            out["id"] = f"{out['id']}{suffix}"
        return out
    return value


def grow(data: Path, scale: int) -> None:
    """Repeat the items of the `GROWN` files ``scale`` times in ``data`` (a copy)."""
    for name in GROWN:
        path = data / name
        head = "".join(line for line in path.read_text("utf-8").splitlines(True)[:1])
        items = yaml.safe_load(path.read_text("utf-8"))
        out = list(items)
        for n in range(2, scale + 1):
            for item in items:
                copy = _renamed(item, f"-x{n}")
                copy.pop("succeeds", None)
                copy["id"] = f"{item['id']}-x{n}"
                copy["name"] = f"{item['name']} ({n})"
                out.append(copy)
        text = yaml.safe_dump(out, sort_keys=False, allow_unicode=True, width=1000)
        path.write_text(head + text, encoding="utf-8")


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env(), capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stderr[-3000:]}")
    return elapsed


def measure(project: Path, repeat: int, out: Path) -> dict[str, Any]:
    from pypdf import PdfReader

    config = project / "mkdocs.yml"
    builds, pdfs = [], []
    with tempfile.TemporaryDirectory() as tmp:
        build = [str(BIN / "mkdocs"), "build", "--strict", "-q", "-f", str(config)]
        for _ in range(repeat):
            builds.append(timed([*build, "-d", str(Path(tmp) / "site")], project))
            pdfs.append(
                timed(
                    [str(BIN / "handbook"), "pdf", "--out", str(out), "--config", str(config)],
                    project,
                )
            )
    reader = PdfReader(out)
    return {
        "build": min(builds),
        "pdf": min(pdfs),
        "all pdf": pdfs,
        "bytes": out.stat().st_size,
        "pages": len(reader.pages),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=10, help="how many times the data")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each (best is shown)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="handbook-pdf-bench-") as tmp:
        small = copy_project(Path(tmp) / "x1")
        large = copy_project(Path(tmp) / f"x{args.scale}")
        grow(large / "data", args.scale)
        check = subprocess.run(
            [str(BIN / "handbook"), "validate", "--data", "data"],
            cwd=large,
            env=env(),
            capture_output=True,
            text=True,
        )
        if check.returncode != 0:
            sys.exit(f"the grown data does not validate:\n{check.stdout[-3000:]}")
        rows = []
        for label, project in (("today's data", small), (f"{args.scale}x the data", large)):
            figures = measure(project, args.repeat, Path(tmp) / f"{project.name}.pdf")
            rows.append((label, figures))
            runs = " ".join(f"{t:.1f}" for t in figures["all pdf"])
            print(
                f"{label:>16}: site build {figures['build']:.2f} s; handbook pdf "
                f"{figures['pdf']:.1f} s (runs: {runs}); {figures['bytes'] / 1e6:.1f} MB, "
                f"{figures['pages']} pages"
            )
        (_, one), (_, many) = rows
        print(
            f"growth x{args.scale}: time x{many['pdf'] / one['pdf']:.2f}, "
            f"size x{many['bytes'] / one['bytes']:.2f}, pages x{many['pages'] / one['pages']:.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

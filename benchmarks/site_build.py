"""Site build benchmark: the handbook against a plain MkDocs site of the same Markdown.

    python benchmarks/site_build.py [--repeat 3] [--workdir DIR]

Works on a copy of the project in a temporary folder. In one run, in turns, best of
``--repeat`` after one warm-up build of each (every build a whole ``mkdocs build --strict``
process):

* **plain**: a plain MkDocs + Material site of the Markdown that ``handbook pages --out
  DIR`` writes, with the project's ``docs/`` beside it: the project's ``mkdocs.yml``
  (``INHERIT``: same theme, Markdown extensions and other plugins) without the handbook
  plugin. This is the peer: what building the same pages costs without generating them;
* **handbook, warm**: the handbook's build again with unchanged data (its cache in
  ``.cache/`` next to ``mkdocs.yml`` kept, as in ``mkdocs serve`` or a second local build);
* **handbook, no cache**: the same with ``.cache/`` deleted before each build, as in a CI
  build (templates are compiled in memory at each build in any case).

Prints the times, the pages each site has (``index.html`` files) and the ratios handbook /
plain, best / best and the median of each round's ratio (budgets: warm <= 1.25, moonshot
1.1; no cache <= 1.5), then the same for the CPU time (user + system) of each build
process, which moves less than wall time on a shared machine. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from copies import BIN, copy_project, env, pages, plain_project, run_timed

#: CPU seconds (user + system) of each build process, by label, filled by `build`: on a
#: shared machine they move less than the wall times.
CPU: dict[str, list[float]] = {}


def build(config: Path, site_dir: Path, environ: dict[str, str], label: str = "") -> float:
    """Seconds of one ``mkdocs build --strict`` of ``config`` (exits when it fails); its
    CPU seconds are appended to ``CPU[label]``."""
    shutil.rmtree(site_dir, ignore_errors=True)
    cmd = [str(BIN / "mkdocs"), "build", "--strict", "-q", "-f", str(config), "-d", str(site_dir)]
    elapsed, cpu = run_timed(cmd, config.parent, environ)
    CPU.setdefault(label, []).append(cpu)
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=3, help="best of N (default 3)")
    parser.add_argument("--workdir", type=Path, default=None, help="default: a temp folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="handbook-site-build-") as tmp:
        work = args.workdir or Path(tmp)
        project = copy_project(work / "project")
        plain_dir = work / "plain"
        shutil.rmtree(plain_dir, ignore_errors=True)
        plain = plain_project(project, plain_dir)
        handbook = project / "mkdocs.yml"
        out = {name: work / f"site-{name}" for name in ("plain", "warm", "cold")}

        def cold() -> float:
            shutil.rmtree(project / ".cache", ignore_errors=True)
            return build(handbook, out["cold"], env(), "cold")

        runs = {
            "plain": lambda: build(plain, out["plain"], env(), "plain"),
            "warm": lambda: build(handbook, out["warm"], env(), "warm"),
            "cold": cold,
        }
        for run in runs.values():  # warm-up: bytecode written, the handbook's cache filled
            run()
        CPU.clear()
        times: dict[str, list[float]] = {name: [] for name in runs}
        for _ in range(args.repeat):
            for name, run in runs.items():
                times[name].append(run())
        best = {name: min(values) for name, values in times.items()}
        labels = {
            "plain": "plain MkDocs + Material",
            "warm": "handbook, cache warm",
            "cold": "handbook, no cache (CI)",
        }
        print(f"{'build (best of ' + str(args.repeat) + ')':26} {'seconds':>8} {'pages':>6}  all")
        for name, values in times.items():
            spread = " ".join(f"{v:.2f}" for v in values)
            print(f"{labels[name]:26} {best[name]:8.2f} {pages(out[name]):6}  {spread}")
        for name, budget in (("warm", "<= 1.25, moonshot 1.1"), ("cold", "<= 1.5")):
            rounds = [a / b for a, b in zip(times[name], times["plain"], strict=True)]
            print(
                f"ratio {labels[name].split(', ')[1]} / plain: {best[name] / best['plain']:.2f} "
                f"best / best, {statistics.median(rounds):.2f} median of the rounds' ratios "
                f"(budget {budget})"
            )
        cpu = {name: min(CPU[name]) for name in runs}
        print(
            f"CPU seconds (best of {args.repeat}): "
            + ", ".join(
                f"{name} {cpu[name]:.2f} ({' '.join(f'{v:.2f}' for v in CPU[name])})"
                for name in runs
            )
        )
        for name in ("warm", "cold"):
            rounds = [a / b for a, b in zip(CPU[name], CPU["plain"], strict=True)]
            print(
                f"CPU ratio {labels[name].split(', ')[1]} / plain: {cpu[name] / cpu['plain']:.2f} "
                f"best / best, {statistics.median(rounds):.2f} median of the rounds' ratios"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())

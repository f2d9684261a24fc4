"""What the pictures cost: the site build with and without them, in one run.

    python benchmarks/pictures.py [--repeat 5] [--inner 20] [--workdir DIR]

Works on a copy of the project in a temporary folder. "Without" is the same project with
a theme ``custom_dir`` holding an empty template for each picture
(``pictures/timing_rule.svg.j2``, ``change_timeline.svg.j2``, ``editions.svg.j2``,
``balance.svg.j2``): the way a site drops a picture, and it skips the picture's geometry
as well as its SVG (the page template asks for the picture inside those templates). So
the difference is everything the pictures add to a build.

Two measures, with and without in turns, best of ``--repeat`` after a warm-up of each:

* **whole build**: one ``mkdocs build --strict`` process each (the checker's results
  cache warm, as in a second local build or ``mkdocs serve``), wall and CPU seconds;
* **generation**: `handbook.site.generate.generate_site` in this process, best of
  ``--inner`` calls each (the part of the build the pictures are in, without the
  machine's noise on process start-up).

Prints both figures and the ratios with / without (budget: the whole build at most 1.05).
Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from copies import BIN, copy_project, env, run_timed

PICTURES = ("timing_rule", "change_timeline", "editions", "balance")


def without_pictures(project: Path) -> Path:
    """A second config of ``project`` whose theme's ``custom_dir`` empties every picture."""
    overrides = project / "no-pictures"
    (overrides / "pictures").mkdir(parents=True, exist_ok=True)
    for name in PICTURES:
        (overrides / "pictures" / f"{name}.svg.j2").write_text("", encoding="utf-8")
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    marker = "theme:\n  name: material\n"
    if marker not in text:
        raise SystemExit("mkdocs.yml has no `theme:` / `name: material` lines to extend")
    config = project / "mkdocs-no-pictures.yml"
    config.write_text(text.replace(marker, marker + "  custom_dir: no-pictures\n"), "utf-8")
    return config


def build(config: Path, site_dir: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one ``mkdocs build --strict`` of ``config``."""
    shutil.rmtree(site_dir, ignore_errors=True)
    cmd = [str(BIN / "mkdocs"), "build", "--strict", "-q", "-f", str(config), "-d", str(site_dir)]
    return run_timed(cmd, config.parent, env())


def generation(project: Path, inner: int) -> dict[str, list[float]]:
    """Seconds of ``generate_site`` with and without the pictures, ``inner`` calls each,
    in turns, after a warm-up (templates compiled, checker results computed once)."""
    from handbook.model.loader import load_handbook
    from handbook.site.generate import generate_site
    from handbook.site.registry import SiteOptions
    from handbook.site.results import compute

    handbook, problems = load_handbook(project / "data")
    if handbook is None:
        raise SystemExit(f"the data has errors: {problems}")
    results = compute(handbook)
    options = {
        "with": SiteOptions(),
        "without": SiteOptions(custom_dir=str(project / "no-pictures")),
    }
    times: dict[str, list[float]] = {name: [] for name in options}
    for opts in options.values():  # warm-up
        generate_site(handbook, opts, results)
    for _ in range(inner):
        for name, opts in options.items():
            begin = time.perf_counter()
            generate_site(handbook, opts, results)
            times[name].append(time.perf_counter() - begin)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=5, help="whole builds: best of N")
    parser.add_argument("--inner", type=int, default=20, help="generation: best of N")
    parser.add_argument("--workdir", type=Path, default=None, help="default: a temp folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="handbook-pictures-") as tmp:
        work = args.workdir or Path(tmp)
        project = copy_project(work / "project")
        configs = {"with": project / "mkdocs.yml", "without": without_pictures(project)}
        for name, config in configs.items():  # warm-up: bytecode, the results cache
            build(config, work / f"site-{name}")
        wall: dict[str, list[float]] = {name: [] for name in configs}
        cpu: dict[str, list[float]] = {name: [] for name in configs}
        for _ in range(args.repeat):
            for name, config in configs.items():
                w, c = build(config, work / f"site-{name}")
                wall[name].append(w)
                cpu[name].append(c)
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plugins"))
        gen = generation(project, args.inner)
    print(f"whole build, mkdocs build --strict (best of {args.repeat}; all runs)")
    for name in configs:
        runs = " ".join(f"{v:.2f}" for v in wall[name])
        print(
            f"  {name + ' pictures':17} wall {min(wall[name]):6.2f} s  "
            f"CPU {min(cpu[name]):6.2f} s  ({runs})"
        )
    print(
        f"  ratio with / without: wall {min(wall['with']) / min(wall['without']):.3f}, "
        f"CPU {min(cpu['with']) / min(cpu['without']):.3f} (budget <= 1.05)"
    )
    print(f"generation, generate_site in one process (best of {args.inner})")
    for name in gen:
        print(f"  {name + ' pictures':17} {min(gen[name]) * 1000:8.1f} ms")
    added = min(gen["with"]) - min(gen["without"])
    print(
        f"  the pictures add {added * 1000:.1f} ms to generation, "
        f"{added / min(wall['without']) * 100:.1f}% of the whole build without them"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

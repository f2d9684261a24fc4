"""Engines benchmark: the handbook on Zensical against Zensical building the same Markdown
alone, and against the MkDocs build, in one run.

    python benchmarks/engines.py [--repeat 3] [--workdir DIR]

Works on a copy of the project in a temporary folder. In turns, best of ``--repeat`` after
one warm-up build of each (every build a whole process):

* **handbook on Zensical**: ``handbook build --engine zensical`` (loading ``data/``,
  generating the pages, writing the pre-build folder, then ``zensical build``);
* **Zensical alone**: ``zensical build`` of a project holding the Markdown that ``handbook
  pages --out DIR`` writes plus ``docs/``, with the project's configuration without the
  handbook plugin (no generated nav: Zensical makes one from the folders). The peer: what
  building the same pages costs without generating them;
* **handbook on MkDocs**: ``mkdocs build --strict`` with the plugin (the reference build).

Each is measured warm (caches kept: the handbook's results cache and the pre-build folder,
Zensical's ``.cache/``) and cold (every cache deleted before the build, and an empty
template cache, as in CI). Prints the times, the pages of each site (``index.html`` files),
the ratios to Zensical alone and the CPU seconds (user + system) of the build processes.
Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import yaml
from copies import BIN, copy_project, env, generated_docs, pages, read_config, run_timed

from handbook.build.project import without_plugin

CPU: dict[str, list[float]] = {}


def timed(label: str, cmd: list[str], cwd: Path, environ: dict[str, str]) -> float:
    """Seconds of one run of ``cmd`` (exits when it fails); CPU seconds into ``CPU``."""
    elapsed, cpu = run_timed(cmd, cwd, environ)
    CPU.setdefault(label, []).append(cpu)
    return elapsed


def zensical_alone(project: Path, dest: Path) -> Path:
    """A Zensical project of the Markdown ``handbook pages`` writes plus ``docs/``, with the
    project's configuration without the handbook plugin; returns its ``mkdocs.yml``."""
    shutil.rmtree(dest, ignore_errors=True)
    config = read_config(project)
    generated_docs(project, config, dest / "docs")
    config["plugins"] = without_plugin(config.get("plugins"))
    config["docs_dir"], config["site_dir"] = "docs", "site"
    path = dest / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), "utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=3, help="best of N (default 3)")
    parser.add_argument("--workdir", type=Path, default=None, help="default: a temp folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="handbook-engines-") as tmp:
        work = args.workdir or Path(tmp)
        project = copy_project(work / "project")
        alone = zensical_alone(project, work / "alone")
        sites = {
            "handbook-zensical": work / "site-hz",
            "zensical-alone": alone.parent / "site",
            "handbook-mkdocs": work / "site-hm",
        }
        handbook_z = [str(BIN / "handbook"), "build", "--engine", "zensical"]
        handbook_z += ["--site-dir", str(sites["handbook-zensical"])]
        zensical_z = [str(BIN / "zensical"), "build", "--config-file", str(alone)]
        mkdocs_m = [str(BIN / "mkdocs"), "build", "--strict", "-q"]
        mkdocs_m += ["-d", str(sites["handbook-mkdocs"])]

        def cold_env() -> dict[str, str]:
            for folder in (project / ".cache", alone.parent / ".cache"):
                shutil.rmtree(folder, ignore_errors=True)
            return env()

        runs: dict[str, Callable[[], float]] = {
            "handbook on Zensical, warm": lambda: timed("hz", handbook_z, project, env()),
            "Zensical alone, warm": lambda: timed("z", zensical_z, alone.parent, env()),
            "handbook on MkDocs, warm": lambda: timed("hm", mkdocs_m, project, env()),
            "handbook on Zensical, cold": lambda: timed("hz0", handbook_z, project, cold_env()),
            "Zensical alone, cold": lambda: timed("z0", zensical_z, alone.parent, cold_env()),
            "handbook on MkDocs, cold": lambda: timed("hm0", mkdocs_m, project, cold_env()),
        }
        times: dict[str, list[float]] = {name: [] for name in runs}
        # the warm builds in turns, then the cold ones: a cold build deletes the caches a
        # warm build of another engine would find (each engine keeps its own pre-build
        # folder and site cache file under the project's .cache/)
        for state in ("warm", "cold"):
            group = {name: run for name, run in runs.items() if name.endswith(state)}
            for run in group.values():  # warm-up
                run()
            for label in [k for k in CPU if k.endswith("0") == (state == "cold")]:
                CPU[label].clear()
            for _ in range(args.repeat):
                for name, run in group.items():
                    times[name].append(run())
        best = {name: min(values) for name, values in times.items()}
        print(f"{'build (best of ' + str(args.repeat) + ')':30} {'seconds':>8} {'CPU s':>6}  all")
        for (name, values), label in zip(times.items(), CPU, strict=True):
            spread = " ".join(f"{v:.2f}" for v in values)
            print(f"{name:30} {best[name]:8.2f} {min(CPU[label]):6.2f}  {spread}")
        print("pages (index.html): " + ", ".join(f"{k} {pages(v)}" for k, v in sites.items()))
        for state in ("warm", "cold"):
            peer = best[f"Zensical alone, {state}"]
            z, m = best[f"handbook on Zensical, {state}"], best[f"handbook on MkDocs, {state}"]
            print(
                f"{state}: handbook on Zensical / Zensical alone {z / peer:.2f}; "
                f"handbook on MkDocs / handbook on Zensical {m / z:.2f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``handbook build``: the handbook's site built (or served) by an engine of choice.

``handbook build --engine mkdocs|properdocs|zensical [--serve] [--out DIR] [--site-dir DIR]``

- An engine that runs our plugin (mkdocs, properdocs; `handbook.build.engines`) builds the
  project's ``mkdocs.yml`` as it is, unless ``--prebuilt`` asks for the pre-built folder.
- Any other (zensical) gets the pre-built folder (`handbook.build.prebuild`, in ``--out``,
  default ``.cache/handbook/build/<engine>`` beside ``mkdocs.yml``); the site it writes
  there (``DIR/site``) is then put in place of ``--site-dir`` (default: ``site_dir`` of
  ``mkdocs.yml``, ``site``) as a whole (`handbook.files.replace_folder`).
- ``--serve`` runs the engine's development server instead. On the pre-built folder, this
  command watches ``data/``, ``docs/`` and ``mkdocs.yml`` (a look at their modification
  times each second) and writes the pages that changed, which the engine reloads; while the
  data has errors they are printed and the last good pages stay.

Exit codes: 0 built; 2 when the engine is not installed (one line saying how to install
it), ``mkdocs.yml`` or ``data/`` cannot be read or is invalid, a file cannot be written,
or the engine failed (its own messages are on standard error).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from handbook.build.engines import ENGINES, Engine, EngineNotFoundError
from handbook.build.prebuild import SITE, PrebuildError, prebuild
from handbook.build.project import Project, ProjectError, read_project
from handbook.files import cannot_write, error, replace_folder
from handbook.model.problems import format_problems
from handbook.site.interactive import BundleNotFoundError

PROG = "handbook build"
#: Seconds between two looks at the watched files while serving the pre-built folder.
POLL_SECONDS = 1.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``handbook build``."""
    parser.add_argument(
        "--engine",
        choices=sorted(ENGINES),
        default="mkdocs",
        help="the static-site engine (default: mkdocs, with the handbook plugin)",
    )
    parser.add_argument(
        "--config-file",
        default="mkdocs.yml",
        metavar="FILE",
        help="the project's configuration (default: mkdocs.yml)",
    )
    parser.add_argument(
        "--out",
        metavar="DIR",
        help="the pre-build folder (default: .cache/handbook/build/<engine> beside "
        "mkdocs.yml); the command owns it: files it did not write are removed",
    )
    parser.add_argument(
        "--site-dir",
        metavar="DIR",
        help="where the site goes (default: site_dir of mkdocs.yml, site)",
    )
    parser.add_argument(
        "--prebuilt",
        action="store_true",
        help="build the pre-built folder even with an engine that runs the plugin",
    )
    parser.add_argument(
        "--serve", action="store_true", help="serve with live reload instead of building"
    )
    parser.add_argument(
        "--dev-addr",
        default="127.0.0.1:8000",
        metavar="HOST:PORT",
        help="address to serve on (default: 127.0.0.1:8000)",
    )


def _out(project: Project, args: argparse.Namespace) -> Path:
    if args.out:
        return Path(args.out).resolve()
    return project.root / ".cache" / "handbook" / "build" / str(args.engine)


def _site_dir(project: Project, args: argparse.Namespace) -> Path:
    if args.site_dir:
        return Path(args.site_dir).resolve()
    site_dir = str(project.config.get("site_dir") or "site")
    return (project.root / site_dir).resolve()


def _overlap(project: Project, folder: Path, option: str) -> str | None:
    """Why ``folder`` (``--out`` or ``--site-dir``, resolved) cannot be written: it holds
    the project, or lies in its docs or data folder (the command empties and fills it).
    None when it can."""
    if project.root.is_relative_to(folder):
        return f"{option} {folder} contains the project {project.root}; name a folder of its own"
    for name, own in (("docs", project.docs_dir), ("data", project.data_dir)):
        if folder.is_relative_to(own) or own.is_relative_to(folder):
            return f"{option} {folder} overlaps the {name} folder {own}; name another folder"
    return None


def _prebuild(engine: Engine, project: Project, out: Path) -> int | None:
    """Generate the pages and write the pre-built folder; None when done, else the exit
    code (after saying why)."""
    if not project.data_dir.is_dir():
        return error(PROG, f"data folder not found: {project.data_dir}")
    try:
        done = prebuild(project, out, engine.links_from_source)
    except (PrebuildError, BundleNotFoundError) as exc:
        return error(PROG, str(exc).removeprefix("handbook: "))
    except OSError as exc:
        return cannot_write(PROG, exc, out)
    if isinstance(done, list):
        print(f"{PROG}: error: the data in {project.data_dir} is not valid:", file=sys.stderr)
        print(format_problems(done), file=sys.stderr)
        return 2
    print(
        f"{PROG}: {len(done.site.pages)} generated pages in {out} "
        f"({done.written} files written, {done.removed} removed)",
        file=sys.stderr,
    )
    return None


def _publish(built: Path, site_dir: Path) -> int:
    """Put the engine's site ``built`` in place of ``site_dir``, as a whole: moved when both
    are on one file system (the engine writes the whole site again at its next build),
    else copied."""
    if built == site_dir:
        return 0
    try:
        with replace_folder(site_dir) as folder:
            try:
                folder.rmdir()
                os.rename(built, folder)
            except OSError:
                folder.mkdir(exist_ok=True)
                shutil.copytree(built, folder, dirs_exist_ok=True)
    except OSError as exc:
        return cannot_write(PROG, exc, site_dir)
    return 0


class _EngineFailed(Exception):
    pass


def _build_whole(engine: Engine, config_file: Path, site_dir: Path) -> int:
    """Build into a new folder swapped in for ``site_dir`` when the engine succeeds
    (`handbook.files.replace_folder`): a failed or interrupted build leaves the last site
    whole (the engine itself empties its site folder first)."""
    try:
        with replace_folder(site_dir) as folder:
            code = subprocess.call(engine.build_args(config_file, folder))
            if code != 0:
                raise _EngineFailed(code)
    except _EngineFailed as failed:
        return error(PROG, f"{engine.name} failed (exit {failed.args[0]}); {site_dir} unchanged")
    except OSError as exc:
        return cannot_write(PROG, exc, site_dir)
    return 0


def _stamp(project: Project) -> tuple[tuple[str, int, int], ...]:
    """Path, size and modification time of every watched file (data, docs, config)."""
    files = [project.config_file]
    for folder in (project.data_dir, project.docs_dir, project.custom_dir):
        if folder is not None and folder.is_dir():
            files += sorted(p for p in folder.rglob("*") if p.is_file())
    out = []
    for path in files:
        try:
            stat = path.stat()
        except OSError:
            continue
        out.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(out)


def _serve_prebuilt(engine: Engine, project: Project, out: Path, address: str) -> int:
    """Serve the pre-built folder and rewrite it when the watched files change. The engine
    is a program of its own, so it runs as a child process; this process only polls (one
    ``stat`` per watched file a second: ~140 files, well under a millisecond)."""
    child = subprocess.Popen(engine.serve_args(out / "mkdocs.yml", address))
    stamp = _stamp(project)
    try:
        while child.poll() is None:
            time.sleep(POLL_SECONDS)
            now = _stamp(project)
            if now == stamp:
                continue
            stamp = now
            try:
                done = prebuild(project, out, engine.links_from_source)
            except (PrebuildError, OSError) as exc:
                print(f"{PROG}: error: {exc}", file=sys.stderr)
                continue
            if isinstance(done, list):
                print(f"{PROG}: the data has errors (the last good pages stay):", file=sys.stderr)
                print(format_problems(done), file=sys.stderr)
    finally:
        if child.poll() is None:
            child.terminate()
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
    return 0 if child.returncode in (0, -15) else 2


def run(args: argparse.Namespace) -> int:
    """Build or serve the site with ``args.engine``; returns the exit code."""
    engine = ENGINES[args.engine]
    try:
        engine.executable()
    except EngineNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        project = read_project(Path(args.config_file))
    except ProjectError as exc:
        return error(PROG, str(exc))
    if engine.plugin and not args.prebuilt:
        config_file = project.config_file
        if args.serve:
            return subprocess.call(engine.serve_args(config_file, args.dev_addr))
        return _build_whole(engine, config_file, _site_dir(project, args))
    out = _out(project, args)
    site_dir = _site_dir(project, args)
    for folder, option in ((out, "--out"), (site_dir, "--site-dir")):
        refused = _overlap(project, folder, option)
        if refused:
            return error(PROG, refused)
    failed = _prebuild(engine, project, out)
    if failed is not None:
        return failed
    config_file = out / "mkdocs.yml"
    if args.serve:
        return _serve_prebuilt(engine, project, out, args.dev_addr)
    if engine.site_dir_option:
        code = subprocess.call(engine.build_args(config_file, site_dir))
        return 0 if code == 0 else error(PROG, f"{engine.name} failed (exit {code})")
    code = subprocess.call(engine.build_args(config_file, None), cwd=out)
    if code != 0:
        return error(PROG, f"{engine.name} failed (exit {code})")
    return _publish(out / SITE, site_dir)

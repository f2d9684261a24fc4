"""``handbook check`` as a command: exit 0 when no finding counts as an error, 1 when one
does (or a warning, with ``--fail-on-warn``), 2 on a usage error (a missing path, invalid
data, an unknown edition, an unreadable waivers or mapping file).
"""

from __future__ import annotations

import argparse
import functools
import glob
import os
import stat
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager, nullcontext, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from handbook.checker.engine import Checker, CheckOptions
from handbook.checker.findings import empty_records
from handbook.checker.records import CSV_SUFFIXES, STDIN
from handbook.checker.waivers import WaiverFileError, load_waivers
from handbook.ci import repo_root
from handbook.files import AtomicOutput, cannot_write, error
from handbook.model.handbook import Handbook
from handbook.model.loader import load_for_command
from handbook.outputs.html import ReportAssetError
from handbook.project import site_url

_NO_RECORDS = empty_records()


#: Exit code 2 after ``handbook check: error: <message>`` (`handbook.files.error`).
_fail = functools.partial(error, "handbook check")


def _exists(path: Path) -> bool:
    """Whether ``path`` exists; True when it cannot be looked at (a folder it is in that
    cannot be searched): reading it then says why, as a finding."""
    try:
        return path.exists()
    except OSError:
        return True


def _distinct(paths: list[Path]) -> list[Path]:
    """``paths`` with each regular file once: a file named again (the same name, or
    another name of it: a link, ``./``) would report each of its records as a duplicate
    of itself. Anything else (a device, a pipe, a folder) is kept as given."""
    seen: dict[tuple[int, int], Path] = {}
    kept: list[Path] = []
    for p in paths:
        try:
            st = p.stat()
        except OSError:  # cannot be looked at: reading it says why
            st = None
        if st is None or not stat.S_ISREG(st.st_mode):  # a device, a folder: its own E001
            kept.append(p)
            continue
        first = seen.setdefault((st.st_dev, st.st_ino), p)
        if first is p:
            kept.append(p)
        else:
            print(
                f"handbook check: {p} is given more than once (as {first}); checked once",
                file=sys.stderr,
            )
    return kept


def _matched(given: list[str]) -> tuple[list[Path], list[str]]:
    """The paths ``given``, a pattern that names no file itself (``'changes/*.yaml'``
    quoted, or from a shell that does not expand it, as Windows') replaced by the files it
    matches (`glob.glob`, ``**`` too; sorted); and a message for each path that does not
    exist and each pattern that matches nothing."""
    paths: list[Path] = []
    missing: list[str] = []
    for p in given:
        if p == STDIN or _exists(Path(p)):
            paths.append(Path(p))
        elif not any(c in p for c in "*?["):
            missing.append(f"no such file: {p}")
        elif found := sorted(glob.glob(p, recursive=True)):
            paths.extend(Path(f) for f in found)
        else:
            missing.append(f"no file matches the pattern {p}")
    return paths, missing


#: The suffixes of the change-record files a folder given to ``handbook check`` holds.
RECORD_SUFFIXES = (".yaml", ".yml", ".json", *CSV_SUFFIXES)


def _record_files(folder: Path, skipped: set[str]) -> list[Path]:
    """The change-record files under ``folder`` (`RECORD_SUFFIXES`, any case; hidden files
    and folders left out; sorted), but for those named in ``skipped`` (real paths)."""
    return sorted(
        f
        for f in folder.rglob("*")
        if f.suffix.lower() in RECORD_SUFFIXES
        and not any(part.startswith(".") for part in f.relative_to(folder).parts)
        and f.is_file()
        and os.path.realpath(f) not in skipped
    )


def _in_folders(paths: list[Path], skip: Sequence[str | Path | None]) -> list[Path]:
    """``paths`` with each folder replaced by its change-record files (`_record_files`),
    leaving out ``skip`` (the waivers, mapping and report files). A folder that holds none
    is kept: its E001 says it is no change-record file."""
    skipped = {os.path.realpath(s) for s in skip if s}
    expanded: list[Path] = []
    for p in paths:
        try:
            found = _record_files(p, skipped) if p.is_dir() else []
        except OSError:  # cannot be looked at: reading it says why
            found = []
        expanded.extend(found or [p])
    return expanded


def _input_named(
    output: Path, paths: list[Path], data: Path, waivers: str | None, mapping: str | None
) -> str:
    """What input of the run ``output`` would replace ("" for none): one of the record
    files ``paths``, the waivers file, the mapping file, or a file of the data folder."""
    out = os.path.realpath(output)
    if any(out == os.path.realpath(p) for p in paths):
        return "one of the record files"
    if waivers and out == os.path.realpath(waivers):
        return "the waivers file"
    if mapping and out == os.path.realpath(mapping):
        return "the mapping file"
    if out.startswith(os.path.join(os.path.realpath(data), "")) and output.exists():
        return f"a file of the data folder {data}"
    return ""


def run(args: argparse.Namespace) -> int:
    """Run ``handbook check``; returns the exit code (0 clean, 1 errors, 2 usage error)."""
    from handbook.checker.mapping import MappingError, load_mapping
    from handbook.outputs import SINKS

    data = Path(args.data)
    handbook = load_for_command(data, "handbook check")
    if handbook is None:
        return 2
    if args.paths.count(STDIN) > 1:
        return _fail(f"standard input ({STDIN}) can be read once; give {STDIN} once")
    paths, missing = _matched(args.paths)
    if missing:
        for p in missing:
            print(f"handbook check: error: {p}", file=sys.stderr)
        return 2
    skip = (args.waivers, args.map, args.output, data / "waivers.yaml")
    paths = _distinct(_in_folders(paths, skip))
    if args.output:
        taken = _input_named(Path(args.output), paths, data, args.waivers, args.map)
        if taken:
            return _fail(f"--output {args.output} is {taken}; write the report apart")
    if args.edition is not None and args.edition not in {e.id for e in handbook.editions}:
        known = ", ".join(e.id for e in handbook.editions_in_order())
        return _fail(f"unknown edition {args.edition!r}; expected one of: {known}")
    if args.edition is not None:  # the outputs carry each finding's edition; say why
        print(
            f"handbook check: every record is judged by the {args.edition} edition (--edition),"
            " whatever its starts_at",
            file=sys.stderr,
        )
    today = args.today or datetime.now(UTC).date()
    waivers = None
    waiver_path = Path(args.waivers) if args.waivers else data / "waivers.yaml"
    if args.waivers and not waiver_path.exists():
        return _fail(f"waivers file not found: {waiver_path}")
    if args.waivers or waiver_path.is_file():
        try:
            waivers = load_waivers(waiver_path, handbook, today)
        except WaiverFileError as exc:
            return _fail(str(exc))
    mapping = None
    if args.map:
        not_csv = [str(p) for p in paths if p.suffix.lower() not in CSV_SUFFIXES]
        if not_csv:
            return _fail(
                f"--map reads CSV exports (.csv) and {', '.join(not_csv)} would be read as"
                " YAML or JSON change records, without the mapping; check those in a run"
                " without --map"
            )
        try:
            mapping = load_mapping(Path(args.map))
        except MappingError as exc:
            return _fail(str(exc))
    url = args.site_url or site_url(data)
    if args.site_url and urlsplit(args.site_url).scheme not in ("http", "https"):
        return _fail(
            f"--site-url {args.site_url!r} is not an http(s) URL; give the site's address,"
            " e.g. https://example.github.io/handbook/ (rules' help links start with it)"
        )
    titles, chunk = SINKS[args.format].needs_records, args.chunk_size or None
    options = CheckOptions(
        args.edition, waivers, today, url, chunk, mapping, titles=titles, partial=args.partial
    )
    checker = Checker(handbook, options)
    try:
        _write_report(args, handbook, checker, paths, url)
    except OSError as exc:  # a report that cannot be written: the run failed, not a rule
        if isinstance(exc, BrokenPipeError) and not args.output:
            raise  # standard output's reader went away (`| head`): `handbook.cli.main`
        return cannot_write("handbook check", exc, args.output or "standard output")
    except ReportAssetError as exc:  # the HTML report's table component is not installed
        return _fail(f"cannot make the HTML report: {exc}")
    s = checker.summary
    if s.errors or (args.fail_on_warn and s.warnings):
        return 1
    return 0


def _write_report(
    args: argparse.Namespace,
    handbook: Handbook,
    checker: Checker,
    paths: Sequence[Path],
    site_url: str | None,
) -> None:
    """Check ``paths`` and write the report to ``--output`` (`handbook.files.AtomicOutput`)
    or standard output.

    Raises:
        OSError: the report cannot be written (``filename`` names the file when known).
    """
    from handbook.outputs import SINKS, RenderOptions

    with ExitStack() as stack:
        out: TextIO = stack.enter_context(AtomicOutput(args.output)) if args.output else sys.stdout
        color = args.color == "always" or (
            args.color == "auto"
            and not args.output
            and out.isatty()
            and not os.environ.get("NO_COLOR")
        )
        cwd = Path.cwd()
        root = Path(args.repo_root) if args.repo_root else repo_root(cwd) or cwd.resolve()
        summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
        step_summary = Path(summary_file) if summary_file else None
        render = RenderOptions(
            handbook, site_url, color, root, step_summary, fail_on_warn=args.fail_on_warn
        )
        sink = SINKS[args.format](out, render)
        progress = _progress(paths)
        with progress as bar:
            for result in checker.run(paths):
                records = result.records if sink.needs_records else _NO_RECORDS
                sink.write(records, result.findings, result.file)
                bar(result.nbytes)
                del result, records
        sink.end(checker.summary)
        out.flush()
        for note in sink.notes:
            print(f"handbook check: {note}", file=sys.stderr)


@contextmanager
def _rich_progress(total: int) -> Iterator[Callable[[int], None]]:
    """A rich progress bar on stderr, by bytes read."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("checking"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"))
    with Progress(
        *columns, TimeRemainingColumn(), console=Console(stderr=True), transient=True
    ) as progress:
        task = progress.add_task("check", total=total)
        yield lambda n: progress.advance(task, n)


#: Input size (bytes) from which a progress bar is shown on a terminal.
PROGRESS_BYTES = 8 << 20


def _progress(paths: Sequence[Path]) -> Any:
    """A progress bar on a terminal for an input of `PROGRESS_BYTES` or more, else nothing."""
    total = 0
    for p in paths if sys.stderr.isatty() else []:
        with suppress(OSError):
            total += p.stat().st_size if p.is_file() else 0
    return _rich_progress(total) if total >= PROGRESS_BYTES else nullcontext(lambda n: None)

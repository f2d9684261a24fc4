"""The ``handbook`` command line: one subparser a command (`build_parser`; ``handbook
--help`` lists them), each a function returning the exit code; the exit codes are the same
for every command (`EXIT_CODES`, printed by ``--help``)."""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from handbook import pdf
from handbook.build import command as build
from handbook.checker import options as check_options
from handbook.checker import verify
from handbook.files import (
    append_step_summary,
    cannot_write,
    error,
    replace_folder,
    write_text_atomic,
)
from handbook.importer import options as import_options
from handbook.model.loader import load_for_command, load_partial, no_data_folder
from handbook.model.problems import format_problems, sort_problems
from handbook.oscal import command as oscal_export
from handbook.review import command as review


def _validate(args: argparse.Namespace) -> int:
    from handbook.ci import repo_root
    from handbook.model import problem_formats as formats
    from handbook.model.coverage import sample_problems, unlisted_samples
    from handbook.model.references import missing_statement_ids, repeated_list_items

    data = Path(args.data)
    if not data.is_dir():
        print(no_data_folder("handbook", data), file=sys.stderr)
        return 2
    # the data's valid part is checked further, so that one run reports every problem
    partial, problems = load_partial(data)
    valid = partial is not None and not any(p.severity == "error" for p in problems)
    handbook = partial if valid else None
    if partial is not None:
        # of invalid data only the sample files: a rule that failed would look missing, and its
        # samples uncovered (none while samples.yaml has an error: its failed entries list none)
        index = (data / "samples" / "samples.yaml").resolve()
        broken = any(Path(p.file).resolve() == index for p in problems if p.severity == "error")
        samples = sample_problems(partial) if valid else [] if broken else unlisted_samples(partial)
        extra = [*samples, *missing_statement_ids(partial), *repeated_list_items(partial)]
        problems = sort_problems([*problems, *extra])
    failed = handbook is None or any(p.severity == "error" for p in problems)
    if args.format == "text":
        if problems:
            print(format_problems(problems), file=sys.stderr if failed else sys.stdout)
        if handbook is not None and not failed:
            print(
                f"{data}: valid ({len(handbook.rules)} rules, {len(handbook.change_types)} "
                f"change types, {len(handbook.sop_categories)} SOP categories)"
            )
        return 1 if failed else 0
    root = repo_root(data)
    if args.format == "json":
        print(formats.to_json(problems))
    elif args.format == "sarif":
        from handbook import package_version
        from handbook.project import site_url

        site = args.site_url or site_url(data)
        print(formats.to_sarif(problems, root, package_version(), site))
    else:
        if problems:
            print(formats.to_github(problems, root))
        append_step_summary("handbook", formats.github_step_summary(problems, root))
    return 1 if failed else 0


def _pages(args: argparse.Namespace) -> int:
    from handbook.site.registry import SiteOptions
    from handbook.site.site_cache import generate

    data = Path(args.data)
    if not data.is_dir():
        print(no_data_folder("handbook pages", data), file=sys.stderr)
        return 2
    out = Path(args.out)
    if Path(os.path.realpath(data)).is_relative_to(os.path.realpath(out)):
        return error("handbook pages", f"--out {out} contains the data folder {data}")
    from handbook.project import learn_base_url_or_default

    base = learn_base_url_or_default("handbook pages", args.learn_base_url, data)
    options = SiteOptions(learn_base_url=base)
    # the plugin's caches (the generated pages, the samples' verdicts, the OSCAL files) when
    # the data folder is a project's, beside its mkdocs.yml; none for a data folder elsewhere
    project = data.resolve().parent
    project_dir = project if (project / "mkdocs.yml").is_file() else None
    site, problems = generate(data, options, project_dir)
    if site is None:
        invalid = f"the data in {data} is not valid:\n{format_problems(problems)}"
        return error("handbook pages", invalid)
    if problems:  # warnings: the pages are written all the same
        print(format_problems(problems), file=sys.stderr)
    try:
        with replace_folder(out) as folder:
            for page in site.pages:
                target = folder / page.src_uri
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(page.markdown, encoding="utf-8")
    except OSError as exc:
        return cannot_write("handbook pages", exc, out)
    print(f"wrote {len(site.pages)} pages to {out}")
    return 0


def _schemas(args: argparse.Namespace) -> int:
    from handbook.model.datapackage import FILE_NAME, data_package, package_text
    from handbook.model.schemas import json_schemas, schema_text

    out, data = Path(args.out), Path(args.data)
    handbook = load_for_command(data, "handbook schemas")
    if handbook is None:
        return 2
    wanted = {out / f"{kind}.schema.json": schema_text(s) for kind, s in json_schemas().items()}
    wanted[data / FILE_NAME] = package_text(data_package(handbook))
    stale = [
        path
        for path, text in wanted.items()
        if not path.is_file() or path.read_text(encoding="utf-8") != text
    ]
    if args.check:
        for path in stale:
            print(f"{path}: differs from the model and data (run: handbook schemas)")
        return 1 if stale else 0
    try:
        out.mkdir(parents=True, exist_ok=True)
        for path in stale:
            write_text_atomic(path, wanted[path])
    except OSError as exc:
        return cannot_write("handbook schemas", exc, out)
    print(f"{len(stale)} file(s) written ({out}/*.schema.json, {data / FILE_NAME})")
    return 0


def _fmt(args: argparse.Namespace) -> int:
    from handbook.model.canonical import DEFAULT_FILES, FormatError, canonical_text
    from handbook.model.sources import not_a_file

    data = Path(args.data)
    files: list[Path] = []
    for given in args.paths or [data]:
        path = Path(given)
        if path.is_dir():  # a default file that exists but is no file is reported below
            files += [path / name for name in DEFAULT_FILES if os.path.lexists(path / name)]
        elif path.is_file() and path.suffix in (".yaml", ".yml", ".csv"):
            files.append(path)
        else:
            what = "not found" if not path.exists() else "not a YAML or CSV file"
            return error("handbook fmt", f"{path}: {what}")
    changed: list[Path] = []
    failed = 0
    for path in files:
        why = "is a folder" if path.is_dir() else not_a_file(path)
        if why is not None or not path.exists():
            print(f"{path}: {why or 'a link to nothing'}: not formatted", file=sys.stderr)
            failed += 1
            continue
        try:
            text = path.read_bytes().decode("utf-8")
            canonical = canonical_text(path, text, data, args.add_ids)
        except UnicodeDecodeError as exc:
            print(f"{path}: not UTF-8 (byte {exc.start})", file=sys.stderr)
            failed += 1
            continue
        except FormatError as exc:
            print(exc, file=sys.stderr)
            failed += 1
            continue
        if canonical == text:
            continue
        changed.append(path)
        if args.check:
            print(f"would reformat {path}")
            continue
        try:
            write_text_atomic(path, canonical)
        except OSError as exc:
            return cannot_write("handbook fmt", exc, path)
        print(f"reformatted {path}")
    verb = "would be reformatted" if args.check else "reformatted"
    unread = f", {failed} not formatted (fix the error above)" if failed else ""
    kept = len(files) - len(changed) - failed
    print(f"{len(changed)} file(s) {verb}, {kept} already canonical{unread}")
    return 1 if failed or (args.check and changed) else 0


#: The exit codes of every command, as ``--help`` prints them.
EXIT_CODES = """exit codes (every command):
  0    no error
  1    a rule is broken or a record is invalid (check); problems in data/ (validate);
       a sample that does not match its annotation (verify); anything left in the
       report (import)
  2    the run itself failed: usage, invalid data/, a data, mapping or waivers file or
       an output that cannot be read or written, a full disk (one line naming the file
       and the reason); a change record file that cannot be read is finding E001 (1)
  130  interrupted by SIGINT; 143 stopped by SIGTERM (files being written are left as
       they were); 141 standard output closed by its reader (| head)"""


def _run_of(module: str) -> Callable[[argparse.Namespace], int]:
    """The ``run`` of ``module``, imported when its command runs: the checker's pandas and the
    importer's BeautifulSoup load for those commands only."""
    return lambda args: int(importlib.import_module(module).run(args))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="handbook",
        description="Managed Desktop Operations Handbook: validate data, check change records.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="validate data/ and report every problem")
    p.add_argument("--data", default="data", help="data folder (default: data)")
    p.add_argument(
        "--format",
        choices=["text", "json", "github", "sarif"],
        default="text",
        help="text (default), json (a list of problems), github (workflow annotations; "
        "a table appended to $GITHUB_STEP_SUMMARY when set) or sarif (SARIF 2.1.0)",
    )
    p.add_argument(
        "--site-url",
        help="the handbook site's URL for SARIF (default: site_url of mkdocs.yml beside the "
        "data folder)",
    )
    p.set_defaults(func=_validate)

    p = sub.add_parser("check", help="check change records (YAML/CSV) against the rules")
    check_options.add_arguments(p)
    p.set_defaults(func=_run_of("handbook.checker.command"))

    p = sub.add_parser(
        "verify", help="check the samples of data/samples/ against their annotations"
    )
    verify.add_arguments(p)
    p.set_defaults(func=verify.run)

    p = sub.add_parser(
        "schemas", help="write the JSON Schemas of the YAML data files and data/datapackage.json"
    )
    p.add_argument("--out", default="schemas", metavar="DIR", help="folder (default: schemas)")
    p.add_argument("--data", default="data", help="data folder (default: data)")
    p.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 naming the schema files that differ from the model",
    )
    p.set_defaults(func=_schemas)

    p = sub.add_parser("fmt", help="rewrite data files into their canonical form")
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="YAML/CSV files, or data folders (their handbook files); default: --data",
    )
    p.add_argument("--data", default="data", help="data folder (default: data)")
    p.add_argument(
        "--check",
        action="store_true",
        help="write nothing; list the files that would change and exit 1 if any",
    )
    p.add_argument(
        "--add-ids",
        action="store_true",
        help="give every statement without id a stable id (a readable slug, unique)",
    )
    p.set_defaults(func=_fmt)

    p = sub.add_parser(
        "diff", help="what a data change between two git revisions means, for a reviewer"
    )
    review.add_arguments(p)
    p.set_defaults(func=review.run)

    p = sub.add_parser("pages", help="write the generated Markdown pages to a folder")
    p.add_argument("--data", default="data", help="data folder (default: data)")
    p.add_argument(
        "--out",
        required=True,
        metavar="DIR",
        help="folder to write the pages into; it is replaced as a whole when every page is "
        "written (files the command did not write are removed; a stopped run leaves it as "
        "it was)",
    )
    p.add_argument(
        "--learn-base-url",
        default=None,
        help="base URL for links to Microsoft Learn pages the handbook does not contain "
        "(default: the handbook plugin's learn_base_url in the mkdocs.yml beside the data "
        "folder, else Microsoft Learn's MMD pages)",
    )
    p.set_defaults(func=_pages)
    p = sub.add_parser("import", help="import Microsoft Learn-style pages into data files")
    import_options.add_arguments(p)
    p.set_defaults(func=_run_of("handbook.importer.command"))

    p = sub.add_parser("export", help="export the responsibility model (OSCAL)")
    kinds = p.add_subparsers(dest="export_format", required=True, metavar="FORMAT")
    p = kinds.add_parser(
        "oscal",
        help="an OSCAL catalog, profile and system security plan of one edition "
        "(needs the oscal extra: compliance-trestle)",
    )
    oscal_export.add_arguments(p)
    p.set_defaults(func=oscal_export.run)

    p = sub.add_parser("pdf", help="print the whole handbook (or one edition) to a PDF")
    pdf.add_arguments(p)
    p.set_defaults(func=pdf.run)

    p = sub.add_parser("build", help="build or serve the site with MkDocs, ProperDocs or Zensical")
    build.add_arguments(p)
    p.set_defaults(func=build.run)
    return parser


class Terminated(BaseException):
    """SIGTERM, raised in the main thread so that ``with`` blocks clean up (files being
    written are discarded) as they do for Ctrl-C."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


def _left_alone(args: argparse.Namespace) -> str:
    """What an interrupted run leaves as it was: ``"; out.json unchanged"`` or ``""``
    (``schemas`` writes its files one by one, each whole)."""
    if args.command == "schemas":  # file by file: some may be new already
        return "; each schema file is whole, old or new (run it again)"
    target = getattr(args, "output", None) or getattr(args, "out", None)
    return f"; {target} unchanged" if target else ""


def _quiet_stdout() -> None:
    """Point standard output at the null device, so the interpreter's last flush of what
    could not be written (closed pipe, full disk) raises nothing at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``handbook`` console script; returns the exit code (see the
    module's docstring)."""
    try:
        args = build_parser().parse_args(argv)
    except KeyboardInterrupt:
        print("handbook: interrupted", file=sys.stderr)
        return 130
    name = f"handbook {args.command}"
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        code: int = args.func(args)
        sys.stdout.flush()
    except KeyboardInterrupt:
        print(f"{name}: interrupted{_left_alone(args)}", file=sys.stderr)
        return 130
    except Terminated:
        print(f"{name}: terminated{_left_alone(args)}", file=sys.stderr)
        return 143
    except BrokenPipeError:
        # the reader went away (e.g. `| head`): stop quietly with 128 + SIGPIPE, the code
        # a shell gives a tool the signal stops
        _quiet_stdout()
        return 141
    except OSError as exc:
        cannot_write(name, exc, "standard output")
        _quiet_stdout()
        return 2
    finally:
        signal.signal(signal.SIGTERM, previous)
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""``handbook export oscal``: the responsibility model of one edition as OSCAL files.

`oscal_files` returns the three documents as bytes (``catalog``, ``profile``, ``ssp``;
``.json`` or ``.yaml``); `run` writes them into ``--out DIR`` through
`handbook.files.replace_folder` (the folder is filled beside the old one and swapped in:
whole or nothing). compliance-trestle (the ``oscal`` extra) is imported only here and in
the modules it calls; without it the command prints how to install it and exits 2.
"""

from __future__ import annotations

import argparse
import io
import json
import os
from pathlib import Path

from handbook.files import cannot_write, error, replace_folder
from handbook.model.handbook import Handbook
from handbook.model.loader import load_for_command
from handbook.project import learn_base_url_or_default
from handbook.site.registry import DEFAULT_LEARN_BASE_URL

INSTALL_HINT = (
    "compliance-trestle is not installed; install the oscal extra: "
    "pip install 'mmd-handbook[oscal]' (or: pip install 'compliance-trestle>=3')"
)


class OscalUnavailable(RuntimeError):
    """compliance-trestle cannot be imported (the ``oscal`` extra is not installed)."""


class EmptyEdition(ValueError):
    """The edition has no activity (no matrix row, change-process duty, SOP category or
    role), and an OSCAL SSP needs at least one implemented requirement."""


def _yaml(data: bytes) -> bytes:
    """OSCAL JSON bytes as YAML (block style, keys in document order, UTF-8)."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    yaml.allow_unicode = True
    yaml.width = 4096  # no folding: long lines stay whole, without trailing spaces
    out = io.StringIO()
    yaml.dump(json.loads(data), out)
    return out.getvalue().encode("utf-8")


def oscal_files(
    handbook: Handbook,
    edition_id: str | None = None,
    fmt: str = "json",
    learn_base_url: str = DEFAULT_LEARN_BASE_URL,
) -> dict[str, bytes]:
    """File name → content of the catalog, profile and SSP of ``edition_id`` (default:
    the newest edition); ``fmt`` is ``json`` (2-space indents) or ``yaml``. The profile
    imports ``catalog.<fmt>`` and the SSP ``profile.<fmt>``, relative to one folder.

    Raises:
        OscalUnavailable: compliance-trestle is not installed.
        EmptyEdition: the edition has no activity to export.
        KeyError: no edition has that id.
    """
    try:
        from handbook.oscal.catalog import build_catalog, build_profile
        from handbook.oscal.ssp import build_ssp
    except ImportError as exc:  # only trestle is optional
        raise OscalUnavailable(INSTALL_HINT) from exc
    from handbook.oscal.activities import read_edition

    model = read_edition(handbook, edition_id, learn_base_url)
    if not any(area.activities for area in model.areas):
        raise EmptyEdition(
            f"edition {model.edition.id} has nothing to export: no responsibility-matrix row, "
            "change-process duty, SOP category or role is of that edition"
        )
    docs = {  # file stem → document, in the order they are written
        "catalog": build_catalog(model),
        "profile": build_profile(model, f"catalog.{fmt}"),
        "ssp": build_ssp(model, f"profile.{fmt}"),
    }
    files: dict[str, bytes] = {}
    for stem, doc in docs.items():
        data = doc.oscal_serialize_json_bytes(pretty=True) + b"\n"
        files[f"{stem}.{fmt}"] = _yaml(data) if fmt == "yaml" else data
    return files


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``handbook export oscal``."""
    p.add_argument("--data", default="data", help="data folder (default: data)")
    p.add_argument(
        "--out",
        required=True,
        metavar="DIR",
        help="folder to write catalog, profile and ssp into; it is replaced as a whole when "
        "every file is written (files the command did not write are removed; a stopped run "
        "leaves it as it was)",
    )
    p.add_argument(
        "--edition", metavar="ID", help="edition to export (default: the newest, e.g. 2022)"
    )
    p.add_argument(
        "--format", choices=["json", "yaml"], default="json", help="json (default) or yaml"
    )
    p.add_argument(
        "--learn-base-url",
        default=None,
        help="base URL that relative links of seed text are resolved against (default: the "
        "handbook plugin's learn_base_url in the mkdocs.yml beside the data folder, else "
        f"{DEFAULT_LEARN_BASE_URL})",
    )


def run(args: argparse.Namespace) -> int:
    """Write the OSCAL files; exit 0, or 2 (usage, invalid data, no trestle, write error)."""
    name = "handbook export oscal"
    data, out = Path(args.data), Path(args.out)
    handbook = load_for_command(data, name)
    if handbook is None:
        return 2
    if Path(os.path.realpath(data)).is_relative_to(os.path.realpath(out)):
        return error(name, f"--out {out} contains the data folder {data}")
    known = [e.id for e in handbook.editions_in_order()]
    if args.edition is not None and args.edition not in known:
        return error(
            name,
            f"--edition {args.edition}: no such edition in {data / 'editions.yaml'} "
            f"(known: {', '.join(known)})",
        )
    try:
        base = learn_base_url_or_default(name, args.learn_base_url, data)
        files = oscal_files(handbook, args.edition, args.format, base)
    except (OscalUnavailable, EmptyEdition) as exc:
        return error(name, str(exc))
    try:
        with replace_folder(out) as folder:
            for file_name, content in files.items():
                (folder / file_name).write_bytes(content)
    except OSError as exc:
        return cannot_write(name, exc, out)
    print(f"wrote {', '.join(files)} to {out}")
    return 0

"""``--format html``: a self-contained report of a run, for a change manager's browser.

One HTML file that makes no request off the page: the DataTables bundle of the installed
``itables`` package and the site's table glue (``handbook/site/assets/tables.js``, ``.css``)
are inlined. The page (``outputs/templates/report.html.j2``, Jinja2, autoescaped: ids and
messages come from pull requests) has a summary (the run's counts, findings listed,
records with findings, files); every finding in one table with facets on code, severity,
status and file; findings by rule (title, statement, a rule's quoted sources) and by
record. Tables are ``<table class="hb-table" data-hb-table=NAME>``, made sortable by the
site's glue and complete without JavaScript. At most ``RenderOptions.max_results``
findings are listed, errors first (`handbook.outputs.capped`), held until `HtmlSink.end`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from handbook import package_version
from handbook.checker.findings import Summary, help_uri
from handbook.ci import CONTROL_ESCAPES
from handbook.outputs.base import (
    RenderOptions,
    Sink,
    all_codes,
    describe_code,
    objects,
    path_map,
    rows,
    summary_line,
)
from handbook.outputs.capped import Capped, tier_of

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: The glue's import of the bundle, replaced by a read of the global the bundle sets.
GLUE_IMPORT = 'import DataTable from "./datatables/dt_bundle.js";'
GLOBAL = "window.__hbDataTable"
#: What would end or confuse a ``<script>`` element inside script text (HTML tokenizer:
#: script data escaped states): ``<`` before them becomes ``\\x3C``, which means ``<``
#: in the strings, template literals and regular expressions where they can occur.
_SCRIPT_BREAKERS = re.compile(r"<(?=!--|/?script)", re.IGNORECASE)


class ReportAssetError(RuntimeError):
    """The table assets cannot be inlined (bundle missing or of an unexpected shape)."""


@dataclass(frozen=True)
class InlineAssets:
    """The stylesheets and the two module scripts (bundle, glue), ready to inline."""

    css: Markup
    bundle: Markup
    glue: Markup


#: Control characters in script text (the bundle's zip signatures, ``"PK\x03\x04"``), which
#: HTML may not carry: written as JavaScript ``\xNN`` escapes, which mean the same in the
#: strings and regular expressions where they occur.
_SCRIPT_CONTROLS = {i: f"\\x{i:02x}" for i in [*range(0x20), 0x7F] if i not in (9, 10, 13)}


def _script(text: str) -> Markup:
    # script text made safe above
    return Markup(_SCRIPT_BREAKERS.sub(r"\\x3C", text).translate(_SCRIPT_CONTROLS))


def inline_assets() -> InlineAssets:
    """The bundle and the glue where the site finds them (`handbook.site.interactive`),
    inlinable: the bundle's final ``export{... X as default ...}`` becomes
    ``window.__hbDataTable = X;``, which the glue reads instead of importing the bundle.

    Raises:
        ReportAssetError: itables is not installed, or its bundle or our glue has
            another shape than the one described.
    """
    from handbook.site.interactive import BundleNotFoundError, bundle_dir, glue_dir

    try:
        folder = bundle_dir()
    except BundleNotFoundError as exc:
        raise ReportAssetError(str(exc)) from exc
    bundle = (folder / "dt_bundle.js").read_text(encoding="utf-8")
    at = bundle.rfind("export{")
    names = bundle[at + len("export{") : bundle.find("}", at)] if at >= 0 else ""
    default = [p.split(" as ")[0].strip() for p in names.split(",") if p.endswith(" as default")]
    if len(default) != 1:
        raise ReportAssetError(
            f"{folder / 'dt_bundle.js'}: no final 'export{{... as default}}' found; the "
            "HTML report expects the DataTables bundle of itables 2.x"
        )
    end = bundle.find("}", at) + 1
    bundle = f"{bundle[:at]}{GLOBAL} = {default[0]};{bundle[end:]}"
    glue = (glue_dir() / "tables.js").read_text(encoding="utf-8")
    if GLUE_IMPORT not in glue:
        raise ReportAssetError(f"{glue_dir() / 'tables.js'}: expected the line {GLUE_IMPORT}")
    glue = glue.replace(GLUE_IMPORT, f"const DataTable = {GLOBAL};")
    styles = [
        (folder / "dt_bundle.css").read_text(encoding="utf-8"),
        (glue_dir() / "tables.css").read_text(encoding="utf-8"),
    ]
    if any("</style" in s.lower() for s in styles):
        raise ReportAssetError("a table stylesheet contains '</style'; it cannot be inlined")
    css = Markup("\n").join(Markup(s) for s in styles)  # installed files, checked above
    return InlineAssets(css, _script(bundle), _script(glue))


def _visible(value: Any) -> Any:
    """A text value with its control characters escaped (``\\x07``), as the text output
    writes them: HTML may not carry them (a parser reports each). Markup (the inlined
    assets) is ours and kept."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return value.translate(CONTROL_ESCAPES)
    return value


def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        finalize=_visible,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


class HtmlSink(Sink):
    """The report as one HTML page, written by `end` (findings held until then)."""

    needs_records = True  # record titles, for the findings by record

    def __init__(self, out: TextIO, options: RenderOptions) -> None:
        super().__init__(out, options)
        self.assets = inline_assets()  # fail before the run, not after it
        self.paths = path_map(options.repo_root)
        self.capped: Capped[dict[str, Any]] = Capped(options.max_results)
        self.findings: list[dict[str, Any]] = []  # those kept, once `end` is called
        self.with_findings = 0  # records with findings in the whole run
        self.files: list[str] = []
        self.titles: dict[tuple[str, int, str | None], str] = {}  # by file, line and id

    def write(self, records: pd.DataFrame, findings: pd.DataFrame, file: str | None = None) -> None:
        if file is not None and file not in self.files:
            self.files.append(file)
        self.with_findings += len(findings.drop_duplicates(["file", "record_line", "record"]))
        new = rows(self.capped.fitting(findings))
        if new and len(records):
            wanted = {(f["file"], f["record_line"], f["record"]) for f in new}
            for f, line, rid, title in zip(
                objects(records, "file"), objects(records, "line"), objects(records, "id"),
                objects(records, "title"), strict=True,
            ):  # fmt: skip
                key = (str(f), int(line or 0), None if rid is None else str(rid))
                if key in wanted and isinstance(title, str):
                    self.titles[key] = title
        for f in new:
            f["path"] = self.paths(str(f["file"]))
            f["title"] = self.titles.get((f["file"], f["record_line"], f["record"]))
            self.capped.add(tier_of(f), f)

    def end(self, summary: Summary) -> None:
        self.findings = self.capped.kept()
        self.out.write(self.page(summary))

    def page(self, summary: Summary) -> str:
        """The whole HTML document (templates compiled and assets read once a report:
        about 0.1 s, so nothing is cached)."""
        hb = self.options.handbook
        by_code: dict[str, list[dict[str, Any]]] = {}
        for f in self.findings:
            by_code.setdefault(str(f["rule"]), []).append(f)
        codes = dict.fromkeys([*(c for c in all_codes(hb) if c in by_code), *by_code])
        sections = [self._code_section(c, by_code[c]) for c in codes]
        by_record: dict[tuple[str, int, str | None], list[dict[str, Any]]] = {}
        for f in self.findings:
            by_record.setdefault((f["path"], f["record_line"], f["record"]), []).append(f)
        states = Counter("waived" if f["waived"] else f["severity"] for f in self.findings)
        return (
            _environment()
            .get_template("report.html.j2")
            .render(
                assets=self.assets,
                summary=summary,
                summary_line=summary_line(summary),
                states=states,
                listed=len(self.findings),
                total=self.capped.total,
                with_findings=self.with_findings,
                files=[self.paths(f) for f in self.files],
                findings=self.findings,
                sections=sections,
                records=[
                    {
                        "path": k[0],
                        "line": k[1],
                        "record": k[2],
                        "title": v[0]["title"],
                        "codes": list(dict.fromkeys(str(f["rule"]) for f in v)),
                        "findings": v,
                    }
                    for k, v in by_record.items()
                ],
                service=hb.service.name if hb is not None else None,
                version=self.options.tool_version or package_version(),
            )
        )

    def _code_section(self, code: str, found: list[dict[str, Any]]) -> dict[str, Any]:
        hb = self.options.handbook
        title, statement, _help, level = describe_code(hb, code)
        rule = next((r for r in hb.rules if r.id == code), None) if hb is not None else None
        documents = {d.id: d for d in hb.documents} if hb is not None else {}
        sources = [
            {"quote": q.quote, "doc": q.doc, "section": q.section, "document": documents.get(q.doc)}
            for q in (rule.sources if rule is not None else [])
        ]
        return {
            "code": code,
            "title": title,
            "statement": statement,
            "level": level,
            "editions": rule.editions if rule is not None else [],
            "sources": sources,
            "help": help_uri(self.options.site_url, code),
            "findings": found,
        }

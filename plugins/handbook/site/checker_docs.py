"""What the Checker section's templates ask (``checker`` in a template): its pages, the
record fields, the codes, the samples' verdicts and each output format's text.

The verdicts and format texts come from `handbook.site.results` (computed or cached); the
rest from `handbook.checker.codes` and ``data/mappings/``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from handbook.model.entities import ChangeType, SopCategory
from handbook.model.handbook import Handbook
from handbook.site.paths import Paths

if TYPE_CHECKING:
    from handbook.checker.samples import SampleVerdict
    from handbook.site.results import SiteResults

_FORMAT_DESCRIPTIONS = {
    "text": "For people: findings grouped by file, file:line:column, a summary line.",
    "json": (
        "For scripts: a summary (records, errors, warnings, waived) and one object per"
        " finding with record, rule, severity, message, file, line, column, field, edition"
        " and help_uri (null where there is none); a waived finding also has"
        ' "waived": true and its waiver (reason, approved_by, expires_on).'
    ),
    "junit": (
        "JUnit XML: one test suite per file, one test case per record and rule; a warning"
        " fails its case only with --fail-on-warn."
    ),
    "sarif": "SARIF 2.1.0 for GitHub code scanning, with the rules and their pages.",
    "github": "GitHub Actions workflow commands: annotations on the changed files.",
    "gitlab": "GitLab Code Quality report.",
}
_FORMAT_LANGUAGES = {"json": "json", "sarif": "json", "gitlab": "json", "junit": "xml"}


def sentence(text: str) -> str:
    """``text`` with a capital first letter."""
    return text[:1].upper() + text[1:]


def checker_codes() -> list[tuple[str, str, str]]:
    """(code, severity, meaning) of the codes the checker itself defines (input errors,
    waiver problems), from `handbook.checker.codes.CHECKER_CODES`."""
    from handbook.checker.codes import CHECKER_CODES

    return [(code, sev, text) for code, (sev, text) in CHECKER_CODES.items()]


def fence(text: str, lang: str = "text") -> Markup:
    """A fenced code block around ``text`` whose fence no line of it can close."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    return Markup(f"{ticks} {lang}\n{text.rstrip()}\n{ticks}")


class CheckerQueries:
    """The Checker section's queries for one site (``checker`` in the templates)."""

    def __init__(self, handbook: Handbook, results: SiteResults) -> None:
        self.hb = handbook
        self.verdicts: list[SampleVerdict] = results.verdicts
        """Every sample record's verdict, in ``data/samples/samples.yaml`` order."""
        self.formats: dict[str, str] = results.formats
        """Output format name → the checker's output for the first sample file."""

    codes = staticmethod(checker_codes)
    fence = staticmethod(fence)

    def pages(self) -> list[tuple[str, str]]:
        """Generated pages of the Checker section: (src_uri, title)."""
        pages = [
            (Paths.record_format, "Record format"),
            (Paths.examples, "Rules and codes by example"),
        ]
        if self.hb.samples:  # the formats are shown for the first sample file
            pages.append((Paths.output_formats, "Output formats"))
        if self.mapping_files():
            pages.append((Paths.servicenow, "ServiceNow mapping"))
        return pages

    def mapping_files(self) -> list[tuple[str, str]]:
        """(file name, text) of the ITSM mappings and sample exports in ``data/mappings``."""
        folder = self.hb.root / "mappings"
        if not folder.is_dir():
            return []
        return [
            (p.name, p.read_text(encoding="utf-8-sig"))
            for p in sorted(folder.iterdir())
            if p.suffix in (".yaml", ".yml", ".csv")
        ]

    def spelling(self) -> tuple[str, str, str] | None:
        """(name, id, what) of a value the data names other than by its id, to show how
        records may spell it (``Message Center``, ``message-center``, ``channel``): the
        first channel, else SOP category, change type or action; None when there is none."""
        for what, items in (
            ("channel", self.hb.channels),
            ("SOP category", self.hb.sop_categories),
            ("change type", self.hb.change_types),
            ("action", self.hb.actions),
        ):
            for item in items:
                if item.name != item.id:
                    return item.name, item.id, what
        return None

    def field_specs(self) -> list[Any]:
        """The record's fields in this handbook's words
        (`handbook.checker.codes.handbook_field_specs`)."""
        from handbook.checker.codes import handbook_field_specs

        return list(handbook_field_specs(self.hb))

    @staticmethod
    def format_names() -> tuple[str, ...]:
        """The output formats the section shows (`handbook.checker.codes.FORMAT_NAMES`)."""
        from handbook.checker.codes import FORMAT_NAMES

        return FORMAT_NAMES

    @staticmethod
    def format_description(name: str) -> str:
        return _FORMAT_DESCRIPTIONS.get(name, "")

    @staticmethod
    def format_language(name: str) -> str:
        return _FORMAT_LANGUAGES.get(name, "text")

    def example_codes(self) -> list[tuple[str, str, str | None]]:
        """(code, title, rule page or None) for every rule and input error."""
        out: list[tuple[str, str, str | None]] = [
            (r.id, r.title, Paths.rule(r)) for r in self.hb.rules
        ]
        out += [
            (code, sentence(text).split(":")[0], Paths.code(code))
            for code, _, text in checker_codes()
        ]
        return out

    def examples_for(self, code: str) -> tuple[SampleVerdict | None, SampleVerdict | None]:
        """A failing and a passing sample for a rule or input-error code: the failing one
        is the first record that expects ``code``; the passing one a record that does not,
        from the same sample file, else from another file in which a record expects
        ``code`` (None when there is none)."""
        failing = next((v for v in self.verdicts if code in v.expected), None)
        if failing is None:
            return None, None
        files = {v.file for v in self.verdicts if code in v.expected}
        passing = [
            v
            for v in self.verdicts
            if v.file in files and code not in v.expected and v.record != "(file)"
        ]
        passing.sort(key=lambda v: v.file != failing.file)  # stable: the same file first
        return failing, next(iter(passing), None)

    def verdicts_for(
        self,
        *,
        rule: str | None = None,
        change_type: ChangeType | None = None,
        sop: SopCategory | None = None,
    ) -> list[SampleVerdict]:
        """The verdicts of the sample files that show ``rule`` (every record of a file in
        which a record expects it: those that break it and those that pass), or of the
        well-formed samples (no input error expected) of ``change_type`` or of ``sop`` (in
        its edition)."""
        files = {v.file for v in self.verdicts if rule in v.expected}
        out = []
        for v in self.verdicts:
            if rule is not None and v.file not in files:
                continue
            if rule is None and any(c[:1] == "E" and c[1:].isdigit() for c in v.expected):
                continue  # a broken record is no example of its type or category
            if change_type is not None and not (
                v.change_type == change_type.id and v.edition == change_type.edition
            ):
                continue
            if sop is not None and not (v.sop_category == sop.id and v.edition == sop.edition):
                continue
            out.append(v)
        return out

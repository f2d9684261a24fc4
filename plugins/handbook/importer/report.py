"""What an import found and what it left: per page, as text for people or JSON for tools.

JSON shape: ``{"pages": [{"file", "doc", "title", "ms_date" (YYYY-MM-DD or null),
"edition", "error" (null, or why the page could not be read), "notes": [{"line",
"text"}], "found": [{"line", "kind", "recognised_as", "mapped", "section"}], "unmapped":
[{"file", "line", "text", "reason"}]}], "summary": {"pages", "unreadable", "tables"
(tables and lists found), "mapped", "unmapped"}}``. Lines are 1-based lines of the page;
``found`` also lists what is ignored by design (comments, callouts, ``:::image``).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

_TABLES = ("table", "html-table", "list")


@dataclass
class Unmapped:
    """One item not imported: where it is, its text (shortened) and why."""

    file: str
    line: int
    text: str
    reason: str


@dataclass
class Found:
    """A table or list found: its line, block kind, what it was recognised as
    (``change-process``, ``sop-categories``, ``responsibility-matrix``, ``change-types``,
    ``roles``, ``not recognised``...) and how many statements/cells it gave."""

    line: int
    kind: str
    recognised_as: str
    mapped: int
    section: str


@dataclass
class PageReport:
    """The report of one page (see module doc)."""

    file: str
    doc: str = ""
    title: str = ""
    ms_date: str | None = None
    edition: str = ""
    error: str | None = None
    notes: list[dict[str, object]] = field(default_factory=list)
    found: list[Found] = field(default_factory=list)
    unmapped: list[Unmapped] = field(default_factory=list)

    def note(self, line: int, text: str) -> None:
        """Record a note for people at ``line``."""
        self.notes.append({"line": line, "text": text})

    def leave(self, line: int, text: str, reason: str) -> None:
        """Record an item not imported."""
        short = " ".join(text.split())
        short = short if len(short) <= 120 else short[:117] + "..."
        self.unmapped.append(Unmapped(self.file, line, short, reason))


def summary(pages: list[PageReport]) -> dict[str, int]:
    """Counts over all pages (see module doc)."""
    return {
        "pages": len(pages),
        "unreadable": sum(1 for p in pages if p.error),
        "tables": sum(1 for p in pages for f in p.found if f.kind in _TABLES),
        "mapped": sum(f.mapped for p in pages for f in p.found),
        "unmapped": sum(len(p.unmapped) + (1 if p.error else 0) for p in pages),
    }


def to_json(pages: list[PageReport]) -> str:
    """The JSON report (see module doc), indented, with a final newline."""
    data = {"pages": [asdict(p) for p in pages], "summary": summary(pages)}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def to_text(pages: list[PageReport]) -> str:
    """The report for people: per page its tables and lists, notes, and every item left
    with ``file:line: reason: text``; a summary line last."""
    out: list[str] = []
    for p in pages:
        if p.error:
            out.append(f"{p.file}: cannot be read: {p.error}")
            continue
        date = p.ms_date or "unknown ms.date"
        out.append(
            f"{p.file}: {p.title or '(no title)'} (doc {p.doc}, {date}, edition {p.edition})"
        )
        for n in p.notes:
            out.append(f"  note {p.file}:{n['line']}: {n['text']}")
        for f in p.found:
            out.append(
                f'  {p.file}:{f.line}: {f.kind} in "{f.section}": {f.recognised_as}, '
                f"{f.mapped} mapped"
            )
        for u in p.unmapped:
            out.append(f"  not imported {u.file}:{u.line}: {u.reason}: {u.text}")
    s = summary(pages)
    out.append(
        f"{s['pages']} page(s), {s['unreadable']} unreadable, {s['tables']} table(s)/list(s), "
        f"{s['mapped']} item(s) mapped, {s['unmapped']} not imported"
    )
    return "\n".join(out) + "\n"

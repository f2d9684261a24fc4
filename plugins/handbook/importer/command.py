"""``handbook import PAGE.md... --out DIR [--report FILE] [--edition ID] [--format
text|json] [--data DIR] [--compare]``.

Each page is imported on its own: a page that cannot be read is a report entry and the
others are still imported. The report goes to standard output (or ``--report FILE``,
written atomically). Exit 0 when everything found was mapped, 1 when anything was left in
the report (an unreadable page, a table not recognised, a row or cell not mapped), 2 for a
usage error (no ``--out`` nor ``--compare``, an unknown ``--edition``, an ``--out`` that
is the data folder or holds it, an output that cannot be written). The committed data
(``--data``, default ``data``, when it loads) gives document ids (a page whose file name
or title is a seed document's), editions, channel names, errata and the ids of items it
already has. With ``--compare`` the diff goes to standard output and the report only to
``--report FILE``.
"""

from __future__ import annotations

import argparse
import functools
import re
from datetime import date
from pathlib import Path

from handbook.files import error
from handbook.importer import cells as C
from handbook.importer.items import Context, Imported, Known
from handbook.importer.mapping import map_table
from handbook.importer.page import Page, PageError, read_page
from handbook.importer.report import Found, PageReport, to_json, to_text
from handbook.importer.tables import html_table_list, pipe_table
from handbook.model.diff import similarity
from handbook.model.entities import Document, Edition
from handbook.model.handbook import Handbook
from handbook.model.loader import load_handbook

#: blocks never imported by design, listed in the report as found (not as left)
_IGNORED = {
    "comment": "HTML comment (ignored)",
    "callout": "callout (ignored)",
    "image": ":::image directive (ignored)",
    "markup": "picture, include or anchor (ignored)",
    "directive": "::: directive (ignored)",
    "code": "code block (ignored)",
    "attributes": "kramdown attribute list (ignored)",
}


def known_of(hb: Handbook | None) -> Known:
    """Ids and channel names of the committed data to reuse (empty without data)."""
    known = Known()
    if hb is None:
        return known
    ids = known.ids
    for t in hb.change_types:
        ids[("type", t.edition, C.plain(t.name))] = t.id
        if t.description:
            ids[("type", t.edition, C.plain(t.description))] = t.id
            ids[("type-name", t.edition, C.plain(t.description))] = t.name
    for s in hb.sop_categories:
        ids[("sop", s.edition, C.plain(s.name))] = s.id
        ids.setdefault(("sop", "*", C.plain(s.name)), s.id)
    for r in hb.roles:
        ids[("role", r.party, C.plain(r.name))] = r.id
    for m in hb.matrix:
        ids[("matrix", "*", C.plain(m.responsibility))] = m.id
    for sc in hb.scopes:
        ids[("scope", "*", C.plain(sc.name))] = sc.id
    known.channels = {C.plain(c.name): c.id for c in hb.channels} | known.channels
    return known


#: the least similarity of two titles (`handbook.model.diff.similarity`) for a page to be
#: a version of a committed document ("Microsoft 365 Managed Desktop roles and
#: responsibilities" became "Microsoft Managed Desktop roles and responsibilities")
SIMILAR_TITLE = 0.85


def _document_of(page: Page, hb: Handbook) -> Document | None:
    """The committed document ``page`` is a version of: the same file name, else the same
    title as the page's front matter or, failing that, its first heading (any case; the
    newest by ``ms_date`` when several versions of a page share it), else the most similar
    title at least `SIMILAR_TITLE` alike (Learn retitled pages in their front matter and
    kept the heading: "Is Microsoft Managed Desktop right for you?" over "What is Microsoft
    Managed Desktop?"). A title is no match for a page that never names the committed
    service (`_names_service`): another provider's "Change Management" is not MMD's; the
    page's notes say so."""
    for d in hb.documents:
        if d.file == page.path.name:
            return d
    titles = [t for t in dict.fromkeys([C.plain(page.title), C.plain(page.heading)]) if t]
    found = None
    for title in titles:
        same = [d for d in hb.documents if C.plain(d.title) == title]
        if same:
            found = max(same, key=lambda d: d.ms_date)
            break
    for title in titles if found is None else []:
        best = max(hb.documents, key=lambda d: similarity(C.plain(d.title), title), default=None)
        if best is not None and similarity(C.plain(best.title), title) >= SIMILAR_TITLE:
            found = best
            break
    if found is not None and not _names_service(page, hb):
        note = (
            f"title {page.title or page.heading!r} is that of document {found.id}, but the "
            f"page never names {hb.service.name}: imported as a new document (name the "
            f"file {found.file} to import it as a version of {found.id})"
        )
        page.notes.append((1, note))
        return None
    return found


def _names_service(page: Page, hb: Handbook) -> bool:
    """Whether ``page`` names the committed service anywhere: every word of its name
    (``Microsoft 365 Managed Desktop`` names Microsoft Managed Desktop) or its abbreviation."""
    lines = (x for b in page.blocks for x in [b.section, *b.lines])
    text = " ".join([page.title, page.heading, *lines])
    words = set(re.findall(r"[a-z0-9]+", text.lower()))
    name = set(re.findall(r"[a-z0-9]+", hb.service.name.lower()))
    return name <= words or hb.service.abbreviation.lower() in words


def _context(
    page: Page, hb: Handbook | None, edition: str | None, known: Known, taken: set[str]
) -> Context:
    given = page.path
    outside = given.is_absolute() or ".." in given.parts  # no place under a site
    doc, doc_edition, learn_path = "", "", given.name if outside else given.as_posix()
    if hb is not None:
        found = _document_of(page, hb)
        if found is not None:
            doc, doc_edition, learn_path = found.id, found.edition, found.learn_path
        if not edition and not doc_edition and page.ms_date is not None:
            for e in hb.editions:
                if _in_force(e, page.ms_date):
                    doc_edition = e.id
    committed = doc  # the committed document this page is a version of ("" for none)
    if not doc or doc in taken:  # a second version of it in this run: a document of its own
        n = 100
        while f"{n:03d}" in taken:
            n += 1
        doc = f"{n:03d}"
    taken.add(doc)
    # A page with no usable ms.date and no known document: its own edition, "undated",
    # until --edition names one.
    fallback = str(page.ms_date.year) if page.ms_date else "undated"
    return Context(
        doc,
        edition or doc_edition or fallback,
        str(page.path),
        page.ms_date.isoformat() if page.ms_date else None,
        known,
        page.title,
        page.author,
        committed,
        learn_path,
    )


def _undated(ctx: Context, edition: str | None) -> str:
    """The end of the note on an ``ms.date`` that is not a date: the edition the page is
    filed under all the same, and who gave it."""
    if edition:
        return f": the page is filed under edition {ctx.edition!r}, given by --edition"
    if ctx.committed:
        return (
            f": the page is filed under edition {ctx.edition!r}, its document's ({ctx.committed})"
        )
    return f": the page's edition is {ctx.edition!r}, to set by hand (--edition)"


def _in_force(e: Edition, day: date) -> bool:
    """Whether ``day`` falls within edition ``e``'s in-force dates (both inclusive)."""
    return e.in_force_from <= day and (e.in_force_until is None or day <= e.in_force_until)


def _outside_edition(hb: Handbook | None, edition: str, ms_date: date | None) -> str:
    """A note when the page's date falls outside the in-force dates of the edition its
    text is filed under (a 2023 version of a 2018 document); "" otherwise."""
    e = next((e for e in hb.editions if e.id == edition), None) if hb else None
    if e is None or ms_date is None or _in_force(e, ms_date):
        return ""
    until = e.in_force_until.isoformat() if e.in_force_until else "today"
    return (
        f"ms.date {ms_date.isoformat()} is outside edition {edition} (in force "
        f"{e.in_force_from.isoformat()} to {until}), which its document gives it; "
        "give --edition to file it under another"
    )


def import_page(
    path: Path,
    hb: Handbook | None,
    edition: str | None,
    known: Known,
    taken: set[str],
    out: Imported,
) -> PageReport:
    """Import one page into ``out``; never raises for bad input: a page that cannot be
    read, or an unexpected failure on it, is the report's ``error``."""
    rep = PageReport(str(path))
    try:
        page = read_page(path)
        ctx = _context(page, hb, edition, known, taken)
        rep.doc, rep.title, rep.ms_date = ctx.doc, page.title, ctx.ms_date
        rep.edition = ctx.edition
        notes = list(page.notes)
        if page.date_note is not None:
            line, text = notes[page.date_note]
            notes[page.date_note] = (line, text + _undated(ctx, edition))
        rep.notes = [{"line": line, "text": text} for line, text in notes]
        outside = _outside_edition(hb, ctx.edition, page.ms_date)
        if outside:
            rep.note(1, outside)
        out.pages[str(path)] = ctx
        _map_blocks(page, ctx, out, rep)
    except PageError as exc:  # the page cannot be read
        rep.error = exc.args[0]
    except Exception as exc:  # one page never stops the run: it is a report entry
        out.pages.pop(str(path), None)
        return PageReport(str(path), error=f"could not be imported ({type(exc).__name__}: {exc})")
    return rep


def _map_blocks(page: Page, ctx: Context, out: Imported, rep: PageReport) -> None:
    """Map each block of ``page`` into ``out``, recording in ``rep`` what it was found to
    be and every line left out. The short line read as a table's label goes to the report
    when its table is not recognised (a legend such as ``▲ the provider ● you``)."""
    for above, block in zip([None, *page.blocks], page.blocks, strict=False):
        start = len(rep.unmapped)
        try:
            if block.kind in ("table", "html-table"):
                found = (
                    [map_table(pipe_table(block), ctx, out, rep)]
                    if block.kind == "table"
                    else [map_table(t, ctx, out, rep) for t in html_table_list(block)]
                )
                rep.found.extend(found)
                unread = bool(found) and found[0].recognised_as == "not recognised"
                if unread and above is not None and above.kind == "label":
                    why = "line above a table not recognised (read as the table's label)"
                    rep.leave(above.line, " ".join(above.lines), why)
                    rep.unmapped.insert(start, rep.unmapped.pop())  # before the rows
            elif block.kind == "list":
                rep.found.append(
                    Found(block.line, "list", "not imported (prose list)", 0, block.section)
                )
                section = block.section  # "Your responsibilities", "IBM responsibilities"
                # or the short line just above it: "Microsoft's role", "Customers will:"
                shown = above is not None and above.kind in ("paragraph", "label")
                label = " ".join(above.lines).strip() if above is not None and shown else ""
                named = C.party_header(section) or C.asked_party(section)
                if named or C.provider_named_heading(section):
                    where = f"a heading naming a party ({block.section!r})"
                elif label and C.party_label(label):
                    where = f"a line naming a party ({label!r})"
                else:
                    where = ""
                why = (
                    f"list under {where}: only tables are imported; put the duties in a table "
                    "with a column per party"
                    if where
                    else "list outside a table (prose)"
                )
                for n, raw in enumerate(block.lines):
                    if raw.strip():
                        rep.leave(block.line + n, raw, why)
            elif block.kind == "paragraph":
                rep.leave(block.line, " ".join(block.lines), "paragraph (prose)")
            elif block.kind in _IGNORED:
                rep.found.append(
                    Found(block.line, block.kind, _IGNORED[block.kind], 0, block.section)
                )
            elif block.kind == "html":
                rep.leave(block.line, " ".join(block.lines), "HTML block outside a table")
            elif block.kind == "quote":
                rep.leave(block.line, " ".join(block.lines), "quote (prose)")
        except Exception as exc:  # one bad block never stops the page
            why = f"could not be read ({type(exc).__name__}: {exc})"
            rep.leave(block.line, " ".join(block.lines)[:120], why)


#: Exit code 2 after ``handbook import: error: <message>`` (`handbook.files.error`).
_usage = functools.partial(error, "handbook import")


def run(args: argparse.Namespace) -> int:
    """Run ``handbook import``; returns the exit code (see module doc)."""
    from handbook.files import replace_folder, write_text_atomic
    from handbook.importer.write import data_files

    if not args.out and not args.compare:
        return _usage("give --out DIR (or --compare)")
    data = Path(args.data)
    report_folder = Path(args.report).parent if args.report else None
    if report_folder is not None and not report_folder.is_dir():
        return _usage(f"--report {args.report}: no folder {report_folder}")
    if args.out and Path(args.out).resolve() in (data.resolve(), *data.resolve().parents):
        return _usage(
            f"--out {args.out} would replace the data folder {data}; "
            "choose a folder that only this command writes"
        )
    hb = load_handbook(data)[0] if (data / "editions.yaml").is_file() else None
    if args.compare and hb is None:
        return _usage(f"--compare needs valid data in {data}")
    if args.edition and hb is not None and args.edition not in {e.id for e in hb.editions}:
        known_editions = ", ".join(e.id for e in hb.editions)
        return _usage(
            f"--edition {args.edition}: not an edition of {data} (editions: {known_editions})"
        )
    known = known_of(hb)
    imported = Imported()
    taken: set[str] = set()
    reports = [import_page(Path(p), hb, args.edition, known, taken, imported) for p in args.pages]
    unread = [r for r in reports if r.error]
    if args.compare and unread:  # "No change" would say the page changes nothing
        for r in unread:
            _usage(f"--compare: {r.file}: {r.error}")
        return 2
    if hb is not None:
        from handbook.importer.errata import apply_errata
        from handbook.importer.ids import keep_ids

        apply_errata(imported, hb.errata, reports)
        keep_ids(imported, hb)
    text = to_json(reports) if args.format == "json" else to_text(reports)
    try:
        if args.out:
            files = data_files(imported)
            with replace_folder(args.out) as folder:
                for name, content in files.items():
                    (folder / name).write_text(content, encoding="utf-8")
        if args.report:  # written before the comparison, which may fail
            write_text_atomic(args.report, text)
        if args.compare:
            from handbook.importer.compare import CompareError, compare_pages

            try:
                print(compare_pages(imported, data), end="")
            except CompareError as exc:
                return _usage(f"--compare: {exc}")
        if not args.report and not args.compare:
            print(text, end="")
    except OSError as exc:
        where = exc.filename or args.out or args.report
        return _usage(f"{where}: {exc.strerror or exc}")
    left = any(r.error or r.unmapped for r in reports)
    return 1 if left else 0

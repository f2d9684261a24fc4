"""A `handbook.review.compare.DataDiff` as Markdown (for people, the pull request's step
summary) or JSON (for tools)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict

from handbook.ci import markdown_text as _md
from handbook.model.diff import WordOp
from handbook.review.compare import DataDiff, VerdictChange
from handbook.review.parameters import ParameterChange


def words_markdown(ops: Sequence[WordOp]) -> str:
    """A word diff inline: removed words ``~~struck~~``, inserted words in **bold**, the
    words themselves literal (`handbook.ci.markdown_text`)."""
    marks = {"equal": "{}", "delete": "~~{}~~", "insert": "**{}**"}
    return " ".join(marks[op.op].format(_md(op.text)) for op in ops if op.text)


def _codes(codes: tuple[str, ...] | None) -> str:
    if codes is None:
        return "(not on this side)"
    return ", ".join(codes) if codes else "no finding"


def _annotation(v: VerdictChange) -> str:
    if v.expected is None:
        return "not annotated"
    return "matches" if v.matches else f"expects {_codes(v.expected)}"


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def to_markdown(diff: DataDiff) -> str:
    """The diff as a Markdown section: a summary line, then one heading per kind of change
    (rules, responsibilities moved, statements, items, sample verdicts); ends in a newline.
    Every text from the data or the command line is literal (`handbook.ci.markdown_text`);
    ids, which their patterns keep to letters, digits, ``.`` and ``-``, are shown as code."""
    out = [f"## What this data change means: {_md(diff.base)} → {_md(diff.head)}", ""]
    if diff.empty:
        return "\n".join(
            [*out, "No change to statements, responsibilities, rules or verdicts.", ""]
        )
    summary = [
        _count(len(diff.rules), "rule changed", "rules changed"),
        _count(len(diff.change_types), "change type changed", "change types changed"),
        _count(len(diff.editions), "edition or document changed", "editions or documents changed"),
        _count(len(diff.moves), "responsibility moved", "responsibilities moved"),
        _count(len(diff.statements), "statement changed", "statements changed"),
        _count(
            len(diff.items), "item added, removed or renamed", "items added, removed or renamed"
        ),
        _count(len(diff.verdicts), "sample verdict changed", "sample verdicts changed"),
        _count(len(diff.others), "other entry changed", "other entries changed"),
    ]
    out += [", ".join(s for s in summary if not s.startswith("0 ")) + ".", ""]
    sections: list[tuple[str, tuple[ParameterChange, ...], Callable[[ParameterChange], str]]] = [
        ("Rule parameters", diff.rules, lambda c: f"**{c.id}** {_md(c.title)}"),
        ("Editions and documents", diff.editions, lambda c: f"`{c.id}` {_md(c.title)}"),
        (
            "Change type parameters",
            diff.change_types,
            lambda c: f"{c.edition} · change type `{c.id}` {_md(c.title)}",
        ),
    ]
    for heading, changes, name in sections:
        if changes:
            out += [f"### {heading}", ""]
            for change in changes:
                for p in change.parameters:
                    old, new = _md(p.old or "(none)"), _md(p.new or "(none)")
                    out.append(f"- {name(change)}, {p.what}: {old} → {new}")
            out.append("")
    if diff.moves:
        out += ["### Responsibilities that moved", ""]
        for m in diff.moves:
            text = words_markdown(m.words) if m.words else _md(m.text)
            out.append(f"- {_md(m.where)}: “{text}”: **{_md(m.old)}** → **{_md(m.new)}**")
        out.append("")
    if diff.statements:
        out += ["### Statements", ""]
        for s in diff.statements:
            if s.status == "reworded":
                out.append(f"- Reworded, {_md(s.where)}: {words_markdown(s.words)}")
            else:
                text = _md(s.new or s.old or "")
                out.append(f"- {s.status.capitalize()}, {_md(s.where)}: “{text}”")
        out.append("")
    if diff.items:
        heading = "Editions, change types, SOP categories, roles, matrix rows and columns, rules"
        out += [f"### {heading}", ""]
        for i in diff.items:
            edition = f" ({i.edition})" if i.edition else ""
            was = f" (was “{_md(i.old_name)}”)" if i.old_name else ""
            was += f" (id was `{i.old_id}`)" if i.old_id else ""
            item = f"{_md(i.kind)} `{i.id}`{edition}: “{_md(i.name)}”"
            out.append(f"- {i.status.capitalize()} {item}{was}")
        out.append("")
    if diff.others:
        out += ["### Glossary, channels, actions, errata, prose, parties and overview", ""]
        for o in diff.others:
            what = f" ({', '.join(o.fields)})" if o.fields else ""
            item = f"{o.kind} `{o.id}`: “{_md(o.name)}”"
            out.append(f"- {o.status.capitalize()} {item}{what}, in {_md(o.file)}")
        out.append("")
    if diff.verdicts:
        out += [
            "### Sample verdicts that change",
            "",
            "| Sample file | Record | Before | After | samples.yaml |",
            "| --- | --- | --- | --- | --- |",
        ]
        for v in diff.verdicts:
            record = f"{v.record} {v.title}" if v.title else v.record
            cells = [v.file, record, _codes(v.old), _codes(v.new), _annotation(v)]
            out.append("| " + " | ".join(_md(c) for c in cells) + " |")
        out.append("")
    return "\n".join(out)


def to_json(diff: DataDiff) -> str:
    """The diff as one JSON object: ``base``, ``head`` (labels) and the lists
    ``statements``, ``moves``, ``rules``, ``change_types``, ``items``, ``verdicts``,
    ``editions``, ``others`` with
    the fields of their dataclasses (`handbook.review.compare`); word diffs are lists of
    ``{"op", "text"}``; each verdict also has ``matches`` (head codes = annotation)."""
    data = asdict(diff)
    for v, raw in zip(diff.verdicts, data["verdicts"], strict=True):
        raw["matches"] = v.matches
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

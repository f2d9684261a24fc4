"""``handbook import PAGE.md --compare``: what an imported page changes in the data.

The committed data folder is copied to a temporary folder, the imported items replace
the items of the same documents there (`handbook.importer.write.data_files` with the
committed files as base) and both folders are compared with the semantic diff of
``handbook diff`` (`handbook.review.compare.compare`); the result is its Markdown.

A version may drop change types or SOP categories that curated files name (a rule's
``applies_to``, a 2022 type's ``succeeds``): in the comparison those names are left out,
a rule left with none of its types or categories is left out, and the Markdown ends with
a note saying so (`_without_dropped`), instead of the comparison failing.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from handbook.importer.ids import carry_curated
from handbook.importer.items import Imported
from handbook.importer.write import data_files
from handbook.model.loader import load_handbook

_MERGED = (
    "change-process.csv",
    "responsibility-matrix.csv",
    "responsibility-scopes.yaml",
    "change-types.yaml",
    "sop-categories.yaml",
    "roles.yaml",
)


class CompareError(Exception):
    """The comparison cannot be made (one line for people)."""


def compare_pages(imported: Imported, data: Path) -> str:
    """The Markdown diff from ``data`` to ``data`` with ``imported`` merged in.

    Raises:
        CompareError: the committed data, or it with the imported items, does not load
            (e.g. a page of no committed document and no ``--edition`` it has).
        OSError: the temporary copy cannot be written.
    """
    from handbook.review.compare import compare
    from handbook.review.render import to_markdown

    base, _ = load_handbook(data)
    if base is None:
        raise CompareError(f"{data}: the committed data does not load; run handbook validate")
    versions: dict[str, list[str]] = {}
    for c in imported.pages.values():
        versions.setdefault(c.committed, []).append(Path(c.file).name)
    if "" in versions:
        raise CompareError(
            "not a version of a committed document (by file name, title or first heading), so "
            f"there is nothing to compare it with: {', '.join(versions[''])}; import it with --out"
        )
    for doc, files in versions.items():
        if len(files) > 1:
            raise CompareError(
                f"{', '.join(files)} are versions of one committed document ({doc}); "
                "compare one version at a time"
            )
    carry_curated(imported, base)
    with tempfile.TemporaryDirectory(prefix="handbook-import-") as tmp:
        head_dir = Path(tmp) / "data"
        shutil.copytree(data, head_dir)
        texts = {n: (data / n).read_text(encoding="utf-8") for n in _MERGED if (data / n).is_file()}
        for name, text in data_files(imported, texts).items():
            if name in _MERGED:
                (head_dir / name).write_text(text, encoding="utf-8")
        notes = _without_dropped(head_dir)
        head, problems = load_handbook(head_dir)
        if head is None:
            lines = [
                str(p).replace(str(head_dir), "imported") for p in problems if p.severity == "error"
            ]
            raise CompareError(
                "the imported data does not load with the committed data: "
                + "; ".join(lines[:5])
                + (f" (and {len(lines) - 5} more)" if len(lines) > 5 else "")
            )
        text = to_markdown(compare(base, head, str(data), "imported"))
    if notes:
        text = text.rstrip("\n") + "\n\n" + "\n".join(f"- {n}" for n in notes) + "\n"
    return text


def _without_dropped(folder: Path) -> list[str]:
    """Leave out of ``folder``'s rules and change types the change types and SOP categories
    its ``change-types.yaml`` and ``sop-categories.yaml`` no longer have (files rewritten
    with ruamel.yaml, comments kept); notes for the Markdown, one a rule or type touched."""
    yaml = YAML()
    yaml.preserve_quotes = True

    def load(name: str) -> Any:
        path = folder / name
        return yaml.load(path.read_text(encoding="utf-8")) if path.is_file() else None

    types, cats, rules = load("change-types.yaml"), load("sop-categories.yaml"), load("rules.yaml")
    known = {"change_type": {t["id"] for t in types or []}}
    known["sop_category"] = {c["id"] for c in cats or []}
    notes: list[str] = []
    kept_rules = []
    for rule in rules or []:
        scope = rule.get("applies_to") or {}
        dropped = False
        for key, label in (("change_type", "change type"), ("sop_category", "SOP category")):
            if key not in scope:
                continue
            gone = [i for i in scope[key] if i not in known[key]]
            if not gone:
                continue
            scope[key] = [i for i in scope[key] if i in known[key]]
            what = f"{label} {', '.join(gone)}, which this version no longer has"
            if scope[key]:
                notes.append(f"Rule {rule['id']} applied to {what}; compared without it.")
            else:
                notes.append(f"Rule {rule['id']} applied only to {what}; left out.")
                dropped = True
        if not dropped:
            kept_rules.append(rule)
    for t in types or []:
        gone = [i for i in t.get("succeeds") or [] if i not in known["change_type"]]
        if gone:
            t["succeeds"] = [i for i in t["succeeds"] if i not in gone]
            what = f"{', '.join(gone)}, which this version no longer has"
            notes.append(f"Change type {t['id']} ({t['edition']}) succeeded {what}.")
    if notes:
        if rules is not None:
            rules[:] = kept_rules
        for name, value in (("rules.yaml", rules), ("change-types.yaml", types)):
            if value is not None:
                with (folder / name).open("w", encoding="utf-8") as f:
                    yaml.dump(value, f)
    return notes

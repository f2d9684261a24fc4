"""Imported items as data files, in the canonical form and layout of ``data/``.

`data_files(imported, base)` returns ``{file name: text}``: ``change-process.csv``,
``responsibility-matrix.csv``, ``responsibility-scopes.yaml``, ``change-types.yaml``,
``sop-categories.yaml``, ``roles.yaml`` (each only when something of its kind was
imported or ``base`` has it), ``documents.yaml`` (the pages: ``id``, ``file``,
``title``, ``ms_date`` (YYYY-MM-DD or null), ``author``, ``edition``, ``learn_path``: the
entries of ``editions.yaml``'s ``documents``) and
``provenance.csv`` (``data_file, id, edition, doc, page, section, line, ms_date``: one row
per imported item, ``line`` 1-based in ``page``). Statement ids are assigned as
``handbook fmt --add-ids`` does. With ``base`` (committed files' texts, by name), the
imported items replace the base's items of the same documents (for ``--compare``).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from handbook.importer.items import Imported, Item
from handbook.model.canonical import canonical_csv, canonical_text
from handbook.model.loader import matrix_columns
from handbook.model.statement_ids import unique_id

PROCESS = ["id", "edition", "phase", "party", "statement", "note", "errata", "doc", "section"]
PROVENANCE = ["data_file", "id", "edition", "doc", "page", "section", "line", "ms_date"]


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def _read_csv(text: str | None) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text))) if text else []


def _strip(item: Any) -> Any:
    """``item`` without the private ``_line``/``_file`` keys; ``source`` in flow style."""
    if isinstance(item, dict):
        out = {k: _strip(v) for k, v in item.items() if not k.startswith("_")}
        if isinstance(out.get("source"), dict):
            flow = CommentedMap(out["source"])
            flow.fa.set_flow_style()
            out["source"] = flow
        return out
    if isinstance(item, list):
        return [_strip(v) for v in item]
    return item


def _yaml_text(items: list[Any], kind: str, schema: bool = True) -> str:
    """``items`` as the canonical text of ``<kind>.yaml``; with ``schema``, the file names
    its schema in a modeline and its statements get ids."""
    out = io.StringIO()
    YAML().dump(items, out)
    head = f"# yaml-language-server: $schema=../schemas/{kind}.schema.json\n" if schema else ""
    return canonical_text(Path(f"{kind}.yaml"), head + out.getvalue(), add_ids=schema)


def _base_items(text: str | None, docs: set[str]) -> list[Any]:
    if not text:
        return []
    loaded = YAML().load(text) or []
    return [x for x in loaded if str((x.get("source") or {}).get("doc")) not in docs]


def data_files(imported: Imported, base: dict[str, str] | None = None) -> dict[str, str]:
    """The data files (see module doc)."""
    base = base or {}
    docs = {c.doc for c in imported.pages.values()}
    files: dict[str, str] = {}
    prov: list[list[str]] = [PROVENANCE]
    pages = {c.doc: c for c in imported.pages.values()}

    def note(data_file: str, item_id: str, item: Item) -> None:
        ctx = pages.get(item["doc"])
        where = [item["doc"], item["_file"], item["section"], str(item["_line"])]
        ms_date = (ctx.ms_date if ctx else None) or ""
        prov.append([data_file, item_id, str(item.get("edition", "")), *where, ms_date])

    # change-process.csv
    rows = _read_csv(base.get("change-process.csv"))
    if rows:
        at = rows[0].index("doc") if "doc" in rows[0] else -1
        rows = [rows[0]] + [r for r in rows[1:] if at < 0 or r[at] not in docs]
    else:
        rows = [PROCESS] if imported.duties else []
    first_new = len(rows)
    used_duties: defaultdict[str, set[str]] = defaultdict(set)
    for r in rows[1:]:
        used_duties[r[1] if len(r) > 1 else ""].add(r[0])
    for d in imported.duties:
        if d.get("id"):  # a committed id two versions of one document both took
            d["id"] = unique_id(str(d["id"]), used_duties[str(d["edition"])])
        rows.append([str(d.get(k, "")) for k in rows[0]])
    if rows:
        text = canonical_csv(_csv(rows), "change-process.csv", add_ids=True)
        files["change-process.csv"] = text
        done = _read_csv(text)
        for d, row in zip(imported.duties, done[first_new:], strict=False):
            note("change-process.csv", row[0], d)
    # responsibility-scopes.yaml and responsibility-matrix.csv
    scopes = list(YAML().load(base.get("responsibility-scopes.yaml", "")) or [])
    have = {str(s["id"]) for s in scopes}
    scopes += [{"id": k, "name": v} for k, v in imported.scopes.items() if k not in have]
    if scopes:
        files["responsibility-scopes.yaml"] = _yaml_text(scopes, "responsibility-scopes")
        columns = matrix_columns([str(s["id"]) for s in scopes])
        rows = _read_csv(base.get("responsibility-matrix.csv"))
        old = [dict(zip(rows[0], r, strict=False)) for r in rows[1:]] if rows else []
        old = [r for r in old if r.get("doc") not in docs]
        used_rows = {str(r.get("id")) for r in old}
        for m in imported.matrix:  # the same row in two versions of a page: -2, -3...
            m["id"] = unique_id(str(m["id"]), used_rows)
        new = [
            {
                "id": m["id"],
                "responsibility": m["responsibility"],
                **m["cells"],
                "doc": m["doc"],
                "section": m["section"],
            }
            for m in imported.matrix
        ]
        files["responsibility-matrix.csv"] = canonical_csv(
            _csv([columns] + [[r.get(c, "") for c in columns] for r in old + new])
        )
        for m in imported.matrix:
            note("responsibility-matrix.csv", m["id"], m)
    # YAML lists
    for kind, items in (
        ("change-types", imported.change_types),
        ("sop-categories", imported.sop),
        ("roles", imported.roles),
    ):
        name = f"{kind}.yaml"
        kept = _base_items(base.get(name), docs)
        if not kept and not items:
            continue
        used: defaultdict[str, set[str]] = defaultdict(set)
        statements: defaultdict[str, set[str]] = defaultdict(set)
        for x in kept:
            used[str(x.get("edition", x.get("party")))].add(str(x["id"]))
            _statement_ids(x, statements[str(x.get("edition", ""))], False)
        for item in items:
            item["id"] = unique_id(item["id"], used[str(item.get("edition", item.get("party")))])
            _statement_ids(item, statements[str(item.get("edition", ""))], True)
            note(name, item["id"], {**item["source"], "edition": item.get("edition", "")})
        files[name] = _yaml_text([*kept, *_strip(items)], kind)
    files["documents.yaml"] = _yaml_text(
        [
            {
                "id": c.doc,
                "file": Path(c.file).name,
                "title": c.title,
                "ms_date": c.ms_date,
                "author": c.author,
                "edition": c.edition,
                "learn_path": c.learn_path,
            }
            for c in imported.pages.values()
        ],
        "documents",
        schema=False,
    )
    files["provenance.csv"] = _csv(prov)
    return files


def _statement_ids(item: Any, used: set[str], rename: bool) -> None:
    """Collect the statement ids below ``item`` (dicts with ``id`` and ``text``) into
    ``used``; with ``rename``, a taken one gets a suffix, as `handbook fmt --add-ids` makes
    new ids unique within a file and edition."""
    values = item.values() if isinstance(item, dict) else item if isinstance(item, list) else []
    for value in values:
        if isinstance(value, dict) and "text" in value and value.get("id"):
            value["id"] = unique_id(str(value["id"]), used) if rename else value["id"]
            used.add(str(value["id"]))
        if isinstance(value, dict | list):
            _statement_ids(value, used, rename)

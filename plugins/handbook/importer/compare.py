"""``handbook import PAGE.md --compare``: what an imported page changes in the data.

The committed data folder is copied to a temporary folder, the imported items replace
the items of the same documents there (`handbook.importer.write.data_files` with the
committed files as base) and both folders are compared with the semantic diff of
``handbook diff`` (`handbook.review.compare.compare`); the result is its Markdown.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

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
            "not a version of a committed document (by file name or title), so there is "
            f"nothing to compare it with: {', '.join(versions[''])}; import it with --out"
        )
    several = {doc: files for doc, files in versions.items() if len(files) > 1}
    if several:
        doc, files = next(iter(several.items()))
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
        return to_markdown(compare(base, head, str(data), "imported"))

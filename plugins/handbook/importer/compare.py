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

from handbook.importer.mapping import Imported
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


def compare_pages(imported: Imported, data: Path) -> str:
    """The Markdown diff from ``data`` to ``data`` with ``imported`` merged in; when the
    merged data does not load, the problems that stop it (one a line) instead.

    Raises:
        OSError: the temporary copy cannot be written.
    """
    from handbook.review.compare import compare
    from handbook.review.render import to_markdown

    base, _ = load_handbook(data)
    if base is None:
        return f"{data}: the committed data does not load; run handbook validate\n"
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
            return (
                "The imported data does not load with the committed data:\n"
                + "\n".join(f"- {x}" for x in lines[:50])
                + "\n"
            )
        return to_markdown(compare(base, head, str(data), "imported"))

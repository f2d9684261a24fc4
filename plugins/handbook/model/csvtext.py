"""Reading CSV data files while keeping the physical line of every row.

CSV is read with the standard library's reader so each row knows its physical line
(quoted cells may span lines); a UTF-8 byte-order mark and CRLF line endings are accepted.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from handbook.model.problems import Problem

#: What to check in a CSV row whose quoting is broken.
QUOTE_HINT = (
    'check the quotes of this row: a quoted cell ends with " before the next comma, and '
    'a quote inside it is written ""'
)


#: What to do with a row of empty cells (frictionless, in CI, calls it a ``blank-row``).
BLANK_ROW_HINT = "delete the line (a spreadsheet may leave such rows behind)"


@dataclass(frozen=True)
class CsvTable:
    """A CSV file's header and rows, each row with its physical start line.

    Attributes:
        header: column names as written (whitespace stripped).
        rows: ``(line, cells)`` pairs; ``line`` is the 1-based physical line on which the
            row starts.
    """

    header: list[str]
    rows: list[tuple[int, list[str]]]


def parse_csv_text(text: str, file: str) -> tuple[CsvTable | None, list[Problem]]:
    """Parse CSV text, reporting rows whose cell count differs from the header's.

    A row with the wrong number of cells is reported (code ``csv-row-width``) and left out,
    as is a row of empty cells (``blank-row``). Blank lines are skipped.
    """
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    line = 1
    try:
        for cells in reader:
            start = line
            line = reader.line_num + 1
            if len(cells) <= 1 and not "".join(cells).strip():  # a blank line
                continue
            if header is None:
                header = [c.strip() for c in cells]
                continue
            if not "".join(cells).strip():  # ',,,,': a row a spreadsheet left behind
                message, hint = "the row has only empty cells", BLANK_ROW_HINT
                problems.append(Problem("blank-row", message, file, start, hint=hint))
                continue
            if len(cells) != len(header):
                n = min(len(cells), len(header))  # the first cell or column without its pair
                extra = f"cell {n + 1} ({cells[n][:40]!r}) has no column" if n < len(cells) else ""
                what = extra or f"no cell for {header[n]}"
                problems.append(
                    Problem(
                        "csv-row-width",
                        f"row has {len(cells)} cell(s), the header has {len(header)}: {what}",
                        file,
                        start,
                        n + 1,
                        hint=f"columns are: {', '.join(header)}; quote cells that contain commas",
                    )
                )
                continue
            rows.append((start, cells))
    except csv.Error as exc:
        # the row in error starts on `line`; a quote left open there runs on to later lines
        at = reader.line_num or None
        message = f"not valid CSV: {exc}"
        if at is not None and at > line:
            message += f" (on line {at}, in the row that starts here)"
        problems.append(
            Problem(
                "csv-syntax",
                message,
                file,
                min(line, at) if at else None,
                hint=QUOTE_HINT,
            )
        )
        return None, problems
    if header is None:
        problems.append(Problem("csv-syntax", "the file has no header row", file, 1))
        return None, problems
    return CsvTable(header, rows), problems

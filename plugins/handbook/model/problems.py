"""Problems: what is wrong with an input file, as values.

Every loader and validator in the handbook returns problems instead of raising on the
first one, so a contributor sees everything that is wrong in one run. A `Problem` names
the file, the 1-based line (and column where known), what is wrong and what would be
right (`hint`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import yaml

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a data file.

    Attributes:
        code: stable kebab-case type, e.g. ``yaml-syntax``, ``wrong-type``, ``unknown-reference``.
        message: what is wrong, in one sentence.
        file: the file's path as given to the loader (relative to the working directory
            when it was relative).
        line: 1-based line, or None when the whole file is concerned.
        column: 1-based column (character for YAML, cell number for CSV), or None.
        hint: what would be right, e.g. ``expected one of: microsoft, customer``.
        severity: ``error`` (fails a build) or ``warning``.
    """

    code: str
    message: str
    file: str
    line: int | None = None
    column: int | None = None
    hint: str | None = None
    severity: Severity = "error"

    def location(self) -> str:
        """``file:line:column`` with the parts that are known."""
        out = self.file
        if self.line is not None:
            out += f":{self.line}"
            if self.column is not None:
                out += f":{self.column}"
        return out

    def sentence(self) -> str:
        """The message and, after ``; ``, the hint: as a checker finding (E001) or a usage
        error names the problem."""
        return self.message + (f"; {self.hint}" if self.hint else "")

    def __str__(self) -> str:
        text = f"{self.location()}: {self.severity}[{self.code}] {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Problems ordered by file, then line and column (unknown positions first)."""
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.column or 0, p.code))


def format_problems(problems: Iterable[Problem]) -> str:
    """One line a problem, sorted, followed by a count."""
    items = sort_problems(problems)
    lines = [str(p) for p in items]
    errors = sum(1 for p in items if p.severity == "error")
    lines.append(f"{errors} error(s), {len(items) - errors} warning(s) in data")
    return "\n".join(lines)


#: What would be right, by the words of PyYAML's commonest problems (`yaml_syntax_hint`).
_YAML_HINTS = (
    (
        "mapping values are not allowed here",
        "quote a value that holds ': ', as in name: \"Updates: monthly\"; indent a key as far "
        "as the other keys of its mapping",
    ),
    ("found character '\\t'", "indent with spaces: YAML does not allow a tab there"),
    ("but found '<block mapping start>'", "indent this line as far as the keys it belongs with"),
    ("but found '?'", "indent this line as far as the keys it belongs with"),
    (
        "expected <block end>, but found '-'",
        "a list item stands where a key was expected: indent the '- ' items as far as each other, "
        "under the key they belong to",
    ),
    ("could not find expected ':'", "write ': ' after a key, as in name: value"),
    ("found unexpected end of stream", "close the quoted text with the quote it opens with"),
)
#: The hint of any other YAML syntax problem.
YAML_HINT = "check indentation, quotes and the ': ' after each key"
#: The hint when the composer refuses an anchor or alias (defined twice, or not defined).
ANCHOR_HINT = "define each anchor (&name) once, before every alias (*name) of it"


def yaml_syntax_hint(exc: Any, text: str | None = None) -> str:
    """What would be right for a PyYAML ``MarkedYAMLError``: `ANCHOR_HINT` for the
    composer's (an anchor or alias), a precise hint for the parser's commonest problems (a
    ``:`` in an unquoted value, a tab, a line indented off its mapping, a key without
    ``:``, an unclosed quote), else `YAML_HINT`. Given the file's ``text``, a line where
    the parser stopped that starts with a space YAML does not count (a no-break space
    copied from a web page) is named."""
    if isinstance(exc, yaml.composer.ComposerError):
        return ANCHOR_HINT
    mark = yaml_syntax_mark(exc)
    if text is not None and mark is not None:
        lines = re.split("\r\n|[\n\r\x85\u2028\u2029]", text)  # YAML's line breaks
        line = lines[mark.line] if mark.line < len(lines) else ""
        odd = [c for c in line[: len(line) - len(line.lstrip())] if c not in " \t"]
        if odd:
            name = unicodedata.name(odd[0], "space").lower()
            return (
                f"this line starts with a {name} (U+{ord(odd[0]):04X}), which YAML does not "
                "read as indentation: indent with plain spaces"
            )
    problem = str(exc.problem or "")
    return next((hint for words, hint in _YAML_HINTS if words in problem), YAML_HINT)


def yaml_syntax_mark(exc: Any) -> Any:
    """Where a PyYAML ``MarkedYAMLError`` is: where the parser stopped, except for a key
    without ``:``, which PyYAML notices on a later line: there, where the key starts."""
    if "could not find expected ':'" in str(exc.problem) and exc.context_mark is not None:
        return exc.context_mark
    return exc.problem_mark or exc.context_mark


def yaml_syntax_message(exc: Any, text: str | None = None) -> str:
    """``not valid YAML: ...`` for a PyYAML ``MarkedYAMLError``; when the parser stopped on
    a later line than the one that opened what it was reading (an unclosed ``[``, ``{`` or
    quote), also where that was opened. Given the file's ``text``, a quoted text over
    several lines just before the error (a closing quote left out, so the quote ran on to
    the next one) is named too."""
    message = f"not valid YAML: {exc.problem or exc.context}"
    mark, opened = yaml_syntax_mark(exc), exc.context_mark
    if exc.problem and exc.context and opened and not exc.context.startswith("while "):
        # the composer's "found duplicate anchor 'a'; first occurrence" (there), "second
        # occurrence" (here): not a "while parsing ..." context
        where = f"line {opened.line + 1}, column {opened.column + 1}"
        return f"not valid YAML: {exc.context} at {where}, {exc.problem} here"
    if exc.problem and exc.context and opened and mark and opened.line != mark.line:
        what = re.sub(r"^while (?:parsing|scanning) an? ", "", exc.context)
        message += f" (in the {what} that starts at line {opened.line + 1}, column "
        message += f"{opened.column + 1})"
    if text is not None and mark is not None:
        message += _quote_run_on(text, mark.index, mark.line)
    return message


def _quote_run_on(text: str, index: int, line: int) -> str:
    """``; the quoted text that starts at line L, column C runs on to line M: ...`` when a
    quoted scalar over several lines ends on ``line`` (0-based) before character ``index``
    of ``text``, where the parser stopped, else ``""``."""
    found = None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.index >= index:
                break
            if not isinstance(token, yaml.ScalarToken) or token.style not in ('"', "'"):
                continue
            if token.start_mark.line < token.end_mark.line == line:
                found = token
    except yaml.YAMLError:
        pass  # the scanner stops at or after the parser: the tokens before it count
    if found is None:
        return ""
    start = found.start_mark
    return (
        f"; the quoted text that starts at line {start.line + 1}, column {start.column + 1} "
        f"runs on to line {line + 1}: is its closing {found.style} missing?"
    )

"""What the CI formats of ``handbook validate`` and ``handbook check`` share: repository-
relative paths, GitHub's escaping, literal Markdown cells, fingerprints, the SARIF tool.
Every text here may come from a pull request, so each function makes it inert where it
goes: one line without terminal escapes in a log, no link, image or HTML in a summary.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import quote

TOOL_NAME = "handbook"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"

#: Control characters of untrusted text (record ids, messages, file names) as escapes, so
#: a finding stays one line and carries no terminal escape sequence into a CI log: C0, DEL
#: and C1 (NEL U+0085 ends a line for str.splitlines, CSI U+009B starts an escape), and
#: the line and paragraph separators U+2028 and U+2029.
CONTROL_ESCAPES = {i: f"\\x{i:02x}" for i in [*range(0x20), *range(0x7F, 0xA0)] if i != 0x09}
CONTROL_ESCAPES.update({0x0A: "\\n", 0x0D: "\\r", 0x2028: "\\u2028", 0x2029: "\\u2029"})

#: The control characters but CR and LF (which `github_data` escapes as GitHub wants).
_LOG_ESCAPES = {k: v for k, v in CONTROL_ESCAPES.items() if k not in (0x0A, 0x0D)}

#: Markdown's ASCII punctuation that a backslash makes literal (CommonMark 2.4; ``:`` and
#: ``.`` too, so GitHub makes no autolink of ``https://`` or ``www.``); ``&``, ``<`` and
#: ``>`` become entities, so no HTML, emphasis or link comes from the input.
_MD_LITERAL = {
    **CONTROL_ESCAPES,
    **{ord(c): "\\" + c for c in "\\`*_{}[]()#+-.!~|:"},
    **{ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;"},
}


def repo_root(start: Path) -> Path | None:
    """The nearest folder from ``start`` upwards holding ``.git``, else None."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def relative_path(file: str, root: Path | None, uri: bool = False) -> str:
    """``file`` relative to ``root`` with ``/`` separators; as given (posix) when outside
    it, or as a ``file://`` URI when absolute and ``uri`` is set."""
    path = Path(file)
    if root is not None:
        try:
            return path.resolve().relative_to(root).as_posix()
        except ValueError:
            pass
    if uri and path.is_absolute():
        return path.resolve().as_uri()
    return path.as_posix()


def uri_reference(path: str) -> str:
    """A `relative_path` as a SARIF ``artifactLocation.uri``: a relative path with spaces,
    ``%``, ``#`` and the like percent-encoded; a ``file://`` URI as it is."""
    return path if path.startswith("file:") else quote(path, safe="/")


def github_data(text: str) -> str:
    """A workflow command's message: ``%``, CR and LF escaped as GitHub requires, other
    control characters as ``\\x1b`` (no terminal escape sequence reaches the log)."""
    text = text.translate(_LOG_ESCAPES)
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(text: str) -> str:
    """A workflow command's property value: also ``:`` and ``,`` escaped."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")


def markdown_cell(text: str) -> str:
    """A Markdown table cell's text: literal in GitHub's Markdown, on one line."""
    return text.translate(_MD_LITERAL)


#: What makes prose's inline Markdown literal: a backslash before the marks of emphasis,
#: strike-through, code, links, HTML, entities and a table's cell end; a line break as a
#: space. Full stops, hyphens and parentheses stay as written, for people who read the
#: Markdown itself.
_MD_PROSE = {
    **CONTROL_ESCAPES,
    **{ord(c): "\\" + c for c in "\\`*_~[]<>&|"},
    **{0x0A: " ", 0x0D: " "},
}


def markdown_text(text: str) -> str:
    """Text for a line of Markdown (a list item, a table cell): literal in GitHub's
    Markdown, on one line, and as readable as plain text (`markdown_cell` also escapes
    ``.``, ``-``, ``:`` and more)."""
    return text.translate(_MD_PROSE)


def fingerprint(*parts: str) -> str:
    """32 hex digits of a SHA-256 of ``parts`` (joined by U+001F): a SARIF
    ``partialFingerprints`` value or a GitLab ``fingerprint``, the same run after run."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]

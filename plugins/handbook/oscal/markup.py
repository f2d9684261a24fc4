"""Data text as OSCAL ``markup-multiline``/``markup-line`` (Markdown), made safe.

Data text is untrusted inline Markdown (links, emphasis, code spans; see
`handbook.site.text`). `to_markdown` parses it with markdown-it-py (raw HTML off) and
writes it back: plain text with Markdown and HTML syntax characters backslash-escaped, so
``<script>`` stays text in any renderer; emphasis and code spans kept; links resolved to
absolute Microsoft Learn URLs with `handbook.site.text.resolve_link` (a relative link means
nothing outside the handbook), and a link markdown-it refuses (``javascript:``) kept as its
text only.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from handbook.model.entities import Statement
from handbook.site.text import LinkContext, resolve_link

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")
#: Text that would open a block (heading, list, quote, rule) at the start of a line.
_BLOCK_START = re.compile(r"^(\d+)([.)])|^([#+=-])")
_MARKS = {"em": "*", "strong": "**", "s": "~~"}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("zero").enable(["emphasis", "link", "backticks", "escape"])


def _unblock(text: str) -> str:
    """``text`` with a leading ``#``, ``+``, ``-``, ``=`` or ``1.`` escaped (one line of
    Markdown that must stay a paragraph)."""
    return _BLOCK_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", text)


def _url(href: str) -> str:
    """A link target with the characters that would end a Markdown link percent-encoded."""
    return href.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C")


def to_markdown(text: str, learn_base_url: str, learn_path: str | None) -> str:
    """``text`` (inline Markdown, newlines read as spaces) as safe Markdown on one line."""
    flat = " ".join(text.split())
    out: list[str] = []
    ctx = LinkContext(learn_base_url=learn_base_url, covered={}, sections={})
    for block in _parser().parseInline(flat):
        children: list[Token] = block.children or []
        for token in children:
            kind = token.type
            if kind == "text":
                out.append(_SPECIAL.sub(r"\\\1", token.content))
            elif kind == "code_inline":
                fence = "``" if "`" in token.content else "`"
                out.append(f"{fence}{token.content}{fence}")
            elif kind.endswith("_open") and kind[:-5] in _MARKS:
                out.append(_MARKS[kind[:-5]])
            elif kind.endswith("_close") and kind[:-6] in _MARKS:
                out.append(_MARKS[kind[:-6]])
            elif kind == "link_open":
                href = str(token.attrGet("href") or "")
                out.append("[")
                out.append(f"\x00{_url(resolve_link(href, ctx, learn_path)[0])}\x00")
            elif kind == "link_close":
                out.append("]")
            elif kind in ("softbreak", "hardbreak"):
                out.append(" ")
    joined = "".join(out)
    # "[" \0url\0 text "]" → "[text](url)"
    return _unblock(re.sub(r"\[\x00([^\x00]*)\x00([^\]]*)\]", r"[\2](\1)", joined))


def statement_markdown(statement: Statement, learn_base_url: str, learn_path: str | None) -> str:
    """A statement and its sub-items (nested) as Markdown: the text, then a ``-`` list."""
    lines = [to_markdown(statement.text, learn_base_url, learn_path)]

    def items(of: Statement, depth: int) -> None:
        for item in of.items:
            lines.append("  " * depth + "- " + to_markdown(item.text, learn_base_url, learn_path))
            items(item, depth + 1)

    if statement.items:
        lines.append("")
        items(statement, 0)
    return "\n".join(lines)

"""Rendering data text safely.

Data text is untrusted (it arrives in pull requests). It may use *inline Markdown limited
to links, emphasis and code spans*; everything else is text. `InlineRenderer` renders it
with markdown-it-py with raw HTML disabled, so ``<script>`` shows as text, and resolves
link targets:

* ``https://...`` (and ``mailto:``) stay as they are, marked external;
* ``#anchor`` and relative ``*.md`` targets are resolved against the seed document's path
  on Microsoft Learn (`Document.learn_path`); a target that is a page the handbook covers
  becomes a link into the handbook, anything else a link to Microsoft Learn (external);
* ``/path`` is resolved against the Learn site root;
* anything markdown-it refuses (``javascript:``, ``data:``, ``vbscript:``, ``file:``)
  is not linked.

`heading_text` escapes text for a Markdown heading so no Markdown or HTML syntax in it
is interpreted.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup, escape


@dataclass(frozen=True)
class LinkContext:
    """What `InlineRenderer` needs to resolve links.

    Attributes:
        learn_base_url: base URL of the MMD pages on Microsoft Learn, ending in ``/``.
        covered: Learn page path (``overview/change-management.md``) → the URL of the
            handbook page that covers it, relative to the page being rendered.
        sections: ``(learn page path, anchor)`` → handbook URL (relative), for anchors
            that the handbook renders on a page of its own.
    """

    learn_base_url: str
    covered: Mapping[str, str]
    sections: Mapping[tuple[str, str], str]


_PUNCT = re.compile(r"[\\`*_{}\[\]()<>#+\-.!|~^=:&\"'$%@;/?,]")


def heading_text(text: str) -> Markup:
    """Escape ``text`` for a Markdown heading: punctuation becomes numeric entities.

    Returns `Markup` so Jinja's autoescaping leaves the entities alone.
    """
    flat = " ".join(str(text).split())
    return Markup(_PUNCT.sub(lambda m: f"&#{ord(m.group(0))};", flat))


class InlineRenderer:
    """Render inline data text (links, emphasis, code) to safe HTML.

    Args:
        glossary: spelling → definition; every whole-word occurrence of a spelling in the
            text becomes ``<abbr title="definition">spelling</abbr>`` (Material shows it as
            a tooltip with the ``content.tooltips`` feature).
    """

    def __init__(self, glossary: Mapping[str, str] | None = None) -> None:
        md = MarkdownIt("zero", {"html": False, "linkify": False, "typographer": False})
        md.enable(["link", "emphasis", "backticks", "escape", "entity"])
        md.add_render_rule("link_open", self._link_open)
        self._glossary = dict(glossary or {})
        if self._glossary:
            words = sorted(self._glossary, key=len, reverse=True)
            self._terms = re.compile(
                r"(?<![\w-])(" + "|".join(re.escape(w) for w in words) + r")(?![\w-])"
            )
            md.core.ruler.push("glossary", self._abbreviate)
        self._md = md
        # Text without a link renders the same on every page; the site renders ~780 texts,
        # many of them on several pages, and markdown-it took 0.20 s of a 0.69 s
        # generation (cProfile, 66 pages); kept for the renderer's life (one site).
        self._unlinked: dict[str, Markup] = {}

    def _abbreviate(self, state: Any) -> None:
        """Core rule: split text tokens around glossary spellings into ``<abbr>`` tokens."""
        for block in state.tokens:
            if block.type != "inline" or not block.children:
                continue
            children: list[Token] = []
            for token in block.children:
                if token.type != "text" or not self._terms.search(token.content):
                    children.append(token)
                    continue
                # the pattern's one group: text and spellings in turn
                for i, part in enumerate(self._terms.split(token.content)):
                    if i % 2:
                        html = Markup('<abbr title="{}">{}</abbr>').format(
                            self._glossary[part], part
                        )
                        children.append(_token("html_inline", str(html)))
                    elif part:
                        children.append(_token("text", part))
            block.children = children

    @staticmethod
    def _link_open(
        self: Any, tokens: list[Token], idx: int, options: Any, env: dict[str, Any]
    ) -> str:
        token = tokens[idx]
        href = str(token.attrGet("href") or "")
        resolve: Callable[[str], tuple[str, bool]] = env["resolve"]
        url, external = resolve(href)
        attrs = f' href="{escape(url)}"'
        if external:
            attrs += ' class="hb-external" rel="noopener"'
        return f"<a{attrs}>"

    def render(
        self, text: str, ctx: LinkContext | None = None, learn_path: str | None = None
    ) -> Markup:
        """Render ``text`` to HTML (no enclosing ``<p>``); newlines become spaces."""
        flat = " ".join(str(text).split())
        known = self._unlinked.get(flat)
        if known is not None:
            return known
        linked = False

        def resolve(href: str) -> tuple[str, bool]:
            nonlocal linked
            linked = True
            return resolve_link(href, ctx, learn_path)

        html = Markup(self._md.renderInline(flat, {"resolve": resolve}))
        if not linked:  # the same HTML on every page
            self._unlinked[flat] = html
        return html


def _token(kind: str, content: str) -> Token:
    token = Token(kind, "", 0)
    token.content = content
    return token


def resolve_link(href: str, ctx: LinkContext | None, learn_path: str | None) -> tuple[str, bool]:
    """Resolve a seed link target; returns ``(url, is_external)`` (see module docstring)."""
    parts = urlsplit(href)
    if parts.scheme or href.startswith("//"):
        return href, True
    if ctx is None:
        return href, False
    base = urlsplit(ctx.learn_base_url)
    if href.startswith("/"):
        return f"{base.scheme}://{base.netloc}{href}", True
    doc_path = learn_path or "index.md"
    path = parts.path
    anchor = parts.fragment
    if path:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(doc_path), path))
    else:
        target = doc_path
    if anchor and (target, anchor) in ctx.sections:
        return ctx.sections[(target, anchor)], False
    if target in ctx.covered:
        url = ctx.covered[target]
        return (f"{url}#{anchor}" if anchor and path else url), False
    page = target[:-3] if target.endswith(".md") else target
    if page.endswith("/index") or page == "index":
        page = page[: -len("index")]
    url = ctx.learn_base_url + page
    return (f"{url}#{anchor}" if anchor else url), True

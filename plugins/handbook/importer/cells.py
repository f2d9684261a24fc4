"""Cell lines as statements, party labels and party names.

A statement is a dict ``{"text": str, "items": [statement, ...]}`` (``items`` only when
there are any), the shape of `handbook.model.entities.Statement` in YAML. Nesting: a
line ending with ``:`` opens a list; the list items below it (deeper bullets, or any line
after a paragraph) are its items until a line at its own level. A line that only points
elsewhere (``For more information, see [Updates](updates.md).``) is no statement and is
left out (`cross_reference`); a sentence that says something and then points elsewhere is
kept whole.
"""

from __future__ import annotations

import re
from typing import Any

from markdown_it import MarkdownIt

from handbook.importer.html import Line

Statement = dict[str, Any]

_PARTY_WORDS = {
    "microsoft": "microsoft",
    "customer": "customer",
    "customers": "customer",
    "the customer": "customer",
    "you": "customer",
    "your organization": "customer",
    "both": "both",
    "shared": "both",
    "microsoft and customer": "both",
    "customer and microsoft": "both",
    "microsoft and the customer": "both",
    "microsoft & customer": "both",
    # the customer, or the partner acting for it (Azure Virtual Desktop's security page)
    "customer or partner": "customer",
    "customer/partner": "customer",
}
_FOOTNOTE = re.compile(r"(\s*(\[\^?\d+\]|\^\d+|[*†‡§¹²³⁴⁵⁶⁷⁸⁹⁰]+|\(\d+\)|\d+))+$")
_WILL = re.compile(
    r"\b(will|roles?|responsibilit\w*|tasks|does|do|provides|actions?|helps?|handles?|manages)\b"
)


_CROSS_REFERENCE = re.compile(
    r"(for more (information|info|details)|to learn more|learn more|for details|see also)\b"
    r"|(see|refer to) .{1,400}\W(for|or) (more )?(information|details)\b.{0,40}$"
)
#: Words that make "Microsoft ..." more than a product name in a header.
_NOT_PRODUCT = {"and", "&", "customer", "customers", "you", "your", "partner", "will"}
#: A bullet glyph typed into the text (``▪ Gateway``, ``• Item``), not Markdown's.
_GLYPH = re.compile("^[\u2022\u25aa\u25ab\u25e6\u2023\u25cf\u25a0\u2043\u2219\u00b7]\ufe0f?\\s*")
_PHASE = re.compile(r"^(?P<word>before|during|after|prior to|pre|post)(?:$|[\s-])")
_CHANGE = re.compile(r"\b(chang\w*|releases?|updates?|deployments?|rollouts?|implementation)\b")
#: Learn's own markup for a picture or a shared snippet (DocFX syntax, not Markdown's):
#: ``:::image type="icon" source="x.png":::`` and ``[!INCLUDE [name](../includes/x.md)]``.
_LEARN_MARKUP = re.compile(r":::image\b.*?:::|\[!include\s*\[[^\]]*\]\([^)]*\)\]", re.I)
_MD = MarkdownIt("commonmark")


def plain(text: str) -> str:
    """Lowercased text without emphasis marks, a trailing colon or surrounding space;
    curly apostrophes made straight."""
    t = text.replace("**", "").replace("__", "").replace("’", "'").strip()
    t = t.strip("*_ ").rstrip(":")
    return " ".join(t.lower().split())


_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def party_of_cell(text: str) -> str | None:
    """``Microsoft``/``Customer``/``Both`` (any case, bold, footnote marks, a link's text:
    ``[Shared](#anchor)``) as a party id; a short cell naming Microsoft with a partner and
    not the customer (``Microsoft and Red Hat``) is Microsoft's."""
    t = _FOOTNOTE.sub("", plain(_LINK.sub(r"\1", text))).strip(" .*")
    found = _PARTY_WORDS.get(t)
    words = set(re.findall(r"[a-z']+", t))
    partner = "microsoft" in words and ("and" in words or "&" in t) and len(t.split()) <= 5
    if found is None and partner and not words & _CUSTOMER_WORDS:
        return "microsoft"
    return found


def party_label(text: str) -> str | None:
    """The party a label line names (``Microsoft will:``, ``**Customers will:**``,
    ``Customer's role``, ``Microsoft Managed Desktop will``, ``You:``), or None when the
    line is not a label: at most seven words, the last ``will``/``role``/``responsibilities``
    (a colon may follow), or a party's name followed by a colon."""
    t = plain(text)
    words = t.split()
    colon = text.replace("*", "").replace("_", "").rstrip().endswith(":")
    if not words or len(words) > 7:
        return None
    if t in ("you", "your organization", "your organisation", "the customer"):
        return "customer" if colon else None
    if not _WILL.fullmatch(words[-1]) and not (colon and t in _PARTY_WORDS):
        return None
    party = party_header(t)
    return party if party in ("microsoft", "customer") else None


_DUTY_LABEL = re.compile(
    r"(?:however|but|and|also|in addition),?\s+"
    r"(?:(you|your organization|the customers?|customers?)|(microsoft|we))\s+"
    r"(?:must|will|should|need to|are responsible for)(?: do)?\s*:?\s*$"
    r"|(?:(you|your organization|the customers?|customers?)|(microsoft|we))\s+"
    r"(?:must|need to)(?: do)?\s*:?\s*$"
)


def duty_label(sentence: str) -> str | None:
    """The party a sentence that opens a list of duties names (``However, you must:``,
    ``But Microsoft will:``, ``You must:``): a label inside a cell, which `party_label`
    (a line of its own, ``Customer will:``) does not cover; None for anything else."""
    m = _DUTY_LABEL.fullmatch(plain(sentence))
    if m is None:
        return None
    return "customer" if m.group(1) or m.group(3) else "microsoft"


def party_header(text: str) -> str | None:
    """The party a column header names (``Microsoft will``, ``Customer's role``,
    ``Customers will:``, ``Microsoft``; ``both`` for ``Both``, ``Shared`` or ``Microsoft
    and customer will``), or None. A header of more than eight words is a sentence (an
    empty header row's first body row, promoted), never a party's."""
    t = plain(text)
    if len(t.split()) > 8:
        return None
    if t in ("microsoft", "customer", "customers", "both", "shared", "you", "your organization"):
        return _PARTY_WORDS[t]
    named = t.split()  # "Microsoft Azure", "Microsoft 365": the provider by its product
    if named[:1] == ["microsoft"] and len(named) <= 3 and not set(named) & _NOT_PRODUCT:
        return "microsoft"
    if not _names_duties(t):
        return None
    words = set(re.findall(r"[a-z']+", t))
    if words & {"microsoft", "microsoft's", "provider", "provider's", "mmd", "we"}:
        if "customer" in t or "your" in words:
            return "both" if words & {"and", "&"} or "&" in t else None
        return "microsoft"
    if words & {"both", "shared", "jointly"}:
        return "both"
    if words & _CUSTOMER_WORDS:
        return "customer"
    return None


def _names_duties(t: str) -> bool:
    """Whether a plain header has a word of duties (`_WILL`); ``do``/``does`` only after
    a party's name (``What will Microsoft do?``, ``What do you do then?``): before it,
    ``Software de cliente do Microsoft 365`` (Portuguese, "of the") is a matrix's scope."""
    words = re.findall(r"[a-z']+", t)
    for i, w in enumerate(words):
        if _WILL.fullmatch(w) and (
            w not in ("do", "does") or set(words[:i]) & (_PROVIDER_WORDS | _CUSTOMER_WORDS)
        ):
            return True
    return False


def clean(text: str) -> str:
    """Statement text: whitespace collapsed, a typed bullet glyph (``▪``, ``•``) dropped, a
    bold wrapper around the whole text kept."""
    return _GLYPH.sub("", " ".join(text.split()))


def markup_only(text: str) -> bool:
    """Whether a cell's line holds nothing to read but pictures or includes: Markdown
    images (as markdown-it reads them), Learn's ``:::image`` and ``[!INCLUDE]``."""
    rest = _LEARN_MARKUP.sub(" ", text)
    if not rest.strip():
        return True
    children = _MD.parseInline(rest)[0].children or []
    return all(
        t.type in ("image", "softbreak", "hardbreak")
        or (t.type == "text" and not t.content.strip())
        for t in children
    )


def cross_reference(text: str) -> bool:
    """Whether ``text`` only points elsewhere: one sentence opening with ``For more
    information``, ``To learn more``, ``Learn more``, ``For details`` or ``See also``, or
    ``See X for more information``."""
    t = plain(text)
    return bool(_CROSS_REFERENCE.match(t)) and t.rstrip(".").count(". ") == 0


def statements(lines: list[Line], dropped: list[str] | None = None) -> list[Statement]:
    """Statements of ``lines`` (see module doc); the cross-references left out are
    appended to ``dropped``."""
    out: list[Statement] = []
    parent: tuple[Statement, int, str] | None = None  # opened a list: (it, level, mode)
    last: tuple[Statement, int] | None = None
    for line in lines:
        text = clean(line.text)
        if not text or markup_only(text):  # an icon or an include: no statement
            continue
        level = line.depth if line.bullet else 0
        item: Statement = {"text": text}
        if cross_reference(text):
            item["reference"] = True  # left out below, with the list it opens
        if parent is not None:
            stmt, plevel, mode = parent
            if line.bullet and level > plevel and mode != "paras":
                stmt.setdefault("items", []).append(item)
                parent = (stmt, plevel, "bullets")
                continue
            if not line.bullet and plevel == 0 and mode != "bullets" and not text.endswith(":"):
                stmt.setdefault("items", []).append(item)
                parent = (stmt, plevel, "paras")
                continue
        if last is not None and line.bullet and level > last[1] > 0:
            last[0].setdefault("items", []).append(item)
            continue
        out.append(item)
        last = (item, level)
        parent = (item, level, "") if text.endswith(":") else None
    return _without_references(out, [] if dropped is None else dropped)


def _without_references(found: list[Statement], dropped: list[str]) -> list[Statement]:
    """``found`` without the statements `statements` marked as cross-references (their
    texts appended to ``dropped``)."""
    kept = []
    for stmt in found:
        if stmt.pop("reference", False):
            dropped.append(stmt["text"])
            continue
        if "items" in stmt:
            stmt["items"] = _without_references(stmt["items"], dropped)
            if not stmt["items"]:
                del stmt["items"]
        kept.append(stmt)
    return kept


def segments(lines: list[Line]) -> tuple[list[Line], dict[str, list[Line]]]:
    """Lines of a cell that holds party labels, split by party: ``(before any label,
    {party: lines})``. A party labelled twice gets both parts; a label followed by text
    on its line (``Microsoft will: notify customers``) starts that party with the text."""
    before: list[Line] = []
    parts: dict[str, list[Line]] = {}
    current: str | None = None
    for line in lines:
        label = None if line.bullet else party_label(line.text)
        if label is not None:
            current = label
            parts.setdefault(label, [])
            continue
        head, colon, rest = line.text.partition(":")
        inline = party_label(head + colon) if colon and not line.bullet else None
        if inline is not None and rest.strip():
            current = inline
            parts.setdefault(inline, []).append(Line(rest.strip(), 0, False))
            continue
        (parts[current] if current is not None else before).append(line)
    return before, parts


def phase_of(text: str) -> str | None:
    """``before``/``during``/``after`` when ``text`` names one phase of a change: the word
    alone, or opening a short phrase about a change (``Before a change``, ``After the
    release``, ``Prior to a change``); ``After-hours support`` is no phase."""
    t = plain(text).rstrip(".")
    m = _PHASE.match(t)
    if m is None or len(t.split()) > 6:
        return None
    if t != m["word"] and not _CHANGE.search(t):
        return None
    word = m["word"]
    return {"prior to": "before", "pre": "before", "post": "after"}.get(word, word)


_PROVIDER_WORDS = {"microsoft", "microsoft's", "we", "our"}
_CUSTOMER_WORDS = {"customer", "customers", "customer's", "customers'", "you", "your"}


def party_named(text: str) -> str | None:
    """The one party a row's key names in passing (``What will Microsoft Managed Desktop
    do?`` is Microsoft's), or None when it names none or both."""
    words = set(re.findall(r"[a-z']+", plain(text)))
    provider, customer = bool(words & _PROVIDER_WORDS), bool(words & _CUSTOMER_WORDS)
    if provider == customer:
        return None
    return "microsoft" if provider else "customer"


_SUBJECT = re.compile(
    r"(microsoft|you|you're|you are|your organi[sz]ation|the customers?|customers?)\s+"
    r"(will|must|is|are|also|need|needs|should|shall|provide|provides|responsible|required)\b"
)


def subject_party(text: str) -> str | None:
    """The party a statement opens with as its subject (``Microsoft is responsible for
    …``, ``**Microsoft** will …``, ``You're responsible for …``, ``The customer is
    required …``), or None."""
    m = _SUBJECT.match(plain(text))
    if m is None:
        return None
    return "microsoft" if m.group(1) == "microsoft" else "customer"


def asked_party(heading: str) -> str | None:
    """The party a heading asks about as its subject (``What you need to do to support
    the apps we provide``, ``How Microsoft will …``), or None."""
    t = plain(heading)
    rest = re.sub(r"^(what|how)\s+", "", t)
    return subject_party(rest) if rest != t else None


_PLACEHOLDERS = {"none", "n/a", "na", "not applicable", "-", "--", "—", "–", "nothing"}


def placeholder(text: str) -> bool:
    """Whether a cell's text says there is nothing (``None``, ``N/A``, ``-``, ``—``, ``No
    change management responsibilities``), maybe with its reason (``None. Microsoft is
    responsible``, ``N/A - handled by Microsoft``)."""
    t = plain(text).strip(" .")
    # "None. Microsoft does it all", "N/A - handled by Microsoft": the word and its reason
    head = re.split(r"\s*[.:;]\s+|\s+[-–—]\s+", t, maxsplit=1)[0]
    return (
        t in _PLACEHOLDERS
        or head in _PLACEHOLDERS
        or (
            t.startswith("no ")
            and t.endswith(("responsibilities", "responsibility", "tasks", "required", "needed"))
        )
    )


def provider_heading(text: str) -> bool:
    """Whether a heading names someone's duties without naming Microsoft or the customer
    (``IBM responsibilities``, ``Provider roles``): at most six words, the last
    ``responsibilities``, ``roles``, ``tasks`` or ``duties``."""
    words = plain(text).split()
    generic = {"roles", "role", "and", "responsibilities", "responsibility", "tasks", "duties"}
    return (
        0 < len(words) <= 6
        and bool(re.fullmatch(r"responsibilit\w*|roles?|tasks|duties", words[-1]))
        and not set(words) <= generic  # "Roles and responsibilities" names nobody
    )


def provider_named_heading(text: str) -> bool:
    """Whether a heading names a provider other than Microsoft by name as the one whose
    duties follow (a `provider_heading` whose first word is a ``{{site.data.keyword…}}``
    variable, an acronym or a possessive: ``{{site.data.keyword.cloud_notm}}'s resiliency
    … responsibilities``, ``IBM responsibilities``, ``Contoso's roles``), and not the
    customer (``Customer's roles``); ``Shared responsibilities`` names nobody."""
    first = text.strip().split()[0] if text.strip() else ""
    name = (
        first.startswith("{{")
        or first.endswith(("'s", "’s"))
        or (len(first) >= 2 and first.isupper() and first.isalpha())
    )
    return name and provider_heading(text) and party_named(text) is None


def provider_column(header: list[str], cols: dict[int, str]) -> int | None:
    """The provider's column of a party table whose provider is not Microsoft by name:
    when ``cols`` (column: party) has the customer's column and not Microsoft's, the one
    other column after the first whose header reads like a party's (``IBM
    responsibilities``, ``Contoso will``, at most eight words), else None. The first
    column is the provider's only when every other column is a party's (``Stakater
    Responsibilities | Customer Responsibilities``: no column names the rows)."""
    if "customer" not in cols.values() or "microsoft" in cols.values():
        return None
    found = [
        j
        for j, h in enumerate(header)
        if j > 0 and j not in cols and len(plain(h).split()) <= 8 and _WILL.search(plain(h))
    ]
    if not found and len(cols) == len(header) - 1 and 0 not in cols:
        return 0 if provider_heading(header[0]) else None
    return found[0] if len(found) == 1 else None


def matrix_provider(values: list[str]) -> dict[str, str]:
    """The provider named in a matrix's cells when it is not Microsoft (``IBM`` beside
    ``You`` and ``Shared``): when some cells name the customer and none Microsoft, the one
    or two names every other cell holds (at most three words, capitalised or a
    ``{{site.data.keyword.IBM_notm}}`` variable, not a sentence), as ``{plain text: text}``;
    else empty."""
    parties = {party_of_cell(v) for v in values}
    if "microsoft" in parties or "customer" not in parties:
        return {}
    others = {
        _LINK.sub(r"\1", v).strip("*_ ")
        for v in values
        if party_of_cell(v) is None and not placeholder(v)
    }
    names = [
        o
        for o in others
        if len(o.split()) <= 3 and (o[:1].isupper() or o.startswith("{{")) and o[-1:] != "."
    ]
    if not others or len(others) > 2 or len(names) < len(others):
        return {}
    return {plain(o): o for o in sorted(names)}


_DUTIES = {"responsibilities", "responsibility", "tasks", "duties", "actions", "activities"}


def duty_header(text: str) -> bool:
    """Whether a column header names duties without naming whose (``Responsibilities``,
    ``Tasks``): the section's heading then says whose they are."""
    return plain(_LINK.sub(r"\1", text)) in _DUTIES


def other_party_duties(description: list[Statement], who: str) -> dict[str, list[Statement]]:
    """The duties a role's statements give another party: the items of a statement whose
    last sentence is another party's label (``… and support. However, you must:`` over a
    list, `duty_label`). They are taken out of ``description`` (in place), and the
    label sentence with them; a statement left empty goes."""
    out: dict[str, list[Statement]] = {}
    for stmt in list(description):
        head, _, last = stmt["text"].rpartition(". ")
        other = duty_label(last or head) if stmt.get("items") else None
        if other is None or other == who:
            continue
        out.setdefault(other, []).extend(stmt.pop("items"))
        if last and head:
            stmt["text"] = head + "."
        else:
            description.remove(stmt)
    return out


def other_party_statements(description: list[Statement], who: str) -> dict[str, list[Statement]]:
    """The statements of a role's description whose subject is the other party (a
    customer's ``Change management`` saying ``Microsoft will notify customers …`` over
    ``You must have your own change management process …``): taken out of
    ``description`` (in place) for that party's role of the same name. Only when a
    statement of ``who`` is left, so a one-statement role keeps its text."""
    moved = [(s, subject_party(s["text"])) for s in description]
    moved = [(s, party) for s, party in moved if party not in (None, who)]
    if not moved or len(moved) == len(description):
        return {}
    out: dict[str, list[Statement]] = {}
    for stmt, party in moved:
        description.remove(stmt)
        out.setdefault(str(party), []).append(stmt)
    return out

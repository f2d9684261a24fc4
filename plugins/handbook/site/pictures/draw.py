"""What a picture is made of: text, lines, boxes and markers at SVG user units, plus the
picture's title and description (`Picture`). The picture modules compute these; the
template ``templates/pictures/picture.svg.j2`` writes them as inline SVG (every string
escaped by Jinja's autoescape), so no module here writes markup.

Units: SVG user units of the picture's ``viewBox`` (the picture is drawn ``WIDTH`` wide and
scales with its container: ``width="100%"``). Styles are classes of
``assets/pictures.css`` (the theme's colours); the elements also carry ``currentColor``
so a picture reads without the stylesheet, and in black and white.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

#: Width of every picture's viewBox (user units); about the width of a page's text column.
WIDTH = 640.0
#: Font size of the pictures' text (user units).
FONT = 14.0
#: Line height of the pictures' text (user units).
LINE = 18.0

Anchor = Literal["start", "middle", "end"]
Fill = Literal["solid", "hatch", "dots", "none"]
Shape = Literal["circle", "square", "diamond", "triangle", "triangle-down", "bar"]
#: Marker shapes in the order fields get them (never colour alone: each field its shape).
SHAPES: tuple[Shape, ...] = ("circle", "square", "diamond", "triangle", "triangle-down", "bar")


@dataclass(frozen=True)
class Text:
    """A line of text at (x, y) (baseline), ``anchor`` as SVG ``text-anchor``; ``href``
    makes it a link; ``cls`` is a class of ``pictures.css`` (``hb-pic-strong``...)."""

    x: float
    y: float
    text: str
    anchor: Anchor = "start"
    cls: str = ""
    href: str | None = None


@dataclass(frozen=True)
class Line:
    """A straight line; ``cls``: ``hb-pic-axis``, ``hb-pic-grid`` (dashed), ``hb-pic-dim``
    (dimension line), ``hb-pic-accent`` (the theme's primary colour, thicker)."""

    x1: float
    y1: float
    x2: float
    y2: float
    cls: str = "hb-pic-axis"
    arrow: bool = False
    """An arrowhead at (x2, y2): the region goes on beyond the picture's edge."""


@dataclass(frozen=True)
class Box:
    """A rectangle; ``fill`` is ``solid``, ``hatch`` (diagonal lines), ``dots`` or
    ``none`` (outline only): patterns, so it prints in black and white."""

    x: float
    y: float
    w: float
    h: float
    fill: Fill = "none"


@dataclass(frozen=True)
class Marker:
    """A field's marker (its `Shape`) centred on (x, y); ``filled`` False draws its
    outline only (an open bound, or a value missing from a record)."""

    x: float
    y: float
    shape: Shape
    filled: bool = True


@dataclass
class Picture:
    """One picture: ``slug`` makes its element ids (``hb-pic-<slug>-title``); ``title``
    and ``desc`` say its facts in words (SVG ``<title>`` and ``<desc>``); ``height`` in
    user units (the width is `WIDTH`)."""

    slug: str
    title: str
    desc: str
    height: float = 0.0
    texts: list[Text] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    width: float = WIDTH
    patterns: bool = False
    """True when a `Box` uses a pattern (the template then defines them)."""

    @property
    def has_links(self) -> bool:
        """True when a text is a link (written ``xlink:href``: Material's instant
        navigation sets ``href`` on the page's links, which an SVG ``<a>`` refuses)."""
        return any(t.href for t in self.texts)

    def box(self, box: Box) -> None:
        self.boxes.append(box)
        self.patterns = self.patterns or box.fill in ("hatch", "dots")

    def layers(self) -> list[Layer]:
        """The boxes, lines and markers as one SVG path per kind (boxes by fill, lines by
        class, markers by shape and fill), in drawing order: boxes, lines, markers.

        One ``<path>`` per kind instead of an element per item keeps a page's Markdown
        small: MkDocs' Markdown pass reads every tag of a raw HTML block, and measured on
        the 11 pages with pictures, separate elements cost ~26 ms of Markdown a build
        (`benchmarks/pictures.py`)."""
        out: dict[tuple[str, str], list[str]] = {}
        for b in self.boxes:
            out.setdefault(("box", b.fill), []).append(
                f"M{_n(b.x)} {_n(b.y)}h{_n(b.w)}v{_n(b.h)}h{_n(-b.w)}z"
            )
        heads: dict[str, list[str]] = {}
        for ln in self.lines:
            out.setdefault(("line", ln.cls), []).append(
                f"M{_n(ln.x1)} {_n(ln.y1)}L{_n(ln.x2)} {_n(ln.y2)}"
            )
            if ln.arrow:
                dx = 8 if ln.x2 > ln.x1 else -8
                heads.setdefault(ln.cls, []).append(f"M{_n(ln.x2)} {_n(ln.y2)}l{-dx} -5v10z")
        for cls, paths in heads.items():
            out.setdefault(("head", cls), []).extend(paths)
        for m in self.markers:
            kind = "marker" if m.filled else "open"
            out.setdefault((kind, m.shape), []).append(_SHAPE_PATHS[m.shape](m.x, m.y))
        return [Layer(kind, name, "".join(d)) for (kind, name), d in out.items()]


@dataclass(frozen=True)
class Layer:
    """One ``<path>``: ``kind`` ``box`` (``name``: its fill), ``line`` or ``head``
    (``name``: the line's class; ``head`` an arrowhead, filled) or ``marker``/``open``
    (``name``: the shape, filled or outlined); ``d`` the path data."""

    kind: str
    name: str
    d: str


def _n(value: float) -> str:
    """A coordinate: one decimal at most, no trailing ``.0``."""
    return f"{round(value, 1):g}"


_SHAPE_PATHS: dict[str, Callable[[float, float], str]] = {
    "circle": lambda x, y: f"M{_n(x - 5.5)} {_n(y)}a5.5 5.5 0 1 0 11 0a5.5 5.5 0 1 0 -11 0z",
    "square": lambda x, y: f"M{_n(x - 5)} {_n(y - 5)}h10v10h-10z",
    "diamond": lambda x, y: f"M{_n(x)} {_n(y - 7)}l7 7l-7 7l-7 -7z",
    "triangle": lambda x, y: f"M{_n(x)} {_n(y - 7)}l6.5 12h-13z",
    "triangle-down": lambda x, y: f"M{_n(x)} {_n(y + 7)}l6.5 -12h-13z",
    "bar": lambda x, y: f"M{_n(x - 2)} {_n(y - 8)}h4v16h-4z",
}


def wrap(text: str, width: float, size: float = FONT) -> list[str]:
    """``text`` cut into lines of at most ``width`` user units (0.55 em a character,
    which errs wide: no font metrics), at spaces; a word longer than a line stays whole."""
    per_line = max(8, int(width / (size * 0.55)))
    one = " ".join(text.split())
    return textwrap.wrap(one, per_line, break_long_words=False, break_on_hyphens=False) or [""]

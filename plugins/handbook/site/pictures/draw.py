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

    def box(self, box: Box) -> None:
        self.boxes.append(box)
        self.patterns = self.patterns or box.fill in ("hatch", "dots")


def text_width(text: str, size: float = FONT) -> float:
    """An estimate of the width of ``text`` in user units (no font metrics: the site loads
    no web font, so the reader's font decides; 0.55 em a character errs wide)."""
    return len(text) * size * 0.55


def wrap(text: str, width: float, size: float = FONT) -> list[str]:
    """``text`` cut into lines of at most ``width`` user units (by `text_width`), at
    spaces; a word longer than a line stays whole."""
    per_line = max(8, int(width / (size * 0.55)))
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if len(candidate) > per_line and current:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines or [""]

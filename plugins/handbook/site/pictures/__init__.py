"""Pictures drawn from ``data/`` when the site is built (issue 14): inline SVG in the
generated Markdown, with no JavaScript, no web font and no request.

* `timing_rule` (``timing_rule.py``): a rule of kind ``timing`` and its sample records on
  one time axis (each timing rule's page);
* `change_timeline` (``timeline.py``): every timing constraint of an edition, one lane for
  a Microsoft change and one for a customer change (the change-process page);
* `editions` (``editions.py``): the editions' in-force periods, the seed pages'
  publication dates and the end of life (the editions page and the home page);
* `balance` (``balance.py``): per scope and edition, how many activities of the matrix
  are Microsoft's, shared and the customer's (the balance-of-responsibility page).

Each function returns a `Picture` (text, lines, boxes, markers in SVG user units, a title
and a description saying the same facts in words), or None when there is nothing to
draw; ``templates/pictures/<name>.svg.j2`` asks for it (``gen.pictures``) and
``templates/pictures/picture.svg.j2`` writes it; their stylesheet is
``handbook/site/assets/pictures.css`` (`handbook.site.published.PICTURES_CSS`). A site
replaces or drops a picture by putting a template of the same name in its theme's
``custom_dir``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from handbook.model.entities import Edition, Rule
from handbook.model.handbook import Handbook
from handbook.site.pictures.draw import Picture

if TYPE_CHECKING:
    from handbook.checker.samples import SampleVerdict


class Pictures:
    """The pictures of one site (``gen.pictures`` in the templates)."""

    def __init__(self, handbook: Handbook) -> None:
        self.hb = handbook

    def timing_rule(self, rule: Rule, verdicts: list[SampleVerdict]) -> Picture | None:
        from handbook.site.pictures.fields import handbook_words
        from handbook.site.pictures.timing_rule import timing_rule_picture

        return timing_rule_picture(rule, verdicts, handbook_words(self.hb))

    def change_timeline(self, edition: Edition, link: Callable[[str], str]) -> Picture | None:
        """``link``: src_uri → URL from the page (``ctx.link``), for the rules' links."""
        from handbook.site.pictures.timeline import change_timeline_picture

        return change_timeline_picture(self.hb, edition, link)

    def editions(self) -> Picture:
        from handbook.site.pictures.editions import editions_picture

        return editions_picture(self.hb)

    def balance(self) -> Picture | None:
        from handbook.site.pictures.balance import balance_picture

        return balance_picture(self.hb)


__all__ = ["Picture", "Pictures"]

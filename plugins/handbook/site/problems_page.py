"""The page ``mkdocs serve`` shows in place of every page while ``data/`` has errors.

A contributor editing a data file with the site open sees, in the page they are reading,
every problem (file:line:column, what is wrong, what would be right); the next good save
brings the real pages back (the plugin builds this page instead of failing the build, so
MkDocs' live reload reloads the browser). The problems come from untrusted files: the
template autoescapes every field.
"""

from __future__ import annotations

from collections.abc import Iterable

from handbook.model.problems import Problem, sort_problems

TEMPLATE = "problems.html.j2"


def problems_html(problems: Iterable[Problem], custom_dir: str | None = None) -> str:
    """The HTML of the error page's content (a Material ``failure`` admonition with one
    ``li.hb-problem`` a problem, sorted by file, line, column; every field escaped).
    ``custom_dir`` is the theme's folder whose ``problems.html.j2`` overrides ours."""
    from handbook.site.render import environment

    items = sort_problems(problems)
    errors = sum(1 for p in items if p.severity == "error")
    template = environment(custom_dir).get_template(TEMPLATE)
    return template.render(problems=items, errors=errors)

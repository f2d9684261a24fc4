"""The site: ``Handbook`` → Markdown pages, a nav and download files, without MkDocs.

How a page is made: `generate.generate_site` builds a `render.SiteRenderer`;
`pages.make_pages` renders each page from its template (``templates/``, or the theme's
``custom_dir`` first) and records it in the `registry.Registry` with its kind, tags,
interactive tables and data source; `render.SiteRenderer.finish` adds "Referenced by"
lists (`links.LinkGraph`) and front matter; `nav.make_nav` lays out the nav. Templates ask
`queries.Queries` (``gen``), `checker_docs.CheckerQueries` (``checker``, with the verdicts
of `results`) and the page's `render.PageContext` (``ctx``). `paths` says where pages
live, `statements` indexes the duty statements, `text` renders data text safely,
`downloads` writes the CSV/JSON files, `interactive` publishes the table assets.
``handbook/plugin.py`` adapts it to MkDocs.

To add a page: a template in ``templates/``, a ``site.page(...)`` call in `pages` (with
its kind and tags), and its place in `nav`.
"""

"""What a change to ``data/`` means, for reviewers and CI (``handbook diff``).

`handbook.review.revisions` reads the data at a git revision, `handbook.review.compare`
computes the semantic diff of two handbooks (reusing `handbook.model.diff`), and
`handbook.review.render` writes it as Markdown or JSON; `handbook.review.command` is the
``diff`` subcommand.
"""

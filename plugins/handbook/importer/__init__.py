"""``handbook import``: Microsoft Learn–style Markdown pages in, handbook data out.

A page (`page.py`, markdown-it-py) is cut into blocks; tables (`tables.py`, pipe tables
split leniently, HTML tables through `html.py`) are recognised as a kind (`kinds.py`) and
mapped to model items with provenance (`mapping.py`); cells become lines (`cells.py`).
`write.py` writes the data files in canonical form, `report.py` says what was found and
what was left, `compare.py` diffs an imported page against the committed data, and
`command.py` is the CLI.
"""

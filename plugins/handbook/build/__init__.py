"""``handbook build``: the handbook's site on more than one engine (MkDocs, ProperDocs,
Zensical). `project` reads ``mkdocs.yml``, `prebuild` writes what the plugin would hand
MkDocs into a folder any engine builds, `engines` runs the engine, `command` is the CLI."""

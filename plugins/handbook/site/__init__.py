"""The site: ``Handbook`` → Markdown pages, a nav and download files, without MkDocs (see
ARCHITECTURE.md)."""

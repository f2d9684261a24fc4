"""``handbook import``: Microsoft Learn–style Markdown pages in, handbook data out (see
ARCHITECTURE.md)."""

"""Renderers of the checker's findings, one per output format."""

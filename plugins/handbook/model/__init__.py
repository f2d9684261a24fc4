"""The typed model of ``data/``: entities, loading with positions, problems."""

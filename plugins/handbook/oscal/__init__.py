"""The responsibility model as OSCAL: catalog, profile and system security plan (see
ARCHITECTURE.md)."""

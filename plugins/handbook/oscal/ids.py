"""Stable identifiers for the OSCAL documents.

Every UUID is a UUIDv5 of `NAMESPACE` and a name made of the service's name, the edition
and the ids of the data (``"Microsoft Managed Desktop/2022/ssp/provided/
matrix-apply-security-updates/mmd-service"``), so two runs over the same data give the
same UUIDs, a renamed statement id gives a new one, and two services' documents never
share one (another service's ``2022`` plan is not a revision of MMD's).

OSCAL tokens (ids of controls, groups, parts and roles) must match OSCAL's token pattern:
a letter or ``_`` first, then letters, digits, ``.``, ``-`` or ``_``. Our ids are
kebab-case (``[a-z0-9-]``) and may start with a digit, so `token` always puts a letter
prefix in front.
"""

from __future__ import annotations

import re
import uuid

#: The namespace of every UUID of the export: uuid5(NAMESPACE_URL, "urn:x-mmd-handbook:oscal").
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:x-mmd-handbook:oscal")

#: The namespace URI of the handbook's own OSCAL properties (``party``, ``statement-id``,
#: ``edition``, ``source``, ``document``, ``part-id``).
PROP_NS = "urn:x-mmd-handbook:oscal"

_TOKEN = re.compile(r"^[A-Za-z_][A-Za-z0-9._-]*$")


def stable_uuid(service: str, *parts: str) -> str:
    """UUIDv5 of `NAMESPACE` and ``service`` (the service's name) and ``parts`` joined by
    ``/``, as a lowercase string."""
    return str(uuid.uuid5(NAMESPACE, "/".join([service, *parts])))


def token(prefix: str, *ids: str) -> str:
    """``prefix-id1.id2`` as an OSCAL token; `ValueError` when it would not be one (an id
    with characters outside ``[A-Za-z0-9._-]``; the loader only lets kebab-case through)."""
    value = "-".join([prefix, ids[0]]) if ids else prefix
    if len(ids) > 1:
        value += "." + ".".join(ids[1:])
    if not _TOKEN.match(value):
        raise ValueError(f"'{value}' is not an OSCAL token (letters, digits, '.', '-', '_')")
    return value

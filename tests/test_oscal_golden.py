"""Golden files of the OSCAL export of a small fixture handbook (two editions, every area,
a shared matrix cell, nested items, an id starting with a digit, hostile text).

The fixture is built here from literals, so a change to ``data/`` never touches these
files. After an intended change of the output, regenerate them with
``UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_oscal_golden.py`` and review the diff.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest

from handbook.model import entities as e
from handbook.model.handbook import Handbook
from handbook.model.loader import load_handbook

from .conftest import DATA

pytest.importorskip("trestle", reason="needs compliance-trestle (pip install .[oscal])")

from handbook.oscal.command import oscal_files

GOLDEN = Path(__file__).parent / "golden" / "oscal"


def _source(doc: str, section: str) -> dict[str, str]:
    return {"doc": doc, "section": section}


def fixture_handbook() -> Handbook:
    """A small handbook: 2020 (a role of each party) and 2021 (matrix, process, an SOP)."""
    real, _ = load_handbook(DATA)  # only for the parts the export does not read
    assert real is not None
    docs = [
        e.Document.model_validate(
            {
                "id": "100",
                "file": "100.txt",
                "title": "Roles",
                "ms_date": "2020-01-15",
                "author": "a",
                "edition": "2020",
                "learn_path": "overview/roles.md",
            }
        ),
        e.Document.model_validate(
            {
                "id": "101",
                "file": "101.txt",
                "title": "Change management",
                "ms_date": "2021-06-30",
                "author": "b",
                "edition": "2021",
                "learn_path": "overview/change-management.md",
            }
        ),
    ]
    editions = [
        e.Edition.model_validate(
            {
                "id": "2020",
                "title": "2020 edition",
                "description": "The roles.",
                "in_force_from": "2020-01-15",
                "in_force_until": "2021-06-29",
                "documents": ["100"],
            }
        ),
        e.Edition.model_validate(
            {
                "id": "2021",
                "title": "2021 edition",
                "description": "Change management.",
                "in_force_from": "2021-06-30",
                "documents": ["101"],
            }
        ),
    ]
    cm = _source("101", "Change management")
    matrix = [
        e.MatrixRow.model_validate(
            {
                "id": "patch-devices",
                "responsibility": "Patch devices",
                "cells": {"service": "microsoft", "apps": "both"},
                "source": cm,
            }
        ),
        e.MatrixRow.model_validate(
            {
                "id": "3rd-party-apps",
                "responsibility": "Package <b>3rd-party</b> apps",
                "cells": {"service": "customer", "apps": "customer"},
                "source": cm,
            }
        ),
    ]

    def duty(phase: str, party: str, sid: str, text: str) -> e.ProcessDuty:
        return e.ProcessDuty.model_validate(
            {
                "edition": "2021",
                "phase": phase,
                "party": party,
                "statement": {"id": sid, "text": text},
                "source": cm,
            }
        )

    process = [
        duty("before", "microsoft", "notify", "Notify 5 days ahead; see [types](#change-types)."),
        duty("before", "customer", "approve", "Approve, *when* required."),
        duty("during", "microsoft", "deploy", "Deploy the change."),
        duty("during", "microsoft", "monitor", "Monitor [support](https://example.com/s)."),
        duty("during", "customer", "act", "Take the action requested."),
    ]
    sops = [
        e.SopCategory.model_validate(
            {
                "id": "network",
                "edition": "2021",
                "name": "Network",
                "microsoft": [{"id": "network-advise", "text": "Advise on network changes."}],
                "customer": [
                    {"id": "network-request", "text": "Open a support request."},
                    {
                        "id": "network-only",
                        "text": "Only change the network once Microsoft agreed:",
                        "items": [{"id": "network-only-proxy", "text": "proxy settings"}],
                    },
                ],
                "source": _source("101", "Standard operating procedures"),
            }
        )
    ]
    roles = [
        e.Role.model_validate(
            {
                "id": "account-manager",
                "party": "microsoft",
                "name": "Account Manager",
                "description": [{"id": "am-contact", "text": "A single point of contact."}],
                "source": _source("100", "Microsoft's roles"),
            }
        ),
        e.Role.model_validate(
            {
                "id": "identity",
                "party": "customer",
                "name": "Identity",
                "description": [
                    {
                        "id": "identity-manage",
                        "text": "Manage identities:",
                        "items": [{"id": "identity-manage-mfa", "text": "multi-factor sign-in"}],
                    }
                ],
                "source": _source("100", "Your roles"),
            }
        ),
    ]
    service = e.Service.model_validate(
        {
            "name": "Example Managed Desktop",
            "abbreviation": "EMD",
            "end_of_life": "2024-07-31",
            "end_of_life_notice": "Ends.",
            "source": cm,
        }
    )
    scopes = [
        e.Scope.model_validate({"id": "service", "name": "The service"}),
        e.Scope.model_validate({"id": "apps", "name": "Apps"}),
    ]
    return dataclasses.replace(
        real,
        service=service,
        documents=docs,
        editions=editions,
        scopes=scopes,
        matrix=matrix,
        process=process,
        sop_categories=sops,
        roles=roles,
    )


CASES: list[tuple[str, str]] = [("2020", "json"), ("2021", "json"), ("2021", "yaml")]


@pytest.mark.parametrize(("edition", "fmt"), CASES)
def test_golden(edition: str, fmt: str) -> None:
    files = oscal_files(fixture_handbook(), edition, fmt)
    folder = GOLDEN / edition
    if os.environ.get("UPDATE_GOLDEN"):
        folder.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            (folder / name).write_bytes(content)
    for name, content in files.items():
        assert content == (folder / name).read_bytes(), f"{folder / name} differs"


def test_fixture_pairs_and_roles() -> None:
    import json

    ssp: Any = json.loads(oscal_files(fixture_handbook(), "2021")["ssp.json"])
    reqs = {
        r["control-id"]: r["by-components"][0]["export"]
        for r in ssp["system-security-plan"]["control-implementation"]["implemented-requirements"]
    }
    # a shared matrix cell: the customer's part answers Microsoft's for the same scope
    shared = reqs["matrix-patch-devices"]
    provided = {p["uuid"] for p in shared["provided"]}
    assert [r.get("provided-uuid") in provided for r in shared["responsibilities"]] == [True]
    # one Microsoft duty in the category: both customer duties answer it
    sop = reqs["sop-network"]
    assert all(r["provided-uuid"] == sop["provided"][0]["uuid"] for r in sop["responsibilities"])
    # two Microsoft duties in the phase: the seeds do not say which one; nothing is linked
    assert all("provided-uuid" not in r for r in reqs["process-during"]["responsibilities"])
    assert "responsibilities" in reqs["matrix-3rd-party-apps"]
    assert "provided" not in reqs["matrix-3rd-party-apps"]


def test_an_edition_with_no_activity_is_not_exported() -> None:
    """OSCAL's SSP needs an implemented requirement: an edition that has only change types
    is refused by name (it once raised trestle's ValidationError, a traceback in a
    build), and the site's downloads list the other editions."""
    from handbook.oscal.command import EmptyEdition
    from handbook.site.downloads import oscal_downloads

    hb = fixture_handbook()
    empty = hb.editions[1].model_copy(
        update={
            "id": "2022",
            "title": "2022 edition",
            "in_force_from": dt.date(2022, 1, 1),
            "documents": ["102"],
        }
    )
    doc = hb.documents[1].model_copy(update={"id": "102", "edition": "2022"})
    earlier = hb.editions[1].model_copy(update={"in_force_until": dt.date(2021, 12, 31)})
    hb = dataclasses.replace(
        hb, editions=[hb.editions[0], earlier, empty], documents=[*hb.documents, doc]
    )
    with pytest.raises(EmptyEdition, match="edition 2022 has nothing to export"):
        oscal_files(hb, "2022")
    downloads = oscal_downloads(hb)
    assert downloads.editions == ["2021", "2020"]
    assert not any(path.startswith("downloads/oscal/2022/") for path in downloads.files)

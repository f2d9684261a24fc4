"""``handbook export oscal``: the documents parse back with compliance-trestle's models,
their references resolve, UUIDs are stable, and the real CLI writes whole or nothing.

Skipped (with the reason) when compliance-trestle, the ``oscal`` extra, is not installed;
``test_oscal_optional.py`` tests the message for that case.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from handbook.model.loader import load_handbook

from .conftest import BIN, DATA, edit, run

trestle = pytest.importorskip("trestle", reason="needs compliance-trestle (pip install .[oscal])")

from trestle.oscal.catalog import Catalog  # noqa: E402
from trestle.oscal.profile import Profile  # noqa: E402
from trestle.oscal.ssp import SystemSecurityPlan  # noqa: E402

from handbook.oscal.command import oscal_files  # noqa: E402

HANDBOOK = str(BIN / "handbook")


def _docs(files: dict[str, bytes]) -> dict[str, dict[str, Any]]:
    return {name.split(".")[0]: json.loads(content) for name, content in files.items()}


@pytest.fixture(scope="module")
def exports() -> dict[str, dict[str, dict[str, Any]]]:
    """Edition id → document (catalog, profile, ssp) → parsed JSON, for every edition."""
    handbook, _ = load_handbook(DATA)
    assert handbook is not None
    return {ed.id: _docs(oscal_files(handbook, ed.id)) for ed in handbook.editions}


def _walk(node: Any, key: str) -> list[Any]:
    """Every value of ``key`` anywhere under ``node``."""
    found = []
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key:
                found.append(v)
            found += _walk(v, key)
    elif isinstance(node, list):
        for v in node:
            found += _walk(v, key)
    return found


def _ids(catalog: dict[str, Any]) -> tuple[set[str], set[str]]:
    """(control ids, part ids) of a catalog."""
    controls = {c["id"] for g in catalog["catalog"]["groups"] for c in g["controls"]}
    parts = set(_walk(catalog["catalog"]["groups"], "id")) - controls
    return controls, parts


@pytest.mark.parametrize("edition", ["2018", "2022"])
def test_documents_parse_back_with_trestle(exports: Any, edition: str) -> None:
    docs = exports[edition]
    Catalog.model_validate(docs["catalog"]["catalog"])
    Profile.model_validate(docs["profile"]["profile"])
    SystemSecurityPlan.model_validate(docs["ssp"]["system-security-plan"])
    assert docs["profile"]["profile"]["imports"][0]["href"] == "catalog.json"
    assert docs["ssp"]["system-security-plan"]["import-profile"]["href"] == "profile.json"


@pytest.mark.parametrize("edition", ["2018", "2022"])
def test_references_resolve(exports: Any, edition: str) -> None:
    ssp = exports[edition]["ssp"]["system-security-plan"]
    controls, parts = _ids(exports[edition]["catalog"])
    requirements = ssp["control-implementation"]["implemented-requirements"]
    assert {r["control-id"] for r in requirements} <= controls
    components = {c["uuid"] for c in ssp["system-implementation"]["components"]}
    roles = {r["id"] for r in ssp["metadata"]["roles"]}
    linked = 0
    for requirement in requirements:
        for by in requirement["by-components"]:
            assert by["component-uuid"] in components
            export = by["export"]
            provided = {p["uuid"] for p in export.get("provided", [])}
            for item in [*export.get("provided", []), *export.get("responsibilities", [])]:
                assert {p["value"] for p in item["props"] if p["name"] == "part-id"} <= parts
            for responsibility in export.get("responsibilities", []):
                if "provided-uuid" in responsibility:
                    assert responsibility["provided-uuid"] in provided
                    linked += 1
    assert set(_walk(ssp, "role-id")) <= roles
    for user in ssp["system-implementation"]["users"]:
        assert set(user["role-ids"]) <= roles
    if edition == "2022":
        assert linked > 0  # shared matrix cells and one-Microsoft-duty SOP categories
    every_uuid = _walk(ssp, "uuid")
    assert len(every_uuid) == len(set(every_uuid))


@pytest.mark.parametrize("edition", ["2018", "2022"])
def test_every_responsible_role_names_its_party(exports: Any, edition: str) -> None:
    """A responsible role says which organization of ``metadata.parties`` plays it
    (``party-uuids``), so a responsibility matrix built from the plan can say who:
    Microsoft for what is provided, the customer for the responsibilities."""
    ssp = exports[edition]["ssp"]["system-security-plan"]
    parties = {p["name"]: p["uuid"] for p in ssp["metadata"]["parties"]}
    assert set(parties) == {"Microsoft", "Customer"}  # data/parties.yaml's names
    by_kind = {"provided": parties["Microsoft"], "responsibilities": parties["Customer"]}
    for requirement in ssp["control-implementation"]["implemented-requirements"]:
        for by in requirement["by-components"]:
            for kind, party in by_kind.items():
                for item in by["export"].get(kind, []):
                    for role in item["responsible-roles"]:
                        assert role["party-uuids"] == [party], (requirement["control-id"], role)
    provider = ssp["system-implementation"]["components"][1]
    assert provider["responsible-roles"] == [
        {"role-id": "microsoft", "party-uuids": [parties["Microsoft"]]}
    ]


@pytest.mark.parametrize("edition", ["2018", "2022"])
def test_the_catalog_cites_the_seed_pages_in_its_back_matter(exports: Any, edition: str) -> None:
    """One back-matter resource per seed document of the edition (its title and Microsoft
    Learn page), and every control links to the resource of the page it comes from, as
    NIST's catalogs cite their sources (``rel: reference``, ``href: #<uuid>``)."""
    handbook, _ = load_handbook(DATA)
    assert handbook is not None
    catalog = exports[edition]["catalog"]["catalog"]
    resources = {r["uuid"]: r for r in catalog["back-matter"]["resources"]}
    documents = handbook.edition(edition).documents
    assert sorted(r["title"] for r in resources.values()) == sorted(
        handbook.document(d).title for d in documents
    )
    urls = {link["href"] for r in resources.values() for link in r["rlinks"]}
    base = "https://learn.microsoft.com/en-us/microsoft-365/managed-desktop/"
    assert urls == {
        base + handbook.document(d).learn_path.removesuffix(".md").removesuffix("index")
        for d in documents
    }
    for group in catalog["groups"]:
        for control in group["controls"]:
            [link] = control["links"]
            assert link["rel"] == "reference" and link["href"][1:] in resources, control["id"]
            source = next(p["value"] for p in control["props"] if p["name"] == "source")
            assert source.startswith(resources[link["href"][1:]]["props"][0]["value"] + " ")


def test_roles_of_roles_yaml_are_responsible_for_their_duties(exports: Any) -> None:
    ssp = exports["2018"]["ssp"]["system-security-plan"]
    roles = {r["id"] for r in ssp["metadata"]["roles"]}
    assert {"microsoft", "customer", "microsoft-account-manager"} <= roles
    requirement = next(
        r
        for r in ssp["control-implementation"]["implemented-requirements"]
        if r["control-id"] == "role-microsoft-account-manager"
    )
    provided = requirement["by-components"][0]["export"]["provided"]
    assert [r["role-id"] for r in provided[0]["responsible-roles"]] == ["microsoft-account-manager"]


def test_every_statement_of_the_edition_is_a_part(exports: Any) -> None:
    handbook, _ = load_handbook(DATA)
    assert handbook is not None
    _, parts = _ids(exports["2022"]["catalog"])
    for duty in handbook.process_of("2022"):
        assert f"process-{duty.phase}_smt.{duty.statement.id}" in parts
    for category in handbook.sop_categories_of("2022"):
        for statement in [*category.microsoft, *category.customer]:
            assert f"sop-{category.id}_smt.{statement.id}" in parts
    for row in handbook.matrix:
        assert f"matrix-{row.id}_smt.mmd-service" in parts


@pytest.mark.parametrize("edition", ["2018", "2022"])
def test_a_service_past_its_end_of_life_is_in_disposition(exports: Any, edition: str) -> None:
    """OSCAL's status ``disposition`` is "no longer operational"; MMD ended on 2024-07-31
    (``data/editions.yaml``), so neither the system nor its components are
    ``operational`` (a service without an end of life: test_another_service.py)."""
    ssp = exports[edition]["ssp"]["system-security-plan"]
    status = ssp["system-characteristics"]["status"]
    assert status == {
        "state": "disposition",
        "remarks": "The service reached its end of life on 2024-07-31.",
    }
    for component in ssp["system-implementation"]["components"]:
        assert component["status"]["state"] == "disposition", component["title"]


def test_a_plan_that_speaks_of_the_end_of_life_is_not_dated_before_it(exports: Any) -> None:
    """The 2018 plan says the service reached its end of life, which seed 004 (ms.date
    2023-03-10) states; its last-modified is not the 2018 pages' date, as if nothing
    had been added since. The 2018 catalog and profile say nothing of it."""
    docs = exports["2018"]
    ssp_meta = docs["ssp"]["system-security-plan"]["metadata"]
    assert ssp_meta["last-modified"].startswith("2023-03-10T00:00:00")
    assert "end of life" in json.dumps(docs["ssp"])
    for name in ("catalog", "profile"):
        assert docs[name][name]["metadata"]["last-modified"].startswith("2018-09-24T00:00:00")
        assert "end of life" not in json.dumps(docs[name])


def test_last_modified_comes_from_the_data(exports: Any, data_copy: Path, tmp_path: Path) -> None:
    meta = exports["2022"]["ssp"]["system-security-plan"]["metadata"]
    assert meta["last-modified"].startswith("2023-03-10T00:00:00")
    assert exports["2018"]["catalog"]["catalog"]["metadata"]["last-modified"].startswith(
        "2018-09-24T00:00:00"
    )
    edit(data_copy / "editions.yaml", "ms_date: 2023-03-10", "ms_date: 2023-04-01")
    handbook, _ = load_handbook(data_copy)
    assert handbook is not None
    docs = _docs(oscal_files(handbook))
    assert docs["ssp"]["system-security-plan"]["metadata"]["last-modified"].startswith(
        "2023-04-01T00:00:00"
    )


def test_two_services_never_share_a_uuid(exports: Any, data_copy: Path) -> None:
    """Another service with the same edition and data ids (a copy of MMD's data under
    another name) gets UUIDs of its own: a GRC tool would take a shared UUID for a
    revision of MMD's plan, its parties for MMD's."""
    edit(
        data_copy / "editions.yaml", "  name: Microsoft Managed Desktop\n", "  name: Contoso Desk\n"
    )
    handbook, problems = load_handbook(data_copy)
    assert handbook is not None, problems
    theirs = _docs(oscal_files(handbook, "2022"))
    ours = exports["2022"]
    for name in ("catalog", "profile", "ssp"):
        mine, other = set(_walk(ours[name], "uuid")), set(_walk(theirs[name], "uuid"))
        assert mine and other and not mine & other, name
    ids = [
        d["ssp"]["system-security-plan"]["system-characteristics"]["system-ids"]
        for d in (ours, theirs)
    ]
    assert ids[0] != ids[1]


def test_ids_are_oscal_tokens_and_text_is_escaped(data_copy: Path) -> None:
    edit(
        data_copy / "responsibility-matrix.csv",
        "provide-new-functionality,Provide new functionality",
        "1-provide-new-functionality,Provide <script>alert(1)</script> functionality",
    )
    handbook, problems = load_handbook(data_copy)
    assert handbook is not None, problems
    files = oscal_files(handbook, "2022")
    catalog = Catalog.model_validate(json.loads(files["catalog.json"])["catalog"])
    assert catalog.groups is not None
    control = catalog.groups[0].controls[0]  # type: ignore[union-attr]
    assert control.id == "matrix-1-provide-new-functionality"
    assert "<script>" not in files["catalog.json"].decode()
    assert "\\\\<script\\\\>" in files["catalog.json"].decode()


def test_names_from_the_data_are_escaped_in_markup(data_copy: Path) -> None:
    """The service's, a party's and a document's names reach titles, descriptions and
    remarks (OSCAL markup: Markdown, raw HTML passes through a renderer) escaped like
    every other data text; plain string fields (a party's name, system-name, prop
    values) keep them as written."""
    edit(data_copy / "editions.yaml", "  name: Microsoft Managed Desktop\n", '  name: "A <b>"\n')
    edit(data_copy / "parties.yaml", "name: Customer", 'name: "C <i>"')
    edit(data_copy / "editions.yaml", "title: Change management", 'title: "Change <x>"')
    handbook, problems = load_handbook(data_copy)
    assert handbook is not None, problems
    markup = {"title", "description", "remarks", "prose", "text"}
    for edition in ("2018", "2022"):
        for name, doc in _docs(oscal_files(handbook, edition)).items():
            for key in markup:
                for value in _walk(doc, key):
                    if isinstance(value, str):
                        assert not re.search(r"(?<!\\)<", value), (edition, name, key, value)
            ssp = doc.get("system-security-plan")
            if ssp:
                assert ssp["system-characteristics"]["system-name"] == "A <b>"
                assert "C <i>" in [p["name"] for p in ssp["metadata"]["parties"]]


def _export(out: Path, *extra: str, data: Path = DATA) -> Any:
    return run([HANDBOOK, "export", "oscal", "--data", str(data), "--out", str(out), *extra])


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_cli_two_runs_are_byte_identical_and_parse_back(tmp_path: Path, fmt: str) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        result = _export(out, "--format", fmt)
        assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in first.iterdir())
    assert names == [f"catalog.{fmt}", f"profile.{fmt}", f"ssp.{fmt}"]
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes()
    assert Catalog.oscal_read(first / f"catalog.{fmt}") is not None
    assert Profile.oscal_read(first / f"profile.{fmt}") is not None
    ssp = SystemSecurityPlan.oscal_read(first / f"ssp.{fmt}")
    assert ssp is not None and ssp.metadata.version == "2022"


def test_cli_edition_and_usage_errors(tmp_path: Path) -> None:
    out = tmp_path / "oscal"
    assert _export(out, "--edition", "2018").returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (out / "stale.txt").write_text("old", encoding="utf-8")
    result = _export(out, "--edition", "1999")
    assert result.returncode == 2
    assert "--edition 1999: no such edition" in result.stderr and "2018, 2022" in result.stderr
    assert (out / "stale.txt").exists()  # a failed run leaves the folder as it was
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.suffix == ".json"} == before
    assert _export(out).returncode == 0
    assert not (out / "stale.txt").exists()  # the folder is replaced as a whole
    result = run(  # --out holding the data is refused
        [HANDBOOK, "export", "oscal", "--data", str(DATA), "--out", str(DATA.parent)]
    )
    assert result.returncode == 2 and "contains the data folder" in result.stderr
    result = run([HANDBOOK, "export", "oscal"])
    assert result.returncode == 2 and "--out" in result.stderr


def test_statements_without_ids_get_distinct_parts(data_copy: Path) -> None:
    path = data_copy / "sop-categories.yaml"
    edit(path, "- id: network-advise-and-plan-with-customers-to\n      text:", "- text:")
    edit(
        path,
        "- id: network-create-a-support-request-requesting-information\n      text:",
        "- text:",
    )
    handbook, problems = load_handbook(data_copy)
    assert handbook is not None, problems
    docs = _docs(oscal_files(handbook, "2022"))
    SystemSecurityPlan.model_validate(docs["ssp"]["system-security-plan"])
    _, parts = _ids(docs["catalog"])
    assert {"sop-network_smt.microsoft-1", "sop-network_smt.customer-1"} <= parts


def test_trestle_resolves_the_profile_and_validates_the_ssp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """trestle's own checks: the profile resolves to the catalog's controls (hrefs are
    relative, read from the working directory), and ``trestle validate``'s ``all`` mode
    (duplicates, references, links, parameters against the resolved profile) passes."""
    import argparse

    import trestle.common.const as const
    import trestle.core.validator_factory as factory
    from trestle.core.profile_resolver import ProfileResolver

    root = tmp_path / "workspace"
    (root / ".trestle").mkdir(parents=True)
    assert _export(root / "oscal").returncode == 0
    folder = root / "oscal"
    monkeypatch.chdir(folder)
    resolved = ProfileResolver().get_resolved_profile_catalog(root, "profile.json")
    catalog = Catalog.oscal_read(folder / "catalog.json")
    assert catalog is not None and catalog.groups is not None and resolved.groups is not None
    ours = [c.id for g in catalog.groups for c in g.controls or []]  # type: ignore[union-attr]
    theirs = [c.id for g in resolved.groups for c in g.controls or []]  # type: ignore[union-attr]
    assert sorted(theirs) == sorted(ours)  # trestle sorts the controls of a group
    validator = factory.validator_factory.get(argparse.Namespace(mode=const.VAL_MODE_ALL))
    for model, name in ((Catalog, "catalog"), (Profile, "profile"), (SystemSecurityPlan, "ssp")):
        document = model.oscal_read(folder / f"{name}.json")
        assert validator.model_is_valid(document, True, root), name

"""The JSON Schemas under ``schemas/``: generated from the model, current, draft-07, and
they accept the committed data and reject a misspelt key."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator

from handbook.model.schemas import KINDS, json_schemas, kind_of, modeline, schema_text

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SCHEMAS = ROOT / "schemas"


def _plain(value: Any) -> Any:
    """YAML as an editor's YAML 1.2 parser sees it: dates stay strings."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _data_files() -> list[tuple[str, str]]:
    out = []
    for path in sorted(DATA.rglob("*.yaml")):
        relative = path.relative_to(DATA).as_posix()
        kind = kind_of(relative)
        if kind is not None:
            out.append((relative, kind))
    return out


def _validator(kind: str) -> Draft7Validator:
    schema = json.loads((SCHEMAS / f"{kind}.schema.json").read_text(encoding="utf-8"))
    return Draft7Validator(schema)


def test_committed_schemas_match_the_model() -> None:
    for kind, schema in json_schemas().items():
        committed = SCHEMAS / f"{kind}.schema.json"
        assert committed.is_file(), f"{committed} missing: run `handbook schemas`"
        assert committed.read_text(encoding="utf-8") == schema_text(schema), (
            f"{committed} is stale: run `handbook schemas --out schemas`"
        )
    assert sorted(p.name for p in SCHEMAS.glob("*.schema.json")) == sorted(
        f"{k}.schema.json" for k in KINDS
    )


def test_schemas_command_writes_and_checks(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    (data / "datapackage.json").unlink()
    out = tmp_path / "schemas"
    cmd = [sys.executable, "-m", "handbook.cli", "schemas", "--out", str(out), "--data", str(data)]
    stale = subprocess.run([*cmd, "--check"], capture_output=True, text=True, check=False)
    assert stale.returncode == 1
    assert f"{data / 'datapackage.json'}: differs" in stale.stdout
    assert f"{out / 'rules.schema.json'}: differs" in stale.stdout
    assert subprocess.run(cmd, capture_output=True, check=False).returncode == 0
    assert (data / "datapackage.json").read_bytes() == (DATA / "datapackage.json").read_bytes()
    for kind in KINDS:
        name = f"{kind}.schema.json"
        assert (out / name).read_bytes() == (SCHEMAS / name).read_bytes()
    ok = subprocess.run([*cmd, "--check"], capture_output=True, text=True, check=False)
    assert (ok.returncode, ok.stdout) == (0, "")
    (out / "rules.schema.json").write_text("{}\n", encoding="utf-8")
    stale = subprocess.run([*cmd, "--check"], capture_output=True, text=True, check=False)
    assert stale.returncode == 1
    assert (
        stale.stdout == f"{out / 'rules.schema.json'}: differs from the model and data "
        "(run: handbook schemas)\n"
    )


@pytest.mark.parametrize("kind", list(KINDS))
def test_schema_is_draft_07(kind: str) -> None:
    schema = json.loads((SCHEMAS / f"{kind}.schema.json").read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    text = json.dumps(schema)
    assert "$defs" not in text and '"at"' not in text and "Loc" not in schema.get("definitions", {})


def test_every_yaml_data_file_has_a_schema_kind() -> None:
    kinds = {kind for _, kind in _data_files()}
    assert kinds == set(KINDS), f"kinds without a file in data/: {set(KINDS) - kinds}"


@pytest.mark.parametrize(("relative", "kind"), _data_files())
def test_schema_accepts_the_committed_data(relative: str, kind: str) -> None:
    value = _plain(yaml.safe_load((DATA / relative).read_text(encoding="utf-8")))
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in _validator(kind).iter_errors(value)
    ]
    assert errors == []


@pytest.mark.parametrize(("relative", "kind"), _data_files())
def test_schema_rejects_a_misspelt_key(relative: str, kind: str) -> None:
    value = _plain(yaml.safe_load((DATA / relative).read_text(encoding="utf-8")))
    item = value[0] if isinstance(value, list) else value
    key = next(iter(item))
    item[key + "x"] = item.pop(key)  # e.g. "idx" for "id"
    messages = [e.message for e in _validator(kind).iter_errors(value)]
    assert messages, f"{relative}: a misspelt key {key + 'x'!r} was accepted"


def test_a_statement_may_be_a_plain_string_but_not_empty() -> None:
    validator = _validator("roles")
    role = {
        "id": "r",
        "party": "customer",
        "name": "R",
        "description": ["plain text", {"text": "object", "items": ["nested"]}],
        "source": {"doc": "003", "section": "S"},
    }
    assert list(validator.iter_errors([role])) == []
    role["description"] = [""]
    assert list(validator.iter_errors([role]))
    role["description"] = [{"txt": "misspelt"}]
    assert list(validator.iter_errors([role]))


def test_modeline_paths_are_relative_to_the_file() -> None:
    assert modeline("rules.yaml") == "# yaml-language-server: $schema=../schemas/rules.schema.json"
    assert modeline("samples/samples.yaml") == (
        "# yaml-language-server: $schema=../../schemas/samples.schema.json"
    )
    assert modeline("mappings/servicenow.yaml") == (
        "# yaml-language-server: $schema=../../schemas/mapping.schema.json"
    )
    assert modeline("samples/mmd001-advance-notice.yaml") is None


@pytest.mark.parametrize(("relative", "kind"), _data_files())
def test_yaml_data_file_names_its_schema(relative: str, kind: str) -> None:
    """yaml-language-server reads the modeline; the path is relative to the file. The
    --map sample keeps its first line (tests/test_checker_mapping.py reads it) and is
    associated by .vscode/settings.json only."""
    first = (DATA / relative).read_text(encoding="utf-8").splitlines()[0]
    if kind == "mapping":
        assert not first.startswith("# yaml-language-server")
        return
    assert first == modeline(relative)
    target = (DATA / relative).parent / first.split("$schema=", 1)[1]
    assert target.resolve() == (SCHEMAS / f"{kind}.schema.json").resolve()


def test_vscode_associates_every_schema() -> None:
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    associations = settings["yaml.schemas"]
    assert sorted(associations) == sorted(f"./schemas/{k}.schema.json" for k in KINDS)
    for schema, pattern in associations.items():
        kind = schema.removeprefix("./schemas/").removesuffix(".schema.json")
        files = [r for r, k in _data_files() if k == kind]
        assert files and all(Path("data", r).match(pattern) for r in files), (
            f"{pattern} does not match {files}"
        )


def test_mapping_schema_knows_the_record_fields() -> None:
    validator = _validator("mapping")
    mapping = {"name": "m", "fields": {"id": "number", "starts_at": {"column": "start"}}}
    assert list(validator.iter_errors(mapping)) == []
    mapping["fields"]["start_at"] = "start"
    [error] = validator.iter_errors(mapping)
    assert "start_at" in error.message and list(error.absolute_path) == ["fields"]


def test_the_site_publishes_the_schemas(built_site: Path) -> None:
    """The committed schemas are served at /schemas/<kind>.schema.json."""
    committed = sorted((ROOT / "schemas").glob("*.schema.json"))
    assert committed
    for path in committed:
        published = built_site / "schemas" / path.name
        assert published.read_bytes() == path.read_bytes(), path.name


@pytest.mark.parametrize("written", ["5D", "5 days", "PT-5H", "P5H", "PT5D", "P", "PT"])
def test_the_schema_underlines_a_duration_that_is_not_iso_8601(written: str) -> None:
    # editors do not check the 'duration' format: the pattern is what underlines '5D'
    rules = _plain(yaml.safe_load((DATA / "rules.yaml").read_text(encoding="utf-8")))
    rules[0]["constraints"][0]["at_least"] = written
    assert list(_validator("rules").iter_errors(rules)), written
    for good in ("P5D", "PT48H", "P1DT12H", "P2W", "PT0S", "-P1D", "PT1.5H"):
        rules[0]["constraints"][0]["at_least"] = good
        assert list(_validator("rules").iter_errors(rules)) == [], good


@pytest.mark.parametrize("written", ["P5H", "PT5D", "P1DT", "P1D2H"])
def test_the_model_refuses_what_the_schema_refuses(written: str) -> None:
    from pydantic import TypeAdapter, ValidationError

    from handbook.model.durations import IsoDuration

    with pytest.raises(ValidationError, match="is not an ISO 8601 duration such as P5D"):
        TypeAdapter(IsoDuration).validate_python(written)


@pytest.mark.parametrize(
    ("key", "written"),
    [("in_force_from", "06/12/2022"), ("in_force_until", "5 Dec 2022"), ("ms_date", "20221206")],
)
def test_the_schema_underlines_a_date_that_is_not_yyyy_mm_dd(key: str, written: str) -> None:
    # editors do not check the 'date' format: '06/12/2022' was accepted by the schema and
    # refused by handbook validate ("is not a date written YYYY-MM-DD")
    editions = _plain(yaml.safe_load((DATA / "editions.yaml").read_text(encoding="utf-8")))
    entry = editions["documents"][0] if key == "ms_date" else editions["editions"][0]
    entry[key] = written
    assert list(_validator("editions").iter_errors(editions)), written
    entry[key] = "2022-12-06"
    assert list(_validator("editions").iter_errors(editions)) == []


def _first(kind: str, relative: str) -> tuple[Any, dict[str, Any]]:
    value = _plain(yaml.safe_load((DATA / relative).read_text(encoding="utf-8")))
    return value, value[0]


@pytest.mark.parametrize(
    ("kind", "relative", "change"),
    [
        # handbook validate refuses each (an unknown time field, party or spelling); the
        # schema accepted any text, so the editor underlined none
        ("rules", "rules.yaml", lambda r: r["constraints"][0].update(earlier="notifed_at")),
        ("rules", "rules.yaml", lambda r: r.update(requires=["notified"])),
        ("rules", "rules.yaml", lambda r: r["applies_to"].update(initiator="Microsoft")),
        ("roles", "roles.yaml", lambda r: r.update(party="custmer")),
        ("parties", "parties.yaml", lambda r: r.update(id="vendor")),
        ("glossary", "glossary.yaml", lambda r: r.update(match=["[MMD]"])),
        ("glossary", "glossary.yaml", lambda r: r.update(match=["MMD <b>"])),
        ("glossary", "glossary.yaml", lambda r: r.update(match=[" "])),
    ],
)
def test_the_schema_underlines_a_fixed_id_or_spelling_validate_refuses(
    kind: str, relative: str, change: Any
) -> None:
    value, first = _first(kind, relative)
    assert list(_validator(kind).iter_errors(value)) == []
    change(first)
    assert list(_validator(kind).iter_errors(value)), (kind, first)


@pytest.mark.parametrize(
    ("kind", "relative", "change"),
    [
        # handbook validate says each does not exist (did you mean ...?); the schema knew
        # the form of the id and accepted any text
        ("change-types", "change-types.yaml", lambda t: t.update(channels=["Email"])),
        ("change-types", "change-types.yaml", lambda t: t.update(edition="2022 edition")),
        ("rules", "rules.yaml", lambda r: r.update(editions=["2022", "2O22!"])),
        ("rules", "rules.yaml", lambda r: r["sources"][0].update(doc="5")),
        ("rules", "rules.yaml", lambda r: r["applies_to"].update(change_type=["Security"])),
        ("actions", "actions.yaml", lambda a: a.update(category="Service accounts")),
        ("errata", "errata.yaml", lambda e: e.update(doc="0")),
        ("editions", "editions.yaml", lambda e: e["editions"][0].update(documents=["3"])),
    ],
)
def test_the_schema_underlines_a_reference_that_is_not_an_id(
    kind: str, relative: str, change: Any
) -> None:
    value = _plain(yaml.safe_load((DATA / relative).read_text(encoding="utf-8")))
    assert list(_validator(kind).iter_errors(value)) == []
    change(value if kind == "editions" else value[0])
    assert list(_validator(kind).iter_errors(value)), kind

"""data/datapackage.json: generated from the model and data, current, and Frictionless
validates the CSV files with it (and rejects a broken one)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from handbook.model.datapackage import data_package, package_text
from handbook.model.loader import load_handbook

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
FRICTIONLESS = Path(sys.executable).parent / "frictionless"


def test_committed_data_package_is_current() -> None:
    handbook, problems = load_handbook(DATA)
    assert handbook is not None, problems
    assert (DATA / "datapackage.json").read_text(encoding="utf-8") == package_text(
        data_package(handbook)
    ), "data/datapackage.json is stale: run `handbook schemas`"


def _frictionless(package: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(FRICTIONLESS), "validate", "--json", str(package)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_frictionless_validates_the_committed_data() -> None:
    run = _frictionless(DATA / "datapackage.json")
    report = json.loads(run.stdout)
    assert run.returncode == 0 and report["valid"], run.stdout[:4000]
    tasks = {t["name"]: t for t in report["tasks"]}
    assert set(tasks) == {"responsibility-matrix", "change-process"}
    assert all(t["stats"]["rows"] > 0 for t in tasks.values())


def test_frictionless_rejects_an_unknown_party_and_a_duplicate_id(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    matrix = data / "responsibility-matrix.csv"
    lines = matrix.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace(",microsoft,", ",custmer,", 1)
    lines.append(lines[2])
    matrix.write_text("".join(lines), encoding="utf-8")
    run = _frictionless(data / "datapackage.json")
    assert run.returncode != 0
    errors = [
        (e["type"], e.get("rowNumber"))
        for t in json.loads(run.stdout)["tasks"]
        for e in t["errors"]
    ]
    assert ("constraint-error", 2) in errors
    assert ("primary-key", len(lines)) in errors

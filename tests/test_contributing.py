"""CONTRIBUTING.md's examples of output are real: each ``<!-- output: NAME -->`` block is
what the command prints today on a broken copy of ``data/``. The test fails when one has
drifted; ``HANDBOOK_UPDATE_CONTRIBUTING=1 pytest tests/test_contributing.py`` (or
``make contributing``) rewrites the blocks."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import yaml
from jsonschema import Draft7Validator

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
GUIDE = ROOT / "CONTRIBUTING.md"
BLOCK = re.compile(r"(<!-- output: (?P<name>[a-z-]+) -->\n```text\n)(?P<body>.*?)(```\n)", re.S)


def _run(cwd: Path, *args: str) -> str:
    run = subprocess.run(
        [sys.executable, "-m", "handbook.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "GITHUB_STEP_SUMMARY": ""},
    )
    shown = " ".join(["handbook", *args])
    return f"$ {shown}\n{run.stdout}{run.stderr}(exit code {run.returncode})\n"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _broken(tmp: Path) -> Path:
    shutil.copytree(DATA, tmp / "data")
    _edit(tmp / "data" / "channels.yaml", "  name:", "  nmae:")
    _edit(tmp / "data" / "change-process.csv", "edition,phase,party", "edition,phse,party")
    return tmp


def _examples(tmp: Path) -> dict[str, Callable[[], str]]:
    def validate_text() -> str:
        return _run(_broken(tmp / "a"), "validate")

    def validate_github() -> str:
        return _run(_broken(tmp / "b"), "validate", "--format", "github")

    def unknown_reference() -> str:
        shutil.copytree(DATA, tmp / "c" / "data")
        _edit(tmp / "c" / "data" / "roles.yaml", "  party: customer\n", "  party: custmer\n")
        return _run(tmp / "c", "validate")

    def missing_sample() -> str:
        shutil.copytree(DATA, tmp / "d" / "data")
        samples = tmp / "d" / "data" / "samples" / "samples.yaml"
        _edit(samples, "CHG-0201: []", "CHG-0201: [MMD002]")
        _edit(samples, "CHG-0204: []", "CHG-0204: [MMD002]")
        return _run(tmp / "d", "validate")

    def fmt_check() -> str:
        shutil.copytree(DATA, tmp / "e" / "data")
        _edit(
            tmp / "e" / "data" / "parties.yaml",
            "- id: microsoft\n  name: Microsoft\n",
            "- name: Microsoft\n  id: microsoft\n",
        )
        return _run(tmp / "e", "fmt", "--check")

    def schema_message() -> str:
        schema = json.loads((ROOT / "schemas" / "channels.schema.json").read_text("utf-8"))
        text = (DATA / "channels.yaml").read_text(encoding="utf-8").replace("  name:", "  nmae:", 1)
        errors = Draft7Validator(schema).iter_errors(yaml.safe_load(text))
        return "".join(
            f"{'/'.join(map(str, e.absolute_path))}: {e.message}\n"
            for e in sorted(errors, key=lambda e: list(map(str, e.absolute_path)))
        )

    return {
        "validate-text": validate_text,
        "validate-github": validate_github,
        "unknown-reference": unknown_reference,
        "missing-sample": missing_sample,
        "fmt-check": fmt_check,
        "schema-message": schema_message,
    }


def test_contributing_examples_are_real_output(tmp_path: Path) -> None:
    text = GUIDE.read_text(encoding="utf-8")
    examples = _examples(tmp_path)
    names = [m["name"] for m in BLOCK.finditer(text)]
    assert sorted(names) == sorted(examples), "every example appears once in CONTRIBUTING.md"
    fresh = BLOCK.sub(lambda m: m[1] + examples[m["name"]]() + m[4], text)
    if os.environ.get("HANDBOOK_UPDATE_CONTRIBUTING") == "1":
        GUIDE.write_text(fresh, encoding="utf-8")
        return
    assert text == fresh, "CONTRIBUTING.md examples drifted: run `make contributing`"

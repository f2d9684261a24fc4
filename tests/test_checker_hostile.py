"""Hostile input: each bad file gives a clear E001 (or a usage error), never a traceback,
in bounded time and memory, and the other files of the run are still checked."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from handbook.checker.yamlfile import load_yaml_records_text

from .checker_support import cli
from .conftest import ROOT

GOOD = """\
- id: GOOD-1
  initiator: microsoft
  change_type: functionality
  requires_admin_action: true
  notified_at: 2023-03-02T09:00:00Z
  channels: [email]
  starts_at: 2023-03-06T09:00:00Z
"""

BOMB = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True)
)

#: Address-space limit for the checker under test (bounded memory).
LIMIT = 4 << 30


def _limit() -> None:  # pragma: no cover - runs in the child
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


def _bounded(*args: str) -> subprocess.CompletedProcess[str]:
    """``handbook ARGS`` in a child of bounded memory (`LIMIT`) and time."""
    return cli(*args, timeout=180, preexec_fn=_limit if os.name == "posix" else None)


def test_hostile_files(tmp_path: Path) -> None:
    files = {
        "garbage.yaml": bytes(range(256)) * 64,
        "garbage.csv": bytes(range(256)) * 64,
        "latin1.yaml": "- id: café\n  initiator: microsoft\n".encode("latin-1"),
        "latin1.csv": "id,initiator\ncafé,microsoft\n".encode("latin-1"),
        "long-line.yaml": b"x" * (10 << 20),
        "long-line.csv": b"y" * (10 << 20) + b"\n",
        "bomb.yaml": BOMB.encode(),
        "empty-lines.yaml": b"\n" * 1_000_000,
        "empty-lines.csv": b"\n" * 1_000_000,
        "nul.csv": b"id,initiator\nA\x00,microsoft\n",
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "folder.yaml").mkdir()
    # links a pull request can add: read whole, /dev/zero once filled the machine's memory
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    (tmp_path / "zero.csv").symlink_to("/dev/zero")
    good = tmp_path / "good.yaml"
    good.write_text(GOOD, encoding="utf-8")
    names = [*files, "folder.yaml", "zero.yaml", "zero.csv", "good.yaml"]
    result = _bounded("check", "--format", "json", *(str(tmp_path / n) for n in names))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    data = json.loads(result.stdout)
    by_file: dict[str, set[str]] = {}
    for f in data["findings"]:
        by_file.setdefault(Path(f["file"]).name, set()).add(f["rule"])
    assert by_file.pop("good.yaml") == {"MMD001"}
    assert by_file == {name: {"E001"} for name in names if name != "good.yaml"}
    messages = {Path(f["file"]).name: f["message"] for f in data["findings"]}
    assert "not UTF-8" in messages["latin1.csv"]
    assert "alias bomb" in messages["bomb.yaml"]
    assert "folder" in messages["folder.yaml"]
    assert (
        messages["zero.yaml"]
        == messages["zero.csv"]
        == ("not a regular file (a device, pipe or socket, or a link to one)")
    )
    assert "empty" in messages["empty-lines.yaml"]


def test_alias_bomb_is_refused_early() -> None:
    docs, problems = load_yaml_records_text(BOMB, "bomb.yaml")
    assert docs == [] and problems and problems[0].code == "yaml-too-large"
    assert problems[0].line is not None and problems[0].column is not None


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(GOOD, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "handbook.cli", "check", str(good), str(tmp_path / "nope.csv")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "no such file" in result.stderr and "Traceback" not in result.stderr


def test_a_data_file_linked_to_a_device_is_a_located_problem(tmp_path: Path) -> None:
    """``validate`` of a data folder whose glossary links to /dev/zero ran out of memory."""
    import shutil

    from .conftest import DATA

    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    (data / "glossary.yaml").unlink()
    (data / "glossary.yaml").symlink_to("/dev/zero")
    result = _bounded("validate", "--data", str(data))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{data / 'glossary.yaml'}: error[unreadable] not a regular file" in result.stderr


@pytest.mark.parametrize("suffix", [".yaml", ".csv"])
def test_a_name_too_long_to_look_at_is_an_input_error(tmp_path: Path, suffix: str) -> None:
    """A path the system cannot even look at (a name over 255 bytes) is an E001 of that
    file, the other files checked: it was a traceback (``Path.exists`` and ``is_dir``
    raise for ENAMETOOLONG)."""
    good = tmp_path / "good.yaml"
    good.write_text(GOOD, encoding="utf-8")
    long = tmp_path / ("a" * 300 + suffix)
    result = subprocess.run(
        [sys.executable, "-m", "handbook.cli", "check", "--format", "json", str(good), str(long)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    findings = json.loads(result.stdout)["findings"]
    assert {(Path(f["file"]).name == long.name, f["rule"]) for f in findings} == {
        (False, "MMD001"),
        (True, "E001"),
    }
    assert "File name too long" in next(f["message"] for f in findings if f["rule"] == "E001")


@pytest.mark.parametrize(
    "text",
    [
        "- id: CHG-1\n  title: a\x00b" + " " * 3000 + "\n",  # a line long enough to nest deep
        "- id: CHG-1\n  title: a\x00b\n  notes: *x\n",  # an alias: the careful reader too
        "- id: CHG-1\n  title: a\x00b\n",
    ],
)
def test_a_control_character_in_yaml_is_a_located_e001(tmp_path: Path, text: str) -> None:
    """A NUL in a YAML file is E001 at its line and column, whichever of PyYAML's readers
    reads the file. The pure-Python one (a line long enough to nest too deeply for libyaml,
    or an alias) raised its ReaderError before anything caught it: a traceback (found by an
    independent tester); libyaml's gave 'position 16' of '<unicode string>' and no line."""
    path = tmp_path / "nul.yaml"
    path.write_text(text, encoding="utf-8")
    (tmp_path / "good.yaml").write_text(GOOD, encoding="utf-8")
    result = cli("check", "--format", "json", str(path), str(tmp_path / "good.yaml"))
    assert "Traceback" not in result.stderr
    assert result.returncode == 1
    findings = [f for f in json.loads(result.stdout)["findings"] if f["file"] == str(path)]
    assert [(f["rule"], f["line"], f["column"]) for f in findings] == [("E001", 2, 11)]
    assert findings[0]["message"] == (
        "not valid YAML: the character U+0000 is not allowed in YAML (a control character); "
        'remove it, or write it as an escape in a double-quoted text ("\\x00")'
    )

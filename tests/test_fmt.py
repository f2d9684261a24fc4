"""``handbook fmt``: one canonical form of the data files, comments kept; through the CLI."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


def _fmt(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "handbook.cli", "fmt", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    shutil.copytree(DATA, tmp_path / "data")
    return tmp_path


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*.*")}


def test_formatting_twice_changes_nothing(copy: Path) -> None:
    data = copy / "data"
    rules = data / "rules.yaml"
    rules.write_text(
        rules.read_text(encoding="utf-8").replace(
            "  title: Advance notice\n", "  title: 'Advance notice'\n"
        ),
        encoding="utf-8",
    )
    first = _fmt(copy)
    assert first.returncode == 0, first.stderr
    once = _snapshot(data)
    second = _fmt(copy)
    assert second.returncode == 0
    assert second.stdout.startswith("0 file(s) reformatted")
    assert _snapshot(data) == once
    assert _fmt(copy, "--check").returncode == 0


def test_a_shuffled_key_order_is_restored_and_comments_survive(copy: Path) -> None:
    parties = copy / "data" / "parties.yaml"
    original = parties.read_text(encoding="utf-8")
    shuffled = original.replace(
        "- id: microsoft\n  name: Microsoft\n  label: Microsoft\n",
        "- label: Microsoft  # the short label\n  name: Microsoft\n  id: microsoft\n",
    )
    shuffled = shuffled.replace("- id: customer\n", "# the customer's side\n- id: customer\n")
    assert shuffled != original
    parties.write_text(shuffled, encoding="utf-8")
    check = _fmt(copy, "--check")
    assert check.returncode == 1
    assert "would reformat data/parties.yaml" in check.stdout.splitlines()
    assert parties.read_text(encoding="utf-8") == shuffled  # --check writes nothing
    assert _fmt(copy, "data/parties.yaml").returncode == 0
    text = parties.read_text(encoding="utf-8")
    assert (
        text.index("id: microsoft") < text.index("name: Microsoft") < text.index("label: Microsoft")
    )
    assert "# the short label" in text
    assert "# the customer's side\n- id: customer\n" in text
    assert text.startswith("# yaml-language-server: $schema=../schemas/parties.schema.json\n")


def test_quoting_list_style_indentation_and_line_endings(copy: Path) -> None:
    rules = copy / "data" / "rules.yaml"
    text = rules.read_text(encoding="utf-8")
    messy = text.replace(
        'editions: ["2018", "2022"]', "editions:\n      - '2018'\n      - '2022'", 1
    )
    messy = messy.replace("\n", "\r\n").rstrip("\r\n") + "   "
    rules.write_bytes(messy.encode("utf-8"))
    assert _fmt(copy, "data/rules.yaml").returncode == 0
    out = rules.read_bytes().decode("utf-8")
    assert "\r" not in out and out.endswith("\n") and not out.endswith("\n\n")
    assert 'editions: ["2018", "2022"]' in out
    assert "\n- id: MMD001\n  title: Advance notice\n" in out
    assert '\n  sources:\n    - doc: "000"\n      section: ' in out


def test_csv_minimal_quoting_lf_and_mode_kept(copy: Path) -> None:
    matrix = copy / "data" / "responsibility-matrix.csv"
    original = matrix.read_bytes()
    lines = original.decode("utf-8").splitlines()
    quoted = ['"' + '","'.join(line.split(",")) + '"' for line in lines]
    matrix.write_bytes(("\r\n".join(quoted)).encode("utf-8"))
    os.chmod(matrix, 0o640)
    check = _fmt(copy, "--check", "data/responsibility-matrix.csv")
    assert check.returncode == 1 and "would reformat data/responsibility-matrix.csv" in check.stdout
    assert _fmt(copy, "data/responsibility-matrix.csv").returncode == 0
    assert matrix.read_bytes() == original
    assert stat.S_IMODE(matrix.stat().st_mode) == 0o640


def test_sample_records_are_not_formatted_by_default(copy: Path) -> None:
    record = copy / "data" / "samples" / "mmd001-advance-notice.yaml"
    before = record.read_bytes()
    _fmt(copy)
    assert record.read_bytes() == before


def test_errors_name_the_file(copy: Path) -> None:
    broken = copy / "data" / "channels.yaml"
    broken.write_text("- id: [unclosed\n", encoding="utf-8")
    run = _fmt(copy, "data/channels.yaml")
    assert run.returncode == 1
    assert run.stderr.startswith("data/channels.yaml:2:1: not valid YAML")
    assert "Traceback" not in run.stderr
    missing = _fmt(copy, "data/nope.yaml")
    assert missing.returncode == 2 and "data/nope.yaml: not found" in missing.stderr
    unknown = _fmt(copy, "--nope")
    assert unknown.returncode == 2


def test_committed_data_is_canonical() -> None:
    run = _fmt(ROOT, "--check")
    assert run.returncode == 0, run.stdout
    assert run.stdout.startswith("0 file(s) would be reformatted")

"""`handbook check` through the real command line (subprocess): codes, lines, exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from .checker_support import cli
from .conftest import DATA

SAMPLES = DATA / "samples"

GOOD = """\
records:
  - id: OK-1
    title: A documented functionality change
    initiator: microsoft
    change_type: functionality
    requires_admin_action: true
    notified_at: 2023-03-01T09:00:00Z
    channels: [message-center]
    starts_at: 2023-03-06T09:00:00Z
"""

BAD = """\
- id: BAD-1
  initiator: microsoft
  change_type: functionality
  requires_admin_action: true
  notified_at: 2023-03-01T10:00:00Z
  channels: [message-center]
  starts_at: 2023-03-06T09:00:00Z
"""


def test_clean_records_exit_0(tmp_path: Path) -> None:
    path = tmp_path / "good.yaml"
    path.write_text(GOOD, encoding="utf-8")
    result = cli("check", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 record checked: 0 errors, 0 warnings" in result.stdout


def test_broken_rule_exit_1_text(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD, encoding="utf-8")
    result = cli("check", str(path))
    assert result.returncode == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"{path}:1: MMD001 [BAD-1] ")
    assert "4 days 23 hours" in first


def test_json_shape(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD, encoding="utf-8")
    result = cli("check", "--format", "json", str(path))
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["summary"] == {"records": 1, "errors": 1, "warnings": 0}
    (finding,) = data["findings"]
    assert set(finding) == {"record", "rule", "severity", "message", "file", "line", "edition"}
    assert finding["record"] == "BAD-1"
    assert finding["rule"] == "MMD001"
    assert finding["severity"] == "error"
    assert finding["file"] == str(path)
    assert finding["line"] == 1
    assert finding["edition"] == "2022"


def test_warning_only_exits_0(tmp_path: Path) -> None:
    path = tmp_path / "late.yaml"
    path.write_text(
        "- {id: L, initiator: microsoft, change_type: functionality, starts_at: 2024-08-01}\n",
        encoding="utf-8",
    )
    result = cli("check", "--format", "json", str(path))
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert data["summary"] == {"records": 1, "errors": 0, "warnings": 1}
    assert data["findings"][0]["rule"] == "MMD010"
    assert data["findings"][0]["severity"] == "warning"


def test_csv_lines_are_physical(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        "id,title,initiator,change_type,starts_at\n"
        'A,"two\nlines",microsoft,functionality,2023-01-01\n'
        "\n"
        "B,x,microsoft,functionality,2023-01-01T10:00\n",
        encoding="utf-8",
    )
    result = cli("check", "--format", "json", str(path))
    data = json.loads(result.stdout)
    assert [(f["record"], f["rule"], f["line"]) for f in data["findings"]] == [("B", "E003", 5)]
    assert result.returncode == 1


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert cli("check", str(tmp_path / "missing.yaml")).returncode == 2
    assert cli("check", "--bogus", str(SAMPLES / "e002-missing-fields.yaml")).returncode == 2
    assert cli("check").returncode == 2
    assert (
        cli(
            "check", "--data", str(tmp_path / "nodata"), str(SAMPLES / "e002-missing-fields.yaml")
        ).returncode
        == 2
    )


def test_invalid_data_exits_2(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    (data / "rules.yaml").write_text("- id: [\n", encoding="utf-8")
    result = cli("check", "--data", str(data), str(SAMPLES / "e002-missing-fields.yaml"))
    assert result.returncode == 2
    assert "rules.yaml" in result.stderr


def test_bad_files_are_reported_and_others_checked(tmp_path: Path) -> None:
    (tmp_path / "bin.yaml").write_bytes(bytes(range(256)))
    (tmp_path / "latin.csv").write_bytes("id,initiator\ncaf\xe9,microsoft\n".encode("latin-1"))
    (tmp_path / "empty.yaml").write_text("", encoding="utf-8")
    (tmp_path / "folder.yaml").mkdir()
    (tmp_path / "broken.yaml").write_text("- id: a\n  x: [\n", encoding="utf-8")
    good = tmp_path / "good.yaml"
    good.write_text(BAD, encoding="utf-8")
    names = ["bin.yaml", "latin.csv", "empty.yaml", "folder.yaml", "broken.yaml", "good.yaml"]
    result = cli("check", "--format", "json", *(str(tmp_path / n) for n in names))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    data = json.loads(result.stdout)
    by_file = {Path(f["file"]).name: f["rule"] for f in data["findings"]}
    assert by_file == {
        "bin.yaml": "E001",
        "latin.csv": "E001",
        "empty.yaml": "E001",
        "folder.yaml": "E001",
        "broken.yaml": "E001",
        "good.yaml": "MMD001",
    }
    broken = next(f for f in data["findings"] if f["file"].endswith("broken.yaml"))
    assert broken["line"] == 2
    assert broken["record"] is None


def test_every_sample_together(tmp_path: Path) -> None:
    paths = [str(p) for p in sorted(SAMPLES.iterdir()) if p.name != "samples.yaml"]
    result = cli("check", *paths)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "MMD010 (warning) [CHG-1004]" in result.stdout


def test_seven_days_via_cli(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    record = tmp_path / "r.yaml"
    record.write_text(
        GOOD.replace("2023-03-06T09:00:00Z", "2023-03-07T09:00:00Z"), encoding="utf-8"
    )
    assert cli("check", "--data", str(data), str(record)).returncode == 0
    rules = data / "rules.yaml"
    rules.write_text(rules.read_text(encoding="utf-8").replace("P5D", "P7D"), encoding="utf-8")
    result = cli("check", "--data", str(data), str(record))
    assert result.returncode == 1
    assert "MMD001" in result.stdout and "7 days" in result.stdout

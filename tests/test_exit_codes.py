"""Exit codes that mean one thing, tried on the real ``handbook check`` with real signals.

0 no error, 1 a rule broken, 2 the run failed (a full disk, an unwritable report), 130
SIGINT, 143 SIGTERM, 141 a reader that closed standard output; a stopped run leaves the
previous report byte for byte, and no traceback is ever printed (issue 16).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from .conftest import BIN, DATA, ROOT, run

pytestmark = pytest.mark.skipif(os.name != "posix", reason="signals and /dev/full are POSIX")

SAMPLE = DATA / "samples" / "mmd001-advance-notice.yaml"
HEADER = "id,initiator,change_type,notified_at,channels,requires_admin_action,starts_at\n"


def _big_csv(path: Path, records: int = 300_000) -> Path:
    """Microsoft changes, every fifth one with too little notice (MMD001)."""
    with path.open("w", encoding="utf-8") as f:
        f.write(HEADER)
        for i in range(records):
            day = "01" if i % 5 else "04"
            f.write(
                f"CHG-{i},microsoft,functionality,2023-03-{day}T09:00:00Z,"
                f"message-center,true,2023-03-06T09:00:00Z\n"
            )
    return path


def _stop_half_way(args: list[str], folder: Path, sig: int) -> subprocess.CompletedProcess[str]:
    """Start ``handbook check``, wait until its report's temporary file exists in ``folder``
    (the run is writing), then send ``sig``."""
    child = subprocess.Popen(
        [str(BIN / "handbook"), "check", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    deadline = time.monotonic() + 120
    while not any(".handbook-tmp-" in p.name for p in folder.iterdir()):
        assert child.poll() is None, child.communicate()
        assert time.monotonic() < deadline, "the report's temporary file never appeared"
        time.sleep(0.01)
    child.send_signal(sig)
    out, err = child.communicate(timeout=120)
    return subprocess.CompletedProcess(child.args, child.returncode, out, err)


def test_a_full_disk_on_stdout_is_exit_2_with_one_line() -> None:
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [str(BIN / "handbook"), "check", "--format", "json", str(SAMPLE)],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=600,
            check=False,
        )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "No space left on device" in lines[0]


def test_a_reader_that_stops_early_is_exit_141_quietly(tmp_path: Path) -> None:
    """``handbook check big.csv | head -c 10``: the reader closes the pipe; the run stops
    with 128 + SIGPIPE, as a shell reports any tool so stopped, and prints nothing."""
    big = _big_csv(tmp_path / "big.csv", 20_000)
    child = subprocess.Popen(
        [str(BIN / "handbook"), "check", str(big)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None and child.stderr is not None
    assert len(child.stdout.read(10)) == 10
    child.stdout.close()
    err = child.stderr.read().decode()
    assert child.wait(timeout=600) == 141
    assert err == ""


def test_a_report_to_a_full_device_names_it(tmp_path: Path) -> None:
    """``import --report /dev/full``: exit 2, naming the report (it once named --out)."""
    page = ROOT / "tests" / "importer" / "pages" / "roles.md"
    result = run(
        [
            *(str(BIN / "handbook"), "import", str(page), "--out", str(tmp_path / "out")),
            *("--report", "/dev/full"),
        ]
    )
    assert result.returncode == 2
    assert result.stderr == "handbook import: error: /dev/full: No space left on device\n"


def test_an_unwritable_report_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "no").write_text("", encoding="utf-8")  # a file where the folder should be
    result = run(
        [str(BIN / "handbook"), "check", "--output", str(tmp_path / "no" / "r.json"), str(SAMPLE)]
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"{tmp_path / 'no'}: is a file, not a folder" in result.stderr


@pytest.mark.parametrize(
    ("sig", "code", "word"),
    [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")],
)
def test_a_stopped_run_keeps_the_previous_report(
    tmp_path: Path, sig: int, code: int, word: str
) -> None:
    records = _big_csv(tmp_path / "changes.csv")
    reports = tmp_path / "reports"
    reports.mkdir()
    out = reports / "out.json"
    out.write_text('{"previous": true}\n', encoding="utf-8")
    result = _stop_half_way(["--format", "json", "--output", str(out), str(records)], reports, sig)
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == f"handbook check: {word}; {out} unchanged"
    assert out.read_text(encoding="utf-8") == '{"previous": true}\n'
    assert [p.name for p in reports.iterdir()] == ["out.json"]


def test_sigint_leaves_nothing_where_no_report_was(tmp_path: Path) -> None:
    records = _big_csv(tmp_path / "changes.csv")
    reports = tmp_path / "reports"
    reports.mkdir()
    out = reports / "out.json"
    result = _stop_half_way(
        ["--format", "json", "--output", str(out), str(records)], reports, signal.SIGINT
    )
    assert result.returncode == 130
    assert list(reports.iterdir()) == []


def test_sigkill_keeps_the_previous_report_byte_for_byte(tmp_path: Path) -> None:
    records = _big_csv(tmp_path / "changes.csv")
    reports = tmp_path / "reports"
    reports.mkdir()
    out = reports / "out.json"
    first = run(
        [str(BIN / "handbook"), "check", "--format", "json", "--output", str(out), str(SAMPLE)]
    )
    assert first.returncode == 1
    before = out.read_bytes()
    result = _stop_half_way(
        ["--format", "json", "--output", str(out), str(records)], reports, signal.SIGKILL
    )
    assert result.returncode == -signal.SIGKILL
    assert out.read_bytes() == before
    # the next run removes the killed run's temporary file
    again = run(
        [str(BIN / "handbook"), "check", "--format", "json", "--output", str(out), str(SAMPLE)]
    )
    assert again.returncode == 1
    assert [p.name for p in reports.iterdir()] == ["out.json"]


def test_help_lists_the_exit_codes() -> None:
    result = run([str(BIN / "handbook"), "--help"])
    assert result.returncode == 0
    for line in ("0    no error", "2    the run itself failed", "130  interrupted by SIGINT"):
        assert line in result.stdout

"""`handbook.outputs.render` of a `Report` writes what ``handbook check`` writes.

The command streams each batch's frames to a sink; `render` feeds the same sink the
whole report's frames. Both must give the same bytes in every format, on several files
(one of them broken, so a file with no records still gets its JUnit suite), on
records read in batches of one, and with a waivers file (its findings come last).
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from handbook.checker.check import check_paths
from handbook.checker.waivers import load_waivers
from handbook.outputs import FORMATS, render

from .checker_support import cli, handbook
from .conftest import ROOT
from .test_checker_formats import INPUTS
from .test_checker_waivers import SHORT_NOTICE, WAIVERS

SITE = "https://handbook.example.org/"
TODAY = date(2024, 1, 1)


def _cli(fmt: str, *args: str) -> tuple[int, str]:
    result = cli("check", "--format", fmt, "--today", TODAY.isoformat(), "--site-url", SITE, *args)
    assert "Traceback" not in result.stderr
    return result.returncode, result.stdout


def _check(paths: list[Path], waivers: Path | None = None):  # type: ignore[no-untyped-def]
    cwd = Path.cwd()
    os.chdir(ROOT)  # the command runs in ROOT: the same relative paths in the findings
    try:
        loaded = load_waivers(waivers, handbook(), TODAY) if waivers else None
        return check_paths(handbook(), paths, today=TODAY, site_url=SITE, waivers=loaded)
    finally:
        os.chdir(cwd)


@pytest.fixture(autouse=True)
def _no_step_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_render_equals_the_command_on_the_golden_inputs(fmt: str) -> None:
    report = _check([Path(p) for p in INPUTS])
    code, stdout = _cli(fmt, *INPUTS)
    assert render(report, fmt, repo_root=ROOT) == stdout
    assert code == (1 if report.errors else 0)
    # the renderers read the frames: no `Finding` object was made
    assert "findings" not in vars(report) and "waived" not in vars(report)


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_render_equals_the_command_with_a_waivers_file_and_batches_of_one(
    fmt: str, tmp_path: Path
) -> None:
    records = tmp_path / "records.yaml"
    records.write_text(SHORT_NOTICE, encoding="utf-8")
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(WAIVERS, encoding="utf-8")
    csv = "data/samples/certificates-and-mixed.csv"
    report = _check([records, Path(csv)], waivers)
    assert report.files[-1] == str(waivers)
    code, stdout = _cli(fmt, "--chunk-size", "1", "--waivers", str(waivers), str(records), csv)
    assert render(report, fmt, repo_root=ROOT) == stdout
    assert code == 1


def test_the_object_views_are_the_frames_rows() -> None:
    report = _check([Path(p) for p in INPUTS])
    frame = report.findings_frame
    waived = frame["waived"].to_numpy(dtype=bool)
    assert [f.rule for f in report.findings] == frame["rule"][~waived].tolist()
    assert [f.rule for f in report.waived] == frame["rule"][waived].tolist()
    assert all(f.waived for f in report.waived) and not any(f.waived for f in report.findings)
    assert [r.line for r in report.records] == [
        line or None for line in report.records_frame["line"].tolist()
    ]
    summary = report.summary()
    assert (summary.records, summary.errors, summary.warnings, summary.waived) == (
        len(report.records),
        sum(f.severity == "error" for f in report.findings),
        sum(f.severity == "warning" for f in report.findings),
        len(report.waived),
    )

"""``handbook verify --coverage``: figures on the committed samples, a drop when a sample
goes, ``--min-coverage`` exit codes, and branches that agree with the rules' findings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from handbook.checker.coverage import rule_branches
from handbook.checker.engine import Checker, CheckOptions
from handbook.checker.rules import Piece, RuleInput

from .checker_support import cli, handbook
from .conftest import DATA, edit


def _coverage(*args: str) -> tuple[int, dict[str, Any]]:
    result = cli("verify", "--coverage", "--format", "json", *args)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def _hits(doc: dict[str, Any], rule: str, branch: str) -> list[str]:
    (entry,) = [
        b for b in doc["coverage"]["branches"] if b["rule"] == rule and b["branch"] == branch
    ]
    return [h.split("#", 1)[1] for h in entry["hits"]]


def test_figures_on_the_committed_samples() -> None:
    code, doc = _coverage()
    assert code == 0
    assert doc["samples"] == {"matched": 18, "total": 18}
    cov = doc["coverage"]
    # every rule (MMD001..MMD010) and checker code (E001..E006, W001, W002): 18, both sides
    assert len(cov["codes"]) == 18
    assert all(c["passing"] and c["failing"] for c in cov["codes"]), cov["codes"]
    assert (cov["covered"], cov["total"], cov["percent"]) == (108, 108, 100.0)
    # bounds at exactly the limit, each constraint's violation, applicability
    assert _hits(doc, "MMD001", "notified_at -> starts_at: exactly 5 days") == [
        "CHG-0101",
        "CHG-0104",
        "CHG-1704",
    ]
    assert _hits(doc, "MMD005", "notified_at -> customer_action_at: over 48 hours") == ["CHG-0502"]
    assert _hits(doc, "MMD004", "approved_at missing") == ["CHG-0403"]
    assert "CHG-0504" in _hits(doc, "MMD005", "does not apply")  # a 2022 record
    assert _hits(doc, "MMD003", "an undocumented channel") == ["CHG-0305"]
    assert _hits(doc, "MMD009", "actions, none prohibited") == ["CHG-0902"]
    assert _hits(doc, "MMD010", "on the end-of-life day") == ["CHG-1003"]
    assert _hits(doc, "MMD002", "mitigated_at -> notified_at: at the same time") == ["CHG-0204"]
    # a record with an input error reaches no rule
    assert "CHG-1706" in _hits(doc, "MMD010", "does not apply")
    mmd001 = next(c for c in cov["codes"] if c["code"] == "MMD001")
    assert "waivers-on-records.yaml#CHG-1801" not in mmd001["passing"]  # waived, not passed
    assert "mmd001-advance-notice.yaml#CHG-0101" in mmd001["passing"]
    mmd005 = next(c for c in cov["codes"] if c["code"] == "MMD005")
    assert [k.split("#")[1] for k in mmd005["passing"]] == ["CHG-0501", "CHG-0505"]


def test_text_output_and_min_coverage() -> None:
    ok = cli("verify", "--coverage", "--min-coverage", "90")
    assert ok.returncode == 0, ok.stderr
    assert "18 of 18 samples match their annotation" in ok.stdout
    assert "  MMD001 (timing): 7 of 7 branches" in ok.stdout
    assert "    ok      mitigated_at -> notified_at: at the same time: CHG-0204" in ok.stdout
    assert "MISSING" not in ok.stdout
    assert ok.stdout.rstrip().endswith("Coverage: 108 of 108 items (100.0%)")
    full = cli("verify", "--min-coverage", "100")
    assert full.returncode == 0, full.stderr
    bad = cli("verify", "--min-coverage", "150")
    assert bad.returncode == 2 and "expected a percentage from 0 to 100" in bad.stderr


def test_a_removed_sample_lowers_coverage(data_copy: Path) -> None:
    samples = data_copy / "samples" / "samples.yaml"
    text = samples.read_text(encoding="utf-8")
    start = text.index("- file: mmd004-approval.yaml")
    end = text.index("- file: mmd005-action-window.yaml")
    samples.write_text(text[:start] + text[end:], encoding="utf-8")
    (data_copy / "samples" / "mmd004-approval.yaml").unlink()
    code, doc = _coverage("--data", str(data_copy))
    assert code == 0 and doc["samples"] == {"matched": 17, "total": 17}
    cov = doc["coverage"]
    mmd004 = next(c for c in cov["codes"] if c["code"] == "MMD004")
    assert mmd004 == {"code": "MMD004", "passing": [], "failing": []}
    assert _hits(doc, "MMD004", "approved_at missing") == []
    assert cov["covered"] < 106 and cov["percent"] < 100
    low = cli("verify", "--data", str(data_copy), "--min-coverage", "99")
    assert low.returncode == 1
    assert f"coverage {cov['percent']:.1f}% is under --min-coverage 99%" in low.stderr
    assert "MISSING MMD004: passing -; failing -" in low.stdout


def test_a_broken_sample_fails_verify_even_with_coverage(data_copy: Path) -> None:
    edit(data_copy / "samples" / "samples.yaml", "CHG-0102: [MMD001]", "CHG-0102: []")
    code, doc = _coverage("--data", str(data_copy))
    assert code == 1 and doc["samples"] == {"matched": 17, "total": 18}


def test_violated_branches_are_the_rules_findings() -> None:
    """The branches are computed apart from the rules: the rows of the timing rules'
    violated branches (a required field missing, a bound broken) are exactly the rows
    of their findings, sample by sample."""
    hb = handbook()
    for sample in hb.samples:
        seen: list[tuple[RuleInput, list[Piece]]] = []

        def observe(data: RuleInput, pieces: list[Piece], _ids: list[str | None]) -> None:
            seen.append((data, pieces))  # noqa: B023

        for _ in Checker(hb, CheckOptions(observe=observe)).run([DATA / "samples" / sample.file]):
            pass
        for data, pieces in seen:
            for rule in hb.rules:
                if rule.kind != "timing":
                    continue
                masks = rule_branches(rule, data, hb)
                broken = np.zeros(data.n, dtype=bool)
                for name, mask in masks.items():
                    violated = name.endswith(" missing") or ": under " in name
                    violated |= ": over " in name or name.split(": ")[-1].startswith(
                        tuple(f"{f} before " for f in data.times)
                    )
                    if violated:
                        broken |= mask
                found = np.zeros(data.n, dtype=bool)
                for p in pieces:
                    if p.rule == rule.id:
                        found[p.rows] = True
                assert (broken == found).all(), (sample.file, rule.id)

"""The CI files a fork uses: GitHub workflows and .gitlab-ci.yml validate against their
published schemas (check-jsonschema's built-in copies, no network), the pre-commit
config runs local tools only, and every hook runs a real ``handbook`` subcommand."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, run

BIN = Path(sys.executable).parent
CHECK_JSONSCHEMA = BIN / "check-jsonschema"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def _offline() -> list[str]:
    """``unshare -n`` (a network namespace without interfaces) when this machine allows
    it, so the validation below provably needs no network; else nothing."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-n", "true"], capture_output=True).returncode == 0:
        return [unshare, "-n"]
    return []


def _validate(schema: str, *files: Path) -> subprocess.CompletedProcess[str]:
    return run([*_offline(), str(CHECK_JSONSCHEMA), "--builtin-schema", schema, *map(str, files)])


def test_workflows_match_the_github_schema() -> None:
    assert [w.name for w in WORKFLOWS] == ["ci.yml", "pages.yml", "pull-request.yml"]
    result = _validate("vendor.github-workflows", *WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_gitlab_ci_matches_the_gitlab_schema() -> None:
    result = _validate("vendor.gitlab-ci", ROOT / ".gitlab-ci.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_can_fail(tmp_path: Path) -> None:
    broken = tmp_path / "ci.yml"
    text = (ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    broken.write_text(text.replace("    steps:", "    step:"), encoding="utf-8")
    assert _validate("vendor.github-workflows", broken).returncode == 1
    gitlab = tmp_path / ".gitlab-ci.yml"
    text = (ROOT / ".gitlab-ci.yml").read_text(encoding="utf-8")
    gitlab.write_text(text.replace("when: always", "when: sometimes"), encoding="utf-8")
    assert _validate("vendor.gitlab-ci", gitlab).returncode == 1


def test_pull_request_job_runs_validate_diff_and_sarif() -> None:
    steps = yaml.safe_load((ROOT / ".github/workflows/pull-request.yml").read_text("utf-8"))
    commands = [s.get("run", s.get("uses", "")) for s in steps["jobs"]["review"]["steps"]]
    assert "handbook validate --format github" in commands
    assert any(c.startswith('handbook diff "origin/') for c in commands)
    assert any(c.startswith("handbook check --format sarif") for c in commands)
    assert "github/codeql-action/upload-sarif@v3" in commands


def test_pre_commit_config_uses_local_tools_only() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert [r["repo"] for r in config["repos"]] == ["local"]
    for hook in config["repos"][0]["hooks"]:
        assert hook["language"] == "system", hook["id"]
        tool = hook["entry"].split()[0]
        assert tool.startswith(".venv/bin/"), hook["id"]
        assert (BIN / tool.removeprefix(".venv/bin/")).is_file(), hook["id"]


@pytest.mark.parametrize(
    "config", [".pre-commit-hooks.yaml", ".pre-commit-config.yaml"], ids=["hooks", "config"]
)
def test_every_handbook_hook_runs_a_real_subcommand(config: str) -> None:
    text = (ROOT / config).read_text(encoding="utf-8")
    loaded = yaml.safe_load(text)
    hooks = loaded if isinstance(loaded, list) else loaded["repos"][0]["hooks"]
    by_id = {h["id"]: h for h in hooks}
    wanted = {"handbook-validate", "handbook-fmt"}
    if config == ".pre-commit-hooks.yaml":
        wanted.add("handbook-check")
    assert wanted <= set(by_id)
    for hook in hooks:
        words = hook["entry"].split()
        if not words[0].endswith("handbook"):
            continue
        result = run([str(BIN / "handbook"), words[1], "--help"])
        assert result.returncode == 0, (hook["id"], result.stderr)
    fmt = re.compile(by_id["handbook-fmt"]["files"])
    assert fmt.search("data/rules.yaml") and fmt.search("data/samples/samples.yaml")
    assert not fmt.search("data/samples/mmd001-advance-notice.yaml")
    assert not fmt.search("data/mappings/servicenow.yaml")


def test_published_check_hook_is_unchanged() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    check = next(h for h in hooks if h["id"] == "handbook-check")
    assert check["entry"] == "handbook check"
    assert check["files"] == r"\.(ya?ml|json|csv)$"

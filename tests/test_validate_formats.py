"""``handbook validate --format text|json|github|sarif`` through the real CLI on broken
copies of ``data/``: every problem with file, line and column, exit codes 0/1/2."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

from handbook.ci import github_data, github_property
from handbook.model.problem_formats import github_step_summary, to_github, to_sarif
from handbook.model.problems import Problem

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SARIF_SCHEMA = ROOT / "tests" / "golden" / "sarif-2.1.0-github.schema.json"


def _validate(
    cwd: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [sys.executable, "-m", "handbook.cli", "validate", "--data", "data", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )


def _edit(path: Path, old: str, new: str, count: int = 1) -> int:
    """Replace ``old`` in ``path``; return the 1-based line of the first replacement."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return line


@pytest.fixture
def broken(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    """A copy of data/ with an unknown party in roles.yaml, a misspelt key in
    channels.yaml and a wrong CSV header in change-process.csv; the lines of each."""
    shutil.copytree(DATA, tmp_path / "data")
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    data = tmp_path / "data"
    lines = {
        "roles": _edit(data / "roles.yaml", "  party: customer\n", "  party: custmer\n"),
        "channels": _edit(data / "channels.yaml", "  name:", "  nmae:"),
        "csv": _edit(data / "change-process.csv", "edition,phase,party", "edition,phse,party"),
    }
    return tmp_path, lines


def test_text_output_is_unchanged_and_exits_1(broken: tuple[Path, dict[str, int]]) -> None:
    cwd, lines = broken
    run = _validate(cwd)
    assert run.returncode == 1 and run.stdout == ""
    err = run.stderr.splitlines()
    assert f"data/change-process.csv:{lines['csv']}: error[csv-header] " in run.stderr
    assert (
        f"data/channels.yaml:{lines['channels']}:3: error[unknown-key] unknown key 'nmae' "
        "(did you mean 'name'?)" in err
    ), run.stderr
    assert err[-1].endswith("warning(s) in data")


def test_json_lists_every_problem(broken: tuple[Path, dict[str, int]]) -> None:
    cwd, lines = broken
    run = _validate(cwd, "--format", "json")
    assert run.returncode == 1
    problems = json.loads(run.stdout)
    assert all(
        set(p) == {"file", "line", "column", "code", "severity", "message", "hint"}
        for p in problems
    )
    where = {(p["file"], p["line"], p["code"]) for p in problems}
    assert ("data/change-process.csv", lines["csv"], "csv-header") in where
    assert any(f == "data/channels.yaml" and ln == lines["channels"] for f, ln, _ in where)


def test_json_reports_an_unknown_party_with_its_column(tmp_path: Path) -> None:
    shutil.copytree(DATA, tmp_path / "data")
    line = _edit(tmp_path / "data" / "roles.yaml", "  party: customer\n", "  party: custmer\n")
    run = _validate(tmp_path, "--format", "json")
    assert run.returncode == 1
    [problem] = json.loads(run.stdout)
    assert problem == {
        "file": "data/roles.yaml",
        "line": line,
        "column": 3,
        "code": "unknown-party",
        "severity": "error",
        "message": "unknown party 'custmer'",
        "hint": "did you mean 'customer'? expected one of: customer, microsoft",
    }


def test_github_annotations_and_step_summary(
    broken: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    cwd, lines = broken
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    run = _validate(cwd, "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert run.returncode == 1
    out = run.stdout.splitlines()
    assert f"::error file=data/change-process.csv,line={lines['csv']},title=csv-header::" in (
        run.stdout
    )
    assert (
        f"::error file=data/channels.yaml,line={lines['channels']},col=3,title=unknown-key::"
        "unknown key 'nmae' (did you mean 'name'?)" in out
    )
    assert all(line.startswith("::error ") for line in out)
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n## handbook validate\n")
    # cells are literal Markdown: punctuation escaped (`handbook.ci.markdown_cell`)
    assert f"| data/change\\-process\\.csv | {lines['csv']} |  | csv\\-header | error |" in text
    assert "error(s), 0 warning(s) in data**" in text


def test_github_escaping() -> None:
    assert github_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert github_property("a,b:c%") == "a%2Cb%3Ac%25"


def test_hostile_text_is_inert_in_annotations_and_step_summary() -> None:
    """A value quoted from a pull request's data makes no link, image or terminal escape
    sequence in the log or the step summary (before, the summary kept Markdown links)."""
    hostile = "unknown party '[x](https://evil.example) ![i](https://evil.example/i.png)\x1b[31m'"
    problem = Problem("unknown-party", hostile, "data/roles.yaml", 3, 5, hint="<b>customer</b>")
    annotation = to_github([problem], None)
    assert "\x1b" not in annotation and "\\x1b[31m" in annotation
    summary = github_step_summary([problem], None)
    assert "\x1b" not in summary
    assert "](" not in summary and "<b>" not in summary
    assert "\\[x\\]\\(https\\://evil\\.example\\)" in summary
    assert "&lt;b&gt;customer&lt;/b&gt;" in summary


def test_sarif_points_at_the_data_file_and_line(broken: tuple[Path, dict[str, int]]) -> None:
    cwd, lines = broken
    run = _validate(cwd, "--format", "sarif")
    assert run.returncode == 1
    log = json.loads(run.stdout)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    errors = [e.message for e in Draft7Validator(schema).iter_errors(log)]
    assert errors == []
    [sarif_run] = log["runs"]
    rules = [r["id"] for r in sarif_run["tool"]["driver"]["rules"]]
    places = set()
    for result in sarif_run["results"]:
        assert rules[result["ruleIndex"]] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        places.add((location["artifactLocation"]["uri"], location["region"]["startLine"]))
    assert ("data/change-process.csv", lines["csv"]) in places
    assert ("data/channels.yaml", lines["channels"]) in places
    driver = sarif_run["tool"]["driver"]
    assert driver["informationUri"] == "https://handbook.example.org/"
    fingerprints = [r["partialFingerprints"]["handbookProblem/v1"] for r in sarif_run["results"]]
    assert len(set(fingerprints)) == len(fingerprints)
    again = json.loads(_validate(cwd, "--format", "sarif").stdout)
    assert again == log


def test_valid_data_exits_0_in_every_format(tmp_path: Path) -> None:
    shutil.copytree(DATA, tmp_path / "data")
    for fmt, expected in (("json", "[]"), ("github", "")):
        run = _validate(tmp_path, "--format", fmt)
        assert (run.returncode, run.stdout.strip()) == (0, expected), run.stderr
    sarif = json.loads(_validate(tmp_path, "--format", "sarif").stdout)
    assert sarif["runs"][0]["results"] == []


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert _validate(tmp_path).returncode == 2  # no data folder
    shutil.copytree(DATA, tmp_path / "data")
    run = _validate(tmp_path, "--format", "xml")
    assert run.returncode == 2 and "invalid choice" in run.stderr


def test_a_rule_without_a_failing_sample_is_a_problem(tmp_path: Path) -> None:
    shutil.copytree(DATA, tmp_path / "data")
    data = tmp_path / "data"
    samples = data / "samples" / "samples.yaml"
    _edit(samples, "CHG-0202: [MMD002]", "CHG-0202: []")
    _edit(samples, "CHG-0203: [MMD002]", "CHG-0203: []")
    rules = (data / "rules.yaml").read_text(encoding="utf-8").splitlines()
    line = rules.index("- id: MMD002") + 1
    run = _validate(tmp_path, "--format", "json")
    assert run.returncode == 1
    assert json.loads(run.stdout) == [
        {
            "file": "data/rules.yaml",
            "line": line,
            "column": 3,
            "code": "rule-without-samples",
            "severity": "error",
            "message": "rule MMD002 has no failing sample in data/samples/samples.yaml",
            "hint": "add a sample file to data/samples/samples.yaml with a record expected "
            "to give [MMD002] and one expected to give []",
        }
    ]


def test_a_rule_without_a_passing_sample_is_a_problem(tmp_path: Path) -> None:
    shutil.copytree(DATA, tmp_path / "data")
    samples = tmp_path / "data" / "samples" / "samples.yaml"
    _edit(samples, "CHG-0201: []", "CHG-0201: [MMD002]")
    _edit(samples, "CHG-0204: []", "CHG-0204: [MMD002]")
    run = _validate(tmp_path)
    assert run.returncode == 1
    assert "error[rule-without-samples] rule MMD002 has no passing sample" in run.stderr


def test_samples_yaml_must_list_every_sample_file_and_name_existing_rules(
    tmp_path: Path,
) -> None:
    """A sample file nobody lists is never checked, and an expected rule code no rule has
    can never match: both passed validate (and ``handbook diff``) unnoticed."""
    shutil.copytree(DATA, tmp_path / "data")
    data = tmp_path / "data"
    shutil.copy(data / "samples" / "mmd001-advance-notice.yaml", data / "samples" / "more.yaml")
    line = _edit(data / "samples" / "samples.yaml", "CHG-0102: [MMD001]", "CHG-0102: [MMD011]")
    run = _validate(tmp_path, "--format", "json")
    assert run.returncode == 1
    found = {(p["code"], p["file"], p["line"]) for p in json.loads(run.stdout)}
    assert ("unlisted-sample", "data/samples/more.yaml", None) in found
    codes = [p for p in json.loads(run.stdout) if p["code"] == "unknown-reference"]
    assert len(codes) == 1 and "expects 'MMD011'" in codes[0]["message"]
    assert codes[0]["file"] == "data/samples/samples.yaml" and codes[0]["line"] == line
    assert "MMD001" in codes[0]["hint"]


def test_csv_problems_name_the_row_and_no_character_column(tmp_path: Path) -> None:
    """A quote left open was reported where the parser gave up, lines later; a CSV
    problem's column, a cell number, was given to GitHub as a character column."""
    shutil.copytree(DATA, tmp_path / "data")
    process = tmp_path / "data" / "change-process.csv"
    rows = process.read_text(encoding="utf-8").splitlines()
    rows[5] = rows[5].replace(",Change process overview", ',"Change process overview', 1)
    rows[2] = rows[2].replace(",microsoft,", ",microsfot,", 1)
    process.write_text("\n".join(rows) + "\n", encoding="utf-8")
    run = _validate(tmp_path)
    assert "data/change-process.csv:6: error[csv-syntax] not valid CSV" in run.stderr
    assert "in the row that starts here" in run.stderr
    rows[5] = rows[5].replace(',"Change process overview', ",Change process overview", 1)
    process.write_text("\n".join(rows) + "\n", encoding="utf-8")
    run = _validate(tmp_path, "--format", "github")
    assert "::error file=data/change-process.csv,line=3,title=unknown-party::" in run.stdout


def test_sarif_uri_is_a_uri_reference(tmp_path: Path) -> None:
    """A data file's name with a space or ``#`` is percent-encoded, as ``handbook check``
    encodes it (before, ``handbook validate`` wrote it raw, an invalid URI)."""
    (tmp_path / ".git").mkdir()
    file = tmp_path / "data" / "my roles#2.yaml"
    log = json.loads(to_sarif([Problem("yaml-syntax", "bad", str(file), 1)], tmp_path, "1"))
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "data/my%20roles%232.yaml"


def test_a_broken_samples_yaml_does_not_make_every_sample_file_unlisted(tmp_path: Path) -> None:
    """A record id written twice in samples.yaml was one duplicate-key error and eighteen
    unlisted-sample errors, one per sample file, each saying to add it to samples.yaml."""
    shutil.copytree(DATA, tmp_path / "data")
    samples = tmp_path / "data" / "samples" / "samples.yaml"
    _edit(samples, "    CHG-0102: [MMD001]\n", "    CHG-0102: [MMD001]\n    CHG-0102: []\n")
    run = _validate(tmp_path, "--format", "json")
    assert run.returncode == 1
    found = [(p["code"], p["file"]) for p in json.loads(run.stdout)]
    assert found == [("duplicate-key", "data/samples/samples.yaml")]


def test_a_value_listed_twice_is_a_warning_at_its_list(tmp_path: Path) -> None:
    # an edition, change type or action written twice in one list was accepted silently
    shutil.copytree(DATA, tmp_path / "data")
    rules = tmp_path / "data" / "rules.yaml"
    line = _edit(rules, 'editions: ["2018", "2022"]', 'editions: ["2018", "2022", "2018"]')
    run = _validate(tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0] == (
        f"data/rules.yaml:{line}:3: warning[listed-twice] '2018' is listed twice in 'editions'"
        " (list it once, or write the value that was meant)"
    )
    assert _validate(tmp_path, "--format", "json").returncode == 0

"""``handbook fmt``: one canonical form of the data files, comments kept; through the CLI."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from handbook.model.canonical import DEFAULT_FILES, canonical_text
from handbook.model.loader import load_handbook

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


def test_a_number_written_plain_is_quoted_as_written(copy: Path) -> None:
    """``edition: 2022`` and ``doc: 000`` are text to the loader, numbers to an editor's
    schema: fmt writes them quoted, as written (``000``, not ``0``)."""
    rules = copy / "data" / "rules.yaml"
    text = rules.read_text(encoding="utf-8")
    assert 'editions: ["2018", "2022"]' in text and '- doc: "000"' in text
    rules.write_text(
        text.replace('editions: ["2018", "2022"]', "editions: [2018, 2022]", 1).replace(
            '- doc: "000"', "- doc: 000", 1
        ),
        encoding="utf-8",
    )
    assert _fmt(copy, "--check", "data/rules.yaml").returncode == 1
    assert _fmt(copy, "data/rules.yaml").returncode == 0
    assert rules.read_text(encoding="utf-8") == text


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
    # as handbook validate says it: where the [ was opened, a line before
    assert "(in the flow sequence that starts at line 1, column 7)" in run.stderr
    assert "Traceback" not in run.stderr
    broken.write_text('- id: "email\n  name: Email\n- id: "web"\n  name: Web\n', encoding="utf-8")
    quote = _fmt(copy, "data/channels.yaml")
    assert quote.returncode == 1 and quote.stderr.startswith("data/channels.yaml:3:")
    assert "the quoted text that starts at line 1, column 7 runs on to line 3" in quote.stderr
    missing = _fmt(copy, "data/nope.yaml")
    assert missing.returncode == 2 and "data/nope.yaml: not found" in missing.stderr
    unknown = _fmt(copy, "--nope")
    assert unknown.returncode == 2


def test_committed_data_is_canonical() -> None:
    run = _fmt(ROOT, "--check")
    assert run.returncode == 0, run.stdout
    assert run.stdout.startswith("0 file(s) would be reformatted")


@pytest.mark.parametrize("name", [n for n in DEFAULT_FILES if n.endswith(".yaml")])
def test_formatting_keeps_the_meaning(name: str) -> None:
    """A file dumped by PyYAML (keys sorted, lines folded at 40, no comments) formats to
    text that reads back as the same data, through PyYAML and through the loader."""
    path = DATA / name
    value = yaml.safe_load(path.read_text(encoding="utf-8"))
    messy = yaml.safe_dump(value, sort_keys=True, width=40, allow_unicode=True)
    canonical = canonical_text(path, messy, DATA)
    assert yaml.safe_load(canonical) == value
    assert canonical_text(path, canonical, DATA) == canonical


def test_the_loader_reads_formatted_messy_data_as_the_original(copy: Path) -> None:
    data = copy / "data"
    for name in DEFAULT_FILES:
        if name.endswith(".yaml"):
            value = yaml.safe_load((data / name).read_text(encoding="utf-8"))
            dumped = yaml.safe_dump(value, sort_keys=True, width=40, allow_unicode=True)
            (data / name).write_text(dumped, encoding="utf-8")
    assert _fmt(copy).returncode == 0
    before, _ = load_handbook(DATA)
    after, problems = load_handbook(data)
    assert before is not None and after is not None, problems
    for field in (
        "rules",
        "change_types",
        "sop_categories",
        "roles",
        "errata",
        "glossary",
        "samples",
        "editions",
        "documents",
        "parties",
        "prose",
    ):
        assert [x.model_dump() for x in getattr(after, field)] == [
            x.model_dump() for x in getattr(before, field)
        ], field
    assert after.overview.model_dump() == before.overview.model_dump()


def test_model_order_of_the_canonical_files_follows_the_schemas() -> None:
    """Key order is the model's field order, which is also the schema's property order."""
    schema = json.loads((ROOT / "schemas" / "rules.schema.json").read_text(encoding="utf-8"))
    order = [k for k in schema["definitions"]["Rule"]["properties"]]
    value = yaml.safe_load((DATA / "rules.yaml").read_text(encoding="utf-8"))
    for rule in value:
        keys = list(rule)
        assert keys == sorted(keys, key=order.index)


def test_broken_csv_and_empty_yaml(copy: Path) -> None:
    process = copy / "data" / "change-process.csv"
    process.write_text('edition,phase\n"2018,before\n', encoding="utf-8")
    run = _fmt(copy, "data/change-process.csv")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert run.stderr.startswith("data/change-process.csv:2: not valid CSV")
    empty = copy / "data" / "glossary.yaml"
    empty.write_text("# nothing yet  \r\n", encoding="utf-8")
    assert _fmt(copy, "data/glossary.yaml").returncode == 0
    assert empty.read_text(encoding="utf-8") == "# nothing yet\n"


def test_a_comment_above_a_nested_first_item_stays_where_it_was(copy: Path) -> None:
    """ruamel.yaml wrote such a comment two columns further left at each run."""
    path = copy / "data" / "sop-categories.yaml"
    text = path.read_text(encoding="utf-8")
    assert "  microsoft:\n    - id:" in text
    path.write_text(
        text.replace("  microsoft:\n    - id:", "  microsoft:\n    # kept here\n    - id:", 1),
        encoding="utf-8",
    )
    for _ in range(2):
        assert _fmt(copy).returncode == 0
        assert "  microsoft:\n    # kept here\n    - id:" in path.read_text(encoding="utf-8")
    # in a block scalar, a line that starts with '#' is text, not a comment: left alone
    rules = copy / "data" / "rules.yaml"
    text = rules.read_text(encoding="utf-8")
    assert "  statement: >-\n" in text
    sharp = "  statement: >-\n    # not a comment\n      - nor a list item\n"
    rules.write_text(text.replace("  statement: >-\n", sharp, 1), encoding="utf-8")
    assert _fmt(copy).returncode == 0
    assert sharp in rules.read_text(encoding="utf-8")


def test_a_data_file_that_is_no_file_is_counted_not_skipped(copy: Path) -> None:
    """A channels.yaml linked to /dev/zero or to a folder was skipped in silence
    ('15 already canonical' of 16)."""
    channels = copy / "data" / "channels.yaml"
    channels.unlink()
    channels.symlink_to("/dev/zero")
    run = _fmt(copy)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "channels.yaml: not a regular file" in run.stderr
    assert "1 not formatted" in run.stdout

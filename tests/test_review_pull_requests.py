"""``handbook diff`` on realistic pull requests: what a reviewer sees of each, through the
real CLI in a temporary git repository holding a copy of data/."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from .conftest import edit as _edit
from .review_support import GIT, data_repo
from .review_support import diff as _diff


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose one commit holds the project's data/."""
    return data_repo(tmp_path)


NETWORK = "text: Advise and plan with customers to minimize risk to business users."


def test_text_from_the_data_is_literal_in_the_markdown(repo: Path) -> None:
    """A statement and a sample title holding HTML and Markdown marks went into the
    Markdown (a pull request's job summary) as they were: a <script> tag, an <img> with an
    onerror, emphasis and a table cell's end."""
    data = repo / "data"
    _edit(
        data / "sop-categories.yaml",
        NETWORK,
        'text: "Advise and plan <b>with</b> customers to minimize risk to <script>x</script> '
        'users | *see* [notes](http://x.test) ~~now~~ &lt;."',
    )
    _edit(
        data / "samples" / "mmd001-advance-notice.yaml",
        "title: New admin setting, notified exactly 120 hours ahead",
        'title: "New <img src=x onerror=alert(1)> setting | *120* hours"',
    )
    _edit(data / "rules.yaml", "at_least: P5D}", "at_least: P7D}")
    run = _diff(repo, "HEAD")
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert re.findall(r"(?<!\\)[<&]", out) == []  # no tag, no entity
    for raw in ("*see*", "[notes]", "~~now~~"):
        assert raw not in out, raw
    assert "\\<script\\>x\\</script\\>" in out
    assert "**\\<b\\>with\\</b\\>**" in out  # the inserted words still in bold
    row = next(line for line in out.splitlines() if "CHG-0101" in line)
    assert row.count(" | ") == 4, row  # five cells: the title's | is escaped
    assert "New \\<img src=x onerror=alert(1)\\> setting \\| \\*120\\* hours" in row
    # what the data did not write stays readable: no backslash before a full stop
    assert "at least 7 days (168 hours)" in out


def _renumber_mmd009(data: Path, new: str) -> None:
    """MMD009 renumbered everywhere (rules, samples, expectations), as a contributor does."""
    for path in [data / "rules.yaml", *sorted((data / "samples").iterdir())]:
        text = path.read_text(encoding="utf-8")
        if "MMD009" in text:
            path.write_text(text.replace("MMD009", new), encoding="utf-8")


def test_a_rule_renumbered_is_one_rename_not_every_parameter_twice(repo: Path) -> None:
    """A rule whose id changed (its title did not) was a rename in the items and also every
    parameter of the new id added and of the old id removed: 12 lines saying nothing."""
    _renumber_mmd009(repo / "data", "MMD011")
    run = _diff(repo, "HEAD")
    assert run.returncode == 0, run.stderr
    assert "- Renamed rule `MMD011`: “Prohibited action” (id was `MMD009`)" in run.stdout
    assert "### Rule parameters" not in run.stdout
    assert "rules changed" not in run.stdout and "rule changed" not in run.stdout
    # a parameter changed with the id shows, once, against the old rule
    _edit(
        repo / "data" / "rules.yaml",
        "title: Prohibited action\n  kind: prohibited-actions",
        "title: Prohibited action\n  kind: prohibited-actions\n  severity: warning",
    )
    run = _diff(repo, "HEAD")
    assert "### Rule parameters" in run.stdout
    lines = [line for line in run.stdout.splitlines() if line.startswith("- **MMD0")]
    assert lines == ["- **MMD011** Prohibited action, severity: error → warning"]


HELLO = """
- id: windows-hello
  edition: "2022"
  name: Windows Hello for Business
  microsoft:
    - id: windows-hello-monitor-enrollment
      text: Monitor Windows Hello for Business enrollment on managed devices.
  customer:
    - id: windows-hello-not-change-pin-policy
      text: Not change the PIN complexity policy assigned by Microsoft Managed Desktop.
  source: {doc: "001", section: Standard operating procedures}
"""


def test_a_new_sop_category_shows_its_statements(repo: Path) -> None:
    """A new SOP category was one line, "Added SOP category", and none of the duties it
    gives each party; a removed one, likewise, hid the duties that went with it."""
    sops = repo / "data" / "sop-categories.yaml"
    sops.write_text(sops.read_text(encoding="utf-8") + HELLO, encoding="utf-8")
    run = _diff(repo, "HEAD")
    assert run.returncode == 0, run.stderr
    where = "2022 · SOP category “Windows Hello for Business”"
    assert f"- Added, {where} · Microsoft: “Monitor Windows Hello for Business" in run.stdout
    assert f"- Added, {where} · Customer: “Not change the PIN complexity" in run.stdout
    assert "- Added SOP category `windows-hello` (2022): “Windows Hello for Business”" in run.stdout
    subprocess.run([*GIT, "commit", "-q", "-am", "hello"], cwd=repo, check=True)
    sops.write_text(sops.read_text(encoding="utf-8").replace(HELLO, ""), encoding="utf-8")
    run = _diff(repo, "HEAD")
    assert f"- Removed, {where} · Customer: “Not change the PIN complexity" in run.stdout
    assert "2 statements changed, 1 item added, removed or renamed." in run.stdout


def test_a_new_edition_shows_what_it_says(repo: Path) -> None:
    """An edition added was one line, "Added edition", without its categories and duties."""
    data = repo / "data"
    _edit(
        data / "editions.yaml",
        '    in_force_from: 2022-12-06\n    documents: ["001", "002", "004"]',
        "    in_force_from: 2022-12-06\n    in_force_until: 2024-02-29\n"
        '    documents: ["001", "002", "004"]\n'
        '  - id: "2024"\n    title: 2024 edition\n    description: The last pages.\n'
        "    in_force_from: 2024-03-01\n"
        '    documents: ["004"]',
    )
    sops = data / "sop-categories.yaml"
    sops.write_text(
        sops.read_text(encoding="utf-8") + HELLO.replace('"2022"', '"2024"'), encoding="utf-8"
    )
    run = _diff(repo, "HEAD")
    assert run.returncode == 0, run.stderr
    assert "- Added edition `2024`: “2024 edition”" in run.stdout
    assert "- Added SOP category `windows-hello` (2024): “Windows Hello for Business”" in run.stdout
    assert (
        "- Added, 2024 · SOP category “Windows Hello for Business” · Customer: “Not" in run.stdout
    )


def test_a_new_edition_and_document_show_their_dates(repo: Path) -> None:
    """An edition added showed no in-force date (which decides the rules a record meets)
    and a document added did not show at all; as for a rule added, every parameter shows."""
    _edit(
        repo / "data" / "editions.yaml",
        '    in_force_from: 2022-12-06\n    documents: ["001", "002", "004"]',
        "    in_force_from: 2022-12-06\n    in_force_until: 2024-02-29\n"
        '    documents: ["001", "002", "004"]\n'
        '  - id: "2024"\n    title: 2024 edition\n    description: The last pages.\n'
        '    in_force_from: 2024-03-01\n    documents: ["005"]',
    )
    _edit(
        repo / "data" / "editions.yaml",
        "    learn_path: intro/index.md\n",
        '    learn_path: intro/index.md\n  - id: "005"\n    file: 005_eol.txt\n'
        "    title: End of life\n    ms_date: 2024-03-01\n    author: tiaraquan\n"
        '    edition: "2024"\n    learn_path: intro/end-of-life.md\n',
    )
    run = _diff(repo, "HEAD")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert "- `2022` edition 2022 edition, in force until: (none) → 2024-02-29" in lines
    assert "- `2024` edition 2024 edition, in force from: (none) → 2024-03-01" in lines
    assert "- `2024` edition 2024 edition, documents: (none) → 005" in lines
    assert "- `005` document End of life, ms.date: (none) → 2024-03-01" in lines


def test_a_sample_file_renamed_keeps_its_records(repo: Path) -> None:
    """A sample file renamed (git mv, and its entry in samples.yaml) showed each record as
    gone from the old file and new in the other: rows of "(not on this side)" for
    records whose verdicts did not change."""
    samples = repo / "data" / "samples"
    (samples / "mmd009-prohibited-actions.yaml").rename(samples / "prohibited-actions.yaml")
    _edit(samples / "samples.yaml", "mmd009-prohibited-actions.yaml", "prohibited-actions.yaml")
    run = _diff(repo, "HEAD")
    assert run.returncode == 0, run.stderr
    assert "No change to statements, responsibilities, rules or verdicts." in run.stdout
    _renumber_mmd009(repo / "data", "MMD011")  # and the rule renumbered: its codes change
    rows = [line for line in _diff(repo, "HEAD").stdout.splitlines() if line.startswith("| ")]
    assert rows[2:] == [
        "| prohibited-actions.yaml | CHG-0901 Resetting a service account password (2022) "
        "| MMD009 | MMD011 | matches |",
        "| prohibited-actions.yaml | CHG-0903 Changing MMD group membership in 2018 "
        "| MMD009 | MMD011 | matches |",
        "| certificates-and-mixed.csv | CHG-1705 Edit of an MMD policy | MMD009 | MMD011 "
        "| matches |",
    ]


def test_a_new_matrix_column_shows(repo: Path) -> None:
    """A scope added to the responsibility matrix (a column, with a party in every row) was
    "No change"; it is a matrix column added, as a row is a matrix row added."""
    data = repo / "data"
    scopes = data / "responsibility-scopes.yaml"
    scopes.write_text(
        scopes.read_text(encoding="utf-8") + "- id: cloud-services\n  name: Cloud services\n",
        encoding="utf-8",
    )
    matrix = data / "responsibility-matrix.csv"
    head, *rows = (line.rsplit(",", 2) for line in matrix.read_text("utf-8").splitlines())
    cells = [f"{head[0]},cloud-services"] + [f"{r[0]},microsoft" for r in rows]
    lines = [f"{c},{r[1]},{r[2]}" for c, r in zip(cells, [head, *rows], strict=True)]
    matrix.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = _diff(repo, "HEAD")
    assert run.returncode == 0, run.stderr
    assert "- Added matrix column `cloud-services`: “Cloud services”" in run.stdout
    _edit(scopes, "name: Cloud services", "name: Cloud apps")
    subprocess.run([*GIT, "commit", "-q", "-am", "column"], cwd=repo, check=True)
    _edit(scopes, "name: Cloud apps", "name: Cloud services")
    run = _diff(repo, "HEAD")
    assert "- Renamed matrix column `cloud-services`: “Cloud services” (was “Cloud apps”)" in (
        run.stdout
    )


def test_an_action_no_longer_prohibited_is_a_rule_parameter(repo: Path) -> None:
    """Taking an action off a statement's ``prohibits`` changes what MMD009 reports, but
    the review said "No change" when no sample took that action."""
    _edit(
        repo / "data" / "sop-categories.yaml",
        "      prohibits:\n        - assign-policy-to-service-account\n",
        "      prohibits:\n",
    )
    run = _diff(repo, "HEAD")
    assert run.returncode == 0, run.stderr
    assert (
        "- **MMD009** Prohibited action, actions prohibited in 2022: "
        "assign-policy-to-service-account, assign-mfa-to-service-account, "
    ) in run.stdout
    assert "→ assign-mfa-to-service-account, " in run.stdout


def test_a_quoted_source_added_to_a_rule_shows(repo: Path) -> None:
    """A seed sentence added to a rule's sources (its page quotes them as what the rule
    rests on) was "No change to statements, responsibilities, rules or verdicts"."""
    _edit(
        repo / "data" / "rules.yaml",
        "      quote: For emergency changes, apply a mitigation prior to notifying.\n\n",
        "      quote: For emergency changes, apply a mitigation prior to notifying.\n"
        '    - doc: "000"\n      section: Change types\n      quote: Emergency updates\n\n',
    )
    run = _diff(repo, "HEAD")
    assert run.returncode == 0, run.stderr
    (line,) = [x for x in run.stdout.splitlines() if x.startswith("- **MMD002**")]
    assert line.startswith("- **MMD002** Emergency mitigation first, sources: 000 · ")
    assert line.endswith("; 000 · Change types: “Emergency updates”"), line


def test_an_sop_category_id_renamed_is_one_rename(repo: Path) -> None:
    """A category's id renamed (and the actions' references to it) is one rename per
    edition: not its statements removed and added, nor MMD009's actions moved."""
    data = repo / "data"
    for name in ("sop-categories.yaml", "actions.yaml"):
        text = (data / name).read_text(encoding="utf-8")
        text = text.replace("- id: store-for-business\n", "- id: microsoft-store\n")
        text = text.replace("category: store-for-business,", "category: microsoft-store,")
        (data / name).write_text(text, encoding="utf-8")
    run = _diff(repo, "HEAD")
    assert run.returncode == 0, run.stderr
    assert "\n2 items added, removed or renamed.\n" in run.stdout
    assert (
        "- Renamed SOP category `microsoft-store` (2018): “Microsoft Store for Business” "
        "(id was `store-for-business`)"
    ) in run.stdout


def test_a_role_id_renamed_is_one_rename(repo: Path) -> None:
    """A role's id renamed (its name and description kept) showed its whole description
    removed and added again besides the rename."""
    _edit(repo / "data" / "roles.yaml", "- id: app-deployment\n", "- id: application-deployment\n")
    run = _diff(repo, "HEAD")
    assert run.returncode == 0, run.stderr
    assert "\n1 item added, removed or renamed.\n" in run.stdout
    assert (
        "- Renamed role of Microsoft `application-deployment`: “App deployment” "
        "(id was `app-deployment`)"
    ) in run.stdout


def test_a_change_type_renamed_shows_once_with_its_parameters(repo: Path) -> None:
    """A change type's name changed showed twice (a parameter and a renamed item); its id
    renamed hid the parameters changed with it (channels that decide MMD003)."""
    types = repo / "data" / "change-types.yaml"
    _edit(types, "  name: Functionality\n", "  name: Functionality changes\n")
    run = _diff(repo, "HEAD")
    assert run.returncode == 0, run.stderr
    assert "Change type parameters" not in run.stdout
    assert "(was “Functionality”)" in run.stdout
    subprocess.run([*GIT, "commit", "-q", "-am", "name"], cwd=repo, check=True)
    for path in [types, *sorted((repo / "data" / "samples").iterdir())]:
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"\bquality-update\b", "quality", text), encoding="utf-8")
    _edit(
        types,
        "  channels: [email]\n  customer_action:\n    - id: quality-will",
        "  channels: [email, security-bulletin]\n  customer_action:\n    - id: quality-will",
    )
    run = _diff(repo, "HEAD")
    assert (
        "- Renamed change type `quality` (2018): “Quality updates” (id was `quality-update`)"
        in (run.stdout)
    )
    assert (
        "- 2018 · change type `quality` Quality updates, channels: email → email, security-bulletin"
        in (run.stdout)
    )


def test_a_glossary_channel_or_party_edit_is_shown(repo: Path) -> None:
    """A pull request that edits only the glossary, a channel's name or a party's name was
    "No change to statements, responsibilities, rules or verdicts": the reviewer saw
    nothing. Each entry changed, added or removed is one line naming its file and what
    changed; a file only re-saved or reordered still shows nothing."""
    data = repo / "data"
    _edit(data / "glossary.yaml", "minimal impact.", "minimal <b>business</b> impact.")
    _edit(
        data / "glossary.yaml",
        "- id: sev-a-b-c\n",
        "- id: cab\n  term: CAB\n  definition: Change advisory board.\n- id: sev-a-b-c\n",
    )
    _edit(data / "channels.yaml", "  name: Email\n", "  name: E-mail\n")
    _edit(data / "parties.yaml", "name: Customer", "name: Contoso IT")
    run = _diff(repo, "HEAD")
    assert run.returncode == 0, run.stderr
    assert "\n4 other entries changed.\n" in run.stdout
    lines = [x for x in run.stdout.splitlines() if x.startswith("- ")]
    assert lines == [
        "- Added glossary entry `cab`: “CAB”, in glossary.yaml",
        "- Changed glossary entry `sev-a-b-c`: “Sev A, Sev B, Sev C” (definition), "
        "in glossary.yaml",
        "- Changed channel `email`: “E-mail” (name), in channels.yaml",
        "- Changed party `customer`: “Contoso IT” (name), in parties.yaml",
    ]


def test_a_glossary_reordered_and_resaved_is_no_change(repo: Path) -> None:
    path = repo / "data" / "glossary.yaml"
    head, *entries = path.read_text(encoding="utf-8").split("\n- id: ")
    reordered = "\n- id: ".join([head, *reversed([e.rstrip("\n") for e in entries])]) + "\n"
    assert reordered != path.read_text(encoding="utf-8")
    path.write_bytes(reordered.replace("\n", "\r\n").encode("utf-8"))
    run = _diff(repo, "HEAD")
    assert run.returncode == 0, run.stderr
    assert "No change to statements, responsibilities, rules or verdicts." in run.stdout


def test_a_change_type_added_shows_its_parameters(repo: Path) -> None:
    """An added change type was one line ('Added change type ...') without its channels or
    notice, which a reviewer must check; it now lists every parameter, as an added rule
    does."""
    _edit(
        repo / "data" / "change-types.yaml",
        "- id: non-security-update\n",
        '- id: planned-maintenance\n  edition: "2022"\n  name: Planned maintenance\n'
        "  advance_notice: Seven days\n  channels: [message-center]\n"
        '  source: {doc: "002", section: Change types}\n\n'
        "- id: non-security-update\n",
    )
    run = _diff(repo, "HEAD")
    assert run.returncode == 0, run.stderr
    lines = [x for x in run.stdout.splitlines() if "`planned-maintenance`" in x]
    assert lines == [
        "- 2022 · change type `planned-maintenance` Planned maintenance, channels: "
        "(none) → message-center",
        "- 2022 · change type `planned-maintenance` Planned maintenance, advance notice: "
        "(none) → Seven days",
        "- Added change type `planned-maintenance` (2022): “Planned maintenance”",
    ]

"""ITSM exports as change managers write their mappings: the mistakes the published mapping
documentation lets a customer make, each reported where it is made, or forgiven where the
export itself is forgiven."""

from __future__ import annotations

from pathlib import Path

from handbook.checker.check import check_paths
from handbook.checker.mapping import load_mapping

from .checker_support import handbook

EXPORT = (
    "Change ID,Subject,Requester,Planned Start Date\n"
    "CHN-41,Feature rollout,Meera Iyer,2023-06-12 09:00:00\n"
)


def test_a_column_name_with_spaces_around_it_is_the_header_cell(tmp_path: Path) -> None:
    """A column copied from the header with its trailing space ('Change ID ') read nothing:
    the header's cells are stripped, the mapping's names were not, so id was ignored (W002)
    and every record lacked it (E002 'id (column Change ID ) is missing')."""
    export = tmp_path / "changes.csv"
    export.write_text(EXPORT, encoding="utf-8")
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        'name: Freshservice\ndate_format: "%Y-%m-%d %H:%M:%S"\nfields:\n'
        '  id: "Change ID "\n  title: {column: " Subject"}\n'
        "  initiator: {value: customer}\n  starts_at: Planned Start Date\n",
        encoding="utf-8",
    )
    report = check_paths(handbook(), [export], mapping=load_mapping(mapping))
    assert [r.id for r in report.records] == ["CHN-41"]
    assert [(f.rule, f.field) for f in report.findings if f.field != "sop_category"] == []
    assert "column Change ID)" in str(load_mapping(mapping).labels())

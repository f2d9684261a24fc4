"""The samples of ``data/samples/``: each record's expected codes against the checker's.

One evaluation serves ``handbook verify`` and the site, so the two agree. Codes are
compared as sorted lists *with repetitions* (two invalid times: ``[E003, E003]``); waived
findings do not count; findings of no record are under ``"(file)"``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from handbook.model.entities import SampleFile
from handbook.model.handbook import Handbook

#: The annotation key of findings that belong to no record.
FILE_KEY = "(file)"


@dataclass
class SampleVerdict:
    """One sample record's expected and actual codes. ``line``: 1-based, in its file (None
    for ``(file)`` without findings); ``messages``: ``"CODE: message"``; mismatches are a
    record the annotation does not list (``listed`` False) or one the file lacks (``present``)."""

    file: str
    record: str
    title: str | None
    line: int | None
    initiator: str | None
    change_type: str | None
    sop_category: str | None
    edition: str | None
    expected: list[str]
    actual: list[str]
    messages: list[str] = field(default_factory=list)
    listed: bool = True
    present: bool = True
    snippet: str = ""
    """The record as written in its file (YAML lines, or the CSV header and row)."""

    @property
    def passed(self) -> bool:
        """True when the codes found are the codes expected (order aside)."""
        return self.listed and self.present and sorted(self.expected) == self.actual


@dataclass
class SampleResult:
    """One sample file: how many records were read and each listed record's verdict."""

    file: str
    records: int
    verdicts: list[SampleVerdict]

    @property
    def passed(self) -> bool:
        """True when every verdict passed."""
        return all(v.passed for v in self.verdicts)


def evaluate_sample(
    handbook: Handbook, sample: SampleFile, today: date | None = None
) -> SampleResult:
    """Check one sample file on its own (no waivers file) and pair each record's
    findings with ``sample.expect``: one verdict per annotated record, in annotation
    order, then one per record that has findings or is read but is not annotated."""
    from handbook.checker.check import check_paths  # pandas: not for `SampleVerdict` alone
    from handbook.checker.coded import fold
    from handbook.checker.validate import spellings

    path = handbook.root / "samples" / sample.file
    report = check_paths(handbook, [path], today=today, waivers=None, site_url=None)
    # a record may name its initiator by id or by name, in any case: read as the checker does
    initiators = spellings(handbook, [p.id for p in handbook.parties])["initiator"]
    refs = {r.id: r for r in report.records if r.id is not None}
    found: dict[str, list[tuple[str, str, int | None]]] = {}
    for f in report.findings:
        key = f.record if f.record is not None else FILE_KEY
        found.setdefault(key, []).append((f.rule, f.message, f.line))
    keys = [*sample.expect, *(k for k in [*refs, *found] if k not in sample.expect)]
    snippets = _record_snippets(path, [r.line for r in report.records if r.line])
    verdicts: list[SampleVerdict] = []
    for key in dict.fromkeys(keys):
        ref = refs.get(key)
        hits = found.get(key, [])
        line = ref.line if ref else (hits[0][2] if hits else None)
        expected = sample.expect.get(key)
        verdicts.append(
            SampleVerdict(
                file=sample.file,
                record=key,
                title=ref.title if ref else None,
                line=line,
                initiator=initiators.get(fold(ref.initiator)) if ref and ref.initiator else None,
                change_type=ref.change_type if ref else None,
                sop_category=ref.sop_category if ref else None,
                edition=ref.edition if ref else None,
                expected=list(expected or []),
                listed=expected is not None,
                present=ref is not None or bool(hits) or key == FILE_KEY,
                actual=sorted(rule for rule, _, _ in hits),
                messages=[f"{rule}: {message}" for rule, message, _ in hits],
                snippet=snippets.get(ref.line, "") if ref and ref.line else snippets.get(0, ""),
            )
        )
    return SampleResult(sample.file, len(report.records), verdicts)


def evaluate_samples(handbook: Handbook, today: date | None = None) -> list[SampleResult]:
    """Every sample file of ``data/samples/samples.yaml``, in its order."""
    return [evaluate_sample(handbook, s, today) for s in handbook.samples]


def sample_verdicts(handbook: Handbook) -> list[SampleVerdict]:
    """Every verdict of every sample file, in ``data/samples/samples.yaml`` order: the
    annotated records', then those the annotation does not list (``listed`` False: a
    mismatch, which the site reports as a ``sample-mismatch`` warning)."""
    return [v for r in evaluate_samples(handbook) for v in r.verdicts]


def _record_snippets(path: Path, starts: list[int], limit: int = 40) -> dict[int, str]:
    """Start line → the record's text (YAML: its lines up to the next record; CSV: the
    header and its row); key 0 holds the whole file (for file-level findings). At most
    ``limit`` lines each."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return {}
    out = {0: "\n".join(lines[:limit])}
    ordered = sorted(set(starts))
    ends = [*ordered[1:], len(lines) + 1] if ordered else []
    for start, end in zip(ordered, ends, strict=True):
        chunk = lines[start - 1 : end - 1]
        while chunk and not chunk[-1].strip():
            chunk.pop()
        if path.suffix.lower() == ".csv":
            chunk = [lines[0], *chunk]
        out[start] = "\n".join(chunk[:limit])
    return out

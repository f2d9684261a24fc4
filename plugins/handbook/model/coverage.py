"""Checks ``handbook validate`` makes beyond loading: what a contributor must add with
a change, not what makes the data unreadable.

`sample_coverage(handbook)` returns a `Problem` (code ``rule-without-samples``, at the
rule's id in ``rules.yaml``) for every rule that lacks a failing sample (a record of
``samples/samples.yaml`` expected to give the rule's code) or a passing sample (a record
expected *not* to give it, in a sample file that exercises the rule).

`unlisted_samples(handbook)` returns an ``unlisted-sample`` problem for every record file
in ``samples/`` that ``samples.yaml`` does not list (its records would never be checked);
`unknown_expected_codes(handbook)` an ``unknown-reference`` for every expected code
written as a rule id (not the checker's own ``E001``/``W001`` form, which ``handbook
verify`` checks) that no rule has.
"""

from __future__ import annotations

from handbook.model.handbook import Handbook
from handbook.model.problems import Problem
from handbook.model.references import checker_code
from handbook.model.validation import expected_one_of

#: Suffixes of the record files the checker reads.
RECORD_SUFFIXES = (".yaml", ".yml", ".json", ".csv")


def sample_coverage(hb: Handbook) -> list[Problem]:
    """One problem a rule without both a passing and a failing sample (see module doc)."""
    problems = []
    samples = hb.root / "samples" / "samples.yaml"
    for rule in hb.rules:
        exercising = [s for s in hb.samples if any(rule.id in c for c in s.expect.values())]
        failing = bool(exercising)
        passing = any(
            rule.id not in codes
            for s in exercising
            for record, codes in s.expect.items()
            if record != "(file)"
        )
        if failing and passing:
            continue
        missing = "passing" if failing else "failing"
        line, column = rule.at.of("id")
        problems.append(
            Problem(
                "rule-without-samples",
                f"rule {rule.id} has no {missing} sample in {samples}",
                rule.at.file,
                line or None,
                column or None,
                hint=f"add a sample file to {samples} with a record expected to give "
                f"[{rule.id}] and one expected to give []",
            )
        )
    return problems


def unlisted_samples(hb: Handbook) -> list[Problem]:
    """Record files of ``samples/`` that ``samples.yaml`` does not list (module doc)."""
    problems = []
    folder = hb.root / "samples"
    listed = {s.file for s in hb.samples} | {"samples.yaml"}
    index = folder / "samples.yaml"
    for path in sorted(folder.iterdir()) if folder.is_dir() else ():
        if path.suffix.lower() in RECORD_SUFFIXES and path.name not in listed:
            problems.append(
                Problem(
                    "unlisted-sample",
                    f"sample file '{path.name}' is not listed in {index}: its records are "
                    "never checked",
                    str(path),
                    None,
                    None,
                    hint=f"add '- file: {path.name}' with the codes each record expects to "
                    f"{index}, or remove the file",
                )
            )
    return problems


def unknown_expected_codes(hb: Handbook) -> list[Problem]:
    """Expected codes of ``samples.yaml`` in a rule's form that no rule has (module doc)."""
    problems = []
    rule_ids = [r.id for r in hb.rules]
    for sample in hb.samples:
        for record, codes in sample.expect.items():
            line, column = sample.at.of(f"expect.{record}")  # the record's line
            for code in codes:
                if checker_code(code) or code in rule_ids:
                    continue
                problems.append(
                    Problem(
                        "unknown-reference",
                        f"record {record} of '{sample.file}' expects '{code}', which is no "
                        "rule's id",
                        sample.at.file,
                        line or None,
                        column or None,
                        hint=expected_one_of(rule_ids, code),
                    )
                )
    return problems


def sample_problems(hb: Handbook) -> list[Problem]:
    """`unlisted_samples`, `unknown_expected_codes` and `sample_coverage` of a valid
    handbook: what ``handbook validate`` reports of the samples, and a build warns of."""
    return [*unlisted_samples(hb), *unknown_expected_codes(hb), *sample_coverage(hb)]

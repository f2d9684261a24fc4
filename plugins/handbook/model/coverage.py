"""Checks ``handbook validate`` makes beyond loading: what a contributor must add with
a change, not what makes the data unreadable.

`sample_coverage(handbook)` returns a `Problem` (code ``rule-without-samples``, at the
rule's id in ``rules.yaml``) for every rule that lacks a failing sample (a record of
``samples/samples.yaml`` expected to give the rule's code) or a passing sample (a record
expected *not* to give it, in a sample file that exercises the rule).
"""

from __future__ import annotations

from handbook.model.handbook import Handbook
from handbook.model.problems import Problem


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

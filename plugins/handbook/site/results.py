"""The checker's part of the site, computed once per content of ``data/``.

A few pages show what the checker says about the sample change records of
``data/samples/``: each record's verdict (`handbook.checker.samples.sample_verdicts`) and
each output format's text for the first sample file (`format_samples`). Computing them
imports the checker, pandas and NumPy (about a second), so `ResultsCache` keeps them
between builds, keyed on `data_key`: what the checker reads (`checker_view`: the data
without the parts only pages show, such as the matrix, roles and the statements that
prohibit nothing; the sample files; ``mkdocs.yml``, whose ``site_url`` the formats
print), the data folder's name as the checker prints it, and the code
(`handbook.cache_files.code_key`: an edit to the checker is never served old verdicts). So
editing a page's text under ``mkdocs serve`` does not recompute them: measured, the
plugin's part of a rebuild after a statement edit takes ~0.09 s of CPU instead of ~0.19 s
(and a first recomputation in a process also imports pandas, ~0.3 s).

* in memory, for the life of the process: a ``mkdocs serve`` rebuild whose data did not
  change reuses them;
* on disk, as JSON in ``<project>/.cache/handbook/results.json`` (git-ignored, as
  Material's own plugins keep theirs): a build whose data did not change since the last
  one does not import pandas at all.

A cache file that cannot be read, parsed or written costs a recomputation, never a build.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from handbook.cache_files import code_key, hash_files, read_cache, tree_files, write_cache

if TYPE_CHECKING:
    from handbook.checker.samples import SampleVerdict
    from handbook.model.handbook import Handbook
    from handbook.model.problems import Problem

log = logging.getLogger("mkdocs.plugins.handbook")

#: Changes when the layout of the cached JSON changes (older files are then ignored).
CACHE_FORMAT = 4
#: The cache file, relative to the project's folder (the one holding ``mkdocs.yml``).
CACHE_FILE = Path(".cache") / "handbook" / "results.json"


@dataclass
class SiteResults:
    """What the checker contributes to the site.

    Attributes:
        verdicts: every sample record's verdict (`sample_verdicts`), in
            ``data/samples/samples.yaml`` order; those the annotation does not list last.
        formats: output format name → the checker's output for the first sample file
            (`format_samples`); empty when there is no sample.
    """

    verdicts: list[SampleVerdict]
    formats: dict[str, str]


def format_samples(handbook: Handbook) -> dict[str, str]:
    """Each output format's text for the first sample file (the Checker section shows it).

    Returns ``{format name: output}`` in ``FORMATS`` order; empty when there is no sample.
    """
    from handbook.checker.check import check_paths
    from handbook.outputs import FORMATS  # the one place that names the renderers

    if not handbook.samples:
        return {}
    path = handbook.root / "samples" / handbook.samples[0].file
    report = check_paths(handbook, [path])
    return {name: renderer(report) for name, renderer in FORMATS.items()}


def checker_view(handbook: Handbook) -> Handbook:
    """``handbook`` with only what the checker reads (`compute` runs on this view, so
    its results cannot depend on anything else): the parts only pages show are emptied
    (documents, scopes, matrix, process, roles, prose, errata, glossary), and each SOP
    category keeps its id, edition and the customer statements that prohibit an action
    (`Handbook.prohibited_actions`); the rest (service, editions, parties, channels,
    actions, change types, overview, rules, samples) is kept whole."""
    categories = [
        c.model_copy(update={"microsoft": [], "customer": [s for s in c.customer if s.prohibits]})
        for c in handbook.sop_categories
    ]
    return replace(
        handbook,
        documents=[],
        scopes=[],
        matrix=[],
        process=[],
        roles=[],
        prose=[],
        errata=[],
        glossary=[],
        sop_categories=categories,
    )


def compute(handbook: Handbook) -> SiteResults:
    """The samples' verdicts and the output-format examples of `checker_view`
    (imports the checker)."""
    from handbook.checker.samples import sample_verdicts

    view = checker_view(handbook)
    return SiteResults(sample_verdicts(view), format_samples(view))


def json_data(value: Any) -> Any:
    """A pydantic model, list or path as JSON-able data (models without positions)."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [json_data(v) for v in value]
    if isinstance(value, Path):
        return value.as_posix()
    return value


def data_key(handbook: Handbook) -> str:
    """SHA-256 (hex) of what `compute` depends on: `checker_view` as JSON, the path and
    bytes of every file of the data folder's ``samples/`` (sorted by path) and of the
    ``mkdocs.yml`` beside the data folder (the checker prints its ``site_url``), the data
    folder's name as given (it appears in the formats' text), the code (`code_key`: the
    checker's and its libraries') and today's UTC date (waivers on sample records expire
    against it)."""
    digest = hashlib.sha256(code_key())
    root = handbook.root
    view = checker_view(handbook)
    model = {f.name: json_data(getattr(view, f.name)) for f in fields(view)}
    today = datetime.now(UTC).date().isoformat()
    digest.update(f"{CACHE_FORMAT}\0{root.as_posix()}\0{today}\0".encode())
    digest.update(json.dumps(model, sort_keys=True, ensure_ascii=False).encode())
    named = [(f"samples/{label}", p) for label, p in tree_files(root / "samples")]
    hash_files(digest, [*named, ("../mkdocs.yml", root.resolve().parent / "mkdocs.yml")])
    return digest.hexdigest()


def _to_json(key: str, results: SiteResults) -> str:
    return json.dumps(
        {
            "format": CACHE_FORMAT,
            "key": key,
            "verdicts": [asdict(v) for v in results.verdicts],
            "formats": results.formats,
        },
        ensure_ascii=False,
    )


def _from_json(text: str, key: str) -> SiteResults | None:
    """The results in ``text`` if it is a cache file for ``key``; None otherwise.

    Raises:
        ValueError (pydantic's ``ValidationError`` included), AttributeError, KeyError:
            ``text`` is not a cache file, or a value in it has the wrong type (a verdict
            whose ``expected`` is ``null`` failed the build before).
    """
    from pydantic import TypeAdapter

    from handbook.checker.samples import SampleVerdict  # dataclass only: no pandas

    data: Any = json.loads(text)
    if data.get("format") != CACHE_FORMAT or data.get("key") != key:
        return None
    verdicts = TypeAdapter(list[SampleVerdict]).validate_python(data["verdicts"])
    formats = TypeAdapter(dict[str, str]).validate_python(data["formats"])
    return SiteResults(verdicts, formats)


class ResultsCache:
    """`compute` kept in memory and in ``<project>/.cache/handbook/results.json``."""

    def __init__(self) -> None:
        self._key: str | None = None
        self._results: SiteResults | None = None

    def get(self, handbook: Handbook, project_dir: Path | None) -> SiteResults:
        """The results for ``handbook``: from memory, else from the project's cache file
        (None: no disk cache), else computed (and written there)."""
        key = data_key(handbook)
        if self._key == key and self._results is not None:
            log.debug("handbook: the checker's results are those of the last build")
            return self._results
        path = project_dir / CACHE_FILE if project_dir is not None else None
        results = read_cache(path, lambda t: _from_json(t, key)) if path is not None else None
        if results is None:
            results = compute(handbook)
            if path is not None:
                write_cache(path, _to_json(key, results))
        self._key, self._results = key, results
        return results


#: The process's cache: one per process, so ``mkdocs serve`` keeps it across rebuilds
#: (MkDocs makes a new plugin object for each rebuild).
CACHE = ResultsCache()


def sample_warnings(handbook: Handbook, results: SiteResults) -> list[Problem]:
    """What ``handbook validate`` and ``handbook verify`` would fail on in the samples, as
    warnings of a build (they fail ``mkdocs build --strict``, so a contributor who only
    watches the site build sees them): sample files not listed, expected codes no rule
    has, rules without a passing and a failing sample
    (`handbook.model.coverage`), and records whose findings are not the expected ones
    (``sample-mismatch``, at the record's line)."""
    from handbook.checker.samples import FILE_KEY  # dataclasses only: no pandas
    from handbook.model.coverage import sample_problems
    from handbook.model.problems import Problem

    found = sample_problems(handbook)
    annotations = {s.file: s for s in handbook.samples}
    for v in results.verdicts:
        if v.passed:
            continue
        sample = annotations.get(v.file)
        if not v.present and sample is not None:
            expected = ", ".join(sorted(v.expected)) or "no finding"
            line, column = sample.at.of(f"expect.{v.record}")
            found.append(
                Problem(
                    "sample-mismatch",
                    f"record {v.record} of '{v.file}': samples.yaml expects {expected}; the "
                    "file has no such record",
                    sample.at.file,
                    line or None,
                    column or None,
                    hint="correct the record id in samples.yaml, or remove it",
                )
            )
            continue
        # the findings' "CODE: message", so an E001 names its cause
        actual = "; ".join(v.messages) or "none"
        if not v.listed:
            what = (
                f'the file: samples.yaml lists no "{FILE_KEY}" entry'
                if v.record == FILE_KEY
                else f"record {v.record}: samples.yaml does not list it"
            )
            message = f"{what}; the checker reports {actual}"
        else:
            expected = ", ".join(sorted(v.expected)) or "no finding"
            message = (
                f"record {v.record}: samples.yaml expects {expected}; the checker reports {actual}"
            )
        found.append(
            Problem(
                "sample-mismatch",
                message,
                str(handbook.root / "samples" / v.file),
                v.line,
                None,
                hint="fix the record or its expected codes in samples.yaml "
                "(handbook verify shows the findings)",
            )
        )
    return [replace(p, severity="warning") for p in found]

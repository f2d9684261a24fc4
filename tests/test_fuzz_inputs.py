"""Bad input at scale (issue 16 item 5): Hypothesis feeds hostile files to the change-record
readers (`check_paths` on CSV, YAML and JSON) and to the data loader (`load_handbook` on a
copy of ``data/`` with one file replaced), then a few real ``handbook`` runs.

Hostile means: random bytes, a valid file truncated anywhere, UTF-16 with a BOM (what
spreadsheet programs save), a NUL byte anywhere, lone carriage returns (classic Mac line
ends), deep nesting, alias bombs (billion laughs) and a 10 MB line. Every case must end
with findings or problems that name the file, never an exception; the kinds that can never
be a valid file must give an error naming it. Each example has a time limit (an alarm,
`ALARM_S`, that stops a hang; no Hypothesis ``deadline``, which was flaky on shared
cores), never a timed assertion; the CLI runs have a subprocess timeout.

Examples per run (``max_examples`` plus the explicit ``@example`` cases): 150 + 4 for the
readers, 60 + 6 for the loader, and 9 CLI subprocess cases; 25-45 s on the shared
2-core machine. Found and fixed: a change-record CSV with lone CR line ends was read as a
header and no records (exit 0, nothing checked; now E001), and a NUL byte in a data CSV
was loaded into a cell (now an ``encoding`` problem with line and column).
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from handbook.checker.check import check_paths
from handbook.model.loader import load_handbook

from .checker_support import cli, handbook
from .conftest import DATA

#: A hard stop for one example (s): a hang fails the test instead of stalling CI.
ALARM_S = 60
SETTINGS = dict(
    # no Hypothesis deadline: on 2 shared cores a slow example made it flaky; a hang
    # still fails, through time_limit(ALARM_S)
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=False,
)
LONG_LINE = 10 << 20  # bytes
#: Kinds of input that are never a valid file: they must give an error naming the file
#: (lone CRs are valid line ends in YAML and in the data loader's CSV, not in a change
#: record CSV, where the checker refuses them rather than read one line).
ALWAYS_INVALID = {"utf-16", "nul", "deep", "bomb", "long-line"}


def always_invalid(kind: str, suffix: str) -> bool:
    return kind in ALWAYS_INVALID or (kind == "cr" and suffix == ".csv")


YAML_RECORDS = (DATA / "samples" / "mmd001-advance-notice.yaml").read_bytes()
CSV_RECORDS = (DATA / "samples" / "certificates-and-mixed.csv").read_bytes()
JSON_RECORDS = json.dumps(
    [
        {
            "id": "CHG-1",
            "initiator": "microsoft",
            "change_type": "functionality",
            "requires_admin_action": True,
            "notified_at": "2023-03-01T09:00:00Z",
            "channels": ["message-center", "email"],
            "starts_at": "2023-03-06T09:00:00Z",
        }
    ],
    indent=2,
).encode()
BASES = {".yaml": YAML_RECORDS, ".csv": CSV_RECORDS, ".json": JSON_RECORDS}
#: Data files the loader reads (relative to data/) and one of each kind for the CLI.
DATA_FILES = [
    "editions.yaml",
    "parties.yaml",
    "channels.yaml",
    "actions.yaml",
    "responsibility-scopes.yaml",
    "responsibility-matrix.csv",
    "change-process.csv",
    "change-types.yaml",
    "sop-categories.yaml",
    "roles.yaml",
    "prose.yaml",
    "overview.yaml",
    "errata.yaml",
    "rules.yaml",
    "glossary.yaml",
    "samples/samples.yaml",
]


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Raise TimeoutError in this (main) thread after ``seconds``."""

    def stop(signum: int, frame: object) -> None:
        raise TimeoutError(f"example still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def bomb(width: int, depth: int) -> bytes:
    """A billion-laughs YAML list: ``width ** depth`` values from a few hundred bytes."""
    lines = ["- &a0 [" + ", ".join(["lol"] * width) + "]"]
    lines += [f"- &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]" for i in range(1, depth)]
    return ("\n".join(lines) + "\n").encode()


def hostile(valid: bytes, bombs: bool = True) -> st.SearchStrategy[tuple[str, bytes]]:
    """(kind, content): a hostile variant of the valid file ``valid`` (alias bombs only
    when ``bombs``: the data loader expands 2,000,000 values, seconds, before refusing
    one, so its bombs are explicit examples)."""
    at = st.integers(0, len(valid))
    return st.one_of(
        st.binary(max_size=4096).map(lambda b: ("random", b)),
        at.map(lambda n: ("truncated", valid[:n])),
        st.just(("utf-16", valid.decode("utf-8").encode("utf-16"))),  # BOM, then UTF-16 LE
        at.map(lambda n: ("nul", valid[:n] + b"\x00" + valid[n:])),
        st.just(("cr", valid.replace(b"\r\n", b"\n").replace(b"\n", b"\r"))),
        st.integers(2, 2_000).map(lambda d: ("deep", b"[" * d + b"]" * d)),
        st.tuples(st.integers(2, 40), st.integers(2, 12)).map(lambda t: ("bomb", bomb(*t)))
        if bombs
        else st.nothing(),
    )


def _names_file(where: str, path: Path) -> bool:
    return Path(where) == path


# --- the record readers (in-process) -----------------------------------------------------


@settings(max_examples=150, **SETTINGS)  # type: ignore[arg-type]
@given(
    suffix=st.sampled_from(sorted(BASES)),
    data=st.data(),
)
@example(suffix=".yaml", data=None)  # the 10 MB line, one per reader (JSON: the CLI case)
@example(suffix=".csv", data=None)
@example(suffix=".csv", data=("cr", CSV_RECORDS.replace(b"\n", b"\r")))
@example(suffix=".csv", data=("utf-16", CSV_RECORDS.decode().encode("utf-16")))
def test_record_readers_never_crash(
    tmp_path_factory: pytest.TempPathFactory, suffix: str, data: object
) -> None:
    if data is None:
        kind, content = "long-line", b"x" * LONG_LINE + b"\n"
    elif isinstance(data, tuple):
        kind, content = data
    else:
        kind, content = data.draw(hostile(BASES[suffix]))  # type: ignore[attr-defined]
    path = tmp_path_factory.mktemp("fuzz") / f"records{suffix}"
    path.write_bytes(content)
    with time_limit(ALARM_S):
        report = check_paths(handbook(), [path])
    assert all(_names_file(f.file, path) for f in report.findings), report.findings
    if always_invalid(kind, suffix):
        # E001 mostly; a NUL before "id" in a CSV header is E002 "id is missing", also right
        assert any(f.severity == "error" for f in report.findings), (kind, report.findings)
    path.unlink()


# --- the data loader (in-process) ---------------------------------------------------------


@pytest.fixture(scope="module")
def data_copy_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("fuzzdata") / "data"
    shutil.copytree(DATA, target)
    return target


@settings(max_examples=60, **SETTINGS)  # type: ignore[arg-type]
@given(name=st.sampled_from(DATA_FILES), data=st.data())
@example(name="sop-categories.yaml", data=None)
@example(name="change-process.csv", data=None)
@example(name="responsibility-matrix.csv", data=("cr", b""))
@example(name="roles.yaml", data=("utf-16", b""))
@example(name="rules.yaml", data=("bomb", bomb(40, 12)))  # refused: too many values
@example(name="parties.yaml", data=("bomb", bomb(10, 5)))  # 100,000 values: wrong type
def test_loader_never_crashes(data_copy_once: Path, name: str, data: object) -> None:
    target = data_copy_once / name
    original = (DATA / name).read_bytes()
    if data is None:
        kind, content = "long-line", b"x" * LONG_LINE + b"\n"
    elif isinstance(data, tuple):
        kind = data[0]
        content = {
            "cr": original.replace(b"\r\n", b"\n").replace(b"\n", b"\r"),
            "utf-16": original.decode().encode("utf-16"),
            "bomb": data[1],
        }[kind]
    else:
        kind, content = data.draw(hostile(original, bombs=False))  # type: ignore[attr-defined]
    target.write_bytes(content)
    try:
        with time_limit(ALARM_S):
            loaded, problems = load_handbook(data_copy_once)
    finally:
        target.write_bytes(original)
    assert all(Path(p.file).is_relative_to(data_copy_once) for p in problems), problems
    if kind in ALWAYS_INVALID:
        assert loaded is None
        errors = [p for p in problems if p.severity == "error" and _names_file(p.file, target)]
        assert errors, (kind, problems)


# --- the real CLI --------------------------------------------------------------------------


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return cli(*args, timeout=180)  # a hang fails the test


CLI_CASES = {
    "utf16.csv": CSV_RECORDS.decode().encode("utf-16"),
    "mac.csv": CSV_RECORDS.replace(b"\n", b"\r"),
    "nul.yaml": YAML_RECORDS[:40] + b"\x00" + YAML_RECORDS[40:],
    "deep.json": b"[" * 100_000 + b"]" * 100_000,
    "bomb.yaml": bomb(40, 12),
    "long.json": b'["' + b"x" * LONG_LINE + b'"]\n',
}


@pytest.mark.parametrize("name", sorted(CLI_CASES))
def test_check_cli_names_the_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(CLI_CASES[name])
    result = _cli("check", str(path))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert f"{path}:" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("sop-categories.yaml", bomb(20, 8)),
        ("responsibility-matrix.csv", (DATA / "responsibility-matrix.csv").read_bytes()[::-1]),
        ("roles.yaml", (DATA / "roles.yaml").read_text(encoding="utf-8").encode("utf-16")),
    ],
)
def test_validate_cli_names_the_file(tmp_path: Path, name: str, content: bytes) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    (data / name).write_bytes(content)
    result = _cli("validate", "--data", str(data))
    assert result.returncode in (1, 2), (result.stdout, result.stderr)  # 1: data problems
    assert "Traceback" not in result.stderr
    assert str(data / name) in result.stdout + result.stderr

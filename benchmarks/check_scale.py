"""Checker benchmark: ``handbook check`` on a million records against a DuckDB peer.

    python benchmarks/check_scale.py [--records 1000000] [--repeat 3] [--memory]
        [--chunk-size N] [--c-reader] [--workdir DIR]

Generates deterministic synthetic change records (CSV, NumPy seed 42, cached in
``--workdir``; half Microsoft changes that need 5 days' notice, half customer changes with
a support request and advice; every fifth record breaks MMD001 or MMD007), then, in one
run, times three whole processes (subprocesses from start to exit, best of ``--repeat``,
run in turns so that the machine's drift hits all three alike):

* ``handbook check --format json --output FILE records.csv`` (default options);
* the peer, ``benchmarks/peers/duckdb_rules.py``: the same rules and input errors as
  DuckDB SQL, findings (file, line, rule, message) written to a CSV;
* ``pandas.read_csv(path, engine="pyarrow", dtype_backend="pyarrow")``: reading the file.

It prints each one's time and peak memory, the per-rule counts of the checker and of the
peer (and exits 1, loudly, when they differ: the comparison is void), how many findings
are identical (line, rule, message), and the ratios check / DuckDB (budget <= 1.5,
moonshot 1.0) and check / read_csv(pyarrow), as best / best and as the median of each
round's ratio (the processes of a round run one after the other, so a round's ratio is
less exposed to the machine's drift). ``--c-reader`` also times pandas' C reader
with default dtypes, for information only. With ``--memory`` it runs ``handbook check``
on 1x and 5x the records and prints both peaks (budget: 5x <= 1.2 x the 1x peak).

Peak memory is the child's own VmHWM, written at exit by a ``sitecustomize`` module that
this script puts first on the child's ``PYTHONPATH`` (``ru_maxrss`` of a child also
counts the parent's memory at fork). Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import collections
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
HEADER = (
    "id,title,initiator,change_type,sop_category,emergency,requires_admin_action,"
    "approval_required,notified_at,channels,mitigated_at,approved_at,customer_action_at,"
    "support_request_at,advised_at,certificate_expires_at,actions,starts_at\n"
)
BLOCK = 100_000


def _iso(seconds: np.ndarray) -> list[str]:
    stamps = np.datetime_as_string(seconds.astype("datetime64[s]"), unit="s")
    return [s + "Z" for s in stamps.tolist()]


def generate(path: Path, rows: int, seed: int = 42) -> None:
    """Write ``rows`` synthetic records to ``path`` (deterministic for a seed)."""
    rng = np.random.default_rng(seed)
    base = int(np.datetime64("2023-01-01T00:00:00", "s").astype(np.int64))
    with path.open("w", encoding="utf-8", newline="\n") as f:
        f.write(HEADER)
        for start in range(0, rows, BLOCK):
            n = min(BLOCK, rows - start)
            i = np.arange(start, start + n)
            starts = base + rng.integers(0, 400 * 86400, n)
            bad = i % 5 == 0
            microsoft = i % 2 == 0
            notified = starts - np.where(bad, 5 * 86400 - 3600, 5 * 86400 + 600)
            support = starts - 3 * 86400
            advised = starts - np.where(bad, -3600, 86400)
            s_starts, s_notified = _iso(starts), _iso(notified)
            s_support, s_advised = _iso(support), _iso(advised)
            ids = [f"CHG-{k:07d}" for k in i.tolist()]
            lines = []
            for k, ms in enumerate(microsoft.tolist()):
                if ms:
                    lines.append(
                        f"{ids[k]},Synthetic change {start + k},microsoft,functionality,,false,"
                        f"true,,{s_notified[k]},message-center;email,,,,,,,,{s_starts[k]}\n"
                    )
                else:
                    lines.append(
                        f"{ids[k]},Synthetic change {start + k},customer,,policies,,,,,,,,,"
                        f"{s_support[k]},{s_advised[k]},,,{s_starts[k]}\n"
                    )
            f.write("".join(lines))


BIN = Path(sys.executable).parent
PEER = ROOT / "benchmarks" / "peers" / "duckdb_rules.py"
READ_ARROW = (
    "import sys, pandas as pd\npd.read_csv(sys.argv[1], engine='pyarrow', dtype_backend='pyarrow')"
)
READ_C = "import sys, pandas as pd\npd.read_csv(sys.argv[1])"
#: Imported by every child Python at start-up: writes its peak RSS (VmHWM, kB) at exit.
SITECUSTOMIZE = """
import atexit, os
def _peak():
    with open('/proc/self/status') as f:
        kb = next(line.split()[1] for line in f if line.startswith('VmHWM:'))
    with open(os.environ['BENCH_PEAK_FILE'], 'w') as f:
        f.write(kb)
if os.environ.get('BENCH_PEAK_FILE'):
    atexit.register(_peak)
"""


def file_for(workdir: Path, records: int) -> Path:
    """The synthetic file of ``records`` records (generated once per work folder)."""
    path = workdir / f"records-{records}.csv"
    if not path.exists():
        begin = time.perf_counter()
        generate(path, records)
        print(
            f"generated {path} ({path.stat().st_size / 1e6:.0f} MB) in "
            f"{time.perf_counter() - begin:.1f} s"
        )
    return path


def run(cmd: list[str], workdir: Path, ok: tuple[int, ...] = (0,)) -> tuple[float, int]:
    """(wall seconds, peak RSS in bytes) of one command; exits when its code is not in
    ``ok``."""
    peak_file = workdir / "peak.txt"
    peak_file.unlink(missing_ok=True)
    site = workdir / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    path = os.pathsep.join(p for p in (str(site), os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "PYTHONPATH": path, "BENCH_PEAK_FILE": str(peak_file)}
    begin = time.perf_counter()
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - begin
    if result.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd)} exited {result.returncode}:\n{result.stderr}")
    peak = int(peak_file.read_text().strip()) * 1024 if peak_file.exists() else 0
    return elapsed, peak


def check_cmd(path: Path, out: Path, chunk_size: int | None) -> list[str]:
    cmd = [str(BIN / "handbook"), "check", "--data", str(ROOT / "data"), "--format", "json"]
    if chunk_size is not None:
        cmd += ["--chunk-size", str(chunk_size)]
    return [*cmd, "--output", str(out), str(path)]


def findings_of_check(out: Path) -> list[tuple[int, str, str]]:
    """(line, rule, message) of each finding of ``handbook check --format json``."""
    with out.open(encoding="utf-8") as f:
        report = json.load(f)
    return [(int(x["line"]), x["rule"], x["message"]) for x in report["findings"]]


def findings_of_peer(out: Path) -> list[tuple[int, str, str]]:
    """(line, rule, message) of each finding the peer wrote (CSV)."""
    with out.open(encoding="utf-8", newline="") as f:
        return [(int(r["line"]), r["rule"], r["message"]) for r in csv.DictReader(f)]


def compare(check: Path, peer: Path) -> bool:
    """Print the per-rule counts of both; True when they are the same."""
    mine, theirs = findings_of_check(check), findings_of_peer(peer)
    a = collections.Counter(rule for _, rule, _ in mine)
    b = collections.Counter(rule for _, rule, _ in theirs)
    print(f"{'rule':8} {'check':>10} {'duckdb':>10}")
    for rule in sorted(a.keys() | b.keys()):
        mark = "" if a[rule] == b[rule] else "   <-- DIFFERENT"
        print(f"{rule:8} {a[rule]:>10,} {b[rule]:>10,}{mark}")
    same = len(set(mine) & set(theirs))
    print(f"identical findings (line, rule, message): {same:,} of {len(mine):,} / {len(theirs):,}")
    return a == b


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="best of N (default 3)")
    parser.add_argument("--memory", action="store_true", help="also compare 1x and 5x peaks")
    parser.add_argument("--chunk-size", type=int, default=None, help="pass to handbook check")
    parser.add_argument("--c-reader", action="store_true", help="also time pandas' C reader")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.gettempdir()) / "handbook-check-scale"
    workdir.mkdir(parents=True, exist_ok=True)
    path = file_for(workdir, args.records)
    out, peer_out = workdir / "check.json", workdir / "duckdb.csv"
    commands = {
        "handbook check": (check_cmd(path, out, args.chunk_size), (0, 1)),
        "duckdb peer": ([sys.executable, str(PEER), str(path), "--output", str(peer_out)], (0,)),
        "read_csv(pyarrow)": ([sys.executable, "-c", READ_ARROW, str(path)], (0,)),
    }
    if args.c_reader:
        commands["read_csv(C, info)"] = ([sys.executable, "-c", READ_C, str(path)], (0,))
    times: dict[str, list[float]] = {name: [] for name in commands}
    peaks: dict[str, int] = dict.fromkeys(commands, 0)
    for _ in range(args.repeat):
        for name, (cmd, ok) in commands.items():
            elapsed, peak = run(cmd, workdir, ok)
            times[name].append(elapsed)
            peaks[name] = max(peaks[name], peak)
    print(f"records: {args.records:,} ({path.stat().st_size / 1e6:.0f} MB CSV)")
    if not compare(out, peer_out):
        print("FAIL: handbook check and the DuckDB peer disagree; the timing is void.")
        return 1
    print(f"{'process (best of ' + str(args.repeat) + ')':26} {'seconds':>8} {'peak MiB':>9}  all")
    for name, values in times.items():
        spread = " ".join(f"{v:.2f}" for v in values)
        print(f"{name:26} {min(values):8.2f} {peaks[name] / 2**20:9.0f}  {spread}")
    check = min(times["handbook check"])
    print(f"records per second (check):  {args.records / check:,.0f}")
    for peer, budget in (
        ("duckdb peer", "  (budget <= 1.5, moonshot 1.0)"),
        ("read_csv(pyarrow)", ""),
    ):
        rounds = [a / b for a, b in zip(times["handbook check"], times[peer], strict=True)]
        print(
            f"ratio check / {peer.split()[0]}: {check / min(times[peer]):.2f} best / best, "
            f"{statistics.median(rounds):.2f} median of the rounds' ratios{budget}"
        )
    if args.memory:
        sizes = []
        for records in (args.records, 5 * args.records):
            big = file_for(workdir, records)
            elapsed, peak = run(check_cmd(big, out, args.chunk_size), workdir, (0, 1))
            sizes.append(peak)
            print(
                f"handbook check, {records:,} records: {elapsed:.2f} s, "
                f"peak {peak / 2**20:,.0f} MiB"
            )
        print(f"peak 5x / peak 1x:           {sizes[1] / sizes[0]:.2f}  (budget <= 1.2)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

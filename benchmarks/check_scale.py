"""Checker scale benchmark: ``handbook check`` on a million records against pandas.

    .venv/bin/python benchmarks/check_scale.py [--rows 1000000] [--repeat 3]
        [--memory] [--chunk-size 100000] [--workdir DIR]

Generates deterministic synthetic change records (CSV, NumPy seed 42; half Microsoft
changes that need 5 days' notice, half customer changes with a support request and
advice; every fifth record breaks a rule: MMD001 or MMD007), then prints, for the same
file in the same run:

* the wall time of ``pandas.read_csv(path)`` (best of ``--repeat``, in this process);
* the wall time of ``handbook check --output FILE path`` (a subprocess, the whole
  command from start to exit, default options, best of ``--repeat``), its peak memory
  (VmHWM of the child) and records per second;
* the ratio of the two (budget: <= 2.0; and under 20 s for a million records).

With ``--memory`` it also runs ``handbook check --chunk-size N`` on 1x and 5x the rows and
prints both peaks: streaming keeps memory flat when the 5x peak is at most 1.2x the 1x
peak. Figures go to benchmarks/README.md by hand; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
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


def time_read_csv(path: Path) -> tuple[float, str]:
    """Wall seconds of ``pandas.read_csv(path)`` in this process, and the storage of the
    text columns it made (``python``; ``pyarrow`` when pyarrow is installed, which makes
    pandas 3's reader several times faster and so changes the ratio's denominator)."""
    import pandas as pd

    begin = time.perf_counter()
    frame = pd.read_csv(path)
    elapsed = time.perf_counter() - begin
    storage = str(getattr(frame["id"].dtype, "storage", frame["id"].dtype))
    del frame
    return elapsed, storage


#: Runs ``handbook check`` and writes the process's peak RSS (VmHWM, in kB) to the file
#: named by HANDBOOK_PEAK_FILE at exit. VmHWM belongs to the process's own address space,
#: unlike ru_maxrss, which Linux carries over from the forking parent across exec.
WRAPPER = """
import atexit, os, runpy, sys
def _peak():
    with open('/proc/self/status') as f:
        kb = next(line.split()[1] for line in f if line.startswith('VmHWM:'))
    with open(os.environ['HANDBOOK_PEAK_FILE'], 'w') as f:
        f.write(kb)
atexit.register(_peak)
sys.argv = ['handbook', *sys.argv[1:]]
runpy.run_module('handbook.cli', run_name='__main__')
"""


def run_check(path: Path, out: Path, chunk_size: int | None = None) -> tuple[float, int, int]:
    """(wall seconds, peak RSS in bytes, exit code) of ``handbook check`` on ``path``."""
    peak_file = out.with_suffix(".peak")
    cmd = [
        sys.executable,
        "-c",
        WRAPPER,
        "check",
        "--data",
        str(ROOT / "data"),
        "--output",
        str(out),
    ]
    if chunk_size:
        cmd += ["--chunk-size", str(chunk_size)]
    cmd.append(str(path))
    env = {**os.environ, "HANDBOOK_PEAK_FILE": str(peak_file)}
    begin = time.perf_counter()
    result = subprocess.run(
        cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
    )
    elapsed = time.perf_counter() - begin
    err = result.stderr.decode("utf-8", "replace")
    if err.strip():
        print(err, file=sys.stderr)
    peak = int(peak_file.read_text().strip()) * 1024
    return elapsed, peak, result.returncode


def file_for(workdir: Path, rows: int) -> Path:
    """The synthetic file of ``rows`` records (generated once per work folder)."""
    path = workdir / f"records-{rows}.csv"
    if not path.exists():
        begin = time.perf_counter()
        generate(path, rows)
        print(
            f"generated {path} ({path.stat().st_size / 1e6:.0f} MB) in "
            f"{time.perf_counter() - begin:.1f} s"
        )
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--memory", action="store_true", help="also compare 1x and 5x peaks")
    parser.add_argument("--chunk-size", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.gettempdir()) / "handbook-check-scale"
    workdir.mkdir(parents=True, exist_ok=True)
    path = file_for(workdir, args.rows)
    out = workdir / "report.txt"
    reads, checks = [], []
    peak = 0
    storage = ""
    for _ in range(args.repeat):
        seconds, storage = time_read_csv(path)
        reads.append(seconds)
        elapsed, rss, code = run_check(path, out)
        checks.append(elapsed)
        peak = max(peak, rss)
    summary = out.read_text(encoding="utf-8").rstrip("\n").rsplit("\n", 1)[-1]
    read, check = min(reads), min(checks)
    print(f"records:                  {args.rows:,}  ({path.stat().st_size / 1e6:.0f} MB CSV)")
    print(f"handbook check exit code: {code}  ({summary})")
    print(
        f"pandas.read_csv:          {read:.2f} s  (best of {args.repeat}; text columns "
        f"stored by {storage})"
    )
    print(f"handbook check:           {check:.2f} s  (best of {args.repeat}; whole command)")
    print(f"records per second:       {args.rows / check:,.0f}")
    print(f"peak memory:              {peak / 2**20:,.0f} MiB")
    print(f"ratio check / read_csv:   {check / read:.2f}  (budget <= 2.0)")
    if args.memory:
        peaks = []
        for rows in (args.rows, 5 * args.rows):
            big = file_for(workdir, rows)
            elapsed, rss, _ = run_check(big, out, args.chunk_size)
            peaks.append(rss)
            print(
                f"--chunk-size {args.chunk_size:,} on {rows:,} records: {elapsed:.2f} s, "
                f"peak {rss / 2**20:,.0f} MiB"
            )
        print(f"peak 5x / peak 1x:        {peaks[1] / peaks[0]:.2f}  (budget <= 1.2)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

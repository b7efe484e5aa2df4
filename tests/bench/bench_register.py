"""Benchmark: how fast `colophon add` registers files, next to sha256sum and openssl.

Run:  python tests/bench/bench_register.py [--workdir DIR] [--scale 1.0] [--runs 3] [--keep]

What it does, in one run over the same files:
1. Generates a corpus under DIR/bench_register_corpus (reused when its marker matches the scale):
   a *large* set (4 x 256 MiB of random bytes), a *small* set (20,000 files of 4 KiB-2 MiB, sizes
   log-uniform with a fixed seed, in folders of 500), and two solo files (2 GiB and 16 MiB) for
   the memory check. ``--scale`` multiplies the large and solo file sizes and the number of small
   files, for a quick try.
2. Reads each set once just before timing it, so that every timing comes from a warm page cache
   (hashing speed, not disk speed, is what is compared).
3. Times, for each set, ``--runs`` rounds of three tools, interleaved so that any background load
   hits them alike, and keeps each tool's fastest run:
   - ``colophon --home <fresh folder> add <set>``: a whole CLI process, with a new catalog each
     time, so start-up, walking, hashing on every core and the catalog writes are all included;
   - ``sha256sum`` over the same files (one process, one core);
   - ``openssl dgst -sha256`` on every core (``xargs -P <cores>``), the practical upper bound.
4. Measures the peak resident memory (ru_maxrss from wait4) of ``colophon add`` for each set and
   for each solo file, and the fixed cost of one ``colophon add`` (of an empty folder): start-up
   and a new catalog, which weighs on the large set, hashed by openssl in about a third of a second.

How to read the output: each cell is wall seconds, (GB/s) and [CPU seconds, user + system]; the
CPU figure is steadier than the wall clock on a busy machine. Ratios are of wall times; below 1.0
means colophon was faster. Targets: large files within 1.25x of openssl on every core; small files
within 2x of it; the 2 GiB file's peak memory within 16 MiB of the 16 MiB file's (memory does not
grow with file size). The exit status is 1 if a target is missed. File contents are random (only
the sizes are seeded): SHA-256 speed does not depend on them.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

MIB = 1 << 20
LARGE_FILES, LARGE_SIZE = 4, 256 * MIB
SMALL_FILES, SMALL_MIN, SMALL_MAX, PER_FOLDER = 20_000, 4096, 2 * MIB, 500
SOLO_BIG, SOLO_SMALL = 2048 * MIB, 16 * MIB
SEED = 20240611
TARGETS = {"large": 1.25, "small": 2.0}  # max colophon / openssl-on-every-core
FLAT_MEMORY_MIB = 16
CORES = os.cpu_count() or 1


def write_random(path: Path, size: int) -> None:
    """Write ``size`` random bytes in 1 MiB chunks, never holding the file in memory."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        for offset in range(0, size, MIB):
            fh.write(os.urandom(min(MIB, size - offset)))


def make_corpus(root: Path, scale: float) -> None:
    """Create the corpus under ``root``, or reuse it when its marker says it has this scale."""
    marker = root / "corpus.json"
    wanted = {"scale": scale, "seed": SEED, "version": 1}
    if marker.exists() and json.loads(marker.read_text()) == wanted:
        print(f"reusing corpus in {root}")
        return
    shutil.rmtree(root, ignore_errors=True)
    print(f"generating corpus in {root} ...", flush=True)
    for i in range(LARGE_FILES):
        write_random(root / "large" / f"large-{i}.bin", int(LARGE_SIZE * scale))
    rng = random.Random(SEED)
    lo, hi = math.log(SMALL_MIN), math.log(SMALL_MAX)
    for i in range(max(1, int(SMALL_FILES * scale))):
        size = int(math.exp(rng.uniform(lo, hi)))
        write_random(root / "small" / f"d{i // PER_FOLDER:03d}" / f"f{i:05d}.bin", size)
    write_random(root / "solo-big" / "big.bin", int(SOLO_BIG * scale))
    write_random(root / "solo-small" / "small.bin", int(SOLO_SMALL * scale))
    marker.write_text(json.dumps(wanted))


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def warm(folder: Path) -> None:
    """Read every file once so the timed runs come from the page cache."""
    buf = bytearray(MIB)
    for path in files_under(folder):
        with open(path, "rb", buffering=0) as fh:
            while fh.readinto(buf):
                pass


class Run(NamedTuple):
    seconds: float  # wall clock
    cpu: float  # user + system seconds of the child and its children
    rss: float  # peak resident memory of the child, MiB


def run(cmd: list[str]) -> tuple[Run, str]:
    """Run ``cmd``; return its figures and its stdout. Stops the benchmark if it fails."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage, not a running total
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            sys.exit(f"{cmd[:4]} failed ({proc.returncode}): {err.read().decode()[-2000:]}")
        cpu = usage.ru_utime + usage.ru_stime
        return Run(seconds, cpu, usage.ru_maxrss / 1024), out.read().decode()


def colophon_add(colophon: str, homes: Path, folder: Path, expected: int) -> Run:
    """One `colophon add` into a fresh catalog; checks every file became a work."""
    home = Path(tempfile.mkdtemp(prefix="home-", dir=homes))
    try:
        figures, out = run([colophon, "--home", str(home), "add", str(folder)])
    finally:
        shutil.rmtree(home, ignore_errors=True)
    added = re.match(r"([\d,]+) new works?\b", out)
    if not added or int(added.group(1).replace(",", "")) != expected:
        sys.exit(f"colophon add {folder} registered the wrong number of works: {out.strip()}")
    return figures


def measure_set(colophon: str, homes: Path, folder: Path, runs: int) -> dict[str, Any]:
    """Time the three tools on ``folder``, interleaved so that background load hits all alike."""
    warm(folder)
    files = files_under(folder)
    batch = max(1, math.ceil(len(files) / (CORES * 4)))  # ~4 batches per core: balanced
    find = f"find '{folder}' -type f -print0 | xargs -0"
    tools: dict[str, Callable[[], Run]] = {
        "colophon": lambda: colophon_add(colophon, homes, folder, len(files)),
        "sha256sum": lambda: run(["sh", "-c", f"{find} sha256sum >/dev/null"])[0],
        "openssl": lambda: run(
            ["sh", "-c", f"{find} -P{CORES} -n{batch} openssl dgst -sha256 >/dev/null"]
        )[0],
    }
    results: dict[str, list[Run]] = {name: [] for name in tools}
    for _ in range(runs):
        for name, tool in tools.items():
            results[name].append(tool())
    best = {name: min(rs) for name, rs in results.items()}  # fastest run (by wall clock)
    mb = sum(p.stat().st_size for p in files) / 1e6
    return {"files": len(files), "mb": mb, **best}


def cell(figures: Run, mb: float) -> str:
    return f"{figures.seconds:.2f} ({mb / 1e3 / figures.seconds:.2f}) [{figures.cpu:.1f}]"


def report(sets: dict[str, dict[str, Any]], solo: dict[str, Run]) -> bool:
    """Print the figures; return True when every target is met."""
    ok = True
    tools = ("colophon", "sha256sum", "openssl")
    print(f"\nwarm page cache, {CORES} cores, best of runs: wall seconds (GB/s) [CPU seconds]")
    print(
        f"{'set':<6}{'files':>6}{'MB':>6}  {'colophon':<20}{'sha256sum':<20}"
        f"{f'openssl x{CORES}':<20}{'col/ossl':>8}{'col/sha':>8}  target col/ossl"
    )
    for name, r in sets.items():
        cells = "".join(f"{cell(r[k], r['mb']):<20}" for k in tools)
        vs_ossl = r["colophon"].seconds / r["openssl"].seconds
        vs_sha = r["colophon"].seconds / r["sha256sum"].seconds
        met = vs_ossl <= TARGETS[name]
        ok &= met
        print(
            f"{name:<6}{r['files']:>6}{r['mb']:>6.0f}  {cells}{vs_ossl:>8.2f}{vs_sha:>8.2f}"
            f"  <= {TARGETS[name]:.2f}: {'met' if met else 'MISSED'}"
        )
    print("\npeak RSS of `colophon add` (MiB):")
    for name, r in sets.items():
        print(f"  {name} set, {r['mb']:,.0f} MB in {r['files']} files: {r['colophon'].rss:7.1f}")
    for label, figures in solo.items():
        print(f"  one {label} file: {figures.rss:7.1f}")
    (big, big_run), (small, small_run) = solo.items()
    growth = big_run.rss - small_run.rss
    flat = growth <= FLAT_MEMORY_MIB
    ok &= flat
    print(
        f"  growth from the {small} file to the {big} file: {growth:+.1f} MiB"
        f"  target <= {FLAT_MEMORY_MIB}: {'met' if flat else 'MISSED'}"
    )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, help="where the corpus goes (default: a temp dir)")
    parser.add_argument("--scale", type=float, default=1.0, help="shrink the corpus, e.g. 0.05")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per tool (best is kept)")
    parser.add_argument("--keep", action="store_true", help="keep the corpus for the next run")
    parser.add_argument("--colophon", help="the colophon executable (default: beside python)")
    args = parser.parse_args()
    beside = Path(sys.executable).with_name("colophon")
    colophon = args.colophon or (str(beside) if beside.exists() else shutil.which("colophon"))
    if not colophon:
        parser.error("colophon is not installed; pass --colophon PATH")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="colophon-bench-"))
    root = workdir.resolve() / "bench_register_corpus"
    try:
        make_corpus(root, args.scale)
        homes, empty = root / "homes", root / "empty"
        homes.mkdir(exist_ok=True)
        empty.mkdir(exist_ok=True)
        sets = {}
        for name in TARGETS:
            print(f"timing the {name} set ...", flush=True)
            sets[name] = measure_set(colophon, homes, root / name, args.runs)
        solo = {}
        for part, size in (("solo-big", SOLO_BIG), ("solo-small", SOLO_SMALL)):
            solo[f"{size * args.scale / MIB:.4g} MiB"] = colophon_add(
                colophon, homes, root / part, 1
            )
        startup = min(colophon_add(colophon, homes, empty, 0).seconds for _ in range(args.runs))
        ok = report(sets, solo)
        print(f"\ncolophon start-up and new catalog (add of an empty folder): {startup:.2f} s")
        return 0 if ok else 1
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
            if args.workdir is None:
                shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""The village report benchmark: generates a register of N families (1 million
by default) with the committed seeded generator, then runs the whole report on
it several times and prints families per second and peak memory.

    python3 examples/bench_report.py [--families 1000000] [--runs 7] [--csv]

It builds `kampung` in release mode first. The register is written once under
target/bench/ (about 730 MB per million families) and reused. Each run is
`kampung report FILE --format json --quiet` with its output discarded; the
wall time covers reading, validating, aggregating and writing the JSON report.
Peak memory is the child's maximum resident set size.

This is a benchmark, not a test: nothing here asserts a speed. On a shared
machine runs vary; the best and the median are both printed.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "release" / "kampung"


def run(cmd: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak RSS in MB of `cmd`."""
    start = time.perf_counter()
    with open(os.devnull, "wb") as null:
        proc = subprocess.Popen(cmd, stdout=null)
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        sys.exit(f"failed ({status}): {' '.join(cmd)}")
    cpu = usage.ru_utime + usage.ru_stime
    return wall, cpu, usage.ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--families", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--csv", action="store_true", help="also time the three-CSV-file route")
    args = ap.parse_args()

    subprocess.run(
        ["cargo", "build", "--release", "--locked", "-p", "kampung-cli"], cwd=ROOT, check=True
    )
    out = ROOT / "target" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    jsonl = out / f"register_{args.families}_{args.seed}.jsonl"
    if not jsonl.exists():
        print(f"generating {args.families:,} families -> {jsonl}", flush=True)
        subprocess.run(
            [str(BIN), "generate", "--families", str(args.families), "--seed", str(args.seed),
             "-o", str(jsonl)],
            check=True,
        )
    routes = [("JSON Lines", [str(BIN), "report", str(jsonl), "--format", "json", "--quiet"])]
    if args.csv:
        csv_dir = out / f"register_{args.families}_{args.seed}_csv"
        if not csv_dir.exists():
            subprocess.run(
                [str(BIN), "generate", "--families", str(args.families), "--seed", str(args.seed),
                 "--csv", str(csv_dir)],
                check=True,
            )
        routes.append(("CSV (3 files)", [
            str(BIN), "report", "--families", str(csv_dir / "families.csv"),
            "--members", str(csv_dir / "members.csv"),
            "--measurements", str(csv_dir / "measurements.csv"),
            "--format", "json", "--quiet",
        ]))

    print(f"{os.cpu_count()} CPUs; {args.families:,} families; {args.runs} runs per route")
    for name, cmd in routes:
        results = [run(cmd) for _ in range(args.runs)]
        walls = sorted(r[0] for r in results)
        best, median = walls[0], statistics.median(walls)
        cpu = statistics.median(r[1] for r in results)
        peak = max(r[2] for r in results)
        print(
            f"{name}: best {best:.2f} s = {args.families / best:,.0f} families/s; "
            f"median {median:.2f} s = {args.families / median:,.0f} families/s; "
            f"CPU {cpu:.2f} s (median); peak memory {peak:.0f} MB"
        )


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The village report benchmark: generates a register of N families (1 million
by default) with the committed seeded generator, then runs the whole report on
it several times through each surface and prints families per second and peak
memory, side by side in one run:

    python3 examples/bench_report.py [--families 1000000] [--runs 7] [--csv] [--python PYTHON]
    python3 examples/bench_report.py --side-by-side [--python PYTHON]   # all four routes, one table

* CLI, JSON Lines: `kampung report FILE --format json --quiet --as-of 2025-07-01`
  (reading, validating, aggregating and writing the JSON report);
* CLI, CSV (--csv): the same register as three CSV entity files;
* Python (--python, a venv with the `kampung` wheel installed):
  `kampung.report.read_jsonl(FILE)` and, with --csv, `kampung.report.aggregate`
  on the three files read by pyarrow (the aggregate call only), each timed
  inside the interpreter (the import of kampung and of pyarrow excluded).

It builds `kampung` in release mode first. The register is written once under
target/bench/ (about 730 MB per million families; 330 MB as CSV) and reused.
Peak memory is the child's maximum resident set size (for Python it includes
the interpreter, numpy, pandas and, for the CSV route, the Arrow tables).

--side-by-side runs the four routes (CLI and Python, JSON Lines and CSV)
interleaved and prints a Markdown table with the ratios the project's targets
name: Python against the CLI, CSV against JSON Lines. It uses
target/venv/bin/python (or target/ci-venv/bin/python) unless --python is
given. The load average before and after is printed: on a shared machine, read
CPU time beside wall time.

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
AS_OF = "2025-07-01"

PY_JSONL = """
import sys, time, kampung
t = time.perf_counter()
r = kampung.report.read_jsonl(sys.argv[1], as_of="{as_of}")
n = r.exclusions["families_read"]
print(time.perf_counter() - t, n)
"""

PY_CSV = """
import sys, time, pathlib, kampung, pyarrow as pa, pyarrow.csv as pc
d = pathlib.Path(sys.argv[1])
def read(name):
    path = d / (name + ".csv")
    names = open(path, encoding="utf-8").readline().strip().split(",")
    types = {{n: pa.string() for n in names}}
    return pc.read_csv(path, convert_options=pc.ConvertOptions(column_types=types, strings_can_be_null=True))
tables = [read(n) for n in ("families", "members", "measurements")]
t = time.perf_counter()
r = kampung.report.aggregate(*tables, as_of="{as_of}")
print(time.perf_counter() - t, r.exclusions["families_read"])
"""


def run(cmd: list[str], inner: bool = False) -> tuple[float, float, float]:
    """Wall seconds (or the time printed by the child when `inner`), CPU
    seconds (user + system) and peak RSS in MB of `cmd`."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE if inner else subprocess.DEVNULL)
    out = proc.stdout.read() if inner and proc.stdout else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        sys.exit(f"failed ({status}): {' '.join(cmd)}")
    if inner:
        wall = float(out.split()[0])
    cpu = usage.ru_utime + usage.ru_stime
    return wall, cpu, usage.ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--families", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--csv", action="store_true", help="also time the three-CSV-file route")
    ap.add_argument("--python", help="a Python with the kampung wheel installed: also time the Python API")
    ap.add_argument("--side-by-side", action="store_true",
                    help="all four routes (CLI/Python x JSON Lines/CSV) and a Markdown table")
    args = ap.parse_args()
    if args.side_by_side:
        args.csv = True
        if not args.python:
            for venv in ("venv", "ci-venv"):
                py = ROOT / "target" / venv / "bin" / "python"
                if py.exists():
                    args.python = str(py)
                    break
            else:
                sys.exit("--side-by-side needs a Python with the kampung wheel (--python)")

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
    report = [str(BIN), "report", "--format", "json", "--quiet", "--as-of", AS_OF]
    routes = [("CLI, JSON Lines", report + [str(jsonl)], False)]
    csv_dir = out / f"register_{args.families}_{args.seed}_csv"
    if args.csv:
        if not csv_dir.exists():
            subprocess.run(
                [str(BIN), "generate", "--families", str(args.families), "--seed", str(args.seed),
                 "--csv", str(csv_dir)],
                check=True,
            )
        routes.append(("CLI, CSV (3 files)", report + [
            "--families", str(csv_dir / "families.csv"),
            "--members", str(csv_dir / "members.csv"),
            "--measurements", str(csv_dir / "measurements.csv"),
        ], False))
    if args.python:
        routes.append(("Python read_jsonl", [args.python, "-c", PY_JSONL.format(as_of=AS_OF), str(jsonl)], True))
        if args.csv:
            routes.append(("Python aggregate (Arrow, 3 tables)",
                           [args.python, "-c", PY_CSV.format(as_of=AS_OF), str(csv_dir)], True))

    print(f"{os.cpu_count()} CPUs; {args.families:,} families; {args.runs} runs per route, interleaved; "
          f"load average before: {os.getloadavg()[0]:.1f}")
    results: dict[str, list[tuple[float, float, float]]] = {name: [] for name, _, _ in routes}
    for _ in range(args.runs):
        for name, cmd, inner in routes:
            results[name].append(run(cmd, inner))
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    summary: dict[str, tuple[float, float, float, float]] = {}
    for name, _, inner in routes:
        walls = sorted(r[0] for r in results[name])
        best, median = walls[0], statistics.median(walls)
        cpu = statistics.median(r[1] for r in results[name])
        peak = max(r[2] for r in results[name])
        what = "call" if inner else "wall"
        print(
            f"{name}: {what} best {best:.2f} s = {args.families / best:,.0f} families/s; "
            f"median {median:.2f} s = {args.families / median:,.0f} families/s; "
            f"process CPU {cpu:.2f} s (median); peak memory {peak:.0f} MB"
        )
        summary[name] = (best, median, cpu, peak)
    if args.side_by_side:
        table(summary, args.families)


def table(summary: dict[str, tuple[float, float, float, float]], families: int) -> None:
    """The side-by-side Markdown table: wall best / median, families/s, CPU,
    peak memory, and the ratio each target names (medians)."""
    cli, cli_csv = summary["CLI, JSON Lines"], summary["CLI, CSV (3 files)"]
    ratio = {
        "CLI, JSON Lines": "",
        "CLI, CSV (3 files)": f"CSV / JSON Lines: {cli_csv[1] / cli[1]:.2f}x (target <= 2x)",
        "Python read_jsonl": f"Python / CLI: {summary['Python read_jsonl'][1] / cli[1]:.2f}x (target <= 1.2x)",
        "Python aggregate (Arrow, 3 tables)":
            f"Python / CLI on CSV: {summary['Python aggregate (Arrow, 3 tables)'][1] / cli_csv[1]:.2f}x; "
            f"/ CLI JSON Lines: {summary['Python aggregate (Arrow, 3 tables)'][1] / cli[1]:.2f}x",
    }
    print()
    print("| route | wall best / median | families/s (median) | process CPU (median) | peak RSS | ratio (medians) |")
    print("|---|---|---|---|---|---|")
    for name, (best, median, cpu, peak) in summary.items():
        print(f"| {name} | {best:.2f} s / {median:.2f} s | {families / median:,.0f} | {cpu:.2f} s | "
              f"{peak:.0f} MB | {ratio.get(name, '')} |")


if __name__ == "__main__":
    main()

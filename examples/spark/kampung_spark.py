#!/usr/bin/env python3
"""kampung on Apache Spark: WHO z-scores on a Spark DataFrame and the
village report of a register too large for one machine.

Two building blocks, both thin: the computation is kampung's (Rust, the
same engine as ``kampung report`` and ``kampung.growth.zscores``), Spark
only moves the data.

* :func:`add_zscores` — ``DataFrame.mapInArrow``: each Arrow record batch
  of a partition goes to ``kampung.growth.zscores`` as Arrow arrays
  (zero-copy where the columns are float64) and comes back with the WHO
  anthro columns added (``zlen, flen, zwei, fwei, zwfl, fwfl, zbmi, fbmi``).
* :func:`village_report` — each partition of a JSON Lines register gives
  its mergeable state (``kampung.report.partial_jsonl``, a few bytes per
  family); the driver merges them (``kampung.report.merge``) into the
  report of the whole register, equal byte for byte to
  ``kampung.report.read_jsonl`` on the same file: which family keeps a
  duplicated Nomor KK or NIK is decided over all partitions at the merge.

Run it (local mode, or ``--master spark://…`` on a cluster where every
executor has the ``kampung`` wheel installed)::

    python examples/spark/kampung_spark.py REGISTER.jsonl --as-of 2025-07-01 [--master local[2]] [--partitions 4] [--html report.html]

See examples/spark/README.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any, Iterator, List, Optional

#: The z-score columns added by :func:`add_zscores` (WHO anthro's names).
ZSCORE_COLUMNS = ("zlen", "flen", "zwei", "fwei", "zwfl", "fwfl", "zbmi", "fbmi")
#: WHO anthro's argument names read from the DataFrame when present.
ZSCORE_ARGUMENTS = ("sex", "age", "weight", "lenhei", "measure", "headc", "armc", "oedema")


def session(master: str = "local[2]", app: str = "kampung") -> Any:
    """A Spark session for kampung: Arrow on, the driver's Python for the
    workers (local mode), no web UI."""
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    spark = (
        SparkSession.builder.master(master)
        .appName(app)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    # The executors import this module's functions by name: ship it.
    spark.sparkContext.addPyFile(os.path.abspath(__file__))
    return spark


def _zscore_batches(batches: Iterator[Any], is_age_in_month: bool) -> Iterator[Any]:
    """mapInArrow's function: every batch with the z-score columns added.
    Runs on the executors; one thread per task (Spark runs the tasks in
    parallel)."""
    import numpy as np
    import pyarrow as pa
    from kampung import growth

    for batch in batches:
        names = batch.schema.names
        args = {a: batch.column(names.index(a)) for a in ZSCORE_ARGUMENTS if a in names}
        r = growth.zscores(**args, is_age_in_month=is_age_in_month, threads=1)
        cols = list(batch.columns) + [pa.array(np.asarray(r[c], dtype=np.float64), from_pandas=True)
                                      for c in ZSCORE_COLUMNS]
        yield pa.RecordBatch.from_arrays(cols, names=names + list(ZSCORE_COLUMNS))


def add_zscores(df: Any, *, is_age_in_month: bool = False) -> Any:
    """``df`` with WHO 2006 z-scores and flags added (``zlen, flen, zwei,
    fwei, zwfl, fwfl, zbmi, fbmi``; null where anthro gives NA), computed
    by ``kampung.growth.zscores`` on each Arrow batch (``mapInArrow``).
    ``df`` carries anthro's argument names: ``sex`` (1/2, "m"/"f", "L"/"P"),
    ``age`` (days, or months with ``is_age_in_month``), ``weight`` (kg),
    ``lenhei`` (cm), ``measure`` ("l"/"h"), optionally ``headc``, ``armc``,
    ``oedema``. Rows with problems get nulls, as in kampung.growth."""
    from pyspark.sql.types import DoubleType, StructField, StructType

    schema = StructType(list(df.schema.fields) + [StructField(c, DoubleType(), True) for c in ZSCORE_COLUMNS])
    return df.mapInArrow(lambda it: _zscore_batches(it, is_age_in_month), schema)


def register_lines(spark: Any, path: str, partitions: Optional[int] = None) -> Any:
    """The register's lines as raw bytes (an RDD; no decoding, so the
    engine sees exactly the file's bytes)."""
    sc = spark.sparkContext
    return sc.textFile(path, minPartitions=partitions or sc.defaultParallelism, use_unicode=False)


def partial_states(lines: Any, as_of: str) -> List[bytes]:
    """The mergeable state of every partition of ``lines`` (an RDD of one
    JSON Lines record each, in the register's order), as bytes. Partitions
    are numbered in order and their lines from the number of lines before
    them (one counting pass), so every error names its line in the file."""
    counts = lines.mapPartitions(lambda it: [sum(1 for _ in it)]).collect()
    offsets = [sum(counts[:i]) for i in range(len(counts))]

    def state(index: int, it: Iterator[bytes]) -> Iterator[bytes]:
        from kampung import report

        text = b"".join(line + b"\n" for line in it)
        yield report.partial_jsonl(text, as_of=as_of, part=index, first_record=offsets[index], threads=1).to_bytes()

    return lines.mapPartitionsWithIndex(state).collect()  # type: ignore[no-any-return]


def village_report(spark: Any, path: str, *, as_of: str, partitions: Optional[int] = None,
                   locale: str = "id") -> Any:
    """The village report (``kampung.report.VillageReport``) of the JSON
    Lines register ``path``, computed partition by partition on the
    executors and merged on the driver."""
    from kampung import report

    states = partial_states(register_lines(spark, path, partitions), as_of)
    return report.merge(states, sources=[path], locale=locale)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("register", help="a JSON Lines register (kampung generate -o FILE)")
    ap.add_argument("--as-of", required=True)
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--partitions", type=int, help="default: Spark's default parallelism")
    ap.add_argument("--html", help="write the report's HTML page here")
    ap.add_argument("--lang", default="id", choices=["id", "en"])
    args = ap.parse_args()
    spark = session(args.master)
    spark.sparkContext.setLogLevel("ERROR")
    start = time.perf_counter()
    r = village_report(spark, args.register, as_of=args.as_of, partitions=args.partitions, locale=args.lang)
    took = time.perf_counter() - start
    print(r.to_text())
    n = r.exclusions["families_read"]
    print(f"{n:,} families in {took:.2f} s ({n / took:,.0f} families/s)", file=sys.stderr)
    if args.html:
        r.to_html(args.html)
    spark.stop()


if __name__ == "__main__":
    main()

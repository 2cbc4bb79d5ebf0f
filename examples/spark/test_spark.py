"""The PySpark example in local mode: the village report merged from
per-partition states equals kampung.report.read_jsonl on the same register
byte for byte, and the z-scores computed with mapInArrow equal
kampung.growth.zscores on the same columns.

Run: python -m pytest -q examples/spark (needs pyspark and Java 17: scripts/setup.sh).
"""

import math
import os
import pathlib
import sys

import numpy as np
import pandas as pd
import pytest

if os.environ.get("CI") == "true":
    import pyspark  # noqa: F401  (scripts/setup.sh installs it: missing in CI is a failure)
else:
    pytest.importorskip("pyspark", reason="pyspark is not installed (scripts/setup.sh installs it)")

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import kampung_spark  # noqa: E402

from kampung import growth, report  # noqa: E402

REPO = HERE.parents[1]
SAMPLE = REPO / "examples" / "data" / "report_sample.jsonl"
AS_OF = "2025-07-01"


@pytest.fixture(scope="module")
def spark():
    s = kampung_spark.session("local[2]", "kampung-test")
    s.sparkContext.setLogLevel("ERROR")
    yield s
    s.stop()


@pytest.mark.parametrize("partitions", [1, 3, 8])
def test_village_report_equals_read_jsonl(spark, tmp_path, partitions):
    lines = SAMPLE.read_bytes().splitlines(keepends=True)
    # The sample plus trouble across partitions: a repeated family (duplicate
    # Nomor KK), its members under a new Nomor KK (duplicate NIKs), a line
    # that is not JSON.
    lines += [lines[3], lines[1000].replace(b'"no_kk":"64', b'"no_kk":"65', 1), b"not json\n"]
    path = tmp_path / "register.jsonl"
    path.write_bytes(b"".join(lines))
    want = report.read_jsonl(path, as_of=AS_OF, locale="en")
    reasons = want.exclusions["reasons"]
    assert {"register_duplicate_kk", "register_duplicate_nik", "register_malformed_line"} <= set(reasons)
    got = kampung_spark.village_report(spark, str(path), as_of=AS_OF, partitions=partitions, locale="en")
    assert got.to_json() == want.to_json()
    assert got.exclusions["families_read"] == len(lines)


def children(n, seed=5):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({
        "child_id": np.arange(n, dtype=np.int64),
        "sex": rng.choice(["L", "P"], n),
        "age": rng.integers(0, 1856, n).astype(np.float64),
        "weight": np.round(rng.normal(11, 3, n), 2),
        "lenhei": np.round(rng.normal(85, 12, n), 1),
        "measure": rng.choice(["l", "h"], n),
    })
    # Trouble: missing and impossible values get nulls, as in kampung.growth.
    df.loc[3, "weight"] = np.nan
    df.loc[4, "age"] = -3.0
    df.loc[5, "lenhei"] = 400.0
    return df


def test_zscores_with_map_in_arrow_equal_the_direct_call(spark):
    df = children(5000)
    sdf = spark.createDataFrame(df).repartition(4)
    out = kampung_spark.add_zscores(sdf).toPandas().sort_values("child_id").reset_index(drop=True)
    want = growth.zscores(sex=df["sex"], age=df["age"], weight=df["weight"], lenhei=df["lenhei"],
                          measure=df["measure"])
    assert len(out) == len(df)
    for col in kampung_spark.ZSCORE_COLUMNS:
        got = out[col].to_numpy(dtype=np.float64, na_value=np.nan)
        np.testing.assert_array_equal(got, np.asarray(want[col], dtype=np.float64), err_msg=col)
    assert math.isnan(out.loc[4, "zwei"]) and not math.isnan(out.loc[0, "zwei"])

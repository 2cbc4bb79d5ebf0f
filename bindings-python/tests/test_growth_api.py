"""kampung.growth as a notebook user calls it."""

import threading

import numpy as np
import pandas as pd
import pytest

import kampung
from kampung import growth


def test_lists_numpy_and_pandas_give_the_same_result():
    args = dict(sex=[1, 2], age=[640, 300], weight=[11.38, 7.0], lenhei=[78.99, 65.0], measure=["l", "l"])
    a = growth.zscores(**args)
    b = growth.zscores(**{k: np.asarray(v) for k, v in args.items()})
    c = growth.zscores(**{k: pd.Series(v) for k, v in args.items()})
    d = growth.zscores(sex=["m", "f"], age=args["age"], weight=args["weight"], lenhei=args["lenhei"], measure="l")
    for r in (b, c, d):
        assert set(r) == set(growth.OUTPUT_NAMES)
        for k in growth.OUTPUT_NAMES:
            np.testing.assert_array_equal(a[k], r[k])
    df = pd.DataFrame(a)
    assert list(df.columns) == list(growth.OUTPUT_NAMES)
    assert df.loc[0, "zlen"] == -2.15


def test_pandas_nullable_and_missing_values():
    r = growth.zscores(
        sex=pd.Series([1, None, 2], dtype="Int64"),
        age=pd.Series([100.0, 100.0, None], dtype="Float64"),
        weight=[5.0, 5.0, 5.0],
    )
    assert not np.isnan(r["zwei"][0])
    assert np.isnan(r["zwei"][1]) and np.isnan(r["zwei"][2])
    assert len(r.errors) == 0  # missing is not an error


def test_bad_rows_get_nan_and_an_errors_table():
    r = growth.zscores(sex=[1, 3, 1, 1], age=[100, 100, -5, 100], weight=[5, 5, 5, float("inf")],
                       measure=["l", "l", "l", "sideways"], locale="en")
    assert np.isnan(r["zwei"][1]) and np.isnan(r["zwei"][2]) and np.isnan(r["zwei"][3])
    errs = r.errors
    assert list(errs.columns) == ["row", "field", "code", "message"]
    got = set(zip(errs["row"], errs["field"], errs["code"]))
    assert {(1, "sex", "sex_invalid"), (2, "age", "age_negative"), (3, "weight", "not_finite"),
            (3, "measure", "measure_invalid")} <= got
    assert "negative" in errs.loc[errs["code"] == "age_negative", "message"].iloc[0]


def test_mismatched_lengths_raise_one_schema_error():
    with pytest.raises(kampung.SchemaError, match="weight"):
        growth.zscores(sex=[1, 2], age=[100, 200], weight=[5.0])
    with pytest.raises(kampung.SchemaError, match="sex"):
        growth.zscores(sex=[1], age=[100, 200])
    with pytest.raises(kampung.SchemaError):
        growth.zscores(sex=[1], age=[[1, 2]])
    assert issubclass(kampung.SchemaError, TypeError)


def test_unrounded_on_request():
    r = growth.zscores(sex=[1], age=[640], weight=[11.38], lenhei=[78.99], measure=["l"], rounded=False)
    assert r["zlen"][0] != -2.15 and round(r["zlen"][0], 2) == -2.15


def test_skinfolds_need_a_table():
    with pytest.raises(kampung.ValidationError) as e:
        growth.zscores(sex=[1], age=[200], triskin=[8.0])
    assert e.value.errors()[0]["code"] == "lms_table_missing"


def test_zscores_2007_and_classification():
    r = growth.zscores_2007(sex=["m"], age_in_months=[120.5], height=[140.0], weight=[33.0])
    assert set(r) == set(growth.OUTPUT_NAMES_2007)
    assert growth.classify("imt_u_5_18", r["zbfa"], r["fbfa"]) == ["normal"]
    with pytest.raises(ValueError):
        growth.classify("bogus", [0.0], [0.0])


def test_repr_html_for_notebooks():
    r = growth.zscores(sex=[1], age=[640], weight=[11.38], lenhei=[78.99], measure=["l"])
    html = r._repr_html_()
    assert "<table>" in html and "-2.15" in html


def test_gil_is_released_during_the_computation():
    # Two threads each scoring 200k children must both make progress; this
    # checks the call works from threads (no deadlock), not timing.
    n = 200_000
    args = dict(sex=np.ones(n), age=np.full(n, 400.0), weight=np.full(n, 9.0), lenhei=np.full(n, 72.0))
    results = []
    threads = [threading.Thread(target=lambda: results.append(growth.zscores(**args))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 2 and all(np.isfinite(r["zwei"]).all() for r in results)


def test_arrow_and_polars_inputs_and_arrow_output():
    pa = pytest.importorskip("pyarrow")
    pl = pytest.importorskip("polars")
    expected = growth.zscores(sex=[1, 2], age=[640, 300], weight=[11.38, 7.0], lenhei=[78.99, None], measure=["l", "l"])
    t = pa.table({"sex": [1, 2], "age": [640.0, 300.0], "weight": [11.38, 7.0], "lenhei": [78.99, None], "measure": ["l", "l"]})
    a = growth.zscores_table(t)
    p = growth.zscores_table(pl.from_arrow(t))
    s = growth.zscores(sex=pl.Series([1, 2]), age=pl.Series([640.0, 300.0]), weight=pa.array([11.38, 7.0]),
                       lenhei=pa.chunked_array([[78.99], [None]]), measure=pa.array(["l", "l"]))
    for r in (a, p, s):
        for k in growth.OUTPUT_NAMES:
            np.testing.assert_array_equal(expected[k], r[k])
    out = a.to_arrow()
    assert isinstance(out, pa.Table) and out.column_names == list(growth.OUTPUT_NAMES)
    assert out["zlen"][1].as_py() is None  # NaN -> null
    assert out["zwei"].to_pylist() == [-0.13, expected["zwei"][1]]


def test_zero_copy_for_float64_arrow_columns():
    pa = pytest.importorskip("pyarrow")
    arr = pa.array(np.linspace(1.0, 20.0, 1000))
    view = growth._num(arr, "weight")
    assert np.shares_memory(view, np.frombuffer(arr.buffers()[1], dtype=np.float64))


def test_zscores_table_renames_and_checks_columns():
    df = pd.DataFrame({"jk": ["m"], "umur": [640], "bb": [11.38], "pb": [78.99], "cara": ["l"]})
    r = growth.zscores_table(df, sex="jk", age="umur", weight="bb", lenhei="pb", measure="cara")
    assert r["zlen"][0] == -2.15
    with pytest.raises(kampung.SchemaError, match="no column"):
        growth.zscores_table(df, sex="jk", age="nope")
    with pytest.raises(kampung.SchemaError, match="needs `sex` and `age`"):
        growth.zscores_table(df)


def test_threads_give_identical_results():
    rng = np.random.default_rng(7)
    n = 100_000
    args = dict(sex=rng.integers(1, 3, n), age=rng.integers(-3, 1900, n).astype(float),
                weight=rng.uniform(-1, 25, n), lenhei=rng.uniform(40, 125, n), measure=rng.choice(["l", "h", "x"], n))
    one = growth.zscores(**args, threads=1)
    many = growth.zscores(**args, threads=4)
    for k in growth.OUTPUT_NAMES:
        np.testing.assert_array_equal(one[k], many[k])
    pd.testing.assert_frame_equal(one.errors, many.errors)
    assert len(one.errors) > 1000

"""``kampung dhs WOMEN.parquet`` on files written by pandas and pyarrow, as an
IDHS individual recode exported from Python would be: nullable integer
columns (``Int8``/``Int16``/``Int64``), floats with NaN, a categorical
``v000``; snappy (pyarrow's default) or no compression. The command's
tables equal, byte for byte, those it writes for the same women in CSV.

The command is the ``kampung`` binary built by cargo (``$KAMPUNG_BIN``, else
the newest of target/{ci,release,debug}/kampung); without one the tests
skip, and fail under ``CI=true`` (scripts/test-all.sh builds it first).
"""

import pathlib
import subprocess

import pytest
from conftest import kampung_cli

pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow")

REPO = pathlib.Path(__file__).resolve().parents[2]
WOMEN_CSV = REPO / "tests" / "fixtures" / "dhs" / "fp_design_women.csv"


def _run(women: pathlib.Path, out: pathlib.Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(kampung_cli()), "dhs", str(women), "--lang=en", "-o", str(out), *extra],
        capture_output=True,
        text=True,
        check=False,
    )


def _tables(women: pathlib.Path, tmp: pathlib.Path, tag: str):
    table, v626a, errors = (tmp / f"{tag}.t.csv", tmp / f"{tag}.v.csv", tmp / f"{tag}.e.csv")
    r = _run(women, table, "--by", "v024", "--by", "v025", "--v626a", str(v626a), "--errors", str(errors))
    assert r.returncode == 0, r.stderr
    return table.read_bytes(), v626a.read_bytes(), errors.read_bytes(), r.stderr


def _women():
    """The fixture's 3,000 women as ``pandas.read_csv`` gives them (floats
    with NaN where a column has a missing value), with a region column
    ``v024`` as text and one impossible value (woman 8: ``v213 = 5``)."""
    df = pd.read_csv(WOMEN_CSV)
    df["v024"] = df["v022"].map(lambda s: f"Provinsi {s % 5}")
    df.loc[7, "v213"] = 5
    return df


def _typed(df):
    """As an IDHS file converted with nullable dtypes: integers of several
    widths with missing values, ``v000`` categorical, ``v225`` float."""
    df = df.copy()
    for name in df.columns:
        if name in ("v000", "v024", "v225"):
            continue
        width = "Int64" if name in ("v005", "v001") else ("Int16" if name in ("v215", "v222", "v007") else "Int8")
        df[name] = df[name].astype(width)
    df["v000"] = df["v000"].astype("category")
    return df


def test_pandas_and_pyarrow_parquet_give_the_csv_bytes(tmp_path):
    df = _women()
    csv = tmp_path / "women.csv"
    df.to_csv(csv, index=False)
    want = _tables(csv, tmp_path, "csv")
    assert b"v213" in want[2], "the impossible value is in the errors table"
    typed = _typed(df)
    assert str(typed["m6_1"].dtype) == "Int8" and typed["m6_1"].isna().any()
    cases = {
        "float.parquet": (df, "snappy"),
        "typed.parquet": (typed, "snappy"),
        "plain.parquet": (typed, None),
    }
    for name, (frame, compression) in cases.items():
        path = tmp_path / name
        frame.to_parquet(path, index=False, compression=compression)
        assert _tables(path, tmp_path, name) == want, name
    # Upper-case names (as some Stata exports write them), written by pyarrow itself.
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(typed, preserve_index=False)
    table = table.rename_columns([c.upper() for c in table.column_names])
    upper = tmp_path / "upper.pq"
    pq.write_table(table, upper, row_group_size=500)
    assert _tables(upper, tmp_path, "upper") == want


def test_value_labels_and_other_codecs_are_clear_errors(tmp_path):
    df = _typed(_women())
    labels = df.copy()
    labels["v213"] = labels["v213"].map({0: "no", 1: "yes"}).astype("category")
    path = tmp_path / "labels.parquet"
    labels.to_parquet(path, index=False)
    r = _run(path, tmp_path / "t.csv")
    assert r.returncode == 2
    assert "code=column_not_numeric" in r.stderr and "column=v213" in r.stderr, r.stderr
    zstd = tmp_path / "zstd.parquet"
    df.to_parquet(zstd, index=False, compression="zstd")
    r = _run(zstd, tmp_path / "t.csv")
    assert r.returncode == 2
    assert "code=parquet_unreadable" in r.stderr and "ZSTD" in r.stderr.upper(), r.stderr
    assert "panicked" not in r.stderr
    assert not (tmp_path / "t.csv").exists()

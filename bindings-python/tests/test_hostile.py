"""Hostile input through Python (issue 15): bad lines are excluded lines
with their number, endless lines are bounded, booleans and complex numbers
are not numbers, and misuse raises kampung's SchemaError with the reason."""

import pathlib

import numpy as np
import pandas as pd
import pytest

import kampung
from kampung import growth
from kampung.errors import SchemaError
from kampung.report import read_jsonl

REPO = pathlib.Path(__file__).resolve().parents[2]
SAMPLE = (REPO / "examples" / "data" / "report_sample.jsonl").read_bytes().splitlines(keepends=True)[:20]


def _counts(path, **kw):
    ex = read_jsonl(path, as_of="2025-07-01", **kw).exclusions
    return ex["families_read"], ex["families_excluded"], ex["reasons"]


@pytest.mark.parametrize(
    "bad,code",
    [(b'{"no_kk": "\xff"}\n', "register_malformed_line"), (b"0" * 5000 + b"\n", "register_line_too_long"), (b"{}\r" * 3000 + b"\n", "register_line_too_long")],
    ids=["not-utf8", "long", "cr-only"],
)
def test_read_jsonl_goes_on_past_bad_lines(tmp_path, bad, code):
    base = tmp_path / "base.jsonl"
    base.write_bytes(b"".join(SAMPLE))
    read0, excl0, reasons0 = _counts(base, max_line_bytes=4000)
    p = tmp_path / "r.jsonl"
    p.write_bytes(b"".join(SAMPLE[:3]) + bad + b"".join(SAMPLE[3:]))
    read, excl, reasons = _counts(p, max_line_bytes=4000)
    assert (read, excl) == (read0 + 1, excl0 + 1)
    assert reasons[code] == reasons0.get(code, 0) + 1
    errors = read_jsonl(p, as_of="2025-07-01", max_line_bytes=4000).errors
    assert 4 in errors[errors["code"] == code]["record"].tolist()


def test_read_jsonl_strips_a_bom_and_bounds_input_without_newlines(tmp_path):
    base = tmp_path / "base.jsonl"
    base.write_bytes(b"".join(SAMPLE))
    bom = tmp_path / "bom.jsonl"
    bom.write_bytes(b"\xef\xbb\xbf" + b"".join(SAMPLE))
    assert _counts(bom) == _counts(base)
    zeros = tmp_path / "zeros.jsonl"
    zeros.write_bytes(bytes(20 << 20))  # 20 MiB, no line feed: one excluded line, memory bounded
    assert _counts(zeros, max_line_bytes=1 << 20) == (1, 1, {"register_line_too_long": 1})


@pytest.mark.parametrize(
    "weight",
    [[True], [5.0, False], np.array([True]), pd.Series([True, False]), pd.Series([5.0, True], dtype=object), [5 + 1j], np.array([5 + 0j])],
    ids=["list-bool", "list-mixed", "numpy-bool", "pandas-bool", "pandas-object", "complex", "numpy-complex"],
)
def test_booleans_and_complex_numbers_are_not_numbers(weight):
    n = len(weight)
    with pytest.raises(SchemaError, match="weight"):
        growth.zscores(sex=[1] * n, age=[300] * n, weight=weight)


def test_complex_age_is_rejected_and_plain_numbers_still_work():
    with pytest.raises(SchemaError, match="age"):
        growth.zscores(sex=[1], age=[300 + 2j], weight=[5.0])
    r = growth.zscores(sex=[1, 2], age=[300, None], weight=[8, "7.5"])
    assert r["zwei"][0] == pytest.approx(-0.8, abs=2)
    assert np.isnan(r["zwei"][1])


def test_zscores_table_misuse_raises_schema_error():
    with pytest.raises(SchemaError, match="needs a table"):
        growth.zscores_table(None)
    with pytest.raises(SchemaError, match="unknown WHO 2006 table"):
        growth.zscores(sex=[1], age=[300], weight=[5.0], tables={"no_such_table": "sex,age_days,l,m,s\n"})
    assert issubclass(SchemaError, kampung.KampungError)

"""kampung.growth.quality on the hand-computed fixture
(tests/fixtures/quality/*.json, written by gen_quality.py)."""

import json
import pathlib

import numpy as np
import pytest

from kampung import growth

FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "quality"


def test_golden_children_report_equals_the_hand_computation():
    case = json.loads((FIXTURES / "golden_children.json").read_text(encoding="utf-8"))
    inp, exp = case["input"], case["expected"]
    dob = [
        None if d is None else f"2022-{m:02d}-{d:02d}" for d, m in zip(inp["dob_day"], inp["dob_month"])
    ]
    r = growth.quality(
        sex=inp["sex"], age=inp["age"], weight=[np.nan if w is None else w for w in inp["weight"]],
        lenhei=inp["lenhei"], measure=inp["measure"], dob=dob,
    )
    assert r.children == exp["children"]
    all_ = lambda df: df[df["group"] == "All"].set_index(df.columns[1])  # noqa: E731
    for var, n in exp["missing_all"].items():
        assert all_(r.missing).loc[var, "missing"] == n
    for ind, x in exp["flags_all"].items():
        row = all_(r.flags).loc[ind]
        assert (row["scored"], row["flagged"]) == (x["scored"], x["flagged"])
    for ind, x in exp["zscores_all"].items():
        row = all_(r.zscores).loc[ind]
        assert row["n"] == x["n"]
        for k in ("mean", "sd", "skewness", "kurtosis"):
            assert row[k] == pytest.approx(x[k], rel=1e-12, abs=1e-12)
        assert row["sd_in_expected_range"] == x["sd_in_expected_range"], ind
    for var, x in exp["digits_all"].items():
        row = all_(r.digits).loc[var]
        assert [row[f"digit_{k}"] for k in range(10)] == x["counts"]
        assert row["dps"] == pytest.approx(x["dps"], rel=1e-12)
    totals = (r.age_months["female"] + r.age_months["male"] + r.age_months["sex_missing"]).tolist()
    assert totals == exp["age_months_total"]
    assert dict(zip(r.dob_day["day"].astype(str), r.dob_day["count"])) == {
        str(d): exp["dob_day"].get(str(d), 0) for d in range(1, 32)
    }
    sr = r.sex_ratio.iloc[0]
    assert (sr["male"], sr["female"], sr["ratio"]) == (
        exp["sex_ratio_all"]["male"], exp["sex_ratio_all"]["female"], exp["sex_ratio_all"]["ratio"],
    )
    total = r.measure_mismatch.iloc[-1]
    assert (total["total"], total["mismatch"]) == (exp["mismatch_total"]["total"], exp["mismatch_total"]["mismatch"])
    assert "Digit Preference Score" in r._repr_html_()

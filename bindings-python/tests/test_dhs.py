"""DHS unmet need (v626a) from recode columns: kampung.kb.dhs_unmet_need."""

import json

import numpy as np
import pandas as pd
import pytest

import kampung
from conftest import FIXTURES

HAND_MADE = sorted(
    p for p in (FIXTURES / "dhs").glob("*.json") if "base" in json.loads(p.read_text(encoding="utf-8"))["input"]
)


def _women(doc):
    base = doc["input"]["base"]
    rows = [{**base, **w["recode"]} for w in doc["input"]["women"]]
    df = pd.DataFrame(rows, columns=list(base))
    return df.astype({c: "float64" for c in df.columns if c != "v000"})


@pytest.mark.parametrize("path", HAND_MADE, ids=lambda p: p.stem)
@pytest.mark.parametrize("rules", ["stata", "r"])
def test_hand_made_fixtures(path, rules):
    doc = json.loads(path.read_text(encoding="utf-8"))
    df = _women(doc)
    got = kampung.kb.dhs_unmet_need(df, rules=rules, reasons=True, locale="en")
    want = doc["expected"]
    assert got.tolist() == [e[rules]["v626a"] for e in want]
    assert list(got.reason) == [e[rules]["reason"] for e in want]
    errors = sorted(zip(got.errors["row"], got.errors["field"], got.errors["code"]))
    want_errors = sorted((i, x["field"], x["code"]) for i, e in enumerate(want) for x in e.get("errors", []))
    assert errors == want_errors
    assert all(isinstance(m, str) and m for m in got.errors["message"])


def test_dhs_code_outputs():
    doc = json.loads((FIXTURES / "dhs" / "dhs_code_outputs.json").read_text(encoding="utf-8"))
    df = pd.DataFrame(doc["input"]["columns"])
    for rules in ("stata", "r"):
        got = kampung.kb.dhs_unmet_need(df, rules=rules, reasons=True)
        want = doc["expected"][rules]
        assert len(got.errors) == 0
        na = np.array([w is None for w in want])
        assert (got.to_numpy()[~na] == np.array([w for w in want if w is not None])).all()
        if rules == "r":
            assert na.any()
            assert (got.to_numpy()[na] == 99).all()
            assert set(got.reason[na]) == {"undefined_in_r_code"}


def _one_woman(**changes):
    doc = json.loads((FIXTURES / "dhs" / "fecund.json").read_text(encoding="utf-8"))
    df = pd.DataFrame([{**doc["input"]["base"], **changes}])
    return df.astype({c: "float64" for c in df.columns if c != "v000"})


def test_missing_columns_schema_error_names_them():
    df = _one_woman().drop(columns=["v605", "m6_1"])
    with pytest.raises(kampung.SchemaError) as e:
        kampung.kb.dhs_unmet_need(df)
    assert "v605" in str(e.value) and "m6_1" in str(e.value)
    with pytest.raises(kampung.SchemaError, match="v313"):
        kampung.kb.dhs_unmet_need(_one_woman().drop(columns=["v313"]))


def test_aligned_with_index_extra_columns_and_case():
    df = pd.concat([_one_woman(v605=2), _one_woman(v605=5), _one_woman(v213=2)])
    df.index = ["a", "b", "c"]
    df["caseid"] = ["1", "2", "3"]
    df.columns = [c.upper() for c in df.columns]
    got = kampung.kb.dhs_unmet_need(df)
    assert got.name == "v626a"
    assert list(got.index) == ["a", "b", "c"]
    assert got.to_dict() == {"a": 1, "b": 2, "c": 99}
    assert got.reason is None
    assert got.errors.to_dict("records") == [
        {"row": 2, "field": "v213", "code": "invalid_code", "message": "Kode tidak dikenal; pilihan: 0, 1."}
    ]
    df["V626A"] = got  # assignable as a column
    assert df["V626A"].tolist() == [1, 2, 99]


def test_polars_arrow_and_dict_inputs_agree():
    pl = pytest.importorskip("polars")
    pa = pytest.importorskip("pyarrow")
    doc = json.loads((FIXTURES / "dhs" / "pregnant_ppa.json").read_text(encoding="utf-8"))
    df = _women(doc)
    want = kampung.kb.dhs_unmet_need(df, rules="stata", reasons=True)
    from_polars = kampung.kb.dhs_unmet_need(pl.from_pandas(df), reasons=True)
    assert isinstance(from_polars, pl.Series) and from_polars.name == "v626a"
    assert from_polars.to_list() == want.tolist()
    assert from_polars.reason.to_list() == list(want.reason)
    from_arrow = kampung.kb.dhs_unmet_need(pa.Table.from_pandas(df))
    assert from_arrow.tolist() == want.tolist()
    as_dict = {c: df[c].tolist() for c in df.columns}
    assert kampung.kb.dhs_unmet_need(as_dict).tolist() == want.tolist()


def test_read_stata_round_trip(tmp_path):
    """The documented way to read an IDHS file: pandas.read_stata(path, convert_categoricals=False)."""
    doc = json.loads((FIXTURES / "dhs" / "infecund.json").read_text(encoding="utf-8"))
    df = _women(doc)
    path = tmp_path / "IDIR.dta"
    df.to_stata(path, write_index=False)
    back = pd.read_stata(path, convert_categoricals=False)
    got = kampung.kb.dhs_unmet_need(back)
    assert got.tolist() == [e["stata"]["v626a"] for e in doc["expected"]]


def test_hostile_values_never_raise():
    df = pd.concat([_one_woman(v222=np.inf), _one_woman(v000=None), _one_woman(v215=-5, v512=1e300)])
    got = kampung.kb.dhs_unmet_need(df.reset_index(drop=True), reasons=True)
    assert got.tolist() == [99, 99, 99]
    assert set(got.reason) == {"invalid_input"}
    assert sorted(zip(got.errors["row"], got.errors["field"])) == [
        (0, "v222"), (1, "v000"), (2, "v215"), (2, "v512")
    ]


def test_bad_rules_and_empty_input():
    with pytest.raises(ValueError, match="stata"):
        kampung.kb.dhs_unmet_need(_one_woman(), rules="spss5")
    empty = _one_woman().iloc[:0]
    got = kampung.kb.dhs_unmet_need(empty)
    assert len(got) == 0 and len(got.errors) == 0


def test_reasons_catalogue():
    reasons = kampung.kb.DHS_REASONS
    assert "ppa_before_last_birth_995" in reasons and "undefined_in_r_code" in reasons
    assert all(v["id"] and v["en"] for v in reasons.values())


# --------------------------------------------------------- indicator table
def _design_women():
    return pd.read_csv(FIXTURES / "dhs" / "fp_design_women.csv", dtype={"v000": str})


def _r_table():
    return json.loads((FIXTURES / "dhs" / "fp_table_r.json").read_text(encoding="utf-8"))["expected"]


def _close(a, b, rel, abs_):
    if b is None:
        return np.isnan(a)
    return abs(a - b) <= rel * abs(b) + abs_


def test_fp_table_equals_r_survey():
    df = _design_women()
    t = kampung.kb.dhs_fp_indicators(df, by=["v025", "v013"], ci="t")
    lg = kampung.kb.dhs_fp_indicators(df, by=["v025", "v013"], ci="logit")
    two = kampung.kb.dhs_fp_indicators(df, by=["v025", "v013"])
    want = _r_table()
    assert len(t) == len(want) == 300
    assert list(t.columns) == ["group", "by", "level", "indicator", "estimate", "se", "ci_low", "ci_high", "deft",
                               "n_unweighted", "n_weighted", "df"]
    for (_, r), (_, l), (_, s), w in zip(t.iterrows(), lg.iterrows(), two.iterrows(), want):
        key = tuple(None if pd.isna(x) else x for x in (r.group, r.by, r.level, r.indicator))
        assert key == (w["group"], w["by"], w["level"], w["indicator"])
        assert _close(r.estimate, w["estimate"], 1e-12, 1e-13)
        assert _close(r.se, w["se"], 1e-9, 1e-13)
        if w["se"] > 1e-12:
            assert _close(r.deft, w["deft"], 1e-9, 0)
        assert _close(r.ci_low, w["t_low"], 1e-9, 1e-12) and _close(r.ci_high, w["t_high"], 1e-9, 1e-12)
        assert _close(l.ci_low, w["logit_low"], 1e-9, 1e-7) and _close(l.ci_high, w["logit_high"], 1e-9, 1e-7)
        assert r.n_unweighted == w["n_unweighted"] and r.df == w["df"]
        assert _close(r.n_weighted, w["n_weighted"], 1e-12, 0)
        assert s.ci_low == pytest.approx(s.estimate - 2 * s.se) and s.ci_high == pytest.approx(s.estimate + 2 * s.se)
    assert len(t.attrs["errors"]) == 0


def test_fp_table_inputs_and_options():
    df = _design_women()
    base = kampung.kb.dhs_fp_indicators(df, groups=["currently_married"])
    assert list(base.group.unique()) == ["currently_married"]
    assert list(base.indicator) == list(kampung.kb.FP_INDICATORS)
    assert base.by.isna().all() and base.level.isna().all()
    # Text cluster ids give the same numbers as numeric ones.
    text = df.assign(v001=df.v001.map(lambda c: f"c{c}"), v022=df.v022.map(lambda s: f"s{s}"))
    same = kampung.kb.dhs_fp_indicators(text, groups=["currently_married"])
    np.testing.assert_allclose(same.se, base.se, rtol=1e-12)
    # A weight other than v005 is used as given.
    scaled = kampung.kb.dhs_fp_indicators(df.assign(wt=df.v005 / 1e6), weight="wt", groups=["currently_married"])
    np.testing.assert_allclose(scaled.n_weighted, base.n_weighted, rtol=1e-12)
    # No design: simple random sampling, n - 1 degrees of freedom.
    srs = kampung.kb.dhs_fp_indicators(df, weight=None, cluster=None, strata=None, groups=["all_women"])
    assert (srs.df == len(df) - 1).all() and (srs.n_weighted == srs.n_unweighted).all()
    assert srs.n_unweighted.iloc[0] == len(df)
    pl = pytest.importorskip("polars")
    from_polars = kampung.kb.dhs_fp_indicators(pl.from_pandas(df), groups=["currently_married"])
    np.testing.assert_allclose(from_polars.estimate, base.estimate, rtol=1e-15)


def test_fp_table_bad_input():
    df = _design_women()
    with pytest.raises(kampung.SchemaError, match="v022"):
        kampung.kb.dhs_fp_indicators(df.drop(columns=["v022"]))
    with pytest.raises(kampung.SchemaError, match="region"):
        kampung.kb.dhs_fp_indicators(df, by="region")
    bad = df.copy()
    bad.loc[3, "v005"] = np.nan
    with pytest.raises(kampung.ValidationError) as e:
        kampung.kb.dhs_fp_indicators(bad)
    assert e.value.errors()[0]["code"] == "survey_weight_invalid"
    with pytest.raises(ValueError, match="all_women"):
        kampung.kb.dhs_fp_indicators(df, groups=["married"])
    with pytest.raises(ValueError):
        kampung.kb.dhs_fp_indicators(df, ci="wilson")
    odd = df.copy()
    odd.loc[0, "v213"] = 7
    odd.loc[1, "v313"] = 5
    t = kampung.kb.dhs_fp_indicators(odd, groups=["all_women"])
    assert sorted(t.attrs["errors"]["field"]) == ["v213", "v313"]
    assert t.set_index("indicator").loc["cpr_any", "n_unweighted"] == len(df) - 1

"""The frictions of issue 16, reproduced as a data scientist meets them
(points 6-11): each test fails on the code before the fix."""

import datetime

import numpy as np
import pandas as pd
import pytest

import kampung
from kampung import growth, kb, risk

AS_OF = datetime.date(2026, 1, 15)


def _family(**over):
    fam = {
        "no_kk": "6472052301150007",
        "region_code": "64.72.05.1001",
        "members": [
            {"name": "Budi", "nik": "6472050101850003", "sex": "L", "birth_date": "1985-01-01",
             "relationship": "kepala_keluarga", "marital_status": "kawin"},
        ],
    }
    fam.update(over)
    return fam


# -- 6: one sex parser ---------------------------------------------------------


def test_growth_accepts_sex_as_the_kk_writes_it():
    a = growth.zscores(sex=["L", "P"], age=[640, 1432], weight=[11.38, 18.4], lenhei=[78.99, 103.11], measure=["l", "h"])
    b = growth.zscores(sex=["m", "f"], age=[640, 1432], weight=[11.38, 18.4], lenhei=[78.99, 103.11], measure=["l", "h"])
    assert len(a.errors) == 0
    np.testing.assert_array_equal(a["zlen"], b["zlen"])
    np.testing.assert_array_equal(a["csex"], [1.0, 2.0])
    r = growth.zscores_2007(sex=["Perempuan"], age_in_months=[100], height=[130.0], weight=[26.0])
    assert len(r.errors) == 0 and not np.isnan(r["zhfa"][0])
    bad = growth.zscores(sex=["x"], age=[100], weight=[5.0])
    assert bad.errors["code"].tolist() == ["sex_invalid"]


# -- 7: identifiers read by pandas' default read_csv ----------------------------


def test_integer_identifiers_are_read_as_digits():
    fam = _family(no_kk=6472052301150007, region_code=6472051001)
    fam["members"][0]["nik"] = np.int64(6472050101850003)
    got = kampung.validate_family(fam, as_of=AS_OF)
    assert (got["no_kk"], got["region_code"], got["members"][0]["nik"]) == (
        "6472052301150007", "64.72.05.1001", "6472050101850003")


def test_a_papua_nik_read_as_float_is_refused_with_how_to_read_it():
    fam = _family()
    fam["members"][0]["nik"] = float(9471014107900001)  # above 2^53: the last digit is already lost
    with pytest.raises(kampung.ValidationError) as e:
        kampung.validate_family(fam, as_of=AS_OF, locale="en")
    err = e.value.errors()[0]
    assert err["field"] == "members[0].nik" and err["code"] == "identifier_is_float"
    assert "dtype=str" in err["message"]


def test_read_csv_default_dtypes_round_trip(tmp_path):
    path = tmp_path / "catin.csv"
    pd.DataFrame({"sex": ["P", "L"], "birth_date": ["1999-04-01", "1996-01-01"], "weight_kg": [55, 70],
                  "height_cm": [160, 170], "lila_cm": [25, None], "hb_g_dl": [12.5, 9.5]}).to_csv(path, index=False)
    df = pd.read_csv(path)  # lila_cm becomes float64 with NaN
    res = risk.screen_catin_batch(df, as_of=AS_OF)
    assert len(res.errors) == 0, res.errors
    assert res.results["category"].tolist() == ["ideal", "berisiko"]  # the groom's Hb 9.5 (DOMAIN.md §9.3)


# -- 8: polars in, polars out; pandas 3 missing values; tables everywhere -------


def test_pandas_na_and_nan_in_string_columns_are_missing():
    df = pd.DataFrame({"sex": pd.array(["P", pd.NA], dtype="string"),
                       "birth_date": ["1999-04-01", np.nan], "weight_kg": [55.0, 60.0],
                       "height_cm": [160.0, 165.0], "lila_cm": [25.0, 25.0], "hb_g_dl": [12.5, 12.5]})
    res = risk.screen_catin_batch(df, as_of=AS_OF)
    assert res.results["row"].tolist() == [0]
    assert sorted(res.errors["field"].tolist()) == ["birth_date", "sex"]
    assert set(res.errors["code"]) == {"required"}
    r = growth.zscores(sex=pd.Series(["L", pd.NA], dtype="string"), age=[100, 100], weight=[5.0, 5.0])
    assert len(r.errors) == 0 and np.isnan(r["zwei"][1])


def test_polars_in_polars_out():
    pl = pytest.importorskip("polars")
    df = pl.DataFrame({"sex": ["L", "P", "x"], "age": [640, 1432, 100], "weight": [11.38, 18.4, None]})
    r = growth.zscores_table(df)
    assert isinstance(r.errors, pl.DataFrame) and r.errors["code"].to_list() == ["sex_invalid"]
    out = r.to_polars()
    assert isinstance(out, pl.DataFrame)
    assert out["zwei"].null_count() == 1 and out["zwei"].is_nan().sum() == 0  # nulls, not NaN
    assert out["cmeasure"].to_list() == [None, None, None]
    recs = pl.DataFrame({"sex": ["P"], "birth_date": ["1999-04-01"], "weight_kg": [55.0], "height_cm": [160.0],
                         "lila_cm": [25.0], "hb_g_dl": [12.5]})
    res = risk.screen_catin_batch(recs, as_of=AS_OF)
    assert isinstance(res.results, pl.DataFrame) and isinstance(res.errors, pl.DataFrame)
    assert res.results["category"].to_list() == ["ideal"]


def test_kb_indicators_take_frames_and_arrow_tables():
    pa = pytest.importorskip("pyarrow")
    cols = {"method": ["iud", "none", "pill", "none"], "reason_not_using": [None, "iat", None, "tial"]}
    a = kb.indicators({"records": [dict(zip(cols, r)) for r in zip(*cols.values())]}, as_of=AS_OF)
    b = kb.indicators(pd.DataFrame(cols), as_of=AS_OF)
    c = kb.indicators(pa.table(cols), as_of=AS_OF)
    assert a == b == c and a["cpr"]["numerator"] == 2


def test_unknown_table_columns_are_a_schema_error():
    df = pd.DataFrame({"sex": ["P"], "birth_date": ["1999-04-01"], "weight_kg": [55.0], "height_cm": [160.0],
                       "lila_cm": [25.0], "hb": [12.5]})
    with pytest.raises(kampung.SchemaError, match="hb"):
        risk.screen_catin_batch(df, as_of=AS_OF)


# -- 9: WHO anthro's names ----------------------------------------------------


def test_anthro_argument_and_output_names():
    a = growth.zscores(sex=[1], age=[21.0], is_age_in_month=True, weight=[11.38], lenhei=[78.99], measure=["l"])
    b = growth.zscores(sex=[1], age=[21.0], age_in_month=True, weight=[11.38], lenhei=[78.99], measure=["l"])
    np.testing.assert_array_equal(a["zlen"], b["zlen"])
    assert list(a)[:5] == ["clenhei", "cmeasure", "c9mo_flag", "cbmi", "csex"]
    # Under 9 months measured standing: anthro 1.1 ignores the position (cmeasure NA, c9mo_flag 1).
    r = growth.zscores(sex=["f", "m"], age=[100, 640], weight=[5.0, 11.0], lenhei=[58.0, 79.0], measure=["h", "l"])
    assert r["cmeasure"].tolist() == [None, "l"] and r["c9mo_flag"].tolist() == [1.0, 0.0]
    x = growth.zscores_2007(sex=[1], age_in_months=[60.5], height=[110.3], weight=[18.7])
    y = growth.zscores_2007(sex=[1], age_in_months=[60.5], height_in_cm=[110.3], weight_in_kg=[18.7])
    assert x["zhfa"].tolist() == y["zhfa"].tolist() == [0.07]


# -- 10: as_of as a date or an ISO string everywhere; today in Indonesia --------


def test_as_of_as_date_or_string():
    assert kampung.validate_family(_family(), as_of="2026-01-15") == kampung.validate_family(_family(), as_of=AS_OF)
    with pytest.raises(kampung.ValidationError) as e:
        kampung.validate_family(_family(), as_of="15/01/2026")
    assert e.value.errors()[0]["field"] == "as_of"
    assert kampung.Nik("3174064509870003", as_of="2026-01-15").as_of == AS_OF


def test_omitted_as_of_is_today_in_indonesia_and_is_reported():
    nik = kampung.Nik("3174064509870003")
    utc_today = datetime.datetime.now(datetime.timezone.utc).date()
    wib_today = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=7))).date()
    assert nik.as_of in (wib_today, utc_today + datetime.timedelta(days=1)) and nik.as_of >= utc_today


# -- 11: version ---------------------------------------------------------------


def test_version():
    from importlib.metadata import version

    assert kampung.__version__ == version("kampung")


# -- 15 (second half): the WHO LMS table loader --------------------------------


def test_lms_table_from_an_indonesian_spreadsheet_and_localised_errors():
    who = "sex,age_days,l,m,s\n1,91,1,8.0,0.1\n1,92,1,8.0,0.1\n2,91,1,8.0,0.1\n2,92,1,8.0,0.1\n"
    sheet = "\ufeffsex;age_days;l;m;s\r\n1;91;1;8,0;0,1\r\n1;92;1;8,0;0,1\r\n2;91;1;8,0;0,1\r\n2;92;1;8,0;0,1\r\n"
    a = growth.zscores(sex=[1], age=[91], triskin=[8.8], tables={"triceps_skinfold_for_age": who})
    b = growth.zscores(sex=[1], age=[91], triskin=[8.8], tables={"triceps_skinfold_for_age": sheet})
    assert a["zts"].tolist() == b["zts"].tolist() == [1.0]
    with pytest.raises(kampung.ValidationError) as e:
        growth.zscores(sex=[1], age=[91], triskin=[8.8], tables={"triceps_skinfold_for_age": who.replace("8.0", "x", 1)})
    assert e.value.errors()[0]["message"] == "Tabel LMS WHO: kolom m pada baris 2 tidak dapat dibaca."
    with pytest.raises(kampung.ValidationError) as e:
        growth.zscores(sex=[1], age=[91], triskin=[8.8], locale="en",
                       tables={"triceps_skinfold_for_age": who.replace("8.0", "x", 1)})
    assert e.value.errors()[0]["message"] == "WHO LMS table: column m on line 2 cannot be read."

"""Batch KRS and screening over tables: a results table and an errors table."""

import datetime

import pandas as pd
import pytest

import kampung

AS_OF = datetime.date(2026, 1, 15)
FAMILY = {
    "no_kk": "6472052301150007",
    "region_code": "64.72.05.1001",
    "members": [
        {"name": "Budi", "sex": "L", "birth_date": "1990-01-01", "relationship": "kepala_keluarga", "marital_status": "kawin"},
        {"name": "Siti", "sex": "P", "birth_date": "2008-03-10", "relationship": "istri", "marital_status": "kawin"},
        {"name": "X", "sex": "P", "birth_date": "2025-08-01", "relationship": "anak", "marital_status": "belum_kawin"},
    ],
}


def test_krs_batch_over_a_dataframe():
    rows = pd.DataFrame(
        [
            {"family": FAMILY, "housing": {"water_source": "sungai", "latrine": "tidak_ada"}, "wife_pregnant": False},
            {"family": {"no_kk": "1"}, "housing": {}, "wife_pregnant": False},
            {"family": FAMILY, "housing": {"water_source": "ledeng", "latrine": "sendiri", "septic_tank": True}, "wife_pregnant": False},
        ]
    )
    res = kampung.risk.evaluate_krs_batch(rows, as_of=AS_OF, locale="en")
    assert isinstance(res, kampung.BatchResult)
    assert list(res.results["row"]) == [0, 2]
    assert list(res.results["at_risk"]) == [True, True]  # terlalu muda: the wife is 17
    assert "terlalu_muda" in res.results.loc[0, "risk_factors"]
    assert "four_t.terlalu_muda" in res.results.columns
    assert set(res.errors["row"]) == {1}
    assert list(res.errors.columns) == ["row", "field", "code", "message"]
    one = kampung.risk.evaluate_krs(rows.iloc[0].to_dict(), as_of=AS_OF)
    assert one["at_risk"] is True


def test_catin_batch_from_list_and_errors_do_not_raise():
    recs = [
        {"sex": "P", "birth_date": "2000-01-01", "weight_kg": 45, "height_cm": 150, "lila_cm": 22.0, "hb_g_dl": 10.5},
        {"sex": "P", "birth_date": "2030-01-01", "weight_kg": -3},
    ]
    res = kampung.risk.screen_catin_batch(recs, as_of=AS_OF)
    assert list(res.results["row"]) == [0]
    assert res.results.loc[0, "category"] == "berisiko"
    assert set(res.errors["row"]) == {1}
    assert res.errors["code"].str.len().min() > 0


GARBAGE = [None, 1, "x", [], [None], {"family": [1]}, {"family": {"members": [object()]}, "housing": 5},
           {"records": [{"method": float("nan")}]}, {"counts": {"pus": -1}}, {"sex": "P", "hb_g_dl": float("inf")}]


@pytest.mark.parametrize("garbage", GARBAGE)
@pytest.mark.parametrize("fn", [kampung.risk.evaluate_krs, kampung.risk.screen_catin, kampung.risk.screen_ibu_hamil,
                                kampung.kb.indicators])
def test_garbage_raises_the_documented_error(fn, garbage):
    with pytest.raises(kampung.ValidationError) as e:
        fn(garbage, as_of=AS_OF)
    assert e.value.error_count() >= 1
    assert all(err["code"] in kampung.ALL_ERROR_CODES for err in e.value.errors())

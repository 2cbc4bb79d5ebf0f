"""DHS unmet need (v626a) from recode columns: kampung.kb.dhs_unmet_need."""

import json

import numpy as np
import pandas as pd
import pytest

import kampung
from conftest import FIXTURES

HAND_MADE = sorted(p for p in (FIXTURES / "dhs").glob("*.json") if p.name != "dhs_code_outputs.json")


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

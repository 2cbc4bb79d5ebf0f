"""The village report with a survey design (issue 11 point 6) through Python:
the growth prevalences equal R survey's (tests/fixtures/report/
design_register.json, written by design_register.R) and the CLI's JSON, on
every route (records, JSON Lines, DataFrames through Arrow, merged partial
states); bad design values are structured problems."""

import json
import math
import pathlib
import subprocess

import pandas as pd
import pytest
from conftest import kampung_cli

import kampung

REPO = pathlib.Path(__file__).resolve().parents[2]
FIXTURE = json.loads((REPO / "tests" / "fixtures" / "report" / "design_register.json").read_text())
LINES = FIXTURE["input"]["lines"]
AS_OF = FIXTURE["input"]["as_of"]
DESIGN = {"weights": "w", "cluster": "ea", "strata": "stratum"}


def _check_r(report):
    """Every expected row and indicator of the fixture, in the report's indicators table."""
    df = report.indicators
    for want in FIXTURE["expected"]["rows"]:
        code = want["code"] or ""
        for w in want["indicators"]:
            row = df[(df["code"] == code) & (df["indicator"] == w["indicator"])].iloc[0]
            assert (int(row["numerator"]), int(row["denominator"])) == (w["numerator"], w["denominator"])
            assert row["value"] == pytest.approx(w["value"], rel=1e-12)
            assert row["se"] == pytest.approx(w["se"], rel=1e-12)
            assert row["ci_low"] == pytest.approx(w["ci_low"], rel=1e-8)
            assert row["ci_high"] == pytest.approx(w["ci_high"], rel=1e-8)


@pytest.fixture(scope="module")
def records():
    return [json.loads(line) for line in LINES]


@pytest.fixture(scope="module")
def jsonl(tmp_path_factory):
    p = tmp_path_factory.mktemp("design") / "register.jsonl"
    p.write_text("".join(line + "\n" for line in LINES))
    return p


def test_records_equal_r_survey(records):
    r = kampung.report.aggregate(records, as_of=AS_OF, locale="en", **DESIGN)
    assert r.errors.empty
    _check_r(r)
    doc = json.loads(r.to_json())
    assert doc["ci_method"] == "survey_logit_t_95"
    assert doc["design"]["df"] == FIXTURE["expected"]["df"]
    # The design's SE reaches the per-level and the wide views too.
    by_desa = r.prevalence("stunting")
    assert by_desa["se"].notna().all() and (by_desa["se"] > 0).all()
    wide = r.regions[("stunting", "se")]
    assert wide.notna().all()
    assert list(by_desa["se"]) == list(r.indicators.query(
        "indicator == 'stunting' and level == 'desa_kelurahan'")["se"])
    # A census indicator has no SE; without a design the growth ones neither.
    assert math.isnan(r.indicators.query("indicator == 'cpr'")["se"].iloc[0])
    census = kampung.report.aggregate(records, as_of=AS_OF)
    assert census.indicators["se"].isna().all()
    assert json.loads(census.to_json())["ci_method"] == "wilson_95"


def test_jsonl_equals_the_cli_json(jsonl):
    r = kampung.report.read_jsonl(jsonl, as_of=AS_OF, locale="en", **DESIGN)
    _check_r(r)
    exe = kampung_cli()
    out = subprocess.run(
        [str(exe), "report", str(jsonl), "--as-of", AS_OF, "--format", "json", "--lang", "en", "-q",
         "--weights", "w", "--cluster", "ea", "--strata", "stratum"],
        check=True, capture_output=True,
    )
    assert r.to_json(lang="en") == out.stdout.decode()


def _entity_tables(records):
    fams, mems, meas = [], [], []
    for f in records:
        fams.append({"no_kk": f["no_kk"], "region_code": f["region_code"], "water_source": "sumur_bor",
                     "latrine": "sendiri", "septic_tank": True, "kb_method": "pill",
                     "w": f["w"], "ea": f["ea"], "stratum": f["stratum"]})
        for m in f["members"]:
            mems.append({"no_kk": f["no_kk"], **m})
        for x in f["measurements"]:
            meas.append({"no_kk": f["no_kk"], "member": x["member"], "measured_on": x["measured_on"],
                         "weight_kg": x["weight_kg"], "length_cm": x.get("length_cm")})
    return pd.DataFrame(fams), pd.DataFrame(mems), pd.DataFrame(meas)


def test_dataframes_and_merged_partials_give_the_same_figures(records):
    fams, mems, meas = _entity_tables(records)
    r = kampung.report.aggregate(fams, mems, meas, as_of=AS_OF, **DESIGN)
    assert r.errors.empty, r.errors
    _check_r(r)
    one = kampung.report.aggregate(records, as_of=AS_OF, **DESIGN)
    states = [kampung.report.partial(records[4:], as_of=AS_OF, part=1, first_record=4, **DESIGN),
              kampung.report.partial(records[:4], as_of=AS_OF, part=0, **DESIGN)]
    back = [kampung.report.ReportState.from_bytes(s.to_bytes()) for s in states]
    assert kampung.report.merge(back).to_json() == one.to_json()
    # Parts of different designs do not merge.
    plain = kampung.report.partial(records[:4], as_of=AS_OF)
    with pytest.raises(ValueError):
        kampung.report.merge([states[0], plain])


def test_bad_design_values_are_problems(records):
    bad = [dict(records[0], w=-3), {k: v for k, v in records[1].items() if k != "ea"}, dict(records[2], w="abc")]
    r = kampung.report.aggregate(bad + records[3:], as_of=AS_OF, locale="en", **DESIGN)
    got = r.errors[["record", "field", "code"]].values.tolist()
    assert got == [[0, "w", "report_weight_invalid"], [1, "ea", "report_cluster_missing"],
                   [2, "w", "report_weight_invalid"]]
    assert r.exclusions["families_excluded"] == 3
    assert json.loads(r.to_json())["design"]["records"] == 6  # 10 children, 4 in excluded families
    with pytest.raises(kampung.ValidationError) as e:
        kampung.report.aggregate(records, as_of=AS_OF, lonely_psu="sometimes", **DESIGN)
    assert e.value.errors()[0]["code"] == "invalid_code"
    # Checked as the command line checks --lonely-psu, even with no field named.
    with pytest.raises(kampung.ValidationError) as e:
        kampung.report.aggregate(records, as_of=AS_OF, lonely_psu="sometimes")
    assert e.value.errors()[0]["code"] == "invalid_code"
    plain = kampung.report.aggregate(records, as_of=AS_OF, lonely_psu="certainty")
    assert json.loads(plain.to_json()).get("design") is None
    # A PSU in two strata without nest: no estimate, and the reason.
    moved = [dict(f, stratum="B") if i == 3 else f for i, f in enumerate(records)]
    r = kampung.report.aggregate(moved, as_of=AS_OF, locale="en", **DESIGN)
    assert r.indicators.query("indicator == 'stunting'")["value"].isna().all()
    assert json.loads(r.to_json())["design"]["error"]["code"] == "survey_psu_not_nested"
    nested = kampung.report.aggregate(moved, as_of=AS_OF, nest=True, **DESIGN)
    assert nested.indicators.query("indicator == 'stunting'")["se"].notna().all()

"""The village report through Python equals the hand-computed values of the
bundled sample (tests/fixtures/report/expected.json, computed without kampung
by tests/fixtures/report/compute_expected.py)."""

import datetime
import json
import pathlib

import pandas as pd
import pytest

import kampung

REPO = pathlib.Path(__file__).resolve().parents[2]
SAMPLE = REPO / "examples" / "data" / "report_sample.jsonl"
EXPECTED = json.loads((REPO / "tests" / "fixtures" / "report" / "expected.json").read_text())


@pytest.fixture(scope="module")
def report():
    return kampung.report.read_jsonl(SAMPLE, as_of=EXPECTED["as_of"])


def _nd(report, code, indicator):
    df = report.indicators
    row = df[(df["code"] == code) & (df["indicator"] == indicator)].iloc[0]
    return int(row["numerator"]), int(row["denominator"])


def test_every_region_matches_the_hand_computed_values(report):
    checked = 0
    for key, e in EXPECTED["regions"].items():
        code = "" if key == "total" else key
        assert report.regions.loc[(slice(None), code), ("families", "")].iloc[0] == e["families"], key
        assert _nd(report, code, "krs")[0] == e["krs"], key
        assert _nd(report, code, "keluarga_sasaran")[0] == e["sasaran"], key
        assert _nd(report, code, "pus")[0] == e["pus"], key
        assert _nd(report, code, "cpr") == (e["users"], e["pus"]), key
        assert _nd(report, code, "mcpr") == (e["modern_users"], e["pus"]), key
        assert _nd(report, code, "mkjp_share") == (e["mkjp_users"], e["users"]), key
        assert _nd(report, code, "unmet_need") == (e["unmet"], e["pus"]), key
        for factor, n in e["factors"].items():
            assert _nd(report, code, factor) == (n, e["krs"]), (key, factor)
        for method, n in e["methods"].items():
            assert _nd(report, code, method) == (n, e["users"]), (key, method)
        for ind in ("stunting", "wasting", "underweight", "overweight"):
            num, den, _flagged = e[ind]
            assert _nd(report, code, ind) == (num, den), (key, ind)
        checked += 1
    assert checked == len(EXPECTED["regions"]) >= 8
    ex = report.exclusions
    assert ex["families_excluded"] == EXPECTED["exclusions"]["families_excluded"]
    assert ex["measurements_excluded"] == EXPECTED["exclusions"]["measurements_excluded"]
    for code, n in EXPECTED["exclusions"]["reasons"].items():
        assert ex["reasons"][code] == n


def test_wide_table_has_numerators_denominators_values_and_ci(report):
    row = report.regions.loc[("desa_kelurahan", "64.02.18.2006")]
    assert row[("stunting", "numerator")] == 17 and row[("stunting", "denominator")] == 60
    assert row[("stunting", "value")] == pytest.approx(100 * 17 / 60)
    assert row[("stunting", "ci_low")] < row[("stunting", "value")] < row[("stunting", "ci_high")]
    # Parent regions sum their desa counts (never average percentages).
    desa = report.regions.loc["desa_kelurahan"]
    total = report.regions.loc[("total", "")]
    assert desa[("stunting", "numerator")].sum() == total[("stunting", "numerator")]
    assert desa[("cpr", "denominator")].sum() == total[("cpr", "denominator")]
    assert pd.isna(report.regions.loc[("total", ""), ("pus", "ci_low")])  # a census count has no CI


def test_in_memory_records_and_dataframes_give_the_same_report(report):
    records = []
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            records.append(line)  # a bad line stays a bad record
    r = kampung.report.aggregate(records, as_of=datetime.date(2025, 7, 1))
    pd.testing.assert_frame_equal(r.indicators, report.indicators)
    # A line that is not JSON is `register_malformed_line` when read from the
    # file; handed over as a string it is a record of the wrong type.
    mem = dict(r.exclusions["reasons"])
    mem["register_malformed_line"] = mem.pop("invalid_type")
    assert mem == report.exclusions["reasons"]
    assert {k: v for k, v in r.exclusions.items() if k != "reasons"} == {
        k: v for k, v in report.exclusions.items() if k != "reasons"}
    good = [x for x in records if isinstance(x, dict)]
    r2 = kampung.report.aggregate(pd.DataFrame(good), as_of="2025-07-01")
    assert r2.exclusions["families_included"] == report.exclusions["families_included"]


def test_errors_table_names_record_field_and_reason(report):
    errs = report.errors
    assert list(errs.columns) == ["table", "record", "field", "code", "message", "excluded"]
    dup = errs[errs["code"] == "register_duplicate_kk"]
    assert len(dup) == 19 and (dup["field"] == "no_kk").all() and (dup["excluded"] == "family").all()
    before = errs[errs["code"] == "measured_before_birth"]
    assert len(before) == 1 and before["excluded"].iloc[0] == "measurement"
    assert "sebelum tanggal lahir" in before["message"].iloc[0]


def test_kampung_classification_is_explained():
    c = kampung.report.classify_kampung({}, locale="en")
    assert c["class"] == "dasar"
    assert all("explanation" in s for s in c["scores"])
    with pytest.raises(kampung.ValidationError):
        kampung.report.classify_kampung({"pokja_members": -1})


def test_repr_html(report):
    assert "<table" in report._repr_html_() and "2052 families counted" in report._repr_html_()


def _entity_csv(tmp_path):
    """The bundled sample as three CSV entity files, read with pandas as text."""
    kampung.report.write_synthetic_register(tmp_path, families=2100, seed=2025, bad_rate=0.02,
                                            as_of="2025-07-01", format="csv")
    return {name: pd.read_csv(tmp_path / f"{name}.csv", dtype=str, keep_default_na=False).replace("", None)
            for name in ("families", "members", "measurements")}


def test_entity_tables_give_the_same_report_as_whole_families(tmp_path, report):
    """The bundled sample as three entity tables gives the same rows as the
    JSON Lines route, as pandas DataFrames (read through Arrow), as pyarrow
    tables, as polars DataFrames, as lists of dicts, and shuffled."""
    tables = _entity_csv(tmp_path)
    r = kampung.report.aggregate(tables["families"], tables["members"], tables["measurements"], as_of=EXPECTED["as_of"])
    pd.testing.assert_frame_equal(r.indicators, report.indicators)
    # The same counts; the reasons differ only for the sample's lines that
    # are not JSON: pandas pads their short CSV rows with missing cells, so
    # they are families without members rather than unreadable rows.
    counts = lambda ex: {k: v for k, v in ex.items() if k != "reasons"}  # noqa: E731
    assert counts(r.exclusions) == counts(report.exclusions)
    before = r.errors[r.errors["code"] == "measured_before_birth"]
    assert before["table"].tolist() == ["measurements"]
    import pyarrow as pa
    import polars as pl
    for kind, convert in [("pyarrow", pa.Table.from_pandas), ("polars", pl.from_pandas),
                          ("dicts", lambda df: df.astype(object).where(df.notna(), None).to_dict(orient="records"))]:
        t = {k: convert(v) for k, v in tables.items()}
        other = kampung.report.aggregate(t["families"], t["members"], t["measurements"], as_of=EXPECTED["as_of"])
        pd.testing.assert_frame_equal(other.indicators, report.indicators, obj=kind)
    # Shuffled rows give the same report: the tables are linked by no_kk, not
    # by order (members keep their family-card order within a family, since a
    # measurement may name its child by that position).
    fams = tables["families"].sample(frac=1.0, random_state=1)
    rank = {kk: i for i, kk in enumerate(fams["no_kk"].sample(frac=1.0, random_state=2))}
    members = tables["members"].assign(_k=tables["members"]["no_kk"].map(rank).fillna(-1))
    members = members.sort_values("_k", kind="stable").drop(columns="_k")
    r2 = kampung.report.aggregate(fams, members, tables["measurements"].sample(frac=1.0, random_state=3),
                                  as_of=EXPECTED["as_of"])
    pd.testing.assert_frame_equal(r2.indicators, report.indicators)
    assert r2.exclusions == r.exclusions


def test_renderings(report):
    text = report.to_text(lang="en")
    assert text.startswith("KAMPUNG KB REPORT — reference date 2025-07-01")
    assert "3-monthly injectable" in text
    teks = report.to_text(lang="id")
    assert "Suntik 3 bulanan" in teks and "injectable_3_month" not in teks
    doc = json.loads(report.to_json())
    assert doc["as_of"] == "2025-07-01" and doc["exclusions"] == {
        k: v for k, v in report.exclusions.items() if k != "errors_truncated"}
    assert doc["rows"][0]["counts"]["method"]["injectable_3_month"] > 0
    page = report.to_html(lang="en")
    assert page.count("<svg") == 5 and "<script" not in page


def test_to_html_writes_the_page(tmp_path, report):
    path = tmp_path / "r.html"
    page = report.to_html(path, lang="id")
    assert path.read_text(encoding="utf-8") == page
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]


def test_as_of_defaults_to_today_in_indonesia(tmp_path):
    p = tmp_path / "r.jsonl"
    kampung.report.write_synthetic_register(p, families=50, seed=3)
    r = kampung.report.read_jsonl(p, tz="WITA")
    assert r.as_of_today == "WITA"
    assert abs((r.as_of - datetime.date.today()).days) <= 1
    assert kampung.report.read_jsonl(p, as_of="2025-07-01").as_of_today is None
    with pytest.raises(kampung.ValidationError):
        kampung.report.read_jsonl(p, tz="UTC")


def test_the_gil_is_released_while_the_engine_runs(tmp_path):
    """Another Python thread keeps running while a large register is read."""
    import threading
    import time

    p = tmp_path / "r.jsonl"
    kampung.report.write_synthetic_register(p, families=60_000, seed=5)
    ticks = []
    done = threading.Event()

    def tick():
        while not done.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)

    t = threading.Thread(target=tick)
    t.start()
    time.sleep(0.01)
    start = time.perf_counter()
    kampung.report.read_jsonl(p, as_of="2025-07-01", threads=1)
    end = time.perf_counter()
    done.set()
    t.join()
    during = [x for x in ticks if start < x < end]
    assert end - start > 0.02 and len(during) >= 3, (end - start, len(during))


def test_entity_route_counts_a_reason_once_per_excluded_family():
    """Two member rows of one family with the same problem exclude the family
    once and count its reason once, as the JSON Lines route counts it."""
    families = pd.DataFrame([{"no_kk": "6472052301150007", "region_code": "64.72.05.2001",
                              "water_source": "ledeng", "latrine": "sendiri", "septic_tank": "ya"}])
    members = pd.DataFrame([
        {"no_kk": "6472052301150007", "nik": "6472050101850003", "name": "Budi", "sex": "X",
         "birth_date": "1985-01-01", "relationship": "kepala_keluarga", "marital_status": "kawin"},
        {"no_kk": "6472052301150007", "nik": "6472054507900002", "name": "Siti", "sex": "X",
         "birth_date": "1990-07-05", "relationship": "istri", "marital_status": "kawin"},
    ])
    measurements = pd.DataFrame(columns=["no_kk", "nik", "measured_on", "weight_kg", "length_cm", "measure"])
    r = kampung.report.aggregate(families, members, measurements, as_of="2025-07-01")
    assert r.exclusions["families_excluded"] == 1
    codes = r.errors["code"].tolist()
    assert len(codes) >= 2 and len(set(codes)) < len(codes), codes  # one code, on two rows
    assert all(n == 1 for n in r.exclusions["reasons"].values()), r.exclusions["reasons"]
    # The same family as one JSON Lines record counts the same reasons.
    record = {"no_kk": "6472052301150007", "region_code": "64.72.05.2001",
              "housing": {"water_source": "ledeng", "latrine": "sendiri", "septic_tank": True},
              "members": [{k: v for k, v in m.items() if k != "no_kk"} for m in members.to_dict("records")]}
    whole = kampung.report.aggregate([record], as_of="2025-07-01")
    assert dict(whole.exclusions["reasons"]) == dict(r.exclusions["reasons"])


def test_region_names_come_from_the_gazetteer():
    family = {"no_kk": "3174062301150007", "region_code": "31.74.06.1003",
              "members": [{"name": "Budi", "sex": "L", "birth_date": "1985-01-01",
                           "relationship": "kepala_keluarga", "marital_status": "kawin"}],
              "housing": {"water_source": "sumur_bor", "latrine": "sendiri", "septic_tank": True}}
    unknown = dict(family, no_kk="3201992301150007", region_code="32.01.99.2001")
    r = kampung.report.aggregate([family, unknown], as_of="2025-07-01")
    names = r.regions[("name", "")]
    assert names.loc[("desa_kelurahan", "31.74.06.1003")] == "Pondok Labu"
    assert names.loc[("kecamatan", "31.74.06")] == "Cilandak"
    # Every name is the gazetteer's (kampung.wilayah), looked up on its own.
    for (level, code), name in names.items():
        if level == "total":
            assert pd.isna(name)
        else:
            assert (None if pd.isna(name) else name) == kampung.wilayah.name(code), code
    assert pd.isna(names.loc[("desa_kelurahan", "32.01.99.2001")])
    ind = r.indicators
    assert list(ind.columns[:3]) == ["level", "code", "name"]
    assert set(ind.loc[ind["code"] == "31.74.06.1003", "name"]) == {"Pondok Labu"}
    assert "31.74.06.1003 Pondok Labu" in r.to_text("en")
    assert "31.74.06.1003 Pondok Labu" in r.to_html(lang="id")
    doc = json.loads(r.to_json())
    assert [row["name"] for row in doc["rows"]] == [None if pd.isna(n) else n for n in names]

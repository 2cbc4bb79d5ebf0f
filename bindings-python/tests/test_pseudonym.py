"""Pseudonymisation from Python: the report on pseudonymised DataFrames and
JSON Lines equals the original's; tokens are deterministic, keyed, never
NIKs; names and the key are gone."""

import json
import pathlib
import re

import pandas as pd
import polars as pl
import pytest

import kampung

REPO = pathlib.Path(__file__).resolve().parents[2]
SAMPLE = REPO / "examples" / "data" / "report_sample.jsonl"
AS_OF = "2025-07-01"
KEY = b"kunci-rahasia-untuk-uji-python!!"
OTHER = b"kunci-lain-yang-juga-32-byte-ok!!"


def _tables(tmp_path):
    kampung.report.write_synthetic_register(tmp_path, families=2100, seed=2025, bad_rate=0.02,
                                            as_of=AS_OF, format="csv")
    return {name: pd.read_csv(tmp_path / f"{name}.csv", dtype=str, keep_default_na=False).replace("", None)
            for name in ("families", "members", "measurements")}


def _report(t):
    return kampung.report.aggregate(t["families"], t["members"], t["measurements"], as_of=AS_OF)


def _tokens(values):
    return {v for v in values if isinstance(v, str) and v.startswith("P1")}


def test_dataframes_keep_the_report(tmp_path):
    tables = _tables(tmp_path)
    original = _report(tables)
    pseudo = {k: kampung.pseudonymize(v, key=KEY) for k, v in tables.items()}
    r = _report(pseudo)
    pd.testing.assert_frame_equal(r.indicators, original.indicators)
    # The sample's lines that are not JSON are, read by pandas, families with a
    # short Nomor KK: still excluded, under pseudonym_of_invalid_id.
    expected = dict(original.exclusions)
    reasons = dict(expected["reasons"])
    reasons["pseudonym_of_invalid_id"] = reasons.pop("kk_length")
    expected["reasons"] = reasons
    assert r.exclusions == expected
    members = pseudo["members"]
    assert not set(members["name"].dropna()) - {f"Anggota {i}" for i in range(1, 50)}
    assert not members["nik"].dropna().str.fullmatch(r"\d{16}").any()
    for t in _tokens(members["nik"]):
        with pytest.raises(kampung.ValidationError):
            kampung.Nik(t)
    # Polars gives the same tokens as pandas.
    pl_members = kampung.pseudonymize(pl.from_pandas(tables["members"]), key=KEY)
    as_text = [x if isinstance(x, str) else None for x in members["nik"].tolist()]
    assert pl_members["nik"].to_list() == as_text


def test_tokens_are_deterministic_and_unlinkable(tmp_path):
    members = _tables(tmp_path)["members"]
    a = kampung.pseudonymize(members, key=KEY)
    assert a["nik"].tolist() == kampung.pseudonymize(members, key=KEY)["nik"].tolist()
    b = kampung.pseudonymize(members, key=OTHER)
    assert _tokens(a["nik"]).isdisjoint(_tokens(b["nik"]))
    assert _tokens(a["no_kk"]).isdisjoint(_tokens(b["no_kk"]))


def test_jsonl_route_keeps_the_report_and_matches_dataframes(tmp_path):
    out = tmp_path / "pseudo.jsonl"
    key_file = tmp_path / "key"
    key_file.write_bytes(KEY)
    lines, records, unreadable = kampung.pseudonymize_jsonl(SAMPLE, out, key_file=key_file)
    assert lines == 2100 and unreadable == 16 and records == 2084
    original = kampung.report.read_jsonl(SAMPLE, as_of=AS_OF)
    pseudo = kampung.report.read_jsonl(out, as_of=AS_OF)
    pd.testing.assert_frame_equal(pseudo.indicators, original.indicators)
    assert pseudo.exclusions == original.exclusions
    text = out.read_text()
    assert KEY.decode() not in text and "Slamet" not in text
    assert not re.search(r"\d{16}", text)
    # The same NIK gets the same token on the DataFrame route.
    first = json.loads(SAMPLE.read_text().splitlines()[0])
    df = pd.DataFrame([{**m, "no_kk": first["no_kk"]} for m in first["members"]])
    tokens = kampung.pseudonymize(df, key=KEY)["nik"].tolist()
    assert tokens == [m["nik"] for m in json.loads(text.splitlines()[0])["members"]]


def test_bad_keys_and_columns_raise_without_echoing_the_key():
    df = pd.DataFrame({"no_kk": ["6472052301150007"]})
    with pytest.raises(kampung.ValidationError) as e:
        kampung.pseudonymize(df, key=b"short-secret")
    assert "short-secret" not in str(e.value) and e.value.errors()[0]["code"] == "pseudonym_key_too_short"
    with pytest.raises(kampung.SchemaError):
        kampung.pseudonymize(df)
    with pytest.raises(kampung.SchemaError):
        kampung.pseudonymize(df, key=KEY, columns={"nope": "kk"})
    with pytest.raises(kampung.SchemaError):
        kampung.pseudonymize(df, key=KEY, columns={"no_kk": "secret"})
    assert "KEY" not in repr(kampung.pseudonymize(df, key=KEY))

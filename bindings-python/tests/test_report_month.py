"""``month=`` on the report builders: the worked SKDN month of MONITORING.md
§5 as a register (tests/fixtures/report/skdn_march_2024.json, generated from
the monitoring fixture) gives the fixture's counts and ratios, the same
numbers as ``kampung report --month`` (its JSON ``skdn`` object), through
``read_jsonl``, ``aggregate`` (records and entity tables) and
``partial``/``merge``."""

import json
import pathlib
import subprocess

import pytest
from conftest import kampung_cli

import kampung

REPO = pathlib.Path(__file__).resolve().parents[2]
FIXTURE = json.loads((REPO / "tests" / "fixtures" / "report" / "skdn_march_2024.json").read_text())
AS_OF = FIXTURE["options"]["as_of"]
MONTH = FIXTURE["options"]["month"]
REGISTER = FIXTURE["input"]["register"]


def _same(got, want):
    if isinstance(want, (int, float)) and not isinstance(want, bool):
        return round(float(got) * 100) == round(float(want) * 100)
    return (got is None and want is None) or got == want


def _check(skdn):
    failures = []
    for code, want in FIXTURE["expected"]["rows"].items():
        row = skdn.loc[("total", "")] if code == "total" else skdn.xs(code, level="code").iloc[0]
        for key, w in want.items():
            if not _same(row[key], w):
                failures.append(f"{code}.{key}: got {row[key]!r}, want {w!r}")
    assert not failures, failures


@pytest.fixture(scope="module")
def jsonl(tmp_path_factory):
    p = tmp_path_factory.mktemp("month") / "register.jsonl"
    p.write_text("".join(json.dumps(r) + "\n" for r in REGISTER))
    return p


def test_read_jsonl_with_month_gives_the_fixture(jsonl):
    r = kampung.report.read_jsonl(jsonl, as_of=AS_OF, month=MONTH, locale="en")
    assert r.skdn_month == MONTH
    _check(r.skdn)
    total = r.skdn.loc[("total", "")]
    assert total["K"] is None  # not available from a register, never 0
    assert "K/S" not in r.skdn.columns and "D/K" not in r.skdn.columns
    # The identities of §2.1 in every row.
    s = r.skdn
    assert (s["D"] == s["N"] + s["T"] + s["O"] + s["B"]).all()
    assert (s["D′"] == s["N"] + s["T"]).all() and (s["2T"] <= s["T"]).all() and (s["D"] <= s["S"]).all()
    # Parents sum counts: the two desa add up to the kecamatan.
    desa = s[s.index.get_level_values("level") == "desa_kelurahan"]
    assert len(desa) == 2 and desa["S"].sum() == total["S"] and desa["N"].sum() == total["N"]
    cells = r.skdn_by_sex_age
    assert cells[cells["code"] == ""]["S"].sum() == 16
    assert set(cells["sex"]) == {"L", "P"}
    assert "SKDN 2024-03" in r.to_text() and "N/D by village" in r.to_html()


def test_every_builder_gives_the_same_table(jsonl):
    want = kampung.report.read_jsonl(jsonl, as_of=AS_OF, month=MONTH).to_json()
    records = kampung.report.aggregate(REGISTER, as_of=AS_OF, month=MONTH).to_json()
    assert json.loads(records)["skdn"] == json.loads(want)["skdn"]
    states = [kampung.report.partial(REGISTER[:7], as_of=AS_OF, month=MONTH, part=0),
              kampung.report.partial(REGISTER[7:], as_of=AS_OF, month=MONTH, part=1, first_record=7)]
    merged = kampung.report.merge([states[1].to_bytes(), states[0]])
    assert json.loads(merged.to_json())["skdn"] == json.loads(want)["skdn"]
    _check(merged.skdn)
    lines = "".join(json.dumps(r) + "\n" for r in REGISTER).encode()
    part = kampung.report.partial_jsonl(lines, as_of=AS_OF, month=MONTH)
    assert json.loads(kampung.report.merge([part]).to_json())["skdn"] == json.loads(want)["skdn"]
    # Entity tables: members and measurements as rows.
    fams, members, meas = [], [], []
    for f in REGISTER:
        fams.append({"no_kk": f["no_kk"], "region_code": f["region_code"], "water_source": "ledeng",
                     "latrine": "sendiri", "septic_tank": True, "kb_method": "implant"})
        members += [{"no_kk": f["no_kk"], **m} for m in f["members"]]
        meas += [{"no_kk": f["no_kk"], **m} for m in f["measurements"]]
    ent = kampung.report.aggregate(fams, members, meas, as_of=AS_OF, month=MONTH)
    assert ent.exclusions["families_excluded"] == 0, ent.errors
    _check(ent.skdn)


def test_without_month_nothing_changes_and_bad_months_are_refused(jsonl):
    r = kampung.report.read_jsonl(jsonl, as_of=AS_OF)
    assert r.skdn is None and r.skdn_month is None and r.skdn_by_sex_age is None
    assert "skdn" not in json.loads(r.to_json())
    for month, code in [("2024-13", "invalid_month"), ("2024-07", "date_in_future")]:
        with pytest.raises(kampung.ValidationError) as e:
            kampung.report.read_jsonl(jsonl, as_of=AS_OF, month=month)
        assert e.value.errors()[0]["code"] == code
        assert e.value.errors()[0]["path"] == ["month"]
    a = kampung.report.partial(REGISTER[:3], as_of=AS_OF, month=MONTH)
    b = kampung.report.partial(REGISTER[3:], as_of=AS_OF, month="2024-02", part=1)
    with pytest.raises(ValueError, match="SKDN"):
        kampung.report.merge([a, b])


def test_python_numbers_equal_the_cli_json(jsonl):
    """The ``skdn`` object of ``kampung report --month`` equals Python's, key
    for key (the CLI binary of this checkout, when built)."""
    cli = kampung_cli()
    out = subprocess.run([str(cli), "report", str(jsonl), "--as-of", AS_OF, "--month", MONTH,
                          "--format", "json", "-q"], capture_output=True, check=True)
    cli_skdn = json.loads(out.stdout)["skdn"]
    py = json.loads(kampung.report.read_jsonl(jsonl, as_of=AS_OF, month=MONTH).to_json())["skdn"]
    assert py == cli_skdn
    rows = kampung.report.read_jsonl(jsonl, as_of=AS_OF, month=MONTH).skdn
    for row in cli_skdn["rows"]:
        got = rows.loc[(row["level"], row["code"] or "")]
        for key in ["S", "D", "N", "T", "O", "B", "D′", "2T", "BGM", "refer", "N/D", "N/D′", "D/S"]:
            assert _same(got[key], row[key]), (row["code"], key)

"""The foundation API as a notebook user meets it."""

import datetime
import pickle
import typing

import pytest

import kampung

AS_OF = datetime.date(2026, 1, 15)


def test_nik_attributes():
    nik = kampung.Nik("3174064509870003", as_of=AS_OF)
    assert nik.sex == "female"
    assert nik.birth_date == datetime.date(1987, 9, 5)
    assert (nik.province_code, nik.kabkota_code, nik.kecamatan_code) == ("31", "3174", "317406")
    assert nik.province_name == "DKI Jakarta"
    assert nik.serial == 3
    assert str(nik) == "3174064509870003"
    assert "4509870003" not in repr(nik)  # personal data is masked in repr
    assert nik == kampung.Nik("3174064509870003", as_of=AS_OF)


def test_nik_default_as_of_is_today():
    nik = kampung.Nik("3201011503250001")
    assert nik.birth_date == datetime.date(2025, 3, 15)


def test_validation_error_is_a_value_error_with_details():
    with pytest.raises(ValueError) as info:
        kampung.Nik("2070003213000000", locale="en")
    err = info.value
    assert isinstance(err, kampung.ValidationError)
    assert isinstance(err, kampung.KampungError)
    assert err.error_count() == 5
    first = err.errors()[0]
    assert first == {
        "path": [],
        "field": "",
        "code": "nik_province_unknown",
        "message": "Province code 20 in the NIK is unknown.",
        "params": {"province": "20"},
    }
    assert str(err).startswith("5 validation errors for Nik\n(input)\n  Province code 20")
    assert "2070003213000000" not in str(err)  # a NIK is never echoed


def test_validation_error_pickles():
    with pytest.raises(kampung.ValidationError) as info:
        kampung.NomorKk("123")
    again = pickle.loads(pickle.dumps(info.value))
    assert again.errors() == info.value.errors()
    assert str(again) == str(info.value)


@pytest.mark.parametrize("bad", [None, 3174064509870003, 3.5, b"3174064509870003", ["x"], {"a": 1}, object()])
def test_any_python_value_gives_a_validation_error(bad):
    with pytest.raises(kampung.ValidationError) as info:
        kampung.Nik(bad)
    assert info.value.errors()[0]["code"] in {"required", "invalid_type"}


def test_unknown_locale_is_a_programmer_error():
    with pytest.raises(ValueError, match="unknown locale"):
        kampung.Nik("3174064509870003", locale="fr")


def test_region_code():
    k = kampung.KodeWilayah("64.72.05.1001")
    assert (k.level, k.kind, k.plain) == ("desa_kelurahan", "kelurahan", "6472051001")
    assert k.parent.code == "64.72.05"
    assert k.parent.parent.kind == "kota"
    assert k.parent.parent.parent.parent is None
    assert k.province_name == "Kalimantan Timur"


def test_validate_family_accepts_dates_and_reports_paths():
    fam = {
        "no_kk": "6472052301150007",
        "region_code": "64.72.05.1001",
        "members": [
            {"name": "Budi", "sex": 1, "birth_date": datetime.date(1985, 1, 1), "relationship": 1, "marital_status": 2},
            {"name": "Bayu", "sex": "L", "birth_date": "2027-01-01", "relationship": "anak", "marital_status": 1},
        ],
    }
    with pytest.raises(kampung.ValidationError) as info:
        kampung.validate_family(fam, as_of=AS_OF)
    (e,) = info.value.errors()
    assert e["path"] == ["members", 1, "birth_date"]
    assert e["code"] == "date_in_future"
    assert e["message"] == "Tanggal tidak boleh setelah tanggal acuan 2026-01-15."
    fam["members"][1]["birth_date"] = "2020-01-01"
    ok = kampung.validate_family(fam, as_of=AS_OF)
    assert ok["members"][0]["birth_date"] == "1985-01-01"
    assert ok["members"][1]["relationship"] == "anak"


@pytest.mark.parametrize("garbage", [None, 1, "x", [], [{}], {"members": [None, 1, "x", object()]}, {"no_kk": float("nan")}])
def test_validate_family_never_crashes_on_garbage(garbage):
    with pytest.raises(kampung.ValidationError):
        kampung.validate_family(garbage, as_of=AS_OF)


def test_error_codes_literal_matches_the_compiled_registry():
    assert list(typing.get_args(kampung.ErrorCode)) == kampung.list_error_codes()
    assert list(kampung.ALL_ERROR_CODES) == kampung.list_error_codes()
    for code in kampung.list_error_codes():
        assert kampung.error_template(code, "id") != kampung.error_template(code, "en")


def test_module_docstring_examples_run():
    import doctest

    result = doctest.testmod(kampung, verbose=False)
    assert result.attempted >= 3
    assert result.failed == 0

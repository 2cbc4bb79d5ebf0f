"""Runs every cross-language fixture through the public Python API."""

import datetime

import pytest

import kampung
from conftest import load_cases


def _as_of(case):
    return datetime.date.fromisoformat(case["options"]["as_of"])


def _invalid(err):
    return {"status": "invalid", "errors": err.errors()}


@pytest.mark.parametrize("case", load_cases("nik"))
def test_nik(case):
    opts = case["options"]
    try:
        nik = kampung.Nik(case["input"], as_of=_as_of(case), locale=opts["locale"])
        got = {"status": "valid", "value": nik.to_dict()}
    except kampung.ValidationError as e:
        got = _invalid(e)
    assert got == case["expected"]


@pytest.mark.parametrize("case", load_cases("family"))
def test_family(case):
    opts = case["options"]
    try:
        fam = kampung.validate_family(case["input"], as_of=_as_of(case), locale=opts["locale"])
        got = {"status": "valid", "value": fam}
    except kampung.ValidationError as e:
        got = _invalid(e)
    assert got == case["expected"]

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


def _project(errors, expected_errors):
    """Compares only the keys the fixture states (some state path/code/message only)."""
    return [{k: e.get(k) for k in x} for e, x in zip(errors, expected_errors)] + errors[len(expected_errors):]


RISK_AREAS = [
    ("kb", "kb_indicators"),
    ("krs", "krs"),
    ("screening/catin", "catin"),
    ("screening/ibu_hamil", "ibu_hamil"),
]
FUNCS = {
    "kb_indicators": lambda c: kampung.kb.indicators(c["input"], **c["options"]),
    "krs": lambda c: kampung.risk.evaluate_krs(c["input"], **c["options"]),
    "catin": lambda c: kampung.risk.screen_catin(c["input"], **c["options"]),
    "ibu_hamil": lambda c: kampung.risk.screen_ibu_hamil(c["input"], **c["options"]),
}


@pytest.mark.parametrize(
    "func,case",
    [pytest.param(func, case.values[0], id=f"{area}/{case.id}") for area, func in RISK_AREAS for case in load_cases(area)],
)
def test_kb_and_risk(func, case):
    expected = case["expected"]
    try:
        got = {"status": "valid", "value": FUNCS[func](case)}
    except kampung.ValidationError as e:
        errors = e.errors()
        got = {"status": "invalid", "errors": _project(errors, expected.get("errors", []))}
    assert got == expected

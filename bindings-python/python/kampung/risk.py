"""Stunting risk: *keluarga berisiko stunting* (KRS) and the screening of
*calon pengantin* (catin) and *ibu hamil* (DOMAIN.md §1 and §4).

Each function takes one record (a dict) and returns a dict with the decision,
the factors or reasons that fired (codes plus explanations in ``locale``) and
the rule set used; the ``*_batch`` variants take many records (a list of
dicts, a pandas DataFrame or an Arrow table) and return a
:class:`kampung.BatchResult` of a results table and an errors table.

Rule options (keyword arguments) select documented alternatives where the
sources disagree, e.g. ``terlalu_tua="over_35"`` or ``terlalu_banyak="3_or_more"``;
a misspelt option or key is an ``unknown_field`` error (DOMAIN.md §9.5), and a
table with a column kampung does not read raises :class:`kampung.SchemaError`.
``as_of`` is a ``datetime.date`` or an ISO string ``"YYYY-MM-DD"``. Batch
results come back in the caller's frame library (polars in, polars out).
"""

from __future__ import annotations

import datetime
from typing import Any, Dict, Optional, Union

from . import _kampung
from ._batch import BatchResult, as_tables, records_of

__all__ = [
    "evaluate_krs",
    "evaluate_krs_batch",
    "screen_catin",
    "screen_catin_batch",
    "screen_ibu_hamil",
    "screen_ibu_hamil_batch",
]

Date = Union[datetime.date, str]
"""A reference date; required: without it the call raises ValidationError at ``options.as_of``
(the date is never read from a clock)."""


def _options(as_of: Optional[Date], locale: str, rules: Dict[str, Any]) -> Dict[str, Any]:
    return {"as_of": as_of, "locale": locale, **rules}


def evaluate_krs(data: Dict[str, Any], *, as_of: Optional[Date] = None, locale: str = "id", **rules: Any) -> Dict[str, Any]:
    """Whether a family is a *keluarga sasaran* (and why) and whether it is at
    risk of stunting (and which factors fired).

    ``data``: ``{"family": {...as validate_family takes...}, "housing":
    {"water_source", "latrine", "septic_tank"}, "wife_pregnant": bool}``.
    Rules: ``water_rule``, ``latrine_rule``, ``terlalu_tua`` (``"35_40"`` or
    ``"over_35"``), ``terlalu_banyak`` (``"more_than_3"`` or ``"3_or_more"``),
    ``spacing``, ``pus_menstruation_exception``, ``include_housing``.

    >>> fam = {"no_kk": "6472052301150007", "region_code": "64.72.05.1001", "members": [
    ...     {"name": "Budi", "sex": "L", "birth_date": "1990-01-01", "relationship": "kepala_keluarga", "marital_status": "kawin"},
    ...     {"name": "Siti", "sex": "P", "birth_date": "1995-03-10", "relationship": "istri", "marital_status": "kawin"}]}
    >>> r = evaluate_krs({"family": fam, "housing": {"water_source": "sungai", "latrine": "sendiri", "septic_tank": True},
    ...                   "wife_pregnant": False}, as_of="2026-01-15", locale="en")
    >>> r["sasaran"], r["at_risk"], [f["code"] for f in r["risk_factors"]]
    (True, True, ['air_minum_tidak_layak'])
    """
    return _kampung._evaluate("krs", data, _options(as_of, locale, rules))


def evaluate_krs_batch(families: Any, *, as_of: Optional[Date] = None, locale: str = "id", **rules: Any) -> BatchResult:
    """:func:`evaluate_krs` over many families (a list of dicts, a pandas or
    polars DataFrame, or an Arrow table with columns ``family``, ``housing``,
    ``wife_pregnant``); never raises per row.

    >>> res = evaluate_krs_batch([{"family": {}}], as_of="2026-01-15")
    >>> len(res.results), sorted(set(res.errors["code"]))
    (0, ['family_no_members', 'required'])
    """
    rows = records_of(families, _kampung._fields("krs"))
    return as_tables(*_kampung._evaluate_batch("krs", rows, _options(as_of, locale, rules)), like=families)


def screen_catin(data: Dict[str, Any], *, as_of: Optional[Date] = None, locale: str = "id", **rules: Any) -> Dict[str, Any]:
    """Screens a *calon pengantin*: age, IMT, LILA (KEK), haemoglobin, height.

    ``data``: ``{"sex", "birth_date", "weight_kg", "height_cm", "lila_cm", "hb_g_dl"}``.
    Result ``category`` is ``"ideal"`` or ``"berisiko"`` with ``reasons``.
    Rules: ``hb_rule`` (``"who"``, ``"bkkbn_11"``, ``"bkkbn_11_5"``), ``age_rule``,
    ``terlalu_tua``, ``short_stature``.

    >>> r = screen_catin({"sex": "P", "birth_date": "2000-01-01", "weight_kg": 45, "height_cm": 150,
    ...                   "lila_cm": 22.0, "hb_g_dl": 10.5}, as_of="2026-01-15")
    >>> r["category"], r["kek"], r["anaemia"]
    ('berisiko', True, 'moderate')
    """
    return _kampung._evaluate("catin", data, _options(as_of, locale, rules))


def screen_catin_batch(records: Any, *, as_of: Optional[Date] = None, locale: str = "id", **rules: Any) -> BatchResult:
    """:func:`screen_catin` over many records; never raises per row.

    >>> res = screen_catin_batch([{"sex": "P"}, {"sex": "?"}], as_of="2026-01-15")
    >>> sorted(set(res.errors["row"]))
    [0, 1]
    """
    rows = records_of(records, _kampung._fields("catin"))
    return as_tables(*_kampung._evaluate_batch("catin", rows, _options(as_of, locale, rules)), like=records)


def screen_ibu_hamil(data: Dict[str, Any], *, as_of: Optional[Date] = None, locale: str = "id", **rules: Any) -> Dict[str, Any]:
    """Screens a pregnant woman (*ibu hamil*): age, LILA, haemoglobin, height,
    parity and birth spacing, IMT from the pre-pregnancy weight.

    >>> r = screen_ibu_hamil({"birth_date": "1988-01-01", "height_cm": 150, "lila_cm": 25, "hb_g_dl": 12,
    ...                       "gestational_age_weeks": 20, "parity": 1, "last_birth_date": "2025-01-01"},
    ...                      as_of="2026-01-15")
    >>> r["category"], [x["code"] for x in r["reasons"]]
    ('berisiko', ['usia_terlalu_tua', 'terlalu_dekat'])
    """
    return _kampung._evaluate("ibu_hamil", data, _options(as_of, locale, rules))


def screen_ibu_hamil_batch(records: Any, *, as_of: Optional[Date] = None, locale: str = "id", **rules: Any) -> BatchResult:
    """:func:`screen_ibu_hamil` over many records; never raises per row.

    >>> screen_ibu_hamil_batch([], as_of="2026-01-15").results.empty
    True
    """
    rows = records_of(records, _kampung._fields("ibu_hamil"))
    return as_tables(*_kampung._evaluate_batch("ibu_hamil", rows, _options(as_of, locale, rules)), like=records)

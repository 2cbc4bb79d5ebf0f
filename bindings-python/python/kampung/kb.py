"""Family-planning (KB) participation indicators (DOMAIN.md §2).

Every indicator is ``{"numerator", "denominator", "value"}`` with ``value``
a percentage, or ``None`` when the denominator is zero (never 0 in disguise).
Aggregate by summing numerators and denominators, never by averaging values.
"""

from __future__ import annotations

import datetime
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

from . import _kampung
from .growth import _is_arrow, _num

__all__ = ["indicators", "dhs_unmet_need", "DHS_COLUMNS", "DHS_REASONS"]


def indicators(
    data: Dict[str, Any],
    *,
    as_of: Union[datetime.date, str, None] = None,
    locale: str = "id",
    method_codes: str = "canonical",
) -> Dict[str, Any]:
    """CPR, mCPR, MKJP share, method mix, non-use by reason, unmet need (portal
    proxy and revised DHS definition when its inputs are present) and demand
    satisfied by modern methods.

    ``data`` is either ``{"records": [{"method": ..., "reason_not_using": ...}, ...]}``
    (one per PUS) or the portal's totals ``{"counts": {...}}``. ``method_codes``
    names the code system of ``method``: ``canonical``, ``kampung_kb``,
    ``opensid``, ``pk2015`` or ``kikb``.

    >>> r = indicators({"records": [{"method": "iud"}, {"method": "none", "reason_not_using": "iat"}]},
    ...                as_of="2026-01-15")
    >>> r["cpr"]["numerator"], r["cpr"]["denominator"], r["cpr"]["value"]
    (1, 2, 50.0)

    Raises :class:`kampung.ValidationError` for inconsistent input.
    """
    options = {"as_of": as_of, "locale": locale, "method_codes": method_codes}
    return _kampung._evaluate("kb_indicators", data, options)


# ---------------------------------------------------------------------------
# DHS survey microdata: unmet need (v626a) from the individual recode
# ---------------------------------------------------------------------------

DHS_COLUMNS = (
    "v000", "v005", "v007", "v020", "v012", "v013", "v502", "v512", "v525", "v528", "v213",
    "v225", "v222", "m6_1", "m10_1", "v215", "v302a", "v312", "v313", "v605", "v3a08d",
)
"""The individual-recode columns :func:`dhs_unmet_need` requires (any case)."""

_DHS_NUMERIC = (
    "v007", "v020", "v502", "v512", "v525", "v528", "v213", "v225", "v222", "m6_1", "m10_1",
    "v215", "v302a", "v312", "v605", "v3a08d",
)

DHS_REASONS: Dict[str, Dict[str, str]] = {
    code: {"id": id_text, "en": en_text} for code, id_text, en_text in _kampung._dhs_reasons()
}
"""The rule behind each v626a (``reason`` codes of :func:`dhs_unmet_need`),
with a description in Indonesian and English. The DHS code lines each rule
follows are listed in the documentation (docs/dhs.md)."""

_REASON_CODES = tuple(DHS_REASONS)


def _column_names(table: Any) -> List[str]:
    if isinstance(table, Mapping):
        return [str(k) for k in table.keys()]
    if hasattr(table, "column_names"):  # pyarrow.Table / RecordBatch
        return list(table.column_names)
    if hasattr(table, "columns"):  # pandas / polars DataFrame
        return [str(c) for c in table.columns]
    raise TypeError(
        "women must be a pandas or polars DataFrame, an Arrow table or a dict of columns, got "
        + type(table).__name__
    )


def _column(table: Any, name: str) -> Any:
    if hasattr(table, "column_names") and hasattr(table, "column"):
        return table.column(name)
    return table[name]


def _pick_columns(table: Any, required: Sequence[str], optional: Sequence[Optional[str]] = ()) -> Dict[str, Any]:
    """The named columns of ``table`` (matched case-insensitively, as Stata
    and SPSS exports differ in case); one SchemaError lists every missing one."""
    from .errors import SchemaError

    by_lower: Dict[str, str] = {}
    for c in _column_names(table):
        by_lower.setdefault(c.lower(), c)
    wanted = list(required) + [o for o in optional if o is not None]
    missing = [n for n in wanted if n.lower() not in by_lower]
    if missing:
        raise SchemaError(
            "missing required column" + ("s" if len(missing) > 1 else "") + ": " + ", ".join(missing)
        )
    return {n: _column(table, by_lower[n.lower()]) for n in wanted}


def _factorize(x: Any) -> Tuple[List[str], np.ndarray]:
    """A text column as (distinct values, int64 codes; -1 = missing)."""
    if _is_arrow(x) and hasattr(x, "to_pylist"):
        x = x.to_pylist()
    elif hasattr(x, "to_list") and not hasattr(x, "to_numpy"):
        x = x.to_list()
    elif type(x).__module__.split(".")[0] == "polars":
        x = x.to_list()
    try:
        import pandas as pd  # type: ignore[import-untyped,unused-ignore]
    except ImportError:  # pragma: no cover - pandas is optional
        arr = np.asarray(x, dtype=object)
        arr = np.where(np.equal(arr, None), "", arr).astype(str)
        uniques, codes = np.unique(arr, return_inverse=True)
        return [str(u) for u in uniques], codes.astype(np.int64)
    codes, uniques = pd.factorize(pd.Series(x) if not hasattr(x, "dtype") else x)
    return [str(u) for u in uniques], np.ascontiguousarray(codes, dtype=np.int64)


def _errors_frame(errors: Dict[str, Any]) -> Any:
    try:
        import pandas as pd  # type: ignore[import-untyped,unused-ignore]
    except ImportError:  # pragma: no cover
        return errors
    return pd.DataFrame(errors, columns=["row", "field", "code", "message"])


def _aligned(women: Any, name: str, values: np.ndarray, categories: Optional[Sequence[str]] = None) -> Any:
    """``values`` as a column aligned with ``women``: a pandas Series with
    its index for pandas input, a polars Series for polars input, else a
    pandas Series (numpy array without pandas). With ``categories``,
    ``values`` are codes into them."""
    if type(women).__module__.split(".")[0] == "polars":
        import polars as pl  # type: ignore[import-untyped,unused-ignore]

        if categories is not None:
            return pl.Series(name, np.asarray(categories, dtype=object)[values], dtype=pl.Categorical)
        return pl.Series(name, values)
    try:
        import pandas as pd  # type: ignore[import-untyped,unused-ignore]
    except ImportError:  # pragma: no cover
        return np.asarray(categories, dtype=object)[values] if categories is not None else values
    index = women.index if isinstance(women, pd.DataFrame) else None
    if categories is not None:
        return pd.Series(pd.Categorical.from_codes(values, categories=list(categories)), index=index, name=name)
    return pd.Series(values, index=index, name=name)


def dhs_unmet_need(women: Any, *, rules: str = "stata", reasons: bool = False, locale: str = "id") -> Any:
    """Unmet need for family planning (DHS ``v626a``) for every woman, derived
    from the individual-recode variables exactly as the DHS Program's code
    does (``FP_NEED.do``; Bradley et al. 2012).

    ``women``: a pandas or polars DataFrame, an Arrow table or a dict of
    columns with the DHS IR columns of :data:`DHS_COLUMNS` (any case; extra
    columns are ignored). Read an IDHS/SDKI file with
    ``pandas.read_stata(path, convert_categoricals=False)``.

    Returns the class per woman as an integer column aligned with the input
    (a pandas Series with the input's index, or a polars Series for polars
    input), named ``v626a``: 0 never had sex, 1 unmet need for spacing, 2
    unmet need for limiting, 3 met need for spacing, 4 met need for limiting,
    7 no unmet need, 8 not sexually active, 9 infecund, 98 unmarried in an
    ever-married sample, 99 missing. Attributes of the result:

    * ``errors``: one row per impossible value (``row, field, code,
      message``); such a woman is 99, the call never fails for a bad value;
    * ``reason``: with ``reasons=True``, the rule that fired per woman (codes
      of :data:`DHS_REASONS`), else ``None``.

    ``rules="stata"`` (default) follows the DHS Stata/SPSS code and Bradley
    et al. 2012; ``rules="r"`` the DHS R code, which never uses the
    "period before last birth" (``v215 = 995``) fallback for postpartum
    amenorrhoea of women who are not pregnant.

    >>> women = {"v000": ["ID7", "ID7", "ID7"], "v005": [1e6] * 3, "v007": [2017] * 3,
    ...          "v020": [0] * 3, "v012": [30, 25, 19], "v013": [4, 3, 1], "v502": [1, 1, 0],
    ...          "v512": [10, 3, None], "v525": [18, 20, 0], "v528": [2, 5, None],
    ...          "v213": [0, 1, 0], "v225": [None, 2, None], "v222": [40, 30, None],
    ...          "m6_1": [None, None, None], "m10_1": [None, None, None], "v215": [310, 994, 305],
    ...          "v302a": [1, 1, 0], "v312": [3, 0, 0], "v313": [3, 0, 0], "v605": [5, 5, 4],
    ...          "v3a08d": [0, 0, 0]}
    >>> r = dhs_unmet_need(women, reasons=True)
    >>> r.tolist(), list(r.reason)
    ([4, 1, 0], ['user_limiting', 'pregnant', 'never_had_sex'])
    >>> women["v213"][2] = 2
    >>> r = dhs_unmet_need(women)
    >>> int(r[2]), r.errors["field"].tolist(), r.errors["code"].tolist()
    (99, ['v213'], ['invalid_code'])

    Raises :class:`kampung.SchemaError` naming every missing column.
    """
    cols = _pick_columns(women, DHS_COLUMNS)
    values, codes = _factorize(cols["v000"])
    numeric = {name: _num(cols[name], name) for name in _DHS_NUMERIC}
    v626a, reason_idx, errors = _kampung._dhs_unmet_need(values, codes, numeric, rules, reasons, locale)
    out = _aligned(women, "v626a", v626a.astype(np.int16))
    reason = _aligned(women, "reason", reason_idx, _REASON_CODES) if reason_idx is not None else None
    try:
        out.errors = _errors_frame(errors)
        out.reason = reason
    except AttributeError:  # pragma: no cover - a numpy array without pandas
        out = _UnmetNeedArray(out)
        out.errors, out.reason = _errors_frame(errors), reason
    return out


class _UnmetNeedArray(np.ndarray):  # pragma: no cover - only without pandas
    errors: Any
    reason: Any

    def __new__(cls, values: np.ndarray) -> "_UnmetNeedArray":
        return np.asarray(values).view(cls)

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
from ._batch import records_of

__all__ = [
    "indicators", "dhs_unmet_need", "dhs_fp_indicators", "DHS_COLUMNS", "DHS_REASONS", "FP_GROUPS",
    "FP_INDICATORS",
]


def indicators(
    data: Any,
    *,
    as_of: Union[datetime.date, str, None] = None,
    locale: str = "id",
    method_codes: str = "canonical",
    pregnant_with_method: str = "error",
) -> Dict[str, Any]:
    """CPR, mCPR, MKJP share, method mix, non-use by reason, unmet need (portal
    proxy and revised DHS definition when its inputs are present) and demand
    satisfied by modern methods.

    ``data`` is either ``{"records": [{"method": ..., "reason_not_using": ...}, ...]}``
    (one per PUS) or the portal's totals ``{"counts": {...}}``; or the records
    themselves as a pandas or polars DataFrame or an Arrow table (columns ``method``, ``acceptor_sex``, ``reason_not_using``,
    ``pregnant``, ``age_years``; missing cells are missing). ``method_codes``
    names the code system of ``method``: ``canonical``, ``kampung_kb``,
    ``opensid``, ``pk2015`` or ``kikb``. A record both pregnant and naming a
    method is an error (DOMAIN.md §9.4) unless ``pregnant_with_method=
    "method_failure"``, which counts it as a pregnant non-user and reports
    the count in ``pregnant_method_failures``.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"method": ["iud", "none", "pill"], "reason_not_using": [None, "iat", None]})
    >>> indicators(df, as_of="2026-01-15")["cpr"]["value"]
    66.66666666666667

    >>> r = indicators({"records": [{"method": "iud"}, {"method": "none", "reason_not_using": "iat"}]},
    ...                as_of="2026-01-15")
    >>> r["cpr"]["numerator"], r["cpr"]["denominator"], r["cpr"]["value"]
    (1, 2, 50.0)

    Raises :class:`kampung.ValidationError` for inconsistent input.
    """
    options = {"as_of": as_of, "locale": locale, "method_codes": method_codes,
               "pregnant_with_method": pregnant_with_method}
    if hasattr(data, "columns") or hasattr(data, "column_names") or hasattr(data, "__arrow_c_stream__"):
        data = {"records": records_of(data, _kampung._fields("kb_record"))}
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


def _survey_ids(x: Any) -> Tuple[List[str], Optional[np.ndarray]]:
    """``v000`` as (distinct values, int64 codes); codes are None when every
    woman has the same survey (the usual case: one IR file)."""
    if hasattr(x, "iloc") and len(x) > 0:  # pandas: one vectorised comparison
        first = x.iloc[0]
        if isinstance(first, str) and bool((x == first).all()):
            return [first], None
    return _factorize(x)


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
        missing = np.asarray(arr == None, dtype=bool)  # noqa: E711 - element-wise
        arr = np.where(missing, "", arr).astype(str)
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


def dhs_unmet_need(
    women: Any, *, rules: str = "stata", reasons: bool = False, locale: str = "id", threads: Optional[int] = None
) -> Any:
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
    amenorrhoea of women who are not pregnant. The work runs in Rust with the
    GIL released, on every core unless ``threads`` says otherwise (the result
    does not depend on it).

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
    values, codes = _survey_ids(cols["v000"])
    numeric = {name: _num(cols[name], name) for name in _DHS_NUMERIC}
    v626a, reason_idx, errors = _kampung._dhs_unmet_need(values, codes, numeric, rules, reasons, locale, threads)
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


FP_GROUPS = ("all_women", "currently_married", "sexually_active_unmarried")
"""The population groups of the DHS family-planning tables."""

FP_INDICATORS = (
    "cpr_any", "cpr_modern", "cpr_traditional", "unmet_spacing", "unmet_limiting", "unmet_total",
    "met_need_total", "total_demand", "demand_satisfied_any", "demand_satisfied_modern",
)
"""The indicators of :func:`dhs_fp_indicators`, in table order."""


_FP_COLUMNS = (
    "group", "by", "level", "indicator", "estimate", "se", "ci_low", "ci_high", "deft", "n_unweighted",
    "n_weighted", "df",
)


def _label(v: Any) -> str:
    """A level as R prints it: 1.0 -> "1"."""
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    return str(v)


def _levels(x: Any) -> Tuple[np.ndarray, List[str]]:
    """Sorted levels of a break-down column: (int64 codes, -1 = missing; labels)."""
    if _is_arrow(x) or type(x).__module__.split(".")[0] == "polars":
        x = x.to_pylist() if hasattr(x, "to_pylist") else x.to_list()
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    s = x if isinstance(x, pd.Series) else pd.Series(x)
    if isinstance(s.dtype, pd.CategoricalDtype):
        return np.ascontiguousarray(s.cat.codes.to_numpy(), dtype=np.int64), [_label(c) for c in s.cat.categories]
    codes, uniques = pd.factorize(s, sort=True)
    return np.ascontiguousarray(codes, dtype=np.int64), [_label(u) for u in uniques]


def _ids(x: Any, name: str) -> np.ndarray:
    """A cluster or stratum column: float64 when numeric, else int64 codes."""
    try:
        return _num(x, name)  # type: ignore[return-value]
    except Exception:  # noqa: BLE001 - text ids
        _, codes = _factorize(x)
        return codes


def dhs_fp_indicators(
    women: Any,
    *,
    weight: Optional[str] = "v005",
    cluster: Optional[str] = "v001",
    strata: Optional[str] = "v022",
    rules: str = "stata",
    groups: Sequence[str] = FP_GROUPS,
    by: Union[None, str, Sequence[str]] = None,
    ci: str = "two_se",
    level: float = 0.95,
    lonely_psu: str = "adjust",
    nest: bool = False,
    locale: str = "id",
    threads: Optional[int] = None,
) -> Any:
    """The family-planning indicators of the DHS reports with design-based
    standard errors, from the women of an individual-recode file.

    For each group (``all_women``; ``currently_married``: ``v502 = 1``;
    ``sexually_active_unmarried``: ``v502 != 1`` and ``v528 <= 30``), and for
    each level of every ``by`` column (region ``v024``, residence ``v025``,
    age group ``v013``, ...): ``cpr_any``, ``cpr_modern``, ``cpr_traditional``
    (from ``v313``), ``unmet_spacing``, ``unmet_limiting``, ``unmet_total``,
    ``met_need_total``, ``total_demand`` (from v626a derived as
    :func:`dhs_unmet_need` does, over all women of the group),
    ``demand_satisfied_any`` and ``demand_satisfied_modern`` (over women with
    demand; SDG 3.7.1).

    Returns a pandas DataFrame, one row per group, ``by`` level and
    indicator: ``group, by, level, indicator`` (``by``/``level`` are None for
    the group as a whole), ``estimate`` (percent), ``se``, ``ci_low``,
    ``ci_high``, ``deft``, ``n_unweighted``, ``n_weighted``, ``df``.
    ``table.attrs["errors"]`` lists impossible recode values (such a woman is
    v626a 99).

    The design: ``weight`` (``v005`` is divided by 1,000,000 as in the DHS
    tables; another column is used as given; None: unweighted), PSUs
    ``cluster`` and strata ``strata`` (None: none), R's ``nest`` and
    ``lonely_psu`` options. Standard errors are R survey's Taylor
    linearisation (``svydesign(ids = ~v001, strata = ~v022, weights =
    ~v005/1e6)``; groups and levels as domains of the whole design); ``deft``
    = sqrt of R's ``deff = "replace"``; ``df`` = PSUs - strata. Intervals:
    ``ci="two_se"`` (estimate +/- 2 SE, the DHS appendix tables), ``"t"``
    (Student t on the design df) or ``"logit"`` (R ``svyciprop``). Runs in
    Rust with the GIL released, on every core unless ``threads`` says
    otherwise (the table does not depend on it).

    >>> import numpy as np
    >>> n = 8
    >>> women = {"v000": ["ID7"] * n, "v005": [1e6, 2e6] * 4, "v007": [2017] * n, "v020": [0] * n,
    ...          "v012": [30] * n, "v013": [4] * n, "v502": [1] * n, "v512": [10] * n, "v525": [18] * n,
    ...          "v528": [3] * n, "v213": [0] * n, "v225": [None] * n, "v222": [40] * n, "m6_1": [5] * n,
    ...          "m10_1": [1] * n, "v215": [105] * n, "v302a": [1] * n,
    ...          "v312": [3, 0, 1, 0, 0, 3, 0, 9], "v313": [3, 0, 3, 0, 0, 3, 0, 2],
    ...          "v605": [5, 5, 1, 2, 1, 5, 5, 5], "v3a08d": [0] * n,
    ...          "v001": [1, 1, 2, 2, 3, 3, 4, 4], "v022": [1, 1, 1, 1, 2, 2, 2, 2]}
    >>> t = dhs_fp_indicators(women, groups=["currently_married"])
    >>> row = t.set_index("indicator").loc["unmet_total"]
    >>> [round(float(row[c]), 4) for c in ("estimate", "se", "deft", "n_weighted")], int(row.df)
    ([41.6667, 8.3333, 0.4472, 12.0], 2)

    Raises :class:`kampung.SchemaError` naming missing columns,
    :class:`kampung.ValidationError` for a design R survey would reject
    (missing or negative weights, missing cluster or stratum ids, clusters
    not nested in strata without ``nest``, a lonely PSU under ``fail``).
    """
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    by_names = [by] if isinstance(by, str) else list(by or [])
    design = [c for c in (weight, cluster, strata) if c is not None]
    cols = _pick_columns(women, DHS_COLUMNS, design + by_names)
    values, codes = _survey_ids(cols["v000"])
    numeric = {name: _num(cols[name], name) for name in _DHS_NUMERIC}
    w = _num(cols[weight], weight) if weight is not None else None
    scale = 1e-6 if weight is not None and weight.lower() == "v005" else 1.0
    by_cols = [(name, *_levels(cols[name])) for name in by_names]
    out, errors = _kampung._dhs_fp_indicators(
        values, codes, numeric, _num(cols["v313"], "v313"), w, scale,
        _ids(cols[cluster], cluster) if cluster is not None else None,
        _ids(cols[strata], strata) if strata is not None else None,
        by_cols, rules, list(groups), ci, level, lonely_psu, nest, locale, threads,
    )
    table = pd.DataFrame(out, columns=_FP_COLUMNS)
    table.attrs["errors"] = _errors_frame(errors)
    return table

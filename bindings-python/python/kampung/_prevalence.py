"""WHO anthro's prevalence table (``anthro_prevalence``), its tidy long form
and a plot; computed in Rust (``kampung_core::growth::prevalence``)."""

from __future__ import annotations

import warnings
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from . import _kampung

__all__ = ["prevalence", "prevalence_long", "plot_prevalence", "quality", "QualityReport", "PREVALENCE_INDICATORS"]

#: (cut-off/mean prefix, size prefix, name) of the table's indicators, in
#: anthro's column order.
PREVALENCE_INDICATORS: Tuple[Tuple[str, str, str], ...] = (
    ("HA", "HAZ", "length/height-for-age"),
    ("WA", "WAZ", "weight-for-age"),
    ("BMI", "BMIZ", "BMI-for-age"),
    ("WH", "WHZ", "weight-for-length/height"),
)
_CUTS: Tuple[Tuple[str, str], ...] = (
    ("_3", "<-3"), ("_2", "<-2"), ("_1", "<-1"), ("1", ">+1"), ("2", ">+2"), ("3", ">+3"),
)


def _pd() -> Any:
    try:
        import pandas as pd  # type: ignore[import-untyped,unused-ignore]
    except ImportError as e:  # pragma: no cover
        raise ImportError("kampung.growth.prevalence returns a pandas DataFrame: pip install pandas") from e
    return pd


def _is_scalar(x: Any) -> bool:
    return isinstance(x, (str, bytes, int, float, np.integer, np.floating)) and not isinstance(x, bool)


def _array(x: Any) -> np.ndarray:
    """Any array-like (list, numpy, pandas, Arrow) as a numpy array."""
    from .growth import _from_arrow, _is_arrow

    if _is_arrow(x):
        x = _from_arrow(x)
    if hasattr(x, "to_numpy") and not hasattr(x, "cat"):
        x = x.to_numpy()
    if isinstance(x, (list, tuple)):
        return np.asarray(x, dtype=object)
    return np.asarray(x)


def _numeric_object(arr: np.ndarray) -> bool:
    """An object array whose values are all numbers or missing."""
    for v in arr:
        if v is None or (isinstance(v, float) and v != v):
            continue
        if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
            return False
    return True


def _to_float(arr: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(
        np.array([np.nan if v is None else v for v in arr], dtype=np.float64)
        if arr.dtype.kind == "O" else arr.astype(np.float64)
    )


def _group_spec(x: Any, n: int) -> Optional[Tuple[str, Any, Optional[List[str]]]]:
    """A grouping column for the core: numbers, text (coded by first
    appearance) or a factor (pandas Categorical: its categories in order)."""
    if x is None:
        return None
    if _is_scalar(x):
        x = [x] * n
    cat = getattr(x, "cat", None) if hasattr(x, "dtype") and str(getattr(x, "dtype", "")) == "category" else None
    pd = _pd()
    if cat is not None or isinstance(x, pd.Categorical):
        c = x if isinstance(x, pd.Categorical) else x.cat
        codes = np.ascontiguousarray(np.asarray(c.codes, dtype=np.int64))
        return ("factor", codes, [_label(v) for v in c.categories])
    arr = _array(x)
    if arr.ndim != 1:
        from .errors import SchemaError

        raise SchemaError(f"a grouping column must be one-dimensional, got shape {arr.shape}")
    if arr.dtype.kind in "iuf" or (arr.dtype.kind == "O" and _numeric_object(arr)):
        return ("numbers", _to_float(arr), None)
    codes, uniques = pd.factorize(arr, use_na_sentinel=True)
    return ("coded", np.ascontiguousarray(codes, dtype=np.int64), [_label(v) for v in uniques])


def _label(v: Any) -> str:
    """A group label as R's ``as.character`` writes it."""
    if isinstance(v, (bool, np.bool_)):
        return "TRUE" if v else "FALSE"
    if isinstance(v, (float, np.floating)):
        x = float(v)
        if x.is_integer() and abs(x) < 1e15:
            return str(int(x))
    return str(v)


def _ids(x: Any, n: int, name: str) -> Optional[np.ndarray]:
    """Cluster or stratum ids as float64 (NaN missing): numbers as they are,
    text as codes (only equality matters)."""
    if x is None:
        return None
    if _is_scalar(x):
        x = [x] * n
    arr = _array(x)
    if arr.dtype.kind in "iuf" or (arr.dtype.kind == "O" and _numeric_object(arr)):
        return _to_float(arr)
    codes, _ = _pd().factorize(arr, use_na_sentinel=True)
    out = codes.astype(np.float64)
    out[codes < 0] = np.nan
    return out


def prevalence(
    sex: Any,
    age: Any = None,
    is_age_in_month: bool = False,
    weight: Any = None,
    lenhei: Any = None,
    measure: Any = None,
    oedema: Any = None,
    sw: Any = None,
    cluster: Any = None,
    strata: Any = None,
    typeres: Any = None,
    gregion: Any = None,
    wealthq: Any = None,
    mothered: Any = None,
    othergr: Any = None,
    *,
    nest: bool = False,
    lonely_psu: str = "adjust",
    method: str = "auto",
    threads: Optional[int] = None,
    locale: str = "id",
) -> Any:
    """WHO anthro's prevalence table (``anthro_prevalence``, same argument
    names and meaning), exact to anthro's own outputs, as a pandas
    DataFrame with anthro's ``Group`` rows and columns (``HAZ_pop``,
    ``HAZ_unwpop``, ``HA_3_r`` … ``HA_2_WH2_ul``, ``*_stdev``): prevalences
    in percent, NaN where anthro gives NA.

    ``sex`` 1/2 or "m"/"f"; ``age`` in days (months with
    ``is_age_in_month=True``); ``weight`` kg; ``lenhei`` cm; ``measure``
    "l"/"h"; ``oedema`` "y"/"n"; ``sw`` sampling weights; ``cluster``,
    ``strata`` the design; ``typeres``, ``gregion``, ``wealthq`` (1-5 or
    Q1-Q5), ``mothered``, ``othergr`` the groupings (text, numbers, or a
    pandas Categorical whose categories give the rows and their order).
    Columns must have equal lengths (a scalar is repeated).

    As in anthro, the method follows the arguments: a ``cluster`` or
    ``strata`` uses R's survey formulas, ``sw`` alone the weighted
    formulas, nothing the simple ones (``method="survey"`` forces the
    first); ``nest=True`` makes cluster ids unique only within a stratum;
    ``lonely_psu`` is R's option (``adjust``, anthro's, ``fail``,
    ``remove``, ``certainty``, ``average``). ``df.attrs`` holds ``method``,
    ``df`` (degrees of freedom), ``children`` and ``notes`` (a DataFrame of
    row problems: rows left out, weights set to 0, …; a warning says how
    many rows were left out).

    >>> t = prevalence(sex=[1, 2, 1, 2], age=[400, 800, 1200, 1600],
    ...                weight=[9.0, 11.5, 14.0, 15.5], lenhei=[70.0, 82.0, 94.0, 101.0])
    >>> t.loc[0, "Group"], float(t.loc[0, "HAZ_unwpop"]), float(t.loc[0, "HA_2_r"])
    ('All', 4.0, 25.0)
    >>> t.attrs["method"], t.shape
    ('simple', (21, 135))
    """
    pd = _pd()
    from .growth import _codes, _num

    if sex is None:
        from .errors import SchemaError

        raise SchemaError("`sex` is required")
    n = len(sex) if not _is_scalar(sex) else None
    age_a = _num(age, "age") if age is not None and not _is_scalar(age) else None
    if n is None:
        n = len(age_a) if age_a is not None else 1
    if age_a is None:
        age_a = np.full(n, np.nan if age is None else float(age))

    def num(x: Any, name: str) -> Optional[np.ndarray]:
        if x is None:
            return None
        if _is_scalar(x):
            return np.full(n, float(x))
        return _num(x, name)

    threads = threads if threads is not None else (__import__("os").cpu_count() or 1)
    res = _kampung._prevalence(
        _codes(sex, n), age_a, bool(is_age_in_month), num(weight, "weight"), num(lenhei, "lenhei"),
        _codes(measure, n), _codes(oedema, n), num(sw, "sw"), _ids(cluster, n, "cluster"),
        _ids(strata, n, "strata"),
        [_group_spec(g, n) for g in (typeres, gregion, wealthq, mothered, othergr)],
        bool(nest), str(lonely_psu), str(method), int(max(1, threads)), locale,
    )
    data: Dict[str, Any] = {"Group": res["Group"]}
    data.update(res["columns"])
    table = pd.DataFrame(data, columns=["Group"] + list(res["names"]))
    notes = pd.DataFrame(res["notes"], columns=["row", "field", "code", "message"])
    table.attrs.update(
        method=res["method"], df=res["df"], children=res["children"], level=res["level"], notes=notes,
    )
    left_out = notes["code"].isin(
        ["prevalence_row_excluded", "prevalence_age_excluded", "prevalence_design_missing"]
    ).sum()
    if left_out:
        warnings.warn(
            f"{left_out} row(s) left out of the prevalence (invalid data, age > 1826 days, or "
            "missing cluster/strata); see table.attrs['notes']",
            stacklevel=2,
        )
    return table


def prevalence_long(table: Any) -> Any:
    """The tidy long form of a prevalence table (kampung's or one read from
    anthro's CSV): one row per group and statistic, columns ``Group,
    indicator, cutoff, estimate, se, ci_low, ci_high, n_weighted,
    n_unweighted``. ``indicator`` is ``HA``, ``WA``, ``BMI``, ``WH``,
    ``HA_2_WH_2`` (stunted and wasted) or ``HA_2_WH2`` (stunted and
    overweight); ``cutoff`` is ``<-3`` … ``>+3`` (prevalence, %), ``mean``
    (z-score mean) or ``both`` (combined indicators, %).

    >>> t = prevalence(sex=[1, 2], age=[400, 800], weight=[9.0, 11.5], lenhei=[70.0, 82.0])
    >>> long = prevalence_long(t)
    >>> long.columns.tolist()[:4], len(long) == 30 * len(t)
    (['Group', 'indicator', 'cutoff', 'estimate'], True)
    """
    pd = _pd()
    parts = []
    order = np.arange(len(table))

    def part(ind: str, cut: str, prefix: str, size: str) -> Any:
        return pd.DataFrame({
            "Group": table["Group"].to_numpy(),
            "indicator": ind,
            "cutoff": cut,
            "estimate": table[f"{prefix}_r"].to_numpy(dtype=float),
            "se": table[f"{prefix}_se"].to_numpy(dtype=float),
            "ci_low": table[f"{prefix}_ll"].to_numpy(dtype=float),
            "ci_high": table[f"{prefix}_ul"].to_numpy(dtype=float),
            "n_weighted": table[f"{size}_pop"].to_numpy(dtype=float),
            "n_unweighted": table[f"{size}_unwpop"].to_numpy(dtype=float),
            "_row": order,
        })

    k = 0
    for p, z, _ in PREVALENCE_INDICATORS:
        for suffix, cut in _CUTS:
            parts.append(part(p, cut, p + suffix, z).assign(_stat=k))
            k += 1
        parts.append(part(p, "mean", p, z).assign(_stat=k))
        k += 1
    for p in ("HA_2_WH_2", "HA_2_WH2"):
        parts.append(part(p, "both", p, "HA_2_WH_2").assign(_stat=k))
        k += 1
    long = pd.concat(parts, ignore_index=True).sort_values(["_row", "_stat"], kind="stable")
    return long.drop(columns=["_row", "_stat"]).reset_index(drop=True)


def plot_prevalence(
    table: Any,
    indicator: str = "HA",
    cutoff: str = "<-2",
    groups: Optional[Sequence[str]] = None,
    ax: Any = None,
) -> Any:
    """Draws one statistic of a prevalence table by group with its interval
    (matplotlib, imported only here) and returns the Axes. Default:
    stunting (``HA``, ``<-2``). ``groups`` selects and orders rows by their
    ``Group`` label.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> t = prevalence(sex=[1, 2, 1], age=[400, 800, 1200], weight=[9.0, 11.5, 14.0], lenhei=[70.0, 82.0, 94.0])
    >>> plot_prevalence(t).get_xlabel()
    'HA <-2 (%, 95% CI)'
    """
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:  # pragma: no cover
        raise ImportError("plot_prevalence needs matplotlib: pip install matplotlib") from e
    long = prevalence_long(table)
    sel = long[(long["indicator"] == indicator) & (long["cutoff"] == cutoff)]
    if sel.empty:
        raise ValueError(f"no statistic {indicator!r} {cutoff!r} in the table")
    if groups is not None:
        sel = sel.set_index("Group").loc[list(groups)].reset_index()
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.3 * len(sel) + 1))
    y = np.arange(len(sel))[::-1]
    est = sel["estimate"].to_numpy(dtype=float)
    lo = est - sel["ci_low"].to_numpy(dtype=float)
    hi = sel["ci_high"].to_numpy(dtype=float) - est
    ax.errorbar(est, y, xerr=[lo, hi], fmt="o", capsize=3)
    ax.set_yticks(y)
    ax.set_yticklabels(sel["Group"].tolist())
    level = getattr(table, "attrs", {}).get("level", 0.95)
    unit = "z" if cutoff == "mean" else "%"
    ax.set_xlabel(f"{indicator} {cutoff} ({unit}, {round(100 * level)}% CI)")
    return ax


class QualityReport:
    """The data-quality report of :func:`quality`: pandas DataFrames
    ``missing``, ``flags``, ``zscores`` (with the SD range expected of
    survey data, Mei and Grummer-Strawn 2007, and whether the SD lies in
    it), ``digits`` (with the Digit
    Preference Score ``dps``), ``whole_numbers``, ``age_months``,
    ``dob_day``, ``dob_month``, ``sex_ratio``, ``measure_mismatch`` and the
    row ``notes``; renders as an HTML summary in notebooks
    (:meth:`to_html`).

    >>> r = quality(sex=[1, 2, 1], age=[400, 800, 1200], weight=[9.0, 11.5, 14.0], lenhei=[70.0, 82.5, 94.0])
    >>> row = r.sex_ratio.iloc[0]
    >>> row["group"], int(row["male"]), int(row["female"])
    ('All', 2, 1)
    >>> "<h3>" in r.to_html()
    True
    """

    def __init__(self, data: Dict[str, Any], notes: Any) -> None:
        pd = _pd()
        self.children: int = data["children"]
        self.missing = pd.DataFrame(data["missing"], columns=["group", "variable", "n", "missing", "percent"])
        self.flags = pd.DataFrame(data["flags"], columns=["group", "indicator", "scored", "flagged", "percent"])
        self.zscores = pd.DataFrame(
            data["zscores"],
            columns=["group", "indicator", "n", "mean", "sd", "skewness", "kurtosis",
                     "sd_expected_low", "sd_expected_high", "sd_in_expected_range"],
        )
        digits = [
            {"group": d["group"], "variable": d["variable"], "n": d["n"],
             **{f"digit_{k}": c for k, c in enumerate(d["counts"])}, "dps": d["dps"]}
            for d in data["digits"]
        ]
        self.digits = pd.DataFrame(
            digits, columns=["group", "variable", "n"] + [f"digit_{k}" for k in range(10)] + ["dps"]
        )
        self.whole_numbers = pd.DataFrame(data["whole_numbers"], columns=["variable", "value", "count"])
        self.age_months = pd.DataFrame(data["age_months"], columns=["month", "female", "male", "sex_missing"])
        self.dob_day = pd.DataFrame(data["dob_day"], columns=["day", "count"])
        self.dob_month = pd.DataFrame(data["dob_month"], columns=["month", "count"])
        self.sex_ratio = pd.DataFrame(data["sex_ratio"], columns=["group", "male", "female", "ratio"])
        self.measure_mismatch = pd.DataFrame(
            data["measure_mismatch"], columns=["age_group", "expected", "total", "mismatch", "percent"]
        )
        for df in (self.missing, self.flags, self.zscores, self.digits, self.sex_ratio, self.measure_mismatch):
            for col in df.columns:
                if df[col].dtype == object and col not in (
                    "group", "variable", "indicator", "age_group", "expected", "sd_in_expected_range"
                ):
                    df[col] = df[col].astype(float)  # null (NaN in Rust) -> NaN
        # True / False, or missing where there is no SD
        self.zscores["sd_in_expected_range"] = self.zscores["sd_in_expected_range"].astype("boolean")
        self.notes = notes

    def to_html(self) -> str:
        """A short HTML summary (the ``All`` rows of the main checks)."""
        def table(df: Any, title: str) -> str:
            return f"<h3>{title}</h3>" + df.to_html(index=False, float_format=lambda x: f"{x:.2f}", na_rep="")

        all_ = lambda df: df[df["group"] == "All"].drop(columns=["group"])  # noqa: E731
        return (
            f"<h2>Data quality: {self.children} children</h2>"
            + table(all_(self.flags), "Flagged z-scores (%)")
            + table(all_(self.zscores), "z-score distribution (unflagged)")
            + table(all_(self.digits), "Terminal digits and Digit Preference Score")
            + table(all_(self.missing), "Missing data")
            + table(self.sex_ratio, "Sex ratio (boys per girl)")
            + table(self.measure_mismatch, "Measuring position against age")
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return f"<QualityReport: {self.children} children>"


def quality(
    sex: Any,
    age: Any = None,
    is_age_in_month: bool = False,
    weight: Any = None,
    lenhei: Any = None,
    measure: Any = None,
    oedema: Any = None,
    typeres: Any = None,
    gregion: Any = None,
    wealthq: Any = None,
    mothered: Any = None,
    othergr: Any = None,
    *,
    dob: Any = None,
    threads: Optional[int] = None,
    locale: str = "id",
) -> QualityReport:
    """Data-quality report of anthropometric survey data, with the checks of
    the WHO-UNICEF *Recommendations for data collection, analysis and
    reporting on anthropometric indicators in children under 5 years old*
    (2019) as WHO's Anthro Survey Analyser reports them: missing data, %
    flagged z-scores, SD/skewness/kurtosis, terminal digits with the Digit
    Preference Score, age in months (heaping), day/month of birth (``dob``:
    dates), sex ratio and measuring position, for ``All`` and by the groups
    of :func:`prevalence` (same arguments, same children).

    >>> r = quality(sex=[1, 2, 2, 1], age=[100, 500, 900, 1300], weight=[6.0, 9.5, 12.0, 14.5],
    ...             lenhei=[60.0, 75.5, 86.0, 95.0], dob=["2024-01-15", "2023-03-01", None, "2022-01-15"])
    >>> int(r.dob_month.set_index("month").loc[1, "count"])
    2
    >>> float(r.flags.query("group == 'All' and indicator == 'zlen'")["percent"].iloc[0])
    0.0
    """
    import json

    pd = _pd()
    from .growth import _codes, _num

    n = len(sex)
    age_a = _num(age, "age") if age is not None else np.full(n, np.nan)
    day = month = None
    if dob is not None:
        d = pd.to_datetime(pd.Series(_array(dob)), errors="coerce")
        day = d.dt.day.to_numpy(dtype=float, na_value=np.nan)
        month = d.dt.month.to_numpy(dtype=float, na_value=np.nan)
    threads = threads if threads is not None else (__import__("os").cpu_count() or 1)
    res = _kampung._quality(
        _codes(sex, n), age_a, bool(is_age_in_month), _num(weight, "weight"), _num(lenhei, "lenhei"),
        _codes(measure, n), _codes(oedema, n),
        [_group_spec(g, n) for g in (typeres, gregion, wealthq, mothered, othergr)],
        day, month, int(max(1, threads)), locale,
    )
    notes = pd.DataFrame(res["notes"], columns=["row", "field", "code", "message"])
    return QualityReport(json.loads(res["report"]), notes)

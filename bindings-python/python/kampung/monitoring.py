"""Growth monitoring over time: the monthly weighing at the Posyandu turned
into the KMS / Buku KIA codes (N, T, O, B, 2T, BGM, referral) and SKDN, with
WHO 2009 growth velocity (shared/design/MONITORING.md).

>>> import pandas as pd
>>> from kampung import monitoring
>>> children = pd.DataFrame({"child_id": ["a"], "sex": ["L"], "birth_date": ["2023-06-10"]})
>>> visits = pd.DataFrame({"child_id": ["a", "a", "a"],
...                        "visit_date": ["2024-01-12", "2024-02-12", "2024-03-12"],
...                        "weight_kg": [8.1, 8.3, 8.7]})
>>> r = monitoring.assess(children, visits)
>>> r[["code", "gain_g", "kbm_g", "two_t", "refer"]].astype(object).values.tolist()
[['B', <NA>, <NA>, False, False], ['T', 200, 300, False, True], ['N', 400, 300, False, False]]

Inputs are pandas or polars DataFrames or Arrow tables (pyarrow, anything
with the Arrow PyCapsule interface), in any row order. ``children`` has
``child_id, sex, birth_date`` and optionally ``has_kia`` and an area column
(``posyandu_id``, a region code …); ``visits`` has ``child_id, visit_date,
weight_kg`` and optionally ``lenhei_cm, measure, oedema, headc_cm, muac_cm,
source``. The work is done in Rust on whole columns with the GIL released;
nothing loops in Python over rows.
"""

from __future__ import annotations

import datetime
from typing import Any, Dict, List, Optional

import numpy as np

from . import _kampung
from .growth import _codes, _num

__all__ = ["assess", "skdn", "VISIT_COLUMNS", "RULE_SETS"]

RULE_SETS = ("kia2023", "legacy_2t")

_INT_COLUMNS = ("age_days", "age_months", "kbm_age_months", "gain_g", "kbm_g", "t_run")
_BOOL_COLUMNS = ("two_t", "crossed_line_down", "bgm", "above_orange", "refer", "weight_faltering")
_VELOCITY = ("weight_1mo", "weight_2mo", "length_2mo", "headc_2mo")

VISIT_COLUMNS = (
    "child_id", "visit_date", "status", "period", "age_days", "age_months", "kbm_age_months",
    "gain_g", "kbm_g", "code", "t_run", "two_t", "gap_nt", "waz", "waz_change", "crossed_line_down",
    "bgm", "above_orange", "refer", "refer_reasons", "weight_faltering",
) + tuple(f"{v}_{s}" for v in _VELOCITY for s in ("z", "centile", "days", "reason")) + ("warnings", "errors")

_NO_VALUE = np.iinfo(np.int32).min


def _table(data: Any) -> Any:
    """A pandas DataFrame or a pyarrow Table (polars and other Arrow data
    through the Arrow interfaces)."""
    if hasattr(data, "columns") and hasattr(data, "iloc"):
        return data  # pandas
    if hasattr(data, "to_arrow") and not hasattr(data, "column_names"):
        return data.to_arrow()  # polars
    if hasattr(data, "column_names"):
        return data  # pyarrow Table / RecordBatch
    if hasattr(data, "__arrow_c_stream__"):
        import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

        return pa.table(data)
    if isinstance(data, dict):
        import pandas as pd  # type: ignore[import-untyped,unused-ignore]

        return pd.DataFrame(data)
    raise TypeError(
        "expected a pandas or polars DataFrame or an Arrow table, got " + type(data).__name__
    )


def _names(t: Any) -> List[str]:
    return list(t.column_names) if hasattr(t, "column_names") else [str(c) for c in t.columns]


def _col(t: Any, name: str) -> Any:
    if name not in _names(t):
        return None
    return t.column(name) if hasattr(t, "column_names") else t[name]


def _pylist(c: Any) -> List[Any]:
    if hasattr(c, "to_pylist"):
        return list(c.to_pylist())
    if hasattr(c, "tolist"):
        return list(c.astype(object).where(c.notna(), None).tolist()) if hasattr(c, "notna") else c.tolist()
    return list(c)


def _ids(c: Any) -> Any:
    """Integer ids as an int64 array (no nulls), else a list of text."""
    if hasattr(c, "type"):  # Arrow
        import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

        if pa.types.is_integer(c.type) and c.null_count == 0:
            return np.asarray(c.to_numpy(), dtype=np.int64)
    elif getattr(c, "dtype", None) is not None and c.dtype.kind in "iu":
        return np.ascontiguousarray(c.to_numpy(), dtype=np.int64)
    return [None if v is None else str(v) for v in _pylist(c)]


def _dates(c: Any) -> Any:
    """Days since 1970-01-01 as int64 (missing = int64 min), or a list of text."""
    if hasattr(c, "type"):  # Arrow
        import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
        import pyarrow.compute as pc  # type: ignore[import-untyped,unused-ignore]

        if pa.types.is_timestamp(c.type):
            c = pc.cast(c, pa.date32())
        if pa.types.is_date(c.type):
            days = pc.cast(pc.cast(c, pa.date32()), pa.int32())
            return np.asarray(pc.fill_null(pc.cast(days, pa.int64()), np.iinfo(np.int64).min).to_numpy(), dtype=np.int64)
        return [_date_text(v) for v in c.to_pylist()]
    kind = getattr(getattr(c, "dtype", None), "kind", "O")
    if kind == "M":
        return np.ascontiguousarray(np.asarray(c, dtype="datetime64[D]").astype(np.int64))
    return [_date_text(v) for v in _pylist(c)]


def _date_text(v: Any) -> Optional[str]:
    if v is None or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, (datetime.date, datetime.datetime)):
        return v.isoformat()[:10]
    if hasattr(v, "isoformat"):  # pandas Timestamp
        return str(v.isoformat())[:10]
    return str(v)


def _prepare(children: Any, visits: Any, area: Optional[str]) -> tuple:
    ct, vt = _table(children), _table(visits)
    for name, t, need in (("children", ct, ("child_id", "sex", "birth_date")),
                          ("visits", vt, ("child_id", "visit_date", "weight_kg"))):
        missing = [c for c in need if c not in _names(t)]
        if missing:
            from .errors import SchemaError

            raise SchemaError(f"{name} has no column {', '.join(missing)}")
    n_children = len(_ids(_col(ct, "child_id")))
    c: Dict[str, Any] = {
        "child_id": _ids(_col(ct, "child_id")),
        "sex": _codes(_col(ct, "sex"), n_children),
        "birth_date": _dates(_col(ct, "birth_date")),
    }
    kia = _col(ct, "has_kia")
    if kia is not None:
        c["has_kia"] = _codes(kia, n_children)
    if area is not None:
        a = _col(ct, area)
        if a is None:
            from .errors import SchemaError

            raise SchemaError(f"children has no column {area!r} (the `by` area)")
        c["area"] = [None if v is None else str(v) for v in _pylist(a)]
    vid = _col(vt, "child_id")
    n = len(_pylist(vid)) if not hasattr(vid, "__len__") else len(vid)
    v: Dict[str, Any] = {
        "child_id": _ids(vid),
        "visit_date": _dates(_col(vt, "visit_date")),
        "weight_kg": _num(_col(vt, "weight_kg"), "weight_kg"),
    }
    for name in ("lenhei_cm", "headc_cm", "muac_cm"):
        col = _col(vt, name)
        if col is not None:
            v[name] = _num(col, name)
    for name in ("measure", "oedema", "source"):
        col = _col(vt, name)
        if col is not None:
            v[name] = _codes(col, n)
    return ct, vt, c, v


def _options(rules: str, as_of: Any, options: Dict[str, Any]) -> Dict[str, Any]:
    out = {k: v for k, v in options.items() if v is not None}
    out["rules"] = rules
    if as_of is not None:
        out["as_of"] = _date_text(as_of)
    return out


def _frame(cols: Dict[str, Any]) -> Any:
    try:
        import pandas as pd  # type: ignore[import-untyped,unused-ignore]
    except ImportError:  # pragma: no cover - pandas is optional
        out: Dict[str, Any] = {}
        for k, v in cols.items():
            if k in _INT_COLUMNS or k.endswith("_days"):
                out[k] = [None if x == _NO_VALUE else int(x) for x in v]
            elif k in _BOOL_COLUMNS:
                out[k] = [None if x < 0 else bool(x) for x in v]
            elif isinstance(v, np.ndarray) and v.dtype.kind == "f":
                out[k] = [None if x != x else float(x) for x in v]
            else:
                out[k] = list(v)
        return out
    data: Dict[str, Any] = {}
    for k, v in cols.items():
        if k in _INT_COLUMNS or k.endswith("_days"):
            data[k] = pd.arrays.IntegerArray(np.asarray(v, dtype=np.int32), np.asarray(v) == _NO_VALUE)
        elif k in _BOOL_COLUMNS:
            a = np.asarray(v)
            data[k] = pd.arrays.BooleanArray(a == 1, a < 0)
        else:
            data[k] = v
    return pd.DataFrame(data)


def assess(
    children: Any,
    visits: Any,
    *,
    rules: str = "kia2023",
    as_of: Any = None,
    locale: str = "id",
    **options: Any,
) -> Any:
    """One row per visit, in the input order, with the codes of
    MONITORING.md §1 and the checks of §4.

    Columns: ``child_id, visit_date`` (as given), ``status`` (``coded``,
    ``not_weighed``, ``superseded``, ``duplicate``, ``excluded``,
    ``rejected``), ``period`` (``YYYY-MM``), ``age_days``, ``age_months``
    (completed), ``kbm_age_months``, ``gain_g`` (whole grams), ``kbm_g``,
    ``code`` (``N``, ``T``, ``O``, ``B`` or missing), ``t_run``, ``two_t``,
    ``gap_nt``, ``waz``, ``waz_change``, ``crossed_line_down``, ``bgm``,
    ``above_orange``, ``refer``, ``refer_reasons``, ``weight_faltering``,
    per WHO velocity table (``weight_1mo``, ``weight_2mo``, ``length_2mo``,
    ``headc_2mo``) ``<table>_z``, ``_centile``, ``_days`` and ``_reason``
    (why no z), then ``warnings`` and ``errors`` (lists of stable codes).
    ``result.attrs["errors"]`` holds the errors table (``row, child_id,
    field, code, message`` in ``locale``).

    ``rules``: ``"kia2023"`` (default: refer on T, BGM or above the orange
    line) or ``"legacy_2t"`` (refer on 2T or BGM). ``as_of``: visits and
    births after it are errors. ``options`` (MONITORING.md, each a named
    DERIVED choice): ``kbm_table`` (``sex_specific``), ``kbm_age_basis``
    (``completed_months`` | ``kms_column``), ``month_policy`` (``last`` |
    ``first`` | ``error``), ``nt_method`` (``kbm`` | ``kbm_or_line_cross``),
    ``gap_assessment`` (``none`` | ``cumulative``),
    ``birth_record_as_weighing`` (True), ``red_line_z`` (−3),
    ``orange_line_z`` (+1), ``short_interval_days`` (20),
    ``screening_flags`` (True), ``weight_faltering`` (``t`` |
    ``velocity_below_minus2``), ``scale_to_nominal`` (False), ``velocity``
    (True).

    A pandas DataFrame (nullable integer and boolean columns); a dict of
    lists when pandas is not installed.

    >>> import pandas as pd
    >>> kids = pd.DataFrame({"child_id": [1], "sex": [2], "birth_date": ["2023-03-05"]})
    >>> v = pd.DataFrame({"child_id": [1, 1, 1], "weight_kg": [8.2, 8.3, 8.3],
    ...                   "visit_date": ["2024-01-08", "2024-02-07", "2024-03-06"]})
    >>> assess(kids, v)[["code", "t_run", "two_t"]].astype(object).values.tolist()
    [['B', 0, False], ['T', 1, False], ['T', 2, True]]
    """
    ct, vt, c, v = _prepare(children, visits, None)
    cols, errs, _ = _kampung._monitoring(c, v, _options(rules, as_of, options), locale)
    out: Dict[str, Any] = {
        "child_id": _pylist(_col(vt, "child_id")),
        "visit_date": _pylist(_col(vt, "visit_date")),
    }
    out.update(cols)
    frame = _frame(out)
    ids = out["child_id"]
    errs["child_id"] = [ids[int(r)] for r in errs["row"]]
    errs = {k: errs[k] for k in ("row", "child_id", "field", "code", "message")}
    if hasattr(frame, "attrs"):
        import pandas as pd  # type: ignore[import-untyped,unused-ignore]

        frame.attrs["errors"] = pd.DataFrame(errs)
    else:  # pragma: no cover - pandas is optional
        frame["_errors"] = errs
    return frame


def skdn(
    children: Any,
    visits: Any,
    *,
    month: str,
    by: str = "posyandu_id",
    level: Optional[str] = None,
    breakdown: bool = False,
    rules: str = "kia2023",
    as_of: Any = None,
    locale: str = "id",
    **options: Any,
) -> Any:
    """SKDN of one calendar month (``"YYYY-MM"``), one row per area of the
    children's ``by`` column (MONITORING.md §2).

    Columns: ``<by>, month, S, K`` (when ``has_kia`` is given), ``D, N, T,
    O, B, D′, 2T, BGM, above_orange, refer``, and the ratios ``K/S, D/S,
    D/K, N/D, N/D′, N/S, T/D, 2T/D, BGM/D`` (percent; NaN for 0/0), each
    with ``"<ratio> numerator"`` and ``"<ratio> denominator"``.
    ``breakdown=True`` gives one row per area × ``sex`` × ``age_group``
    (0-5, 6-11, 12-23, 24-35, 36-59 completed months). ``level`` (with
    ``by`` a Kemendagri region code): sum the areas into their
    ``provinsi``, ``kabupaten_kota``, ``kecamatan`` or ``desa_kelurahan``.
    Other arguments as :func:`assess`.

    >>> import pandas as pd
    >>> kids = pd.DataFrame({"child_id": [1, 2], "sex": ["L", "P"], "posyandu_id": ["P1", "P1"],
    ...                      "birth_date": ["2023-06-10", "2023-01-10"], "has_kia": [True, False]})
    >>> v = pd.DataFrame({"child_id": [1, 1], "visit_date": ["2024-02-12", "2024-03-12"],
    ...                   "weight_kg": [8.3, 8.7]})
    >>> s = skdn(kids, v, month="2024-03")
    >>> s[["S", "K", "D", "N", "N/D", "D/S"]].values.tolist()
    [[2.0, 1.0, 1.0, 1.0, 100.0, 50.0]]
    """
    ct, vt, c, v = _prepare(children, visits, by)
    _, _, table = _kampung._monitoring(
        c, v, _options(rules, as_of, options), locale, month=month, by=by, level=level, breakdown=breakdown
    )
    assert table is not None  # a month was given
    try:
        import pandas as pd  # type: ignore[import-untyped,unused-ignore]
    except ImportError:  # pragma: no cover
        return {k: list(v) for k, v in table.items()}
    return pd.DataFrame(table)

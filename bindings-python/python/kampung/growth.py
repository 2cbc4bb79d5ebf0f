"""WHO child growth z-scores that equal the WHO's own software (R ``anthro``
and ``anthroplus``), over whole columns, plus Permenkes 2/2020 categories.

>>> from kampung import growth
>>> r = growth.zscores(sex=[1], age=[640], weight=[11.38], lenhei=[78.99], measure=["l"])
>>> float(r["zlen"][0]), float(r["zwei"][0]), float(r["zwfl"][0]), float(r["zbmi"][0])
(-2.15, -0.13, 1.22, 1.68)
>>> growth.classify("pb_tb_u", r["zlen"], r["flen"])
['stunted']

Inputs are lists, numpy arrays, pandas Series, or Arrow arrays (pyarrow,
polars, anything with the Arrow PyCapsule interface; zero-copy when float64
without nulls) (NaN/None = missing); the
result maps WHO anthro's output names to numpy arrays, so
``pandas.DataFrame(result)`` just works. Rows with problems get NaN outputs
and a row in ``result.errors`` (``row, field, code, message``); a malformed
call (columns of different lengths) raises :class:`kampung.SchemaError`.
The computation runs in Rust with the GIL released; nothing loops in Python.
"""

from __future__ import annotations

import os
from typing import Any, Dict, Mapping, Optional, Union

import numpy as np

from . import _kampung
from ._batch import frame_library, table

__all__ = [
    "zscores",
    "zscores_2007",
    "zscores_table",
    "classify",
    "ZscoreResult",
    "OUTPUT_NAMES",
    "OUTPUT_NAMES_2007",
    "PERMENKES_INDICES",
    "prevalence",
    "prevalence_long",
    "plot_prevalence",
    "PREVALENCE_INDICATORS",
    "quality",
    "QualityReport",
]

OUTPUT_NAMES = (
    "clenhei", "cmeasure", "c9mo_flag", "cbmi", "csex", "zlen", "flen", "zwei", "fwei", "zwfl", "fwfl",
    "zbmi", "fbmi", "zhc", "fhc", "zac", "fac", "zts", "fts", "zss", "fss",
)
"""WHO anthro 1.1's output columns of ``anthro_zscores``, in its order:
``cmeasure`` is the position used ("l", "h" or None: none given, or a child
under 9 months measured standing), ``csex`` the cleaned sex (1, 2, NaN)."""
OUTPUT_NAMES_2007 = ("cbmi", "zhfa", "fhfa", "zwfa", "fwfa", "zbfa", "fbfa")
PERMENKES_INDICES = ("bb_u", "pb_tb_u", "bb_pb_tb", "imt_u", "imt_u_5_18")


class ZscoreResult(dict):  # type: ignore[type-arg]
    """A ``dict`` of output name -> ``numpy.ndarray`` (NaN = missing), with
    ``errors``: the per-row problems as a table ``row, field, code, message``
    in the caller's frame library (polars for polars input, pyarrow for Arrow
    input, else pandas when installed, else a dict of columns).
    Renders as a table in Jupyter; ``to_pandas()``, ``to_polars()`` (nulls,
    not NaN) and ``to_arrow()`` convert.

    >>> r = zscores(sex=[1], age=[640], weight=[11.38])
    >>> list(r)[:5], r.to_pandas().shape
    (['clenhei', 'cmeasure', 'c9mo_flag', 'cbmi', 'csex'], (1, 21))
    """

    errors: Any
    _errors_raw: Dict[str, Any]

    def to_pandas(self) -> Any:
        """The outputs as a pandas DataFrame (the arrays are not copied)."""
        import pandas as pd  # type: ignore[import-untyped,unused-ignore]

        return pd.DataFrame(dict(self), copy=False)

    def to_polars(self) -> Any:
        """The outputs as a polars DataFrame; a missing value is a null, not
        NaN (polars' own idiom)."""
        return table(dict(self), "polars")

    def to_arrow(self) -> Any:
        """The outputs as a ``pyarrow.Table`` (NaN becomes null; float64
        buffers are shared, not copied, where there is nothing missing)."""
        import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

        return table(dict(self), "pyarrow")

    def _repr_html_(self) -> str:
        n = len(next(iter(self.values()))) if self else 0
        nerr = len(self.errors["row"]) if isinstance(self.errors, dict) else len(self.errors)
        head = "".join(f"<th>{k}</th>" for k in self)
        rows = "".join(
            "<tr>" + "".join(f"<td>{_cell(v[i])}</td>" for v in self.values()) + "</tr>"
            for i in range(min(n, 10))
        )
        return (
            f"<p><b>kampung z-scores</b>: {n} rows, {nerr} row problems</p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
        )


def _cell(x: Any) -> str:
    if x is None:
        return ""
    if isinstance(x, str):
        return x
    return "" if np.isnan(x) else f"{x:g}"


ArrayLike = Any


def _from_arrow(x: Any) -> Any:
    """An Arrow array (pyarrow, or anything with the Arrow PyCapsule
    interface: polars, nanoarrow, arro3) as numpy, zero-copy when it is
    float64 without nulls; nulls become NaN (that needs a copy)."""
    try:
        import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
    except ImportError:  # e.g. polars without pyarrow: its own conversion
        if hasattr(x, "to_numpy"):
            out = x.to_numpy()
            return out.tolist() if getattr(out.dtype, "kind", "") in "OUS" else out
        raise
    if not isinstance(x, (pa.Array, pa.ChunkedArray)):
        x = pa.chunked_array(x) if hasattr(x, "__arrow_c_stream__") else pa.array(x)
    if isinstance(x, pa.ChunkedArray):
        x = x.combine_chunks() if x.num_chunks != 1 else x.chunk(0)
    if pa.types.is_integer(x.type) or pa.types.is_floating(x.type) or pa.types.is_boolean(x.type) or pa.types.is_decimal(x.type):
        if pa.types.is_floating(x.type) and x.type.bit_width == 64 and x.null_count == 0:
            return x.to_numpy(zero_copy_only=True)
        return x.cast(pa.float64()).to_numpy(zero_copy_only=False)
    return x.to_pylist()


def _is_arrow(x: Any) -> bool:
    """Arrow data that is not a pandas object (pandas exports the capsule
    interface too, but its own ``to_numpy`` handles NA better)."""
    if type(x).__module__.split(".")[0] == "pandas":
        return False
    return hasattr(x, "__arrow_c_array__") or hasattr(x, "__arrow_c_stream__")


def _not_numeric(name: str, what: str) -> Exception:
    from .errors import SchemaError

    return SchemaError(f"column `{name}` must be numeric, not {what}")


def _num(x: ArrayLike, name: str) -> Optional[np.ndarray]:
    """A numeric column as contiguous float64. Booleans and complex numbers
    are a SchemaError (numpy would read ``True`` as 1 and drop an imaginary
    part); Python sequences and object arrays are checked in Rust."""
    if x is None:
        return None
    if isinstance(x, (bool, complex, np.bool_, np.complexfloating)):
        raise _not_numeric(name, type(x).__name__)
    if _is_arrow(x):  # pyarrow / polars / arro3
        dtype = getattr(x, "type", getattr(x, "dtype", None))
        if str(dtype).lower() in ("bool", "boolean"):
            raise _not_numeric(name, "booleans")
        x = _from_arrow(x)
    kind = getattr(getattr(x, "dtype", None), "kind", None)
    if kind == "b":
        raise _not_numeric(name, "booleans")
    if kind == "c":
        raise _not_numeric(name, "complex numbers")
    if isinstance(x, (list, tuple)):
        return _kampung._f64_column(x, name)  # type: ignore[no-any-return]
    if kind == "O":
        return _kampung._f64_column(x.tolist() if hasattr(x, "tolist") else list(x), name)  # type: ignore[no-any-return]
    if hasattr(x, "to_numpy"):  # pandas Series / Arrow-backed: NA -> NaN
        try:
            return np.ascontiguousarray(x.to_numpy(dtype=np.float64, na_value=np.nan))
        except TypeError:
            x = x.to_numpy()
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as e:
        from .errors import SchemaError

        raise SchemaError(f"column `{name}` must be numeric: {e}") from None
    if arr.ndim != 1:
        from .errors import SchemaError

        raise SchemaError(f"column `{name}` must be one-dimensional, got shape {arr.shape}")
    return np.ascontiguousarray(arr)


def _codes(x: ArrayLike, n: int) -> Any:
    """A code column as float64 (numeric codes) or a list (strings)."""
    if x is None:
        return None
    if isinstance(x, str):
        return [x] * n
    if isinstance(x, list):
        return x
    if _is_arrow(x):
        x = _from_arrow(x)
        if isinstance(x, list):
            return x
    if type(x).__module__.split(".")[0] == "pandas" and hasattr(x, "notna"):
        # pandas: NaN, pd.NA and None are missing (pandas 3 string columns hold NaN or pd.NA).
        if getattr(x.dtype, "kind", "") in "iufb":
            return np.ascontiguousarray(x.to_numpy(dtype=np.float64, na_value=np.nan))
        return x.astype(object).where(x.notna(), None).tolist()
    if hasattr(x, "dtype") and hasattr(x, "tolist") and getattr(x.dtype, "kind", "") in "OUS":
        return x.tolist()  # numpy strings: one C-level conversion
    if hasattr(x, "to_numpy"):
        x = x.to_numpy()
    arr = np.asarray(x)
    if arr.ndim == 0:
        arr = np.full(n, arr.item(), dtype=arr.dtype)
    if arr.dtype.kind in "iufb":
        return np.ascontiguousarray(arr, dtype=np.float64)
    return arr.tolist()


def _tables(tables: Optional[Mapping[str, Union[str, "os.PathLike[str]"]]]) -> Optional[Dict[str, str]]:
    if not tables:
        return None
    out = {}
    for name, src in tables.items():
        text = str(src)
        if "\n" not in text:  # a path
            with open(text, encoding="utf-8") as f:
                text = f.read()
        out[name] = text
    return out


def _errors_table(errors: Dict[str, Any], library: Optional[str] = None) -> Any:
    """The per-row problems in ``library`` (the caller's; None: pandas when installed)."""
    return table({k: errors[k] for k in ("row", "field", "code", "message")}, library)


def zscores_table(
    data: Any,
    *,
    is_age_in_month: bool = False,
    age_in_month: Optional[bool] = None,
    rounded: bool = True,
    tables: Optional[Mapping[str, Any]] = None,
    locale: str = "id",
    **columns: str,
) -> ZscoreResult:
    """:func:`zscores` on a table (pandas or polars DataFrame, pyarrow Table,
    or anything with the Arrow PyCapsule interface) whose columns carry WHO
    anthro's argument names (``sex, age, weight, lenhei, measure, headc, armc,
    triskin, subskin, oedema``). Rename with keywords, e.g.
    ``zscores_table(df, age="age_days", lenhei="height")``. Columns are
    passed without copying where their types allow.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"sex": ["L"], "age_days": [640], "weight": [11.38], "lenhei": [78.99], "measure": ["l"]})
    >>> float(zscores_table(df, age="age_days")["zlen"][0])
    -2.15
    """
    from .errors import SchemaError

    if not (hasattr(data, "columns") or hasattr(data, "column_names") or hasattr(data, "__arrow_c_stream__")):
        raise SchemaError(
            f"zscores_table needs a table (pandas or polars DataFrame, pyarrow Table), got {type(data).__name__}"
        )
    like = data
    if hasattr(data, "__arrow_c_stream__") and not hasattr(data, "columns") and not hasattr(data, "column_names"):
        import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

        data = pa.table(data)
    names = list(data.column_names) if hasattr(data, "column_names") else list(data.columns)
    args: Dict[str, Any] = {}
    for arg in ("sex", "age", "weight", "lenhei", "measure", "headc", "armc", "triskin", "subskin", "oedema"):
        col = columns.get(arg, arg)
        if col in names:
            args[arg] = data[col]
        elif arg in columns:
            from .errors import SchemaError

            raise SchemaError(f"the table has no column {col!r} (for {arg})")
    unknown = set(columns) - set(args)
    if unknown:
        from .errors import SchemaError

        raise SchemaError(f"unknown argument(s) {sorted(unknown)}")
    if "sex" not in args or "age" not in args:
        from .errors import SchemaError

        raise SchemaError("the table needs `sex` and `age` columns (rename with sex=..., age=...)")
    in_months = is_age_in_month if age_in_month is None else age_in_month
    result = zscores(**args, is_age_in_month=in_months, rounded=rounded, tables=tables, locale=locale)
    lib = frame_library(like)
    if lib is not None and lib != frame_library(*args.values()):
        result.errors = _errors_table(result._errors_raw, lib)
    return result


def zscores(
    sex: ArrayLike,
    age: ArrayLike,
    weight: ArrayLike = None,
    lenhei: ArrayLike = None,
    measure: ArrayLike = None,
    headc: ArrayLike = None,
    armc: ArrayLike = None,
    triskin: ArrayLike = None,
    subskin: ArrayLike = None,
    oedema: ArrayLike = None,
    is_age_in_month: bool = False,
    *,
    age_in_month: Optional[bool] = None,
    rounded: bool = True,
    tables: Optional[Mapping[str, Any]] = None,
    locale: str = "id",
    threads: Optional[int] = None,
) -> ZscoreResult:
    """WHO Child Growth Standards 2006 z-scores, exactly as WHO anthro's
    ``anthro_zscores`` (same argument and output names).

    ``sex``: 1/2, "m"/"f" or as the KK writes it, "L"/"P"; ``age``: days (or
    months with ``is_age_in_month=True``, anthro's name; ``age_in_month`` is
    kept as an alias); ``weight`` kg; ``lenhei``, ``headc``, ``armc`` cm;
    ``triskin``, ``subskin`` mm; ``measure``: "l"/"h"/missing; ``oedema``:
    "y"/"n". ``rounded=False`` returns unrounded z (flags unchanged).
    ``tables`` supplies WHO tables that are not bundled (triceps and
    subscapular skinfold-for-age): ``{"triceps_skinfold_for_age": path_or_csv_text}``
    in the CSV format ``sex,age_days,l,m,s``. Large inputs are split over
    ``threads`` threads (default: all cores; results are identical).

    Two children of WHO anthro's own golden output (rows 2 and 3 of
    ``anthro_r_golden_random_100k.csv``):

    >>> r = zscores(sex=["m", "f"], age=[640, 1432], weight=[11.38, 18.4], lenhei=[78.99, 103.11], measure=["l", "h"])
    >>> r["zlen"].tolist(), r["zwei"].tolist(), r["zwfl"].tolist(), r["zbmi"].tolist()
    ([-2.15, 0.22], [-0.13, 1.03], [1.22, 1.38], [1.68, 1.33])
    >>> r = zscores(sex=[1], age=[-3], weight=[5.0], locale="en")
    >>> r.errors[["row", "field", "code"]].values.tolist()
    [[0, 'age', 'age_negative']]
    """
    age_a = _num(age, "age")
    if age_a is None:
        from .errors import SchemaError

        raise SchemaError("`age` is required")
    n = len(age_a)
    if sex is None:
        from .errors import SchemaError

        raise SchemaError("`sex` is required")
    in_months = is_age_in_month if age_in_month is None else age_in_month
    out, errors = _kampung._zscores_2006(
        _codes(sex, n), age_a, bool(in_months),
        _num(weight, "weight"), _num(lenhei, "lenhei"), _codes(measure, n),
        _num(headc, "headc"), _num(armc, "armc"), _num(triskin, "triskin"), _num(subskin, "subskin"),
        _codes(oedema, n), bool(rounded), _tables(tables), locale, threads,
    )
    result = ZscoreResult(out)
    result._errors_raw = errors
    result.errors = _errors_table(errors, frame_library(sex, age, weight, lenhei, measure, headc, armc, triskin, subskin, oedema))
    return result


def zscores_2007(
    sex: ArrayLike,
    age_in_months: ArrayLike,
    height: ArrayLike = None,
    weight: ArrayLike = None,
    oedema: ArrayLike = None,
    *,
    height_in_cm: ArrayLike = None,
    weight_in_kg: ArrayLike = None,
    rounded: bool = True,
    locale: str = "id",
) -> ZscoreResult:
    """WHO Reference 2007 (5-19 years) z-scores, exactly as WHO anthroplus:
    ``cbmi, zhfa, fhfa, zwfa, fwfa, zbfa, fbfa`` (weight-for-age up to 120
    months; ages 60-228 months, not rounded). anthroplus' argument names
    ``height_in_cm`` and ``weight_in_kg`` are accepted for ``height`` and
    ``weight``.

    Row 197 of anthroplus' golden grid (``anthroplus_r_golden_grid.csv``):

    >>> r = zscores_2007(sex=[1], age_in_months=[60.5], height=[110.3], weight=[18.7])
    >>> r["zhfa"].tolist(), r["zwfa"].tolist(), r["zbfa"].tolist()
    ([0.07], [0.12], [0.08])
    """
    from .errors import SchemaError

    if height_in_cm is not None:
        if height is not None:
            raise SchemaError("give `height` or `height_in_cm`, not both")
        height = height_in_cm
    if weight_in_kg is not None:
        if weight is not None:
            raise SchemaError("give `weight` or `weight_in_kg`, not both")
        weight = weight_in_kg
    age_a = _num(age_in_months, "age_in_months")
    if age_a is None or sex is None:
        from .errors import SchemaError

        raise SchemaError("`sex` and `age_in_months` are required")
    n = len(age_a)
    out, errors = _kampung._zscores_2007(
        _codes(sex, n), age_a, _num(height, "height"), _num(weight, "weight"), _codes(oedema, n), bool(rounded), locale
    )
    result = ZscoreResult(out)
    result._errors_raw = errors
    result.errors = _errors_table(errors, frame_library(sex, age_in_months, height, weight, oedema))
    return result


def classify(index: str, z: ArrayLike, flag: ArrayLike) -> list:  # type: ignore[type-arg]
    """Permenkes 2/2020 category codes for a z column and its WHO flag column.

    ``index``: ``bb_u`` (zwei), ``pb_tb_u`` (zlen), ``bb_pb_tb`` (zwfl),
    ``imt_u`` (zbmi, 0-60 months) or ``imt_u_5_18`` (zbfa). A flagged value
    gives ``"flagged"`` (never a category), a missing one ``None``.

    >>> classify("pb_tb_u", [-3.5, -2.5, 0.0, float("nan"), -7.0], [0, 0, 0, float("nan"), 1])
    ['severely_stunted', 'stunted', 'normal', None, 'flagged']
    """
    return _kampung._classify(index, _num(z, "z"), _num(flag, "flag"))


# WHO anthro's prevalence table (issue 11); defined in _prevalence.py.
from ._prevalence import (  # noqa: E402
    PREVALENCE_INDICATORS,
    QualityReport,
    plot_prevalence,
    prevalence,
    prevalence_long,
    quality,
)

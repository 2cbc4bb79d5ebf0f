"""Shared helpers for batch calls: accepting tables, returning tables in the
caller's own frame library (polars in, polars out; pandas in, pandas out)."""

from __future__ import annotations

from typing import Any, Dict, List, NamedTuple, Optional, Sequence


class BatchResult(NamedTuple):
    """Results of a batch call: ``results`` (one row per valid input, column
    ``row`` = its position in the input) and ``errors`` (one row per problem:
    ``row, field, code, message``). Both are tables of the caller's frame
    library: polars DataFrames for polars input (missing values are nulls),
    pyarrow Tables for Arrow input, pandas DataFrames for pandas input or a
    list of dicts when pandas is installed, else dicts of equal-length lists."""

    results: Any
    errors: Any


def frame_library(*objs: Any) -> Optional[str]:
    """``"polars"``, ``"pandas"`` or ``"pyarrow"`` for the first argument
    that is a frame or column of that library, else ``None``."""
    for x in objs:
        mod = type(x).__module__.split(".")[0]
        if mod in ("polars", "pandas", "pyarrow"):
            return mod
    return None


def _is_pandas(data: Any) -> bool:
    return type(data).__module__.split(".")[0] == "pandas"


def records_of(data: Any, known: Optional[Sequence[str]] = None) -> List[Dict[str, Any]]:
    """A list of row dicts from a list of dicts, a pandas DataFrame, a polars
    DataFrame or any Arrow table. Missing cells (None, NaN, ``pd.NA``,
    ``pd.NaT``, polars null) become None. With ``known``, a table whose
    columns are not all known raises :class:`kampung.SchemaError` once,
    naming them (DOMAIN.md §9.5: a misspelt key is never ignored)."""
    if isinstance(data, list):
        return data
    if isinstance(data, tuple):
        return list(data)
    columns: List[str]
    if _is_pandas(data) and hasattr(data, "columns"):
        columns = [str(c) for c in data.columns]
        _check_columns(columns, known)
        # A missing cell is None, not NaN / pd.NA (pandas 3 string columns hold NaN or pd.NA).
        return data.astype(object).where(data.notna(), None).to_dict(orient="records")  # type: ignore[no-any-return]
    if hasattr(data, "to_dicts") and hasattr(data, "columns"):  # polars DataFrame
        _check_columns(list(data.columns), known)
        return data.to_dicts()  # type: ignore[no-any-return]
    if hasattr(data, "to_pylist"):  # pyarrow.Table / RecordBatch
        _check_columns(list(data.column_names), known)
        return data.to_pylist()  # type: ignore[no-any-return]
    if hasattr(data, "__arrow_c_stream__"):  # any other Arrow table
        import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

        t = pa.table(data)
        _check_columns(list(t.column_names), known)
        return t.to_pylist()  # type: ignore[no-any-return]
    raise TypeError(
        "expected a list of dicts, a pandas or polars DataFrame or an Arrow table, got " + type(data).__name__
    )


def _check_columns(columns: List[str], known: Optional[Sequence[str]]) -> None:
    if known is None:
        return
    unknown = [c for c in columns if c not in known]
    if unknown:
        from .errors import SchemaError

        raise SchemaError(
            f"unknown column(s) {unknown}: kampung reads only {list(known)}; "
            "check the spelling, or select the columns first (e.g. df[[...]])"
        )


def table(columns: Dict[str, Any], library: Optional[str]) -> Any:
    """Columns as a table of ``library`` (None: pandas when installed, else
    the dict itself). NaN in float columns becomes null for polars and Arrow."""
    if library == "polars":
        import polars as pl  # type: ignore[import-untyped,import-not-found,unused-ignore]

        return pl.DataFrame({k: _polars_series(pl, k, v) for k, v in columns.items()})
    if library == "pyarrow":
        import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

        return pa.table({k: pa.array(list(v) if not hasattr(v, "dtype") else v, from_pandas=True) for k, v in columns.items()})
    try:
        import pandas as pd  # type: ignore[import-untyped,unused-ignore]
    except ImportError:  # pragma: no cover - pandas is optional
        return columns
    return pd.DataFrame(columns)


def _polars_series(pl: Any, name: str, v: Any) -> Any:
    if hasattr(v, "dtype") and getattr(v.dtype, "kind", "") == "f":
        return pl.Series(name, v, nan_to_null=True)
    if hasattr(v, "dtype") and getattr(v.dtype, "kind", "") == "O":
        return pl.Series(name, v.tolist())
    return pl.Series(name, list(v) if not hasattr(v, "dtype") else v)


def as_tables(results: Dict[str, list], errors: Dict[str, list], like: Any = None) -> BatchResult:
    """Both tables in the frame library of ``like`` (the caller's input)."""
    lib = frame_library(like)
    return BatchResult(table(results, lib), table(errors, lib))

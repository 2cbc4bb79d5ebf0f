"""Shared helpers for batch calls: accepting tables, returning tables."""

from __future__ import annotations

from typing import Any, Dict, List, NamedTuple


class BatchResult(NamedTuple):
    """Results of a batch call: ``results`` (one row per valid input, column
    ``row`` = its position in the input) and ``errors`` (one row per problem:
    ``row, field, code, message``). Both are pandas DataFrames when pandas is
    installed, else dicts of equal-length lists."""

    results: Any
    errors: Any


def records_of(data: Any) -> List[Dict[str, Any]]:
    """A list of row dicts from a list of dicts, a pandas DataFrame, or any
    Arrow table (pyarrow, polars via ``to_arrow``)."""
    if isinstance(data, list):
        return data
    if hasattr(data, "to_pylist"):  # pyarrow.Table / RecordBatch
        return data.to_pylist()
    if hasattr(data, "to_arrow") and not hasattr(data, "to_dict"):  # polars
        return data.to_arrow().to_pylist()
    if hasattr(data, "to_dict") and hasattr(data, "columns"):  # pandas / polars DataFrame
        if hasattr(data, "notna") and hasattr(data, "where"):  # pandas: a missing cell is None, not NaN
            return data.astype(object).where(data.notna(), None).to_dict(orient="records")
        return data.to_dicts()
    if isinstance(data, tuple):
        return list(data)
    raise TypeError(
        "expected a list of dicts, a pandas DataFrame or an Arrow table, got " + type(data).__name__
    )


def as_tables(results: Dict[str, list], errors: Dict[str, list]) -> BatchResult:
    try:
        import pandas as pd  # type: ignore[import-untyped,unused-ignore]
    except ImportError:  # pragma: no cover - pandas is optional
        return BatchResult(results, errors)
    return BatchResult(pd.DataFrame(results), pd.DataFrame(errors))

"""WHO child growth z-scores that equal the WHO's own software (R ``anthro``
and ``anthroplus``), over whole columns, plus Permenkes 2/2020 categories.

>>> from kampung import growth
>>> r = growth.zscores(sex=[1], age=[640], weight=[11.38], lenhei=[78.99], measure=["l"])
>>> float(r["zlen"][0]), float(r["zwei"][0]), float(r["zwfl"][0]), float(r["zbmi"][0])
(-2.15, -0.13, 1.22, 1.68)
>>> growth.classify("pb_tb_u", r["zlen"], r["flen"])
['stunted']

Inputs are lists, numpy arrays or pandas Series (NaN/None = missing); the
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

__all__ = [
    "zscores",
    "zscores_2007",
    "classify",
    "ZscoreResult",
    "OUTPUT_NAMES",
    "OUTPUT_NAMES_2007",
    "PERMENKES_INDICES",
]

OUTPUT_NAMES = (
    "clenhei", "cbmi", "c9mo_flag", "zlen", "flen", "zwei", "fwei", "zwfl", "fwfl",
    "zbmi", "fbmi", "zhc", "fhc", "zac", "fac", "zts", "fts", "zss", "fss",
)
OUTPUT_NAMES_2007 = ("cbmi", "zhfa", "fhfa", "zwfa", "fwfa", "zbfa", "fbfa")
PERMENKES_INDICES = ("bb_u", "pb_tb_u", "bb_pb_tb", "imt_u", "imt_u_5_18")


class ZscoreResult(dict):  # type: ignore[type-arg]
    """A ``dict`` of output name -> ``numpy.ndarray`` (NaN = missing), with
    ``errors``: the per-row problems as a table (a pandas DataFrame when pandas
    is installed, else a dict of columns ``row, field, code, message``)."""

    errors: Any

    def to_pandas(self) -> Any:
        """The outputs as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame(dict(self))

    def _repr_html_(self) -> str:
        n = len(next(iter(self.values()))) if self else 0
        nerr = len(self.errors["row"]) if isinstance(self.errors, dict) else len(self.errors)
        head = "".join(f"<th>{k}</th>" for k in self)
        rows = "".join(
            "<tr>" + "".join(f"<td>{'' if np.isnan(v[i]) else f'{v[i]:g}'}</td>" for v in self.values()) + "</tr>"
            for i in range(min(n, 10))
        )
        return (
            f"<p><b>kampung z-scores</b>: {n} rows, {nerr} row problems</p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
        )


ArrayLike = Any


def _num(x: ArrayLike, name: str) -> Optional[np.ndarray]:
    if x is None:
        return None
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


def _errors_table(errors: Dict[str, Any]) -> Any:
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover
        return errors
    return pd.DataFrame(errors, columns=["row", "field", "code", "message"])


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
    age_in_month: bool = False,
    *,
    rounded: bool = True,
    tables: Optional[Mapping[str, Any]] = None,
    locale: str = "id",
) -> ZscoreResult:
    """WHO Child Growth Standards 2006 z-scores, exactly as WHO anthro's
    ``anthro_zscores`` (same argument and output names).

    ``sex``: 1/2 or "m"/"f"; ``age``: days (or months with
    ``age_in_month=True``); ``weight`` kg; ``lenhei``, ``headc``, ``armc`` cm;
    ``triskin``, ``subskin`` mm; ``measure``: "l"/"h"/missing; ``oedema``:
    "y"/"n". ``rounded=False`` returns unrounded z (flags unchanged).
    ``tables`` supplies WHO tables that are not bundled (triceps and
    subscapular skinfold-for-age): ``{"triceps_skinfold_for_age": path_or_csv_text}``
    in the CSV format ``sex,age_days,l,m,s``.
    """
    age_a = _num(age, "age")
    if age_a is None:
        from .errors import SchemaError

        raise SchemaError("`age` is required")
    n = len(age_a)
    if sex is None:
        from .errors import SchemaError

        raise SchemaError("`sex` is required")
    out, errors = _kampung._zscores_2006(
        _codes(sex, n), age_a, bool(age_in_month),
        _num(weight, "weight"), _num(lenhei, "lenhei"), _codes(measure, n),
        _num(headc, "headc"), _num(armc, "armc"), _num(triskin, "triskin"), _num(subskin, "subskin"),
        _codes(oedema, n), bool(rounded), _tables(tables), locale,
    )
    result = ZscoreResult(out)
    result.errors = _errors_table(errors)
    return result


def zscores_2007(
    sex: ArrayLike,
    age_in_months: ArrayLike,
    height: ArrayLike = None,
    weight: ArrayLike = None,
    oedema: ArrayLike = None,
    *,
    rounded: bool = True,
    locale: str = "id",
) -> ZscoreResult:
    """WHO Reference 2007 (5-19 years) z-scores, exactly as WHO anthroplus:
    ``cbmi, zhfa, fhfa, zwfa, fwfa, zbfa, fbfa`` (weight-for-age up to 120
    months; ages 60-228 months, not rounded)."""
    age_a = _num(age_in_months, "age_in_months")
    if age_a is None or sex is None:
        from .errors import SchemaError

        raise SchemaError("`sex` and `age_in_months` are required")
    n = len(age_a)
    out, errors = _kampung._zscores_2007(
        _codes(sex, n), age_a, _num(height, "height"), _num(weight, "weight"), _codes(oedema, n), bool(rounded), locale
    )
    result = ZscoreResult(out)
    result.errors = _errors_table(errors)
    return result


def classify(index: str, z: ArrayLike, flag: ArrayLike) -> list:  # type: ignore[type-arg]
    """Permenkes 2/2020 category codes for a z column and its WHO flag column.

    ``index``: ``bb_u`` (zwei), ``pb_tb_u`` (zlen), ``bb_pb_tb`` (zwfl),
    ``imt_u`` (zbmi, 0-60 months) or ``imt_u_5_18`` (zbfa). A flagged value
    gives ``"flagged"`` (never a category), a missing one ``None``.
    """
    return _kampung._classify(index, _num(z, "z"), _num(flag, "flag"))

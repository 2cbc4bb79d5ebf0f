"""Family-planning (KB) participation indicators (DOMAIN.md §2).

Every indicator is ``{"numerator", "denominator", "value"}`` with ``value``
a percentage, or ``None`` when the denominator is zero (never 0 in disguise).
Aggregate by summing numerators and denominators, never by averaging values.
"""

from __future__ import annotations

import datetime
from typing import Any, Dict, Union

from . import _kampung
from ._batch import records_of

__all__ = ["indicators"]


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

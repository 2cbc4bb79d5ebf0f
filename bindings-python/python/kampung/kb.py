"""Family-planning (KB) participation indicators (DOMAIN.md §2).

Every indicator is ``{"numerator", "denominator", "value"}`` with ``value``
a percentage, or ``None`` when the denominator is zero (never 0 in disguise).
Aggregate by summing numerators and denominators, never by averaging values.
"""

from __future__ import annotations

import datetime
from typing import Any, Dict, Union

from . import _kampung

__all__ = ["indicators"]


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

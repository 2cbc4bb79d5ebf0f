"""kampung: Indonesia's Kampung KB indicators, computed right once.

Validated identifiers (NIK, Nomor KK, Kemendagri region codes), families
with their cross-field rules, and (in :mod:`kampung.growth`) WHO child growth
z-scores. Every problem is reported with a path, a stable code and a message
in Indonesian (default) or English.

>>> import kampung
>>> nik = kampung.Nik("3174064509870003", as_of=__import__("datetime").date(2026, 1, 1))
>>> nik.sex, str(nik.birth_date), nik.province_name
('female', '1987-09-05', 'DKI Jakarta')
>>> try:
...     kampung.Nik("3174064509870000")
... except kampung.ValidationError as e:
...     print(e.errors()[0]["code"])
nik_serial_zero
"""

from __future__ import annotations

from ._kampung import (
    __version__,
    KodeWilayah,
    Nik,
    NomorKk,
    error_template,
    list_error_codes,
    validate_family,
)
from ._codes import ALL_ERROR_CODES, ErrorCode
from .errors import ErrorDetails, KampungError, SchemaError, ValidationError
from ._batch import BatchResult
from . import growth, kb, monitoring, pseudonym, report, risk, wilayah
from .pseudonym import pseudonymize, pseudonymize_jsonl

__all__ = [
    "__version__",
    "report",
    "pseudonym",
    "pseudonymize",
    "pseudonymize_jsonl",
    "growth",
    "kb",
    "monitoring",
    "risk",
    "wilayah",
    "BatchResult",
    "Nik",
    "NomorKk",
    "KodeWilayah",
    "validate_family",
    "list_error_codes",
    "error_template",
    "KampungError",
    "ValidationError",
    "SchemaError",
    "ErrorDetails",
    "ErrorCode",
    "ALL_ERROR_CODES",
]

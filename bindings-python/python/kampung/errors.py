"""Exceptions raised by kampung.

All of them derive from :class:`KampungError`. Validation problems raise
:class:`ValidationError`, which is also a :class:`ValueError`; its
:meth:`ValidationError.errors` lists every problem with its path, stable
code, localized message and message parameters.
"""

from __future__ import annotations

import sys
from typing import Any, Dict, List, Tuple, Union

if sys.version_info >= (3, 11):
    from typing import NotRequired, TypedDict
else:  # pragma: no cover
    from typing_extensions import NotRequired, TypedDict  # type: ignore[assignment]

__all__ = ["KampungError", "ValidationError", "SchemaError", "ErrorDetails"]


class ErrorDetails(TypedDict):
    """One problem: ``path`` (field names and list indexes), ``field`` (the
    path as text, e.g. ``members[2].birth_date``), ``code`` (stable
    snake_case code), ``message`` (in the requested locale) and ``params``
    (the values the message was built from)."""

    path: List[Union[str, int]]
    field: str
    code: str
    message: str
    params: Dict[str, Union[int, float, str]]
    row: NotRequired[int]


class KampungError(Exception):
    """Base class of every kampung exception."""


class ValidationError(KampungError, ValueError):
    """The input has one or more problems; see :meth:`errors`.

    ``str(err)`` is a readable summary, e.g.::

        2 validation errors for Family
        members[1].nik
          A NIK must have 16 digits (got 15). [code=nik_length]
    """

    def __init__(self, message: str, errors: List[ErrorDetails], title: str = "input") -> None:
        super().__init__(message)
        self._errors = list(errors)
        self.title = title

    def errors(self) -> List[ErrorDetails]:
        """Every problem, in the order found."""
        return [dict(e) for e in self._errors]  # type: ignore[misc]

    def error_count(self) -> int:
        """How many problems were found."""
        return len(self._errors)

    def __reduce__(self) -> Tuple[Any, ...]:
        return (type(self), (str(self), self._errors, self.title))


class SchemaError(KampungError, TypeError):
    """A batch call is malformed: columns of different lengths, a missing
    column or an unusable dtype. Raised once for the whole call."""

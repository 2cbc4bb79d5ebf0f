"""Pseudonymisation of family registers: every NIK and Nomor KK replaced by
a keyed token (HMAC-SHA-256, 128 bits, written ``P1N-…``/``P1K-…``), names
replaced by ``Anggota 1``, ``Anggota 2``, …

The same key gives the same tokens in every table and run, so joins on
``no_kk``/``nik`` and duplicate detection keep working; another key gives
unrelated tokens. A NIK is checked against the row's ``sex`` and
``birth_date`` before it is dropped (a NIK that is invalid or disagrees
becomes a ``P1NX-`` token, which the register reader rejects, so the family
stays excluded). The key is never stored, printed or returned. See the
README section "Pseudonymisation" for what remains identifying.

>>> import pandas as pd, kampung
>>> members = pd.DataFrame({"no_kk": ["6472052301150007"] * 2,
...     "nik": ["6472050101850003", "6472054507900002"], "name": ["Budi", "Siti"],
...     "sex": ["L", "P"], "birth_date": ["1985-01-01", "1990-07-05"]})
>>> out = kampung.pseudonymize(members, key=b"0123456789abcdef0123456789abcdef")
>>> list(out["name"])
['Anggota 1', 'Anggota 2']
>>> out["nik"][0][:4], out["no_kk"][0][:4], "Budi" in out.to_string()
('P1N-', 'P1K-', False)
"""

from __future__ import annotations

import os
from typing import Any, Dict, Mapping, Optional, Tuple, Union

from . import _kampung
from .errors import SchemaError

__all__ = ["pseudonymize", "pseudonymize_jsonl"]

PathLike = Union[str, "os.PathLike[str]"]

#: The column roles ``columns=`` accepts.
ROLES = ("kk", "nik", "nik_reference", "name", "birth_date", "region")


def _key(key: Optional[bytes], key_file: Optional[PathLike]) -> bytes:
    if (key is None) == (key_file is None):
        raise SchemaError("give exactly one of key= (bytes) or key_file= (a path)")
    if key_file is not None:
        with open(key_file, "rb") as f:
            return f.read()
    if not isinstance(key, (bytes, bytearray, memoryview)):
        raise SchemaError("key must be bytes (e.g. the content of a key file)")
    return bytes(key)


def _default_columns(names: Any) -> Dict[str, str]:
    names = list(names)
    cols: Dict[str, str] = {}
    for name, role in (("no_kk", "kk"), ("name", "name"), ("region_code", "region")):
        if name in names:
            cols[name] = role
    if "nik" in names:
        # A table with dates of birth is a members table: its NIKs are checked.
        cols["nik"] = "nik" if "birth_date" in names else "nik_reference"
    if "birth_date" in names:
        cols["birth_date"] = "birth_date"
    return cols


def pseudonymize(
    table: Any,
    *,
    key: Optional[bytes] = None,
    key_file: Optional[PathLike] = None,
    columns: Optional[Mapping[str, str]] = None,
    birth_month: bool = False,
    kecamatan: bool = False,
) -> Any:
    """A copy of a pandas or polars DataFrame with its identifiers
    pseudonymised (see the module documentation).

    ``columns`` maps column names to roles (``kk``, ``nik``,
    ``nik_reference``, ``name``, ``birth_date``, ``region``); by default
    ``no_kk``, ``nik``, ``name``, ``birth_date`` and ``region_code`` when
    present. ``birth_month=True`` keeps only the month of dates of birth,
    ``kecamatan=True`` cuts region codes to kecamatan level (both change the
    report). Other columns are kept as they are: drop what you do not share.

    >>> import polars as pl, kampung
    >>> df = pl.DataFrame({"no_kk": ["6472052301150007"], "region_code": ["64.72.05.2001"]})
    >>> out = kampung.pseudonymize(df, key=b"k" * 32, kecamatan=True)
    >>> out["region_code"].to_list(), out["no_kk"].to_list()[0].startswith("P1K-")
    (['64.72.05'], True)
    """
    secret = _key(key, key_file)
    names = list(table.columns)
    roles = dict(columns) if columns is not None else _default_columns(names)
    for col, role in roles.items():
        if col not in names:
            raise SchemaError(f"column {col!r} is not in the table")
        if role not in ROLES:
            raise SchemaError(f"unknown role {role!r} for column {col!r}; use one of {ROLES}")

    def column(name: str) -> Optional[Any]:
        return table[name].to_list() if name in names else None

    sex, birth, group = column("sex"), column("birth_date"), column("no_kk")
    new: Dict[str, Any] = {}
    for col, role in roles.items():
        new[col] = _kampung._pseudonymize_column(
            secret, role, table[col].to_list(), sex, birth, group, birth_month, kecamatan
        )
    if hasattr(table, "with_columns"):  # polars
        import polars as pl

        return table.with_columns([pl.Series(c, v, dtype=pl.Utf8) for c, v in new.items()])
    out = table.copy()
    for c, v in new.items():
        out[c] = v
    return out


def pseudonymize_jsonl(
    source: PathLike,
    target: PathLike,
    *,
    key: Optional[bytes] = None,
    key_file: Optional[PathLike] = None,
    birth_month: bool = False,
    kecamatan: bool = False,
) -> Tuple[int, int, int]:
    """Pseudonymises a JSON Lines register file into ``target``, line for
    line (``kampung pseudonymize`` does the same); returns ``(lines,
    records, unreadable)``."""
    secret = _key(key, key_file)
    return _kampung._pseudonymize_jsonl(
        secret, os.fspath(source), os.fspath(target), birth_month, kecamatan
    )

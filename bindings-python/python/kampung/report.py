"""The village report: a family register aggregated by region, as
``kampung report`` prints it (DOMAIN.md §5 and §8).

Every indicator comes with its numerator and denominator (never an average
of percentages: parent regions sum their children's counts) and, for the
child-growth prevalences, a 95 % Wilson score interval (no survey weights).
Records that fail validation are left out and listed in ``errors`` with the
reason; ``exclusions`` counts them by code.

>>> import datetime
>>> fam = {"no_kk": "6472052301150007", "region_code": "64.72.05.2001",
...        "members": [{"name": "Budi", "sex": "L", "birth_date": "1985-01-01",
...                     "relationship": "kepala_keluarga", "marital_status": "kawin"},
...                    {"name": "Siti", "sex": "P", "birth_date": "1990-07-05",
...                     "relationship": "istri", "marital_status": "kawin"}],
...        "housing": {"water_source": "ledeng", "latrine": "sendiri", "septic_tank": True},
...        "kb": {"method": "implant"}}
>>> r = aggregate([fam, {"no_kk": "1"}], as_of=datetime.date(2025, 7, 1))
>>> float(r.regions.loc[("total", ""), ("cpr", "value")]), r.exclusions["families_excluded"]
(100.0, 1)
"""

from __future__ import annotations

import datetime
import os
from typing import Any, Dict, List, Optional, Union

from . import _kampung
from ._batch import records_of

__all__ = ["VillageReport", "aggregate", "read_jsonl", "classify_kampung", "LEVELS"]

LEVELS = ("total", "provinsi", "kabupaten_kota", "kecamatan", "desa_kelurahan")


class VillageReport:
    """The report's tables (pandas DataFrames):

    * ``indicators``: long format, one row per region and indicator:
      ``level, code, indicator, group, numerator, denominator, value, ci_low, ci_high``;
    * ``regions``: one row per region (index ``(level, code)``; the whole
      file is ``("total", "")``), columns
      ``(indicator, stat)`` with stat in ``numerator, denominator, value,
      ci_low, ci_high``, plus ``("families", "")``;
    * ``errors``: ``record, field, code, message, excluded`` (``family`` or ``measurement``);
    * ``exclusions``: a dict of counts (read, included, excluded, by reason).

    >>> r = read_jsonl(__import__("os").devnull, as_of="2025-07-01")
    >>> r.exclusions["families_read"], list(r.errors.columns)
    (0, ['record', 'field', 'code', 'message', 'excluded'])
    """

    def __init__(self, raw: Dict[str, Any]) -> None:
        import pandas as pd  # type: ignore[import-untyped,unused-ignore]

        # The whole-file row has no region code: "" keeps it indexable.
        raw["indicators"]["code"] = ["" if c is None else c for c in raw["indicators"]["code"]]
        raw["regions"]["code"] = ["" if c is None else c for c in raw["regions"]["code"]]
        self.indicators = pd.DataFrame(raw["indicators"])
        cols = ["record", "field", "code", "message", "excluded"] + (["table"] if "table" in raw["errors"] else [])
        self.errors = pd.DataFrame(raw["errors"], columns=cols)
        self.exclusions: Dict[str, Any] = raw["exclusions"]
        stats = ["numerator", "denominator", "value", "ci_low", "ci_high"]
        if len(self.indicators):
            wide = self.indicators.set_index(["level", "code", "indicator"])[stats].unstack("indicator")
            wide = wide.swaplevel(0, 1, axis=1)
            order = list(dict.fromkeys(self.indicators["indicator"]))
            wide = wide.reindex(columns=pd.MultiIndex.from_product([order, stats]))
        else:
            wide = pd.DataFrame()
        regions = pd.DataFrame(raw["regions"]).set_index(["level", "code"])
        regions.columns = pd.MultiIndex.from_tuples([("families", "")])
        self.regions = regions.join(wide) if len(wide) else regions
        # Keep the report's order: total, then each level.
        self.regions = self.regions.reindex(pd.MultiIndex.from_frame(pd.DataFrame(raw["regions"])[["level", "code"]]))

    def prevalence(self, indicator: str = "stunting", level: str = "desa_kelurahan") -> Any:
        """``numerator, denominator, value, ci_low, ci_high`` of one indicator at one level."""
        df = self.indicators
        out = df[(df["indicator"] == indicator) & (df["level"] == level)]
        return out.set_index("code")[["numerator", "denominator", "value", "ci_low", "ci_high"]]

    def _repr_html_(self) -> str:
        ex = self.exclusions
        head = (f"<p><b>Kampung KB report</b>: {ex['families_included']} families counted, "
                f"{ex['families_excluded']} excluded, {ex['measurements_excluded']} measurements excluded</p>")
        cols = [c for c in ["krs", "cpr", "mcpr", "mkjp_share", "unmet_need", "stunting", "wasting", "underweight"]
                if (c, "value") in self.regions.columns]
        table = self.regions[[("families", "")] + [(c, "value") for c in cols]].round(1)
        return head + table.to_html()

    def __repr__(self) -> str:
        ex = self.exclusions
        return (f"VillageReport({len(self.regions)} regions, {ex['families_included']} families, "
                f"{ex['families_excluded']} excluded)")


Date = Union[datetime.date, str]


def aggregate(
    families: Any, members: Any = None, measurements: Any = None, *, as_of: Date, locale: str = "id"
) -> VillageReport:
    """The report of a register given either as one table of whole families
    (``no_kk, region_code, members, housing, wife_pregnant, kb,
    measurements``: the JSON Lines format of ``examples/REGISTER.md``) or as
    three entity tables linked by ``no_kk`` (``families``: ``no_kk,
    region_code, water_source, latrine, septic_tank, wife_pregnant, kb_method,
    kb_reason``; ``members``: ``no_kk, nik, name, sex, birth_date,
    relationship, marital_status``; ``measurements``: ``no_kk, nik | member,
    measured_on, weight_kg, length_cm, measure, oedema``), in any order. Each
    table is a list of dicts, a pandas or polars DataFrame, or an Arrow table.
    Validation, duplicate detection and aggregation run in Rust with the GIL
    released. With entity tables, ``errors`` has a ``table`` column and
    ``record`` is the 0-based row of that table.

    >>> r = aggregate([{"no_kk": "123"}], as_of="2025-07-01", locale="en")
    >>> r.exclusions["families_excluded"], r.errors["code"].iloc[0]
    (1, 'required')
    """
    if members is not None or measurements is not None:
        return VillageReport(_kampung._report_entities(
            records_of(families), records_of(members if members is not None else []),
            records_of(measurements if measurements is not None else []), as_of, locale))
    return VillageReport(_kampung._report(records_of(families), as_of, locale))


def read_jsonl(path: Union[str, "os.PathLike[str]"], *, as_of: Date, locale: str = "id") -> VillageReport:
    """The report of a JSON Lines register file (``kampung report FILE``);
    ``errors.record`` is the line number.

    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "r.jsonl")
    >>> _ = open(p, "w").write('{"no_kk": "1"}\\nnot json\\n')
    >>> read_jsonl(p, as_of="2025-07-01").errors[["record", "code"]].values.tolist()
    [[1, 'required'], [1, 'kk_length'], [1, 'family_no_members'], [1, 'required'], [2, 'register_malformed_line']]
    """
    return VillageReport(_kampung._report_jsonl(os.fspath(path), as_of, locale))


def classify_kampung(profile: Dict[str, Any], *, locale: str = "id") -> Dict[str, Any]:
    """Kampung KB classification (Dasar, Berkembang, Mandiri, Berkelanjutan)
    of one Kampung profile, as the portal computes it (DOMAIN.md §5.4) with
    its intervals made explicit; every indicator score is explained.

    >>> classify_kampung({})["class"]
    'dasar'
    """
    return _kampung._classify_kampung(profile, locale)

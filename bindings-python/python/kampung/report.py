"""The village report: a family register aggregated by region, computed by
the same engine as ``kampung report`` (DOMAIN.md §5 and §8), in parallel
with the GIL released.

Every indicator comes with its numerator and denominator (never an average
of percentages: parent regions sum their children's counts) and, for the
child-growth prevalences, a 95 % Wilson score interval (a register is a
census: no survey weights).

When the register is a sample, name its **survey design**: ``weights``,
``cluster`` and ``strata`` are the family-level fields (keys of a family
record, columns of the ``families`` table) holding the sampling weight,
cluster (PSU) and stratum; ``nest=True`` when cluster ids are unique only
within a stratum; ``lonely_psu`` is R's option for a stratum with one PSU
(``"adjust"`` by default, as WHO anthro). The stunting, wasting,
underweight and overweight prevalences are then estimated as R's ``survey``
package does: every child under five takes its family's weight, cluster and
stratum (one without a usable z-score stays in the design, outside the domain); each region is a domain of the whole design; Taylor-linearised
standard errors (the ``se`` column of ``indicators``); the 95 % logit
interval of ``svyciprop(method="logit")`` on the design degrees of freedom.
The method is printed with the figures (``to_text``, ``to_html``; ``design``
in ``to_json``). A family whose design value is missing or bad is excluded,
with a problem naming the field (``report_weight_missing``,
``report_weight_invalid``, ``report_cluster_missing``,
``report_stratum_missing``); a weight of 0 is kept, as R does.

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
>>> print(r.to_text(lang="en").splitlines()[0])
KAMPUNG KB REPORT — reference date 2025-07-01
"""

from __future__ import annotations

import datetime
import os
from typing import Any, Dict, List, Optional, Tuple, Union

from . import _kampung
from ._batch import records_of

__all__ = [
    "VillageReport", "aggregate", "read_jsonl", "classify_kampung", "write_synthetic_register", "LEVELS",
    "ReportState", "partial", "partial_jsonl", "merge",
]

LEVELS = ("total", "provinsi", "kabupaten_kota", "kecamatan", "desa_kelurahan")

Date = Union[datetime.date, str]


class VillageReport:
    """A village report. Tables are pandas DataFrames, built when first used:

    * ``indicators``: long format, one row per region and indicator:
      ``level, code, name, indicator, group, numerator, denominator, value, ci_low, ci_high``;
    * ``regions``: one row per region (index ``(level, code)``; the whole
      file is ``("total", "")``), columns ``("name", "")`` and
      ``("families", "")``, then ``(indicator, stat)`` with stat in
      ``numerator, denominator, value, ci_low, ci_high``;

    ``name`` is the region's name in the bundled gazetteer (Kepmendagri
    300.2.2-2138/2025, see ``kampung.wilayah``), ``None`` for the total and
    for a code that is not in it.
    * ``errors``: ``table, record, field, code, message, excluded``
      (``family``, ``measurement`` or ``row``); ``record`` is the line of a
      JSON Lines file (from 1) or the position of a record or row (from 0);
    * ``exclusions``: a dict of counts (read, included, excluded, by reason);
    * ``skdn`` (with ``month=``): the month's SKDN table, one row per region
      (index ``(level, code)``) with ``name, month, S, K, D, N, T, O, B,
      D′, 2T, BGM, above_orange, refer, weighings_rejected`` and every ratio
      (``D/S, N/D, N/D′, N/S, T/D, 2T/D, BGM/D``) with its ``… numerator`` and
      ``… denominator`` columns (MONITORING.md §2). ``K``, ``K/S`` and
      ``D/K`` are not available from a register (it has no ``has_kia``):
      ``K`` is missing, never 0. ``skdn_by_sex_age`` breaks it down by sex
      and age group. ``None`` without a month.

    ``as_of`` is the reference date used; ``as_of_today`` names the time
    zone (``"WIB"``…) when it was today's date there because none was given.
    ``to_text``, ``to_json`` and ``to_html`` render the report as the
    command line does.

    >>> r = read_jsonl(__import__("os").devnull, as_of="2025-07-01")
    >>> r.exclusions["families_read"], list(r.errors.columns)
    (0, ['table', 'record', 'field', 'code', 'message', 'excluded'])
    """

    def __init__(self, report: Any, locale: str = "id") -> None:
        self._report = report
        self._locale = locale
        self._tables: Optional[Dict[str, Any]] = None
        self._frames: Dict[str, Any] = {}

    def _raw(self) -> Dict[str, Any]:
        if self._tables is None:
            self._tables = self._report.tables(self._locale)
        return self._tables

    @property
    def as_of(self) -> datetime.date:
        """The reference date used."""
        return self._report.as_of  # type: ignore[no-any-return]

    @property
    def as_of_today(self) -> Optional[str]:
        """``"WIB"``, ``"WITA"`` or ``"WIT"`` when ``as_of`` was today's date there."""
        return self._report.as_of_today  # type: ignore[no-any-return]

    @property
    def exclusions(self) -> Dict[str, Any]:
        """Families read, included and excluded; measurements and rows excluded; by reason."""
        return self._raw()["exclusions"]  # type: ignore[no-any-return]

    @property
    def indicators(self) -> Any:
        """Long format: one row per region and indicator."""
        if "indicators" not in self._frames:
            import pandas as pd  # type: ignore[import-untyped,unused-ignore]

            self._frames["indicators"] = pd.DataFrame(self._raw()["indicators"])
        return self._frames["indicators"]

    @property
    def errors(self) -> Any:
        """One row per problem: ``table, record, field, code, message, excluded``."""
        if "errors" not in self._frames:
            import pandas as pd  # type: ignore[import-untyped,unused-ignore]

            cols = ["table", "record", "field", "code", "message", "excluded"]
            self._frames["errors"] = pd.DataFrame(self._raw()["errors"], columns=cols)
        return self._frames["errors"]

    @property
    def regions(self) -> Any:
        """One row per region, columns ``("name", "")``, ``("families", "")`` and ``(indicator, stat)``."""
        if "regions" not in self._frames:
            import pandas as pd  # type: ignore[import-untyped,unused-ignore]

            stats = ["numerator", "denominator", "value", "se", "ci_low", "ci_high"]
            ind = self.indicators
            raw = self._raw()["regions"]
            order = pd.MultiIndex.from_arrays([raw["level"], raw["code"]], names=["level", "code"])
            regions = pd.DataFrame({("name", ""): raw["name"], ("families", ""): raw["families"]}, index=order)
            if len(ind):
                wide = ind.set_index(["level", "code", "indicator"])[stats].unstack("indicator")
                wide = wide.swaplevel(0, 1, axis=1)
                names = list(dict.fromkeys(ind["indicator"]))
                wide = wide.reindex(columns=pd.MultiIndex.from_product([names, stats]))
                regions = regions.join(wide)
            # Keep the report's order: total, then each level.
            self._frames["regions"] = regions.reindex(order)
        return self._frames["regions"]

    @property
    def skdn_month(self) -> Optional[str]:
        """The month of the SKDN table (``"YYYY-MM"``), ``None`` without ``month=``."""
        k = self._report.skdn
        return None if k is None else k["month"]  # type: ignore[no-any-return]

    @property
    def skdn(self) -> Any:
        """The month's SKDN table by region (see the class documentation), or ``None``."""
        k = self._report.skdn
        if k is None:
            return None
        if "skdn" not in self._frames:
            import pandas as pd  # type: ignore[import-untyped,unused-ignore]

            rows = [{key: v for key, v in r.items() if key != "by_sex_age"} for r in k["rows"]]
            df = pd.DataFrame(rows)
            df["code"] = df["code"].fillna("")
            first = ["level", "code", "name", "month", "S", "K", "D", "N", "T", "O", "B", "D′", "2T", "BGM",
                     "above_orange", "refer", "weighings_rejected"]
            df = df[first + [c for c in df.columns if c not in first]]
            self._frames["skdn"] = df.set_index(["level", "code"])
        return self._frames["skdn"]

    @property
    def skdn_by_sex_age(self) -> Any:
        """The SKDN counts by region, sex (``L``/``P``) and age group (``0-5`` … ``36-59``
        completed months), non-empty cells only; ``None`` without a month."""
        k = self._report.skdn
        if k is None:
            return None
        import pandas as pd  # type: ignore[import-untyped,unused-ignore]

        cells = [{"level": r["level"], "code": r["code"] or "", **c} for r in k["rows"] for c in r["by_sex_age"]]
        cols = ["level", "code", "sex", "age_group", "S", "K", "D", "N", "T", "O", "B", "2T", "BGM", "above_orange",
                "refer"]
        return pd.DataFrame(cells, columns=cols)

    def prevalence(self, indicator: str = "stunting", level: str = "desa_kelurahan") -> Any:
        """``numerator, denominator, value, se, ci_low, ci_high`` of one
        indicator at one level (``se`` is missing but with a survey design)."""
        df = self.indicators
        out = df[(df["indicator"] == indicator) & (df["level"] == level)]
        return out.set_index("code")[["numerator", "denominator", "value", "se", "ci_low", "ci_high"]]

    def classify(self, profiles: Dict[str, Any]) -> List[Dict[str, Any]]:
        """Kampung KB classification of every desa of ``profiles``
        (``{region_code: profile}``, DOMAIN.md §5.4), completed from the
        register's counts; it also appears in ``to_text``/``to_html``."""
        return self._report.classify(profiles, self._locale)  # type: ignore[no-any-return]

    def to_text(self, lang: Optional[str] = None) -> str:
        """The terminal summary, in ``lang`` (default: the report's locale)."""
        return self._report.to_text(lang or self._locale)  # type: ignore[no-any-return]

    def to_json(self, lang: Optional[str] = None) -> str:
        """The JSON document of ``kampung report --format json``."""
        return self._report.to_json(lang or self._locale)  # type: ignore[no-any-return]

    def to_html(self, path: Union[None, str, "os.PathLike[str]"] = None, lang: Optional[str] = None) -> str:
        """One offline HTML page with SVG charts; written to ``path`` when
        given (whole or not at all). Returns the page.

        >>> page = read_jsonl(__import__("os").devnull, as_of="2025-07-01").to_html(lang="en")
        >>> page.startswith("<!DOCTYPE html>") and "<script" not in page
        True
        """
        page: str = self._report.to_html(lang or self._locale)
        if path is not None:
            target = os.fspath(path)
            tmp = f"{target}.{os.getpid()}.tmp"
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(page)
            os.replace(tmp, target)
        return page

    def _repr_html_(self) -> str:
        ex = self.exclusions
        head = (f"<p><b>Kampung KB report</b> (as of {self.as_of}): {ex['families_included']} families counted, "
                f"{ex['families_excluded']} excluded, {ex['measurements_excluded']} measurements excluded</p>")
        cols = [c for c in ["krs", "cpr", "mcpr", "mkjp_share", "unmet_need", "stunting", "wasting", "underweight"]
                if (c, "value") in self.regions.columns]
        table = self.regions[[("name", ""), ("families", "")] + [(c, "value") for c in cols]].round(1)
        return head + table.to_html()

    def __repr__(self) -> str:
        ex = self.exclusions
        return (f"VillageReport({len(self._raw()['regions']['code'])} regions, {ex['families_included']} families, "
                f"{ex['families_excluded']} excluded, as of {self.as_of})")


_Design = Optional[Tuple[Optional[str], Optional[str], Optional[str], bool, Optional[str]]]


def _design(weights: Optional[str], cluster: Optional[str], strata: Optional[str], nest: bool,
            lonely_psu: Optional[str]) -> _Design:
    """The survey design as the engine takes it (None: no design, Wilson
    intervals). ``lonely_psu`` is checked even when no field is named: the
    engine reads a design naming no field as no design."""
    if weights is None and cluster is None and strata is None and lonely_psu is None:
        return None
    return (weights, cluster, strata, bool(nest), lonely_psu)


def _table(data: Any) -> Any:
    """An entity table as the engine takes it: an Arrow stream when the
    object exports one (pyarrow, polars, pandas with pyarrow), else rows."""
    if hasattr(data, "__arrow_c_stream__"):
        return data
    return records_of(data)


def aggregate(
    families: Any,
    members: Any = None,
    measurements: Any = None,
    *,
    as_of: Optional[Date] = None,
    locale: str = "id",
    tz: str = "WIB",
    threads: int = 0,
    weights: Optional[str] = None,
    cluster: Optional[str] = None,
    strata: Optional[str] = None,
    nest: bool = False,
    lonely_psu: Optional[str] = None,
    month: Optional[str] = None,
) -> VillageReport:
    """The report of a register given either as one table of whole families
    (``no_kk, region_code, members, housing, wife_pregnant, kb,
    measurements``: the JSON Lines format of ``examples/REGISTER.md``) or as
    three entity tables linked by ``no_kk`` (``families``: ``no_kk,
    region_code, water_source, latrine, septic_tank, wife_pregnant, kb_method,
    kb_reason``; ``members``: ``no_kk, nik, name, sex, birth_date,
    relationship, marital_status``; ``measurements``: ``no_kk, nik | member,
    measured_on, weight_kg, length_cm, measure, oedema``), rows in any order.
    Entity tables are read zero-copy from pyarrow tables, polars or pandas
    DataFrames (through the Arrow PyCapsule interface), or from lists of
    dicts. Validation, duplicates and aggregation run in Rust, in parallel
    (``threads``: 0 = one per core), with the GIL released. ``as_of``
    defaults to today's date in ``tz`` (``WIB``, ``WITA``, ``WIT``).
    ``weights``, ``cluster``, ``strata``, ``nest``, ``lonely_psu``: the
    survey design of the growth prevalences (see the module documentation;
    ``kampung report --weights``).

    ``month="YYYY-MM"`` adds the SKDN table of that month
    (:attr:`VillageReport.skdn`, and in ``to_text``/``to_json``/``to_html``
    with a chart of N/D by desa): each child's measurements are coded by
    :func:`kampung.monitoring.assess`'s rules (default ``kia2023``) and
    counted in the family's region. A month that starts after ``as_of`` is a
    ``ValidationError`` (``date_in_future``).

    >>> fam = {"no_kk": "6472050000000001", "region_code": "64.72.05.2001",
    ...        "members": [{"name": "Ibu", "sex": "P", "birth_date": "1992-01-01",
    ...                     "relationship": "kepala_keluarga", "marital_status": "cerai_hidup"},
    ...                    {"name": "Adi", "sex": "L", "birth_date": "2023-06-10",
    ...                     "relationship": "anak", "marital_status": "belum_kawin"}],
    ...        "housing": {"water_source": "ledeng", "latrine": "sendiri", "septic_tank": True},
    ...        "measurements": [{"member": 1, "measured_on": d, "weight_kg": w}
    ...                         for d, w in [("2024-01-12", 8.1), ("2024-02-12", 8.3)]]}
    >>> t = aggregate([fam], as_of="2024-03-31", month="2024-02").skdn.loc[("total", "")]
    >>> [int(t[c]) for c in ["S", "D", "N", "T", "B"]], float(t["N/D"]), t["K"] is None
    ([1, 1, 0, 1, 0], 0.0, True)

    >>> r = aggregate([{"no_kk": "123"}], as_of="2025-07-01", locale="en")
    >>> r.exclusions["families_excluded"], r.errors["code"].iloc[0]
    (1, 'required')
    >>> r = aggregate([{"no_kk": "123", "w": -1}], as_of="2025-07-01", weights="w")
    >>> r.errors[r.errors["field"] == "w"]["code"].tolist()
    ['report_weight_invalid']
    """
    design = _design(weights, cluster, strata, nest, lonely_psu)
    if members is not None or measurements is not None:
        return VillageReport(_kampung._report_entities(
            _table(families), _table(members if members is not None else []),
            _table(measurements if measurements is not None else []), as_of, tz, threads, locale, design, month), locale)
    return VillageReport(_kampung._report(records_of(families), as_of, tz, threads, locale, design, month), locale)


def read_jsonl(
    path: Union[str, "os.PathLike[str]"],
    *,
    as_of: Optional[Date] = None,
    locale: str = "id",
    tz: str = "WIB",
    threads: int = 0,
    max_line_bytes: Optional[int] = None,
    weights: Optional[str] = None,
    cluster: Optional[str] = None,
    strata: Optional[str] = None,
    nest: bool = False,
    lonely_psu: Optional[str] = None,
    month: Optional[str] = None,
) -> VillageReport:
    """The report of a JSON Lines register file (``kampung report FILE``),
    read by the same parallel engine with the GIL released;
    ``errors.record`` is the line number. ``as_of`` defaults to today's date
    in ``tz``. A line that is not UTF-8 or not JSON is one excluded line; a
    line longer than ``max_line_bytes`` (default 8 MiB; input without line
    feeds included) is one excluded line ``register_line_too_long``; a UTF-8
    byte-order mark is ignored. ``weights``, ``cluster``, ``strata``,
    ``nest``, ``lonely_psu``: the survey design, as for :func:`aggregate`.
    ``month="YYYY-MM"`` adds the SKDN table of that month, as
    :func:`aggregate` (``kampung report --month``).

    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "r.jsonl")
    >>> _ = open(p, "w").write('{"no_kk": "1"}\\nnot json\\n')
    >>> read_jsonl(p, as_of="2025-07-01").errors[["record", "code"]].values.tolist()
    [[1, 'required'], [1, 'kk_length'], [1, 'family_no_members'], [1, 'required'], [2, 'register_malformed_line']]
    """
    design = _design(weights, cluster, strata, nest, lonely_psu)
    return VillageReport(
        _kampung._report_jsonl(os.fspath(path), as_of, tz, threads, locale, max_line_bytes, design, month), locale)


ReportState = _kampung.ReportState  # documented in the compiled module


def partial_jsonl(
    source: Union[bytes, str, "os.PathLike[str]"],
    *,
    as_of: Date,
    part: int = 0,
    first_record: int = 0,
    threads: int = 0,
    weights: Optional[str] = None,
    cluster: Optional[str] = None,
    strata: Optional[str] = None,
    nest: bool = False,
    lonely_psu: Optional[str] = None,
    month: Optional[str] = None,
) -> ReportState:
    """The :class:`ReportState` of one part of a JSON Lines register: a file
    path, or the part's text as ``bytes`` (whole lines). ``part`` orders
    the parts (the register's order: the first valid family keeps a
    duplicated Nomor KK); the part's lines are numbered from
    ``first_record + 1``, so pass the number of lines before the part to
    number errors as in the whole file. ``as_of`` is required: parts
    computed on different days must not mix; nor may parts of different
    survey designs (``weights``, ``cluster``, ``strata``, ``nest``,
    ``lonely_psu``, as for :func:`aggregate`: give every part the same) or
    of different SKDN months (``month``, as :func:`aggregate`).

    >>> lines = [b'{"no_kk": "1"}\\n', b"not json\\n", b'{"no_kk": "3"}\\n']
    >>> a = partial_jsonl(b"".join(lines[:2]), as_of="2025-07-01", part=0)
    >>> b = partial_jsonl(b"".join(lines[2:]), as_of="2025-07-01", part=1, first_record=2)
    >>> merge([b, a]).errors["record"].unique().tolist()
    [1, 2, 3]
    >>> merge([b, a]).to_json() == merge([ReportState.from_bytes(a.to_bytes()), b]).to_json()
    True
    """
    design = _design(weights, cluster, strata, nest, lonely_psu)
    if isinstance(source, (bytes, bytearray, memoryview)):
        return _kampung._report_state_jsonl(bytes(source), as_of, part, first_record, threads, design, month)
    return _kampung._report_state_jsonl(os.fspath(source), as_of, part, first_record, threads, design, month)


def partial(
    families: Any,
    members: Any = None,
    measurements: Any = None,
    *,
    as_of: Date,
    part: int = 0,
    first_record: int = 0,
    threads: int = 0,
    weights: Optional[str] = None,
    cluster: Optional[str] = None,
    strata: Optional[str] = None,
    nest: bool = False,
    lonely_psu: Optional[str] = None,
    month: Optional[str] = None,
) -> ReportState:
    """The :class:`ReportState` of one part of a register given as
    :func:`aggregate` takes it: records (dicts, numbered from
    ``first_record``) or three entity tables (Arrow tables, DataFrames,
    lists of dicts) holding whole families (every row of one ``no_kk`` in
    the same part). ``part`` orders the parts; ``as_of`` is required. The
    survey design keywords and ``month`` (the SKDN month) are those of
    :func:`aggregate` (the same for every part).

    >>> fams = [{"no_kk": "1"}, {"no_kk": "2"}, {"no_kk": "3"}]
    >>> states = [partial(fams[:1], as_of="2025-07-01", part=0),
    ...           partial(fams[1:], as_of="2025-07-01", part=1, first_record=1)]
    >>> merge(states).to_json() == aggregate(fams, as_of="2025-07-01").to_json()
    True
    """
    design = _design(weights, cluster, strata, nest, lonely_psu)
    if members is not None or measurements is not None:
        return _kampung._report_state_entities(
            _table(families), _table(members if members is not None else []),
            _table(measurements if measurements is not None else []), as_of, part, first_record, threads, design, month)
    return _kampung._report_state(records_of(families), as_of, part, first_record, threads, design, month)


def merge(states: Any, *, sources: Optional[List[str]] = None, locale: str = "id") -> VillageReport:
    """The report of a whole register from the states of its parts
    (:class:`ReportState` objects or their ``to_bytes()``, in any order):
    merged and finished by the core, equal byte for byte to the one-pass
    report of the same register. ``sources`` names the inputs in the report
    (``read_jsonl`` puts the file's path there). Raises ``ValueError`` for
    bytes that are not a state, states of different ``as_of``, survey
    designs or ``month``, or none.

    >>> merge([partial([{"no_kk": "1"}], as_of="2025-07-01")]).exclusions["families_excluded"]
    1
    """
    return VillageReport(_kampung._merge_states(list(states), list(sources or [])), locale)


def classify_kampung(profile: Dict[str, Any], *, locale: str = "id") -> Dict[str, Any]:
    """Kampung KB classification (Dasar, Berkembang, Mandiri, Berkelanjutan)
    of one Kampung profile, as the portal computes it (DOMAIN.md §5.4) with
    its intervals made explicit; every indicator score is explained.

    >>> classify_kampung({})["class"]
    'dasar'
    """
    return _kampung._classify_kampung(profile, locale)


def write_synthetic_register(
    path: Union[str, "os.PathLike[str]"],
    *,
    families: int = 2100,
    seed: int = 2025,
    as_of: Date = "2025-07-01",
    bad_rate: float = 0.0,
    format: str = "jsonl",
) -> None:
    """Writes a synthetic register (``kampung generate``), a pure function of
    ``seed``: JSON Lines to ``path`` (``format="jsonl"``), or
    ``families.csv``, ``members.csv`` and ``measurements.csv`` in the folder
    ``path`` (``format="csv"``). ``bad_rate`` is the share of lines with one
    known defect. The defaults write the bundled sample without its defects.

    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "r.jsonl")
    >>> write_synthetic_register(p, families=300, seed=1)
    >>> read_jsonl(p, as_of="2025-07-01").exclusions["families_included"]
    300
    """
    if format not in ("jsonl", "csv"):
        raise ValueError("format must be 'jsonl' or 'csv'")
    day = as_of if isinstance(as_of, datetime.date) else datetime.date.fromisoformat(as_of)
    _kampung._write_synthetic_register(os.fspath(path), families, seed, day, bad_rate, format == "csv")

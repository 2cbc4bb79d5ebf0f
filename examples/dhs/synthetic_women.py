#!/usr/bin/env python3
"""Synthetic DHS women (individual recode, IR) for kampung's unmet-need and
family-planning benchmarks and tests. Nothing here is real data.

Two kinds:

* ``realistic`` (default): an IDHS-like file: ``ID7`` women 15-49 in clusters
  (``v001``, ~25 women each) inside 68 strata (``v022``: 34 provinces
  ``v024`` x urban/rural ``v025``), cluster weights ``v005``, and recode
  values that hang together (a pregnant woman has ``v225``, a recent birth
  has ``m6_1``/``m10_1``, users have ``v312``/``v313``, ...).
* ``random``: every variable drawn independently over its valid codes,
  missing included (inconsistent women on purpose), optionally over several
  surveys: the input used to compare kampung with the DHS Program's code.

Usage: ``python synthetic_women.py N OUT.csv|OUT.parquet [--kind random]
[--seed S] [--surveys ID7,ID6,...]``; or ``women(n, seed=..., kind=...)``
from Python (returns a dict of numpy columns).
"""
from __future__ import annotations

import argparse
from typing import Dict, Optional, Sequence

import numpy as np

MODERN = (1, 2, 3, 5, 6, 7, 11, 13, 14, 16, 17, 18)
TRADITIONAL = (8, 9)
FOLK = (10,)


def women(
    n: int,
    seed: int = 1,
    kind: str = "realistic",
    surveys: Optional[Sequence[str]] = None,
    strata: int = 68,
) -> Dict[str, np.ndarray]:
    """``n`` synthetic women as a dict of equal-length numpy columns
    (float64 with NaN for missing; ``v000`` as strings). ``strata``: the
    number of strata of the realistic kind (even: provinces x urban/rural)."""
    if kind == "random":
        return _random(n, seed, surveys or ["ID7"])
    if kind != "realistic":
        raise ValueError(f"unknown kind {kind!r}")
    return _realistic(n, seed, strata)


def _realistic(n: int, seed: int, n_strata: int) -> Dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    nan = np.nan
    f = lambda x: np.asarray(x, dtype=np.float64)  # noqa: E731
    n_clusters = max(1, n // 25)
    cluster = np.sort(rng.integers(0, n_clusters, size=n))
    stratum_of_cluster = rng.integers(0, n_strata, size=n_clusters)
    weight_of_cluster = np.maximum(50_000, rng.lognormal(np.log(1e6), 0.6, size=n_clusters)).round()
    stratum = stratum_of_cluster[cluster]
    age = rng.integers(15, 50, size=n)
    # Marital status by age: married, formerly married, never married.
    p_married = np.clip((age - 15) / 15.0, 0.05, 0.85)
    u = rng.random(n)
    v502 = np.where(u < p_married, 1, np.where(u < p_married + 0.05, 2, 0))
    ever = v502 > 0
    had_sex = ever | (rng.random(n) < 0.15)
    v525 = np.where(had_sex, np.minimum(age, rng.integers(15, 26, size=n)), 0)
    v528 = np.where(
        v502 == 1,
        np.where(rng.random(n) < 0.8, rng.integers(0, 31, size=n), rng.integers(31, 100, size=n)),
        np.where(had_sex & (rng.random(n) < 0.4), rng.integers(0, 31, size=n), rng.integers(31, 100, size=n)),
    ).astype(float)
    v528[~had_sex] = nan
    v512 = np.where(ever, rng.integers(0, 10_000, size=n) % (age - 14), nan)
    has_birth = ever & (rng.random(n) < 0.85)
    v222 = np.where(has_birth, rng.integers(0, 10_000, size=n) % np.maximum(1, (age - 15) * 12), nan)
    recent = has_birth & (v222 < 60)
    pregnant = np.where(v502 == 1, rng.random(n) < 0.06, rng.random(n) < 0.005)
    v213 = pregnant.astype(float)
    v225 = np.where(pregnant, rng.choice([1, 2, 3], size=n, p=[0.8, 0.12, 0.08]), nan)
    amen = rng.integers(0, 19, size=n)
    m6_1 = np.where(recent, np.where(v222 < amen, 96, amen), nan)
    m6_1 = np.where(recent & (rng.random(n) < 0.03), rng.choice([97, 98, 99], size=n), m6_1)
    m10_1 = np.where(recent, rng.choice([1, 2, 3], size=n, p=[0.8, 0.13, 0.07]), nan)
    # Time since last period.
    days = 100 + rng.integers(0, 31, size=n)
    v215 = days.astype(float)
    v215 = np.where(rng.random(n) < 0.05, 300 + rng.integers(1, 13, size=n), v215)
    v215 = np.where(rng.random(n) < 0.03, 200 + rng.integers(1, 9, size=n), v215)
    v215 = np.where((age >= 45) & (rng.random(n) < 0.3), 994, v215)
    v215 = np.where(rng.random(n) < 0.005, rng.choice([996, 998, 999, 401, 402], size=n), v215)
    v215 = np.where(m6_1 == 96, 995, v215)
    v215 = np.where(pregnant, 300 + rng.integers(1, 9, size=n), v215)
    # Current method.
    methods = np.array([3, 1, 11, 2, 6, 5, 9, 8, 7, 13, 10])
    pm = np.array([0.52, 0.14, 0.09, 0.08, 0.06, 0.04, 0.035, 0.02, 0.005, 0.005, 0.005])
    method = rng.choice(methods, size=n, p=pm / pm.sum())
    use = np.where(v502 == 1, rng.random(n) < 0.57, (had_sex & (v528 <= 30)) & (rng.random(n) < 0.1))
    use &= ~pregnant
    v312 = np.where(use, method, 0).astype(float)
    v313 = np.select([v312 == 0, np.isin(v312, MODERN), np.isin(v312, TRADITIONAL)], [0, 3, 2], default=1).astype(float)
    # Fertility preference.
    young = age < 30
    pref = np.where(young, rng.choice([1, 2, 3, 4, 5], size=n, p=[0.3, 0.35, 0.1, 0.1, 0.15]),
                    rng.choice([1, 2, 3, 4, 5, 7], size=n, p=[0.1, 0.1, 0.05, 0.05, 0.62, 0.08]))
    v605 = np.where(np.isin(v312, (6, 7)), 6, pref).astype(float)
    v605[rng.random(n) < 0.002] = 9
    v302a = np.where(use | (rng.random(n) < 0.7), 1, 0).astype(float)
    v302a[~had_sex] = 0
    v3a08d = np.where(use, nan, np.where((age >= 45) & (rng.random(n) < 0.2), 1, 0))
    province = stratum // 2 + 1
    residence = stratum % 2 + 1
    return {
        "v000": np.full(n, "ID7", dtype=object),
        "v001": f(cluster + 1),
        "v005": f(weight_of_cluster[cluster]),
        "v007": f(np.full(n, 2017)),
        "v012": f(age),
        "v013": f((age - 15) // 5 + 1),
        "v020": f(np.zeros(n)),
        "v022": f(stratum + 1),
        "v024": f(province),
        "v025": f(residence),
        "v213": v213,
        "v215": f(v215),
        "v222": f(v222),
        "v225": f(v225),
        "v302a": v302a,
        "v312": v312,
        "v313": v313,
        "v3a08d": f(v3a08d),
        "v502": f(v502),
        "v512": f(v512),
        "v525": f(v525),
        "v528": v528,
        "v605": v605,
        "m6_1": f(m6_1),
        "m10_1": f(m10_1),
    }


def _random(n: int, seed: int, surveys: Sequence[str]) -> Dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)

    def pick(values, p=None, na=0.0):
        v = rng.choice(np.asarray(values, dtype=float), size=n, p=p)
        if na:
            v[rng.random(n) < na] = np.nan
        return v

    def ints(lo, hi, na=0.0):
        v = rng.integers(lo, hi + 1, size=n).astype(float)
        if na:
            v[rng.random(n) < na] = np.nan
        return v

    d: Dict[str, np.ndarray] = {}
    d["v000"] = rng.choice(np.asarray(surveys, dtype=object), size=n)
    d["v001"] = ints(1, 500)
    d["v002"] = ints(1, 30)
    d["v007"] = np.where(d["v000"] == "CI3", rng.choice([94.0, 95.0, np.nan], size=n), 2017.0)
    d["v020"] = pick([0, 1], p=[0.8, 0.2], na=0.02)
    d["v502"] = pick([0, 1, 2], p=[0.3, 0.55, 0.15], na=0.02)
    d["v512"] = ints(0, 35, na=0.2)
    d["v525"] = pick([0, 0, 12, 15, 16, 17, 18, 20, 22, 25, 30, 96, 97, 98, 99], na=0.05)
    d["v528"] = np.where(rng.random(n) < 0.5, ints(0, 40), pick([95, 96, 97, 98, 99, 31, 30, 0]))
    d["v528"][rng.random(n) < 0.05] = np.nan
    d["v213"] = pick([0, 1], p=[0.85, 0.15], na=0.02)
    d["v225"] = pick([1, 2, 3, 4, 8, 9], na=0.7)
    d["v222"] = np.where(rng.random(n) < 0.7, ints(0, 80), ints(0, 400))
    d["v222"][rng.random(n) < 0.2] = np.nan
    d["m6_1"] = np.where(rng.random(n) < 0.5, ints(0, 36), pick([96, 96, 97, 98, 99]))
    d["m6_1"][rng.random(n) < 0.3] = np.nan
    d["m10_1"] = pick([1, 2, 3, 4, 8, 9], na=0.3)
    kinds = rng.integers(0, 7, size=n)
    v215 = np.select(
        [kinds == 0, kinds == 1, kinds == 2, kinds == 3, kinds == 4],
        [rng.integers(100, 200, size=n), rng.integers(200, 300, size=n), rng.integers(300, 400, size=n),
         rng.integers(400, 500, size=n), rng.choice([993, 994, 995, 996, 997, 998, 999], size=n)],
        default=rng.choice([995, 995, 994, 996, 301, 306, 305, 226, 225, 243, 180, 179], size=n)).astype(float)
    v215[rng.random(n) < 0.03] = np.nan
    d["v215"] = v215
    d["v302a"] = pick([0, 1, 2], na=0.05)
    # v312 is never missing here: the Stata code counts a missing v312 as a
    # user, the R and SPSS code do not (kampung follows R/SPSS; see the docs).
    d["v312"] = np.where(rng.random(n) < 0.6, 0, rng.integers(1, 21, size=n)).astype(float)
    d["v605"] = pick([1, 2, 3, 4, 5, 6, 7, 8, 9], na=0.05)
    d["v3a08d"] = pick([0, 1], p=[0.9, 0.1], na=0.3)
    d["v005"] = ints(100_000, 3_000_000)
    d["v012"] = ints(15, 49)
    d["v013"] = (d["v012"] - 15) // 5 + 1
    d["v313"] = np.where(d["v312"] == 0, 0, rng.choice([1.0, 2.0, 3.0], size=n))
    return d


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--kind", default="realistic", choices=["realistic", "random"])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--surveys", default="ID7")
    ap.add_argument("--strata", type=int, default=68)
    a = ap.parse_args()
    cols = women(a.n, a.seed, a.kind, a.surveys.split(","), a.strata)
    import pandas as pd  # type: ignore[import-untyped]

    df = pd.DataFrame(cols)
    if a.out.endswith(".parquet"):
        df.to_parquet(a.out, index=False)
    else:
        df.to_csv(a.out, index=False, na_rep="")


if __name__ == "__main__":
    main()

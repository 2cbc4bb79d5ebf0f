//! `kampung_core::survey` against R's survey package: every number of the
//! fixtures in `tests/fixtures/survey/` (written by `r_survey_reference.R`
//! there, from R survey 4.1-1) is recomputed and compared.
#![allow(clippy::unwrap_used)]

use kampung_core::survey::{
    estimate, t_quantile, Design, DesignOptions, Domain, Estimate, LonelyPsu, NumberId, Statistic,
};
use kampung_core::{Error, ErrorCode};
use serde_json::Value;
use std::path::PathBuf;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/survey")
}

fn load(name: &str) -> Value {
    let path = fixtures().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

fn nums(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap_or(f64::NAN))
        .collect()
}

/// `|a − b| ≤ rel·|b| + abs`, both missing counts as equal.
fn close(a: f64, b: Option<f64>, rel: f64, abs: f64) -> bool {
    match b {
        None => a.is_nan(),
        Some(b) => (a - b).abs() <= rel * b.abs() + abs,
    }
}

struct Case {
    name: String,
    y: Vec<f64>,
    b: Vec<f64>,
    x: Vec<f64>,
    g_codes: Vec<u32>,
    g_levels: Vec<String>,
    m: Vec<bool>,
    design: Design<'static>,
}

fn case(name: &str) -> (Case, Value) {
    let v = load(&format!("{name}.json"));
    let input = &v["input"];
    let y = nums(&input["y"]);
    let n = y.len();
    let weights: Option<&'static [f64]> = input["weights"]
        .as_array()
        .map(|_| &*Vec::leak(nums(&input["weights"])));
    let psu: Option<Vec<NumberId>> = input["psu"]
        .as_array()
        .map(|_| nums(&input["psu"]).into_iter().map(NumberId).collect());
    let strata: Option<Vec<NumberId>> = input["strata"]
        .as_array()
        .map(|_| nums(&input["strata"]).into_iter().map(NumberId).collect());
    let options = DesignOptions::new()
        .with_nest(v["options"]["nest"].as_bool().unwrap())
        .with_lonely_psu(LonelyPsu::parse(v["options"]["lonely_psu"].as_str().unwrap()).unwrap());
    let mut builder = Design::builder(n).options(options);
    if let Some(w) = weights {
        builder = builder.weights(w);
    }
    if let Some(p) = &psu {
        builder = builder.psu(p);
    }
    if let Some(s) = &strata {
        builder = builder.strata(s);
    }
    let g: Vec<Option<String>> = input["g"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().map(str::to_owned))
        .collect();
    let mut g_levels: Vec<String> = g.iter().flatten().cloned().collect();
    g_levels.sort();
    g_levels.dedup();
    let g_codes = g
        .iter()
        .map(|x| {
            x.as_ref().map_or(Domain::NO_GROUP, |s| {
                u32::try_from(g_levels.iter().position(|l| l == s).unwrap()).unwrap()
            })
        })
        .collect();
    let m = input["m"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_bool().unwrap())
        .collect();
    let design = builder.build();
    let c = Case {
        name: name.to_owned(),
        b: nums(&input["b"]),
        x: nums(&input["x"]),
        y,
        g_codes,
        g_levels,
        m,
        design: match design {
            Ok(d) => d,
            Err(e) => {
                // only the `fail` case is expected to stop
                let expected = v["expected"]["error"].as_str().unwrap_or("");
                assert!(
                    expected.contains("has only one PSU"),
                    "{name}: unexpected error {e}"
                );
                let Error::Validation(errs) = e else {
                    panic!("{name}: {e}")
                };
                assert_eq!(errs.errors()[0].code(), ErrorCode::SurveyLonelyPsu);
                return (
                    Case {
                        name: String::new(),
                        y: vec![],
                        b: vec![],
                        x: vec![],
                        g_codes: vec![],
                        g_levels: vec![],
                        m: vec![],
                        design: Design::srs(1).unwrap(),
                    },
                    v,
                );
            }
        },
    };
    (c, v)
}

fn check_case(name: &str) -> usize {
    let (c, v) = case(name);
    if c.name.is_empty() {
        return 1; // the fail case, checked in `case`
    }
    let levels = u32::try_from(c.g_levels.len()).unwrap();
    let stats = [
        Statistic::Mean(&c.y),
        Statistic::Total(&c.y),
        Statistic::Proportion(&c.b),
        Statistic::Ratio {
            numerator: &c.y,
            denominator: &c.x,
        },
    ];
    let domains = [
        Domain::All,
        Domain::Groups {
            codes: &c.g_codes,
            levels,
        },
        Domain::Mask(&c.m),
    ];
    let est = estimate(&c.design, &stats, &domains).unwrap();
    let expected = &v["expected"];
    assert_eq!(
        est.df(),
        expected["df"].as_i64().unwrap(),
        "{name}: design df"
    );
    let mut checked = 0;
    for row in expected["rows"].as_array().unwrap() {
        let s = match row["statistic"].as_str().unwrap() {
            "mean" => 0,
            "total" => 1,
            "proportion" => 2,
            "ratio" => 3,
            other => panic!("{other}"),
        };
        let (d, l) = match row["domain"].as_str().unwrap() {
            "all" => (0, 0),
            "g" => {
                let lv = row["level"].as_str().unwrap();
                (1, c.g_levels.iter().position(|x| x == lv).unwrap())
            }
            "m" => (2, 0),
            other => panic!("{other}"),
        };
        let e: &Estimate = est.get(s, d, l).unwrap();
        let what = format!(
            "{name}: {} {} {}",
            row["statistic"], row["domain"], row["level"]
        );
        let f = |k: &str| row[k].as_f64();
        assert!(
            close(e.estimate, f("estimate"), 1e-12, 1e-12),
            "{what}: estimate {} vs {:?}",
            e.estimate,
            f("estimate")
        );
        assert!(
            close(e.se, f("se"), 1e-9, 1e-12),
            "{what}: se {} vs {:?}",
            e.se,
            f("se")
        );
        // deff of a near-zero variance is noise in R (e.g. 1e-31): absolute slack
        assert!(
            close(e.deff, f("deff"), 1e-9, 1e-12),
            "{what}: deff {} vs {:?}",
            e.deff,
            f("deff")
        );
        let w = e.wald(0.95);
        assert!(
            close(w.low, f("wald_low"), 1e-9, 1e-12),
            "{what}: wald low {} vs {:?}",
            w.low,
            f("wald_low")
        );
        assert!(
            close(w.high, f("wald_high"), 1e-9, 1e-12),
            "{what}: wald high {} vs {:?}",
            w.high,
            f("wald_high")
        );
        if s == 2 {
            let li = e.logit(0.95);
            // R's svyciprop takes logit(p) from an iterative glm fit that
            // stops at a relative deviance change of 1e-8, so its bounds
            // carry relative errors up to a few 1e-9 (a tighter glm
            // tolerance gives exactly logit(p)); at p = 0 or 1 the fit stops
            // near 1e-12 and the bounds are within ~2e-9 of 0 or 1.
            let slack = if e.estimate == 0.0 || e.estimate == 1.0 {
                2e-9
            } else {
                1e-12
            };
            assert!(
                close(li.low, f("logit_low"), 1e-8, slack),
                "{what}: logit low {} vs {:?}",
                li.low,
                f("logit_low")
            );
            assert!(
                close(li.high, f("logit_high"), 1e-8, slack),
                "{what}: logit high {} vs {:?}",
                li.high,
                f("logit_high")
            );
        }
        if s == 0 {
            assert!(
                close(e.svyvar, f("svyvar"), 1e-9, 1e-12),
                "{what}: svyvar {} vs {:?}",
                e.svyvar,
                f("svyvar")
            );
        }
        checked += 1;
    }
    checked
}

#[test]
fn srs_unweighted_matches_r() {
    assert_eq!(check_case("srs_unweighted"), 20);
}

#[test]
fn srs_weighted_matches_r() {
    assert_eq!(check_case("srs_weighted"), 20);
}

#[test]
fn stratified_cluster_matches_r() {
    assert_eq!(check_case("stratified_cluster"), 20);
}

#[test]
fn lonely_psu_options_match_r() {
    for opt in ["adjust", "remove", "certainty", "average"] {
        assert_eq!(check_case(&format!("lonely_psu_{opt}")), 20);
    }
    assert_eq!(check_case("lonely_psu_fail"), 1);
}

#[test]
fn nested_psu_ids_match_r() {
    assert_eq!(check_case("nested_psu_ids"), 20);
}

#[test]
fn zero_weights_and_extreme_domains_match_r() {
    assert_eq!(check_case("extremes"), 32);
}

#[test]
fn t_quantiles_match_r_qt() {
    let v = load("qt.json");
    let p = nums(&v["input"]["p"]);
    let df = nums(&v["input"]["df"]);
    let q = nums(&v["expected"]["q"]);
    assert!(p.len() > 300);
    for ((p, df), q) in p.iter().zip(&df).zip(&q) {
        let t = t_quantile(*p, *df);
        assert!(((t - q) / q).abs() < 2e-10, "qt({p}, {df}): {t} vs R {q}");
    }
}

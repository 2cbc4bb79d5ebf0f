//! The family-planning indicator table against R's survey package:
//! `tests/fixtures/dhs/fp_table_r.json` (written by `r_fp_table_reference.R`
//! there from `fp_design_women.csv`) recomputed from the raw recode columns.
#![allow(clippy::unwrap_used)]

use kampung_core::kb::dhs::{
    fp_indicators, numeric_levels, unmet_need, ByColumn, CiMethod, DhsRules, FpInput, FpOptions,
    FpRow, IdColumn, SurveyColumn, Women,
};
use serde_json::Value;
use std::collections::HashMap;
use std::path::PathBuf;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/dhs")
}

/// The women CSV as column name → values (empty = NaN; v000 kept as text).
fn women_csv() -> (HashMap<String, Vec<f64>>, Vec<String>) {
    let text = std::fs::read_to_string(dir().join("fp_design_women.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let mut cols: HashMap<String, Vec<f64>> = HashMap::new();
    let mut v000 = Vec::new();
    for line in lines.filter(|l| !l.is_empty()) {
        for (name, cell) in header.iter().zip(line.split(',')) {
            if *name == "v000" {
                v000.push(cell.to_owned());
            } else {
                let x = if cell.is_empty() {
                    f64::NAN
                } else {
                    cell.parse().unwrap()
                };
                cols.entry((*name).to_owned()).or_default().push(x);
            }
        }
    }
    (cols, v000)
}

/// `|a − b| ≤ rel·|b| + abs` (percent); a missing R value wants NaN.
fn close(a: f64, b: &Value, rel: f64, abs: f64) -> bool {
    match b.as_f64() {
        None => a.is_nan(),
        Some(b) => (a - b).abs() <= rel * b.abs() + abs,
    }
}

#[test]
fn fp_table_equals_r_survey() {
    let (c, v000) = women_csv();
    let col = |n: &str| c[n].as_slice();
    let codes: Vec<i64> = vec![0; v000.len()];
    let values = vec![v000[0].clone()];
    assert!(v000.iter().all(|v| *v == values[0]));
    let women = Women::from_columns(
        SurveyColumn::Dictionary {
            values: &values,
            codes: &codes,
        },
        Women::NUMERIC.map(col),
    );
    // kampung's v626a is the DHS R code's, under both rule sets.
    for rules in [DhsRules::Stata, DhsRules::R] {
        let got = unmet_need(&women, rules, false).unwrap();
        let want: Vec<u8> = col("v626a_dhs_r").iter().map(|x| *x as u8).collect();
        assert_eq!(got.v626a, want);
    }
    let (c25, l25) = numeric_levels(col("v025"));
    let (c13, l13) = numeric_levels(col("v013"));
    let by = [
        ByColumn {
            name: "v025",
            codes: &c25,
            labels: &l25,
        },
        ByColumn {
            name: "v013",
            codes: &c13,
            labels: &l13,
        },
    ];
    let input = FpInput {
        women,
        v313: col("v313"),
        weight: Some(col("v005")),
        weight_scale: 1e-6,
        cluster: Some(IdColumn::Numbers(col("v001"))),
        strata: Some(IdColumn::Numbers(col("v022"))),
        by: &by,
    };
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(dir().join("fp_table_r.json")).unwrap())
            .unwrap();
    let want = doc["expected"].as_array().unwrap();
    let table = |ci| fp_indicators(&input, &FpOptions::new().with_ci(ci, 0.95)).unwrap();
    let t = table(CiMethod::T);
    let logit = table(CiMethod::Logit);
    let two = table(CiMethod::TwoSe);
    assert!(t.errors.is_empty());
    assert_eq!(t.rows.len(), want.len());
    let mut bad = Vec::new();
    for (((r, l), s), w) in t.rows.iter().zip(&logit.rows).zip(&two.rows).zip(want) {
        let key = |r: &FpRow| {
            (
                r.group.as_str().to_owned(),
                r.by.clone(),
                r.level.clone(),
                r.indicator.as_str().to_owned(),
            )
        };
        let wkey = (
            w["group"].as_str().unwrap().to_owned(),
            w["by"].as_str().map(str::to_owned),
            w["level"].as_str().map(str::to_owned),
            w["indicator"].as_str().unwrap().to_owned(),
        );
        assert_eq!(key(r), wkey);
        // The logit interval follows R's glm fit (kampung_core::survey): 1e-9
        // relative; at p = 0 R's fit stops at ~1e-8 % where kampung gives 0.
        let ok = close(r.estimate, &w["estimate"], 1e-12, 1e-13)
            && close(r.se, &w["se"], 1e-9, 1e-13)
            // p = 0 or 1 (SE 0): R's deff is 0/0 rounding noise (e.g. 1e16); kampung's NaN.
            && (if w["se"].as_f64().is_some_and(|se| se < 1e-12) {
                r.se < 1e-12 && r.deft.is_nan()
            } else {
                close(r.deft, &w["deft"], 1e-9, 0.0)
            })
            && close(r.ci_low, &w["t_low"], 1e-9, 1e-12)
            && close(r.ci_high, &w["t_high"], 1e-9, 1e-12)
            && close(l.ci_low, &w["logit_low"], 1e-9, 1e-7)
            && close(l.ci_high, &w["logit_high"], 1e-9, 1e-7)
            && Some(r.n_unweighted) == w["n_unweighted"].as_u64()
            && close(r.n_weighted, &w["n_weighted"], 1e-12, 0.0)
            && Some(r.df) == w["df"].as_i64()
            && (s.estimate.is_nan()
                || ((s.ci_low - (s.estimate - 2.0 * s.se)).abs() < 1e-12
                    && (s.ci_high - (s.estimate + 2.0 * s.se)).abs() < 1e-12));
        if !ok {
            bad.push(format!(
                "{:?}\n  kampung t {r:?}\n  logit {l:?}\n  R {w}",
                key(r)
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "{} of {} rows differ:\n{}",
        bad.len(),
        want.len(),
        bad.join("\n")
    );

    // Any subset of the groups, in any order, gives the same rows.
    use kampung_core::kb::dhs::FpGroup;
    for groups in [
        vec![FpGroup::SexuallyActiveUnmarried, FpGroup::AllWomen],
        vec![FpGroup::CurrentlyMarried],
        vec![FpGroup::AllWomen],
    ] {
        let sub = fp_indicators(&input, &FpOptions::new().with_groups(groups.clone())).unwrap();
        let expected: Vec<&FpRow> = groups
            .iter()
            .flat_map(|g| two.rows.iter().filter(move |r| r.group == *g))
            .collect();
        assert_eq!(sub.rows.len(), expected.len());
        for (a, b) in sub.rows.iter().zip(expected) {
            // (NaN serializes as null, so missing DEFTs compare equal.)
            let json = |r: &FpRow| serde_json::to_value(r).unwrap();
            assert_eq!(json(a), json(b), "{groups:?}");
        }
    }
}

/// The same table through the text reader (what `kampung dhs WOMEN.csv`
/// does): cells parsed by the core, cluster and strata as text codes.
#[test]
fn text_reader_gives_the_same_table() {
    use kampung_core::kb::dhs::WomenText;
    let text = std::fs::read_to_string(dir().join("fp_design_women.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let mut women = WomenText::new(&header, &["v005", "v001", "v022", "v025", "v013"]).unwrap();
    for line in lines.filter(|l| !l.is_empty()) {
        let cells: Vec<&str> = line.split(',').collect();
        women.push(&cells);
    }
    assert_eq!(women.len(), 3000);
    let options = FpOptions::new().with_ci(CiMethod::T, 0.95);
    let got = women
        .fp_indicators(
            Some("v005"),
            Some("v001"),
            Some("v022"),
            &["v025", "v013"],
            &options,
        )
        .unwrap();
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(dir().join("fp_table_r.json")).unwrap())
            .unwrap();
    let want = doc["expected"].as_array().unwrap();
    assert_eq!(got.rows.len(), want.len());
    for (r, w) in got.rows.iter().zip(want) {
        assert_eq!(r.level.as_deref(), w["level"].as_str());
        assert!(close(r.estimate, &w["estimate"], 1e-12, 1e-13), "{r:?}");
        assert!(close(r.se, &w["se"], 1e-9, 1e-13), "{r:?}");
        assert!(close(r.ci_high, &w["t_high"], 1e-9, 1e-12), "{r:?}");
        assert_eq!(Some(r.n_unweighted), w["n_unweighted"].as_u64());
    }
    let mut csv = Vec::new();
    got.write_csv(&mut csv).unwrap();
    let csv = String::from_utf8(csv).unwrap();
    assert_eq!(csv.lines().count(), 301);
    assert!(csv.starts_with("group,by,level,indicator,estimate,se,ci_low,ci_high,deft,n_unweighted,n_weighted,df\nall_women,,,cpr_any,35.64077978554"));
    // A column the reader was not asked for is an error, not a silent default.
    assert!(women
        .fp_indicators(Some("wt"), None, None, &[], &FpOptions::new())
        .is_err());
}

/// Threads change nothing: the fixture's women 20 times over (60,000, each
/// copy in its own clusters), on one thread and on three.
#[test]
fn threads_give_the_same_table() {
    use kampung_core::kb::dhs::unmet_need_threaded;
    let (c, v000) = women_csv();
    let copies = 20;
    let rep = |n: &str| -> Vec<f64> { (0..copies).flat_map(|_| c[n].iter().copied()).collect() };
    let cols: Vec<Vec<f64>> = Women::NUMERIC.iter().map(|n| rep(n)).collect();
    let v001: Vec<f64> = (0..copies)
        .flat_map(|k| c["v001"].iter().map(move |x| x + 1000.0 * f64::from(k)))
        .collect();
    let (v313, v005, v022, v025) = (rep("v313"), rep("v005"), rep("v022"), rep("v025"));
    let (c25, l25) = numeric_levels(&v025);
    let by = [ByColumn {
        name: "v025",
        codes: &c25,
        labels: &l25,
    }];
    let values = vec![v000[0].clone()];
    let codes = vec![0_i64; v313.len()];
    let women = Women::from_columns(
        SurveyColumn::Dictionary {
            values: &values,
            codes: &codes,
        },
        std::array::from_fn(|k| cols[k].as_slice()),
    );
    let one = unmet_need_threaded(&women, DhsRules::R, true, 1).unwrap();
    let three = unmet_need_threaded(&women, DhsRules::R, true, 3).unwrap();
    assert_eq!(one, three);
    let input = FpInput {
        women,
        v313: &v313,
        weight: Some(&v005),
        weight_scale: 1e-6,
        cluster: Some(IdColumn::Numbers(&v001)),
        strata: Some(IdColumn::Numbers(&v022)),
        by: &by,
    };
    let table = |threads| {
        let t = fp_indicators(&input, &FpOptions::new().with_threads(threads)).unwrap();
        serde_json::to_value(&t.rows).unwrap()
    };
    assert_eq!(table(1), table(3));
}

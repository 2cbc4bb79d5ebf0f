//! The prevalence table on hostile input: structured errors or documented
//! missing estimates, never a panic or a silent number (issue 11, "Bad
//! input"); and the CSV route.
#![cfg(all(feature = "growth", feature = "csv"))]
#![allow(clippy::unwrap_used)]

use kampung_core::growth::prevalence::{
    prevalence, prevalence_csv, quality_csv, CsvColumns, GroupValues, Ids, Method, PrevalenceInput,
    PrevalenceOptions, PrevalenceTable,
};
use kampung_core::survey::LonelyPsu;
use kampung_core::{Error, ErrorCode};

/// 12 children aged 100-1700 days with plausible measurements.
struct Kids {
    sex: Vec<u8>,
    age: Vec<f64>,
    weight: Vec<f64>,
    lenhei: Vec<f64>,
}

fn kids() -> Kids {
    let n = 12;
    let age: Vec<f64> = (0..n).map(|i| 100.0 + 140.0 * i as f64).collect();
    Kids {
        sex: (0..n).map(|i| 1 + (i % 2) as u8).collect(),
        weight: age
            .iter()
            .enumerate()
            .map(|(i, a)| 4.0 + a / 140.0 + (i % 3) as f64 * 0.4)
            .collect(),
        lenhei: age
            .iter()
            .enumerate()
            .map(|(i, a)| 55.0 + a / 30.0 + (i % 4) as f64)
            .collect(),
        age,
    }
}

impl Kids {
    fn input(&self) -> PrevalenceInput<'_> {
        PrevalenceInput {
            sex: &self.sex,
            age: &self.age,
            weight: Some(&self.weight),
            lenhei: Some(&self.lenhei),
            ..Default::default()
        }
    }
}

fn row(t: &PrevalenceTable, group: &str) -> usize {
    t.groups
        .iter()
        .position(|g| g == group)
        .unwrap_or_else(|| panic!("no group {group}: {:?}", t.groups))
}

fn cell(t: &PrevalenceTable, group: &str, column: &str) -> f64 {
    t.column(column).unwrap()[row(t, group)]
}

fn validation(e: Error) -> Vec<(ErrorCode, String)> {
    let Error::Validation(v) = e else {
        panic!("not a validation error: {e}")
    };
    v.errors()
        .iter()
        .map(|e| (e.code(), e.path().to_string()))
        .collect()
}

#[test]
fn mismatched_lengths_are_a_shape_error() {
    let k = kids();
    let short = [1.0; 3];
    let input = PrevalenceInput {
        sw: Some(&short),
        ..k.input()
    };
    assert!(matches!(
        prevalence(&input, &PrevalenceOptions::new()),
        Err(Error::Shape(_))
    ));
}

#[test]
fn negative_or_infinite_weights_are_errors_missing_weights_are_zero() {
    let k = kids();
    let mut sw = vec![1.0; 12];
    sw[3] = -2.0;
    sw[5] = f64::INFINITY;
    let input = PrevalenceInput {
        sw: Some(&sw),
        ..k.input()
    };
    let errs = validation(prevalence(&input, &PrevalenceOptions::new()).unwrap_err());
    assert_eq!(
        errs,
        [
            (ErrorCode::SurveyWeightInvalid, "sw[3]".to_owned()),
            (ErrorCode::SurveyWeightInvalid, "sw[5]".to_owned())
        ]
    );
    // a missing weight is 0 (anthro): out of the weighted sizes, in the
    // unweighted ones, with a note
    let mut sw = vec![2.0; 12];
    sw[4] = f64::NAN;
    let input = PrevalenceInput {
        sw: Some(&sw),
        ..k.input()
    };
    let (t, notes) = prevalence(&input, &PrevalenceOptions::new()).unwrap();
    assert_eq!(t.method, Method::Weighted);
    assert_eq!(cell(&t, "All", "HAZ_unwpop"), 12.0);
    assert_eq!(cell(&t, "All", "HAZ_pop"), 22.0);
    assert!(notes
        .iter()
        .any(|n| n.row == 4 && n.error.code() == ErrorCode::PrevalenceWeightMissing));
}

#[test]
fn psu_in_two_strata_needs_nest_and_lonely_psu_follows_the_option() {
    let k = kids();
    let cluster: Vec<f64> = (0..12).map(|i| f64::from(i % 3)).collect();
    let strata: Vec<f64> = (0..12).map(|i| f64::from(u8::from(i >= 6))).collect();
    let input = PrevalenceInput {
        cluster: Some(Ids::Numbers(&cluster)),
        strata: Some(Ids::Numbers(&strata)),
        ..k.input()
    };
    let errs = validation(prevalence(&input, &PrevalenceOptions::new()).unwrap_err());
    assert_eq!(
        errs[0],
        (ErrorCode::SurveyPsuNotNested, "cluster[6]".to_owned())
    );
    let (t, _) = prevalence(&input, &PrevalenceOptions::new().with_nest(true)).unwrap();
    assert_eq!(t.method, Method::Survey);
    assert_eq!(t.df, 4.0); // 6 PSUs − 2 strata
                           // stratum 1 with one cluster: adjust works, fail is an error
    let cluster: Vec<f64> = (0..12)
        .map(|i| if i < 4 { 9.0 } else { f64::from(i % 4) })
        .collect();
    let strata: Vec<f64> = (0..12).map(|i| if i < 4 { 1.0 } else { 2.0 }).collect();
    let input = PrevalenceInput {
        cluster: Some(Ids::Numbers(&cluster)),
        strata: Some(Ids::Numbers(&strata)),
        ..k.input()
    };
    let (t, _) = prevalence(&input, &PrevalenceOptions::new()).unwrap();
    assert!(cell(&t, "All", "HA_se").is_finite());
    let errs = validation(
        prevalence(
            &input,
            &PrevalenceOptions::new().with_lonely_psu(LonelyPsu::Fail),
        )
        .unwrap_err(),
    );
    assert_eq!(
        errs[0],
        (ErrorCode::SurveyLonelyPsu, "strata[0]".to_owned())
    );
}

#[test]
fn rows_without_cluster_are_left_out_and_a_single_cluster_is_srs() {
    let k = kids();
    let mut cluster = vec![7.0; 12];
    cluster[2] = f64::NAN;
    let input = PrevalenceInput {
        cluster: Some(Ids::Numbers(&cluster)),
        ..k.input()
    };
    let (t, notes) = prevalence(&input, &PrevalenceOptions::new()).unwrap();
    assert_eq!(cell(&t, "All", "HAZ_unwpop"), 11.0);
    assert!(notes
        .iter()
        .any(|n| n.row == 2 && n.error.code() == ErrorCode::PrevalenceDesignMissing));
    // one cluster: anthro uses ids = ~1, so df = 11 − 1
    assert_eq!(t.df, 10.0);
}

#[test]
fn all_flagged_group_and_empty_levels_are_missing_with_zero_sizes() {
    let mut k = kids();
    // children 0 and 1 (group "X"): absurd heights, HAZ flagged (|z| > 6)
    k.lenhei[0] = 150.0;
    k.lenhei[1] = 150.0;
    let other: Vec<Option<&str>> = (0..12)
        .map(|i| Some(if i < 2 { "X" } else { "Y" }))
        .collect();
    let wealth = [1.0, 2.0, 3.0, 4.0, 1.0, 2.0, 3.0, 4.0, 1.0, 2.0, 3.0, 4.0];
    let input = PrevalenceInput {
        othergr: Some(GroupValues::Text(&other)),
        wealthq: Some(GroupValues::Numbers(&wealth)),
        ..k.input()
    };
    let (t, _) = prevalence(&input, &PrevalenceOptions::new()).unwrap();
    assert_eq!(cell(&t, "Other grouping: X", "HAZ_pop"), 0.0);
    assert!(cell(&t, "Other grouping: X", "HA_2_r").is_nan());
    assert!(cell(&t, "Other grouping: X", "HA_r").is_nan());
    // Q5 has no child: a row of missing estimates, sizes 0
    assert_eq!(cell(&t, "Wealth quintile: Q5: Richest", "WAZ_unwpop"), 0.0);
    assert!(cell(&t, "Wealth quintile: Q5: Richest", "WA_r").is_nan());
    assert_eq!(cell(&t, "Wealth quintile: Q1: Poorest", "WAZ_unwpop"), 3.0);
}

#[test]
fn nan_everywhere_gives_missing_estimates_not_zeros() {
    let n = 5;
    let sex = vec![0u8; n];
    let age = vec![f64::NAN; n];
    let nan = vec![f64::NAN; n];
    let input = PrevalenceInput {
        sex: &sex,
        age: &age,
        weight: Some(&nan),
        lenhei: Some(&nan),
        ..Default::default()
    };
    let (t, _) = prevalence(&input, &PrevalenceOptions::new()).unwrap();
    // no age and no sex: only the "All" row
    assert_eq!(t.groups, ["All"]);
    for (name, col) in t.names.iter().zip(&t.columns) {
        if name.ends_with("pop") {
            assert_eq!(col[0], 0.0, "{name}");
        } else {
            assert!(col[0].is_nan(), "{name} = {}", col[0]);
        }
    }
}

#[test]
fn invalid_rows_and_old_children_are_left_out_with_notes() {
    let mut k = kids();
    k.sex[0] = 7;
    k.age[1] = -5.0;
    k.age[2] = 1900.0;
    let (t, notes) = prevalence(&k.input(), &PrevalenceOptions::new()).unwrap();
    assert_eq!(t.children, 9);
    let codes: Vec<(usize, ErrorCode)> = notes.iter().map(|n| (n.row, n.error.code())).collect();
    assert!(codes.contains(&(0, ErrorCode::PrevalenceRowExcluded)));
    assert!(codes.contains(&(1, ErrorCode::PrevalenceRowExcluded)));
    assert!(codes.contains(&(2, ErrorCode::PrevalenceAgeExcluded)));
    // every child excluded: an error, as anthro stops
    let age = [2000.0; 12];
    let input = PrevalenceInput {
        age: &age,
        ..k.input()
    };
    let errs = validation(prevalence(&input, &PrevalenceOptions::new()).unwrap_err());
    assert_eq!(errs[0].0, ErrorCode::SurveyEmpty);
}

#[test]
fn oedema_counts_as_below_minus_three_for_weight_indicators() {
    let k = kids();
    let mut oedema = vec![false; 12];
    oedema[5] = true;
    let input = PrevalenceInput {
        oedema: Some(&oedema),
        ..k.input()
    };
    let (with, _) = prevalence(&input, &PrevalenceOptions::new()).unwrap();
    let (without, _) = prevalence(&k.input(), &PrevalenceOptions::new()).unwrap();
    // the child stays in the WA denominator and joins the < −3 numerator;
    // the z-score mean loses it
    assert_eq!(
        cell(&with, "All", "WAZ_unwpop"),
        cell(&without, "All", "WAZ_unwpop")
    );
    let before = cell(&without, "All", "WA_3_r") * 12.0 / 100.0;
    let after = cell(&with, "All", "WA_3_r") * 12.0 / 100.0;
    assert!((after - before - 1.0).abs() < 1e-9, "{before} -> {after}");
    assert!(cell(&with, "All", "HA_r") == cell(&without, "All", "HA_r"));
}

#[test]
fn wealth_quintiles_other_than_1_5_are_missing_with_a_note() {
    let k = kids();
    let w: Vec<Option<&str>> = (0..12)
        .map(|i| Some(if i == 0 { "7" } else { "Q2" }))
        .collect();
    let input = PrevalenceInput {
        wealthq: Some(GroupValues::Text(&w)),
        ..k.input()
    };
    let (t, notes) = prevalence(&input, &PrevalenceOptions::new()).unwrap();
    assert_eq!(cell(&t, "Wealth quintile: Q2", "HAZ_unwpop"), 11.0);
    assert!(notes
        .iter()
        .any(|n| n.row == 0 && n.error.code() == ErrorCode::PrevalenceWealthqInvalid));
}

#[test]
fn simple_path_by_hand() {
    // 12 children, no design: the z-score mean's SE is
    // sqrt(N/(N−1))/n · sqrt(Σ(z − mean)²) and the SD is sd(z)
    let k = kids();
    let (t, _) = prevalence(&k.input(), &PrevalenceOptions::new()).unwrap();
    let input = kampung_core::growth::Input2006 {
        sex: &k.sex,
        age: &k.age,
        weight: Some(&k.weight),
        lenhei: Some(&k.lenhei),
        ..Default::default()
    };
    let mut out = kampung_core::growth::Columns2006::new(12);
    kampung_core::growth::zscores_2006(
        &input,
        &kampung_core::growth::Tables2006::bundled(),
        kampung_core::growth::ZscoreOptions::default(),
        &mut out.output(),
        &mut Vec::new(),
    )
    .unwrap();
    let z: Vec<f64> = out
        .zlen
        .iter()
        .zip(&out.flen)
        .filter(|(_, f)| **f == 0.0)
        .map(|(z, _)| *z)
        .collect();
    let n = z.len() as f64;
    let mean = z.iter().sum::<f64>() / n;
    let ss: f64 = z.iter().map(|x| (x - mean) * (x - mean)).sum();
    let big_n = 12.0_f64;
    assert!((cell(&t, "All", "HA_r") - mean).abs() < 1e-12);
    assert!(
        (cell(&t, "All", "HA_se") - (big_n / (big_n - 1.0)).sqrt() / n * ss.sqrt()).abs() < 1e-12
    );
    assert!((cell(&t, "All", "HA_stdev") - (ss / (n - 1.0)).sqrt()).abs() < 1e-12);
    let stunted = z.iter().filter(|&&x| x < -2.0).count() as f64;
    assert!((cell(&t, "All", "HA_2_r") - 100.0 * stunted / n).abs() < 1e-12);
}

#[test]
fn csv_route_equals_the_column_api() {
    let csv = "sex,age,weight,lenhei,measure,oedema,region,w\n\
               1,400,9.1,72.0,l,n,B,1.5\n\
               2,800,11.0,83.5,l,n,A,2\n\
               1,1200,13.9,93.0,h,n,B,1\n\
               2,1600,15.2,101.0,h,y,A,\n\
               f,900,x,85.0,h,n,A,1\n\
               z,900,12,85.0,h,n,A,1\n";
    let cols = CsvColumns::new()
        .with_sw("w")
        .with_group("gregion", "region")
        .unwrap();
    let mut out = Vec::new();
    let summary =
        prevalence_csv(csv.as_bytes(), &mut out, &cols, &PrevalenceOptions::new()).unwrap();
    assert_eq!(summary.rows, 6);
    let text = String::from_utf8(out).unwrap();
    assert!(text.starts_with("\"Group\",\"HAZ_pop\",\"HAZ_unwpop\",\"HA_3_r\""));
    assert_eq!(text.lines().count(), 1 + summary.table.groups.len());
    // notes: bad weight cell (row 4), invalid sex (row 5), missing weight (row 3)
    let notes: Vec<(usize, ErrorCode)> = summary
        .notes
        .iter()
        .map(|n| (n.row, n.error.code()))
        .collect();
    assert!(notes.contains(&(4, ErrorCode::InvalidType)));
    assert!(notes.contains(&(5, ErrorCode::SexInvalid)));
    assert!(notes.contains(&(3, ErrorCode::PrevalenceWeightMissing)));
    // the same through the column API
    let sex = [1, 2, 1, 2, 2];
    let age = [400.0, 800.0, 1200.0, 1600.0, 900.0];
    let weight = [9.1, 11.0, 13.9, 15.2, f64::NAN];
    let lenhei = [72.0, 83.5, 93.0, 101.0, 85.0];
    let measure = [b'l', b'l', b'h', b'h', b'h'];
    let oedema = [false, false, false, true, false];
    let region = [Some("B"), Some("A"), Some("B"), Some("A"), Some("A")];
    let w = [1.5, 2.0, 1.0, f64::NAN, 1.0];
    let input = PrevalenceInput {
        sex: &sex,
        age: &age,
        weight: Some(&weight),
        lenhei: Some(&lenhei),
        measure: Some(&measure),
        oedema: Some(&oedema),
        sw: Some(&w),
        gregion: Some(GroupValues::Text(&region)),
        ..Default::default()
    };
    let (t, _) = prevalence(&input, &PrevalenceOptions::new()).unwrap();
    assert_eq!(t.groups, summary.table.groups);
    assert_eq!(
        t.groups[t.groups.len() - 2..],
        ["Geographical region: B", "Geographical region: A"]
    );
    for (a, b) in t.columns.iter().zip(&summary.table.columns) {
        for (x, y) in a.iter().zip(b) {
            assert!(x == y || (x.is_nan() && y.is_nan()));
        }
    }
    // a missing required column
    let err = prevalence_csv(
        "sex,weight\n1,3\n".as_bytes(),
        Vec::new(),
        &CsvColumns::new(),
        &PrevalenceOptions::new(),
    )
    .unwrap_err();
    assert_eq!(validation(err)[0].0, ErrorCode::Required);
    // unreadable CSV
    let err = prevalence_csv(
        "sex,age\n1,2,3\n".as_bytes(),
        Vec::new(),
        &CsvColumns::new(),
        &PrevalenceOptions::new(),
    )
    .unwrap_err();
    assert_eq!(validation(err)[0].0, ErrorCode::RegisterMalformedLine);
}

#[test]
fn threads_give_identical_tables() {
    // 60,000 children (above the threshold for splitting the statistics)
    let k = kids();
    let n = 60_000;
    let rep = |v: &[f64]| -> Vec<f64> {
        (0..n)
            .map(|i| v[i % v.len()] + (i / v.len()) as f64 * 1e-3)
            .collect()
    };
    let sex: Vec<u8> = (0..n).map(|i| k.sex[i % 12]).collect();
    let (age, weight, lenhei) = (rep(&k.age), rep(&k.weight), rep(&k.lenhei));
    let cluster: Vec<f64> = (0..n).map(|i| (i / 40) as f64).collect();
    let strata: Vec<f64> = (0..n).map(|i| (i / 4000) as f64).collect();
    let sw: Vec<f64> = (0..n).map(|i| 1.0 + (i % 7) as f64).collect();
    let input = PrevalenceInput {
        sex: &sex,
        age: &age,
        weight: Some(&weight),
        lenhei: Some(&lenhei),
        sw: Some(&sw),
        cluster: Some(Ids::Numbers(&cluster)),
        strata: Some(Ids::Numbers(&strata)),
        ..Default::default()
    };
    let (one, _) = prevalence(&input, &PrevalenceOptions::new().with_threads(1)).unwrap();
    let (two, _) = prevalence(&input, &PrevalenceOptions::new().with_threads(2)).unwrap();
    let (three, _) = prevalence(&input, &PrevalenceOptions::new().with_threads(3)).unwrap();
    assert_eq!(one.groups, two.groups);
    for (a, (b, c)) in one
        .columns
        .iter()
        .zip(two.columns.iter().zip(&three.columns))
    {
        for ((x, y), z) in a.iter().zip(b).zip(c) {
            assert!((x == y && y == z) || (x.is_nan() && y.is_nan() && z.is_nan()));
        }
    }
    assert!(one.column("HA_2_r").unwrap()[0] > 0.0);
}

#[test]
fn quality_csv_reads_dates_of_birth_and_writes_the_long_csv() {
    let csv = "sex,age,weight,lenhei,dob\n\
               1,400,9.1,72.0,2024-01-15\n\
               2,800,11.0,83.5,2023-01-02\n\
               1,1200,13.9,93.0,not-a-date\n\
               2,1600,15.2,101.0,\n";
    let mut out = Vec::new();
    let cols = CsvColumns::new().with_dob("dob");
    let (report, notes, rows) =
        quality_csv(csv.as_bytes(), &mut out, &cols, &PrevalenceOptions::new()).unwrap();
    assert_eq!((report.children, rows), (4, 4));
    let january: u64 = report
        .dob_month
        .iter()
        .filter(|(m, _)| *m == 1)
        .map(|(_, c)| *c)
        .sum();
    assert_eq!(january, 2);
    assert_eq!(report.dob_day.iter().map(|(_, c)| c).sum::<u64>(), 2);
    assert!(notes
        .iter()
        .any(|n| n.row == 2 && n.error.code() == ErrorCode::InvalidDate));
    let text = String::from_utf8(out).unwrap();
    assert!(text.starts_with("table,group,variable,key,value\n"));
    assert!(text.contains("dob_month,\"All\",,1,2\n"));
}

//! Hostile input never panics; bad rows give missing outputs and row errors.
#![cfg(feature = "growth")]
#![allow(clippy::unwrap_used)] // test code may unwrap

use chrono::NaiveDate;
use kampung_core::growth::{
    assess_child, zscores_2006, zscores_2007, ChildMeasurement, Columns2006, Columns2007,
    Input2006, Input2007, Measure, Tables2006, Tables2007, ZscoreOptions, OUTPUT_NAMES_2006,
};
use kampung_core::{Error, Sex};
use proptest::prelude::*;

fn any_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>(),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(0.0),
        Just(-0.0),
        -10.0..2000.0f64,
        40.0..130.0f64,
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    #[test]
    fn batch_2006_never_panics(
        sex in any::<u8>(), age in any_f64(), months in any::<bool>(),
        w in any_f64(), l in any_f64(), m in prop_oneof![any::<u8>(), Just(b'l'), Just(b'h'), Just(0u8)],
        hc in any_f64(), ac in any_f64(), oe in any::<bool>(),
    ) {
        let input = Input2006 {
            sex: &[sex], age: &[age], age_in_month: months, weight: Some(&[w]), lenhei: Some(&[l]),
            measure: Some(&[m]), headc: Some(&[hc]), armc: Some(&[ac]), triskin: None,
            subskin: None, oedema: Some(&[oe]),
        };
        let mut out = Columns2006::new(1);
        let mut errors = Vec::new();
        zscores_2006(&input, &Tables2006::bundled(), ZscoreOptions::default(), &mut out.output(), &mut errors).unwrap();
        for (name, col) in out.named() {
            if name.starts_with('f') || name == "c9mo_flag" {
                prop_assert!(col[0].is_nan() || col[0] == 0.0 || col[0] == 1.0);
            }
        }
    }

    #[test]
    fn batch_2007_never_panics(sex in any::<u8>(), age in any_f64(), h in any_f64(), w in any_f64(), oe in any::<bool>()) {
        let input = Input2007 { sex: &[sex], age_months: &[age], height: Some(&[h]), weight: Some(&[w]), oedema: Some(&[oe]) };
        let mut out = Columns2007::new(1);
        let mut errors = Vec::new();
        zscores_2007(&input, &Tables2007::bundled(), ZscoreOptions::default(), &mut out.output(), &mut errors).unwrap();
    }

    #[test]
    fn single_child_never_panics(days in -100_000i64..100_000, w in proptest::option::of(any_f64()),
                                 l in proptest::option::of(any_f64()), female in any::<bool>(),
                                 standing in proptest::option::of(any::<bool>()), oe in any::<bool>()) {
        let birth = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
        let _ = assess_child(&ChildMeasurement {
            sex: if female { Sex::Female } else { Sex::Male },
            birth_date: birth,
            measured_on: birth + chrono::Duration::days(days),
            weight_kg: w, length_cm: l,
            measure: standing.map(|s| if s { Measure::Height } else { Measure::Length }),
            oedema: oe,
        });
    }
}

#[test]
fn mismatched_columns_are_one_shape_error() {
    let input = Input2006 {
        sex: &[1, 2],
        age: &[100.0],
        ..Default::default()
    };
    let mut out = Columns2006::new(2);
    let mut errors = Vec::new();
    let e = zscores_2006(
        &input,
        &Tables2006::bundled(),
        ZscoreOptions::default(),
        &mut out.output(),
        &mut errors,
    )
    .unwrap_err();
    assert!(matches!(e, Error::Shape(s) if s.column == "age" && s.actual == 1 && s.expected == 2));
    let mut short = Columns2006::new(1);
    let input = Input2006 {
        sex: &[1, 2],
        age: &[100.0, 200.0],
        ..Default::default()
    };
    assert!(matches!(
        zscores_2006(
            &input,
            &Tables2006::bundled(),
            ZscoreOptions::default(),
            &mut short.output(),
            &mut errors
        ),
        Err(Error::Shape(_))
    ));
}

#[test]
fn skinfold_without_table_is_a_call_error() {
    let input = Input2006 {
        sex: &[1],
        age: &[400.0],
        triskin: Some(&[8.0]),
        ..Default::default()
    };
    let mut out = Columns2006::new(1);
    let mut errors = Vec::new();
    let e = zscores_2006(
        &input,
        &Tables2006::bundled(),
        ZscoreOptions::default(),
        &mut out.output(),
        &mut errors,
    )
    .unwrap_err();
    let Error::Validation(v) = e else {
        panic!("{e:?}")
    };
    assert_eq!(v.errors()[0].code().as_str(), "lms_table_missing");
    assert_eq!(v.errors()[0].path().to_string(), "triskin");
}

#[test]
fn hostile_rows_are_missing_with_row_errors() {
    let input = Input2006 {
        sex: &[1, 7, 1, 2, 1],
        age: &[-3.0, 100.0, f64::INFINITY, 400.0, 2000.0],
        weight: Some(&[10.0, 10.0, 10.0, f64::NAN, 12.0]),
        lenhei: Some(&[80.0, 80.0, 80.0, -5.0, 90.0]),
        measure: Some(b"llxhh"),
        ..Default::default()
    };
    let mut out = Columns2006::new(5);
    let mut errors = Vec::new();
    zscores_2006(
        &input,
        &Tables2006::bundled(),
        ZscoreOptions::default(),
        &mut out.output(),
        &mut errors,
    )
    .unwrap();
    let got: Vec<(usize, String, &str)> = errors
        .iter()
        .map(|e| (e.row, e.error.path().to_string(), e.error.code().as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (0, "age".to_owned(), "age_negative"),
            (1, "sex".to_owned(), "sex_invalid"),
            (2, "measure".to_owned(), "measure_invalid"),
            (2, "age".to_owned(), "not_finite"),
            (3, "lenhei".to_owned(), "not_positive"),
            (4, "age".to_owned(), "age_outside_standard"),
        ]
    );
    for (name, col) in out.named() {
        for r in [0, 1, 2] {
            assert!(col[r].is_nan(), "{name} row {r}");
        }
    }
    assert!(out.zlen[3].is_nan() && out.zwei[3].is_nan());
    assert!(out.zlen[4].is_nan() && !out.cbmi[4].is_nan());
    assert_eq!(OUTPUT_NAMES_2006.len(), 19);
}

#[test]
fn unrounded_option_keeps_flags_of_the_rounded_z() {
    let input = Input2006 {
        sex: &[1],
        age: &[640.0],
        weight: Some(&[11.38]),
        lenhei: Some(&[78.99]),
        measure: Some(b"l"),
        ..Default::default()
    };
    let run = |rounded| {
        let mut out = Columns2006::new(1);
        zscores_2006(
            &input,
            &Tables2006::bundled(),
            ZscoreOptions::new().with_rounded(rounded),
            &mut out.output(),
            &mut Vec::new(),
        )
        .unwrap();
        out
    };
    let (r, u) = (run(true), run(false));
    assert_eq!(r.zlen[0], -2.15);
    assert!((u.zlen[0] - r.zlen[0]).abs() <= 0.005 && u.zlen[0] != r.zlen[0]);
    assert_eq!(r.flen[0], u.flen[0]);
}

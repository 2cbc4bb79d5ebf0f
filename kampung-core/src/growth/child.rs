//! One child from a web form: dates in, z-scores, flags and Permenkes
//! classifications out. Uses WHO 2006 below 60 months and the WHO 2007
//! reference from 60 months (WHO_GROWTH.md §1.8, §2).

use super::classify::{classify, Classification, PermenkesIndex};
use super::codes::{MEASURE_HEIGHT, MEASURE_LENGTH, MEASURE_MISSING};
use super::who2006::{compute_row, In2006, Tables2006, DAYS_PER_MONTH};
use super::who2007::{self, Tables2007};
use crate::error::{ErrorCode, FieldError, ValidationErrors};
use crate::sex::Sex;
use chrono::NaiveDate;
use serde::Serialize;

/// How length/height was measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Measure {
    /// Lying down (recumbent length, *panjang badan*).
    Length,
    /// Standing (height, *tinggi badan*).
    Height,
}

/// One measurement of one child, as typed in a form.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChildMeasurement {
    /// Sex.
    pub sex: Sex,
    /// Date of birth.
    pub birth_date: NaiveDate,
    /// Date of the measurement.
    pub measured_on: NaiveDate,
    /// Weight in kg.
    pub weight_kg: Option<f64>,
    /// Length or height in cm.
    pub length_cm: Option<f64>,
    /// Lying or standing (unknown: no 0.7 cm adjustment).
    pub measure: Option<Measure>,
    /// Bilateral pitting oedema.
    pub oedema: bool,
}

impl ChildMeasurement {
    /// Checks the dates against the reference date `as_of` (a form's
    /// "today"): a birth or a measurement after it is `date_in_future`
    /// (a measurement date typed as 2052 is caught, issue 16 point 12).
    ///
    /// # Errors
    /// `date_in_future` at `birth_date` and/or `measured_on`.
    pub fn check_as_of(&self, as_of: NaiveDate) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        for (name, d) in [
            ("birth_date", self.birth_date),
            ("measured_on", self.measured_on),
        ] {
            if d > as_of {
                errors.push(
                    FieldError::at(name, ErrorCode::DateInFuture)
                        .with_param("as_of", as_of.to_string()),
                );
            }
        }
        errors.into_result(())
    }
}

/// Which WHO growth reference was used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Reference {
    /// WHO Child Growth Standards 2006 (age < 60 months).
    Who2006,
    /// WHO Reference 2007 (60-228 months).
    Who2007,
}

/// Z-scores, flags (0/1) and Permenkes classifications of one child. A
/// missing value is `None`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChildAssessment {
    /// Age in days (measurement date − birth date).
    pub age_days: i64,
    /// Age in months (days / 30.4375), unrounded.
    pub age_months: f64,
    /// The reference used.
    pub reference: Reference,
    /// Length/height after the 0.7 cm rule (2006 only).
    pub clenhei: Option<f64>,
    /// BMI from the adjusted length/height.
    pub cbmi: Option<f64>,
    /// Measured standing under 9 months: the measure was ignored.
    pub c9mo_flag: bool,
    /// Length/height-for-age z (HAZ; 2007: height-for-age).
    pub zlen: Option<f64>,
    /// HAZ flag.
    pub flen: Option<f64>,
    /// Weight-for-age z (2007: up to 120 months).
    pub zwei: Option<f64>,
    /// WAZ flag.
    pub fwei: Option<f64>,
    /// Weight-for-length/height z (2006 only).
    pub zwfl: Option<f64>,
    /// WHZ flag.
    pub fwfl: Option<f64>,
    /// BMI-for-age z.
    pub zbmi: Option<f64>,
    /// BAZ flag.
    pub fbmi: Option<f64>,
    /// BB/U (0-60 months).
    pub bb_u: Classification,
    /// PB/U or TB/U (0-60 months).
    pub pb_tb_u: Classification,
    /// BB/PB or BB/TB (0-60 months).
    pub bb_pb_tb: Classification,
    /// IMT/U (0-60 months, or 5-18 years from the 2007 reference).
    pub imt_u: Classification,
    /// HAZ < −2 (not flagged), `None` when unknown.
    pub stunted: Option<bool>,
}

fn opt(x: f64) -> Option<f64> {
    if x.is_nan() {
        None
    } else {
        Some(x)
    }
}

fn check(x: Option<f64>, name: &'static str, errors: &mut ValidationErrors) -> f64 {
    match x {
        None => f64::NAN,
        Some(v) if !v.is_finite() => {
            errors.push(FieldError::at(name, ErrorCode::NotFinite));
            f64::NAN
        }
        Some(v) if v <= 0.0 => {
            errors.push(FieldError::at(name, ErrorCode::NotPositive));
            f64::NAN
        }
        Some(v) => v,
    }
}

/// The WHO 2006 input row of one child measured for weight and
/// length/height only (age in whole days; NaN for a missing value).
pub(crate) fn weight_length_input(
    sex: Sex,
    age_days: i64,
    weight: f64,
    length: f64,
    measure: Option<Measure>,
    oedema: bool,
) -> In2006 {
    #[allow(clippy::cast_precision_loss)]
    In2006 {
        sex: sex.code(),
        age: age_days as f64,
        age_in_month: false,
        weight,
        lenhei: length,
        measure: match measure {
            Some(Measure::Length) => MEASURE_LENGTH,
            Some(Measure::Height) => MEASURE_HEIGHT,
            None => MEASURE_MISSING,
        },
        headc: f64::NAN,
        armc: f64::NAN,
        triskin: f64::NAN,
        subskin: f64::NAN,
        oedema,
    }
}

/// Assesses one child with the bundled tables.
///
/// # Errors
/// Every input problem, with its path: `measured_before_birth`
/// (`measured_on`), `age_outside_standard` (`measured_on`, older than 228
/// months), `not_finite` / `not_positive` (`weight_kg`, `length_cm`).
pub fn assess_child(m: &ChildMeasurement) -> Result<ChildAssessment, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let age_days = m.measured_on.signed_duration_since(m.birth_date).num_days();
    if age_days < 0 {
        errors.push(FieldError::at(
            "measured_on",
            ErrorCode::MeasuredBeforeBirth,
        ));
    }
    #[allow(clippy::cast_precision_loss)]
    let age_months = age_days as f64 / DAYS_PER_MONTH;
    if age_months > who2007::MAX_MONTHS_2007 {
        errors.push(
            FieldError::at("measured_on", ErrorCode::AgeOutsideStandard)
                .with_param("min", 0_i64)
                .with_param("max", 228_i64),
        );
    }
    let weight = check(m.weight_kg, "weight_kg", &mut errors);
    let length = check(m.length_cm, "length_cm", &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut row_errors = Vec::new();
    let sex = m.sex.code();
    #[allow(clippy::cast_precision_loss)]
    let out = if age_months < 60.0 {
        let x = weight_length_input(m.sex, age_days, weight, length, m.measure, m.oedema);
        let r = compute_row(&x, &Tables2006::bundled(), true, 0, &mut row_errors);
        let cls = |i, z, f| classify(i, z, f);
        ChildAssessment {
            age_days,
            age_months,
            reference: Reference::Who2006,
            clenhei: opt(r[0]),
            cbmi: opt(r[1]),
            c9mo_flag: r[2] == 1.0,
            zlen: opt(r[3]),
            flen: opt(r[4]),
            zwei: opt(r[5]),
            fwei: opt(r[6]),
            zwfl: opt(r[7]),
            fwfl: opt(r[8]),
            zbmi: opt(r[9]),
            fbmi: opt(r[10]),
            bb_u: cls(PermenkesIndex::BbU, r[5], r[6]),
            pb_tb_u: cls(PermenkesIndex::PbTbU, r[3], r[4]),
            bb_pb_tb: cls(PermenkesIndex::BbPbTb, r[7], r[8]),
            imt_u: cls(PermenkesIndex::ImtU0To60, r[9], r[10]),
            stunted: super::classify::is_stunted(r[3], r[4]),
        }
    } else {
        let r = who2007::compute_row(
            sex,
            age_months,
            length,
            weight,
            m.oedema,
            &Tables2007::bundled(),
            true,
            0,
            &mut row_errors,
        );
        ChildAssessment {
            age_days,
            age_months,
            reference: Reference::Who2007,
            clenhei: opt(length),
            cbmi: opt(r[0]),
            c9mo_flag: false,
            zlen: opt(r[1]),
            flen: opt(r[2]),
            zwei: opt(r[3]),
            fwei: opt(r[4]),
            zwfl: None,
            fwfl: None,
            zbmi: opt(r[5]),
            fbmi: opt(r[6]),
            bb_u: Classification::Missing,
            pb_tb_u: Classification::Missing,
            bb_pb_tb: Classification::Missing,
            imt_u: classify(PermenkesIndex::ImtU5To18, r[5], r[6]),
            stunted: None,
        }
    };
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_stunted_toddler() {
        let a = assess_child(&ChildMeasurement {
            sex: Sex::Male,
            birth_date: d("2022-01-01"),
            measured_on: d("2023-10-03"),
            weight_kg: Some(11.38),
            length_cm: Some(75.0),
            measure: Some(Measure::Length),
            oedema: false,
        })
        .unwrap();
        assert_eq!(a.age_days, 640);
        assert_eq!(a.reference, Reference::Who2006);
        assert_eq!(a.pb_tb_u.code(), Some("severely_stunted"));
        assert_eq!(a.stunted, Some(true));
        let json = serde_json::to_value(&a).unwrap();
        assert_eq!(json["pb_tb_u"]["status"], "category");
        assert_eq!(json["pb_tb_u"]["code"], "severely_stunted");
    }

    #[test]
    fn all_problems_with_paths() {
        let e = assess_child(&ChildMeasurement {
            sex: Sex::Female,
            birth_date: d("2024-01-02"),
            measured_on: d("2024-01-01"),
            weight_kg: Some(-1.0),
            length_cm: Some(f64::INFINITY),
            measure: None,
            oedema: false,
        })
        .unwrap_err();
        let got: Vec<(String, &str)> = e
            .errors()
            .iter()
            .map(|e| (e.path().to_string(), e.code().as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("measured_on".to_owned(), "measured_before_birth"),
                ("weight_kg".to_owned(), "not_positive"),
                ("length_cm".to_owned(), "not_finite"),
            ]
        );
    }

    #[test]
    fn school_child_uses_2007() {
        let a = assess_child(&ChildMeasurement {
            sex: Sex::Female,
            birth_date: d("2014-01-01"),
            measured_on: d("2024-06-01"),
            weight_kg: Some(30.0),
            length_cm: Some(140.0),
            measure: Some(Measure::Height),
            oedema: false,
        })
        .unwrap();
        assert_eq!(a.reference, Reference::Who2007);
        assert!(a.zbmi.is_some() && a.zlen.is_some());
        assert_eq!(a.zwei, None); // WFA only to 120 months
        assert!(matches!(a.imt_u, Classification::Category(_)));
    }
}

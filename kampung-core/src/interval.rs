//! Intervals of real numbers with their closure explicit (`[−3, −2)`,
//! `(+1, +2]` …), so that a rule table says whether each boundary belongs
//! to it instead of leaving it to `<` versus `<=` (ARCHITECTURE.md "Rules
//! with sources", PRIOR_ART D-18). Used by the Permenkes categories and the
//! screening bands.

use serde::Serialize;

/// One end of an interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Bound {
    /// No limit (−∞ or +∞).
    Unbounded,
    /// The limit is included.
    Closed(f64),
    /// The limit is excluded.
    Open(f64),
}

/// An interval with explicit closure.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Interval {
    /// Lower end.
    pub lower: Bound,
    /// Upper end.
    pub upper: Bound,
}

impl Interval {
    /// True when `z` lies in the interval (false for NaN).
    pub fn contains(&self, z: f64) -> bool {
        let lo = match self.lower {
            Bound::Unbounded => !z.is_nan(),
            Bound::Closed(v) => z >= v,
            Bound::Open(v) => z > v,
        };
        let hi = match self.upper {
            Bound::Unbounded => !z.is_nan(),
            Bound::Closed(v) => z <= v,
            Bound::Open(v) => z < v,
        };
        lo && hi
    }
}

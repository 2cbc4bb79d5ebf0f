//! Confidence intervals of survey estimates (SURVEY.md § Intervals) and the
//! Student t quantile they use.

use serde::Serialize;

/// A two-sided interval `[low, high]`; NaN bounds when it is undefined.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Interval {
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
}

impl Interval {
    /// The undefined interval (both bounds NaN).
    pub const MISSING: Interval = Interval {
        low: f64::NAN,
        high: f64::NAN,
    };

    /// True when both bounds are numbers.
    pub fn is_defined(&self) -> bool {
        !self.low.is_nan() && !self.high.is_nan()
    }
}

/// Above this many degrees of freedom the t quantile is the normal one (the
/// two differ by less than 1e-10 there).
const NORMAL_DF: f64 = 1e10;

/// The `p` quantile of Student's t distribution with `df` degrees of
/// freedom (R's `qt(p, df)`), for `0 < p < 1` and `df > 0`; NaN otherwise.
///
/// Computed from the inverse regularised incomplete beta function of the
/// `puruspe` crate: for `p > 1/2`, `t = √(df (1 − x) / x)` with
/// `x = I⁻¹(2 (1 − p); df/2, 1/2)`. It agrees with R's `qt` to about 1e-12
/// (relative) for `df` from 1 to 10⁶ (tested in `tests/survey_r.rs`).
///
/// ```
/// use kampung_core::survey::t_quantile;
/// assert!((t_quantile(0.975, 10.0) - 2.228_138_851_986_274).abs() < 1e-11);
/// ```
pub fn t_quantile(p: f64, df: f64) -> f64 {
    if !(p > 0.0 && p < 1.0) || df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    // The inverse incomplete beta costs up to a millisecond at large df, and
    // a table asks for the same few quantiles hundreds of times: keep the
    // last ones computed on this thread.
    thread_local! {
        static RECENT: std::cell::RefCell<[(f64, f64, f64); 4]> =
            const { std::cell::RefCell::new([(f64::NAN, f64::NAN, f64::NAN); 4]) };
    }
    if let Some(q) = RECENT.with(|r| {
        r.borrow()
            .iter()
            .find(|(a, b, _)| *a == p && *b == df)
            .map(|x| x.2)
    }) {
        return q;
    }
    let q = t_quantile_uncached(p, df);
    RECENT.with(|r| {
        let mut r = r.borrow_mut();
        r.rotate_right(1);
        r[0] = (p, df, q);
    });
    q
}

fn t_quantile_uncached(p: f64, df: f64) -> f64 {
    if p == 0.5 {
        return 0.0;
    }
    let upper = p > 0.5;
    // tail probability of the upper quantile
    let tail = if upper { 1.0 - p } else { p };
    let q = if df > NORMAL_DF {
        std::f64::consts::SQRT_2 * puruspe::inverfc(2.0 * tail)
    } else {
        let x = puruspe::invbetai(2.0 * tail, df / 2.0, 0.5);
        if !(x > 0.0 && x <= 1.0) {
            return f64::NAN;
        }
        (df * (1.0 - x) / x).sqrt()
    };
    if upper {
        q
    } else {
        -q
    }
}

/// The two-sided multiplier `t_{1 − α/2, df}` for a confidence `level`
/// (e.g. 0.95); NaN when the level is not in (0, 1) or `df ≤ 0`.
pub fn t_multiplier(level: f64, df: f64) -> f64 {
    if !(level > 0.0 && level < 1.0) {
        return f64::NAN;
    }
    t_quantile(1.0 - (1.0 - level) / 2.0, df)
}

/// Wald interval `estimate ± t_{1−α/2, df} · se` (R's `confint(…, df = df)`
/// on a `svystat` or `svyby` object; SURVEY.md § Intervals).
pub fn wald_interval(estimate: f64, se: f64, df: f64, level: f64) -> Interval {
    let t = t_multiplier(level, df);
    if t.is_nan() || estimate.is_nan() || se.is_nan() {
        return Interval::MISSING;
    }
    Interval {
        low: estimate - t * se,
        high: estimate + t * se,
    }
}

/// Logit interval of a proportion `p` with standard error `se` (R's
/// `svyciprop(method = "logit", df = df)`):
/// `expit(logit(p) ± t_{1−α/2, df} · se / (p (1 − p)))` (SURVEY.md
/// § Intervals).
///
/// R takes `logit(p)` and its SE from an iterative logistic fit (`svyglm`,
/// stopping at a relative deviance change of 1e-8), so R's bounds differ
/// from these exact ones by up to a few 1e-9 (relative); with a tighter
/// `glm` tolerance R gives these. For `p = 0` it is `[0, 0]` and for
/// `p = 1` it is `[1, 1]`: R fits a
/// logistic model there whose fitted value stops near 1e-12 (or 1 − 1e-12),
/// which gives bounds within about 1e-9 of these (checked in
/// `tests/fixtures/survey/extremes.json`). NaN when `p` is outside [0, 1].
pub fn logit_interval(p: f64, se: f64, df: f64, level: f64) -> Interval {
    if !(0.0..=1.0).contains(&p) || se.is_nan() {
        return Interval::MISSING;
    }
    let t = t_multiplier(level, df);
    if t.is_nan() {
        return Interval::MISSING;
    }
    if p == 0.0 || p == 1.0 {
        return Interval { low: p, high: p };
    }
    let logit = (p / (1.0 - p)).ln();
    let half = t * se / (p * (1.0 - p));
    Interval {
        low: expit(logit - half),
        high: expit(logit + half),
    }
}

/// `estimate ± 2 se`, the convention of the DHS sampling-error appendices.
pub fn two_se_interval(estimate: f64, se: f64) -> Interval {
    if estimate.is_nan() || se.is_nan() {
        return Interval::MISSING;
    }
    Interval {
        low: estimate - 2.0 * se,
        high: estimate + 2.0 * se,
    }
}

/// `1 / (1 + e^{−x})` (R's `plogis`).
fn expit(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_r() {
        // R: qt(c(.975, .995, .025), df)
        let cases = [
            (0.975, 1.0, 12.706204736174694),
            (0.975, 2.0, 4.302652729749464),
            (0.975, 39.0, 2.0226909200367604),
            (0.995, 15.0, 2.946712883338),
            (0.025, 7.0, -2.364_624_251_592_785),
            (0.975, 19597.0, 1.9600850446647682),
        ];
        for (p, df, r) in cases {
            let t = t_quantile(p, df);
            assert!(((t - r) / r).abs() < 1e-10, "qt({p}, {df}) = {t}, R {r}");
        }
        assert!(t_quantile(0.975, 0.0).is_nan());
        assert!(t_quantile(1.0, 5.0).is_nan());
        assert!(t_quantile(f64::NAN, 5.0).is_nan());
        assert!((t_quantile(0.975, 1e12) - 1.959963984540054).abs() < 1e-9);
    }

    #[test]
    fn logit_interval_edges() {
        assert_eq!(
            logit_interval(0.0, 0.0, 10.0, 0.95),
            Interval {
                low: 0.0,
                high: 0.0
            }
        );
        assert_eq!(
            logit_interval(1.0, 0.0, 10.0, 0.95),
            Interval {
                low: 1.0,
                high: 1.0
            }
        );
        assert!(!logit_interval(0.3, 0.1, 0.0, 0.95).is_defined());
        assert!(!logit_interval(1.3, 0.1, 5.0, 0.95).is_defined());
        let i = logit_interval(0.3, 0.0, 5.0, 0.95);
        assert!((i.low - 0.3).abs() < 1e-15 && (i.high - 0.3).abs() < 1e-15);
        assert_eq!(
            two_se_interval(1.0, 0.5),
            Interval {
                low: 0.0,
                high: 2.0
            }
        );
        assert!(!wald_interval(1.0, 0.5, 10.0, 1.5).is_defined());
    }
}

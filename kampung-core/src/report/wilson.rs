//! The 95 % Wilson score interval for a proportion.
//!
//! Wilson (1927), "Probable inference, the law of succession, and
//! statistical inference", JASA 22:209-212; recommended over the Wald
//! interval for small counts and proportions near 0 or 1 (Brown, Cai &
//! DasGupta 2001, Statistical Science 16:101-133). The register's children
//! are treated as a simple random sample without weights: WHO anthro's
//! survey prevalence (`anthro_prevalence`, a design-based interval from
//! R's `survey` package) is used only when survey weights, clusters and
//! strata are given, which a register does not have.

/// The two-sided 97.5 % standard normal quantile.
pub const Z_95: f64 = 1.959_963_984_540_054;

/// `(low, high)` as proportions in `[0, 1]`, or `None` when `n` is 0.
pub fn wilson_95(successes: u64, n: u64) -> Option<(f64, f64)> {
    if n == 0 {
        return None;
    }
    #[allow(clippy::cast_precision_loss)]
    let (x, n) = (successes.min(n) as f64, n as f64);
    let p = x / n;
    let z2 = Z_95 * Z_95;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = Z_95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        // 10 / 100: Wilson 95 % = [0.0552, 0.1744] (Newcombe 1998, Table II style).
        let (lo, hi) = wilson_95(10, 100).expect("n > 0");
        assert!((lo - 0.055_229).abs() < 1e-5, "{lo}");
        assert!((hi - 0.174_366).abs() < 1e-5, "{hi}");
        let (lo, hi) = wilson_95(0, 20).expect("n > 0");
        assert_eq!(lo, 0.0);
        assert!((hi - 0.161_125).abs() < 1e-5, "{hi}");
        assert_eq!(wilson_95(0, 0), None);
    }
}

//! Rounding exactly as WHO anthro does (WHO_GROWTH.md §1.2, §1.10).

/// anthro's `round_up`: half up, `floor(x) + 1` when `x - floor(x) >= 0.5`
/// (WHO_GROWTH.md §1.2, anthro `R/utils.R:214-225`). Used for age in days.
#[inline]
pub fn round_half_up(x: f64) -> f64 {
    let f = x.floor();
    if x - f >= 0.5 {
        f + 1.0
    } else {
        f
    }
}

/// R ≥ 4.0.0 `round(x, 2)` (WHO_GROWTH.md §1.10): the nearer of the two
/// 2-decimal candidates computed in double arithmetic; on a tie, the upper
/// one when `floor(100|x|)` is odd, else the lower one.
/// NaN and infinities are returned unchanged.
#[inline]
pub fn round2(x: f64) -> f64 {
    if !x.is_finite() {
        return x;
    }
    let a = x.abs();
    let f = (100.0 * a).floor();
    let xd = f / 100.0;
    let xu = (100.0 * a).ceil() / 100.0;
    let du = xu - a;
    let dd = a - xd;
    // f is a whole number, so f/2 is exact: it is whole iff f is even
    // (avoids the slow fmod of `f % 2.0`).
    let half = f * 0.5;
    let odd = half.floor() != half;
    let r = if du < dd || (du == dd && odd) { xu } else { xd };
    if x < 0.0 {
        -r
    } else {
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_up_for_ages() {
        assert_eq!(round_half_up(730.49), 730.0);
        assert_eq!(round_half_up(730.5), 731.0);
        assert_eq!(round_half_up(0.0), 0.0);
    }

    #[test]
    fn r_rounding() {
        assert_eq!(round2(1.005), 1.0); // 1.005 is 1.00499999... in binary
        assert_eq!(round2(-2.675), -2.67);
        assert_eq!(round2(0.125), 0.12);
        assert_eq!(round2(0.375), 0.38);
        assert_eq!(round2(-0.125), -0.12);
        assert_eq!(round2(2.0), 2.0);
        assert!(round2(f64::NAN).is_nan());
    }
}

//! Rounded z-scores by a fast approximation whose rounding is proven, with
//! the exact computation (WHO_GROWTH.md §1.5, §1.6, §1.10) wherever the
//! proof does not hold.
//!
//! WHO anthro publishes z rounded to 2 decimals (R's `round(z, 2)`) and
//! flags computed on that rounded value. A rounded z depends on the
//! unrounded one only through two decisions: on which side of a rounding
//! midpoint (`k + 0.005`) it lies, and (for the restricted indicators) on
//! which side of ±3. If an approximation `ẑ` of the exact z is known to be
//! within `ε` of it, and `ẑ` is farther than `ε` (plus a safety factor)
//! from every midpoint and from ±3, both decisions are the same for `ẑ`
//! and z, so the rounded result is bit-identical. Only rows that fail this
//! test, or that lie beyond ±3 SD, are computed the exact way (glibc `pow`,
//! as R does); on real data that is a few rows in a hundred.
//!
//! [`pow_approx`] has a relative error below 2⁻⁴⁰ on the range it accepts
//! (checked against libm in the tests); the bound used in
//! [`round_certified`] assumes 2⁻³⁶, 16 times more, and a factor of 4.

use wide::{f64x4, u64x4};

/// The range of `x` (y/M) that [`pow_approx`] serves; outside it (and for
/// NaN) the exact path is taken.
const X_MIN: f64 = 1.0 / 1024.0;
const X_MAX: f64 = 1024.0;
/// The range of the power `L` served by [`pow_approx`].
const P_MAX: f64 = 16.0;
/// Largest `100·|z|` handled here (so the floor fits an `i32`).
const T_MAX: f64 = 1_048_576.0;
/// Relative error assumed of every approximate step (2⁻³⁶).
const REL: f64 = 1.0 / 68_719_476_736.0;

/// ln 2 split in a high part with trailing zero bits and the rest
/// (Cody and Waite), so that `k·LN2_HI` is exact for small `k`.
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
const LN2: f64 = std::f64::consts::LN_2;
const INV_LN2: f64 = std::f64::consts::LOG2_E;
/// 1.5·2⁵²: adding it rounds a value below 2⁵¹ to a whole number that is
/// left in the low bits of the sum.
const SHIFT: f64 = 6_755_399_441_055_744.0;
/// 2⁵²: adding and subtracting it rounds a value below 2⁵¹ to a whole number.
const TWO_52: f64 = 4_503_599_627_370_496.0;

/// Rows handled together by [`round_certified`].
pub(crate) const LANES: usize = 4;

/// `x^p` on four lanes, for `X_MIN <= x <= X_MAX` and `|p| <= P_MAX`,
/// with a relative error below 2⁻⁴⁰ (tested), as `exp(p·ln x)` in plain
/// double arithmetic with no call and no branch. Any other input gives an
/// unspecified value (callers check the range).
#[inline(always)]
fn pow_approx(x: f64x4, p: f64x4) -> f64x4 {
    let c = f64x4::splat;
    let one = f64x4::ONE;
    // ln x = e·ln 2 + ln m, m in [√½, √2); the exponent is biased by 1024
    // so that every shift is logical.
    let bits = x.to_bits();
    let shifted = bits - u64x4::splat(0x3fe6_a09e_667f_3bcd) + u64x4::splat(1024 << 52);
    let e_biased = shifted >> 52;
    let m = f64x4::from_bits(bits - (e_biased << 52) + u64x4::splat(1024 << 52));
    // e as a double: the bits of 2^52 + e_biased, minus 2^52 + 1024.
    let e = f64x4::from_bits(e_biased | u64x4::splat(0x4330_0000_0000_0000))
        - c(4_503_599_627_371_520.0);
    // ln m = 2·atanh(s) = 2s·Σ s^2k/(2k+1), s = (m − 1)/(m + 1), |s| < 0.1716:
    // eight terms (Estrin's scheme, for short dependency chains).
    let s = (m - one) / (m + one);
    let u = s * s;
    let u2 = u * u;
    let u4 = u2 * u2;
    let series = (one + u * c(1.0 / 3.0))
        + u2 * (c(1.0 / 5.0) + u * c(1.0 / 7.0))
        + u4 * ((c(1.0 / 9.0) + u * c(1.0 / 11.0)) + u2 * (c(1.0 / 13.0) + u * c(1.0 / 15.0)));
    let ln_x = e * c(LN2) + c(2.0) * s * series;
    // exp(y) = 2^k · exp(r), |r| <= ln2/2: Taylor to degree 11 (Estrin).
    let y = p * ln_x;
    let kd = y * c(INV_LN2) + c(SHIFT);
    let k_bits = kd.to_bits();
    let kd = kd - c(SHIFT);
    let r = (y - kd * c(LN2_HI)) - kd * c(LN2_LO);
    let r2 = r * r;
    let r4 = r2 * r2;
    let r8 = r4 * r4;
    let low = (one + r) + r2 * (c(1.0 / 2.0) + r * c(1.0 / 6.0));
    let mid = (c(1.0 / 24.0) + r * c(1.0 / 120.0)) + r2 * (c(1.0 / 720.0) + r * c(1.0 / 5040.0));
    let high = (c(1.0 / 40_320.0) + r * c(1.0 / 362_880.0))
        + r2 * (c(1.0 / 3_628_800.0) + r * c(1.0 / 39_916_800.0));
    let poly = low + r4 * mid + r8 * high;
    f64x4::from_bits(poly.to_bits() + (k_bits << 52))
}

/// The rounded z of `LANES` rows from the measurements `y` and their LMS
/// rows (given as columns: `[l, m, s]`), where it is proven
/// equal to WHO anthro's `round(z, 2)`; NaN where it is not (the row must
/// be computed the exact way). A NaN y (row not scored) gives NaN.
/// Also returns the flags (1 when the rounded z is below `lo` or above
/// `hi`, else 0; NaN with the z).
/// `restricted` indicators leave every row beyond ±3 SD to the exact path.
///
/// The bound of `|ẑ − z|` (z: WHO anthro's `(pow(y/M, L) − 1)/(S·L)` in
/// doubles, ẑ: the same with [`pow_approx`] and a reciprocal) counts both
/// powers within `REL` of the true one and a few units in the last place
/// for the other steps, times 4.
#[inline(always)]
pub(crate) fn round_certified(
    y: [f64; LANES],
    [l, m, s]: [[f64; LANES]; 3],
    restricted: bool,
    lo: f64,
    hi: f64,
) -> ([f64; LANES], [f64; LANES]) {
    let c = f64x4::splat;
    let one = f64x4::ONE;
    // y/M exactly as WHO anthro computes it (IEEE division, lane by lane).
    let x = f64x4::new(y) / f64x4::new(m);
    let l = f64x4::new(l);
    let is_one = l.simd_eq(one);
    // WHO's length/height-for-age has L = 1 throughout: no power at all.
    let power = if is_one.all() {
        x
    } else {
        is_one.select(x, pow_approx(x, l))
    };
    let inv = one / (f64x4::new(s) * l);
    let z = (power - one) * inv;
    let a = z.abs();
    let t = c(100.0) * a;
    let margin = c(4.0 * REL) * ((power + one) * inv.abs() + a);
    // floor(t) for 0 <= t < 2^51: round to a whole number, step down if above.
    let near = (t + c(TWO_52)) - c(TWO_52);
    let f = near.simd_gt(t).select(near - one, near);
    let frac = t - f;
    let r = frac.simd_gt(c(0.5)).select(f + one, f) / c(100.0);
    let in_range = x.simd_ge(c(X_MIN)) & x.simd_le(c(X_MAX)) & l.abs().simd_le(c(P_MAX));
    let mut proven = in_range
        & t.simd_lt(c(T_MAX))
        & (frac - c(0.5)).abs().simd_gt(c(100.0) * margin + c(1e-6))
        & a.simd_gt(margin);
    if restricted {
        proven &= a.simd_le(c(3.0) - margin);
    }
    let signed = z.simd_lt(f64x4::ZERO).select(-r, r);
    let nan = c(f64::NAN);
    let flagged = (r.simd_lt(c(lo)) | r.simd_gt(c(hi))).select(one, f64x4::ZERO);
    (
        proven.select(signed, nan).to_array(),
        proven.select(flagged, nan).to_array(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::growth::lms::Lms;
    use crate::growth::lms::{pow, zscore, zscore_from_power};
    use crate::growth::round::round2;
    use crate::growth::who2006::tests::Rng;

    fn pow1(x: f64, p: f64) -> f64 {
        pow_approx(f64x4::splat(x), f64x4::splat(p)).to_array()[0]
    }

    #[test]
    fn pow_approx_is_within_its_bound() {
        let mut rng = Rng(0x5eed_1234);
        let mut worst = 0.0_f64;
        let mut check = |x: f64, p: f64| {
            let exact = x.powf(p);
            if exact.is_normal() {
                worst = worst.max(((pow1(x, p) - exact) / exact).abs());
            }
        };
        for _ in 0..2_000_000 {
            // log-uniform x over the accepted range, p over [-16, 16].
            check(
                (2.0_f64).powf(20.0 * rng.unit() - 10.0),
                32.0 * rng.unit() - 16.0,
            );
        }
        for (x, p) in [
            (1.0, 0.3),
            (X_MIN, 16.0),
            (X_MAX, -16.0),
            (X_MAX, 16.0),
            (0.999_999, -2.0),
        ] {
            check(x, p);
        }
        assert!(
            worst < 1.0 / 1_099_511_627_776.0,
            "worst relative error {worst:e}"
        );
    }

    /// The exact computation: [`zscore_from_power`] of glibc's `pow`, R's rounding.
    fn exact(ratio: f64, lms: Lms) -> f64 {
        round2(zscore_from_power(pow(ratio, lms[0]), lms))
    }

    fn one(ratio: f64, lms: Lms, restricted: bool) -> f64 {
        round_certified(
            [ratio; LANES],
            [[lms[0]; LANES], [1.0; LANES], [lms[2]; LANES]],
            restricted,
            -5.0,
            5.0,
        )
        .0[0]
    }

    #[test]
    fn proven_rows_equal_the_exact_computation() {
        let mut rng = Rng(42);
        let mut proven = 0u32;
        for i in 0..3_000_000u32 {
            let l = match i % 4 {
                0 => 1.0,
                1 => 2.0 * rng.unit() - 1.0,
                2 => 0.5 * rng.unit() - 0.25,
                _ => 1e-6 * (rng.unit() - 0.5),
            };
            let s = 0.01 + 0.2 * rng.unit();
            let m = 1.0 + 20.0 * rng.unit();
            let lms = [l, m, s];
            // four different rows per call, so the lanes are told apart.
            let y =
                [0.3, 0.7, 1.1, 1.5].map(|b| ((b + 0.8 * rng.unit()) * m * 100.0).round() / 100.0);
            let restricted = i % 2 == 0;
            let (got, _) = round_certified(
                y,
                [[l; LANES], [m; LANES], [s; LANES]],
                restricted,
                -5.0,
                5.0,
            );
            for (y, z) in y.iter().zip(got) {
                if !z.is_nan() {
                    proven += 1;
                    assert_eq!(
                        z.to_bits(),
                        round2(zscore(*y, lms)).to_bits(),
                        "{y} {lms:?}"
                    );
                }
            }
        }
        assert!(proven > 6_000_000, "{proven}");
    }

    #[test]
    fn rows_on_a_midpoint_or_at_3_are_left_to_the_exact_path() {
        let lms = [0.5, 10.0, 0.1];
        // z = (r^0.5 − 1)/0.05 = 0.125 exactly at r = 1.00625².
        assert!(one(1.006_25_f64 * 1.006_25, lms, false).is_nan());
        // z = 3 at r = 1.15² (restricted only).
        assert!(one(1.15_f64 * 1.15, lms, true).is_nan());
        assert_eq!(
            one(1.15_f64 * 1.15, lms, false),
            exact(1.15_f64 * 1.15, lms)
        );
        // beyond the range, infinities, z = 0 (sign unknown), NaN.
        for r in [1e-9, 1e9, f64::INFINITY, 1.0, f64::NAN] {
            assert!(one(r, lms, false).is_nan(), "{r}");
        }
        // L = 1: no power; L = 0: no z.
        assert_eq!(
            one(1.234, [1.0, 5.0, 0.1], false),
            exact(1.234, [1.0, 5.0, 0.1])
        );
        assert!(one(1.234, [0.0, 5.0, 0.1], false).is_nan());
    }
}

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
//! [`certify_row`] assumes 2⁻³⁶, 16 times more, and a factor of 4.

use super::lms::Lms;
use super::who2006::{flag, FlagRule};

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

/// `if c { a } else { b }`, written so that a loop of it stays branch-free.
#[inline(always)]
fn select(c: bool, a: f64, b: f64) -> f64 {
    if c {
        a
    } else {
        b
    }
}

/// `x^p` for `X_MIN <= x <= X_MAX` and `|p| <= P_MAX`, with a relative
/// error below 2⁻⁴⁰ (tested), as `exp(p·ln x)` in plain double arithmetic
/// with no call and no branch, so that a loop of it vectorises. Any other
/// input gives an unspecified value (callers check the range).
#[inline(always)]
fn pow_approx(x: f64, p: f64) -> f64 {
    // ln x = e·ln 2 + ln m, m in [√½, √2); the exponent is biased by 1024
    // so that every shift is logical.
    let bits = x.to_bits();
    let shifted = bits
        .wrapping_sub(0x3fe6_a09e_667f_3bcd)
        .wrapping_add(1024 << 52);
    let e_biased = shifted >> 52;
    let m = f64::from_bits(bits.wrapping_sub(e_biased << 52).wrapping_add(1024 << 52));
    // e as a double: the bits of 2^52 + e_biased, minus 2^52 + 1024.
    let e = f64::from_bits(e_biased | 0x4330_0000_0000_0000) - 4_503_599_627_371_520.0;
    // ln m = 2·atanh(s) = 2s·Σ s^2k/(2k+1), s = (m − 1)/(m + 1), |s| < 0.1716:
    // eight terms (Estrin's scheme, for short dependency chains).
    let s = (m - 1.0) / (m + 1.0);
    let u = s * s;
    let u2 = u * u;
    let u4 = u2 * u2;
    let series = (1.0 + u * (1.0 / 3.0))
        + u2 * ((1.0 / 5.0) + u * (1.0 / 7.0))
        + u4 * (((1.0 / 9.0) + u * (1.0 / 11.0)) + u2 * ((1.0 / 13.0) + u * (1.0 / 15.0)));
    let ln_x = e * LN2 + 2.0 * s * series;
    // exp(y) = 2^k · exp(r), |r| <= ln2/2: Taylor to degree 11 (Estrin).
    let y = p * ln_x;
    let kd = y * INV_LN2 + SHIFT;
    let k_bits = kd.to_bits();
    let kd = kd - SHIFT;
    let r = (y - kd * LN2_HI) - kd * LN2_LO;
    let r2 = r * r;
    let r4 = r2 * r2;
    let r8 = r4 * r4;
    let low = (1.0 + r) + r2 * (0.5 + r * (1.0 / 6.0));
    let mid = ((1.0 / 24.0) + r * (1.0 / 120.0)) + r2 * ((1.0 / 720.0) + r * (1.0 / 5040.0));
    let high = ((1.0 / 40_320.0) + r * (1.0 / 362_880.0))
        + r2 * ((1.0 / 3_628_800.0) + r * (1.0 / 39_916_800.0));
    let poly = low + r4 * mid + r8 * high;
    f64::from_bits(poly.to_bits().wrapping_add(k_bits << 52))
}

/// The rounded z of one row and its flag, from the measurement `y` and its
/// LMS row, where the rounded z is proven equal to WHO anthro's
/// `round(z, 2)`; `(NaN, NaN)` where it is not (the row must be computed
/// the exact way) and for a NaN y (row not scored). The flag is [`flag`]'s
/// of the rounded z under `rule`. `restricted` indicators
/// leave every row beyond ±3 SD to the exact path.
///
/// The bound of `|ẑ − z|` (z: WHO anthro's `(pow(y/M, L) − 1)/(S·L)` in
/// doubles, ẑ: the same with [`pow_approx`] and a reciprocal) counts both
/// powers within `REL` of the true one and a few units in the last place
/// for the other steps, times 4. Branch-free, so that [`certify`]'s loop
/// runs in SIMD lanes.
#[inline(always)]
fn certify_row(y: f64, [l, m, s]: Lms, restricted: bool, rule: FlagRule) -> (f64, f64) {
    // y/M exactly as WHO anthro computes it.
    let x = y / m;
    // WHO's length/height-for-age has L = 1 throughout: (y/M)^1 = y/M.
    let power = select(l == 1.0, x, pow_approx(x, l));
    let inv = 1.0 / (s * l);
    let z = (power - 1.0) * inv;
    let a = z.abs();
    let t = 100.0 * a;
    let margin = 4.0 * REL * ((power + 1.0) * inv.abs() + a);
    // floor(t) for 0 <= t < 2^51: round to a whole number, step down if above.
    let near = (t + TWO_52) - TWO_52;
    let f = select(near > t, near - 1.0, near);
    let frac = t - f;
    let r = select(frac > 0.5, f + 1.0, f) / 100.0;
    // `&` rather than `&&` (or `contains`): no branch in the loop.
    #[allow(clippy::manual_range_contains)]
    let in_range = (x >= X_MIN) & (x <= X_MAX) & (l.abs() <= P_MAX);
    let proven = in_range
        & (t < T_MAX)
        & ((frac - 0.5).abs() > 100.0 * margin + 1e-6)
        & (a > margin)
        & (!restricted | (a <= 3.0 - margin));
    let signed = select(z < 0.0, -r, r);
    (
        select(proven, signed, f64::NAN),
        select(proven, flag(signed, rule), f64::NAN),
    )
}

/// [`certify_row`] of one row, for callers that score one value at a time
/// (growth monitoring's WAZ): `(NaN, NaN)` where the exact path must run.
#[inline]
pub(crate) fn certify_one(y: f64, lms: Lms, restricted: bool, rule: FlagRule) -> (f64, f64) {
    certify_row(y, lms, restricted, rule)
}

/// [`certify_row`] for every row: `scored` holds y (NaN for rows not
/// scored), `lms` the LMS rows, `rule` the flag's; writes z and
/// flag, NaN for rows left to the exact path. A plain loop with no branch,
/// which the compiler turns into SIMD code for the instruction set of the
/// caller (SSE2 by default, AVX2 or AVX-512 under [`pulp`]'s dispatch).
#[inline(always)]
pub(crate) fn certify(
    scored: &[f64],
    lms: &[Lms],
    restricted: bool,
    rule: FlagRule,
    z: &mut [f64],
    f: &mut [f64],
) {
    let n = scored.len().min(lms.len()).min(z.len()).min(f.len());
    let (scored, lms, z, f) = (&scored[..n], &lms[..n], &mut z[..n], &mut f[..n]);
    for i in 0..n {
        (z[i], f[i]) = certify_row(scored[i], lms[i], restricted, rule);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::growth::lms::{pow, zscore, zscore_from_power};
    use crate::growth::round::round2;
    use crate::growth::who2006::finish;
    use crate::growth::who2006::tests::Rng;

    #[test]
    fn pow_approx_is_within_its_bound() {
        let mut rng = Rng(0x5eed_1234);
        let mut worst = 0.0_f64;
        let mut check = |x: f64, p: f64| {
            let exact = x.powf(p);
            if exact.is_normal() {
                worst = worst.max(((pow_approx(x, p) - exact) / exact).abs());
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
        certify_row(ratio, [lms[0], 1.0, lms[2]], restricted, FlagRule::Abs5).0
    }

    #[test]
    fn proven_rows_equal_the_exact_computation() {
        let mut rng = Rng(42);
        let n = 3_000_000;
        let (mut y, mut lms) = (Vec::with_capacity(n), Vec::with_capacity(n));
        for i in 0..n {
            let l = match i % 4 {
                0 => 1.0,
                1 => 2.0 * rng.unit() - 1.0,
                2 => 0.5 * rng.unit() - 0.25,
                _ => 1e-6 * (rng.unit() - 0.5),
            };
            let m = 1.0 + 20.0 * rng.unit();
            lms.push([l, m, 0.01 + 0.2 * rng.unit()]);
            y.push(((0.3 + 2.0 * rng.unit()) * m * 100.0).round() / 100.0);
        }
        // Every flag rule (weight-for-age's is asymmetric), with and without
        // the ±3 SD restriction.
        let rules = [FlagRule::Abs5, FlagRule::Abs6, FlagRule::Wei];
        for (restricted, rule) in [false, true]
            .into_iter()
            .flat_map(|r| rules.map(|f| (r, f)))
        {
            let (mut z, mut f) = (vec![0.0; n], vec![0.0; n]);
            certify(&y, &lms, restricted, rule, &mut z, &mut f);
            let mut proven = 0;
            for i in 0..n {
                if z[i].is_nan() {
                    assert!(f[i].is_nan());
                    continue;
                }
                proven += 1;
                let (ez, ef) = finish(zscore(y[i], lms[i]), rule, true);
                assert_eq!(
                    (z[i].to_bits(), f[i]),
                    (ez.to_bits(), ef),
                    "{} {:?}",
                    y[i],
                    lms[i]
                );
            }
            assert!(proven > n / 4, "{proven}");
        }
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

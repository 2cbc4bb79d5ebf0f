//! Rounding exactly as WHO anthro does (WHO_GROWTH.md §1.2, §1.10).

/// 2^52: every f64 at or above it is a whole number.
const TWO_52: f64 = 4_503_599_627_370_496.0;

/// `(floor(x), floor(x) is odd)` for `0 <= x < 2^52`, without a libm call.
///
/// The default x86-64 target has no SSE4.1 `roundsd`, so `f64::floor` is a
/// library call. For `0 <= x < 2^52` the conversion to `i64` truncates
/// toward zero, which is `floor` for non-negative x, and both conversions
/// are exact in that range, so the result is bit-identical to `x.floor()`
/// (except that `-0.0` would become `+0.0`: callers pass `+0.0` or more).
#[inline]
fn floor_small(x: f64) -> (f64, bool) {
    debug_assert!((0.0..TWO_52).contains(&x));
    #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
    let i = x as i64;
    #[allow(clippy::cast_precision_loss)]
    (i as f64, i & 1 == 1)
}

/// anthro's `round_up`: half up, `floor(x) + 1` when `x - floor(x) >= 0.5`
/// (WHO_GROWTH.md §1.2, anthro `R/utils.R:214-225`). Used for age in days.
#[inline]
pub fn round_half_up(x: f64) -> f64 {
    // `x > 0.0` keeps -0.0 (and NaN) on the libm path, so the sign of a zero
    // is preserved exactly.
    let f = if x > 0.0 && x < TWO_52 {
        floor_small(x).0
    } else {
        x.floor()
    };
    if x - f >= 0.5 {
        f + 1.0
    } else {
        f
    }
}

/// `x.trunc()`, bit-identical, without a libm call for `0 < x < 2^52`.
#[inline]
pub(crate) fn trunc_fast(x: f64) -> f64 {
    if x > 0.0 && x < TWO_52 {
        floor_small(x).0
    } else {
        x.trunc()
    }
}

/// R ≥ 4.0.0 `round(x, 2)` (WHO_GROWTH.md §1.10): the nearer of the two
/// 2-decimal candidates computed in double arithmetic; on a tie, the upper
/// one when `floor(100|x|)` is odd, else the lower one.
/// NaN and infinities are returned unchanged.
///
/// Bit-identical to [`round2_reference`] (tested): for `100|x| < 2^52`,
/// `floor`, `ceil` and the parity come from one integer conversion instead
/// of libm calls; larger values (whole numbers already), NaN and infinities
/// take the reference path.
#[inline]
pub fn round2(x: f64) -> f64 {
    let a = x.abs();
    let t = 100.0 * a;
    if t >= TWO_52 || t.is_nan() {
        return round2_reference(x);
    }
    let (f, odd) = floor_small(t);
    // ceil(t) = floor(t) + 1 unless t is whole (f + 1.0 is exact here).
    let c = if f < t { f + 1.0 } else { f };
    let xd = f / 100.0;
    let xu = c / 100.0;
    let du = xu - a;
    let dd = a - xd;
    let r = if du < dd || (du == dd && odd) { xu } else { xd };
    if x < 0.0 {
        -r
    } else {
        r
    }
}

/// [`round2`] written literally as in WHO_GROWTH.md §1.10, with libm
/// `floor`/`ceil`: the reference that [`round2`] is tested against, and its
/// path for NaN, infinities and `100|x| >= 2^52`.
pub fn round2_reference(x: f64) -> f64 {
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

/// anthro's `round_up` with libm `floor`: the reference of
/// [`round_half_up`] in tests.
#[cfg(test)]
fn round_half_up_reference(x: f64) -> f64 {
    let f = x.floor();
    if x - f >= 0.5 {
        f + 1.0
    } else {
        f
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

    /// Values that stress the fast paths: ties at every scale, whole
    /// numbers, neighbours of 2^52/100, signed zeros, infinities.
    fn edge_values() -> Vec<f64> {
        let mut v = vec![
            0.0,
            -0.0,
            f64::MIN_POSITIVE,
            5e-324,
            0.005,
            0.015,
            0.025,
            0.994_999_999_999_999_9,
            0.995,
            1.005,
            2.675,
            730.49,
            730.5,
            1e15,
            TWO_52 / 100.0,
            TWO_52,
            TWO_52 - 1.0,
            TWO_52 - 0.5,
            2.0 * TWO_52,
            1e300,
            f64::MAX,
            f64::INFINITY,
            f64::NAN,
        ];
        for k in 0..200_000_i32 {
            let x = f64::from(k) / 1000.0 + 0.0005; // many near-ties
            v.push(x);
            v.push(f64::from(k) / 200.0);
        }
        let n = v.len();
        for i in 0..n {
            let x = v[i];
            v.push(-x);
            v.push(f64::from_bits(x.to_bits().wrapping_add(1)));
            v.push(f64::from_bits(x.to_bits().wrapping_sub(1)));
        }
        v
    }

    #[test]
    fn fast_paths_are_bit_identical_to_libm() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut values = edge_values();
        for _ in 0..1_000_000 {
            // xorshift: random bit patterns (all exponents) and random z-like values
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            values.push(f64::from_bits(x));
            #[allow(clippy::cast_precision_loss)]
            values.push(((x >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * 40.0);
        }
        for v in values {
            assert_eq!(round2(v).to_bits(), round2_reference(v).to_bits(), "{v:e}");
            let h = round_half_up(v);
            let r = round_half_up_reference(v);
            assert!(
                h.to_bits() == r.to_bits() || (h.is_nan() && r.is_nan()),
                "{v:e}"
            );
        }
    }
}

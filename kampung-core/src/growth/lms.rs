//! The LMS z-score and its restricted form beyond ±3 SD
//! (WHO_GROWTH.md §1.5-1.6).

/// One row of an LMS table: Box-Cox power `l`, median `m`, coefficient of
/// variation `s`.
pub type Lms = [f64; 3];

/// `lo + diff·(up − lo)` for each of L, M and S: the interpolation of
/// WHO_GROWTH.md §1.9 (weight-for-length/height) and of the 2007 monthly
/// tables.
#[inline]
pub fn lerp(lo: Lms, up: Lms, diff: f64) -> Lms {
    [
        lo[0] + diff * (up[0] - lo[0]),
        lo[1] + diff * (up[1] - lo[1]),
        lo[2] + diff * (up[2] - lo[2]),
    ]
}

/// `x^p`, with no call when `p == 1`.
#[inline]
pub fn pow(x: f64, p: f64) -> f64 {
    // pow(x, 1) == x exactly, so skipping it keeps results bit-identical.
    if p == 1.0 {
        x
    } else {
        x.powf(p)
    }
}

/// `z = ((y/M)^L − 1)/(S·L)` (WHO_GROWTH.md §1.5, anthro
/// `R/z-score-helper.R:12-15`).
#[inline]
pub fn zscore(y: f64, lms: Lms) -> f64 {
    zscore_from_power(pow(y / lms[1], lms[0]), lms)
}

/// The last step of [`zscore`], from `power = pow(y/M, L)`: lets a batch
/// compute the powers of many rows in one tight loop.
#[inline]
pub fn zscore_from_power(power: f64, [l, _, s]: Lms) -> f64 {
    (power - 1.0) / (s * l)
}

/// `SD(k) = M·(1 + L·S·k)^(1/L)` (WHO_GROWTH.md §1.6).
#[inline]
fn sd(k: f64, [l, m, s]: Lms) -> f64 {
    m * pow(1.0 + l * s * k, 1.0 / l)
}

/// The restricted ("SD23") z-score: beyond ±3 SD the distance is measured
/// in units of the 2-3 SD interval (WHO_GROWTH.md §1.6, anthro
/// `R/z-score-helper.R:28-46`).
#[inline]
pub fn zscore_restricted(y: f64, lms: Lms) -> f64 {
    restrict(zscore(y, lms), y, lms)
}

/// The ±3 SD restriction of [`zscore_restricted`], given the plain `z` of
/// `y` (SD(k) is computed only beyond ±3).
#[inline]
pub fn restrict(z: f64, y: f64, lms: Lms) -> f64 {
    if z > 3.0 {
        let sd3 = sd(3.0, lms);
        let sd2 = sd(2.0, lms);
        3.0 + (y - sd3) / (sd3 - sd2)
    } else if z < -3.0 {
        let sdm3 = sd(-3.0, lms);
        let sdm2 = sd(-2.0, lms);
        -3.0 + (y - sdm3) / (sdm2 - sdm3)
    } else {
        z
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_is_zero_and_tails_are_restricted() {
        let lms = [0.3487, 3.3464, 0.14602];
        assert_eq!(zscore(3.3464, lms), 0.0);
        let plain = zscore(8.0, lms);
        let restricted = zscore_restricted(8.0, lms);
        assert!(plain > 3.0 && restricted > 3.0 && restricted != plain);
        assert_eq!(zscore_restricted(3.3464, lms), 0.0);
    }
}

//! The logistic fit behind R's `svyciprop(method = "logit")`.
//!
//! R fits `svyglm(y ~ 1, design, family = quasibinomial)`: `glm.fit`'s
//! iteratively reweighted least squares (IRLS) with prior weights rescaled
//! to mean 1 over the domain's records (`rescale = TRUE`), starting from
//! `mustart = (w y + 0.5) / (w + 1)` per record, and stopping when the
//! relative change of the deviance, `|dev − devold| / (|dev| + 0.1)`, is
//! below `1e-8` (at most 25 iterations). The fitted intercept is therefore
//! `logit(p)` only to about 1e-9, and R's interval is centred on it; on
//! WHO anthro's survey outputs the difference reaches 4e-7 percentage
//! points. Reproducing the iterations makes kampung's interval equal R's.
//!
//! For an intercept-only model the first iteration needs per-record sums
//! ([`StartTerms`]); every later one depends only on `Σ w y` and `Σ w`.

/// R's `THRESH` / `MTHRESH` of the logit link (`family.c`).
const THRESH: f64 = 30.0;
const MTHRESH: f64 = -30.0;

/// R's logit `linkinv`.
fn linkinv(eta: f64) -> f64 {
    let tmp = if eta < MTHRESH {
        f64::EPSILON
    } else if eta > THRESH {
        1.0 / f64::EPSILON
    } else {
        eta.exp()
    };
    tmp / (1.0 + tmp)
}

/// R's logit `mu.eta`.
fn mu_eta(eta: f64) -> f64 {
    if !(MTHRESH..=THRESH).contains(&eta) {
        return f64::EPSILON;
    }
    let opexp = 1.0 + eta.exp();
    eta.exp() / (opexp * opexp)
}

/// One record's terms of the first IRLS iteration, for `y = 1`; a record
/// with `y = 0` has the same `a` and `dev` and the opposite `a_z` (the
/// starting values of `y = 0` and `y = 1` mirror each other).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct StartTerms {
    /// Working weight `w mu.eta² / var(mu)`.
    pub a: f64,
    /// `a · z`, `z` the working response.
    pub a_z: f64,
    /// Deviance residual at the start.
    pub dev: f64,
}

impl StartTerms {
    /// Terms of a record with rescaled prior weight `pw > 0`.
    pub fn new(pw: f64) -> StartTerms {
        let mustart = (pw + 0.5) / (pw + 1.0);
        let eta = (mustart / (1.0 - mustart)).ln();
        let mu = linkinv(eta);
        let me = mu_eta(eta);
        let var = mu * (1.0 - mu);
        let a = pw * me * me / var;
        let z = eta + (1.0 - mu) / me;
        StartTerms {
            a,
            a_z: a * z,
            dev: 2.0 * pw * (1.0 / mu).ln(),
        }
    }
}

/// The binomial deviance of a constant fit `mu` with `s1 = Σ w y` and
/// `s0 = Σ w (1 − y)`.
fn deviance(mu: f64, s1: f64, s0: f64) -> f64 {
    2.0 * (s1 * (1.0 / mu).ln() + s0 * (1.0 / (1.0 - mu)).ln())
}

/// R's fitted intercept, the fitted `mu` and `mu.eta` at it, from the first iteration's sums
/// (`a`, `a_z`, `dev0` over the records with a value and a positive
/// weight) and `s1 = Σ pw y`, `sw = Σ pw`. None when the fit leaves (0, 1)
/// (R would halve steps there; only near p = 0 or 1).
pub(crate) fn fitted_intercept(
    a: f64,
    a_z: f64,
    dev0: f64,
    s1: f64,
    sw: f64,
) -> Option<(f64, f64, f64)> {
    if !(a > 0.0 && sw > 0.0) {
        return None;
    }
    let s0 = sw - s1;
    let mut devold = dev0;
    let mut coef = a_z / a;
    for _ in 0..25 {
        let mu = linkinv(coef);
        if !(mu > 0.0 && mu < 1.0) {
            return None;
        }
        let dev = deviance(mu, s1, s0);
        if !dev.is_finite() {
            return None;
        }
        if (dev - devold).abs() / (dev.abs() + 0.1) < 1e-8 {
            return Some((coef, mu, mu_eta(coef)));
        }
        devold = dev;
        // next IRLS step with a constant mu: Σ a z / Σ a
        let me = mu_eta(coef);
        coef += (s1 - mu * sw) / (me * sw);
    }
    // not converged in 25 iterations: R keeps the last fit (with a warning)
    Some((coef, linkinv(coef), mu_eta(coef)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converges_near_logit_p() {
        // 30 records of weight 1, 9 with y = 1: p = 0.3
        let t = StartTerms::new(1.0);
        let (a, a_z, dev) = (30.0 * t.a, (9.0 - 21.0) * t.a_z, 30.0 * t.dev);
        let (coef, mu, me) = fitted_intercept(a, a_z, dev, 9.0, 30.0).unwrap();
        assert!((mu - 0.3).abs() < 1e-6);
        let exact = (0.3_f64 / 0.7).ln();
        assert!((coef - exact).abs() < 1e-6, "{coef} vs {exact}");
        assert!((me - 0.21).abs() < 1e-6);
        assert!(fitted_intercept(0.0, 0.0, 0.0, 0.0, 0.0).is_none());
    }
}

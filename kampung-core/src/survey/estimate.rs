//! Means, proportions, ratios and totals of domains with their Taylor
//! (linearised) standard errors, as R's `svymean`, `svyciprop`, `svyratio`,
//! `svytotal` and `svyvar` within `svyby` compute them (SURVEY.md § Ratio /
//! mean / proportion of a domain, § Design effect).
//!
//! Every statistic is computed for every level of every domain in two passes
//! over the records, whatever the number of domains.

use super::design::{at_row, push_capped, truncated, Design, LonelyPsu};
use super::interval::{logit_interval, two_se_interval, wald_interval, Interval};
use super::logit::{fitted_intercept, StartTerms};
use crate::error::{
    Error, ErrorCode, FieldError, FieldPath, PathSegment, ShapeError, ValidationErrors,
};
use serde::Serialize;

/// A set of domains (subpopulations) estimated inside the whole design: the
/// records outside a domain keep their PSU and stratum and contribute zero,
/// as R's `subset(design, …)` and `svyby(…, design, …)` do (SURVEY.md).
#[derive(Clone, Copy, Debug)]
pub enum Domain<'a> {
    /// The whole sample (one level).
    All,
    /// The records where the mask is `true` (one level; R's
    /// `subset(design, mask)`).
    Mask(&'a [bool]),
    /// One level per group: record `i` belongs to level `codes[i]` when it
    /// is below `levels`, and to no level otherwise (use
    /// [`Domain::NO_GROUP`]), as R's `svyby(…, ~group, …)` with
    /// `drop.empty.groups = FALSE` (an empty level has no estimate).
    Groups {
        /// Level of each record.
        codes: &'a [u32],
        /// Number of levels.
        levels: u32,
    },
}

impl Domain<'_> {
    /// The code of a record that belongs to no group (R: a missing value of
    /// the `by` variable).
    pub const NO_GROUP: u32 = u32::MAX;

    /// Number of levels.
    pub fn levels(&self) -> usize {
        match self {
            Domain::All | Domain::Mask(_) => 1,
            Domain::Groups { levels, .. } => *levels as usize,
        }
    }

    #[inline]
    fn level(&self, i: usize) -> Option<usize> {
        match self {
            Domain::All => Some(0),
            Domain::Mask(m) => m[i].then_some(0),
            Domain::Groups { codes, levels } => {
                let c = codes[i];
                (c < *levels).then_some(c as usize)
            }
        }
    }

    fn len(&self) -> Option<usize> {
        match self {
            Domain::All => None,
            Domain::Mask(m) => Some(m.len()),
            Domain::Groups { codes, .. } => Some(codes.len()),
        }
    }
}

/// What to estimate from which column(s); NaN is a missing value, and a
/// record with a missing value is left out of that statistic's domains (R's
/// `na.rm = TRUE`).
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum Statistic<'a> {
    /// Weighted mean `Σ w y / Σ w` (R `svymean`).
    Mean(&'a [f64]),
    /// A mean of 0/1 values (any other value is the error
    /// `survey_not_binary`); use [`Estimate::logit`] for R's
    /// `svyciprop(method = "logit")` interval.
    Proportion(&'a [f64]),
    /// Weighted total `Σ w y` (R `svytotal`).
    Total(&'a [f64]),
    /// Ratio `Σ w y / Σ w x` (R `svyratio`); a record needs both values.
    Ratio {
        /// `y`.
        numerator: &'a [f64],
        /// `x`.
        denominator: &'a [f64],
    },
    /// Values the caller computes per record (for data not held as `f64`
    /// columns, e.g. indicators derived on the fly), estimated as `kind`.
    /// Their values are not checked (a proportion's must be 0 or 1).
    Custom {
        /// How the values are estimated.
        kind: Kind,
        /// The values.
        values: &'a dyn RecordValues,
    },
}

/// Per-record values of a [`Statistic::Custom`].
pub trait RecordValues: Sync {
    /// Number of records (must equal the design's).
    fn len(&self) -> usize;

    /// True when there are no records.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `(y, x)` of record `i`, or None when missing: `x` is the ratio's
    /// denominator, and 1 for a mean, proportion or total.
    fn value(&self, i: usize) -> Option<(f64, f64)>;
}

impl std::fmt::Debug for dyn RecordValues + '_ {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RecordValues({} records)", self.len())
    }
}

/// Which kind of statistic an [`Estimate`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// [`Statistic::Mean`].
    Mean,
    /// [`Statistic::Proportion`].
    Proportion,
    /// [`Statistic::Total`].
    Total,
    /// [`Statistic::Ratio`].
    Ratio,
}

impl Statistic<'_> {
    fn kind(&self) -> Kind {
        match self {
            Statistic::Mean(_) => Kind::Mean,
            Statistic::Proportion(_) => Kind::Proportion,
            Statistic::Total(_) => Kind::Total,
            Statistic::Ratio { .. } => Kind::Ratio,
            Statistic::Custom { kind, .. } => *kind,
        }
    }

    /// `(numerator, denominator)` of record `i`, or None when missing.
    #[inline]
    fn values(&self, i: usize) -> Option<(f64, f64)> {
        match self {
            Statistic::Mean(y) | Statistic::Proportion(y) | Statistic::Total(y) => {
                let v = y[i];
                (!v.is_nan()).then_some((v, 1.0))
            }
            Statistic::Ratio {
                numerator,
                denominator,
            } => {
                let (a, b) = (numerator[i], denominator[i]);
                (!a.is_nan() && !b.is_nan()).then_some((a, b))
            }
            Statistic::Custom { values, .. } => values.value(i),
        }
    }

    fn columns(&self) -> [Option<(&'static str, &[f64])>; 2] {
        match self {
            Statistic::Mean(y) => [Some(("mean", y)), None],
            Statistic::Proportion(y) => [Some(("proportion", y)), None],
            Statistic::Total(y) => [Some(("total", y)), None],
            Statistic::Ratio {
                numerator,
                denominator,
            } => [
                Some(("numerator", numerator)),
                Some(("denominator", denominator)),
            ],
            Statistic::Custom { .. } => [None, None],
        }
    }
}

/// One statistic in one domain level.
///
/// Missing numbers are NaN: the estimate when the level has no record with a
/// value (or its weights sum to 0), the standard error and the intervals
/// then too, `deff` and `svyvar` when they are undefined (see each field).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Estimate {
    /// The kind of statistic.
    pub kind: Kind,
    /// The mean, proportion (0-1), total or ratio.
    pub estimate: f64,
    /// Taylor-linearised standard error (first stage, with replacement).
    pub se: f64,
    /// Design effect `V / V_srs` (R `deff = "replace"`; DEFT = √deff):
    /// `V_srs = s² / n` with `n` the records with a value and non-zero
    /// weight (SURVEY.md § Design effect). NaN when `n < 2` or `V_srs = 0`.
    pub deff: f64,
    /// Records of the level with a value (any weight): the unweighted N.
    pub n: u64,
    /// Of those, the records with a non-zero weight (R's `nobs`).
    pub n_positive: u64,
    /// `Σ w` over the records of the level with a value: the weighted N.
    pub weighted_n: f64,
    /// Records of the level with a non-zero weight, with or without a value.
    pub domain_n: u64,
    /// Estimated population variance of the values in the level, as R's
    /// `svyby(~y, ~g, design, svyvar, na.rm = TRUE)`:
    /// `Σ w (y − ȳ)² / Σ w · m / (m − 1)` over the records with a value,
    /// where — R's quirk, SURVEY.md § Z-score SD — `m` is
    /// [`Estimate::domain_n`], which counts records whose value is missing.
    /// NaN for ratios and when `m < 2`.
    pub svyvar: f64,
    /// `Σ w (y − ȳ)² / Σ w` over the records of the level with a value (for
    /// a ratio `Σ w (y − R x)² / Σ w`): the weighted variance without a
    /// small-sample factor, from which other conventions are derived
    /// (`· n / (n − 1)` for the SD over the records with a value).
    pub mean_sq_dev: f64,
    /// For a proportion strictly between 0 and 1: the intercept of R's
    /// logistic fit behind `svyciprop(method = "logit")` (`logit(p)` to
    /// about 1e-9, as R's iterations leave it; see `logit.rs`), else NaN.
    pub logit_coef: f64,
    /// Its standard error (the linearised SE of the proportion over
    /// `mu.eta` at the fit, as R's `svyglm`).
    pub logit_se: f64,
    /// Design degrees of freedom (of the whole design).
    pub df: i64,
}

impl Estimate {
    /// Standard deviation of the values, `√svyvar`.
    pub fn sd(&self) -> f64 {
        self.svyvar.sqrt()
    }

    /// DEFT, `√deff`.
    pub fn deft(&self) -> f64 {
        self.deff.sqrt()
    }

    /// Wald interval with Student t on the design df (R
    /// `confint(svyby(…), df = degf(design))`).
    pub fn wald(&self, level: f64) -> Interval {
        self.wald_with_df(level, self.df as f64)
    }

    /// Wald interval with Student t on `df` degrees of freedom
    /// (`f64::INFINITY` for the normal quantile).
    pub fn wald_with_df(&self, level: f64, df: f64) -> Interval {
        wald_interval(self.estimate, self.se, df, level)
    }

    /// Logit interval of a proportion (R `svyciprop(method = "logit",
    /// df = degf(design))`), see [`logit_interval`].
    pub fn logit(&self, level: f64) -> Interval {
        self.logit_with_df(level, self.df as f64)
    }

    /// Logit interval with `df` degrees of freedom, as R's `svyciprop`:
    /// `expit(c ± t · s)` with `c`, `s` = [`Estimate::logit_coef`],
    /// [`Estimate::logit_se`] (R's fitted intercept); `[p, p]` at 0 and 1;
    /// [`logit_interval`] (exact `logit(p)`) when there is no fit.
    pub fn logit_with_df(&self, level: f64, df: f64) -> Interval {
        let p = self.estimate;
        if self.logit_coef.is_nan() || p == 0.0 || p == 1.0 {
            return logit_interval(p, self.se, df, level);
        }
        let t = super::interval::t_multiplier(level, df);
        if t.is_nan() {
            return Interval::MISSING;
        }
        let expit = |x: f64| 1.0 / (1.0 + (-x).exp());
        Interval {
            low: expit(self.logit_coef - t * self.logit_se),
            high: expit(self.logit_coef + t * self.logit_se),
        }
    }

    /// `estimate ± 2 SE` (the DHS appendix convention).
    pub fn two_se(&self) -> Interval {
        two_se_interval(self.estimate, self.se)
    }
}

/// The estimates of [`estimate`]: one [`Estimate`] per statistic, domain and
/// level.
#[derive(Clone, Debug)]
pub struct Estimates {
    /// `offsets[s * n_domains + d]`: first index of (statistic s, domain d).
    offsets: Vec<usize>,
    n_domains: usize,
    values: Vec<Estimate>,
    df: i64,
}

impl Estimates {
    /// The estimates of statistic `statistic` (index in the call) for every
    /// level of domain `domain`.
    ///
    /// # Panics
    /// When an index is out of range (a programming error).
    pub fn levels(&self, statistic: usize, domain: usize) -> &[Estimate] {
        let k = statistic * self.n_domains + domain;
        &self.values[self.offsets[k]..self.offsets[k + 1]]
    }

    /// One estimate, or None when an index is out of range.
    pub fn get(&self, statistic: usize, domain: usize, level: usize) -> Option<&Estimate> {
        let k = statistic * self.n_domains + domain;
        let start = *self.offsets.get(k)?;
        let end = *self.offsets.get(k + 1)?;
        self.values.get(start..end)?.get(level)
    }

    /// Design degrees of freedom.
    pub fn df(&self) -> i64 {
        self.df
    }

    /// Appends the statistics of `other` (same design and domains, e.g. a
    /// second [`estimate`] call run on another thread) after these: its
    /// statistic `s` becomes `self`'s `n + s`.
    ///
    /// # Panics
    /// When the two were made with a different number of domains (a
    /// programming error).
    pub fn append(&mut self, other: Estimates) {
        assert_eq!(
            self.n_domains, other.n_domains,
            "Estimates::append: domains differ"
        );
        let shift = self.values.len();
        self.offsets.pop();
        self.offsets.extend(other.offsets.iter().map(|o| o + shift));
        self.values.extend(other.values);
    }
}

/// Per (statistic, domain, level) sums of the first pass.
#[derive(Clone, Copy, Default)]
struct First {
    /// Σ w·x (x = 1 for a mean, proportion or total).
    w_den: f64,
    /// Σ w·y.
    w_num: f64,
    /// Σ w.
    w: f64,
    n: u64,
    n_positive: u64,
}

/// Estimates every statistic for every level of every domain, inside the
/// whole `design`.
///
/// ```
/// use kampung_core::survey::{estimate, Design, Domain, Statistic};
/// let y = [1.0, 0.0, 1.0, 1.0, f64::NAN, 0.0];
/// let sex = [0, 1, 0, 1, 0, 1];
/// let w = [2.0, 1.0, 1.0, 2.0, 1.0, 1.0];
/// let design = Design::builder(6).weights(&w).psu(&[1, 1, 2, 2, 3, 3]).build().unwrap();
/// let est = estimate(
///     &design,
///     &[Statistic::Proportion(&y)],
///     &[Domain::All, Domain::Groups { codes: &sex, levels: 2 }],
/// ).unwrap();
/// let all = est.levels(0, 0)[0];
/// assert!((all.estimate - 5.0 / 7.0).abs() < 1e-15);
/// assert_eq!((all.n, all.weighted_n), (5, 7.0));
/// let girls = est.levels(0, 1)[0];
/// assert_eq!(girls.estimate, 1.0);
/// ```
///
/// # Errors
/// [`Error::Shape`] when a column or domain has another length than the
/// design; `not_finite` (path `statistics[s].<column>[i]`) for an infinite
/// value; `survey_not_binary` for a proportion's value other than 0 or 1.
pub fn estimate(
    design: &Design<'_>,
    statistics: &[Statistic<'_>],
    domains: &[Domain<'_>],
) -> Result<Estimates, Error> {
    let n = design.len();
    check(n, statistics, domains)?;
    // ---- slots: (statistic, domain, level) ------------------------------
    let n_domains = domains.len();
    let mut offsets = Vec::with_capacity(statistics.len() * n_domains + 1);
    let mut total = 0usize;
    for _ in statistics {
        for d in domains {
            offsets.push(total);
            total += d.levels();
        }
    }
    offsets.push(total);
    // domain d's level l of statistic s is slot base[s*D+d] + l.
    let base = &offsets;
    let mut level_of: Vec<Option<usize>> = vec![None; n_domains];

    // ---- pass 1: weighted sums per slot -----------------------------------
    let mut first = vec![First::default(); total];
    let domain_base: Vec<usize> = {
        let mut v = Vec::with_capacity(n_domains + 1);
        let mut acc = 0;
        for d in domains {
            v.push(acc);
            acc += d.levels();
        }
        v.push(acc);
        v
    };
    let mut domain_n = vec![0u64; domain_base[n_domains]];
    // all records of a level and their weights: R's svyglm rescales the
    // weights to mean 1 over them (svyciprop, see `logit.rs`)
    let mut domain_rows = vec![0u64; domain_base[n_domains]];
    let mut domain_w = vec![0.0f64; domain_base[n_domains]];
    for i in 0..n {
        let w = design.weight(i);
        let mut any = false;
        for (slot, d) in level_of.iter_mut().zip(domains) {
            *slot = d.level(i);
            any |= slot.is_some();
        }
        if !any {
            continue;
        }
        for (d, l) in level_of.iter().enumerate() {
            if let Some(l) = l {
                let k = domain_base[d] + l;
                domain_n[k] += u64::from(w != 0.0);
                domain_rows[k] += 1;
                domain_w[k] += w;
            }
        }
        for (s, st) in statistics.iter().enumerate() {
            let Some((y, x)) = st.values(i) else { continue };
            for (d, l) in level_of.iter().enumerate() {
                if let Some(l) = l {
                    let f = &mut first[base[s * n_domains + d] + l];
                    f.w_den += w * x;
                    f.w_num += w * y;
                    f.w += w;
                    f.n += 1;
                    f.n_positive += u64::from(w != 0.0);
                }
            }
        }
    }
    let kinds: Vec<Kind> = statistics.iter().map(Statistic::kind).collect();
    let slot_kind = |slot: usize| -> Kind {
        // slots are statistic-major: per_stat slots per statistic
        let per_stat = domain_base[n_domains];
        kinds[slot.checked_div(per_stat).unwrap_or(0)]
    };
    // estimate and centre of the scores
    let est: Vec<f64> = (0..total)
        .map(|k| {
            let f = &first[k];
            match slot_kind(k) {
                Kind::Total => {
                    if f.n == 0 {
                        f64::NAN
                    } else {
                        f.w_num
                    }
                }
                _ => f.w_num / f.w_den,
            }
        })
        .collect();
    // centre c of the values for svyvar / deff: ȳ for a total, else est
    let centre: Vec<f64> = (0..total)
        .map(|k| match slot_kind(k) {
            Kind::Total => first[k].w_num / first[k].w,
            _ => est[k],
        })
        .collect();

    // ---- pass 2: PSU totals of the scores, stratum by stratum ---------------
    let lonely = design.options().lonely_psu;
    let mut psu_u = vec![0.0f64; total];
    let mut psu_mark = vec![false; total];
    let mut psu_list: Vec<u32> = Vec::new();
    let mut st_sum = vec![0.0f64; total];
    let mut st_sq = vec![0.0f64; total];
    let mut st_mark = vec![false; total];
    let mut st_list: Vec<u32> = Vec::new();
    let mut var = vec![0.0f64; total];
    let mut present = vec![0u32; total];
    let mut ok = vec![0u32; total];
    let mut sq_dev = vec![0.0f64; total];
    // first IRLS iteration of R's svyciprop fit, per proportion slot
    let any_proportion = kinds.contains(&Kind::Proportion);
    let glm_len = if any_proportion { total } else { 0 };
    let mut glm = vec![StartTerms::default(); glm_len];
    let mut start: Vec<Option<StartTerms>> = vec![None; n_domains];
    // last (level slot, weight) → terms per domain: weights repeat within
    // PSUs and unweighted designs have one weight
    let mut last_start: Vec<(usize, f64, StartTerms)> =
        vec![(usize::MAX, f64::NAN, StartTerms::default()); n_domains];
    let inv_den: Vec<f64> = first.iter().map(|f| 1.0 / f.w_den).collect();
    let srs = design.is_srs();
    // R centres the fit's scores on its fitted mu, not on p: the PSU sums
    // of w/W (s0) give the variance at any centre (SURVEY.md, logit.rs)
    let mut psu_s0 = vec![0.0f64; glm_len];
    let mut st_s0 = vec![0.0f64; glm_len];
    let mut st_s0sq = vec![0.0f64; glm_len];
    let mut st_cross = vec![0.0f64; glm_len];
    let mut cross = vec![0.0f64; glm_len];
    let mut s0var = vec![0.0f64; glm_len];
    for h in 0..design.n_strata() {
        let psus = design.stratum_psus(h);
        let n_h = psus.len();
        for p in psus {
            for k in design.psu_records(p) {
                let i = design.record_at(k);
                let mut any = false;
                for (slot, d) in level_of.iter_mut().zip(domains) {
                    *slot = d.level(i);
                    any |= slot.is_some();
                }
                if !any {
                    continue;
                }
                let w = design.weight(i);
                if any_proportion {
                    for (((t, l), b), last) in start
                        .iter_mut()
                        .zip(&level_of)
                        .zip(&domain_base)
                        .zip(&mut last_start)
                    {
                        *t = match l {
                            Some(l) if w > 0.0 => {
                                let k = b + l;
                                if last.0 != k || last.1 != w {
                                    let mean_w = domain_w[k] / domain_rows[k] as f64;
                                    *last = (k, w, StartTerms::new(w / mean_w));
                                }
                                Some(last.2)
                            }
                            _ => None,
                        };
                    }
                }
                for (s, st) in statistics.iter().enumerate() {
                    let Some((y, x)) = st.values(i) else { continue };
                    let total_kind = kinds[s] == Kind::Total;
                    let proportion = kinds[s] == Kind::Proportion;
                    for (d, l) in level_of.iter().enumerate() {
                        let Some(l) = l else { continue };
                        let slot = base[s * n_domains + d] + l;
                        let s0 = if proportion { w * inv_den[slot] } else { 0.0 };
                        if proportion {
                            if let Some(t) = start[d] {
                                let g = &mut glm[slot];
                                g.a += t.a;
                                g.a_z += if y == 1.0 { t.a_z } else { -t.a_z };
                                g.dev += t.dev;
                            }
                        }
                        let u = if total_kind {
                            w * y
                        } else {
                            w * (y - est[slot] * x) * inv_den[slot]
                        };
                        let dev = y - centre[slot] * x;
                        sq_dev[slot] += w * dev * dev;
                        if srs {
                            // every record is its own PSU: its score is the PSU total
                            st_sum[slot] += u;
                            st_sq[slot] += u * u;
                            if proportion {
                                st_s0[slot] += s0;
                                st_s0sq[slot] += s0 * s0;
                                st_cross[slot] += u * s0;
                            }
                            if !st_mark[slot] {
                                st_mark[slot] = true;
                                st_list.push(slot as u32);
                            }
                        } else {
                            psu_u[slot] += u;
                            if proportion {
                                psu_s0[slot] += s0;
                            }
                            if !psu_mark[slot] {
                                psu_mark[slot] = true;
                                psu_list.push(slot as u32);
                            }
                        }
                    }
                }
            }
            for &slot in &psu_list {
                let s = slot as usize;
                let u = psu_u[s];
                st_sum[s] += u;
                st_sq[s] += u * u;
                psu_u[s] = 0.0;
                if any_proportion {
                    let s0 = psu_s0[s];
                    st_s0[s] += s0;
                    st_s0sq[s] += s0 * s0;
                    st_cross[s] += u * s0;
                    psu_s0[s] = 0.0;
                }
                psu_mark[s] = false;
                if !st_mark[s] {
                    st_mark[s] = true;
                    st_list.push(slot);
                }
            }
            psu_list.clear();
        }
        for &slot in &st_list {
            let s = slot as usize;
            present[s] += 1;
            if n_h > 1 {
                let m = n_h as f64;
                var[s] += m / (m - 1.0) * (st_sq[s] - st_sum[s] * st_sum[s] / m);
                if any_proportion {
                    cross[s] += m / (m - 1.0) * (st_cross[s] - st_sum[s] * st_s0[s] / m);
                    s0var[s] += m / (m - 1.0) * (st_s0sq[s] - st_s0[s] * st_s0[s] / m);
                }
                ok[s] += 1;
            } else {
                match lonely {
                    // not centred: the PSU total itself (survey:::onestrat)
                    LonelyPsu::Adjust => {
                        var[s] += st_sq[s];
                        if any_proportion {
                            cross[s] += st_cross[s];
                            s0var[s] += st_s0sq[s];
                        }
                        ok[s] += 1;
                    }
                    LonelyPsu::Remove | LonelyPsu::Certainty | LonelyPsu::Fail => ok[s] += 1,
                    LonelyPsu::Average => {}
                }
            }
            st_sum[s] = 0.0;
            st_sq[s] = 0.0;
            st_mark[s] = false;
            if any_proportion {
                st_s0[s] = 0.0;
                st_s0sq[s] = 0.0;
                st_cross[s] = 0.0;
            }
        }
        st_list.clear();
    }

    // ---- results ----------------------------------------------------------
    let df = design.df();
    let mut values = Vec::with_capacity(total);
    for (s, _) in statistics.iter().enumerate() {
        for (d, dom) in domains.iter().enumerate() {
            for l in 0..dom.levels() {
                let slot = base[s * n_domains + d] + l;
                let f = &first[slot];
                let kind = kinds[s];
                // R's "average": the strata present, over those not lonely
                let scale = if lonely == LonelyPsu::Average && present[slot] > 0 {
                    if ok[slot] == 0 {
                        f64::NAN
                    } else {
                        f64::from(present[slot]) / f64::from(ok[slot])
                    }
                } else {
                    1.0
                };
                let v = var[slot] * scale;
                let e = est[slot];
                let se = if e.is_nan() {
                    f64::NAN
                } else {
                    v.max(0.0).sqrt()
                };
                // V_srs (R deff = "replace"), SURVEY.md § Design effect
                let nobs = f.n_positive as f64;
                let vsrs = match kind {
                    Kind::Total => nobs / (nobs - 1.0) * sq_dev[slot] * f.w / nobs,
                    _ => nobs / (nobs - 1.0) * sq_dev[slot] * f.w / (f.w_den * f.w_den * nobs),
                };
                let deff = if f.n_positive < 2 || vsrs.is_nan() || vsrs <= 0.0 || e.is_nan() {
                    f64::NAN
                } else {
                    v / vsrs
                };
                // R's svyciprop fit (logit.rs): intercept and its SE
                let (logit_coef, logit_se) = if kind == Kind::Proportion && e > 0.0 && e < 1.0 {
                    let g = &glm[slot];
                    let k = domain_base[d] + l;
                    let mean_w = domain_w[k] / domain_rows[k] as f64;
                    match fitted_intercept(g.a, g.a_z, g.dev, f.w_num / mean_w, f.w / mean_w) {
                        Some((coef, mu, me)) => {
                            let c = e - mu;
                            let v_mu = v + scale * (2.0 * c * cross[slot] + c * c * s0var[slot]);
                            (coef, v_mu.max(0.0).sqrt() / me)
                        }
                        None => (f64::NAN, f64::NAN),
                    }
                } else {
                    (f64::NAN, f64::NAN)
                };
                let m = domain_n[domain_base[d] + l] as f64;
                let svyvar = if kind == Kind::Ratio || m < 2.0 || f.n == 0 {
                    f64::NAN
                } else {
                    sq_dev[slot] / f.w * m / (m - 1.0)
                };
                values.push(Estimate {
                    kind,
                    estimate: e,
                    se,
                    deff,
                    n: f.n,
                    n_positive: f.n_positive,
                    weighted_n: f.w,
                    domain_n: domain_n[domain_base[d] + l],
                    svyvar,
                    mean_sq_dev: sq_dev[slot] / f.w,
                    logit_coef,
                    logit_se,
                    df,
                });
            }
        }
    }
    Ok(Estimates {
        offsets,
        n_domains,
        values,
        df,
    })
}

/// Column lengths and values.
fn check(n: usize, statistics: &[Statistic<'_>], domains: &[Domain<'_>]) -> Result<(), Error> {
    for d in domains {
        if let Some(len) = d.len() {
            if len != n {
                return Err(Error::Shape(ShapeError {
                    column: "domain",
                    actual: len,
                    reference: "design",
                    expected: n,
                }));
            }
        }
    }
    let mut errors = ValidationErrors::new();
    for (s, st) in statistics.iter().enumerate() {
        if let Statistic::Custom { values, .. } = st {
            if values.len() != n {
                return Err(Error::Shape(ShapeError {
                    column: "custom",
                    actual: values.len(),
                    reference: "design",
                    expected: n,
                }));
            }
        }
        for (name, col) in st.columns().into_iter().flatten() {
            if col.len() != n {
                return Err(Error::Shape(ShapeError {
                    column: name,
                    actual: col.len(),
                    reference: "design",
                    expected: n,
                }));
            }
            let binary = matches!(st, Statistic::Proportion(_));
            let mut bad = 0usize;
            for (i, &v) in col.iter().enumerate() {
                let code = if v.is_infinite() {
                    ErrorCode::NotFinite
                } else if binary && !(v.is_nan() || v == 0.0 || v == 1.0) {
                    ErrorCode::SurveyNotBinary
                } else {
                    continue;
                };
                push_capped(&mut errors, &mut bad, || {
                    let e = at_row(name, i, code);
                    let mut path = FieldPath::field("statistics");
                    path.push(PathSegment::Index(u32::try_from(s).unwrap_or(u32::MAX)));
                    for seg in e.path().segments() {
                        path.push(seg.clone());
                    }
                    FieldError::new(code).with_path(path)
                });
            }
            truncated(&mut errors, bad);
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::survey::DesignOptions;

    /// Hand computation: SRS of 4, mean of y = 1, 2, 3, 6 (equal weights):
    /// p = 3, scores (y − 3)/4, V = 4/3 · Σ((y − 3)/4)² = 4/3 · 14/16.
    #[test]
    fn srs_mean_by_hand() {
        let y = [1.0, 2.0, 3.0, 6.0];
        let d = Design::srs(4).unwrap();
        let e = estimate(&d, &[Statistic::Mean(&y)], &[Domain::All]).unwrap();
        let m = e.levels(0, 0)[0];
        assert_eq!(m.estimate, 3.0);
        assert!((m.se - (4.0 / 3.0 * 14.0 / 16.0_f64).sqrt()).abs() < 1e-15);
        // s² = 14/3, V_srs = s²/4 = V: deff 1
        assert!((m.deff - 1.0).abs() < 1e-14);
        assert!((m.svyvar - 14.0 / 3.0).abs() < 1e-14);
        assert_eq!(m.df, 3);
    }

    #[test]
    fn domain_outside_records_count_as_zero_psus() {
        // Two strata of 2 PSUs; domain only in PSU 1 of stratum 1.
        let y = [1.0, 3.0, 5.0, 7.0];
        let mask = [true, false, false, false];
        let d = Design::builder(4)
            .psu(&[1, 2, 3, 4])
            .strata(&[1, 1, 2, 2])
            .build()
            .unwrap();
        let e = estimate(&d, &[Statistic::Total(&y)], &[Domain::Mask(&mask)]).unwrap();
        let t = e.levels(0, 0)[0];
        assert_eq!(t.estimate, 1.0);
        // stratum 1: U = (1, 0), mean 0.5, 2/1 · (0.25 + 0.25) = 1
        assert!((t.se - 1.0).abs() < 1e-15);
    }

    #[test]
    fn empty_level_is_missing_and_bad_values_are_errors() {
        let y = [1.0, 0.0, 2.0];
        let codes = [0, 0, Domain::NO_GROUP];
        let d = Design::srs(3).unwrap();
        let e = estimate(
            &d,
            &[Statistic::Mean(&y)],
            &[Domain::Groups {
                codes: &codes,
                levels: 2,
            }],
        )
        .unwrap();
        let empty = e.levels(0, 0)[1];
        assert!(empty.estimate.is_nan() && empty.se.is_nan() && empty.n == 0);
        assert!(!empty.wald(0.95).is_defined());
        let Err(Error::Validation(v)) = estimate(&d, &[Statistic::Proportion(&y)], &[Domain::All])
        else {
            panic!()
        };
        assert_eq!(v.errors()[0].code(), ErrorCode::SurveyNotBinary);
        assert_eq!(
            v.errors()[0].path().to_string(),
            "statistics[0].proportion[2]"
        );
        let inf = [1.0, f64::INFINITY, 0.0];
        let Err(Error::Validation(v)) = estimate(&d, &[Statistic::Mean(&inf)], &[Domain::All])
        else {
            panic!()
        };
        assert_eq!(v.errors()[0].code(), ErrorCode::NotFinite);
        assert!(matches!(
            estimate(&d, &[Statistic::Mean(&y[..2])], &[Domain::All]),
            Err(Error::Shape(_))
        ));
        let short = [true];
        assert!(matches!(
            estimate(&d, &[Statistic::Mean(&y)], &[Domain::Mask(&short)]),
            Err(Error::Shape(_))
        ));
    }

    #[test]
    fn lonely_options_differ_only_in_the_lonely_stratum() {
        let y = [1.0, 2.0, 4.0, 8.0];
        let run = |opt| {
            let d = Design::builder(4)
                .psu(&[1, 2, 3, 4])
                .strata(&[1, 2, 2, 2])
                .options(DesignOptions::new().with_lonely_psu(opt))
                .build()
                .unwrap();
            estimate(&d, &[Statistic::Total(&y)], &[Domain::All])
                .unwrap()
                .levels(0, 0)[0]
                .se
        };
        let (adj, rem, cer, avg) = (
            run(LonelyPsu::Adjust),
            run(LonelyPsu::Remove),
            run(LonelyPsu::Certainty),
            run(LonelyPsu::Average),
        );
        // stratum 2: (2, 4, 8), mean 14/3; 3/2 · Σ(u − 14/3)² = 3/2 · 56/3 = 28
        assert!((rem * rem - 28.0).abs() < 1e-12);
        assert_eq!(rem, cer);
        // adjust: + 1² (total scores are not centred)
        assert!((adj * adj - 29.0).abs() < 1e-12);
        // average: 28 · 2 strata / 1 ok stratum
        assert!((avg * avg - 56.0).abs() < 1e-12);
    }
}

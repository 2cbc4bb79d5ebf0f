//! A sampling design: weights, primary sampling units (PSUs, clusters) and
//! strata, as R's `survey::svydesign(ids = ~psu, strata = ~stratum,
//! weights = ~w, nest = …)` with a first-stage, with-replacement variance
//! (`shared/design/SURVEY.md` § Design).

use crate::error::{
    Error, ErrorCode, FieldError, FieldPath, PathSegment, ShapeError, ValidationErrors,
};
use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::Hash;

/// At most this many problems of one column are listed; the rest are
/// counted in one `errors_truncated` error.
pub(crate) const MAX_LISTED_ERRORS: usize = 50;

/// What to do with a stratum that has a single PSU (R's
/// `options(survey.lonely.psu = …)`, read in `survey:::onestrat`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LonelyPsu {
    /// `"adjust"` (what WHO anthro sets, the default here): the single PSU's
    /// total is not centred on its stratum mean but on 0, so a lonely stratum
    /// contributes `U²` (for a mean or ratio, whose scores sum to 0 over the
    /// design, that is centring on the design's mean of PSU totals).
    #[default]
    Adjust,
    /// `"fail"`: a design with a lonely stratum is an error
    /// (`survey_lonely_psu`). R fails only when an estimate touches that
    /// stratum; kampung fails when the design is built.
    Fail,
    /// `"remove"`: the lonely stratum contributes no variance.
    Remove,
    /// `"certainty"`: the lonely PSU is sampled with certainty and contributes
    /// no variance (for a first-stage variance the same number as `Remove`).
    Certainty,
    /// `"average"`: lonely strata contribute nothing and the variance of the
    /// other strata is scaled by (strata in the estimate's records) /
    /// (those strata with more than one PSU).
    Average,
}

impl LonelyPsu {
    /// Parses R's option name (`adjust`, `fail`, `remove`, `certainty`,
    /// `average`), case-insensitive.
    ///
    /// # Errors
    /// `invalid_code` (path `lonely_psu`) for any other name.
    pub fn parse(s: &str) -> Result<LonelyPsu, FieldError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "adjust" => Ok(LonelyPsu::Adjust),
            "fail" => Ok(LonelyPsu::Fail),
            "remove" => Ok(LonelyPsu::Remove),
            "certainty" => Ok(LonelyPsu::Certainty),
            "average" => Ok(LonelyPsu::Average),
            _ => Err(FieldError::at("lonely_psu", ErrorCode::InvalidCode)
                .with_param("allowed", "adjust, fail, remove, certainty, average")),
        }
    }

    /// R's option name.
    pub const fn as_str(self) -> &'static str {
        match self {
            LonelyPsu::Adjust => "adjust",
            LonelyPsu::Fail => "fail",
            LonelyPsu::Remove => "remove",
            LonelyPsu::Certainty => "certainty",
            LonelyPsu::Average => "average",
        }
    }
}

/// Options of a [`Design`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DesignOptions {
    /// PSU ids are unique only within a stratum (R's `nest = TRUE`): the PSU
    /// is the pair (stratum, PSU id). Without it, a PSU id found in two
    /// strata is the error `survey_psu_not_nested`, as in R.
    pub nest: bool,
    /// Handling of strata with a single PSU.
    pub lonely_psu: LonelyPsu,
}

impl DesignOptions {
    /// Not nested, lonely PSU `adjust`.
    pub fn new() -> DesignOptions {
        DesignOptions::default()
    }
    /// Sets [`DesignOptions::nest`].
    pub fn with_nest(mut self, nest: bool) -> DesignOptions {
        self.nest = nest;
        self
    }
    /// Sets [`DesignOptions::lonely_psu`].
    pub fn with_lonely_psu(mut self, lonely_psu: LonelyPsu) -> DesignOptions {
        self.lonely_psu = lonely_psu;
        self
    }
}

/// A PSU or stratum identifier: anything hashable, with a notion of
/// "missing" (a missing id is the error `survey_id_missing`, as in R).
pub trait DesignId: Hash + Eq {
    /// True when the id is missing (NaN, `None`).
    fn is_missing(&self) -> bool {
        false
    }
}

macro_rules! ids_never_missing {
    ($($t:ty),*) => { $( impl DesignId for $t {} )* };
}
ids_never_missing!(i8, i16, i32, i64, u8, u16, u32, u64, usize, String, str, char, bool);

impl<T: DesignId + ?Sized> DesignId for &T {
    fn is_missing(&self) -> bool {
        (**self).is_missing()
    }
}

impl<T: DesignId> DesignId for Option<T> {
    fn is_missing(&self) -> bool {
        self.as_ref().is_none_or(DesignId::is_missing)
    }
}

/// A numeric id read from a floating-point column (as R reads a numeric
/// `cluster` or `strata` column): equal when numerically equal (so `0.0` and
/// `-0.0` are one id); NaN is missing.
#[derive(Clone, Copy, Debug)]
pub struct NumberId(pub f64);

impl PartialEq for NumberId {
    fn eq(&self, other: &NumberId) -> bool {
        self.0 == other.0 || (self.0.is_nan() && other.0.is_nan())
    }
}
impl Eq for NumberId {}
impl Hash for NumberId {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        // +0.0 for -0.0, so that equal numbers hash equally.
        let v = if self.0 == 0.0 { 0.0_f64 } else { self.0 };
        v.to_bits().hash(state);
    }
}
impl DesignId for NumberId {
    fn is_missing(&self) -> bool {
        self.0.is_nan()
    }
}

/// Builds a [`Design`] from columns; see [`Design::builder`].
#[derive(Debug)]
pub struct DesignBuilder<'w> {
    n: usize,
    weights: Option<&'w [f64]>,
    psu: Option<Result<Vec<u32>, Error>>,
    strata: Option<Result<Vec<u32>, Error>>,
    options: DesignOptions,
}

/// A sampling design over `n` records (see the module documentation).
///
/// Internally the records are visited PSU by PSU and stratum by stratum (a
/// permutation is kept only when the input is not already in such runs),
/// so that every estimate needs two passes over the records whatever the
/// number of domains.
#[derive(Clone, Debug)]
pub struct Design<'w> {
    n: usize,
    weights: Option<Cow<'w, [f64]>>,
    /// Record positions in visiting order (None: identity).
    order: Option<Vec<u32>>,
    /// Per PSU (in visiting order), the end of its records in `order`;
    /// None when every record is its own PSU.
    psu_end: Option<Vec<u32>>,
    /// Per stratum (in visiting order), the end of its PSUs.
    stratum_psu_end: Vec<u32>,
    df: i64,
    options: DesignOptions,
}

impl<'w> Design<'w> {
    /// A builder for a design over `n` records. Without weights every weight
    /// is 1; without PSUs every record is its own PSU; without strata there
    /// is one stratum (SURVEY.md § Design).
    ///
    /// ```
    /// use kampung_core::survey::{Design, DesignOptions, LonelyPsu};
    /// let w = [1.5, 2.0, 1.0, 3.0];
    /// let design = Design::builder(4)
    ///     .weights(&w)
    ///     .psu(&[1, 1, 2, 3])
    ///     .strata(&["a", "a", "b", "b"])
    ///     .options(DesignOptions::new().with_lonely_psu(LonelyPsu::Adjust))
    ///     .build()
    ///     .unwrap();
    /// assert_eq!((design.n_psu(), design.n_strata(), design.df()), (3, 2, 1));
    /// ```
    pub fn builder(n: usize) -> DesignBuilder<'w> {
        DesignBuilder {
            n,
            weights: None,
            psu: None,
            strata: None,
            options: DesignOptions::default(),
        }
    }

    /// Simple random sampling of `n` records with equal weights (R:
    /// `svydesign(ids = ~1)`).
    ///
    /// # Errors
    /// `survey_empty` when `n` is 0.
    pub fn srs(n: usize) -> Result<Design<'static>, Error> {
        Design::builder(n).build()
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.n
    }

    /// True when the design has no records (never: [`DesignBuilder::build`]
    /// rejects an empty design).
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The weight of record `i` (1 when the design has no weights).
    #[inline]
    pub fn weight(&self, i: usize) -> f64 {
        match &self.weights {
            Some(w) => w[i],
            None => 1.0,
        }
    }

    /// The weights, when given.
    pub fn weights(&self) -> Option<&[f64]> {
        self.weights.as_deref()
    }

    /// Number of PSUs (records when no PSU column was given).
    pub fn n_psu(&self) -> usize {
        self.psu_end.as_ref().map_or(self.n, Vec::len)
    }

    /// Number of strata.
    pub fn n_strata(&self) -> usize {
        self.stratum_psu_end.len()
    }

    /// Design degrees of freedom: PSUs minus strata, counting only those with
    /// a record of non-zero weight (R's `degf(design)`), over the whole
    /// design, also for domain estimates.
    pub fn df(&self) -> i64 {
        self.df
    }

    /// The options the design was built with.
    pub fn options(&self) -> DesignOptions {
        self.options
    }

    /// True when every record is its own PSU (no PSU column).
    #[inline]
    pub(crate) fn is_srs(&self) -> bool {
        self.psu_end.is_none()
    }

    /// Record position at visiting position `k`.
    #[inline]
    pub(crate) fn record_at(&self, k: usize) -> usize {
        match &self.order {
            Some(o) => o[k] as usize,
            None => k,
        }
    }

    /// Visiting-position range of the records of PSU `p`.
    #[inline]
    pub(crate) fn psu_records(&self, p: usize) -> std::ops::Range<usize> {
        match &self.psu_end {
            Some(end) => {
                let start = if p == 0 { 0 } else { end[p - 1] as usize };
                start..end[p] as usize
            }
            None => p..p + 1,
        }
    }

    /// PSU range of stratum `h`, and its number of PSUs.
    #[inline]
    pub(crate) fn stratum_psus(&self, h: usize) -> std::ops::Range<usize> {
        let start = if h == 0 {
            0
        } else {
            self.stratum_psu_end[h - 1] as usize
        };
        start..self.stratum_psu_end[h] as usize
    }
}

impl<'w> DesignBuilder<'w> {
    /// Sampling weights (`w_i ≥ 0`, finite; a weight of 0 keeps the record in
    /// the design, as R does, but out of every estimate and of the df).
    pub fn weights(mut self, weights: &'w [f64]) -> DesignBuilder<'w> {
        self.weights = Some(weights);
        self
    }

    /// PSU (cluster) ids, one per record.
    pub fn psu<K: DesignId>(mut self, ids: &[K]) -> DesignBuilder<'w> {
        self.psu = Some(factorize("psu", ids, self.n));
        self
    }

    /// Stratum ids, one per record.
    pub fn strata<K: DesignId>(mut self, ids: &[K]) -> DesignBuilder<'w> {
        self.strata = Some(factorize("strata", ids, self.n));
        self
    }

    /// Design options (nesting, lonely PSUs).
    pub fn options(mut self, options: DesignOptions) -> DesignBuilder<'w> {
        self.options = options;
        self
    }

    /// Checks the columns and builds the design.
    ///
    /// # Errors
    /// [`Error::Shape`] when a column's length differs from `n`;
    /// [`Error::Validation`] with `survey_empty` (no records),
    /// `survey_weight_invalid` (negative, NaN or infinite weight, at
    /// `weights[i]`), `survey_id_missing` (`psu[i]`, `strata[i]`),
    /// `survey_psu_not_nested` (a PSU id in two strata without `nest`, at
    /// `psu[i]` of its first record in the second stratum) or
    /// `survey_lonely_psu` (a stratum with one PSU under
    /// [`LonelyPsu::Fail`], at `strata[i]` of its first record).
    pub fn build(self) -> Result<Design<'w>, Error> {
        let n = self.n;
        if n == 0 {
            return Err(FieldError::new(ErrorCode::SurveyEmpty).into());
        }
        if u32::try_from(n).is_err() {
            return Err(FieldError::new(ErrorCode::OutOfRange)
                .with_param("min", 1_i64)
                .with_param("max", i64::from(u32::MAX))
                .into());
        }
        let mut errors = ValidationErrors::new();
        if let Some(w) = self.weights {
            if w.len() != n {
                return Err(shape("weights", w.len(), n));
            }
            let mut bad = 0usize;
            for (i, &x) in w.iter().enumerate() {
                if !(x >= 0.0 && x.is_finite()) {
                    push_capped(&mut errors, &mut bad, || {
                        at_row("weights", i, ErrorCode::SurveyWeightInvalid)
                    });
                }
            }
            truncated(&mut errors, bad);
        }
        let psu = self.psu.transpose()?;
        let strata = self.strata.transpose()?;
        if !errors.is_empty() {
            return Err(errors.into());
        }
        // ---- PSU of each record, nested in strata -----------------------
        let stratum_of = |i: usize| strata.as_ref().map_or(0, |s| s[i]);
        let n_strata = strata
            .as_ref()
            .map_or(1, |s| s.iter().max().map_or(0, |m| *m as usize + 1));
        // psu_key[i]: a dense PSU index over the whole design.
        let (psu_index, n_psu, psu_stratum): (Option<Vec<u32>>, usize, Vec<u32>) = match &psu {
            None => (None, n, Vec::new()),
            Some(ids) => {
                let mut stratum_of_psu: Vec<u32> = Vec::new();
                let mut index = Vec::with_capacity(n);
                if self.options.nest {
                    let mut map: HashMap<(u32, u32), u32> = HashMap::new();
                    for (i, &p) in ids.iter().enumerate() {
                        let h = stratum_of(i);
                        let next = u32::try_from(map.len()).unwrap_or(u32::MAX);
                        let k = *map.entry((h, p)).or_insert_with(|| {
                            stratum_of_psu.push(h);
                            next
                        });
                        index.push(k);
                    }
                } else {
                    let n_ids = ids.iter().max().map_or(0, |m| *m as usize + 1);
                    stratum_of_psu = vec![u32::MAX; n_ids];
                    let mut bad = 0usize;
                    for (i, &p) in ids.iter().enumerate() {
                        let h = stratum_of(i);
                        let slot = &mut stratum_of_psu[p as usize];
                        if *slot == u32::MAX {
                            *slot = h;
                        } else if *slot != h {
                            push_capped(&mut errors, &mut bad, || {
                                at_row("psu", i, ErrorCode::SurveyPsuNotNested)
                            });
                        }
                        index.push(p);
                    }
                    truncated(&mut errors, bad);
                    if !errors.is_empty() {
                        return Err(errors.into());
                    }
                }
                let count = stratum_of_psu.len();
                (Some(index), count, stratum_of_psu)
            }
        };
        // ---- PSUs per stratum, lonely strata, df --------------------------
        let psu_stratum_of = |p: usize| -> u32 {
            if psu_index.is_some() {
                psu_stratum[p]
            } else {
                stratum_of(p)
            }
        };
        let mut psus_in_stratum = vec![0u32; n_strata];
        for p in 0..n_psu {
            psus_in_stratum[psu_stratum_of(p) as usize] += 1;
        }
        if self.options.lonely_psu == LonelyPsu::Fail {
            let mut bad = 0usize;
            let mut reported = vec![false; n_strata];
            for i in 0..n {
                let h = stratum_of(i) as usize;
                if psus_in_stratum[h] == 1 && !reported[h] {
                    reported[h] = true;
                    push_capped(&mut errors, &mut bad, || {
                        at_row("strata", i, ErrorCode::SurveyLonelyPsu)
                    });
                }
            }
            truncated(&mut errors, bad);
            if !errors.is_empty() {
                return Err(errors.into());
            }
        }
        let df = {
            let mut psu_pos = vec![false; n_psu];
            let mut stratum_pos = vec![false; n_strata];
            for i in 0..n {
                let w = self.weights.map_or(1.0, |w| w[i]);
                if w != 0.0 {
                    let p = psu_index.as_ref().map_or(i, |x| x[i] as usize);
                    psu_pos[p] = true;
                    stratum_pos[stratum_of(i) as usize] = true;
                }
            }
            let count = |v: &[bool]| v.iter().filter(|&&b| b).count();
            i64::try_from(count(&psu_pos)).unwrap_or(i64::MAX)
                - i64::try_from(count(&stratum_pos)).unwrap_or(i64::MAX)
        };
        // ---- visiting order: strata, then PSUs, then records --------------
        // Rank PSUs by (stratum, first appearance); then counting-sort records.
        let mut psu_rank = vec![0u32; n_psu];
        let mut stratum_psu_end = vec![0u32; n_strata];
        {
            let mut next_in_stratum: Vec<u32> = Vec::with_capacity(n_strata);
            let mut acc = 0u32;
            for (h, &c) in psus_in_stratum.iter().enumerate() {
                next_in_stratum.push(acc);
                acc += c;
                stratum_psu_end[h] = acc;
            }
            // PSUs in order of first appearance within their stratum.
            let mut seen = vec![false; n_psu];
            for i in 0..n {
                let p = psu_index.as_ref().map_or(i, |x| x[i] as usize);
                if !seen[p] {
                    seen[p] = true;
                    let h = psu_stratum_of(p) as usize;
                    psu_rank[p] = next_in_stratum[h];
                    next_in_stratum[h] += 1;
                }
            }
        }
        let rank_of = |i: usize| psu_rank[psu_index.as_ref().map_or(i, |x| x[i] as usize)];
        let in_order = (1..n).all(|i| rank_of(i) >= rank_of(i - 1));
        let (order, psu_end) = match &psu_index {
            None => {
                let order = (!in_order).then(|| {
                    let mut o = vec![0u32; n];
                    for i in 0..n {
                        o[psu_rank[i] as usize] = u32::try_from(i).unwrap_or(u32::MAX);
                    }
                    o
                });
                (order, None)
            }
            Some(_) => {
                let mut size = vec![0u32; n_psu];
                for i in 0..n {
                    size[rank_of(i) as usize] += 1;
                }
                let mut end = Vec::with_capacity(n_psu);
                let mut acc = 0u32;
                for s in &size {
                    acc += s;
                    end.push(acc);
                }
                let order = (!in_order).then(|| {
                    let mut next: Vec<u32> = end.iter().zip(&size).map(|(e, s)| e - s).collect();
                    let mut o = vec![0u32; n];
                    for i in 0..n {
                        let r = rank_of(i) as usize;
                        o[next[r] as usize] = u32::try_from(i).unwrap_or(u32::MAX);
                        next[r] += 1;
                    }
                    o
                });
                (order, Some(end))
            }
        };
        Ok(Design {
            n,
            weights: self.weights.map(Cow::Borrowed),
            order,
            psu_end,
            stratum_psu_end,
            df,
            options: self.options,
        })
    }
}

fn shape(column: &'static str, actual: usize, expected: usize) -> Error {
    Error::Shape(ShapeError {
        column,
        actual,
        reference: "n",
        expected,
    })
}

/// `column[row]`.
pub(crate) fn at_row(column: &'static str, row: usize, code: ErrorCode) -> FieldError {
    let mut path = FieldPath::field(column);
    path.push(PathSegment::Index(u32::try_from(row).unwrap_or(u32::MAX)));
    FieldError::new(code).with_path(path)
}

/// Pushes the error made by `make` unless [`MAX_LISTED_ERRORS`] were listed;
/// counts it in `bad` either way.
pub(crate) fn push_capped(
    errors: &mut ValidationErrors,
    bad: &mut usize,
    make: impl FnOnce() -> FieldError,
) {
    if *bad < MAX_LISTED_ERRORS {
        errors.push(make());
    }
    *bad += 1;
}

/// Adds `errors_truncated` when more than [`MAX_LISTED_ERRORS`] were counted.
pub(crate) fn truncated(errors: &mut ValidationErrors, bad: usize) {
    if bad > MAX_LISTED_ERRORS {
        errors.push(
            FieldError::new(ErrorCode::ErrorsTruncated)
                .with_param("count", bad - MAX_LISTED_ERRORS),
        );
    }
}

/// Dense codes `0..k` in order of first appearance; a missing id is an error.
fn factorize<K: DesignId>(column: &'static str, ids: &[K], n: usize) -> Result<Vec<u32>, Error> {
    if ids.len() != n {
        return Err(shape(column, ids.len(), n));
    }
    let mut map: HashMap<&K, u32> = HashMap::new();
    let mut out = Vec::with_capacity(n);
    let mut errors = ValidationErrors::new();
    let mut bad = 0usize;
    let mut last: Option<(&K, u32)> = None;
    for (i, id) in ids.iter().enumerate() {
        if id.is_missing() {
            push_capped(&mut errors, &mut bad, || {
                at_row(column, i, ErrorCode::SurveyIdMissing)
            });
            out.push(0);
            continue;
        }
        // Survey files are usually sorted by cluster: skip the hash on runs.
        if let Some((k, code)) = last {
            if k == id {
                out.push(code);
                continue;
            }
        }
        let next = u32::try_from(map.len()).unwrap_or(u32::MAX);
        let code = *map.entry(id).or_insert(next);
        last = Some((id, code));
        out.push(code);
    }
    truncated(&mut errors, bad);
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visiting_order_groups_strata_and_psus() {
        let d = Design::builder(6)
            .psu(&[3, 1, 3, 2, 1, 2])
            .strata(&["b", "a", "b", "a", "a", "a"])
            .build()
            .unwrap();
        assert_eq!((d.n_psu(), d.n_strata(), d.df()), (3, 2, 1));
        // stratum "b" first (first appearance), its PSU 3 = records 0, 2.
        let recs: Vec<Vec<usize>> = (0..d.n_psu())
            .map(|p| d.psu_records(p).map(|k| d.record_at(k)).collect())
            .collect();
        assert_eq!(recs, vec![vec![0, 2], vec![1, 4], vec![3, 5]]);
        assert_eq!(d.stratum_psus(0), 0..1);
        assert_eq!(d.stratum_psus(1), 1..3);
    }

    #[test]
    fn sorted_input_keeps_no_permutation() {
        let d = Design::builder(4).psu(&[7, 7, 9, 9]).build().unwrap();
        assert!(d.order.is_none());
        let d = Design::srs(3).unwrap();
        assert!(d.order.is_none() && d.psu_end.is_none());
        assert_eq!(d.df(), 2);
    }

    #[test]
    fn not_nested_is_an_error_and_nest_fixes_it() {
        let err = Design::builder(4)
            .psu(&[1, 2, 1, 2])
            .strata(&[1, 1, 2, 2])
            .build()
            .unwrap_err();
        let Error::Validation(v) = err else { panic!() };
        assert_eq!(v.errors()[0].code(), ErrorCode::SurveyPsuNotNested);
        assert_eq!(v.errors()[0].path().to_string(), "psu[2]");
        let d = Design::builder(4)
            .psu(&[1, 2, 1, 2])
            .strata(&[1, 1, 2, 2])
            .options(DesignOptions::new().with_nest(true))
            .build()
            .unwrap();
        assert_eq!((d.n_psu(), d.df()), (4, 2));
    }

    #[test]
    fn bad_weights_missing_ids_and_lonely_fail() {
        let w = [1.0, -1.0, f64::NAN, f64::INFINITY];
        let Error::Validation(v) = Design::builder(4).weights(&w).build().unwrap_err() else {
            panic!()
        };
        let paths: Vec<String> = v.errors().iter().map(|e| e.path().to_string()).collect();
        assert_eq!(paths, ["weights[1]", "weights[2]", "weights[3]"]);
        let ids = [NumberId(1.0), NumberId(f64::NAN)];
        let Error::Validation(v) = Design::builder(2).psu(&ids).build().unwrap_err() else {
            panic!()
        };
        assert_eq!(v.errors()[0].code(), ErrorCode::SurveyIdMissing);
        let Error::Validation(v) = Design::builder(3)
            .psu(&[1, 2, 3])
            .strata(&[1, 1, 2])
            .options(DesignOptions::new().with_lonely_psu(LonelyPsu::Fail))
            .build()
            .unwrap_err()
        else {
            panic!()
        };
        assert_eq!(v.errors()[0].code(), ErrorCode::SurveyLonelyPsu);
        assert_eq!(v.errors()[0].path().to_string(), "strata[2]");
        assert!(matches!(
            Design::builder(3).weights(&[1.0]).build(),
            Err(Error::Shape(_))
        ));
        assert!(matches!(Design::srs(0), Err(Error::Validation(_))));
    }

    #[test]
    fn many_errors_are_capped() {
        let w = vec![-1.0; 80];
        let Error::Validation(v) = Design::builder(80).weights(&w).build().unwrap_err() else {
            panic!()
        };
        assert_eq!(v.len(), MAX_LISTED_ERRORS + 1);
        assert_eq!(
            v.errors()[MAX_LISTED_ERRORS].code(),
            ErrorCode::ErrorsTruncated
        );
    }

    #[test]
    fn zero_weights_do_not_count_in_df() {
        let w = [0.0, 1.0, 1.0, 0.0];
        let d = Design::builder(4)
            .weights(&w)
            .psu(&[1, 2, 3, 4])
            .build()
            .unwrap();
        assert_eq!(d.df(), 1);
        assert_eq!(d.n_psu(), 4);
    }
}

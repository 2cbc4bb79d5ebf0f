//! Prevalence tables of child malnutrition exactly as WHO anthro's
//! `anthro_prevalence` computes them (anthro 1.1.0.9000; read as a
//! specification: `R/prevalence.R`, `R/prevalence-survey.R`,
//! `R/prevalence-simple.R`, `R/prevalence-hybrid-sw.R`, `R/utils.R`), from
//! kampung's own exact z-scores ([`super::zscores_2006`]) and the survey
//! engine ([`crate::survey`]).
//!
//! For every group (`All`, age group, sex, age + sex, and the optional
//! area, region, wealth quintile, maternal education and other grouping)
//! and every indicator (height-for-age `HA`, weight-for-age `WA`,
//! BMI-for-age `BMI`, weight-for-height `WH`): the weighted and unweighted
//! number of children with a usable z-score, the prevalence below −3, −2,
//! −1 and above +1, +2, +3 SD with SE and 95 % interval, the z-score mean
//! with SE and interval, and the z-score SD; plus stunted and wasted
//! (`HA_2_WH_2`) and stunted and overweight (`HA_2_WH2`).
//!
//! anthro's rules, all applied here:
//! * age in whole days, rounded half up (`age × 30.4375` with
//!   `is_age_in_month`); children above 1,826 days are left out (note
//!   `prevalence_age_excluded`); a missing age keeps the child in `All`;
//!   age groups 00-05, 06-11, 12-23, 24-35, 36-47, 48-59 months from
//!   `days / 30.4375`;
//! * a flagged z-score is missing (WHO_GROWTH.md §1.11);
//! * oedema: the weight-based z-scores are missing for the means and SDs,
//!   and count as −3.1 (so below −3, −2, −1) for the prevalences and
//!   sizes, even without a weight or an age;
//! * rows with a missing cluster or stratum are left out
//!   (`prevalence_design_missing`); a missing weight is 0
//!   (`prevalence_weight_missing`); a wealth quintile other than 1-5 /
//!   Q1-Q5 is missing (`prevalence_wealthq_invalid`);
//! * the three computation paths ([`Method`]) and their group orders (see
//!   `PREVALENCE.md` in this folder for where they disagree).
//!
//! Where kampung differs from anthro on purpose (only for inputs anthro
//! rejects or silently recycles) is listed in `PREVALENCE.md`.

#[cfg(feature = "csv")]
mod csv;
pub(crate) mod groups;
mod table;

#[cfg(feature = "csv")]
pub use self::csv::{prevalence_csv, quality_csv, ChildrenCsv, CsvColumns, CsvSummary};
pub use groups::GroupValues;
pub(crate) use table::format_number;
pub use table::{column_names, LongRow, PrevalenceTable, INDICATORS};

use super::codes::{
    MEASURE_HEIGHT, MEASURE_LENGTH, MEASURE_MISSING, SEX_FEMALE, SEX_MALE, SEX_MISSING,
};
use super::round::round_half_up;
#[cfg(not(target_arch = "wasm32"))]
use super::zscores_2006_threaded;
use super::{Columns2006, Input2006, RowError, Tables2006, ZscoreOptions, DAYS_PER_MONTH};
use crate::error::{Error, ErrorCode, FieldError, ShapeError};
use crate::survey::{at_row, push_capped, truncated};
use crate::survey::{
    estimate, Design, DesignId, DesignOptions, Domain, Kind, LonelyPsu, NumberId, RecordValues,
    Statistic,
};
use groups::{Grouping, Order};
use serde::Serialize;

/// PSU (cluster) or stratum ids of the children.
#[derive(Clone, Copy, Debug)]
pub enum Ids<'a> {
    /// Numbers (as anthro takes them); NaN is missing.
    Numbers(&'a [f64]),
    /// Text; `None` is missing.
    Text(&'a [Option<&'a str>]),
}

impl Ids<'_> {
    fn len(&self) -> usize {
        match self {
            Ids::Numbers(v) => v.len(),
            Ids::Text(v) => v.len(),
        }
    }
    fn is_missing(&self, i: usize) -> bool {
        match self {
            Ids::Numbers(v) => v[i].is_nan(),
            Ids::Text(v) => v[i].is_none(),
        }
    }
}

/// The columns of `anthro_prevalence` (same names and meaning), already
/// parsed (see [`super::codes`]): one value per child, every given column
/// as long as `sex` (anthro recycles shorter columns silently; kampung
/// requires equal lengths).
#[derive(Clone, Copy, Debug, Default)]
pub struct PrevalenceInput<'a> {
    /// 1 male, 2 female, 0 missing.
    pub sex: &'a [u8],
    /// Age in days (months with `age_in_month`); NaN missing.
    pub age: &'a [f64],
    /// `age` is in months (anthro's `is_age_in_month`).
    pub age_in_month: bool,
    /// Weight, kg.
    pub weight: Option<&'a [f64]>,
    /// Length or height, cm.
    pub lenhei: Option<&'a [f64]>,
    /// `b'l'`, `b'h'`, 0 missing.
    pub measure: Option<&'a [u8]>,
    /// Oedema (absent: none).
    pub oedema: Option<&'a [bool]>,
    /// Sampling weights (`sw`): ≥ 0; NaN is set to 0 as anthro does.
    pub sw: Option<&'a [f64]>,
    /// Cluster (PSU) ids.
    pub cluster: Option<Ids<'a>>,
    /// Stratum ids.
    pub strata: Option<Ids<'a>>,
    /// Type of residence (group "Area").
    pub typeres: Option<GroupValues<'a>>,
    /// Geographical region.
    pub gregion: Option<GroupValues<'a>>,
    /// Wealth quintile: 1-5 or Q1-Q5 (others missing).
    pub wealthq: Option<GroupValues<'a>>,
    /// Maternal education.
    pub mothered: Option<GroupValues<'a>>,
    /// Any other grouping ("Other grouping").
    pub othergr: Option<GroupValues<'a>>,
}

/// anthro's three ways of computing the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Method {
    /// No weights, clusters or strata (`R/prevalence-simple.R`): simple
    /// random sampling formulas; intervals with t on `N − 1` df (N: all
    /// children in the table); prevalence intervals on the logit scale with
    /// the binomial variance `1 / (n p (1 − p)) · N / (N − 1)`; groups in
    /// order of first appearance with an `NA` group.
    Simple,
    /// Weights only (`R/prevalence-hybrid-sw.R`): prevalences as the
    /// survey path with a weights-only design; z-score means, SEs and SDs
    /// by weighted SRS formulas, intervals with t on `N − 1` df; groups as
    /// [`Method::Simple`].
    Weighted,
    /// A cluster or strata given (`R/prevalence-survey.R`): R's `survey`
    /// package (lonely PSU `adjust`), groups sorted, no `NA` group.
    Survey,
}

impl Method {
    /// `simple`, `weighted` or `survey` (the serialised name).
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Simple => "simple",
            Method::Weighted => "weighted",
            Method::Survey => "survey",
        }
    }
}

/// Which method to use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum MethodChoice {
    /// As anthro chooses: [`Method::Survey`] when a cluster or strata
    /// column is given, [`Method::Weighted`] when only weights are, else
    /// [`Method::Simple`].
    #[default]
    Auto,
    /// Always the survey path (anthro's internal option
    /// `anthro.internal.compute_method = "survey"`).
    Survey,
}

impl MethodChoice {
    /// Parses `auto` or `survey` (case-insensitive).
    ///
    /// # Errors
    /// `invalid_code` (path `method`) for any other name.
    pub fn parse(s: &str) -> Result<MethodChoice, FieldError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(MethodChoice::Auto),
            "survey" => Ok(MethodChoice::Survey),
            _ => Err(FieldError::at("method", ErrorCode::InvalidCode)
                .with_param("allowed", "auto, survey")),
        }
    }
}

/// Options of [`prevalence`].
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct PrevalenceOptions {
    /// Method (default: as anthro chooses).
    pub method: MethodChoice,
    /// Cluster ids are unique only within a stratum (R `nest = TRUE`).
    /// Default `false`, as anthro: a cluster id in two strata is the error
    /// `survey_psu_not_nested`.
    pub nest: bool,
    /// Strata with one PSU (default `adjust`, as anthro sets).
    pub lonely_psu: LonelyPsu,
    /// Confidence level of the intervals (default 0.95, anthro's).
    pub level: f64,
    /// Threads for the z-scores (default 1).
    pub threads: usize,
}

impl Default for PrevalenceOptions {
    fn default() -> Self {
        PrevalenceOptions {
            method: MethodChoice::Auto,
            nest: false,
            lonely_psu: LonelyPsu::Adjust,
            level: 0.95,
            threads: 1,
        }
    }
}

impl PrevalenceOptions {
    /// anthro's defaults.
    pub fn new() -> PrevalenceOptions {
        PrevalenceOptions::default()
    }
    /// Sets [`PrevalenceOptions::method`].
    pub fn with_method(mut self, method: MethodChoice) -> Self {
        self.method = method;
        self
    }
    /// Sets [`PrevalenceOptions::nest`].
    pub fn with_nest(mut self, nest: bool) -> Self {
        self.nest = nest;
        self
    }
    /// Sets [`PrevalenceOptions::lonely_psu`].
    pub fn with_lonely_psu(mut self, lonely_psu: LonelyPsu) -> Self {
        self.lonely_psu = lonely_psu;
        self
    }
    /// Sets [`PrevalenceOptions::level`].
    pub fn with_level(mut self, level: f64) -> Self {
        self.level = level;
        self
    }
    /// Sets [`PrevalenceOptions::threads`].
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = threads.max(1);
        self
    }
}

/// A z-score in hundredths (the z-scores are rounded to 2 decimals, and
/// `k as f64 / 100.0` is bit-identical to anthro's rounded value); the
/// used, unflagged values lie within ±6.
pub(crate) type Hundredths = i16;
pub(crate) const Z_NA: Hundredths = Hundredths::MIN;
/// anthro's stand-in z-score of a child with oedema (`R/prevalence.R`).
const OEDEMA_Z: Hundredths = -310;

/// The children kept for the table, compactly.
pub(crate) struct Children {
    /// zlen, zwei, zbmi, zwfl in hundredths (flagged and oedema: missing).
    pub z: [Vec<Hundredths>; 4],
    pub oedema: Vec<bool>,
    /// Per child, bit `k` set: indicator `k` has a z-score (flagged or not).
    pub scored: Vec<u8>,
    /// Per child, bit `k` set: indicator `k`'s z-score is flagged.
    pub flagged: Vec<u8>,
}

/// Index of an indicator in [`Children::z`] and in the table: HA, WA, BMI,
/// WH (anthro's column order).
const HA: usize = 0;
const WH: usize = 3;

impl Children {
    /// anthro's `z*_aux`: −3.1 for oedema (weight-based indicators).
    #[inline]
    fn prev(&self, ind: usize, i: usize) -> Hundredths {
        if ind != HA && self.oedema[i] {
            OEDEMA_Z
        } else {
            self.z[ind][i]
        }
    }
}

/// One statistic of the table as per-child values for the engine.
struct Value<'c> {
    children: &'c Children,
    ind: usize,
    what: What,
}

#[derive(Clone, Copy)]
enum What {
    /// `z < k/100` (below) or `z > k/100` on the prevalence z.
    Cut { below: bool, k: Hundredths },
    /// The z-score itself (summary z: oedema missing).
    Mean,
    /// zlen < −2 and zwfl_aux < −2 (`wasted`) or > 2.
    Combined { wasted: bool },
}

impl RecordValues for Value<'_> {
    fn len(&self) -> usize {
        self.children.oedema.len()
    }
    #[inline]
    fn value(&self, i: usize) -> Option<(f64, f64)> {
        let c = self.children;
        match self.what {
            What::Cut { below, k } => {
                let z = c.prev(self.ind, i);
                if z == Z_NA {
                    return None;
                }
                let hit = if below { z < k } else { z > k };
                Some((f64::from(u8::from(hit)), 1.0))
            }
            What::Mean => {
                let z = c.z[self.ind][i];
                (z != Z_NA).then(|| (f64::from(z) / 100.0, 1.0))
            }
            What::Combined { wasted } => {
                let (l, h) = (c.z[HA][i], c.prev(WH, i));
                if l == Z_NA || h == Z_NA {
                    return None;
                }
                let hit = l < -200 && if wasted { h < -200 } else { h > 200 };
                Some((f64::from(u8::from(hit)), 1.0))
            }
        }
    }
}

/// The six cut-offs: −3, −2, −1 (below) and +1, +2, +3 (above) SD.
const CUTS: [(bool, Hundredths); 6] = [
    (true, -300),
    (true, -200),
    (true, -100),
    (false, 100),
    (false, 200),
    (false, 300),
];

/// anthro's age groups (`anthro_age_groups`, `R/utils.R`): months
/// `[0, 6), [6, 12), [12, 24), [24, 36), [36, 48), [48, 60)`.
const AGE_GROUPS: [&str; 6] = [
    "00-05 mo", "06-11 mo", "12-23 mo", "24-35 mo", "36-47 mo", "48-59 mo",
];

fn age_group(days: f64) -> u32 {
    if days.is_nan() {
        return Domain::NO_GROUP;
    }
    let months = days / DAYS_PER_MONTH;
    let breaks = [6.0, 12.0, 24.0, 36.0, 48.0, 60.0];
    if months < 0.0 {
        return Domain::NO_GROUP;
    }
    breaks
        .iter()
        .position(|&b| months < b)
        .map_or(Domain::NO_GROUP, |k| {
            u32::try_from(k).unwrap_or(Domain::NO_GROUP)
        })
}

const WEALTH_LEVELS: [&str; 5] = ["Q1: Poorest", "Q2", "Q3", "Q4", "Q5: Richest"];

/// anthro's wealth quintile: `1`-`5` or `Q1`-`Q5` (of R's `as.character`),
/// else missing (with a note when a value was given).
fn wealth_code(label: Option<&str>) -> Result<u32, ()> {
    match label {
        None => Ok(Domain::NO_GROUP),
        Some(s) => match s {
            "1" | "Q1" => Ok(0),
            "2" | "Q2" => Ok(1),
            "3" | "Q3" => Ok(2),
            "4" | "Q4" => Ok(3),
            "5" | "Q5" => Ok(4),
            _ => Err(()),
        },
    }
}

/// The value of child `i` of a grouping column as R's `as.character`.
pub(crate) fn group_label(v: &GroupValues<'_>, i: usize) -> Option<String> {
    match v {
        GroupValues::Text(t) => t[i].map(str::to_owned),
        GroupValues::Numbers(x) => (!x[i].is_nan()).then(|| groups::r_number_label(x[i])),
        GroupValues::Coded { codes, labels }
        | GroupValues::Factor {
            codes,
            levels: labels,
        } => labels.get(codes[i] as usize).map(|s| (*s).to_owned()),
    }
}

fn shape(column: &'static str, actual: usize, expected: usize) -> Error {
    Error::Shape(ShapeError {
        column,
        actual,
        reference: "sex",
        expected,
    })
}

/// Computes WHO anthro's prevalence table (`anthro_prevalence`).
///
/// Returns the table and the notes: one [`RowError`] per problem of a
/// row — the z-score problems of [`super::zscores_2006`], rows left out
/// (`prevalence_row_excluded` for an invalid sex or measure code or a
/// negative or infinite age, which anthro rejects for the whole call;
/// `prevalence_age_excluded`; `prevalence_design_missing`), and
/// `prevalence_weight_missing`, `prevalence_wealthq_invalid`.
///
/// ```
/// use kampung_core::growth::prevalence::{prevalence, PrevalenceInput, PrevalenceOptions};
/// let input = PrevalenceInput {
///     sex: &[1, 2, 1, 2],
///     age: &[400.0, 800.0, 1200.0, 1600.0],
///     weight: Some(&[9.0, 11.5, 14.0, 15.5]),
///     lenhei: Some(&[70.0, 82.0, 94.0, 101.0]),
///     ..Default::default()
/// };
/// let (table, notes) = prevalence(&input, &PrevalenceOptions::new()).unwrap();
/// assert_eq!(table.groups[0], "All");
/// assert_eq!(table.column("HAZ_unwpop").unwrap()[0], 4.0);
/// assert!(notes.is_empty());
/// ```
///
/// # Errors
/// [`Error::Shape`] for columns of unequal length; `survey_weight_invalid`
/// (negative or infinite `sw`, at `sw[i]`; anthro stops too),
/// `survey_psu_not_nested`, `survey_lonely_psu` (with
/// [`LonelyPsu::Fail`]), and `survey_empty` when no child is left.
pub fn prevalence(
    input: &PrevalenceInput<'_>,
    options: &PrevalenceOptions,
) -> Result<(PrevalenceTable, Vec<RowError>), Error> {
    let n = input.sex.len();
    check_lengths(input, n)?;
    let mut notes: Vec<RowError> = Vec::new();
    // ---- weights: negative / infinite is an error (anthro stops) ----------
    if let Some(sw) = input.sw {
        let mut errors = crate::error::ValidationErrors::new();
        let mut bad = 0usize;
        for (i, &w) in sw.iter().enumerate() {
            if w < 0.0 || w.is_infinite() {
                push_capped(&mut errors, &mut bad, || {
                    at_row("sw", i, ErrorCode::SurveyWeightInvalid)
                });
            }
        }
        truncated(&mut errors, bad);
        if !errors.is_empty() {
            return Err(errors.into());
        }
    }
    let (keep, kept, days) = select_rows(input, &mut notes);
    let m = kept.len();
    if m == 0 {
        return Err(FieldError::new(ErrorCode::SurveyEmpty).into());
    }
    // ---- z-scores (kampung's exact ones), in chunks -------------------------
    let children = zscores(input, &keep, &kept, options.threads, &mut notes)?;
    // ---- weights of the kept children ---------------------------------------
    let sw: Option<Vec<f64>> = input.sw.map(|sw| {
        kept.iter()
            .map(|&i| {
                let w = sw[i];
                if w.is_nan() {
                    notes.push(RowError::new(
                        i,
                        FieldError::at("sw", ErrorCode::PrevalenceWeightMissing),
                    ));
                    0.0
                } else {
                    w
                }
            })
            .collect()
    });
    let method = match options.method {
        MethodChoice::Survey => Method::Survey,
        MethodChoice::Auto if input.cluster.is_some() || input.strata.is_some() => Method::Survey,
        MethodChoice::Auto if input.sw.is_some() => Method::Weighted,
        MethodChoice::Auto => Method::Simple,
    };
    let order = if method == Method::Survey {
        Order::Sorted
    } else {
        Order::FirstAppearance
    };
    // ---- groupings -------------------------------------------------------------
    let groupings = groupings(input, &keep, &kept, &days, order, &mut notes);
    // ---- design ---------------------------------------------------------------
    let design_options = DesignOptions::new()
        .with_nest(options.nest)
        .with_lonely_psu(options.lonely_psu);
    let mut builder = Design::builder(m).options(design_options);
    if let Some(w) = &sw {
        builder = builder.weights(w);
    }
    let cluster_ids: Option<Vec<Key>> = match method {
        Method::Survey => input.cluster.map(|c| keys(&c, &kept)),
        _ => None,
    };
    let strata_ids: Option<Vec<Key>> = match method {
        Method::Survey => input.strata.map(|c| keys(&c, &kept)),
        _ => None,
    };
    // anthro: a single cluster means `ids = ~1` (every child its own PSU)
    if let Some(c) = &cluster_ids {
        if c.iter().any(|k| k != &c[0]) {
            builder = builder.psu(c);
        }
    }
    if let Some(s) = &strata_ids {
        builder = builder.strata(s);
    }
    let design = builder.build().map_err(|e| remap_rows(e, &kept))?;
    // ---- statistics -------------------------------------------------------------
    let values: Vec<Value<'_>> = (0..4)
        .flat_map(|ind| {
            CUTS.iter()
                .map(move |&(below, k)| (ind, What::Cut { below, k }))
                .chain(std::iter::once((ind, What::Mean)))
        })
        .chain([
            (HA, What::Combined { wasted: true }),
            (HA, What::Combined { wasted: false }),
        ])
        .map(|(ind, what)| Value {
            children: &children,
            ind,
            what,
        })
        .collect();
    let statistics: Vec<Statistic<'_>> = values
        .iter()
        .map(|v| Statistic::Custom {
            kind: if matches!(v.what, What::Mean) {
                Kind::Mean
            } else {
                Kind::Proportion
            },
            values: v,
        })
        .collect();
    let domains: Vec<Domain<'_>> = groupings.iter().map(Grouping::domain).collect();
    let est = estimate_threaded(&design, &statistics, &domains, options.threads)?;
    let table = table::build(&est, &groupings, method, m, options.level);
    notes.sort_by_key(|e| e.row);
    Ok((table, notes))
}

/// anthro's row selection (`R/prevalence.R`): rows with an invalid code or
/// age are left out (kampung; anthro stops), ages above 1,826 days (after
/// rounding) and rows without cluster or stratum are left out, each with a
/// note. Returns the mask, the kept rows and the ages in whole days.
pub(crate) fn select_rows(
    input: &PrevalenceInput<'_>,
    notes: &mut Vec<RowError>,
) -> (Vec<bool>, Vec<usize>, Vec<f64>) {
    let n = input.sex.len();
    let mut keep = vec![true; n];
    let mut days = vec![f64::NAN; n];
    for i in 0..n {
        let bad_sex = !matches!(input.sex[i], SEX_MISSING | SEX_MALE | SEX_FEMALE);
        let bad_measure = input.measure.is_some_and(|m| {
            !matches!(
                m[i],
                MEASURE_MISSING | MEASURE_LENGTH | MEASURE_HEIGHT | b'L' | b'H'
            )
        });
        let age = input.age[i];
        let bad_age = age < 0.0 || age.is_infinite();
        if bad_sex || bad_measure || bad_age {
            keep[i] = false;
            let field = if bad_sex {
                "sex"
            } else if bad_measure {
                "measure"
            } else {
                "age"
            };
            notes.push(RowError::new(
                i,
                FieldError::at(field, ErrorCode::PrevalenceRowExcluded),
            ));
            continue;
        }
        if !age.is_nan() {
            let d = if input.age_in_month {
                round_half_up(age * DAYS_PER_MONTH)
            } else {
                round_half_up(age)
            };
            days[i] = d;
            if d > 1826.0 {
                keep[i] = false;
                notes.push(RowError::new(
                    i,
                    FieldError::at("age", ErrorCode::PrevalenceAgeExcluded),
                ));
                continue;
            }
        }
        let design_missing = input.cluster.is_some_and(|c| c.is_missing(i))
            || input.strata.is_some_and(|s| s.is_missing(i));
        if design_missing {
            keep[i] = false;
            let col = if input.cluster.is_some_and(|c| c.is_missing(i)) {
                "cluster"
            } else {
                "strata"
            };
            notes.push(RowError::new(
                i,
                FieldError::at(col, ErrorCode::PrevalenceDesignMissing),
            ));
        }
    }
    let kept: Vec<usize> = (0..n).filter(|&i| keep[i]).collect();
    (keep, kept, days)
}

/// [`estimate`] with the statistics split over `threads` scoped threads
/// (each pass over the records does the same work per statistic, so the
/// statistics are what is shared out); results are identical.
fn estimate_threaded(
    design: &Design<'_>,
    statistics: &[Statistic<'_>],
    domains: &[Domain<'_>],
    threads: usize,
) -> Result<crate::survey::Estimates, Error> {
    // no threads in the browser (wasm32 cannot spawn them)
    let k = if cfg!(target_arch = "wasm32") {
        1
    } else {
        threads.clamp(1, statistics.len().max(1))
    };
    if k == 1 || design.len() < 8_000 {
        return estimate(design, statistics, domains);
    }
    let per = statistics.len().div_ceil(k);
    let parts: Vec<Result<crate::survey::Estimates, Error>> = std::thread::scope(|scope| {
        let handles: Vec<_> = statistics
            .chunks(per)
            .map(|chunk| scope.spawn(move || estimate(design, chunk, domains)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(FieldError::new(ErrorCode::SurveyEmpty).into()))
            })
            .collect()
    });
    let mut parts = parts.into_iter();
    let mut all = parts
        .next()
        .unwrap_or_else(|| Err(FieldError::new(ErrorCode::SurveyEmpty).into()))?;
    for p in parts {
        all.append(p?);
    }
    Ok(all)
}

/// A cluster or stratum id of a kept child.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Key {
    Number(NumberId),
    Text(String),
}
impl DesignId for Key {}

fn keys(ids: &Ids<'_>, kept: &[usize]) -> Vec<Key> {
    kept.iter()
        .map(|&i| match ids {
            Ids::Numbers(v) => Key::Number(NumberId(v[i])),
            Ids::Text(v) => Key::Text(v[i].unwrap_or("").to_owned()),
        })
        .collect()
}

/// Errors of the design or of [`prevalence`] name rows of the kept
/// children; map them back to input rows (and the design's column names
/// to anthro's: `psu` → `cluster`, `weights` → `sw`).
pub(crate) fn remap_rows(e: Error, kept: &[usize]) -> Error {
    use crate::error::{FieldPath, PathSegment, ValidationErrors};
    let Error::Validation(v) = e else { return e };
    let mut out = ValidationErrors::new();
    for err in v.into_vec() {
        let mut path = FieldPath::root();
        for seg in err.path().segments() {
            path.push(match seg {
                PathSegment::Field("psu") => PathSegment::Field("cluster"),
                PathSegment::Field("weights") => PathSegment::Field("sw"),
                PathSegment::Index(j) => PathSegment::Index(
                    kept.get(*j as usize)
                        .and_then(|&r| u32::try_from(r).ok())
                        .unwrap_or(*j),
                ),
                other => other.clone(),
            });
        }
        let mut fe = FieldError::new(err.code()).with_path(path);
        for (name, value) in err.params().iter() {
            fe = fe.with_param(name, value.clone());
        }
        out.push(fe);
    }
    Error::Validation(out)
}

pub(crate) fn check_lengths(input: &PrevalenceInput<'_>, n: usize) -> Result<(), Error> {
    let f = |name: &'static str, len: Option<usize>| -> Result<(), Error> {
        match len {
            Some(l) if l != n => Err(shape(name, l, n)),
            _ => Ok(()),
        }
    };
    f("age", Some(input.age.len()))?;
    f("weight", input.weight.map(<[f64]>::len))?;
    f("lenhei", input.lenhei.map(<[f64]>::len))?;
    f("measure", input.measure.map(<[u8]>::len))?;
    f("oedema", input.oedema.map(<[bool]>::len))?;
    f("sw", input.sw.map(<[f64]>::len))?;
    f("cluster", input.cluster.map(|c| c.len()))?;
    f("strata", input.strata.map(|c| c.len()))?;
    f("typeres", input.typeres.map(|c| c.len()))?;
    f("gregion", input.gregion.map(|c| c.len()))?;
    f("wealthq", input.wealthq.map(|c| c.len()))?;
    f("mothered", input.mothered.map(|c| c.len()))?;
    f("othergr", input.othergr.map(|c| c.len()))?;
    Ok(())
}

/// Rows per z-score chunk.
const CHUNK: usize = 1 << 16;

fn hundredths(z: f64) -> Hundredths {
    if z.is_nan() {
        return Z_NA;
    }
    let k = (z * 100.0).round();
    if k.abs() < 30_000.0 {
        #[allow(clippy::cast_possible_truncation)]
        let k = k as Hundredths;
        k
    } else {
        Z_NA
    }
}

/// kampung's z-scores of the kept children with anthro's prevalence rules:
/// flagged values missing; oedema: weight-based values missing.
pub(crate) fn zscores(
    input: &PrevalenceInput<'_>,
    keep: &[bool],
    kept: &[usize],
    threads: usize,
    notes: &mut Vec<RowError>,
) -> Result<Children, Error> {
    let m = kept.len();
    let mut z: [Vec<Hundredths>; 4] = std::array::from_fn(|_| Vec::with_capacity(m));
    let mut oedema = Vec::with_capacity(m);
    let mut scored = Vec::with_capacity(m);
    let mut flagged = Vec::with_capacity(m);
    let tables = Tables2006::bundled();
    let n = input.sex.len();
    let mut out = Columns2006::new(CHUNK.min(n));
    let mut errs: Vec<RowError> = Vec::new();
    let mut start = 0;
    while start < n {
        let end = (start + CHUNK).min(n);
        let len = end - start;
        if out.zlen.len() != len {
            out = Columns2006::new(len);
        }
        let chunk = Input2006 {
            sex: &input.sex[start..end],
            age: &input.age[start..end],
            age_in_month: input.age_in_month,
            weight: input.weight.map(|c| &c[start..end]),
            lenhei: input.lenhei.map(|c| &c[start..end]),
            measure: input.measure.map(|c| &c[start..end]),
            oedema: input.oedema.map(|c| &c[start..end]),
            ..Default::default()
        };
        errs.clear();
        // threads for the z-scores (none on wasm32, which cannot spawn them)
        #[cfg(not(target_arch = "wasm32"))]
        zscores_2006_threaded(
            &chunk,
            &tables,
            ZscoreOptions::default(),
            out.output(),
            &mut errs,
            threads,
        )?;
        #[cfg(target_arch = "wasm32")]
        {
            let _ = threads;
            super::zscores_2006(
                &chunk,
                &tables,
                ZscoreOptions::default(),
                &mut out.output(),
                &mut errs,
            )?;
        }
        for e in errs.drain(..) {
            let row = start + e.row;
            // rows left out have their own note; an age beyond the standard
            // is expected for kept children aged 1826 days and more
            if keep[row] && e.error.code() != ErrorCode::AgeOutsideStandard {
                notes.push(RowError::new(row, e.error));
            }
        }
        for i in 0..len {
            if !keep[start + i] {
                continue;
            }
            let oed = input.oedema.is_some_and(|o| o[start + i]);
            let pick = |zv: f64, f: f64, weight_based: bool| -> Hundredths {
                if f == 1.0 || (weight_based && oed) {
                    Z_NA
                } else {
                    hundredths(zv)
                }
            };
            z[0].push(pick(out.zlen[i], out.flen[i], false));
            z[1].push(pick(out.zwei[i], out.fwei[i], true));
            z[2].push(pick(out.zbmi[i], out.fbmi[i], true));
            z[3].push(pick(out.zwfl[i], out.fwfl[i], true));
            oedema.push(oed);
            let (mut sc, mut fl) = (0u8, 0u8);
            for (k, (zv, f)) in [
                (out.zlen[i], out.flen[i]),
                (out.zwei[i], out.fwei[i]),
                (out.zbmi[i], out.fbmi[i]),
                (out.zwfl[i], out.fwfl[i]),
            ]
            .into_iter()
            .enumerate()
            {
                sc |= u8::from(!zv.is_nan()) << k;
                fl |= u8::from(f == 1.0) << k;
            }
            scored.push(sc);
            flagged.push(fl);
        }
        start = end;
    }
    debug_assert_eq!(oedema.len(), kept.len());
    Ok(Children {
        z,
        oedema,
        scored,
        flagged,
    })
}

/// anthro's groupings over the kept children, in table order; a variable
/// whose values are all missing is left out (anthro's `included_strata`).
pub(crate) fn groupings(
    input: &PrevalenceInput<'_>,
    keep: &[bool],
    kept: &[usize],
    days: &[f64],
    order: Order,
    notes: &mut Vec<RowError>,
) -> Vec<Grouping> {
    let mut out = Vec::new();
    out.push(Grouping::factor("All", vec![0; kept.len()], &["All"]));
    let ages: Vec<u32> = kept.iter().map(|&i| age_group(days[i])).collect();
    let sexes: Vec<u32> = kept
        .iter()
        .map(|&i| match input.sex[i] {
            SEX_FEMALE => 0,
            SEX_MALE => 1,
            _ => Domain::NO_GROUP,
        })
        .collect();
    let age_sex: Vec<u32> = ages
        .iter()
        .zip(&sexes)
        .map(|(&a, &s)| {
            if a == Domain::NO_GROUP || s == Domain::NO_GROUP {
                Domain::NO_GROUP
            } else {
                s * 6 + a
            }
        })
        .collect();
    let age_sex_levels: Vec<String> = ["Female", "Male"]
        .iter()
        .flat_map(|s| AGE_GROUPS.iter().map(move |a| format!("{a}.{s}")))
        .collect();
    let age_sex_refs: Vec<&str> = age_sex_levels.iter().map(String::as_str).collect();
    out.push(Grouping::factor("Age group", ages, &AGE_GROUPS));
    out.push(Grouping::factor("Sex", sexes, &["Female", "Male"]));
    out.push(Grouping::factor("Age + sex", age_sex, &age_sex_refs));
    if let Some(v) = &input.typeres {
        out.push(Grouping::from_values("Area", v, keep, order));
    }
    if let Some(v) = &input.gregion {
        out.push(Grouping::from_values("Geographical region", v, keep, order));
    }
    if let Some(v) = &input.wealthq {
        let codes = kept
            .iter()
            .map(|&i| {
                wealth_code(group_label(v, i).as_deref()).unwrap_or_else(|()| {
                    notes.push(RowError::new(
                        i,
                        FieldError::at("wealthq", ErrorCode::PrevalenceWealthqInvalid),
                    ));
                    Domain::NO_GROUP
                })
            })
            .collect();
        out.push(Grouping::factor("Wealth quintile", codes, &WEALTH_LEVELS));
    }
    if let Some(v) = &input.mothered {
        out.push(Grouping::from_values("Maternal education", v, keep, order));
    }
    if let Some(v) = &input.othergr {
        out.push(Grouping::from_values("Other grouping", v, keep, order));
    }
    out.retain(|g| !g.all_missing());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_groups_are_anthros() {
        // cut(days/30.4375, c(0, 6, 12, 24, 36, 48, 60), right = FALSE)
        assert_eq!(age_group(0.0), 0);
        assert_eq!(age_group(182.0), 0); // 5.98 months
        assert_eq!(age_group(183.0), 1); // 6.01
        assert_eq!(age_group(365.0), 1); // 11.99
        assert_eq!(age_group(366.0), 2);
        assert_eq!(age_group(1826.0), 5);
        assert_eq!(age_group(f64::NAN), Domain::NO_GROUP);
        assert_eq!(age_group(1827.0), Domain::NO_GROUP);
    }

    #[test]
    fn hundredths_are_exact() {
        for k in -700..=700 {
            let z = super::super::round::round2(f64::from(k) / 100.0 + 1e-9);
            let h = hundredths(z);
            assert_eq!(f64::from(h) / 100.0, z, "{k}");
        }
        assert_eq!(hundredths(f64::NAN), Z_NA);
    }

    #[test]
    fn wealth_codes() {
        assert_eq!(wealth_code(Some("Q3")), Ok(2));
        assert_eq!(wealth_code(Some("5")), Ok(4));
        assert_eq!(wealth_code(None), Ok(Domain::NO_GROUP));
        assert_eq!(wealth_code(Some("q3")), Err(()));
        assert_eq!(wealth_code(Some("6")), Err(()));
    }
}

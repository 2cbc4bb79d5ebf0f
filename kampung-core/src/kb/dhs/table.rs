//! The family-planning indicator table of DHS reports (chapter 7: current
//! use, unmet and met need, demand, demand satisfied) from the women of an
//! IR file, with design-based standard errors from [`crate::survey`]
//! (equal to R's survey package: Taylor linearisation with strata and
//! clusters, groups as domains of the whole design).
//!
//! Definitions (DOMAIN.md §2.4-2.6; DHS-Indicators `FP_USE.R`/`FP_Need.R`,
//! `FP_tables.R`):
//! * `cpr_any` = `v313` 1-7, `cpr_modern` = `v313 = 3`, `cpr_traditional` =
//!   `v313` 1-2 (folkloric and traditional);
//! * `unmet_spacing` = v626a 1, `unmet_limiting` = 2, `unmet_total` = 1-2,
//!   `met_need_total` = 3-4, `total_demand` = 1-4, all over every woman of
//!   the group (0, 8, 9, 98 and 99 included);
//! * `demand_satisfied_any` = 3-4 and `demand_satisfied_modern` = 3-4 with
//!   `v313 = 3`, over the women with demand (v626a 1-4);
//! * groups: all women; currently married (`v502 = 1`); sexually active
//!   unmarried (`v502 ≠ 1` and `v528 ≤ 30`);
//! * weights `v005 / 1,000,000`; percentages are weighted means.

use super::columns::{classify_rows, in_blocks, Women};
use super::rules::{DhsRules, Reason};
use crate::error::RowError;
use crate::error::{Error, ErrorCode, FieldError, ShapeError};
use crate::survey::{
    estimate, Design, DesignOptions, Domain, Estimate, Estimates, NumberId, Statistic,
};
use serde::Serialize;

/// A population group of the DHS family-planning tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FpGroup {
    /// Every woman.
    AllWomen,
    /// `v502 = 1`.
    CurrentlyMarried,
    /// `v502 ≠ 1` and `v528 ≤ 30` (sex in the last 30 days), as
    /// `FP_tables.R`; `v528 = 95` is not ≤ 30 and so not in this group.
    SexuallyActiveUnmarried,
}

impl FpGroup {
    /// The three groups in the order of the DHS tables.
    pub const ALL: [FpGroup; 3] = [
        FpGroup::AllWomen,
        FpGroup::CurrentlyMarried,
        FpGroup::SexuallyActiveUnmarried,
    ];

    /// Parses `all_women`, `currently_married` or `sexually_active_unmarried`.
    ///
    /// # Errors
    /// `invalid_code` at `groups` for anything else.
    pub fn parse(s: &str) -> Result<FpGroup, FieldError> {
        FpGroup::ALL
            .into_iter()
            .find(|g| g.as_str() == s.trim())
            .ok_or_else(|| {
                FieldError::at("groups", ErrorCode::InvalidCode).with_param(
                    "allowed",
                    "all_women, currently_married, sexually_active_unmarried",
                )
            })
    }

    /// The snake_case name.
    pub const fn as_str(self) -> &'static str {
        match self {
            FpGroup::AllWomen => "all_women",
            FpGroup::CurrentlyMarried => "currently_married",
            FpGroup::SexuallyActiveUnmarried => "sexually_active_unmarried",
        }
    }
}

/// One indicator of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FpIndicator {
    /// Any method (`v313` 1-7); the CPR among currently married women.
    CprAny,
    /// Modern method (`v313 = 3`); mCPR.
    CprModern,
    /// Traditional or folkloric method (`v313` 1-2).
    CprTraditional,
    /// Unmet need for spacing (v626a = 1).
    UnmetSpacing,
    /// Unmet need for limiting (v626a = 2).
    UnmetLimiting,
    /// Unmet need (v626a 1-2).
    UnmetTotal,
    /// Met need (v626a 3-4).
    MetNeedTotal,
    /// Total demand (v626a 1-4).
    TotalDemand,
    /// Met need among women with demand.
    DemandSatisfiedAny,
    /// Modern users among women with demand (SDG 3.7.1).
    DemandSatisfiedModern,
}

impl FpIndicator {
    /// Every indicator, in table order.
    pub const ALL: [FpIndicator; 10] = [
        FpIndicator::CprAny,
        FpIndicator::CprModern,
        FpIndicator::CprTraditional,
        FpIndicator::UnmetSpacing,
        FpIndicator::UnmetLimiting,
        FpIndicator::UnmetTotal,
        FpIndicator::MetNeedTotal,
        FpIndicator::TotalDemand,
        FpIndicator::DemandSatisfiedAny,
        FpIndicator::DemandSatisfiedModern,
    ];

    /// The snake_case name.
    pub const fn as_str(self) -> &'static str {
        match self {
            FpIndicator::CprAny => "cpr_any",
            FpIndicator::CprModern => "cpr_modern",
            FpIndicator::CprTraditional => "cpr_traditional",
            FpIndicator::UnmetSpacing => "unmet_spacing",
            FpIndicator::UnmetLimiting => "unmet_limiting",
            FpIndicator::UnmetTotal => "unmet_total",
            FpIndicator::MetNeedTotal => "met_need_total",
            FpIndicator::TotalDemand => "total_demand",
            FpIndicator::DemandSatisfiedAny => "demand_satisfied_any",
            FpIndicator::DemandSatisfiedModern => "demand_satisfied_modern",
        }
    }

    /// The indicator's 0/1 value for one woman, `None` when she is outside
    /// its denominator or the value is missing.
    fn value(self, v626a: u8, v313: Option<u8>) -> Option<bool> {
        let demand = matches!(v626a, 1..=4);
        let met = matches!(v626a, 3 | 4);
        match self {
            FpIndicator::CprAny => v313.map(|m| (1..=7).contains(&m)),
            FpIndicator::CprModern => v313.map(|m| m == 3),
            FpIndicator::CprTraditional => v313.map(|m| (1..=2).contains(&m)),
            FpIndicator::UnmetSpacing => Some(v626a == 1),
            FpIndicator::UnmetLimiting => Some(v626a == 2),
            FpIndicator::UnmetTotal => Some(matches!(v626a, 1 | 2)),
            FpIndicator::MetNeedTotal => Some(met),
            FpIndicator::TotalDemand => Some(demand),
            FpIndicator::DemandSatisfiedAny => demand.then_some(met),
            // R: ifelse(fp_demand_tot, ifelse(fp_met_tot & v313==3, 1, 0), NA).
            FpIndicator::DemandSatisfiedModern => match (demand, met) {
                (false, _) => None,
                (true, false) => Some(false),
                (true, true) => v313.map(|m| m == 3),
            },
        }
    }
}

/// Which confidence interval the table reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CiMethod {
    /// estimate ± 2 SE, as the DHS reports' sampling-error appendix (default).
    #[default]
    TwoSe,
    /// Wald with Student t on the design degrees of freedom (R
    /// `confint(svymean(…), df = degf(design))`).
    T,
    /// Logit (R `svyciprop(method = "logit", df = degf(design))`).
    Logit,
}

impl CiMethod {
    /// Parses `two_se`, `t` or `logit`.
    ///
    /// # Errors
    /// `invalid_code` at `ci` for anything else.
    pub fn parse(s: &str) -> Result<CiMethod, FieldError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "two_se" | "2se" => Ok(CiMethod::TwoSe),
            "t" | "wald" => Ok(CiMethod::T),
            "logit" => Ok(CiMethod::Logit),
            _ => Err(FieldError::at("ci", ErrorCode::InvalidCode)
                .with_param("allowed", "two_se, t, logit")),
        }
    }
}

/// A cluster or stratum id column.
#[derive(Clone, Copy, Debug)]
pub enum IdColumn<'a> {
    /// Numbers (NaN = missing), as `v001` and `v022` are in DHS files.
    Numbers(&'a [f64]),
    /// Codes of a text column (negative = missing), e.g. from `pandas.factorize`.
    Codes(&'a [i64]),
}

impl IdColumn<'_> {
    fn len(&self) -> usize {
        match self {
            IdColumn::Numbers(x) => x.len(),
            IdColumn::Codes(x) => x.len(),
        }
    }
}

/// A column to break the table down by (region, residence, age group, …):
/// row `i` is in level `codes[i]` (negative = missing: in no level), whose
/// label is `labels[codes[i]]`.
#[derive(Clone, Copy, Debug)]
pub struct ByColumn<'a> {
    /// The column's name, repeated in the table's `by` column.
    pub name: &'a str,
    /// One level code per woman.
    pub codes: &'a [i64],
    /// The label of each level, in table order.
    pub labels: &'a [String],
}

/// The columns of [`fp_indicators`].
#[derive(Clone, Copy, Debug)]
pub struct FpInput<'a> {
    /// The recode columns v626a is derived from.
    pub women: Women<'a>,
    /// Current use by method type (0 none, 1 folkloric, 2 traditional, 3 modern).
    pub v313: &'a [f64],
    /// Sampling weights (None: unweighted).
    pub weight: Option<&'a [f64]>,
    /// Factor applied to `weight`: `1e-6` for `v005` (DHS stores weights
    /// × 1,000,000), 1 for a weight already scaled.
    pub weight_scale: f64,
    /// PSU (cluster) ids, e.g. `v001` (None: every woman is her own PSU).
    pub cluster: Option<IdColumn<'a>>,
    /// Strata, e.g. `v022` (None: one stratum).
    pub strata: Option<IdColumn<'a>>,
    /// Break-down columns (each adds its levels' rows to every group).
    pub by: &'a [ByColumn<'a>],
}

/// Options of [`fp_indicators`].
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct FpOptions {
    /// The v626a rule set.
    pub rules: DhsRules,
    /// The groups, in output order.
    pub groups: Vec<FpGroup>,
    /// The interval reported in `ci_low`/`ci_high`.
    pub ci: CiMethod,
    /// Confidence level of the `t` and `logit` intervals (0.95).
    pub level: f64,
    /// Nesting and lonely-PSU handling of the design.
    pub design: DesignOptions,
    /// Threads to use (1: the calling thread only); the table is the same
    /// whatever the number.
    pub threads: usize,
}

impl Default for FpOptions {
    fn default() -> Self {
        FpOptions {
            rules: DhsRules::Stata,
            groups: FpGroup::ALL.to_vec(),
            ci: CiMethod::TwoSe,
            level: 0.95,
            design: DesignOptions::new(),
            threads: 1,
        }
    }
}

impl FpOptions {
    /// The defaults: Stata rules, the three groups, estimate ± 2 SE.
    pub fn new() -> FpOptions {
        FpOptions::default()
    }
    /// Sets the rule set.
    #[must_use]
    pub fn with_rules(mut self, rules: DhsRules) -> FpOptions {
        self.rules = rules;
        self
    }
    /// Sets the groups.
    #[must_use]
    pub fn with_groups(mut self, groups: Vec<FpGroup>) -> FpOptions {
        self.groups = groups;
        self
    }
    /// Sets the interval.
    #[must_use]
    pub fn with_ci(mut self, ci: CiMethod, level: f64) -> FpOptions {
        self.ci = ci;
        self.level = level;
        self
    }
    /// Sets the design options.
    #[must_use]
    pub fn with_design(mut self, design: DesignOptions) -> FpOptions {
        self.design = design;
        self
    }
    /// Sets the number of threads.
    #[must_use]
    pub fn with_threads(mut self, threads: usize) -> FpOptions {
        self.threads = threads.max(1);
        self
    }
}

/// One row of the table: one indicator in one group (and `by` level).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FpRow {
    /// The group.
    pub group: FpGroup,
    /// The break-down column, or None for the group as a whole.
    pub by: Option<String>,
    /// The level of `by`.
    pub level: Option<String>,
    /// The indicator.
    pub indicator: FpIndicator,
    /// Percentage (NaN when no woman of the domain has a value).
    pub estimate: f64,
    /// Standard error, in percentage points.
    pub se: f64,
    /// Lower end of the interval (percent).
    pub ci_low: f64,
    /// Upper end of the interval (percent).
    pub ci_high: f64,
    /// Design effect on the SE (√deff, R `deff = "replace"`).
    pub deft: f64,
    /// Women of the domain in the denominator.
    pub n_unweighted: u64,
    /// Their weighted number.
    pub n_weighted: f64,
    /// Design degrees of freedom (PSUs − strata).
    pub df: i64,
}

/// The table and the per-woman problems.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FpTable {
    /// Group × (whole, each `by` level) × indicator.
    pub rows: Vec<FpRow>,
    /// One row per impossible value (the woman is v626a 99; a bad `v313` is
    /// missing for the CPR indicators).
    pub errors: Vec<RowError>,
}

fn v313_code(x: f64) -> Result<Option<u8>, FieldError> {
    if x.is_nan() {
        return Ok(None);
    }
    match x {
        0.0 => Ok(Some(0)),
        1.0 => Ok(Some(1)),
        2.0 => Ok(Some(2)),
        3.0 => Ok(Some(3)),
        _ => {
            Err(FieldError::at("v313", ErrorCode::InvalidCode).with_param("allowed", "0, 1, 2, 3"))
        }
    }
}

fn shape(column: &'static str, actual: usize, expected: usize) -> Result<(), ShapeError> {
    if actual == expected {
        Ok(())
    } else {
        Err(ShapeError {
            column,
            actual,
            reference: "v312",
            expected,
        })
    }
}

/// The family-planning indicator table (see the module documentation).
///
/// # Errors
/// [`Error::Shape`] for columns of different lengths; [`Error::Validation`]
/// for a design the survey engine rejects (a missing or negative weight, a
/// missing cluster or stratum id, clusters not nested in strata, a lonely
/// PSU under `fail`, no women). Impossible recode values never fail the
/// call: they are listed in [`FpTable::errors`].
pub fn fp_indicators(input: &FpInput<'_>, options: &FpOptions) -> Result<FpTable, Error> {
    let women = &input.women;
    women.check_shape().map_err(Error::Shape)?;
    let n = women.len();
    shape("v313", input.v313.len(), n)?;
    if let Some(w) = input.weight {
        shape("weight", w.len(), n)?;
    }
    if let Some(c) = &input.cluster {
        shape("cluster", c.len(), n)?;
    }
    if let Some(s) = &input.strata {
        shape("strata", s.len(), n)?;
    }
    for b in input.by {
        shape("by", b.codes.len(), n)?;
    }
    if !(options.level > 0.0 && options.level < 1.0) {
        return Err(FieldError::at("level", ErrorCode::OutOfRange)
            .with_param("min", 0.0)
            .with_param("max", 1.0)
            .into());
    }

    // ---- per woman: v626a, v313 and their category ----------------------------
    // The indicators depend only on (class, v313): each woman gets the
    // category `class index × 5 + v313 index` of the value table.
    let (blocks, mut errors) = in_blocks(women, options.threads, |block, start, errors| {
        let mut cats: Vec<u8> = Vec::with_capacity(block.len());
        classify_rows(block, options.rules, errors, |class, reason| {
            // R's NA is left out of every denominator, as R's tables do.
            cats.push(if reason == Reason::UndefinedInRCode {
                CLASS_NA
            } else {
                class_index(class.code())
            });
        });
        let v313 = &input.v313[start..start + block.len()];
        for (i, (c, &x)) in cats.iter_mut().zip(v313).enumerate() {
            let m = v313_code(x).unwrap_or_else(|e| {
                errors.push(RowError::new(i, e));
                None
            });
            *c = *c * 5 + m.unwrap_or(4);
        }
        cats
    });
    let cats: Vec<u8> = blocks.concat();
    errors.sort_by_key(|e| e.row);
    // One 0/1/NaN column per indicator (a column read is several times
    // cheaper in the engine's loops than a computed value).
    let lut = value_table();
    let columns: Vec<Vec<f64>> = (0..FpIndicator::ALL.len())
        .map(|s| cats.iter().map(|&c| lut[usize::from(c)][s]).collect())
        .collect();
    drop(cats);

    // ---- groups and break-downs as domains ----------------------------------
    // All women is the whole sample; the currently married and the sexually
    // active unmarried are disjoint, so one set of group codes holds both.
    let disjoint: Vec<FpGroup> = options
        .groups
        .iter()
        .copied()
        .filter(|g| *g != FpGroup::AllWomen)
        .collect();
    let want_all = options.groups.contains(&FpGroup::AllWomen);
    let unmarried = |v502: f64| match options.rules {
        // Stata: a missing v502 is ≠ 1; R: NA, so not in the group.
        DhsRules::Stata => v502 != 1.0,
        DhsRules::R => !v502.is_nan() && v502 != 1.0,
    };
    let group_code: Vec<u32> = (0..n)
        .map(|i| {
            let g = if women.v502[i] == 1.0 {
                FpGroup::CurrentlyMarried
            } else if unmarried(women.v502[i]) && women.v528[i] <= 30.0 {
                FpGroup::SexuallyActiveUnmarried
            } else {
                return Domain::NO_GROUP;
            };
            disjoint
                .iter()
                .position(|x| *x == g)
                .map_or(Domain::NO_GROUP, |p| p as u32)
        })
        .collect();
    let n_disjoint = u32::try_from(disjoint.len()).unwrap_or(u32::MAX);
    let mut codes_by: Vec<(Vec<u32>, Vec<u32>)> = Vec::with_capacity(input.by.len());
    for b in input.by {
        let levels = u32::try_from(b.labels.len()).unwrap_or(u32::MAX);
        let level = |i: usize| match u32::try_from(b.codes[i]) {
            Ok(c) if c < levels => Some(c),
            _ => None,
        };
        let whole: Vec<u32> = (0..n)
            .map(|i| level(i).unwrap_or(Domain::NO_GROUP))
            .collect();
        let split: Vec<u32> = (0..n)
            .map(|i| match (group_code[i], level(i)) {
                (g, Some(l)) if g != Domain::NO_GROUP => g * levels + l,
                _ => Domain::NO_GROUP,
            })
            .collect();
        codes_by.push((whole, split));
    }
    // The domains: whole sample and disjoint groups, then the same per `by`;
    // `index[k]` = (domain of all women, domain of the disjoint groups) of
    // part k (0 = no break-down, 1 + b = `by` column b).
    let mut domains: Vec<Domain<'_>> = Vec::new();
    let mut index: Vec<(usize, usize)> = Vec::with_capacity(1 + input.by.len());
    fn push<'d>(d: Domain<'d>, domains: &mut Vec<Domain<'d>>) -> usize {
        domains.push(d);
        domains.len() - 1
    }
    let whole = if want_all {
        push(Domain::All, &mut domains)
    } else {
        usize::MAX
    };
    let groups = if n_disjoint > 0 {
        push(
            Domain::Groups {
                codes: &group_code,
                levels: n_disjoint,
            },
            &mut domains,
        )
    } else {
        usize::MAX
    };
    index.push((whole, groups));
    for (b, (all_codes, split)) in input.by.iter().zip(&codes_by) {
        let levels = u32::try_from(b.labels.len()).unwrap_or(u32::MAX);
        let whole = if want_all {
            push(
                Domain::Groups {
                    codes: all_codes,
                    levels,
                },
                &mut domains,
            )
        } else {
            usize::MAX
        };
        let groups = if n_disjoint > 0 {
            push(
                Domain::Groups {
                    codes: split,
                    levels: levels.saturating_mul(n_disjoint),
                },
                &mut domains,
            )
        } else {
            usize::MAX
        };
        index.push((whole, groups));
    }

    // ---- the design and the estimates ----------------------------------------
    let scaled: Option<Vec<f64>> = input
        .weight
        .map(|w| w.iter().map(|x| x * input.weight_scale).collect());
    let mut builder = Design::builder(n).options(options.design);
    if let Some(w) = &scaled {
        builder = builder.weights(w);
    }
    builder = match input.cluster {
        Some(IdColumn::Numbers(x)) => builder.psu(&ids_of_numbers(x)),
        Some(IdColumn::Codes(x)) => builder.psu(&ids_of_codes(x)),
        None => builder,
    };
    builder = match input.strata {
        Some(IdColumn::Numbers(x)) => builder.strata(&ids_of_numbers(x)),
        Some(IdColumn::Codes(x)) => builder.strata(&ids_of_codes(x)),
        None => builder,
    };
    let design = builder.build()?;
    let statistics: Vec<Statistic<'_>> = columns.iter().map(|c| Statistic::Proportion(c)).collect();
    let est = estimate_threaded(&design, &statistics, &domains, options.threads)?;

    // ---- rows -----------------------------------------------------------------
    let mut rows = Vec::new();
    for &group in &options.groups {
        // Which of the two domains of each part, and the level within it.
        let (in_groups, g) = match disjoint.iter().position(|x| *x == group) {
            None => (false, 0),
            Some(p) => (true, p),
        };
        let domain = |part: usize| {
            if in_groups {
                index[part].1
            } else {
                index[part].0
            }
        };
        let mut emit = |domain: usize, level: usize, by: Option<(&str, &str)>| {
            for (s, ind) in FpIndicator::ALL.into_iter().enumerate() {
                let e = est.levels(s, domain)[level];
                rows.push(row(group, by, ind, &e, options));
            }
        };
        emit(domain(0), g, None);
        for (b, col) in input.by.iter().enumerate() {
            let levels = col.labels.len();
            for (l, label) in col.labels.iter().enumerate() {
                let level = if in_groups { g * levels + l } else { l };
                emit(domain(1 + b), level, Some((col.name, label)));
            }
        }
    }
    Ok(FpTable { rows, errors })
}

/// [`estimate`] with the statistics shared out over up to `threads`
/// threads (one on `wasm32`); the estimates are the same.
fn estimate_threaded(
    design: &Design<'_>,
    statistics: &[Statistic<'_>],
    domains: &[Domain<'_>],
    threads: usize,
) -> Result<Estimates, Error> {
    let threads = if cfg!(target_arch = "wasm32") || design.len() < 10_000 {
        1
    } else {
        threads.clamp(1, statistics.len().max(1))
    };
    if threads == 1 {
        return estimate(design, statistics, domains);
    }
    let per = statistics.len().div_ceil(threads);
    let parts: Vec<Result<Estimates, Error>> = std::thread::scope(|scope| {
        let handles: Vec<_> = statistics
            .chunks(per)
            .map(|chunk| scope.spawn(move || estimate(design, chunk, domains)))
            .collect();
        handles
            .into_iter()
            .map(|h| match h.join() {
                Ok(r) => r,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    });
    let mut parts = parts.into_iter();
    let mut all = match parts.next() {
        Some(first) => first?,
        None => return estimate(design, statistics, domains),
    };
    for part in parts {
        all.append(part?);
    }
    Ok(all)
}

/// Index of a v626a class in [`value_table`]; [`CLASS_NA`] for R's NA.
fn class_index(code: u8) -> u8 {
    match code {
        0 => 0,
        1 => 1,
        2 => 2,
        3 => 3,
        4 => 4,
        7 => 5,
        8 => 6,
        9 => 7,
        98 => 8,
        _ => 9,
    }
}

/// Outside every indicator's denominator (R's NA v626a).
const CLASS_NA: u8 = 10;

/// Indicator values (1, 0, NaN) for each (class index 0-10, v313 0-3 or
/// missing = 4), row-major.
fn value_table() -> Vec<[f64; 10]> {
    let classes: [Option<u8>; 11] = [
        Some(0),
        Some(1),
        Some(2),
        Some(3),
        Some(4),
        Some(7),
        Some(8),
        Some(9),
        Some(98),
        Some(99),
        None,
    ];
    let mut out = Vec::with_capacity(55);
    for class in classes {
        for m in [Some(0), Some(1), Some(2), Some(3), None] {
            let mut row = [f64::NAN; 10];
            for (v, ind) in row.iter_mut().zip(FpIndicator::ALL) {
                if let Some(c) = class {
                    if let Some(b) = ind.value(c, m) {
                        *v = f64::from(u8::from(b));
                    }
                }
            }
            out.push(row);
        }
    }
    out
}

fn ids_of_numbers(x: &[f64]) -> Vec<NumberId> {
    x.iter().copied().map(NumberId).collect()
}

fn ids_of_codes(x: &[i64]) -> Vec<Option<i64>> {
    x.iter().map(|&c| (c >= 0).then_some(c)).collect()
}

fn row(
    group: FpGroup,
    by: Option<(&str, &str)>,
    indicator: FpIndicator,
    e: &Estimate,
    options: &FpOptions,
) -> FpRow {
    let ci = match options.ci {
        CiMethod::TwoSe => e.two_se(),
        CiMethod::T => e.wald(options.level),
        CiMethod::Logit => e.logit(options.level),
    };
    FpRow {
        group,
        by: by.map(|b| b.0.to_owned()),
        level: by.map(|b| b.1.to_owned()),
        indicator,
        estimate: 100.0 * e.estimate,
        se: 100.0 * e.se,
        ci_low: 100.0 * ci.low,
        ci_high: 100.0 * ci.high,
        deft: e.deft(),
        n_unweighted: e.n,
        n_weighted: e.weighted_n,
        df: e.df,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indicator_values() {
        use FpIndicator as I;
        // A modern user with met need for limiting.
        assert_eq!(I::CprModern.value(4, Some(3)), Some(true));
        assert_eq!(I::DemandSatisfiedModern.value(4, Some(3)), Some(true));
        assert_eq!(I::DemandSatisfiedModern.value(3, Some(2)), Some(false));
        // Unmet need: in the demand denominator, not satisfied.
        assert_eq!(I::DemandSatisfiedAny.value(1, Some(0)), Some(false));
        assert_eq!(I::DemandSatisfiedModern.value(2, None), Some(false));
        // No demand: outside the denominator.
        assert_eq!(I::DemandSatisfiedAny.value(9, Some(0)), None);
        assert_eq!(I::DemandSatisfiedModern.value(99, Some(0)), None);
        // 99 is in the unmet-need denominator.
        assert_eq!(I::UnmetTotal.value(99, Some(0)), Some(false));
        assert_eq!(I::CprTraditional.value(3, Some(1)), Some(true));
        assert_eq!(I::CprAny.value(3, None), None);
        // A met-need woman with v313 missing: R gives NA for demand satisfied by modern methods.
        assert_eq!(I::DemandSatisfiedModern.value(3, None), None);
        assert_eq!(
            FpGroup::parse("currently_married").unwrap(),
            FpGroup::CurrentlyMarried
        );
        assert!(FpGroup::parse("married").is_err());
        assert_eq!(CiMethod::parse("logit").unwrap(), CiMethod::Logit);
    }
}

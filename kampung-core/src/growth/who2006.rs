//! WHO Child Growth Standards 2006 (0-5 years), computed exactly as WHO
//! anthro 1.1.0.9000 does (WHO_GROWTH.md §1 and §6), as a columnar batch.

use super::certified::certify;
use super::codes::{MEASURE_HEIGHT, MEASURE_LENGTH, MEASURE_MISSING, SEX_MISSING};
use super::lms::{lerp, pow, restrict, zscore, zscore_from_power, zscore_restricted, Lms};
use super::round::{round2, round_half_up, trunc_fast};
use super::tables::{LmsTable, Table};
use super::{shape, RowError};
use crate::error::{Error, ErrorCode, FieldError, ValidationErrors};

/// `ANTHRO_DAYS_OF_MONTH` = 365.25/12 (WHO_GROWTH.md §1.1).
pub const DAYS_PER_MONTH: f64 = 30.4375;

/// Output column names, WHO anthro's (WHO_GROWTH.md §1.12), in the order of
/// the fields of [`Output2006`].
pub const OUTPUT_NAMES_2006: [&str; 19] = [
    "clenhei",
    "cbmi",
    "c9mo_flag",
    "zlen",
    "flen",
    "zwei",
    "fwei",
    "zwfl",
    "fwfl",
    "zbmi",
    "fbmi",
    "zhc",
    "fhc",
    "zac",
    "fac",
    "zts",
    "fts",
    "zss",
    "fss",
];

/// Input columns, already parsed (see [`super::codes`]). Every present
/// column must have the length of `sex`. Numbers use NaN for missing.
#[derive(Clone, Copy, Debug, Default)]
pub struct Input2006<'a> {
    /// 1 male, 2 female, 0 missing.
    pub sex: &'a [u8],
    /// Age in days (or in months when `age_in_month`); NaN = missing.
    pub age: &'a [f64],
    /// `age` is in months (anthro's `is_age_in_month`).
    pub age_in_month: bool,
    /// Weight, kg.
    pub weight: Option<&'a [f64]>,
    /// Length or height, cm.
    pub lenhei: Option<&'a [f64]>,
    /// `b'l'` lying (length), `b'h'` standing (height), 0 missing.
    pub measure: Option<&'a [u8]>,
    /// Head circumference, cm.
    pub headc: Option<&'a [f64]>,
    /// Mid-upper arm circumference, cm.
    pub armc: Option<&'a [f64]>,
    /// Triceps skinfold, mm (needs a supplied table).
    pub triskin: Option<&'a [f64]>,
    /// Subscapular skinfold, mm (needs a supplied table).
    pub subskin: Option<&'a [f64]>,
    /// Oedema (absent column = no oedema).
    pub oedema: Option<&'a [bool]>,
}

/// Caller-provided output columns, one value per row. Flags are 0/1, and
/// every missing value is NaN. Names are WHO anthro's ([`OUTPUT_NAMES_2006`]).
#[derive(Debug)]
#[allow(missing_docs)]
pub struct Output2006<'a> {
    pub clenhei: &'a mut [f64],
    pub cbmi: &'a mut [f64],
    pub c9mo_flag: &'a mut [f64],
    pub zlen: &'a mut [f64],
    pub flen: &'a mut [f64],
    pub zwei: &'a mut [f64],
    pub fwei: &'a mut [f64],
    pub zwfl: &'a mut [f64],
    pub fwfl: &'a mut [f64],
    pub zbmi: &'a mut [f64],
    pub fbmi: &'a mut [f64],
    pub zhc: &'a mut [f64],
    pub fhc: &'a mut [f64],
    pub zac: &'a mut [f64],
    pub fac: &'a mut [f64],
    pub zts: &'a mut [f64],
    pub fts: &'a mut [f64],
    pub zss: &'a mut [f64],
    pub fss: &'a mut [f64],
}

/// Owned output columns (one allocation per column, none per row).
#[derive(Clone, Debug, Default, PartialEq)]
#[allow(missing_docs)]
pub struct Columns2006 {
    pub clenhei: Vec<f64>,
    pub cbmi: Vec<f64>,
    pub c9mo_flag: Vec<f64>,
    pub zlen: Vec<f64>,
    pub flen: Vec<f64>,
    pub zwei: Vec<f64>,
    pub fwei: Vec<f64>,
    pub zwfl: Vec<f64>,
    pub fwfl: Vec<f64>,
    pub zbmi: Vec<f64>,
    pub fbmi: Vec<f64>,
    pub zhc: Vec<f64>,
    pub fhc: Vec<f64>,
    pub zac: Vec<f64>,
    pub fac: Vec<f64>,
    pub zts: Vec<f64>,
    pub fts: Vec<f64>,
    pub zss: Vec<f64>,
    pub fss: Vec<f64>,
}

impl Columns2006 {
    /// `n` rows of NaN.
    pub fn new(n: usize) -> Columns2006 {
        let v = || vec![f64::NAN; n];
        Columns2006 {
            clenhei: v(),
            cbmi: v(),
            c9mo_flag: v(),
            zlen: v(),
            flen: v(),
            zwei: v(),
            fwei: v(),
            zwfl: v(),
            fwfl: v(),
            zbmi: v(),
            fbmi: v(),
            zhc: v(),
            fhc: v(),
            zac: v(),
            fac: v(),
            zts: v(),
            fts: v(),
            zss: v(),
            fss: v(),
        }
    }

    /// Borrows every column as an [`Output2006`].
    pub fn output(&mut self) -> Output2006<'_> {
        Output2006 {
            clenhei: &mut self.clenhei,
            cbmi: &mut self.cbmi,
            c9mo_flag: &mut self.c9mo_flag,
            zlen: &mut self.zlen,
            flen: &mut self.flen,
            zwei: &mut self.zwei,
            fwei: &mut self.fwei,
            zwfl: &mut self.zwfl,
            fwfl: &mut self.fwfl,
            zbmi: &mut self.zbmi,
            fbmi: &mut self.fbmi,
            zhc: &mut self.zhc,
            fhc: &mut self.fhc,
            zac: &mut self.zac,
            fac: &mut self.fac,
            zts: &mut self.zts,
            fts: &mut self.fts,
            zss: &mut self.zss,
            fss: &mut self.fss,
        }
    }

    /// The owned columns paired with their names, in [`OUTPUT_NAMES_2006`]
    /// order (e.g. to hand them to numpy without a copy).
    pub fn into_named(self) -> [(&'static str, Vec<f64>); 19] {
        let c = [
            self.clenhei,
            self.cbmi,
            self.c9mo_flag,
            self.zlen,
            self.flen,
            self.zwei,
            self.fwei,
            self.zwfl,
            self.fwfl,
            self.zbmi,
            self.fbmi,
            self.zhc,
            self.fhc,
            self.zac,
            self.fac,
            self.zts,
            self.fts,
            self.zss,
            self.fss,
        ];
        let mut i = 0;
        c.map(|v| {
            let name = OUTPUT_NAMES_2006[i];
            i += 1;
            (name, v)
        })
    }

    /// Copies row `i` of every column from `other` (same length).
    pub fn copy_row_from(&mut self, other: &Columns2006, i: usize) {
        let dst = self.output();
        let targets: [&mut [f64]; 19] = [
            dst.clenhei,
            dst.cbmi,
            dst.c9mo_flag,
            dst.zlen,
            dst.flen,
            dst.zwei,
            dst.fwei,
            dst.zwfl,
            dst.fwfl,
            dst.zbmi,
            dst.fbmi,
            dst.zhc,
            dst.fhc,
            dst.zac,
            dst.fac,
            dst.zts,
            dst.fts,
            dst.zss,
            dst.fss,
        ];
        for ((_, s), d) in other.named().iter().zip(targets) {
            if let (Some(x), Some(y)) = (s.get(i), d.get_mut(i)) {
                *y = *x;
            }
        }
    }

    /// The columns paired with their names, in [`OUTPUT_NAMES_2006`] order.
    pub fn named(&self) -> [(&'static str, &[f64]); 19] {
        let c = [
            &self.clenhei,
            &self.cbmi,
            &self.c9mo_flag,
            &self.zlen,
            &self.flen,
            &self.zwei,
            &self.fwei,
            &self.zwfl,
            &self.fwfl,
            &self.zbmi,
            &self.fbmi,
            &self.zhc,
            &self.fhc,
            &self.zac,
            &self.fac,
            &self.zts,
            &self.fts,
            &self.zss,
            &self.fss,
        ];
        let mut i = 0;
        c.map(|v| {
            let name = OUTPUT_NAMES_2006[i];
            i += 1;
            (name, v.as_slice())
        })
    }
}

/// The nine 2006 tables used by [`zscores_2006`]. [`Tables2006::bundled`]
/// has all but the two skinfold tables; add those with
/// [`Tables2006::with_table`] (e.g. from [`LmsTable::from_csv`]).
#[derive(Clone, Debug)]
pub struct Tables2006 {
    wfa: Option<LmsTable>,
    lhfa: Option<LmsTable>,
    bfa: Option<LmsTable>,
    wfl: Option<LmsTable>,
    wfh: Option<LmsTable>,
    hcfa: Option<LmsTable>,
    acfa: Option<LmsTable>,
    tsfa: Option<LmsTable>,
    ssfa: Option<LmsTable>,
}

impl Default for Tables2006 {
    fn default() -> Self {
        Tables2006::bundled()
    }
}

impl Tables2006 {
    /// The bundled tables (no triceps or subscapular skinfold table).
    pub fn bundled() -> Tables2006 {
        Tables2006 {
            wfa: LmsTable::bundled(Table::WeightForAge),
            lhfa: LmsTable::bundled(Table::LengthHeightForAge),
            bfa: LmsTable::bundled(Table::BmiForAge),
            wfl: LmsTable::bundled(Table::WeightForLength),
            wfh: LmsTable::bundled(Table::WeightForHeight),
            hcfa: LmsTable::bundled(Table::HeadCircumferenceForAge),
            acfa: LmsTable::bundled(Table::ArmCircumferenceForAge),
            tsfa: None,
            ssfa: None,
        }
    }

    /// Replaces or adds the table for `which` (a 2006 table).
    ///
    /// # Errors
    /// `lms_table_invalid` (line 0) when `which` is a 2007 table or the
    /// table's key kind differs from `which`'s.
    pub fn with_table(mut self, which: Table, table: LmsTable) -> Result<Tables2006, FieldError> {
        if table.kind() != which.kind() {
            return Err(
                FieldError::at("table", ErrorCode::LmsTableInvalid).with_param("line", 0_i64)
            );
        }
        let slot = match which {
            Table::WeightForAge => &mut self.wfa,
            Table::LengthHeightForAge => &mut self.lhfa,
            Table::BmiForAge => &mut self.bfa,
            Table::WeightForLength => &mut self.wfl,
            Table::WeightForHeight => &mut self.wfh,
            Table::HeadCircumferenceForAge => &mut self.hcfa,
            Table::ArmCircumferenceForAge => &mut self.acfa,
            Table::TricepsSkinfoldForAge => &mut self.tsfa,
            Table::SubscapularSkinfoldForAge => &mut self.ssfa,
            Table::HeightForAge2007 | Table::WeightForAge2007 | Table::BmiForAge2007 => {
                return Err(
                    FieldError::at("table", ErrorCode::LmsTableInvalid).with_param("line", 0_i64)
                )
            }
        };
        *slot = Some(table);
        Ok(self)
    }
}

/// Options of the z-score calculations: [`ZscoreOptions::new`] (or
/// `default()`) then `with_*`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ZscoreOptions {
    /// Round z-scores to 2 decimals as WHO anthro does (default `true`).
    /// Flags are always computed on the rounded z (WHO_GROWTH.md §1.10); with
    /// `false` the unrounded z is written but the flag stays the one of the
    /// rounded z, so flags do not change.
    pub rounded: bool,
}

impl ZscoreOptions {
    /// The defaults: rounded as WHO anthro.
    pub const fn new() -> ZscoreOptions {
        ZscoreOptions { rounded: true }
    }
    /// With `rounded` set (see [`ZscoreOptions::rounded`]).
    #[must_use]
    pub const fn with_rounded(mut self, rounded: bool) -> ZscoreOptions {
        self.rounded = rounded;
        self
    }
}

impl Default for ZscoreOptions {
    fn default() -> Self {
        ZscoreOptions { rounded: true }
    }
}

/// Which flag rule an indicator uses (WHO_GROWTH.md §1.11).
#[derive(Clone, Copy)]
pub(crate) enum FlagRule {
    /// |z| > 6 (length/height-for-age).
    Abs6,
    /// z < −6 or z > 5 (weight-for-age).
    Wei,
    /// |z| > 5 (all others).
    Abs5,
}

impl FlagRule {
    /// The rounded z is flagged when it is below `lo` or above `hi`.
    #[inline]
    pub(crate) fn bounds(self) -> (f64, f64) {
        match self {
            FlagRule::Abs6 => (-6.0, 6.0),
            FlagRule::Wei => (-6.0, 5.0),
            FlagRule::Abs5 => (-5.0, 5.0),
        }
    }
}

/// Rounds (R rule) then flags; returns `(z_out, flag)`, both NaN when z is
/// NaN. A non-finite z (only from absurd inputs) becomes missing.
#[inline]
pub(crate) fn finish(z: f64, rule: FlagRule, rounded: bool) -> (f64, f64) {
    if !z.is_finite() {
        return (f64::NAN, f64::NAN);
    }
    let r = round2(z);
    (if rounded { r } else { z }, flag(r, rule))
}

/// The rounded weight-for-age z and its flag (0/1) of one row, bit for
/// bit what [`zscores_2006`] returns in `zwei`/`fwei` for a row with this
/// sex, age in whole days, weight and no oedema: scored when
/// `0 ≤ day ≤ 1856` and `day < 60 · 30.4375` (§1.8), exact day lookup
/// (§1.7), restricted beyond ±3 SD (§1.6), rounded as anthro (§1.10),
/// flag `z < −6` or `z > 5` (§1.11); the proven fast path of
/// [`super::certified`], else the exact computation, as the batch does.
/// `sex_index` 0 male, 1 female; `weight` > 0 and finite (else NaN, NaN).
#[inline]
pub(crate) fn weight_for_age_one(
    tables: &Tables2006,
    sex_index: usize,
    day: i64,
    weight: f64,
) -> (f64, f64) {
    #[allow(clippy::cast_precision_loss)]
    let in_age = (0..=1856).contains(&day) && (day as f64) < 60.0 * DAYS_PER_MONTH;
    let y = positive(weight);
    let lms = if in_age && y.is_finite() {
        tables.wfa.as_ref().and_then(|t| t.row(sex_index, day))
    } else {
        None
    };
    let Some(lms) = lms else {
        return (f64::NAN, f64::NAN);
    };
    let (z, f) = super::certified::certify_one(y, lms, true, FlagRule::Wei);
    if z.is_nan() {
        finish(restrict(zscore(y, lms), y, lms), FlagRule::Wei, true)
    } else {
        (z, f)
    }
}

/// [`weight_for_age_one`] of many rows by the proven fast path only
/// ([`super::certified`]), in blocks that run in SIMD lanes: `z[k]` is the
/// rounded weight-for-age z of row `k` (`(sex_index, day, weight)`, a
/// `sex_index` above 1 for a row not scored) where the fast path proves it,
/// else NaN, and then the row must go through [`weight_for_age_one`]. A
/// proven z lies within ±3 SD (weight-for-age is restricted), so it is
/// never flagged.
pub(crate) fn weight_for_age_proven(
    tables: &Tables2006,
    rows: impl Iterator<Item = (usize, i64, f64)>,
    z: &mut [f64],
) {
    const BLOCK: usize = 512;
    let Some(t) = tables.wfa.as_ref() else {
        z.fill(f64::NAN);
        return;
    };
    let none: Lms = [1.0, 1.0, 1.0];
    let (mut y, mut lms, mut f) = ([f64::NAN; BLOCK], [none; BLOCK], [0.0; BLOCK]);
    let n = z.len();
    let mut rows = rows.take(n);
    let mut start = 0;
    while start < n {
        let mut k = 0;
        for (sex_index, day, weight) in rows.by_ref().take(BLOCK.min(n - start)) {
            #[allow(clippy::cast_precision_loss)]
            let in_age = (0..=1856).contains(&day) && (day as f64) < 60.0 * DAYS_PER_MONTH;
            let w = positive(weight);
            let row = if in_age && w.is_finite() {
                t.row(sex_index, day)
            } else {
                None
            };
            (y[k], lms[k]) = row.map_or((f64::NAN, none), |r| (w, r));
            k += 1;
        }
        if k == 0 {
            break;
        }
        let out = &mut z[start..start + k];
        certify(&y[..k], &lms[..k], true, FlagRule::Wei, out, &mut f[..k]);
        start += k;
    }
    z[start..].fill(f64::NAN);
}

/// The flag (0/1) of a rounded z under `rule`; NaN for a NaN z.
#[inline]
pub(crate) fn flag(r: f64, rule: FlagRule) -> f64 {
    let (lo, hi) = rule.bounds();
    let flagged = r < lo || r > hi;
    if r.is_nan() {
        f64::NAN
    } else {
        f64::from(u8::from(flagged))
    }
}

/// Reads one measurement cell: NaN stays missing; ±inf → `not_finite`,
/// ≤ 0 → `not_positive` (both missing, with a row error).
#[inline]
pub(crate) fn measurement(
    x: f64,
    name: &'static str,
    row: usize,
    errors: &mut Vec<RowError>,
) -> f64 {
    if (x > 0.0 && x < f64::INFINITY) || x.is_nan() {
        x
    } else {
        bad_measurement(x, name, row, errors)
    }
}

/// The error path of [`measurement`], out of line.
#[cold]
#[inline(never)]
fn bad_measurement(x: f64, name: &'static str, row: usize, errors: &mut Vec<RowError>) -> f64 {
    let code = if x.is_finite() {
        ErrorCode::NotPositive
    } else {
        ErrorCode::NotFinite
    };
    errors.push(RowError::new(row, FieldError::at(name, code)));
    f64::NAN
}

#[inline]
fn cell(col: Option<&[f64]>, i: usize) -> f64 {
    col.and_then(|c| c.get(i)).copied().unwrap_or(f64::NAN)
}

/// `v` if positive (anthro's `measure <= 0 → NA`, WHO_GROWTH.md §1.8), else NaN.
#[inline]
fn positive(v: f64) -> f64 {
    if v > 0.0 {
        v
    } else {
        f64::NAN
    }
}

/// Age-based z-score (WHO_GROWTH.md §1.7-1.8): exact day lookup, no
/// interpolation; `y` must already be > 0 or NaN.
#[inline]
fn age_based(
    table: Option<&LmsTable>,
    sex_index: usize,
    day: i64,
    y: f64,
    restricted: bool,
) -> f64 {
    if y.is_nan() {
        return f64::NAN;
    }
    let Some(t) = table else { return f64::NAN };
    match t.row(sex_index, day) {
        Some(lms) if restricted => zscore_restricted(y, lms),
        Some(lms) => zscore(y, lms),
        None => f64::NAN,
    }
}

/// Weight-for-length/height L, M, S interpolation (WHO_GROWTH.md §1.9):
/// `low = trunc(10x)/10`, `upp = trunc(10x + 1)/10`, `diff = (x − low)/0.1`,
/// rows keyed by `round(10·low)` and `round(10·upp)`. For the table range
/// (`0 < x < 2^40`) those keys are `trunc(10x)` and `trunc(10x + 1)`
/// themselves (`10·fl(k/10)` is within a few units in the last place of the
/// whole number `k`), so they are used directly; `trunc` is the libm-free,
/// bit-identical one of [`super::round`].
#[inline]
fn wfl_lms(t: &LmsTable, sex_index: usize, x: f64) -> Option<Lms> {
    if !(x > 0.0 && x < 1e12) {
        return None;
    }
    let x10 = x * 10.0;
    let k = trunc_fast(x10);
    let diff = (x - k / 10.0) / 0.1;
    #[allow(clippy::cast_possible_truncation)]
    let lo = t.row(sex_index, k as i64)?;
    if diff > 0.0 {
        #[allow(clippy::cast_possible_truncation)]
        let up = t.row(sex_index, trunc_fast(x10 + 1.0) as i64)?;
        Some(lerp(lo, up, diff))
    } else {
        Some(lo)
    }
}

/// One child's outputs, in [`OUTPUT_NAMES_2006`] order.
pub(crate) type Row2006 = [f64; 19];

/// One row's inputs (already read from the columns).
#[derive(Clone, Copy, Debug)]
pub(crate) struct In2006 {
    pub sex: u8,
    pub age: f64,
    pub age_in_month: bool,
    pub weight: f64,
    pub lenhei: f64,
    pub measure: u8,
    pub headc: f64,
    pub armc: f64,
    pub triskin: f64,
    pub subskin: f64,
    pub oedema: bool,
}

/// One row after the input rules of WHO_GROWTH.md §1.2-1.4: everything
/// the indicators need. Shared by [`compute_row`] and the batch passes of
/// [`zscores_2006`], so both apply the rules in one place.
#[derive(Clone, Copy, Debug)]
struct Prepared {
    /// 0 male, 1 female; `None` when sex is missing (no z-scores).
    sex_index: Option<usize>,
    /// Age in whole days (round half up), `None` when age is missing.
    day: Option<i64>,
    /// Scoreable by age: 0 <= day <= 1856 and unrounded months < 60 (§1.8).
    in_age: bool,
    /// The measure after the under-9-months rule; `Some(true)` = height.
    measure: Option<bool>,
    /// Measurements, NaN when missing or rejected (row error pushed).
    weight: f64,
    headc: f64,
    armc: f64,
    triskin: f64,
    subskin: f64,
    /// Outputs `clenhei`, `cbmi` and `c9mo_flag`.
    clenhei: f64,
    cbmi: f64,
    c9mo: f64,
    oedema: bool,
}

impl Prepared {
    /// `(sex index, day)` for the age-based indicators, when scoreable.
    #[inline]
    fn age_key(&self) -> Option<(usize, i64)> {
        match (self.sex_index, self.day) {
            (Some(si), Some(d)) if self.in_age => Some((si, d)),
            _ => None,
        }
    }

    /// `(sex index, use the length table)` when weight-for-length/height
    /// is to be computed (WHO_GROWTH.md §1.9): not oedema, weight and
    /// clenhei present, age missing or scoreable, clenhei in the range of
    /// the chosen table (45-110 cm length, 65-120 cm height, inclusive).
    #[inline]
    fn wfl_choice(&self) -> Option<(usize, bool)> {
        let si = self.sex_index?;
        // A missing age does not block it; a known age must be scoreable.
        let age_ok = self.day.is_none() || self.in_age;
        if !age_ok || self.oedema || self.weight.is_nan() || self.clenhei.is_nan() {
            return None;
        }
        let use_length = match (self.day, self.measure) {
            (Some(d), _) => d < 731,
            (None, Some(is_height)) => !is_height,
            (None, None) => self.clenhei < 87.0,
        };
        let (lo, hi) = if use_length {
            (45.0, 110.0)
        } else {
            (65.0, 120.0)
        };
        (lo..=hi)
            .contains(&self.clenhei)
            .then_some((si, use_length))
    }
}

/// Whether the unrounded age in months (`days / 30.4375` in doubles, as WHO
/// anthro computes it) is below 60 and below 9 (WHO_GROWTH.md §1.3, §1.8).
#[derive(Clone, Copy)]
struct MonthsCutoff {
    sixty: bool,
    nine: bool,
}

impl MonthsCutoff {
    /// Age in days. Division rounds monotonically and `60 × 30.4375 =
    /// 1826.25` and `9 × 30.4375 = 273.9375` are exact, with
    /// `fl(next_down(1826.25) / 30.4375) < 60` (and likewise for 9; tested),
    /// so `fl(days / 30.4375) < 60` exactly when `days < 1826.25`.
    #[inline]
    fn days(days: f64) -> MonthsCutoff {
        MonthsCutoff {
            sixty: days < 60.0 * DAYS_PER_MONTH,
            nine: days < 9.0 * DAYS_PER_MONTH,
        }
    }

    /// Age already in months.
    #[inline]
    fn months(months: f64) -> MonthsCutoff {
        MonthsCutoff {
            sixty: months < 60.0,
            nine: months < 9.0,
        }
    }

    /// Missing age: NaN compares false.
    #[inline]
    fn missing() -> MonthsCutoff {
        MonthsCutoff {
            sixty: false,
            nine: false,
        }
    }
}

/// Applies the input rules to one row (WHO_GROWTH.md §1.2-1.4), pushing
/// its problems to `errors` with `row`. `None` when a bad code or age voids
/// the whole row (every output missing).
#[inline(always)]
fn prepare(x: &In2006, row: usize, errors: &mut Vec<RowError>) -> Option<Prepared> {
    // ---- codes and age: a bad one voids the whole row -------------------
    let mut void = false;
    let sex_index = match x.sex {
        1 => Some(0usize),
        2 => Some(1usize),
        SEX_MISSING => None,
        _ => {
            errors.push(RowError::new(
                row,
                FieldError::at("sex", ErrorCode::SexInvalid),
            ));
            void = true;
            None
        }
    };
    let measure = match x.measure {
        MEASURE_LENGTH | b'L' => Some(false),
        MEASURE_HEIGHT | b'H' => Some(true), // true = height
        MEASURE_MISSING => None,
        _ => {
            errors.push(RowError::new(
                row,
                FieldError::at("measure", ErrorCode::MeasureInvalid),
            ));
            void = true;
            None
        }
    };
    let age = x.age;
    if age.is_infinite() {
        errors.push(RowError::new(
            row,
            FieldError::at("age", ErrorCode::NotFinite),
        ));
        void = true;
    } else if age < 0.0 {
        errors.push(RowError::new(
            row,
            FieldError::at("age", ErrorCode::AgeNegative),
        ));
        void = true;
    }
    if void {
        return None;
    }
    // age in days: round half up (R/utils.R:201-209); months unrounded,
    // compared with 60 and 9 through `MonthsCutoff` (no division).
    let (days, under) = if age.is_nan() {
        (None, MonthsCutoff::missing())
    } else if x.age_in_month {
        (
            Some(round_half_up(age * DAYS_PER_MONTH)),
            MonthsCutoff::months(age),
        )
    } else {
        (Some(round_half_up(age)), MonthsCutoff::days(age))
    };
    #[allow(clippy::cast_possible_truncation)]
    let day: Option<i64> = days.map(|d| d as i64);
    // Scored only if 0 <= days <= 1856 and months < 60 (§1.8).
    let in_age = day.is_some_and(|d| (0..=1856).contains(&d)) && under.sixty;
    if day.is_some() && !under.sixty {
        errors.push(RowError::new(
            row,
            FieldError::at("age", ErrorCode::AgeOutsideStandard)
                .with_param("min", 0_i64)
                .with_param("max", 60_i64),
        ));
    }
    // ---- measurements ---------------------------------------------------
    let weight = measurement(x.weight, "weight", row, errors);
    let lenhei = measurement(x.lenhei, "lenhei", row, errors);
    let headc = measurement(x.headc, "headc", row, errors);
    let armc = measurement(x.armc, "armc", row, errors);
    let triskin = measurement(x.triskin, "triskin", row, errors);
    let subskin = measurement(x.subskin, "subskin", row, errors);

    // ---- under-9-months rule and clenhei (§1.2-1.3) ---------------------
    let mut measure = measure;
    let mut c9mo = 0.0;
    if measure == Some(true) && under.nine {
        measure = None;
        c9mo = 1.0;
    }
    let clenhei = match (day, measure) {
        (Some(d), Some(true)) if d < 731 => lenhei + 0.7,
        (Some(d), Some(false)) if d >= 731 => lenhei - 0.7,
        _ => lenhei,
    };
    let h = clenhei / 100.0;
    let cbmi = weight / (h * h);
    Some(Prepared {
        sex_index,
        day,
        in_age,
        measure,
        weight,
        headc,
        armc,
        triskin,
        subskin,
        clenhei,
        cbmi,
        c9mo,
        oedema: x.oedema,
    })
}

/// Computes one row: the straightforward transcription of WHO_GROWTH.md
/// §1, used for single children ([`super::assess_child`]) and as the
/// reference that the batch passes of [`zscores_2006`] are tested against.
/// Problems are pushed to `errors` with `row`.
#[inline]
pub(crate) fn compute_row(
    x: &In2006,
    tables: &Tables2006,
    rounded: bool,
    row: usize,
    errors: &mut Vec<RowError>,
) -> Row2006 {
    let mut out = [f64::NAN; 19];
    let Some(p) = prepare(x, row, errors) else {
        return out;
    };
    out[0] = p.clenhei;
    out[1] = p.cbmi;
    out[2] = p.c9mo;

    // ---- age-based indicators -----------------------------------------
    if let Some((si, d)) = p.age_key() {
        let put = |out: &mut Row2006, k: usize, z: f64, rule: FlagRule| {
            let (z, f) = finish(z, rule, rounded);
            out[k] = z;
            out[k + 1] = f;
        };
        put(
            &mut out,
            3,
            age_based(tables.lhfa.as_ref(), si, d, positive(p.clenhei), false),
            FlagRule::Abs6,
        );
        if !p.oedema {
            put(
                &mut out,
                5,
                age_based(tables.wfa.as_ref(), si, d, p.weight, true),
                FlagRule::Wei,
            );
            put(
                &mut out,
                9,
                age_based(tables.bfa.as_ref(), si, d, positive(p.cbmi), true),
                FlagRule::Abs5,
            );
        }
        put(
            &mut out,
            11,
            age_based(tables.hcfa.as_ref(), si, d, p.headc, false),
            FlagRule::Abs5,
        );
        if d >= 91 {
            put(
                &mut out,
                13,
                age_based(tables.acfa.as_ref(), si, d, p.armc, true),
                FlagRule::Abs5,
            );
            put(
                &mut out,
                15,
                age_based(tables.tsfa.as_ref(), si, d, p.triskin, true),
                FlagRule::Abs5,
            );
            put(
                &mut out,
                17,
                age_based(tables.ssfa.as_ref(), si, d, p.subskin, true),
                FlagRule::Abs5,
            );
        }
    }

    // ---- weight-for-length/height (§1.9) ------------------------------
    if let Some((si, use_length)) = p.wfl_choice() {
        let table = if use_length {
            tables.wfl.as_ref()
        } else {
            tables.wfh.as_ref()
        };
        if let Some(lms) = table.and_then(|t| wfl_lms(t, si, p.clenhei)) {
            let (z, f) = finish(zscore_restricted(p.weight, lms), FlagRule::Abs5, rounded);
            out[7] = z;
            out[8] = f;
        }
    }
    out
}

// ---- the batch path ------------------------------------------------------
//
// `zscores_2006` runs over blocks of `BLOCK` rows. A first pass applies the
// input rules to each row of the block (`prepare`, the same code as
// `compute_row`, so errors come out in the same order), writes clenhei,
// cbmi and c9mo_flag, and keeps a small `RowState` and the cleaned
// measurements on the stack. Then one tight pass per indicator runs over
// the block: a table lookup by day, one `powf` (none when L = 1), the
// rounding and the flag, with no per-row branching on absent columns. An
// indicator whose input column (or table) is absent is filled with NaN
// without any per-row work. Independent `powf` calls of neighbouring rows
// overlap in the CPU, which the row-at-a-time loop prevented.

/// Rows per block: the block's scratch (about 26 KiB) stays in L1/L2.
const BLOCK: usize = 256;

/// LMS of the rows that are not scored: L = 1 skips `powf`, and their
/// `scored` value is NaN, so their z is NaN.
const UNSCORED: Lms = [1.0, 1.0, 1.0];

/// What the indicator passes need to know about one row.
#[derive(Clone, Copy, Debug, Default)]
struct RowState {
    /// 0 male, 1 female (meaningful when `age_ok` or `wfl` is set).
    sex: u8,
    /// Whole days (meaningful when `age_ok`), 0..=1856.
    day: u16,
    /// The age-based indicators can be scored ([`Prepared::age_key`]).
    age_ok: bool,
    oedema: bool,
    /// [`Prepared::wfl_choice`]: `Some(true)` length table, `Some(false)`
    /// height table, `None` no weight-for-length/height.
    wfl: Option<bool>,
}

/// Per-block scratch of the batch path (on the stack, no allocation).
struct Block {
    state: [RowState; BLOCK],
    weight: [f64; BLOCK],
    headc: [f64; BLOCK],
    armc: [f64; BLOCK],
    triskin: [f64; BLOCK],
    subskin: [f64; BLOCK],
    /// The LMS row of each row of the indicator being computed.
    lms: [Lms; BLOCK],
    /// The measurement y of the rows scored, NaN for the others.
    scored: [f64; BLOCK],
}

/// How one age-based indicator is scored (WHO_GROWTH.md §1.6-1.8, §1.11).
#[derive(Clone, Copy)]
struct AgeIndicator {
    /// SD23 restricted z beyond ±3 SD.
    restricted: bool,
    rule: FlagRule,
    /// Missing under oedema (weight and BMI).
    not_with_oedema: bool,
    /// First scoreable day (91 for MUAC and the skinfolds).
    min_day: u16,
}

/// Stages 2 and 3 of an indicator pass, after stage 1 filled `lms` and
/// `scored` (y, or NaN for a row not scored). Rounded: every row whose
/// rounded z [`certify`] proves, in SIMD lanes, then the others the
/// exact way. Unrounded: y/M and every power in one tight loop (the calls
/// are independent, so they overlap in the CPU), then z, the ±3 SD
/// restriction, the rounding and the flag. Same operations, in the same
/// order, as [`zscore`] / [`zscore_restricted`] and [`finish`].
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn finish_pass(
    lms: &[Lms],
    scored: &mut [f64],
    y: &[f64],
    restricted: bool,
    rule: FlagRule,
    rounded: bool,
    z: &mut [f64],
    f: &mut [f64],
) {
    if rounded {
        // Proven rows in one branch-free loop; the others (z NaN, ratio
        // not NaN) the exact way below (see `super::certified`).
        certify(scored, lms, restricted, rule, z, f);
        for ((((&sy, &lms), &y), z), f) in scored.iter().zip(lms).zip(y).zip(z).zip(f) {
            if z.is_nan() && !sy.is_nan() {
                let v = zscore(sy, lms);
                let v = if restricted { restrict(v, y, lms) } else { v };
                (*z, *f) = finish(v, rule, true);
            }
        }
        return;
    }
    for (p, lms) in scored.iter_mut().zip(lms) {
        *p = pow(*p / lms[1], lms[0]);
    }
    for ((((&p, &lms), &y), z), f) in scored.iter().zip(lms).zip(y).zip(z).zip(f) {
        let v = zscore_from_power(p, lms);
        let v = if restricted { restrict(v, y, lms) } else { v };
        (*z, *f) = finish(v, rule, rounded);
    }
}

/// One age-based indicator over one block: `y` are the measurements (NaN
/// or ≤ 0 = missing); `z`, `f` the block's output slices. With no column or
/// no table every output is missing.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn age_pass(
    state: &[RowState],
    table: Option<&LmsTable>,
    y: Option<&[f64]>,
    ind: AgeIndicator,
    rounded: bool,
    scratch: (&mut [Lms], &mut [f64]),
    z: &mut [f64],
    f: &mut [f64],
) {
    let (Some(table), Some(y)) = (table, y) else {
        z.fill(f64::NAN);
        f.fill(f64::NAN);
        return;
    };
    let (lms, power) = scratch;
    // Stage 1: the table row and y/M (exact day lookup, §1.7-1.8).
    for (((s, &y), lms), power) in state
        .iter()
        .zip(y)
        .zip(lms.iter_mut())
        .zip(power.iter_mut())
    {
        let y = positive(y);
        let scored =
            s.age_ok && !(ind.not_with_oedema && s.oedema) && s.day >= ind.min_day && !y.is_nan();
        let row = if scored {
            table.row(usize::from(s.sex), i64::from(s.day))
        } else {
            None
        };
        (*lms, *power) = match row {
            Some(row) => (row, y),
            None => (UNSCORED, f64::NAN),
        };
    }
    finish_pass(lms, power, y, ind.restricted, ind.rule, rounded, z, f);
}

/// Weight-for-length/height over one block (WHO_GROWTH.md §1.9).
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn wfl_pass(
    state: &[RowState],
    tables: &Tables2006,
    clenhei: &[f64],
    weight: &[f64],
    rounded: bool,
    scratch: (&mut [Lms], &mut [f64]),
    z: &mut [f64],
    f: &mut [f64],
) {
    let (wfl, wfh) = (tables.wfl.as_ref(), tables.wfh.as_ref());
    let (lms, power) = scratch;
    // Stage 1: the interpolated L, M, S and weight/M.
    for ((((s, &x), &w), lms), power) in state
        .iter()
        .zip(clenhei)
        .zip(weight)
        .zip(lms.iter_mut())
        .zip(power.iter_mut())
    {
        let table = match s.wfl {
            Some(true) => wfl,
            Some(false) => wfh,
            None => None,
        };
        (*lms, *power) = match table.and_then(|t| wfl_lms(t, usize::from(s.sex), x)) {
            Some(row) => (row, w),
            None => (UNSCORED, f64::NAN),
        };
    }
    finish_pass(lms, power, weight, true, FlagRule::Abs5, rounded, z, f);
}

/// The checks of a [`zscores_2006`] call, before anything is written: every
/// input and output column has the length of `sex`, and every measurement
/// column given has its table.
pub(crate) fn check_call(
    input: &Input2006<'_>,
    tables: &Tables2006,
    out: &Output2006<'_>,
) -> Result<(), Error> {
    let n = input.sex.len();
    shape("age", input.age.len(), n)?;
    for (name, col) in [
        ("weight", input.weight),
        ("lenhei", input.lenhei),
        ("headc", input.headc),
        ("armc", input.armc),
        ("triskin", input.triskin),
        ("subskin", input.subskin),
    ] {
        if let Some(c) = col {
            shape(name, c.len(), n)?;
        }
    }
    if let Some(c) = input.measure {
        shape("measure", c.len(), n)?;
    }
    if let Some(c) = input.oedema {
        shape("oedema", c.len(), n)?;
    }
    {
        let o = out;
        for (name, c) in [
            ("clenhei", &o.clenhei),
            ("cbmi", &o.cbmi),
            ("c9mo_flag", &o.c9mo_flag),
            ("zlen", &o.zlen),
            ("flen", &o.flen),
            ("zwei", &o.zwei),
            ("fwei", &o.fwei),
            ("zwfl", &o.zwfl),
            ("fwfl", &o.fwfl),
            ("zbmi", &o.zbmi),
            ("fbmi", &o.fbmi),
            ("zhc", &o.zhc),
            ("fhc", &o.fhc),
            ("zac", &o.zac),
            ("fac", &o.fac),
            ("zts", &o.zts),
            ("fts", &o.fts),
            ("zss", &o.zss),
            ("fss", &o.fss),
        ] {
            shape(name, c.len(), n)?;
        }
    }
    let mut missing = ValidationErrors::new();
    for (name, col, table, which) in [
        (
            "headc",
            input.headc,
            &tables.hcfa,
            Table::HeadCircumferenceForAge,
        ),
        (
            "armc",
            input.armc,
            &tables.acfa,
            Table::ArmCircumferenceForAge,
        ),
        (
            "triskin",
            input.triskin,
            &tables.tsfa,
            Table::TricepsSkinfoldForAge,
        ),
        (
            "subskin",
            input.subskin,
            &tables.ssfa,
            Table::SubscapularSkinfoldForAge,
        ),
        ("weight", input.weight, &tables.wfa, Table::WeightForAge),
        (
            "lenhei",
            input.lenhei,
            &tables.lhfa,
            Table::LengthHeightForAge,
        ),
    ] {
        if col.is_some() && table.is_none() {
            missing.push(
                FieldError::at(name, ErrorCode::LmsTableMissing)
                    .with_param("table", which.csv_name()),
            );
        }
    }
    if !missing.is_empty() {
        return Err(Error::Validation(missing));
    }
    Ok(())
}

/// Computes WHO 2006 z-scores for every row (WHO anthro's
/// `anthro_zscores`, WHO_GROWTH.md §1), writing into `out` and pushing one
/// [`RowError`] per problem of a bad row. Rows are independent; a bad row
/// gets missing (NaN) outputs and never stops the call.
///
/// # Errors
/// [`Error::Shape`] when a column (input or output) has another length than
/// `sex`; [`Error::Validation`] with `lms_table_missing` when a measurement
/// column is given whose table is neither bundled nor supplied. Nothing is
/// written in either case.
pub fn zscores_2006(
    input: &Input2006<'_>,
    tables: &Tables2006,
    options: ZscoreOptions,
    out: &mut Output2006<'_>,
    errors: &mut Vec<RowError>,
) -> Result<(), Error> {
    // The same code, compiled for the best instruction set of this CPU
    // (AVX2 or AVX-512 where present, else the target's baseline).
    zscores_2006_on(pulp::Arch::new(), input, tables, options, out, errors)
}

/// [`zscores_2006`] compiled for the instruction set `arch` (tests run
/// every one this CPU has, and the baseline).
pub(crate) fn zscores_2006_on(
    arch: pulp::Arch,
    input: &Input2006<'_>,
    tables: &Tables2006,
    options: ZscoreOptions,
    out: &mut Output2006<'_>,
    errors: &mut Vec<RowError>,
) -> Result<(), Error> {
    check_call(input, tables, out)?;
    arch.dispatch(Blocks2006 {
        input,
        tables,
        rounded: options.rounded,
        out,
        errors,
    });
    Ok(())
}

/// The arguments of [`blocks_2006`], so that [`pulp`] compiles it once per
/// instruction set (a closure would be compiled once, for the baseline).
struct Blocks2006<'i, 'c, 'o, 'e> {
    input: &'i Input2006<'c>,
    tables: &'i Tables2006,
    rounded: bool,
    out: &'i mut Output2006<'o>,
    errors: &'e mut Vec<RowError>,
}

impl pulp::WithSimd for Blocks2006<'_, '_, '_, '_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _simd: S) {
        blocks_2006(self.input, self.tables, self.rounded, self.out, self.errors);
    }
}

/// The body of [`zscores_2006`] after its checks: the blocks.
#[inline(always)]
fn blocks_2006(
    input: &Input2006<'_>,
    tables: &Tables2006,
    rounded: bool,
    out: &mut Output2006<'_>,
    errors: &mut Vec<RowError>,
) {
    let n = input.sex.len();
    let nan = f64::NAN;
    let mut b = Block {
        state: [RowState::default(); BLOCK],
        weight: [nan; BLOCK],
        headc: [nan; BLOCK],
        armc: [nan; BLOCK],
        triskin: [nan; BLOCK],
        subskin: [nan; BLOCK],
        lms: [UNSCORED; BLOCK],
        scored: [nan; BLOCK],
    };
    let o = out;
    let mut start = 0;
    while start < n {
        let end = n.min(start + BLOCK);
        let len = end - start;
        // ---- pass 1: input rules, errors, clenhei/cbmi/c9mo_flag --------
        // Lengths were checked above, so indexing cannot panic.
        for (k, i) in (start..end).enumerate() {
            let x = In2006 {
                sex: input.sex.get(i).copied().unwrap_or(SEX_MISSING),
                age: input.age.get(i).copied().unwrap_or(nan),
                age_in_month: input.age_in_month,
                weight: cell(input.weight, i),
                lenhei: cell(input.lenhei, i),
                measure: input
                    .measure
                    .and_then(|c| c.get(i))
                    .copied()
                    .unwrap_or(MEASURE_MISSING),
                headc: cell(input.headc, i),
                armc: cell(input.armc, i),
                triskin: cell(input.triskin, i),
                subskin: cell(input.subskin, i),
                oedema: input
                    .oedema
                    .and_then(|c| c.get(i))
                    .copied()
                    .unwrap_or(false),
            };
            let Some(p) = prepare(&x, i, errors) else {
                b.state[k] = RowState::default(); // nothing scored
                o.clenhei[i] = nan;
                o.cbmi[i] = nan;
                o.c9mo_flag[i] = nan;
                continue;
            };
            o.clenhei[i] = p.clenhei;
            o.cbmi[i] = p.cbmi;
            o.c9mo_flag[i] = p.c9mo;
            let age_key = p.age_key();
            let wfl = p.wfl_choice();
            let sex = age_key.map(|(si, _)| si).or(wfl.map(|(si, _)| si));
            b.state[k] = RowState {
                sex: u8::from(sex == Some(1)),
                // age_key's day is within 0..=1856.
                day: age_key.map_or(0, |(_, d)| u16::try_from(d).unwrap_or(0)),
                age_ok: age_key.is_some(),
                oedema: p.oedema,
                wfl: wfl.map(|(_, use_length)| use_length),
            };
            b.weight[k] = p.weight;
            b.headc[k] = p.headc;
            b.armc[k] = p.armc;
            b.triskin[k] = p.triskin;
            b.subskin[k] = p.subskin;
        }
        // ---- one pass per indicator --------------------------------------
        let st = &b.state[..len];
        let r = start..end;
        let weight = input.weight.map(|_| &b.weight[..len]);
        let lenhei = input.lenhei.map(|_| &o.clenhei[r.clone()]);
        let bmi = input.weight.and(input.lenhei).map(|_| &o.cbmi[r.clone()]);
        let plain = |rule| AgeIndicator {
            restricted: false,
            rule,
            not_with_oedema: false,
            min_day: 0,
        };
        let adjusted = |rule, not_with_oedema, min_day| AgeIndicator {
            restricted: true,
            rule,
            not_with_oedema,
            min_day,
        };
        let t = tables;
        #[rustfmt::skip]
        {
            age_pass(st, t.lhfa.as_ref(), lenhei, plain(FlagRule::Abs6), rounded, (&mut b.lms[..len], &mut b.scored[..len]), &mut o.zlen[r.clone()], &mut o.flen[r.clone()]);
            age_pass(st, t.wfa.as_ref(), weight, adjusted(FlagRule::Wei, true, 0), rounded, (&mut b.lms[..len], &mut b.scored[..len]), &mut o.zwei[r.clone()], &mut o.fwei[r.clone()]);
            age_pass(st, t.bfa.as_ref(), bmi, adjusted(FlagRule::Abs5, true, 0), rounded, (&mut b.lms[..len], &mut b.scored[..len]), &mut o.zbmi[r.clone()], &mut o.fbmi[r.clone()]);
            age_pass(st, t.hcfa.as_ref(), input.headc.map(|_| &b.headc[..len]), plain(FlagRule::Abs5), rounded, (&mut b.lms[..len], &mut b.scored[..len]), &mut o.zhc[r.clone()], &mut o.fhc[r.clone()]);
            age_pass(st, t.acfa.as_ref(), input.armc.map(|_| &b.armc[..len]), adjusted(FlagRule::Abs5, false, 91), rounded, (&mut b.lms[..len], &mut b.scored[..len]), &mut o.zac[r.clone()], &mut o.fac[r.clone()]);
            age_pass(st, t.tsfa.as_ref(), input.triskin.map(|_| &b.triskin[..len]), adjusted(FlagRule::Abs5, false, 91), rounded, (&mut b.lms[..len], &mut b.scored[..len]), &mut o.zts[r.clone()], &mut o.fts[r.clone()]);
            age_pass(st, t.ssfa.as_ref(), input.subskin.map(|_| &b.subskin[..len]), adjusted(FlagRule::Abs5, false, 91), rounded, (&mut b.lms[..len], &mut b.scored[..len]), &mut o.zss[r.clone()], &mut o.fss[r.clone()]);
        };
        if input.weight.is_some() && input.lenhei.is_some() {
            wfl_pass(
                st,
                t,
                &o.clenhei[r.clone()],
                &b.weight[..len],
                rounded,
                (&mut b.lms[..len], &mut b.scored[..len]),
                &mut o.zwfl[r.clone()],
                &mut o.fwfl[r.clone()],
            );
        } else {
            o.zwfl[r.clone()].fill(nan);
            o.fwfl[r].fill(nan);
        }
        start = end;
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// xorshift64: deterministic pseudo-random numbers.
    pub(crate) struct Rng(pub(crate) u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        pub(crate) fn unit(&mut self) -> f64 {
            #[allow(clippy::cast_precision_loss)]
            let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
            u
        }
        fn pick<T: Copy>(&mut self, v: &[T]) -> T {
            #[allow(clippy::cast_possible_truncation)]
            let i = (self.next() % v.len() as u64) as usize;
            v[i]
        }
        /// A measurement: mostly plausible (2 decimals), sometimes hostile.
        fn measure(&mut self, lo: f64, hi: f64) -> f64 {
            match self.next() % 20 {
                0 => self.pick(&[
                    f64::NAN,
                    f64::INFINITY,
                    f64::NEG_INFINITY,
                    0.0,
                    -0.0,
                    -1.0,
                    1e-200,
                    1e300,
                ]),
                1 => (lo + (hi - lo) * self.unit()) * 3.0, // extreme z
                2 => (lo + (hi - lo) * self.unit()) / 3.0,
                3 => self.pick(&[45.0, 65.0, 87.0, 110.0, 120.0, 44.99, 110.01, 120.01, 64.99]),
                _ => ((lo + (hi - lo) * self.unit()) * 100.0).round() / 100.0,
            }
        }
    }

    fn same(a: f64, b: f64) -> bool {
        a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
    }

    /// The batch passes give bit-identical outputs, and the same errors in
    /// the same order, as the row-at-a-time reference [`compute_row`], over
    /// several blocks, hostile values and every combination of absent
    /// columns.
    /// WHO_GROWTH.md §1.9 written literally, with libm `trunc`/`round`.
    fn wfl_lms_literal(t: &LmsTable, sex_index: usize, x: f64) -> Option<Lms> {
        let low = (x * 10.0).trunc() / 10.0;
        let upp = (x * 10.0 + 1.0).trunc() / 10.0;
        let diff = (x - low) / 0.1;
        #[allow(clippy::cast_possible_truncation)]
        let key = |v: f64| (v * 10.0).round() as i64;
        let lo = t.row(sex_index, key(low))?;
        if diff > 0.0 {
            let up = t.row(sex_index, key(upp))?;
            Some(lerp(lo, up, diff))
        } else {
            Some(lo)
        }
    }

    #[test]
    fn months_cutoffs_equal_the_division() {
        let mut ages: Vec<f64> = (0..=4000).map(|d| f64::from(d) / 2.0).collect();
        for edge in [60.0 * DAYS_PER_MONTH, 9.0 * DAYS_PER_MONTH] {
            let mut below = edge;
            let mut above = edge;
            for _ in 0..64 {
                below = below.next_down();
                above = above.next_up();
                ages.extend([below, above]);
            }
            ages.push(edge);
        }
        ages.extend([0.0, -0.0, f64::NAN, f64::INFINITY, 1e300]);
        for a in ages {
            let c = MonthsCutoff::days(a);
            assert_eq!(c.sixty, a / DAYS_PER_MONTH < 60.0, "{a}");
            assert_eq!(c.nine, a / DAYS_PER_MONTH < 9.0, "{a}");
        }
    }

    #[test]
    fn wfl_interpolation_equals_the_literal_formula() {
        let mut rng = Rng(7);
        for table in [Table::WeightForLength, Table::WeightForHeight] {
            let t = LmsTable::bundled(table).unwrap();
            let mut xs: Vec<f64> = (4000..12_500).map(|i| f64::from(i) / 100.0).collect();
            xs.extend((0..200_000).map(|_| 40.0 + 85.0 * rng.unit()));
            xs.extend([
                0.0,
                -1.0,
                f64::NAN,
                f64::INFINITY,
                44.999_999,
                110.05,
                120.0,
                1e300,
            ]);
            for x in xs {
                for si in 0..2 {
                    let (a, b) = (wfl_lms(&t, si, x), wfl_lms_literal(&t, si, x));
                    assert_eq!(
                        a.map(|r| r.map(f64::to_bits)),
                        b.map(|r| r.map(f64::to_bits)),
                        "{x}"
                    );
                }
            }
        }
    }

    #[test]
    fn batch_passes_equal_the_row_reference() {
        let acfa = LmsTable::bundled(Table::ArmCircumferenceForAge).unwrap();
        let tables = Tables2006::bundled()
            .with_table(Table::TricepsSkinfoldForAge, acfa.clone())
            .unwrap()
            .with_table(Table::SubscapularSkinfoldForAge, acfa)
            .unwrap();
        let mut rng = Rng(0x2545_F491_4F6C_DD1D);
        let n = 3 * BLOCK + 77;
        for case in 0..48_u32 {
            let in_months = case % 2 == 1;
            let mut age = Vec::new();
            let (mut sex, mut measure, mut oedema) = (Vec::new(), Vec::new(), Vec::new());
            let (mut w, mut l, mut hc, mut ac, mut ts, mut ss) =
                (vec![], vec![], vec![], vec![], vec![], vec![]);
            for _ in 0..n {
                sex.push(rng.pick(&[1, 2, 1, 2, 1, 2, 0, 3]));
                measure.push(rng.pick(&[b'l', b'h', b'L', b'H', 0, b'l', b'h', b'x']));
                oedema.push(rng.next() % 10 == 0);
                let days = match rng.next() % 12 {
                    0 => rng.pick(&[
                        f64::NAN,
                        -1.0,
                        f64::INFINITY,
                        0.0,
                        730.5,
                        731.0,
                        1826.0,
                        1826.25,
                        1856.0,
                        1857.0,
                        90.0,
                        91.0,
                    ]),
                    _ => (rng.unit() * 1900.0 * 2.0).round() / 2.0,
                };
                age.push(if in_months {
                    days / DAYS_PER_MONTH
                } else {
                    days
                });
                w.push(rng.measure(2.0, 25.0));
                l.push(rng.measure(45.0, 120.0));
                hc.push(rng.measure(32.0, 52.0));
                ac.push(rng.measure(10.0, 18.0));
                ts.push(rng.measure(4.0, 14.0));
                ss.push(rng.measure(3.0, 12.0));
            }
            let present = |bit: u32| case & (1 << (bit + 1)) == 0 || case < 2;
            let input = Input2006 {
                sex: &sex,
                age: &age,
                age_in_month: in_months,
                weight: present(0).then_some(&w[..]),
                lenhei: present(1).then_some(&l[..]),
                measure: present(2).then_some(&measure[..]),
                headc: present(3).then_some(&hc[..]),
                armc: present(4).then_some(&ac[..]),
                triskin: present(3).then_some(&ts[..]),
                subskin: present(4).then_some(&ss[..]),
                oedema: present(2).then_some(&oedema[..]),
            };
            // Every instruction set this CPU has, and the baseline.
            let mut arches = vec![pulp::Arch::new(), pulp::Arch::Scalar];
            #[cfg(target_arch = "x86_64")]
            arches.extend(pulp::x86::V3::try_new().map(pulp::Arch::V3));
            let runs = arches.iter().flat_map(|a| [(true, *a), (false, *a)]);
            for (rounded, arch) in runs {
                let mut out = Columns2006::new(n);
                let mut errors = Vec::new();
                zscores_2006_on(
                    arch,
                    &input,
                    &tables,
                    ZscoreOptions { rounded },
                    &mut out.output(),
                    &mut errors,
                )
                .unwrap();
                let mut want_errors = Vec::new();
                for i in 0..n {
                    let x = In2006 {
                        sex: sex[i],
                        age: age[i],
                        age_in_month: in_months,
                        weight: cell(input.weight, i),
                        lenhei: cell(input.lenhei, i),
                        measure: input.measure.map_or(MEASURE_MISSING, |c| c[i]),
                        headc: cell(input.headc, i),
                        armc: cell(input.armc, i),
                        triskin: cell(input.triskin, i),
                        subskin: cell(input.subskin, i),
                        oedema: input.oedema.is_some_and(|c| c[i]),
                    };
                    let want = compute_row(&x, &tables, rounded, i, &mut want_errors);
                    for (k, (name, col)) in out.named().into_iter().enumerate() {
                        assert!(
                            same(col[i], want[k]),
                            "case {case} row {i} {name}: {} vs {}",
                            col[i],
                            want[k]
                        );
                    }
                }
                assert_eq!(errors, want_errors, "case {case}");
            }
        }
    }

    /// The block fast path gives exactly what the one-row path gives where
    /// it proves the z, NaN elsewhere, for any number of rows (blocks and a
    /// remainder), unscored sexes, missing or bad weights and ages outside
    /// the table; and it proves a good part of them.
    #[test]
    fn weight_for_age_proven_agrees_with_one_row() {
        let tables = Tables2006::bundled();
        let mut rng = Rng(99);
        let n = 1_500;
        let rows: Vec<(usize, i64, f64)> = (0..n)
            .map(|k| {
                #[allow(clippy::cast_possible_truncation)]
                let day = (2_000.0 * rng.unit()) as i64 - 50;
                let weight = match k % 50 {
                    0 => f64::NAN,
                    1 => -3.0,
                    2 => f64::INFINITY,
                    _ => 2.0 + 20.0 * rng.unit(),
                };
                (k % 3, day, weight)
            })
            .collect();
        let mut z = vec![0.0; n + 7];
        weight_for_age_proven(&tables, rows.iter().copied(), &mut z);
        let mut proven = 0;
        for (k, &(sex, day, weight)) in rows.iter().enumerate() {
            if z[k].is_nan() {
                continue;
            }
            proven += 1;
            let (one, flag) = weight_for_age_one(&tables, sex, day, weight);
            assert_eq!(z[k].to_bits(), one.to_bits(), "row {k}");
            assert_eq!(flag, 0.0);
            assert!(sex < 2 && (0..=1856).contains(&day) && weight > 0.0);
        }
        assert!(
            z[n..].iter().all(|z| z.is_nan()),
            "rows beyond the input are NaN"
        );
        // Random weights at random ages: many lie beyond ±3 SD (exact path).
        assert!(proven > n / 5, "{proven} proven");
    }
}

//! WHO Child Growth Standards 2006 (0-5 years), computed exactly as WHO
//! anthro 1.1.0.9000 does (WHO_GROWTH.md §1 and §6), as a columnar batch.

use super::codes::{MEASURE_HEIGHT, MEASURE_LENGTH, MEASURE_MISSING, SEX_MISSING};
use super::lms::{zscore, zscore_restricted, Lms};
use super::round::{round2, round_half_up};
use super::tables::{LmsTable, Table};
use super::{check_len, RowError};
use crate::error::{Error, ErrorCode, FieldError, ShapeError, ValidationErrors};

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

/// Options of the z-score calculations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ZscoreOptions {
    /// Round z-scores to 2 decimals as WHO anthro does (default `true`).
    /// Flags are always computed on the rounded z (WHO_GROWTH.md §1.10); with
    /// `false` the unrounded z is written but the flag stays the one of the
    /// rounded z, so flags do not change.
    pub rounded: bool,
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

/// Rounds (R rule) then flags; returns `(z_out, flag)`, both NaN when z is
/// NaN. A non-finite z (only from absurd inputs) becomes missing.
#[inline]
pub(crate) fn finish(z: f64, rule: FlagRule, rounded: bool) -> (f64, f64) {
    if !z.is_finite() {
        return (f64::NAN, f64::NAN);
    }
    let r = round2(z);
    let flagged = match rule {
        FlagRule::Abs6 => r.abs() > 6.0,
        FlagRule::Wei => !(-6.0..=5.0).contains(&r),
        FlagRule::Abs5 => r.abs() > 5.0,
    };
    (if rounded { r } else { z }, f64::from(u8::from(flagged)))
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
    if x.is_nan() {
        f64::NAN
    } else if !x.is_finite() {
        errors.push(RowError::new(
            row,
            FieldError::at(name, ErrorCode::NotFinite),
        ));
        f64::NAN
    } else if x <= 0.0 {
        errors.push(RowError::new(
            row,
            FieldError::at(name, ErrorCode::NotPositive),
        ));
        f64::NAN
    } else {
        x
    }
}

#[inline]
fn cell(col: Option<&[f64]>, i: usize) -> f64 {
    col.and_then(|c| c.get(i)).copied().unwrap_or(f64::NAN)
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

/// Weight-for-length/height L, M, S interpolation (WHO_GROWTH.md §1.9).
#[inline]
fn wfl_lms(t: &LmsTable, sex_index: usize, x: f64) -> Option<Lms> {
    let low = (x * 10.0).trunc() / 10.0;
    let upp = (x * 10.0 + 1.0).trunc() / 10.0;
    let diff = (x - low) / 0.1;
    #[allow(clippy::cast_possible_truncation)]
    let key = |v: f64| (v * 10.0).round() as i64;
    let lo = t.row(sex_index, key(low))?;
    if diff > 0.0 {
        let up = t.row(sex_index, key(upp))?;
        Some([
            lo[0] + diff * (up[0] - lo[0]),
            lo[1] + diff * (up[1] - lo[1]),
            lo[2] + diff * (up[2] - lo[2]),
        ])
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

/// Computes one row. Problems are pushed to `errors` with `row`.
#[inline]
#[allow(clippy::too_many_lines)]
pub(crate) fn compute_row(
    x: &In2006,
    tables: &Tables2006,
    rounded: bool,
    row: usize,
    errors: &mut Vec<RowError>,
) -> Row2006 {
    let nan = f64::NAN;
    let mut out = [nan; 19];
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
        return out;
    }
    // age in days: round half up (R/utils.R:201-209); months unrounded.
    let (days, months) = if age.is_nan() {
        (None, nan)
    } else if x.age_in_month {
        (Some(round_half_up(age * DAYS_PER_MONTH)), age)
    } else {
        (Some(round_half_up(age)), age / DAYS_PER_MONTH)
    };
    #[allow(clippy::cast_possible_truncation)]
    let day: Option<i64> = days.map(|d| d as i64);
    // Scored only if 0 <= days <= 1856 and months < 60 (§1.8).
    let in_age = day.is_some_and(|d| (0..=1856).contains(&d)) && months < 60.0;
    if day.is_some() && months >= 60.0 {
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
    if measure == Some(true) && months < 9.0 {
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
    out[0] = clenhei;
    out[1] = cbmi;
    out[2] = c9mo;

    let Some(si) = sex_index else { return out };
    let oedema = x.oedema;
    let pos = |v: f64| if v > 0.0 { v } else { nan };

    // ---- age-based indicators -----------------------------------------
    if in_age {
        let d = day.unwrap_or(-1);
        let put = |out: &mut Row2006, k: usize, z: f64, rule: FlagRule| {
            let (z, f) = finish(z, rule, rounded);
            out[k] = z;
            out[k + 1] = f;
        };
        put(
            &mut out,
            3,
            age_based(tables.lhfa.as_ref(), si, d, pos(clenhei), false),
            FlagRule::Abs6,
        );
        if !oedema {
            put(
                &mut out,
                5,
                age_based(tables.wfa.as_ref(), si, d, weight, true),
                FlagRule::Wei,
            );
            put(
                &mut out,
                9,
                age_based(tables.bfa.as_ref(), si, d, pos(cbmi), true),
                FlagRule::Abs5,
            );
        }
        put(
            &mut out,
            11,
            age_based(tables.hcfa.as_ref(), si, d, headc, false),
            FlagRule::Abs5,
        );
        if d >= 91 {
            put(
                &mut out,
                13,
                age_based(tables.acfa.as_ref(), si, d, armc, true),
                FlagRule::Abs5,
            );
            put(
                &mut out,
                15,
                age_based(tables.tsfa.as_ref(), si, d, triskin, true),
                FlagRule::Abs5,
            );
            put(
                &mut out,
                17,
                age_based(tables.ssfa.as_ref(), si, d, subskin, true),
                FlagRule::Abs5,
            );
        }
    }

    // ---- weight-for-length/height (§1.9) ------------------------------
    // A missing age does not block it; a known age must be scoreable.
    let wfl_age_ok = match day {
        None => true,
        Some(_) => in_age,
    };
    if wfl_age_ok && !oedema && !weight.is_nan() && !clenhei.is_nan() {
        let use_length = match (day, measure) {
            (Some(d), _) => d < 731,
            (None, Some(is_height)) => !is_height,
            (None, None) => clenhei < 87.0,
        };
        let (table, lo, hi) = if use_length {
            (tables.wfl.as_ref(), 45.0, 110.0)
        } else {
            (tables.wfh.as_ref(), 65.0, 120.0)
        };
        if (lo..=hi).contains(&clenhei) {
            if let Some(lms) = table.and_then(|t| wfl_lms(t, si, clenhei)) {
                let (z, f) = finish(zscore_restricted(weight, lms), FlagRule::Abs5, rounded);
                out[7] = z;
                out[8] = f;
            }
        }
    }
    out
}

fn shape(name: &'static str, len: usize, n: usize) -> Result<(), ShapeError> {
    check_len(name, len, "sex", n)
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
        let o = &*out;
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
    for i in 0..n {
        let x = In2006 {
            sex: input.sex.get(i).copied().unwrap_or(SEX_MISSING),
            age: input.age.get(i).copied().unwrap_or(f64::NAN),
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
        let r = compute_row(&x, tables, options.rounded, i, errors);
        // Lengths were checked above, so indexing cannot panic.
        out.clenhei[i] = r[0];
        out.cbmi[i] = r[1];
        out.c9mo_flag[i] = r[2];
        out.zlen[i] = r[3];
        out.flen[i] = r[4];
        out.zwei[i] = r[5];
        out.fwei[i] = r[6];
        out.zwfl[i] = r[7];
        out.fwfl[i] = r[8];
        out.zbmi[i] = r[9];
        out.fbmi[i] = r[10];
        out.zhc[i] = r[11];
        out.fhc[i] = r[12];
        out.zac[i] = r[13];
        out.fac[i] = r[14];
        out.zts[i] = r[15];
        out.fts[i] = r[16];
        out.zss[i] = r[17];
        out.fss[i] = r[18];
    }
    Ok(())
}

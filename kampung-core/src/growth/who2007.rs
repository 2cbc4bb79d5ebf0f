//! WHO Reference 2007 (5-19 years), computed exactly as WHO anthroplus
//! 1.0.0.9000 does (WHO_GROWTH.md §2), as a columnar batch.

use super::codes::SEX_MISSING;
use super::lms::{lerp, zscore, zscore_restricted, Lms};
use super::tables::{LmsTable, Table};
use super::who2006::{finish, measurement, FlagRule, ZscoreOptions};
use super::{shape, RowError};
use crate::error::{Error, ErrorCode, FieldError};

/// Output column names, WHO anthroplus's, in the order of [`Output2007`].
pub const OUTPUT_NAMES_2007: [&str; 7] = ["cbmi", "zhfa", "fhfa", "zwfa", "fwfa", "zbfa", "fbfa"];

/// Lowest age (months) of the 2007 reference, inclusive (§2).
pub const MIN_MONTHS_2007: f64 = 60.0;
/// Highest age (months) for height- and BMI-for-age, inclusive (§2).
pub const MAX_MONTHS_2007: f64 = 228.0;
/// Highest age (months) for weight-for-age, inclusive
/// (`WFA_UPPER_AGE_LIMIT`, §2).
pub const MAX_MONTHS_WFA_2007: f64 = 120.0;

/// Input columns for [`zscores_2007`]; numbers use NaN for missing.
#[derive(Clone, Copy, Debug, Default)]
pub struct Input2007<'a> {
    /// 1 male, 2 female, 0 missing.
    pub sex: &'a [u8],
    /// Age in months, not rounded.
    pub age_months: &'a [f64],
    /// Height, cm (no 0.7 cm adjustment in the 2007 reference).
    pub height: Option<&'a [f64]>,
    /// Weight, kg.
    pub weight: Option<&'a [f64]>,
    /// Oedema (absent column = no oedema).
    pub oedema: Option<&'a [bool]>,
}

/// Caller-provided output columns ([`OUTPUT_NAMES_2007`]); NaN = missing.
#[derive(Debug)]
#[allow(missing_docs)]
pub struct Output2007<'a> {
    pub cbmi: &'a mut [f64],
    pub zhfa: &'a mut [f64],
    pub fhfa: &'a mut [f64],
    pub zwfa: &'a mut [f64],
    pub fwfa: &'a mut [f64],
    pub zbfa: &'a mut [f64],
    pub fbfa: &'a mut [f64],
}

/// Owned output columns for [`zscores_2007`].
#[derive(Clone, Debug, Default, PartialEq)]
#[allow(missing_docs)]
pub struct Columns2007 {
    pub cbmi: Vec<f64>,
    pub zhfa: Vec<f64>,
    pub fhfa: Vec<f64>,
    pub zwfa: Vec<f64>,
    pub fwfa: Vec<f64>,
    pub zbfa: Vec<f64>,
    pub fbfa: Vec<f64>,
}

impl Columns2007 {
    /// `n` rows of NaN.
    pub fn new(n: usize) -> Columns2007 {
        let v = || vec![f64::NAN; n];
        Columns2007 {
            cbmi: v(),
            zhfa: v(),
            fhfa: v(),
            zwfa: v(),
            fwfa: v(),
            zbfa: v(),
            fbfa: v(),
        }
    }

    /// Borrows every column as an [`Output2007`].
    pub fn output(&mut self) -> Output2007<'_> {
        Output2007 {
            cbmi: &mut self.cbmi,
            zhfa: &mut self.zhfa,
            fhfa: &mut self.fhfa,
            zwfa: &mut self.zwfa,
            fwfa: &mut self.fwfa,
            zbfa: &mut self.zbfa,
            fbfa: &mut self.fbfa,
        }
    }
}

/// The three 2007 tables (all bundled).
#[derive(Clone, Debug)]
pub struct Tables2007 {
    hfa: Option<LmsTable>,
    wfa: Option<LmsTable>,
    bfa: Option<LmsTable>,
}

impl Default for Tables2007 {
    fn default() -> Self {
        Tables2007::bundled()
    }
}

impl Tables2007 {
    /// The bundled tables.
    pub fn bundled() -> Tables2007 {
        Tables2007 {
            hfa: LmsTable::bundled(Table::HeightForAge2007),
            wfa: LmsTable::bundled(Table::WeightForAge2007),
            bfa: LmsTable::bundled(Table::BmiForAge2007),
        }
    }
}

/// Monthly L, M, S interpolated linearly (WHO_GROWTH.md §2).
#[inline]
fn monthly(t: Option<&LmsTable>, si: usize, age: f64) -> Option<Lms> {
    let t = t?;
    let low = age.trunc();
    let upp = (age + 1.0).trunc();
    let diff = age - low;
    #[allow(clippy::cast_possible_truncation)]
    let lo = t.row(si, low as i64)?;
    if diff > 0.0 {
        #[allow(clippy::cast_possible_truncation)]
        let up = t.row(si, upp as i64)?;
        Some(lerp(lo, up, diff))
    } else {
        Some(lo)
    }
}

/// One child's 2007 outputs, in [`OUTPUT_NAMES_2007`] order.
#[allow(clippy::too_many_arguments)]
pub(crate) fn compute_row(
    sex: u8,
    age: f64,
    height: f64,
    weight: f64,
    oedema: bool,
    tables: &Tables2007,
    rounded: bool,
    row: usize,
    errors: &mut Vec<RowError>,
) -> [f64; 7] {
    let nan = f64::NAN;
    let mut out = [nan; 7];
    let mut void = false;
    let si = match sex {
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
    if age.is_infinite() {
        errors.push(RowError::new(
            row,
            FieldError::at("age_months", ErrorCode::NotFinite),
        ));
        void = true;
    } else if age < 0.0 {
        errors.push(RowError::new(
            row,
            FieldError::at("age_months", ErrorCode::AgeNegative),
        ));
        void = true;
    }
    if void {
        return out;
    }
    let height = measurement(height, "height", row, errors);
    let weight = measurement(weight, "weight", row, errors);
    let h = height / 100.0;
    let cbmi = weight / (h * h);
    out[0] = cbmi;
    if !age.is_nan() && !(MIN_MONTHS_2007..=MAX_MONTHS_2007).contains(&age) {
        errors.push(RowError::new(
            row,
            FieldError::at("age_months", ErrorCode::AgeOutsideStandard)
                .with_param("min", 60_i64)
                .with_param("max", 228_i64),
        ));
    }
    let Some(si) = si else { return out };
    if !(MIN_MONTHS_2007..=MAX_MONTHS_2007).contains(&age) {
        return out;
    }
    let mut put = |k: usize, z: f64, rule: FlagRule| {
        let (z, f) = finish(z, rule, rounded);
        out[k] = z;
        out[k + 1] = f;
    };
    if !height.is_nan() {
        if let Some(lms) = monthly(tables.hfa.as_ref(), si, age) {
            put(1, zscore(height, lms), FlagRule::Abs6);
        }
    }
    if !oedema && !weight.is_nan() && age <= MAX_MONTHS_WFA_2007 {
        if let Some(lms) = monthly(tables.wfa.as_ref(), si, age) {
            put(3, zscore_restricted(weight, lms), FlagRule::Wei);
        }
    }
    if !oedema && cbmi > 0.0 && cbmi.is_finite() {
        if let Some(lms) = monthly(tables.bfa.as_ref(), si, age) {
            put(5, zscore_restricted(cbmi, lms), FlagRule::Abs5);
        }
    }
    out
}

/// Computes WHO 2007 z-scores (anthroplus's `anthroplus_zscores`,
/// WHO_GROWTH.md §2) for every row into `out`, pushing one [`RowError`] per
/// problem of a bad row.
///
/// # Errors
/// [`Error::Shape`] when a column has another length than `sex`.
pub fn zscores_2007(
    input: &Input2007<'_>,
    tables: &Tables2007,
    options: ZscoreOptions,
    out: &mut Output2007<'_>,
    errors: &mut Vec<RowError>,
) -> Result<(), Error> {
    let n = input.sex.len();
    shape("age_months", input.age_months.len(), n)?;
    if let Some(c) = input.height {
        shape("height", c.len(), n)?;
    }
    if let Some(c) = input.weight {
        shape("weight", c.len(), n)?;
    }
    if let Some(c) = input.oedema {
        shape("oedema", c.len(), n)?;
    }
    for (name, len) in [
        ("cbmi", out.cbmi.len()),
        ("zhfa", out.zhfa.len()),
        ("fhfa", out.fhfa.len()),
        ("zwfa", out.zwfa.len()),
        ("fwfa", out.fwfa.len()),
        ("zbfa", out.zbfa.len()),
        ("fbfa", out.fbfa.len()),
    ] {
        shape(name, len, n)?;
    }
    let cell = |c: Option<&[f64]>, i: usize| c.and_then(|c| c.get(i)).copied().unwrap_or(f64::NAN);
    for i in 0..n {
        let r = compute_row(
            input.sex.get(i).copied().unwrap_or(SEX_MISSING),
            input.age_months.get(i).copied().unwrap_or(f64::NAN),
            cell(input.height, i),
            cell(input.weight, i),
            input
                .oedema
                .and_then(|c| c.get(i))
                .copied()
                .unwrap_or(false),
            tables,
            options.rounded,
            i,
            errors,
        );
        // Lengths were checked above, so indexing cannot panic.
        out.cbmi[i] = r[0];
        out.zhfa[i] = r[1];
        out.fhfa[i] = r[2];
        out.zwfa[i] = r[3];
        out.fwfa[i] = r[4];
        out.zbfa[i] = r[5];
        out.fbfa[i] = r[6];
    }
    Ok(())
}

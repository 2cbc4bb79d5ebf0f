//! Data-quality report of anthropometric survey data, with the checks of
//! the WHO-UNICEF TEAM *Recommendations for data collection, analysis and
//! reporting on anthropometric indicators in children under 5 years old*
//! (WHO and UNICEF, 2019; ISBN 978-92-4-151555-9), as WHO's own Anthro
//! Survey Analyser reports them (`WorldHealthOrganization/anthro-analyzer-web`,
//! `code/data-quality-lib.R`, `missing-data-lib.R`, `distributions-lib.R`,
//! `digit-lib.R`, `zscore-dq-lib.R`, read as a specification):
//!
//! | table | check | source |
//! |---|---|---|
//! | `missing` | % (n) of children missing each variable used | analyser's "Missing data" (`missing-data-lib.R`) |
//! | `flags` | % of z-scores flagged as implausible per indicator, flagged / z-scores computed | Recommendations, "Implausible z-score values" (pp. 64-65); analyser `zscore_flagged_zscores` |
//! | `zscores` | mean, SD, skewness, kurtosis of HAZ, WAZ, BAZ, WHZ without flagged values, and whether the SD lies in the range expected of survey data | Recommendations p. 71 (SD, skewness, kurtosis); analyser `summarise_zscore_data` (R `moments`: skewness `m3/m2^1.5`, kurtosis `m4/m2²`, not excess); expected SD: Mei and Grummer-Strawn 2007 ([`SD_EXPECTED`]) |
//! | `digits`, `dps` | terminal (first decimal) digit of weight and length/height after rounding to 0.1, and the Digit Preference Score `100 √(χ² / (N · 9))` | analyser `digit_prepare_heaping_plot_data`; DPS: Kuulasmaa, Hense, Tolonen, WHO MONICA Project e-publication No. 9 (1998) |
//! | `whole_numbers` | counts of whole kg (2-25) and cm (35-125) | analyser `digit_count_integers` |
//! | `age_months`, `dob_day`, `dob_month` | age heaping: children by completed month of age (0-59) and sex; by day and month of birth where given | analyser "Distribution by age in months"; Recommendations (age heaping) |
//! | `sex_ratio` | boys per girl by group | Recommendations (sex ratio) |
//! | `measure_mismatch` | children measured standing under 24 months or lying from 24 months, by age group | analyser `dist_compute_mismatch_table` |
//!
//! Every table is given for `All` and by the groups of the prevalence table
//! (age group, sex, and the groupings given), for the children the
//! prevalence table uses (anthro's exclusions). The only range applied is
//! the expected SD of each indicator, from the cross-country analysis the
//! SD check rests on ([`SD_EXPECTED`]); the Recommendations' own
//! interpretation text could not be read from a source here and is not
//! guessed; the SMART DPS classes are given
//! as such (below 8 excellent, 8-12 good, 12-20 acceptable, 20 or more
//! problematic, as NiPN's `nipnTK::digitPreference` labels them).

use super::prevalence::groups::{Grouping, Order};
use super::prevalence::{
    groupings, select_rows, zscores, Children, PrevalenceInput, PrevalenceOptions, Z_NA,
};
use super::round::round_half_up;
use super::{RowError, DAYS_PER_MONTH};
use crate::error::{Error, ErrorCode, FieldError, ShapeError};
use crate::survey::Domain;
use serde::Serialize;

/// The children (as for [`super::prevalence::prevalence`]) and, where
/// known, their day (1-31) and month (1-12) of birth (NaN: unknown).
#[derive(Clone, Copy, Debug, Default)]
pub struct QualityInput<'a> {
    /// The same columns as the prevalence table.
    pub children: PrevalenceInput<'a>,
    /// Day of the month of birth.
    pub dob_day: Option<&'a [f64]>,
    /// Month of birth.
    pub dob_month: Option<&'a [f64]>,
}

/// Missing values of one variable in one group.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MissingRow {
    /// `Group` label.
    pub group: String,
    /// Input column.
    pub variable: &'static str,
    /// Children in the group.
    pub n: u64,
    /// Of those, missing the variable.
    pub missing: u64,
    /// `100 · missing / n`.
    pub percent: f64,
}

/// Flagged z-scores of one indicator in one group.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FlagRow {
    /// `Group` label.
    pub group: String,
    /// `zlen`, `zwei`, `zbmi`, `zwfl`.
    pub indicator: &'static str,
    /// Children with a z-score (flagged or not).
    pub scored: u64,
    /// Of those, flagged.
    pub flagged: u64,
    /// `100 · flagged / scored` (NaN when none is scored).
    pub percent: f64,
}

/// Distribution of one indicator's unflagged z-scores in one group.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ZscoreRow {
    /// `Group` label.
    pub group: String,
    /// `zlen`, `zwei`, `zbmi`, `zwfl`.
    pub indicator: &'static str,
    /// Unflagged z-scores.
    pub n: u64,
    /// Mean.
    pub mean: f64,
    /// Standard deviation (`n − 1`).
    pub sd: f64,
    /// Skewness `m3 / m2^1.5` (population moments, R `moments::skewness`).
    pub skewness: f64,
    /// Kurtosis `m4 / m2²` (3 for a normal distribution, R `moments::kurtosis`).
    pub kurtosis: f64,
    /// The SD range expected of survey data ([`SD_EXPECTED`]): low end.
    pub sd_expected_low: f64,
    /// The SD range expected of survey data ([`SD_EXPECTED`]): high end.
    pub sd_expected_high: f64,
    /// Whether `sd` lies in the expected range (ends included); `None`
    /// when there is no SD (fewer than 2 z-scores).
    pub sd_in_expected_range: Option<bool>,
}

/// The SD expected of each indicator's z-scores in survey data (`zlen`,
/// `zwei`, `zbmi`, `zwfl`): the 5th and 95th percentiles of the SD across
/// 51 Demographic and Health Surveys of children aged 0-59 months scored
/// with the WHO 2006 standards, "1.35 and 1.95 for HAZ, 1.17 and 1.46 for
/// WAZ, 1.08 and 1.50 for WHZ and 1.08 and 1.55 for BMIZ" (Mei Z,
/// Grummer-Strawn LM, *Standard deviation of anthropometric Z-scores as a
/// data quality assessment tool using the 2006 WHO growth standards: a
/// cross country analysis*, Bull World Health Organ 2007;85(6):441-8,
/// doi:10.2471/BLT.06.034421, Findings). An SD outside its range points
/// at measurement or age error (or a very mixed population); it is a
/// prompt to look, not a verdict.
pub const SD_EXPECTED: [(f64, f64); 4] = [(1.35, 1.95), (1.17, 1.46), (1.08, 1.55), (1.08, 1.50)];

/// Terminal digit counts of one measurement in one group.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DigitRow {
    /// `Group` label.
    pub group: String,
    /// `weight` or `lenhei`.
    pub variable: &'static str,
    /// Measurements counted.
    pub n: u64,
    /// Count of each first decimal digit 0-9 (value rounded to 0.1).
    pub counts: [u64; 10],
    /// Digit Preference Score `100 √(χ² / (n · 9))` (NaN when n = 0).
    pub dps: f64,
}

/// Boys and girls in one group.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SexRatioRow {
    /// `Group` label.
    pub group: String,
    /// Boys.
    pub male: u64,
    /// Girls.
    pub female: u64,
    /// Boys per girl (NaN without girls).
    pub ratio: f64,
}

/// Measuring position against age (WHO: lying under 24 months, standing
/// from 24 months).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MismatchRow {
    /// `00-11 mo`, `00-08 mo`, `12-23 mo`, …, `Total`.
    pub age_group: &'static str,
    /// `lying`, `standing` or empty for the total.
    pub expected: &'static str,
    /// Children with a recorded position.
    pub total: u64,
    /// Measured in the other position.
    pub mismatch: u64,
    /// `100 · mismatch / total`.
    pub percent: f64,
}

/// The data-quality report ([`quality`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct QualityReport {
    /// Children in the report.
    pub children: usize,
    /// Missing values by group and variable.
    pub missing: Vec<MissingRow>,
    /// Flagged z-scores by group and indicator.
    pub flags: Vec<FlagRow>,
    /// z-score distributions by group and indicator.
    pub zscores: Vec<ZscoreRow>,
    /// Terminal digits by group and measurement.
    pub digits: Vec<DigitRow>,
    /// Whole kg 2-25 (`weight`) and cm 35-125 (`lenhei`): `(variable, value, count)`.
    pub whole_numbers: Vec<(&'static str, i64, u64)>,
    /// Children by completed month of age 0-59: `(month, girls, boys, sex missing)`.
    pub age_months: Vec<(u32, u64, u64, u64)>,
    /// Children by day of birth 1-31 (when given).
    pub dob_day: Vec<(u32, u64)>,
    /// Children by month of birth 1-12 (when given).
    pub dob_month: Vec<(u32, u64)>,
    /// Boys per girl by group.
    pub sex_ratio: Vec<SexRatioRow>,
    /// Measuring position against age.
    pub measure_mismatch: Vec<MismatchRow>,
}

const INDICATORS: [&str; 4] = ["zlen", "zwei", "zbmi", "zwfl"];

impl QualityReport {
    /// Every table as one long CSV: `table,group,variable,key,value` (what
    /// `kampung prevalence --quality` writes).
    pub fn to_csv(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::from("table,group,variable,key,value\n");
        let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
        let v = |x: f64| {
            if x.is_nan() {
                String::new()
            } else {
                super::prevalence::format_number(x)
            }
        };
        let mut line = |t: &str, g: &str, var: &str, k: &str, val: String| {
            let _ = writeln!(out, "{t},{},{var},{k},{val}", q(g));
        };
        for m in &self.missing {
            line("missing", &m.group, m.variable, "n", m.n.to_string());
            line(
                "missing",
                &m.group,
                m.variable,
                "missing",
                m.missing.to_string(),
            );
            line("missing", &m.group, m.variable, "percent", v(m.percent));
        }
        for f in &self.flags {
            line(
                "flags",
                &f.group,
                f.indicator,
                "scored",
                f.scored.to_string(),
            );
            line(
                "flags",
                &f.group,
                f.indicator,
                "flagged",
                f.flagged.to_string(),
            );
            line("flags", &f.group, f.indicator, "percent", v(f.percent));
        }
        for z in &self.zscores {
            line("zscores", &z.group, z.indicator, "n", z.n.to_string());
            for (k, x) in [
                ("mean", z.mean),
                ("sd", z.sd),
                ("skewness", z.skewness),
                ("kurtosis", z.kurtosis),
                ("sd_expected_low", z.sd_expected_low),
                ("sd_expected_high", z.sd_expected_high),
            ] {
                line("zscores", &z.group, z.indicator, k, v(x));
            }
            let within = z
                .sd_in_expected_range
                .map_or("", |b| if b { "1" } else { "0" });
            line(
                "zscores",
                &z.group,
                z.indicator,
                "sd_in_expected_range",
                within.into(),
            );
        }
        for d in &self.digits {
            for (digit, c) in d.counts.iter().enumerate() {
                line(
                    "digits",
                    &d.group,
                    d.variable,
                    &digit.to_string(),
                    c.to_string(),
                );
            }
            line("digits", &d.group, d.variable, "dps", v(d.dps));
        }
        for (var, value, c) in &self.whole_numbers {
            line(
                "whole_numbers",
                "All",
                var,
                &value.to_string(),
                c.to_string(),
            );
        }
        for (m, f, b, u) in &self.age_months {
            for (sex, c) in [("Female", f), ("Male", b), ("NA", u)] {
                line("age_months", "All", sex, &m.to_string(), c.to_string());
            }
        }
        for (d, c) in &self.dob_day {
            line("dob_day", "All", "", &d.to_string(), c.to_string());
        }
        for (d, c) in &self.dob_month {
            line("dob_month", "All", "", &d.to_string(), c.to_string());
        }
        for s in &self.sex_ratio {
            line("sex_ratio", &s.group, "", "male", s.male.to_string());
            line("sex_ratio", &s.group, "", "female", s.female.to_string());
            line("sex_ratio", &s.group, "", "ratio", v(s.ratio));
        }
        for m in &self.measure_mismatch {
            line(
                "measure_mismatch",
                m.age_group,
                m.expected,
                "total",
                m.total.to_string(),
            );
            line(
                "measure_mismatch",
                m.age_group,
                m.expected,
                "mismatch",
                m.mismatch.to_string(),
            );
            line(
                "measure_mismatch",
                m.age_group,
                m.expected,
                "percent",
                v(m.percent),
            );
        }
        out
    }
}

/// Builds the data-quality report for the children of a prevalence call
/// (same columns, same exclusions; the design columns are not used).
///
/// ```
/// use kampung_core::growth::prevalence::{PrevalenceInput, PrevalenceOptions};
/// use kampung_core::growth::quality::{quality, QualityInput};
/// let input = QualityInput {
///     children: PrevalenceInput {
///         sex: &[1, 2, 1],
///         age: &[400.0, 800.0, 1200.0],
///         weight: Some(&[9.0, 11.5, 14.0]),
///         lenhei: Some(&[70.0, 82.5, 94.0]),
///         ..Default::default()
///     },
///     ..Default::default()
/// };
/// let (report, _notes) = quality(&input, &PrevalenceOptions::new()).unwrap();
/// let all = &report.sex_ratio[0];
/// assert_eq!((all.male, all.female, all.ratio), (2, 1, 2.0));
/// assert_eq!(report.digits[1].counts[5], 1); // lenhei 82.5
/// ```
///
/// # Errors
/// As [`super::prevalence::prevalence`] for lengths and an empty input;
/// [`Error::Shape`] when a birth-date column has another length.
pub fn quality(
    input: &QualityInput<'_>,
    options: &PrevalenceOptions,
) -> Result<(QualityReport, Vec<RowError>), Error> {
    let c = &input.children;
    let n = c.sex.len();
    for (name, col) in [("dob_day", input.dob_day), ("dob_month", input.dob_month)] {
        if let Some(v) = col {
            if v.len() != n {
                return Err(Error::Shape(ShapeError {
                    column: name,
                    actual: v.len(),
                    reference: "sex",
                    expected: n,
                }));
            }
        }
    }
    // the prevalence's own checks of lengths; weights are not used here
    let probe = PrevalenceInput {
        sw: None,
        cluster: None,
        strata: None,
        ..*c
    };
    super::prevalence::check_lengths(&probe, n)?;
    let mut notes = Vec::new();
    let (keep, kept, days) = select_rows(&probe, &mut notes);
    if kept.is_empty() {
        return Err(FieldError::new(ErrorCode::SurveyEmpty).into());
    }
    let children = zscores(&probe, &keep, &kept, options.threads, &mut notes)?;
    let groups = groupings(&probe, &keep, &kept, &days, Order::Sorted, &mut notes);
    let report = QualityReport {
        children: kept.len(),
        missing: missing(c, &kept, &days, &groups),
        flags: flags(&children, &groups),
        zscores: moments(&children, &groups),
        digits: digits(c, &kept, &groups),
        whole_numbers: whole_numbers(c, &kept),
        age_months: age_months(c, &kept, &days),
        dob_day: calendar(input.dob_day, &kept, 1, 31),
        dob_month: calendar(input.dob_month, &kept, 1, 12),
        sex_ratio: sex_ratio(c, &kept, &groups),
        measure_mismatch: mismatch(c, &kept, &days),
    };
    notes.sort_by_key(|e| e.row);
    Ok((report, notes))
}

/// `(group label, level index)` of every output row, and per row the level
/// of each kept child: calls `f(row, child)` for every child in the row.
fn for_each_group(groups: &[Grouping], mut f: impl FnMut(usize, usize)) -> Vec<String> {
    let mut labels = Vec::new();
    let mut base = 0;
    for g in groups {
        let rows: Vec<Option<u32>> = g.rows.iter().map(|l| l.engine).collect();
        for l in &g.rows {
            labels.push(g.row_label(l));
        }
        for (i, &code) in g.codes.iter().enumerate() {
            if code == Domain::NO_GROUP {
                continue;
            }
            if let Some(r) = rows.iter().position(|e| *e == Some(code)) {
                f(base + r, i);
            }
        }
        base += g.rows.len();
    }
    labels
}

fn percent(a: u64, b: u64) -> f64 {
    if b == 0 {
        f64::NAN
    } else {
        100.0 * a as f64 / b as f64
    }
}

fn missing(
    c: &PrevalenceInput<'_>,
    kept: &[usize],
    days: &[f64],
    groups: &[Grouping],
) -> Vec<MissingRow> {
    type Probe<'p> = (&'static str, Box<dyn Fn(usize) -> bool + 'p>);
    let mut vars: Vec<Probe<'_>> = vec![
        ("age", Box::new(|i| days[i].is_nan())),
        ("sex", Box::new(|i| c.sex[i] == 0)),
    ];
    if let Some(w) = c.weight {
        vars.push(("weight", Box::new(move |i| w[i].is_nan())));
    }
    if let Some(l) = c.lenhei {
        vars.push(("lenhei", Box::new(move |i| l[i].is_nan())));
    }
    if let Some(m) = c.measure {
        vars.push(("measure", Box::new(move |i| m[i] == 0)));
    }
    for (name, g) in [
        ("typeres", c.typeres),
        ("gregion", c.gregion),
        ("wealthq", c.wealthq),
        ("mothered", c.mothered),
        ("othergr", c.othergr),
    ] {
        if let Some(v) = g {
            vars.push((
                name,
                Box::new(move |i| super::prevalence::group_label(&v, i).is_none()),
            ));
        }
    }
    let n_rows: usize = groups.iter().map(|g| g.rows.len()).sum();
    let mut counts = vec![vec![0u64; vars.len()]; n_rows];
    let mut sizes = vec![0u64; n_rows];
    let labels = for_each_group(groups, |r, k| {
        sizes[r] += 1;
        let i = kept[k];
        for (v, (_, is_missing)) in vars.iter().enumerate() {
            counts[r][v] += u64::from(is_missing(i));
        }
    });
    let mut out = Vec::new();
    for (r, label) in labels.iter().enumerate() {
        for (v, (name, _)) in vars.iter().enumerate() {
            out.push(MissingRow {
                group: label.clone(),
                variable: name,
                n: sizes[r],
                missing: counts[r][v],
                percent: percent(counts[r][v], sizes[r]),
            });
        }
    }
    out
}

fn flags(ch: &Children, groups: &[Grouping]) -> Vec<FlagRow> {
    let n_rows: usize = groups.iter().map(|g| g.rows.len()).sum();
    let mut scored = vec![[0u64; 4]; n_rows];
    let mut flagged = vec![[0u64; 4]; n_rows];
    let labels = for_each_group(groups, |r, k| {
        for b in 0..4 {
            scored[r][b] += u64::from(ch.scored[k] >> b & 1);
            flagged[r][b] += u64::from(ch.flagged[k] >> b & 1);
        }
    });
    let mut out = Vec::new();
    for (r, label) in labels.iter().enumerate() {
        for (b, ind) in INDICATORS.iter().enumerate() {
            out.push(FlagRow {
                group: label.clone(),
                indicator: ind,
                scored: scored[r][b],
                flagged: flagged[r][b],
                percent: percent(flagged[r][b], scored[r][b]),
            });
        }
    }
    out
}

fn moments(ch: &Children, groups: &[Grouping]) -> Vec<ZscoreRow> {
    let n_rows: usize = groups.iter().map(|g| g.rows.len()).sum();
    let z = |b: usize, k: usize| -> Option<f64> {
        let v = ch.z[b][k];
        (v != Z_NA).then(|| f64::from(v) / 100.0)
    };
    // pass 1: n and sum; pass 2: central moments
    let mut n = vec![[0u64; 4]; n_rows];
    let mut sum = vec![[0.0f64; 4]; n_rows];
    let labels = for_each_group(groups, |r, k| {
        for b in 0..4 {
            if let Some(x) = z(b, k) {
                n[r][b] += 1;
                sum[r][b] += x;
            }
        }
    });
    let mean: Vec<[f64; 4]> = (0..n_rows)
        .map(|r| std::array::from_fn(|b| sum[r][b] / n[r][b] as f64))
        .collect();
    let mut m = vec![[[0.0f64; 3]; 4]; n_rows];
    for_each_group(groups, |r, k| {
        for b in 0..4 {
            if let Some(x) = z(b, k) {
                let d = x - mean[r][b];
                let d2 = d * d;
                m[r][b][0] += d2;
                m[r][b][1] += d2 * d;
                m[r][b][2] += d2 * d2;
            }
        }
    });
    let mut out = Vec::new();
    for (r, label) in labels.iter().enumerate() {
        for (b, ind) in INDICATORS.iter().enumerate() {
            let k = n[r][b] as f64;
            let (m2, m3, m4) = (m[r][b][0] / k, m[r][b][1] / k, m[r][b][2] / k);
            let sd = if n[r][b] < 2 {
                f64::NAN
            } else {
                (m[r][b][0] / (k - 1.0)).sqrt()
            };
            let (lo, hi) = SD_EXPECTED[b];
            out.push(ZscoreRow {
                group: label.clone(),
                indicator: ind,
                n: n[r][b],
                mean: mean[r][b],
                sd,
                skewness: m3 / m2.powf(1.5),
                kurtosis: m4 / (m2 * m2),
                sd_expected_low: lo,
                sd_expected_high: hi,
                sd_in_expected_range: (!sd.is_nan()).then(|| (lo..=hi).contains(&sd)),
            });
        }
    }
    out
}

/// R ≥ 4 `round(x, 1)` (WHO_GROWTH.md §1.10 with one decimal): the nearer
/// of `floor(10|x|)/10` and `ceil(10|x|)/10` in doubles; on a tie the
/// upper one when `floor(10|x|)` is odd.
fn round1(x: f64) -> f64 {
    let a = x.abs();
    let f = (10.0 * a).floor();
    let (xd, xu) = (f / 10.0, (10.0 * a).ceil() / 10.0);
    #[allow(clippy::cast_possible_truncation)]
    let odd = (f as i64) % 2 == 1;
    let up = (xu - a) < (a - xd) || ((xu - a) == (a - xd) && odd);
    let r = if up { xu } else { xd };
    r.copysign(x)
}

/// First decimal digit of `x` rounded to 0.1 (as the analyser reads it from
/// the printed value).
fn first_decimal(x: f64) -> Option<usize> {
    if !x.is_finite() {
        return None;
    }
    let r = round1(x).abs();
    // the printed one-decimal value's last digit
    let tenths = round_half_up(r * 10.0);
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Some((tenths as u64 % 10) as usize)
}

/// Digit Preference Score: `100 √(χ² / (N (k − 1)))` with Pearson's χ²
/// against equal counts over the `k = 10` digits (Kuulasmaa et al., WHO
/// MONICA 1998).
fn dps(counts: &[u64; 10]) -> f64 {
    let total: u64 = counts.iter().sum();
    if total == 0 {
        return f64::NAN;
    }
    let e = total as f64 / 10.0;
    let chi2: f64 = counts.iter().map(|&o| (o as f64 - e).powi(2) / e).sum();
    100.0 * (chi2 / (total as f64 * 9.0)).sqrt()
}

fn digits(c: &PrevalenceInput<'_>, kept: &[usize], groups: &[Grouping]) -> Vec<DigitRow> {
    let vars: Vec<(&'static str, &[f64])> = [("weight", c.weight), ("lenhei", c.lenhei)]
        .into_iter()
        .filter_map(|(n, v)| v.map(|v| (n, v)))
        .collect();
    let n_rows: usize = groups.iter().map(|g| g.rows.len()).sum();
    let mut counts = vec![vec![[0u64; 10]; vars.len()]; n_rows];
    let labels = for_each_group(groups, |r, k| {
        for (v, (_, col)) in vars.iter().enumerate() {
            if let Some(d) = first_decimal(col[kept[k]]) {
                counts[r][v][d] += 1;
            }
        }
    });
    let mut out = Vec::new();
    for (r, label) in labels.iter().enumerate() {
        for (v, (name, _)) in vars.iter().enumerate() {
            let cnt = counts[r][v];
            out.push(DigitRow {
                group: label.clone(),
                variable: name,
                n: cnt.iter().sum(),
                counts: cnt,
                dps: dps(&cnt),
            });
        }
    }
    out
}

fn whole_numbers(c: &PrevalenceInput<'_>, kept: &[usize]) -> Vec<(&'static str, i64, u64)> {
    let mut out = Vec::new();
    for (name, col, lo, hi) in [
        ("weight", c.weight, 2_i64, 25_i64),
        ("lenhei", c.lenhei, 35, 125),
    ] {
        let Some(col) = col else { continue };
        let mut counts = vec![0u64; usize::try_from(hi - lo + 1).unwrap_or(0)];
        for &i in kept {
            let x = col[i];
            if x.is_finite() {
                // R as.integer: truncation toward zero
                #[allow(clippy::cast_possible_truncation)]
                let v = x.trunc() as i64;
                if (lo..=hi).contains(&v) {
                    counts[usize::try_from(v - lo).unwrap_or(0)] += 1;
                }
            }
        }
        out.extend(
            counts
                .into_iter()
                .enumerate()
                .map(|(k, n)| (name, lo + k as i64, n)),
        );
    }
    out
}

fn age_months(c: &PrevalenceInput<'_>, kept: &[usize], days: &[f64]) -> Vec<(u32, u64, u64, u64)> {
    let mut out: Vec<(u32, u64, u64, u64)> = (0..60).map(|m| (m, 0, 0, 0)).collect();
    for &i in kept {
        let months = days[i] / DAYS_PER_MONTH;
        if !(0.0..60.0).contains(&months) {
            continue;
        }
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let m = months.floor() as usize;
        match c.sex[i] {
            2 => out[m].1 += 1,
            1 => out[m].2 += 1,
            _ => out[m].3 += 1,
        }
    }
    out
}

fn calendar(col: Option<&[f64]>, kept: &[usize], lo: u32, hi: u32) -> Vec<(u32, u64)> {
    let Some(col) = col else { return Vec::new() };
    let mut out: Vec<(u32, u64)> = (lo..=hi).map(|d| (d, 0)).collect();
    for &i in kept {
        let x = col[i];
        if x.is_finite() && x == x.trunc() && x >= f64::from(lo) && x <= f64::from(hi) {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let k = x as u32 - lo;
            out[k as usize].1 += 1;
        }
    }
    out
}

fn sex_ratio(c: &PrevalenceInput<'_>, kept: &[usize], groups: &[Grouping]) -> Vec<SexRatioRow> {
    let n_rows: usize = groups.iter().map(|g| g.rows.len()).sum();
    let mut mf = vec![(0u64, 0u64); n_rows];
    let labels = for_each_group(groups, |r, k| match c.sex[kept[k]] {
        1 => mf[r].0 += 1,
        2 => mf[r].1 += 1,
        _ => {}
    });
    labels
        .into_iter()
        .zip(mf)
        .map(|(group, (male, female))| SexRatioRow {
            group,
            male,
            female,
            ratio: if female == 0 {
                f64::NAN
            } else {
                male as f64 / female as f64
            },
        })
        .collect()
}

fn mismatch(c: &PrevalenceInput<'_>, kept: &[usize], days: &[f64]) -> Vec<MismatchRow> {
    let Some(measure) = c.measure else {
        return Vec::new();
    };
    // the analyser's age groups (months, [lo, hi)), and the total
    let groups: [(&'static str, &'static str, f64, f64); 7] = [
        ("00-11 mo", "lying", 0.0, 12.0),
        ("00-08 mo", "lying", 0.0, 9.0),
        ("12-23 mo", "lying", 12.0, 24.0),
        ("24-35 mo", "standing", 24.0, 36.0),
        ("36-47 mo", "standing", 36.0, 48.0),
        ("48-59 mo", "standing", 48.0, 60.0),
        ("Total", "", 0.0, f64::INFINITY),
    ];
    groups
        .iter()
        .map(|&(label, expected, lo, hi)| {
            let (mut total, mut bad) = (0u64, 0u64);
            for &i in kept {
                let months = days[i] / DAYS_PER_MONTH;
                let m = measure[i].to_ascii_lowercase();
                if months.is_nan() || m == 0 || !(lo..hi).contains(&months) {
                    continue;
                }
                total += 1;
                bad += u64::from((m == b'h' && months < 24.0) || (m == b'l' && months >= 24.0));
            }
            MismatchRow {
                age_group: label,
                expected,
                total,
                mismatch: bad,
                percent: percent(bad, total),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dps_and_digits_by_hand() {
        // all on one digit: χ² = (N − N/10)²/(N/10) + 9 (N/10) = 9N → DPS 100
        let mut c = [0u64; 10];
        c[0] = 50;
        assert!((dps(&c) - 100.0).abs() < 1e-12);
        assert_eq!(dps(&[5; 10]), 0.0);
        assert!(dps(&[0; 10]).is_nan());
        assert_eq!(first_decimal(12.25), Some(2)); // R: round(12.25, 1) = 12.2
        assert_eq!(first_decimal(12.35), Some(3)); // 12.35 is 12.3499… in doubles
        assert_eq!(first_decimal(80.0), Some(0));
        assert_eq!(first_decimal(79.96), Some(0)); // 80.0
        assert_eq!(first_decimal(f64::NAN), None);
        assert_eq!(round1(-2.46), -2.5);
    }
}

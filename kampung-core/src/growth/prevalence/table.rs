//! The prevalence table in WHO anthro's layout (`Group` plus 134 numeric
//! columns), and its tidy long form.

use super::groups::Grouping;
use super::Method;
use crate::survey::{t_multiplier, wald_interval, Estimate, Estimates, Interval};
use serde::Serialize;

/// The indicators of the table: (column prefix of the cut-offs and mean,
/// prefix of the sizes, name).
pub const INDICATORS: [(&str, &str, &str); 4] = [
    ("HA", "HAZ", "length/height-for-age"),
    ("WA", "WAZ", "weight-for-age"),
    ("BMI", "BMIZ", "BMI-for-age"),
    ("WH", "WHZ", "weight-for-length/height"),
];

/// Column suffixes of the six cut-offs (anthro: `_3` = below −3 SD … `3` =
/// above +3 SD) and their long-form names.
const CUT_SUFFIXES: [(&str, &str); 6] = [
    ("_3", "<-3"),
    ("_2", "<-2"),
    ("_1", "<-1"),
    ("1", ">+1"),
    ("2", ">+2"),
    ("3", ">+3"),
];

/// The 134 numeric column names of anthro's table, in its order (after
/// `Group`): per indicator `HAZ_pop, HAZ_unwpop`, then `HA_3_r, HA_3_se,
/// HA_3_ll, HA_3_ul` … `HA3_*`, then `HA_r, HA_se, HA_ll, HA_ul,
/// HA_stdev`; the same for `WA`, `BMI`, `WH`; then `HA_2_WH_2_pop,
/// HA_2_WH_2_unwpop, HA_2_WH_2_r, _se, _ll, _ul` and `HA_2_WH2_r, _se, _ll,
/// _ul`.
pub fn column_names() -> Vec<String> {
    let mut v = Vec::with_capacity(134);
    for (p, z, _) in INDICATORS {
        v.push(format!("{z}_pop"));
        v.push(format!("{z}_unwpop"));
        for (c, _) in CUT_SUFFIXES {
            for s in ["r", "se", "ll", "ul"] {
                v.push(format!("{p}{c}_{s}"));
            }
        }
        for s in ["r", "se", "ll", "ul", "stdev"] {
            v.push(format!("{p}_{s}"));
        }
    }
    v.push("HA_2_WH_2_pop".to_owned());
    v.push("HA_2_WH_2_unwpop".to_owned());
    for p in ["HA_2_WH_2", "HA_2_WH2"] {
        for s in ["r", "se", "ll", "ul"] {
            v.push(format!("{p}_{s}"));
        }
    }
    v
}

/// WHO anthro's prevalence table: one row per group, the columns of
/// [`column_names`]; prevalences and their SEs and limits in percent,
/// z-score statistics in SD units; NaN where anthro gives `NA`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct PrevalenceTable {
    /// The `Group` column (`All`, `Age group: 00-05 mo`, …).
    pub groups: Vec<String>,
    /// Column names ([`column_names`]).
    pub names: Vec<String>,
    /// `columns[c][r]`: column `c` of row `r`.
    pub columns: Vec<Vec<f64>>,
    /// The computation path used.
    pub method: Method,
    /// Degrees of freedom of the intervals: the design df (survey path and
    /// the weighted path's prevalences) or `N − 1`.
    pub df: f64,
    /// Children in the table (after anthro's exclusions).
    pub children: usize,
    /// Confidence level of the intervals.
    pub level: f64,
    /// The long form (see [`LongRow`]), one row per group and statistic.
    pub long: Vec<LongRow>,
}

impl PrevalenceTable {
    /// The column named `name`.
    pub fn column(&self, name: &str) -> Option<&[f64]> {
        self.names
            .iter()
            .position(|n| n == name)
            .map(|k| self.columns[k].as_slice())
    }

    /// The table as CSV text in anthro's layout (`Group` first; numbers with
    /// up to 17 significant digits; `NA` cells empty, as in the goldens).
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        out.push_str("\"Group\"");
        for n in &self.names {
            out.push_str(",\"");
            out.push_str(n);
            out.push('"');
        }
        out.push('\n');
        for (r, g) in self.groups.iter().enumerate() {
            out.push('"');
            out.push_str(&g.replace('"', "\"\""));
            out.push('"');
            for c in &self.columns {
                out.push(',');
                let v = c[r];
                if !v.is_nan() {
                    out.push_str(&format_number(v));
                }
            }
            out.push('\n');
        }
        out
    }
}

/// Shortest text that reads back as the same double.
pub(crate) fn format_number(v: f64) -> String {
    if v == v.trunc() && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

/// One statistic of one group in the tidy long form (for plotting).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LongRow {
    /// The `Group` label.
    pub group: String,
    /// `HA`, `WA`, `BMI`, `WH`, or the combined `HA_2_WH_2` (stunted and
    /// wasted) and `HA_2_WH2` (stunted and overweight).
    pub indicator: &'static str,
    /// `<-3`, `<-2`, `<-1`, `>+1`, `>+2`, `>+3` (prevalence, %), `mean`
    /// (z-score mean, SD units) or `both` (combined indicators, %).
    pub cutoff: &'static str,
    /// Prevalence (%) or mean z-score.
    pub estimate: f64,
    /// Its standard error.
    pub se: f64,
    /// Lower limit of the interval.
    pub ci_low: f64,
    /// Upper limit.
    pub ci_high: f64,
    /// Weighted number of children with a usable z-score.
    pub n_weighted: f64,
    /// Unweighted number.
    pub n_unweighted: f64,
}

/// The statistics of one cell group (indices into the engine's statistics):
/// indicator `ind` has cut `c` at `ind * 7 + c` and its mean at
/// `ind * 7 + 6`; the combined indicators are 28 and 29.
const COMBINED_WASTED: usize = 28;
const COMBINED_OVERWEIGHT: usize = 29;

pub(crate) fn build(
    est: &Estimates,
    groupings: &[Grouping],
    method: Method,
    children: usize,
    level: f64,
) -> PrevalenceTable {
    let names = column_names();
    let mut columns: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
    let mut groups = Vec::new();
    let mut long = Vec::new();
    let n_all = children as f64;
    // df of the simple / weighted formulas: N − 1 over all children
    let df_n = n_all - 1.0;
    let design_df = est.df() as f64;
    let table_df = if method == Method::Survey {
        design_df
    } else {
        df_n
    };
    let missing = |_: ()| -> Option<&Estimate> { None };
    for (d, g) in groupings.iter().enumerate() {
        for level_row in &g.rows {
            let label = g.row_label(level_row);
            groups.push(label.clone());
            let get = |s: usize| -> Option<&Estimate> {
                match level_row.engine {
                    Some(l) => est.get(s, d, l as usize),
                    None => missing(()),
                }
            };
            let mut col = 0usize;
            let mut put = |v: f64| {
                columns[col].push(v);
                col += 1;
            };
            for (ind, (p, _, _)) in super::table::INDICATORS.iter().enumerate() {
                let first = get(ind * 7);
                let (pop, unw) = sizes(first);
                put(pop);
                put(unw);
                for (c, (_, cut_name)) in CUT_SUFFIXES.iter().enumerate() {
                    let cell = prevalence_cell(get(ind * 7 + c), method, n_all, design_df, level);
                    for v in cell.values() {
                        put(v);
                    }
                    long.push(cell.long(&label, p, cut_name, pop, unw));
                }
                let mean = mean_cell(get(ind * 7 + 6), method, df_n, level);
                for v in mean.values() {
                    put(v);
                }
                put(mean.stdev);
                long.push(mean.long(&label, p, "mean", pop, unw));
            }
            let (pop, unw) = sizes(get(COMBINED_WASTED));
            put(pop);
            put(unw);
            for (s, name) in [
                (COMBINED_WASTED, "HA_2_WH_2"),
                (COMBINED_OVERWEIGHT, "HA_2_WH2"),
            ] {
                let cell = prevalence_cell(get(s), method, n_all, design_df, level);
                for v in cell.values() {
                    put(v);
                }
                long.push(cell.long(&label, name, "both", pop, unw));
            }
        }
    }
    PrevalenceTable {
        groups,
        names,
        columns,
        method,
        df: table_df,
        children,
        level,
        long,
    }
}

/// `(pop, unwpop)`: Σ w and the number of children with a usable value
/// (0 for an empty group, as anthro sets).
fn sizes(e: Option<&Estimate>) -> (f64, f64) {
    e.map_or((0.0, 0.0), |e| (e.weighted_n, e.n as f64))
}

/// r, se, ll, ul (+ stdev for means) of one cell.
struct Cell {
    r: f64,
    se: f64,
    ci: Interval,
    stdev: f64,
}

impl Cell {
    const MISSING: Cell = Cell {
        r: f64::NAN,
        se: f64::NAN,
        ci: Interval::MISSING,
        stdev: f64::NAN,
    };

    fn values(&self) -> [f64; 4] {
        [self.r, self.se, self.ci.low, self.ci.high]
    }

    fn long(
        &self,
        group: &str,
        indicator: &'static str,
        cutoff: &'static str,
        pop: f64,
        unw: f64,
    ) -> LongRow {
        LongRow {
            group: group.to_owned(),
            indicator,
            cutoff,
            estimate: self.r,
            se: self.se,
            ci_low: self.ci.low,
            ci_high: self.ci.high,
            n_weighted: pop,
            n_unweighted: unw,
        }
    }
}

/// A prevalence (%) with its SE and interval, per anthro's path.
fn prevalence_cell(
    e: Option<&Estimate>,
    method: Method,
    n_all: f64,
    design_df: f64,
    level: f64,
) -> Cell {
    let Some(e) = e else { return Cell::MISSING };
    if e.estimate.is_nan() {
        return Cell::MISSING;
    }
    let p = e.estimate;
    let ci = match method {
        // svyciprop(method = "logit", df = degf(design))
        Method::Survey | Method::Weighted => e.logit_with_df(level, design_df),
        // R/prevalence-simple.R: binomial variance on the logit scale,
        // scaled by N/(N − 1), t on N − 1 df; 0 and 1 give [0, 0], [1, 1]
        Method::Simple => {
            let n = e.n as f64;
            if p == 0.0 || p == 1.0 {
                Interval { low: p, high: p }
            } else {
                let se_logit = (n_all / (n_all - 1.0) / (n * p * (1.0 - p))).sqrt();
                let t = t_multiplier(level, n_all - 1.0);
                let logit = (p / (1.0 - p)).ln();
                if t.is_nan() {
                    Interval::MISSING
                } else {
                    Interval {
                        low: 1.0 / (1.0 + (-(logit - t * se_logit)).exp()),
                        high: 1.0 / (1.0 + (-(logit + t * se_logit)).exp()),
                    }
                }
            }
        }
    };
    Cell {
        r: p * 100.0,
        se: e.se * 100.0,
        ci: Interval {
            low: ci.low * 100.0,
            high: ci.high * 100.0,
        },
        stdev: f64::NAN,
    }
}

/// A z-score mean with SE, interval and SD, per anthro's path.
fn mean_cell(e: Option<&Estimate>, method: Method, df_n: f64, level: f64) -> Cell {
    let Some(e) = e else { return Cell::MISSING };
    if e.estimate.is_nan() {
        return Cell::MISSING;
    }
    let (ci, stdev) = match method {
        // confint(svyby(svymean), df = degf(design)); sqrt(svyvar) with R's
        // count of the group's children (SURVEY.md § Z-score SD)
        Method::Survey => (e.wald(level), e.sd()),
        // R/prevalence-simple.R and -hybrid-sw.R: t on N − 1 df; SD over the
        // n children with a value: sqrt(Σ w (z − m)² / Σ w · n / (n − 1))
        Method::Simple | Method::Weighted => {
            let n = e.n as f64;
            let sd = if e.n < 2 {
                f64::NAN
            } else {
                (e.mean_sq_dev * n / (n - 1.0)).sqrt()
            };
            (wald_interval(e.estimate, e.se, df_n, level), sd)
        }
    };
    Cell {
        r: e.estimate,
        se: e.se,
        ci,
        stdev,
    }
}

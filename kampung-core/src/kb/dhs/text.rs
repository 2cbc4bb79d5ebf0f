//! Women read from a text table (the cells of a CSV file, as the command
//! line reads them), and the indicator table written back as CSV: the core
//! side of `kampung dhs WOMEN.csv`, so that every shell parses cells and
//! prints numbers the same way.

use super::columns::{SurveyColumn, Women};
use super::table::{fp_indicators, ByColumn, FpInput, FpOptions, FpTable, IdColumn};
use crate::error::Error;
use std::collections::HashMap;
use std::io::Write;

/// The recode columns a women's table must have (any case): the columns
/// of [`Women`] and `v313`.
pub const REQUIRED: [&str; 18] = [
    "v000", "v007", "v020", "v502", "v512", "v525", "v528", "v213", "v225", "v222", "m6_1",
    "m10_1", "v215", "v302a", "v312", "v605", "v3a08d", "v313",
];

/// A cell as a number: empty, `.`, `.a`-`.z` (Stata), `NA`, `NaN` and
/// `null` are missing (NaN); text that is not a number is `+∞`, which every
/// check rejects (`not_finite`, `survey_weight_invalid`) instead of reading
/// it as missing.
pub fn parse_cell(cell: &str) -> f64 {
    let c = cell.trim();
    match c {
        "" | "." | "NA" | "na" | "NaN" | "nan" | "null" | "NULL" => f64::NAN,
        _ if c.len() == 2 && c.starts_with('.') && c.as_bytes()[1].is_ascii_lowercase() => f64::NAN,
        _ => c.parse::<f64>().unwrap_or(f64::INFINITY),
    }
}

/// An extra column (weight, cluster, strata, break-down) as read.
#[derive(Clone, Debug)]
pub(crate) enum Extra {
    /// Cells of a text table (trimmed), or of a text column of a typed table.
    Text(Vec<String>),
    /// A numeric column of a typed table (Arrow, Parquet); NaN is missing.
    #[cfg_attr(not(feature = "arrow"), allow(dead_code))]
    Numbers(Vec<f64>),
}

/// The women of a table, column by column: cells of a text table pushed
/// row by row ([`WomenText::push`]), or the columns of a typed table
/// (`WomenText::from_arrow`, feature `arrow`), read the same way.
#[derive(Clone, Debug, Default)]
pub struct WomenText {
    /// Position of each required column in a row (in [`REQUIRED`] order).
    pub(super) required: Vec<usize>,
    /// `(name, position)` of the other columns asked for.
    pub(super) extra: Vec<(String, usize)>,
    pub(super) v000_values: Vec<String>,
    pub(super) v000_index: HashMap<String, i64>,
    pub(super) v000_codes: Vec<i64>,
    /// The numeric [`REQUIRED`] columns, in order (NaN missing).
    pub(super) numeric: Vec<Vec<f64>>,
    pub(super) extra_cells: Vec<Extra>,
}

impl WomenText {
    /// A reader for rows laid out as `header`, keeping the [`REQUIRED`]
    /// columns and the `extra` ones (weight, cluster, strata, `by`),
    /// matched case-insensitively.
    ///
    /// # Errors
    /// The names of every missing column.
    pub fn new(header: &[&str], extra: &[&str]) -> Result<WomenText, Vec<String>> {
        let find = |name: &str| {
            header
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(name))
        };
        let mut missing = Vec::new();
        let mut required = Vec::with_capacity(REQUIRED.len());
        for name in REQUIRED {
            match find(name) {
                Some(p) => required.push(p),
                None => missing.push(name.to_owned()),
            }
        }
        let mut extra_pos = Vec::with_capacity(extra.len());
        for name in extra {
            match find(name) {
                Some(p) => extra_pos.push(((*name).to_owned(), p)),
                None => missing.push((*name).to_owned()),
            }
        }
        if !missing.is_empty() {
            return Err(missing);
        }
        Ok(WomenText {
            required,
            extra_cells: vec![Extra::Text(Vec::new()); extra_pos.len()],
            extra: extra_pos,
            numeric: vec![Vec::new(); REQUIRED.len() - 1],
            ..WomenText::default()
        })
    }

    /// Adds one row (cells in header order; a short row's missing cells are
    /// empty).
    pub fn push(&mut self, cells: &[&str]) {
        let cell = |p: usize| cells.get(p).copied().unwrap_or("");
        let code = survey_code(
            &mut self.v000_values,
            &mut self.v000_index,
            cell(self.required[0]).trim(),
        );
        self.v000_codes.push(code);
        for (col, &p) in self.numeric.iter_mut().zip(&self.required[1..]) {
            col.push(parse_cell(cell(p)));
        }
        for (col, (_, p)) in self.extra_cells.iter_mut().zip(&self.extra) {
            match col {
                Extra::Text(c) => c.push(cell(*p).trim().to_owned()),
                Extra::Numbers(c) => c.push(parse_cell(cell(*p))),
            }
        }
    }

    /// The number of rows read.
    pub fn len(&self) -> usize {
        self.v000_codes.len()
    }

    /// True when no row was read.
    pub fn is_empty(&self) -> bool {
        self.v000_codes.is_empty()
    }

    /// The recode columns.
    pub fn women(&self) -> Women<'_> {
        Women::from_columns(
            SurveyColumn::Dictionary {
                values: &self.v000_values,
                codes: &self.v000_codes,
            },
            std::array::from_fn(|k| self.numeric[k].as_slice()),
        )
    }

    /// `v313`.
    pub fn v313(&self) -> &[f64] {
        &self.numeric[REQUIRED.len() - 2]
    }

    fn extra(&self, name: &str) -> Option<&Extra> {
        self.extra
            .iter()
            .position(|(n, _)| n == name)
            .and_then(|k| self.extra_cells.get(k))
    }

    /// An extra column as numbers ([`parse_cell`] for text cells).
    pub fn numbers(&self, name: &str) -> Option<Vec<f64>> {
        Some(match self.extra(name)? {
            Extra::Text(c) => c.iter().map(|s| parse_cell(s)).collect(),
            Extra::Numbers(x) => x.clone(),
        })
    }

    /// An extra column as level codes (−1 for an empty cell) and labels:
    /// text levels sorted numerically when every one is a number, else as
    /// text; a numeric column as [`numeric_levels`].
    pub fn levels(&self, name: &str) -> Option<(Vec<i64>, Vec<String>)> {
        match self.extra(name)? {
            Extra::Text(cells) => Some(text_levels(cells)),
            Extra::Numbers(x) => Some(numeric_levels(x)),
        }
    }

    /// The indicator table of these women: `weight` (`v005` is divided by
    /// 1,000,000), `cluster` and `strata` by name (each must have been asked
    /// for in [`WomenText::new`]; None: not in the design), and the `by`
    /// columns.
    ///
    /// # Errors
    /// As [`fp_indicators`]; a design column not asked for is `required`.
    pub fn fp_indicators(
        &self,
        weight: Option<&str>,
        cluster: Option<&str>,
        strata: Option<&str>,
        by: &[&str],
        options: &FpOptions,
    ) -> Result<FpTable, Error> {
        let not_read = |name: &str| {
            Error::from(
                crate::error::FieldError::new(crate::error::ErrorCode::Required)
                    .with_param("column", name.to_owned()),
            )
        };
        let weights = match weight {
            Some(w) => Some(self.numbers(w).ok_or_else(|| not_read(w))?),
            None => None,
        };
        let ids = |name: Option<&str>| -> Result<Option<Vec<i64>>, Error> {
            match name {
                Some(n) => Ok(Some(self.levels(n).ok_or_else(|| not_read(n))?.0)),
                None => Ok(None),
            }
        };
        let (cluster_codes, strata_codes) = (ids(cluster)?, ids(strata)?);
        let by_levels = by
            .iter()
            .map(|b| self.levels(b).map(|l| (*b, l)).ok_or_else(|| not_read(b)))
            .collect::<Result<Vec<_>, _>>()?;
        let by_columns: Vec<ByColumn<'_>> = by_levels
            .iter()
            .map(|(name, (codes, labels))| ByColumn {
                name,
                codes,
                labels,
            })
            .collect();
        let input = FpInput {
            women: self.women(),
            v313: self.v313(),
            weight: weights.as_deref(),
            weight_scale: if weight.is_some_and(|w| w.eq_ignore_ascii_case("v005")) {
                1e-6
            } else {
                1.0
            },
            cluster: cluster_codes.as_deref().map(IdColumn::Codes),
            strata: strata_codes.as_deref().map(IdColumn::Codes),
            by: &by_columns,
        };
        fp_indicators(&input, options)
    }
}

/// The code of survey `v000` among `values` (a new one for a value not
/// seen before).
pub(crate) fn survey_code(
    values: &mut Vec<String>,
    index: &mut HashMap<String, i64>,
    v000: &str,
) -> i64 {
    match index.get(v000) {
        Some(c) => *c,
        None => {
            let c = i64::try_from(values.len()).unwrap_or(i64::MAX);
            values.push(v000.to_owned());
            index.insert(v000.to_owned(), c);
            c
        }
    }
}

/// Level codes (−1 for an empty cell) and labels of text cells: levels
/// sorted numerically when every one is a number, else as text.
fn text_levels(cells: &[String]) -> (Vec<i64>, Vec<String>) {
    let mut labels: Vec<&str> = cells
        .iter()
        .map(String::as_str)
        .filter(|s| !s.is_empty())
        .collect();
    labels.sort_unstable();
    labels.dedup();
    let numeric: Option<Vec<f64>> = labels
        .iter()
        .map(|s| s.parse::<f64>().ok().filter(|x| x.is_finite()))
        .collect();
    if let Some(nums) = numeric {
        let mut order: Vec<usize> = (0..labels.len()).collect();
        order.sort_by(|&a, &b| nums[a].total_cmp(&nums[b]));
        labels = order.into_iter().map(|k| labels[k]).collect();
    }
    let index: HashMap<&str, i64> = labels
        .iter()
        .enumerate()
        .map(|(k, l)| (*l, i64::try_from(k).unwrap_or(i64::MAX)))
        .collect();
    let codes = cells
        .iter()
        .map(|c| index.get(c.as_str()).copied().unwrap_or(-1))
        .collect();
    (codes, labels.into_iter().map(str::to_owned).collect())
}

/// The design and break-down columns of [`dhs_csv`], by name.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DhsColumns {
    /// Weight column (`v005` is divided by 1,000,000); `None`: unweighted.
    pub weight: Option<String>,
    /// Cluster (PSU) column; `None`: each woman her own PSU.
    pub cluster: Option<String>,
    /// Strata column; `None`: one stratum.
    pub strata: Option<String>,
    /// Break-down columns (region, residence, age group…).
    pub by: Vec<String>,
}

impl DhsColumns {
    /// The names of the design and break-down columns, sorted, each once:
    /// the `extra` columns a reader keeps besides [`REQUIRED`].
    pub fn names(&self) -> Vec<&str> {
        let mut extra: Vec<&str> = [&self.weight, &self.cluster, &self.strata]
            .into_iter()
            .filter_map(|c| c.as_deref())
            .collect();
        extra.extend(self.by.iter().map(String::as_str));
        extra.sort_unstable();
        extra.dedup();
        extra
    }
}

impl Default for DhsColumns {
    /// The DHS design: `v005`, `v001`, `v022`, no break-down.
    fn default() -> Self {
        DhsColumns {
            weight: Some("v005".into()),
            cluster: Some("v001".into()),
            strata: Some("v022".into()),
            by: Vec::new(),
        }
    }
}

/// The whole of `kampung dhs WOMEN.csv`: reads a women's CSV file (a header
/// with the [`REQUIRED`] recode columns, any case, and the columns of
/// `columns`), writes the indicator table ([`FpTable::write_csv`]) to
/// `table`, and, when `v626a` is given, one row per woman (`row,v626a,reason`,
/// row numbered from 1 as the file's data rows) there. Returns the women
/// read and the impossible values ([`FpTable::errors`]; such a woman is 99).
///
/// # Errors
/// Before any row is read: `required` (path `columns`, parameter `column`
/// naming every missing column); CSV that cannot be read is
/// `register_malformed_line`; then as [`fp_indicators`]; an output error is
/// `register_malformed_line` with the reason.
#[cfg(feature = "csv")]
pub fn dhs_csv<R: std::io::Read>(
    input: R,
    table: &mut dyn Write,
    v626a: Option<&mut dyn Write>,
    columns: &DhsColumns,
    options: &FpOptions,
) -> Result<(usize, Vec<crate::error::RowError>), Error> {
    let women = WomenText::from_csv(input, &columns.names())?;
    write_tables(&women, table, v626a, columns, options)
}

#[cfg(feature = "csv")]
impl WomenText {
    /// The women of a CSV file: a header with the [`REQUIRED`] recode
    /// columns and the `extra` ones (any case), then one woman per record.
    ///
    /// # Errors
    /// Before any row is read: `required` (path `columns`, parameter
    /// `column` naming every missing column); CSV that cannot be read is
    /// `register_malformed_line`.
    pub fn from_csv<R: std::io::Read>(input: R, extra: &[&str]) -> Result<WomenText, Error> {
        let mut reader = ::csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(input);
        let header = reader.headers().map_err(Error::malformed)?.clone();
        let header: Vec<&str> = header
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}'))
            .collect();
        let mut women = WomenText::new(&header, extra).map_err(|missing| {
            Error::missing_columns(&missing.iter().map(String::as_str).collect::<Vec<_>>())
        })?;
        let mut record = ::csv::StringRecord::new();
        while reader.read_record(&mut record).map_err(Error::malformed)? {
            let cells: Vec<&str> = record.iter().collect();
            women.push(&cells);
        }
        Ok(women)
    }
}

/// The tables of `kampung dhs` from the women read: the indicator table
/// to `table`, the classes to `v626a` when given (see [`dhs_csv`]).
#[cfg(any(feature = "csv", feature = "parquet"))]
pub(crate) fn write_tables(
    women: &WomenText,
    table: &mut dyn Write,
    v626a: Option<&mut dyn Write>,
    columns: &DhsColumns,
    options: &FpOptions,
) -> Result<(usize, Vec<crate::error::RowError>), Error> {
    let by: Vec<&str> = columns.by.iter().map(String::as_str).collect();
    let result = women.fp_indicators(
        columns.weight.as_deref(),
        columns.cluster.as_deref(),
        columns.strata.as_deref(),
        &by,
        options,
    )?;
    result.write_csv(&mut *table).map_err(Error::malformed)?;
    if let Some(out) = v626a {
        let u = super::unmet_need(&women.women(), options.rules, true)?;
        let write = |out: &mut dyn Write| -> std::io::Result<()> {
            writeln!(out, "row,v626a,reason")?;
            for (i, v) in u.v626a.iter().enumerate() {
                let r = u
                    .reason
                    .as_ref()
                    .and_then(|r| r.get(i))
                    .map_or("", |r| r.as_str());
                writeln!(out, "{},{v},{r}", i + 1)?;
            }
            out.flush()
        };
        write(out).map_err(Error::malformed)?;
    }
    Ok((women.len(), result.errors))
}

/// Level codes (−1 for NaN) and labels of a numeric break-down column:
/// the distinct values in increasing order, printed as R prints them (`1`,
/// not `1.0`). For columns read as numbers (Arrow, Parquet), where
/// [`WomenText::levels`] serves text cells.
pub fn numeric_levels(x: &[f64]) -> (Vec<i64>, Vec<String>) {
    let mut levels: Vec<f64> = x.iter().copied().filter(|v| !v.is_nan()).collect();
    levels.sort_by(f64::total_cmp);
    levels.dedup();
    let codes = x
        .iter()
        .map(|v| {
            levels
                .binary_search_by(|l| l.total_cmp(v))
                .ok()
                .and_then(|p| i64::try_from(p).ok())
                .unwrap_or(-1)
        })
        .collect();
    (codes, levels.iter().map(|l| l.to_string()).collect())
}

impl FpTable {
    /// Writes the table as CSV: `group,by,level,indicator,estimate,se,
    /// ci_low,ci_high,deft,n_unweighted,n_weighted,df`, a missing number as
    /// an empty cell, numbers with every digit Rust prints (shortest
    /// round-trip form).
    ///
    /// # Errors
    /// The writer's.
    pub fn write_csv<W: Write>(&self, mut out: W) -> std::io::Result<()> {
        writeln!(
            out,
            "group,by,level,indicator,estimate,se,ci_low,ci_high,deft,n_unweighted,n_weighted,df"
        )?;
        let num = |x: f64| {
            if x.is_finite() {
                x.to_string()
            } else {
                String::new()
            }
        };
        let text = |s: &Option<String>| s.as_deref().map_or(String::new(), quote);
        for r in &self.rows {
            writeln!(
                out,
                "{},{},{},{},{},{},{},{},{},{},{},{}",
                r.group.as_str(),
                text(&r.by),
                text(&r.level),
                r.indicator.as_str(),
                num(r.estimate),
                num(r.se),
                num(r.ci_low),
                num(r.ci_high),
                num(r.deft),
                r.n_unweighted,
                num(r.n_weighted),
                r.df
            )?;
        }
        Ok(())
    }
}

/// A CSV field, quoted when it holds a comma, quote or line break.
fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells() {
        assert!(parse_cell("").is_nan() && parse_cell(" . ").is_nan() && parse_cell(".a").is_nan());
        assert!(parse_cell("NA").is_nan() && parse_cell("NaN").is_nan());
        assert_eq!(parse_cell("305"), 305.0);
        assert_eq!(parse_cell(" 1.5 "), 1.5);
        assert_eq!(parse_cell("yes"), f64::INFINITY);
        assert_eq!(quote("a,b"), "\"a,b\"");
        assert_eq!(quote("Jawa \"Barat\""), "\"Jawa \"\"Barat\"\"\"");
        assert_eq!(quote("Jawa Barat"), "Jawa Barat");
    }

    #[test]
    fn numeric_levels_as_r_prints_them() {
        let (codes, labels) = numeric_levels(&[2.0, 1.0, f64::NAN, 10.0, 1.0, 2.5]);
        assert_eq!(codes, [1, 0, -1, 3, 0, 2]);
        assert_eq!(labels, ["1", "2", "2.5", "10"]);
    }

    #[test]
    fn reader_and_levels() {
        let header: Vec<&str> = REQUIRED.iter().copied().chain(["V005", "region"]).collect();
        assert_eq!(
            WomenText::new(&header[1..], &["v001"]).unwrap_err(),
            ["v000", "v001"]
        );
        let mut t = WomenText::new(&header, &["v005", "region"]).unwrap();
        let mut row: Vec<&str> = vec![""; header.len()];
        row[0] = "ID7";
        row[header.len() - 1] = "10";
        t.push(&row);
        row[header.len() - 1] = "9";
        t.push(&row);
        row[header.len() - 1] = "";
        t.push(&[]);
        assert_eq!(t.len(), 3);
        let (codes, labels) = t.levels("region").unwrap();
        assert_eq!(
            (codes, labels),
            (vec![1, 0, -1], vec!["9".to_owned(), "10".to_owned()])
        );
        assert!(t.numbers("v005").unwrap().iter().all(|x| x.is_nan()));
    }
}

//! The prevalence table from a CSV file of children (WHO anthro-style
//! column names), written as CSV: what `kampung prevalence CHILDREN.csv`
//! runs.

use super::{
    prevalence, remap_rows, GroupValues, Ids, PrevalenceInput, PrevalenceOptions, PrevalenceTable,
};
use crate::error::{Error, ErrorCode, FieldError};
use crate::growth::codes::{parse_measure, parse_oedema, parse_sex};
use crate::growth::RowError;
use std::io::{Read, Write};

/// Which CSV columns hold which input. Defaults: anthro's argument names
/// (`sex`, `age` — or `age_days`, or `age_months` in months —, `weight`,
/// `lenhei`, `measure`, `oedema`, and the groupings `typeres`, `gregion`,
/// `wealthq`, `mothered`, `othergr` when present); the design columns
/// (`sw`, `cluster`, `strata`) are used only when named.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CsvColumns {
    /// Sex column.
    pub sex: String,
    /// Age column; `None`: `age`, else `age_days`, else `age_months`.
    pub age: Option<String>,
    /// The age column is in months.
    pub age_in_month: bool,
    /// Weight (kg).
    pub weight: String,
    /// Length/height (cm).
    pub lenhei: String,
    /// Measure (`l`/`h`).
    pub measure: String,
    /// Oedema (`y`/`n`).
    pub oedema: String,
    /// Sampling weights.
    pub sw: Option<String>,
    /// Clusters (PSUs).
    pub cluster: Option<String>,
    /// Strata.
    pub strata: Option<String>,
    /// Groupings: typeres, gregion, wealthq, mothered, othergr.
    pub groups: [String; 5],
    /// Date of birth (YYYY-MM-DD), for the data-quality report's day and
    /// month of birth; used only when named.
    pub dob: Option<String>,
}

impl Default for CsvColumns {
    fn default() -> Self {
        CsvColumns {
            sex: "sex".into(),
            age: None,
            age_in_month: false,
            weight: "weight".into(),
            lenhei: "lenhei".into(),
            measure: "measure".into(),
            oedema: "oedema".into(),
            sw: None,
            cluster: None,
            strata: None,
            groups: ["typeres", "gregion", "wealthq", "mothered", "othergr"].map(String::from),
            dob: None,
        }
    }
}

impl CsvColumns {
    /// The defaults.
    pub fn new() -> CsvColumns {
        CsvColumns::default()
    }
    /// Sampling-weight column.
    pub fn with_sw(mut self, column: impl Into<String>) -> Self {
        self.sw = Some(column.into());
        self
    }
    /// Cluster column.
    pub fn with_cluster(mut self, column: impl Into<String>) -> Self {
        self.cluster = Some(column.into());
        self
    }
    /// Strata column.
    pub fn with_strata(mut self, column: impl Into<String>) -> Self {
        self.strata = Some(column.into());
        self
    }
    /// Age column, in days (or months with `in_months`).
    pub fn with_age(mut self, column: impl Into<String>, in_months: bool) -> Self {
        self.age = Some(column.into());
        self.age_in_month = in_months;
        self
    }
    /// Date-of-birth column (YYYY-MM-DD).
    pub fn with_dob(mut self, column: impl Into<String>) -> Self {
        self.dob = Some(column.into());
        self
    }
    /// Column of one of anthro's groupings (`typeres`, `gregion`,
    /// `wealthq`, `mothered`, `othergr`).
    ///
    /// # Errors
    /// `invalid_code` (path `by`) for another grouping name.
    pub fn with_group(
        mut self,
        grouping: &str,
        column: impl Into<String>,
    ) -> Result<Self, FieldError> {
        let k = ["typeres", "gregion", "wealthq", "mothered", "othergr"]
            .iter()
            .position(|g| *g == grouping)
            .ok_or_else(|| {
                FieldError::at("by", ErrorCode::InvalidCode)
                    .with_param("allowed", "typeres, gregion, wealthq, mothered, othergr")
            })?;
        self.groups[k] = column.into();
        Ok(self)
    }
    /// A grouping from a command-line spec: `GROUPING=COLUMN` (e.g.
    /// `gregion=province`), or a bare `COLUMN`, which is anthro's "other
    /// grouping" (`othergr=COLUMN`) unless it names a grouping itself
    /// (then that grouping from its default column, as without the spec).
    ///
    /// # Errors
    /// As [`CsvColumns::with_group`]; `required` (path `by`) for an empty
    /// column name.
    pub fn with_by(self, spec: &str) -> Result<Self, FieldError> {
        let (grouping, column) = match spec.split_once('=') {
            Some((g, c)) => (g.trim(), c.trim()),
            None if self.groups.iter().any(|g| g == spec.trim()) => return Ok(self),
            None => ("othergr", spec.trim()),
        };
        if column.is_empty() {
            return Err(FieldError::at("by", ErrorCode::Required));
        }
        self.with_group(grouping, column)
    }
}

/// What [`prevalence_csv`] did.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct CsvSummary {
    /// The table that was written.
    pub table: PrevalenceTable,
    /// Notes per input row (`row` is the 0-based data row of the CSV,
    /// header not counted): unreadable cells, rows left out, anthro's
    /// adjustments.
    pub notes: Vec<RowError>,
    /// Data rows read.
    pub rows: usize,
}

/// A column as read: numbers when every non-empty cell is one, else text.
enum Col {
    Numbers(Vec<f64>),
    Text(Vec<Option<String>>),
}

/// A column of the kept rows.
enum Kept<'a> {
    Numbers(Vec<f64>),
    Text(Vec<Option<&'a str>>),
}

impl Kept<'_> {
    fn ids(&self) -> Ids<'_> {
        match self {
            Kept::Numbers(v) => Ids::Numbers(v),
            Kept::Text(v) => Ids::Text(v),
        }
    }
    fn values(&self) -> GroupValues<'_> {
        match self {
            Kept::Numbers(v) => GroupValues::Numbers(v),
            Kept::Text(v) => GroupValues::Text(v),
        }
    }
}

fn keep_col<'a>(c: Option<&'a Col>, kept: &[usize]) -> Option<Kept<'a>> {
    c.map(|c| match c {
        Col::Numbers(v) => Kept::Numbers(kept.iter().map(|&i| v[i]).collect()),
        Col::Text(v) => Kept::Text(kept.iter().map(|&i| v[i].as_deref()).collect()),
    })
}

fn is_missing(s: &str) -> bool {
    let t = s.trim();
    t.is_empty() || t.eq_ignore_ascii_case("na") || t.eq_ignore_ascii_case("nan")
}

fn parse_number(s: &str) -> Option<f64> {
    let t = s.trim();
    t.parse::<f64>()
        .ok()
        .or_else(|| t.replace(',', ".").parse().ok())
}

/// Children read from a CSV file with WHO anthro-style column names
/// ([`ChildrenCsv::read`]); [`ChildrenCsv::with_input`] lends them as a
/// [`PrevalenceInput`] to [`prevalence`], [`crate::growth::quality::quality`]
/// or any other call.
#[derive(Debug)]
pub struct ChildrenCsv {
    rows: usize,
    notes: Vec<RowError>,
    drop: Vec<bool>,
    sex: Vec<u8>,
    age: Vec<f64>,
    age_in_month: bool,
    weight: Option<Vec<f64>>,
    lenhei: Option<Vec<f64>>,
    measure: Option<Vec<u8>>,
    oedema: Option<Vec<bool>>,
    sw: Option<Vec<f64>>,
    cluster: Option<Col>,
    strata: Option<Col>,
    groups: Vec<Option<Col>>,
    dob: Option<(Vec<f64>, Vec<f64>)>,
}

impl std::fmt::Debug for Col {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Col::Numbers(v) => write!(f, "Numbers({})", v.len()),
            Col::Text(v) => write!(f, "Text({})", v.len()),
        }
    }
}

impl ChildrenCsv {
    /// Reads `input` (CSV with a header). Cells `""`, `NA` and `NaN` are
    /// missing. A cell of a numeric column that is not a number is missing
    /// with a note (`invalid_type`); a row with an invalid sex, measure or
    /// oedema code is left out with the parser's note; an unreadable date
    /// of birth is missing with `invalid_date`. Column types of the design
    /// and grouping columns are inferred as R's `read.csv` does (numbers
    /// when every non-missing cell is one, else text).
    ///
    /// # Errors
    /// `register_malformed_line` for CSV that cannot be read; `required`
    /// (path `columns`, parameter `column`) for a missing required column
    /// (`sex`, the age) or a named column that is absent.
    pub fn read<R: Read>(mut input: R, columns: &CsvColumns) -> Result<ChildrenCsv, Error> {
        let malformed = |e: &dyn std::fmt::Display| -> Error {
            FieldError::new(ErrorCode::RegisterMalformedLine)
                .with_param("reason", e.to_string())
                .into()
        };
        // `;`-separated files of comma-decimal spreadsheet locales (id-ID)
        // are read as the z-score reader reads them (issue 16.15).
        let head =
            crate::growth::children_csv::header_line(&mut input).map_err(|e| malformed(&e))?;
        let delimiter = if crate::growth::children_csv::semicolon_separated(&head) {
            b';'
        } else {
            b','
        };
        let mut reader = ::csv::ReaderBuilder::new()
            .flexible(false)
            .delimiter(delimiter)
            .from_reader(std::io::Cursor::new(head).chain(input));
        let header: Vec<String> = reader
            .headers()
            .map_err(|e| malformed(&e))?
            .iter()
            .map(|h| h.trim().to_owned())
            .collect();
        let find = |name: &str| header.iter().position(|h| h == name);
        let absent = |name: &str| -> Error {
            FieldError::new(ErrorCode::Required)
                .with_path(crate::error::FieldPath::field("columns"))
                .with_param("column", name)
                .into()
        };
        let required =
            |name: &str| -> Result<usize, Error> { find(name).ok_or_else(|| absent(name)) };
        let sex_col = required(&columns.sex)?;
        let (age_col, age_in_month) = match &columns.age {
            Some(a) => (required(a)?, columns.age_in_month),
            None => match crate::growth::children_csv::age_column(find) {
                Some((k, unit)) => (k, unit.unwrap_or(columns.age_in_month)),
                None => return Err(absent("age")),
            },
        };
        let named = |c: &Option<String>| -> Result<Option<usize>, Error> {
            c.as_ref().map(|n| required(n)).transpose()
        };
        let (sw_col, cluster_col, strata_col) = (
            named(&columns.sw)?,
            named(&columns.cluster)?,
            named(&columns.strata)?,
        );
        let default_groups = CsvColumns::default().groups;
        let mut group_cols = [None; 5];
        for (k, name) in columns.groups.iter().enumerate() {
            group_cols[k] = if *name == default_groups[k] {
                find(name)
            } else {
                Some(required(name)?)
            };
        }
        // ---- read the cells ------------------------------------------------------
        let mut cells: Vec<Vec<String>> = vec![Vec::new(); header.len()];
        let mut rows = 0usize;
        for record in reader.records() {
            let record = record.map_err(|e| malformed(&e))?;
            for (k, c) in cells.iter_mut().enumerate() {
                c.push(record.get(k).unwrap_or("").to_owned());
            }
            rows += 1;
        }
        let mut notes: Vec<RowError> = Vec::new();
        let mut drop = vec![false; rows];
        // codes
        let mut sex = Vec::with_capacity(rows);
        for (i, s) in cells[sex_col].iter().enumerate() {
            sex.push(parse_sex(s).unwrap_or_else(|e| {
                notes.push(RowError::new(i, e));
                drop[i] = true;
                0
            }));
        }
        let measure = find(&columns.measure).map(|k| {
            cells[k]
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    parse_measure(s).unwrap_or_else(|e| {
                        notes.push(RowError::new(i, e));
                        drop[i] = true;
                        0
                    })
                })
                .collect::<Vec<u8>>()
        });
        let oedema = find(&columns.oedema).map(|k| {
            cells[k]
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    parse_oedema(s).unwrap_or_else(|e| {
                        notes.push(RowError::new(i, e));
                        drop[i] = true;
                        false
                    })
                })
                .collect::<Vec<bool>>()
        });
        let numbers = |k: usize, name: &'static str, notes: &mut Vec<RowError>| -> Vec<f64> {
            cells[k]
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    if is_missing(s) {
                        f64::NAN
                    } else {
                        parse_number(s).unwrap_or_else(|| {
                            notes.push(RowError::new(
                                i,
                                FieldError::at(name, ErrorCode::InvalidType)
                                    .with_param("expected", "number"),
                            ));
                            f64::NAN
                        })
                    }
                })
                .collect()
        };
        let age = numbers(age_col, "age", &mut notes);
        let weight = find(&columns.weight).map(|k| numbers(k, "weight", &mut notes));
        let lenhei = find(&columns.lenhei).map(|k| numbers(k, "lenhei", &mut notes));
        let sw = sw_col.map(|k| numbers(k, "sw", &mut notes));
        let typed = |k: usize| -> Col {
            let all_numbers = cells[k]
                .iter()
                .all(|s| is_missing(s) || s.trim().parse::<f64>().is_ok());
            if all_numbers {
                Col::Numbers(
                    cells[k]
                        .iter()
                        .map(|s| {
                            if is_missing(s) {
                                f64::NAN
                            } else {
                                s.trim().parse().unwrap_or(f64::NAN)
                            }
                        })
                        .collect(),
                )
            } else {
                Col::Text(
                    cells[k]
                        .iter()
                        .map(|s| {
                            if is_missing(s) {
                                None
                            } else {
                                Some(s.trim().to_owned())
                            }
                        })
                        .collect(),
                )
            }
        };
        let cluster = cluster_col.map(typed);
        let strata = strata_col.map(typed);
        let groups: Vec<Option<Col>> = group_cols.iter().map(|c| c.map(typed)).collect();
        let dob = match &columns.dob {
            None => None,
            Some(name) => {
                let k = required(name)?;
                let mut day = Vec::with_capacity(rows);
                let mut month = Vec::with_capacity(rows);
                for (i, s) in cells[k].iter().enumerate() {
                    use chrono::Datelike;
                    if is_missing(s) {
                        day.push(f64::NAN);
                        month.push(f64::NAN);
                        continue;
                    }
                    match chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d") {
                        Ok(d) => {
                            day.push(f64::from(d.day()));
                            month.push(f64::from(d.month()));
                        }
                        Err(_) => {
                            notes.push(RowError::new(
                                i,
                                FieldError::at("dob", ErrorCode::InvalidDate),
                            ));
                            day.push(f64::NAN);
                            month.push(f64::NAN);
                        }
                    }
                }
                Some((day, month))
            }
        };
        Ok(ChildrenCsv {
            rows,
            notes,
            drop,
            sex,
            age,
            age_in_month,
            weight,
            lenhei,
            measure,
            oedema,
            sw,
            cluster,
            strata,
            groups,
            dob,
        })
    }

    /// Data rows read (header not counted).
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The notes of reading (`row` is the 0-based data row).
    pub fn notes(&self) -> &[RowError] {
        &self.notes
    }

    /// Calls `f` with the readable rows as a [`PrevalenceInput`] (and the
    /// days and months of birth when a `dob` column was named), and maps
    /// the row numbers of what it returns back to the file's rows: the
    /// notes `f` returns and the rows of its errors.
    ///
    /// # Errors
    /// The error `f` returns, with file rows.
    pub fn with_input<T>(
        &self,
        f: impl FnOnce(
            &PrevalenceInput<'_>,
            Option<(&[f64], &[f64])>,
        ) -> Result<(T, Vec<RowError>), Error>,
    ) -> Result<(T, Vec<RowError>), Error> {
        let rows = self.rows;
        let drop = &self.drop;
        let (sex, age, age_in_month) = (&self.sex, &self.age, self.age_in_month);
        let (weight, lenhei, measure, oedema, sw) = (
            &self.weight,
            &self.lenhei,
            &self.measure,
            &self.oedema,
            &self.sw,
        );
        let (cluster, strata, groups) = (&self.cluster, &self.strata, &self.groups);
        let kept: Vec<usize> = (0..rows).filter(|&i| !drop[i]).collect();
        let pick_f = |v: &[f64]| -> Vec<f64> { kept.iter().map(|&i| v[i]).collect() };
        let sex_k: Vec<u8> = kept.iter().map(|&i| sex[i]).collect();
        let age_k = pick_f(age);
        let weight_k = weight.as_deref().map(pick_f);
        let lenhei_k = lenhei.as_deref().map(pick_f);
        let measure_k: Option<Vec<u8>> = measure
            .as_ref()
            .map(|m| kept.iter().map(|&i| m[i]).collect());
        let oedema_k: Option<Vec<bool>> = oedema
            .as_ref()
            .map(|m| kept.iter().map(|&i| m[i]).collect());
        let sw_k = sw.as_deref().map(pick_f);
        let cluster_k = keep_col(cluster.as_ref(), &kept);
        let strata_k = keep_col(strata.as_ref(), &kept);
        let groups_k: Vec<Option<Kept<'_>>> =
            groups.iter().map(|g| keep_col(g.as_ref(), &kept)).collect();
        let input = PrevalenceInput {
            sex: &sex_k,
            age: &age_k,
            age_in_month,
            weight: weight_k.as_deref(),
            lenhei: lenhei_k.as_deref(),
            measure: measure_k.as_deref(),
            oedema: oedema_k.as_deref(),
            sw: sw_k.as_deref(),
            cluster: cluster_k.as_ref().map(Kept::ids),
            strata: strata_k.as_ref().map(Kept::ids),
            typeres: groups_k[0].as_ref().map(Kept::values),
            gregion: groups_k[1].as_ref().map(Kept::values),
            wealthq: groups_k[2].as_ref().map(Kept::values),
            mothered: groups_k[3].as_ref().map(Kept::values),
            othergr: groups_k[4].as_ref().map(Kept::values),
        };
        let dob: Option<(Vec<f64>, Vec<f64>)> =
            self.dob.as_ref().map(|(d, m)| (pick_f(d), pick_f(m)));
        let (value, more) = f(
            &input,
            dob.as_ref().map(|(d, m)| (d.as_slice(), m.as_slice())),
        )
        .map_err(|e| remap_rows(e, &kept))?;
        let mut notes = self.notes.clone();
        notes.extend(
            more.into_iter()
                .map(|e| RowError::new(kept[e.row], e.error)),
        );
        notes.sort_by_key(|e| e.row);
        Ok((value, notes))
    }
}

/// Reads children from `input` ([`ChildrenCsv::read`]), computes the
/// prevalence table and writes it to `output` in anthro's layout
/// ([`PrevalenceTable::to_csv`]): what `kampung prevalence CHILDREN.csv`
/// runs.
///
/// # Errors
/// Those of [`ChildrenCsv::read`] and [`prevalence`] (rows of the file);
/// an I/O error while writing is `register_malformed_line` with the reason.
pub fn prevalence_csv<R: Read, W: Write>(
    input: R,
    output: W,
    columns: &CsvColumns,
    options: &PrevalenceOptions,
) -> Result<CsvSummary, Error> {
    let children = ChildrenCsv::read(input, columns)?;
    let (table, notes) = children.with_input(|input, _| prevalence(input, options))?;
    write_out(output, &table.to_csv())?;
    Ok(CsvSummary {
        table,
        notes,
        rows: children.rows(),
    })
}

/// The data-quality report ([`crate::growth::quality::quality`]) of the
/// children of a CSV file, written to `output` as one long CSV
/// ([`crate::growth::quality::QualityReport::to_csv`]): what `kampung
/// prevalence --quality` runs. Name a `dob` column (YYYY-MM-DD) in
/// `columns` for the day and month of birth.
///
/// Returns the report, the notes per row and the data rows read.
///
/// # Errors
/// As [`prevalence_csv`].
pub fn quality_csv<R: Read, W: Write>(
    input: R,
    output: W,
    columns: &CsvColumns,
    options: &PrevalenceOptions,
) -> Result<(crate::growth::quality::QualityReport, Vec<RowError>, usize), Error> {
    use crate::growth::quality::{quality, QualityInput};
    let children = ChildrenCsv::read(input, columns)?;
    let (report, notes) = children.with_input(|input, dob| {
        let q = QualityInput {
            children: *input,
            dob_day: dob.map(|d| d.0),
            dob_month: dob.map(|d| d.1),
        };
        quality(&q, options)
    })?;
    write_out(output, &report.to_csv())?;
    Ok((report, notes, children.rows()))
}

fn write_out<W: Write>(mut output: W, text: &str) -> Result<(), Error> {
    output
        .write_all(text.as_bytes())
        .and_then(|()| output.flush())
        .map_err(|e| {
            FieldError::new(ErrorCode::RegisterMalformedLine)
                .with_param("reason", e.to_string())
                .into()
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::growth::prevalence::MethodChoice;

    #[test]
    fn groupings_from_command_line_specs() {
        let c = CsvColumns::new().with_by("gregion=province").unwrap();
        assert_eq!(c.groups[1], "province");
        let c = c.with_by("desa").unwrap();
        assert_eq!(c.groups[4], "desa");
        assert_eq!(
            CsvColumns::new().with_by("typeres").unwrap(),
            CsvColumns::new()
        );
        assert_eq!(
            CsvColumns::new().with_by("region=x").unwrap_err().code(),
            ErrorCode::InvalidCode
        );
        assert_eq!(
            CsvColumns::new().with_by("gregion=").unwrap_err().code(),
            ErrorCode::Required
        );
        assert_eq!(
            MethodChoice::parse("Survey").ok(),
            Some(MethodChoice::Survey)
        );
        assert!(MethodChoice::parse("simple").is_err());
    }

    /// A `;`-separated file with decimal commas and a byte-order mark (a
    /// spreadsheet saved in the id-ID locale) gives the plain file's table.
    #[test]
    fn indonesian_locale_csv_gives_the_same_table() {
        let plain = "sex,age,weight,lenhei,measure,sw\n1,365,9.5,74.2,l,1.5\n2,700,10.1,80,h,2\n1,30,3.1,50,l,1\n";
        let id = "\u{feff}sex;age;weight;lenhei;measure;sw\r\n1;365;9,5;74,2;l;1,5\r\n2;700;10,1;80;h;2\r\n1;30;3,1;50;l;1\r\n";
        let cols = CsvColumns::new().with_sw("sw");
        let opts = PrevalenceOptions::default();
        let (mut a, mut b) = (Vec::new(), Vec::new());
        prevalence_csv(plain.as_bytes(), &mut a, &cols, &opts).expect("plain");
        prevalence_csv(id.as_bytes(), &mut b, &cols, &opts).expect("id-ID");
        assert!(a.len() > 100);
        assert_eq!(String::from_utf8_lossy(&a), String::from_utf8_lossy(&b));
    }
}

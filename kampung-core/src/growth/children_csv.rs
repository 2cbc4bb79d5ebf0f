//! A children table in CSV (one row per measurement, WHO anthro's column
//! names), read in chunks of rows of any file size (memory stays flat),
//! with the inputs of the z-scores and every row problem: the reader of
//! `kampung zscores`, for every command that reads children.
//!
//! Columns (WHO anthro's argument names): `sex` (1/2, m/f, L/P), `age`
//! (days; months with [`ChildrenCsvOptions::age_in_month`] or a column
//! `age_unit` = `months`), or `age_days` / `age_months`; optional
//! `weight`, `lenhei`, `measure`, `headc`, `armc`, `triskin`, `subskin`,
//! `oedema`. [`write_zscores_csv`] repeats every input column and appends
//! anthro's outputs (`clenhei, cbmi, c9mo_flag, zlen, flen, …, zss, fss`);
//! missing values are empty cells; row problems go to an errors file as
//! `row,line,field,code,message`.
//!
//! Records are read strictly ([`super::csv_records`]): every record of the
//! input is either scored (one output row) or *unreadable* (no output row;
//! one line in the errors table with its input line, an empty `row` and the
//! reason): a record with another number of fields than the header, that
//! is not UTF-8, that opens a quote and never closes it, or that is longer
//! than [`ChildrenCsvOptions::max_record_bytes`] (default
//! [`DEFAULT_MAX_RECORD_BYTES`], 1 MiB).
//!
//! CSV written by a spreadsheet in an Indonesian (or any comma-decimal)
//! locale is read too: when the header line has more `;` than `,` outside
//! quotes, `;` is the separator and numbers may use the decimal comma
//! (`9,5`), as Excel and LibreOffice write them under `id-ID`. A UTF-8
//! byte-order mark before the header is ignored. Issue 16.15.

pub use crate::growth::csv_records::DEFAULT_MAX_RECORD_BYTES;
use crate::growth::csv_records::{malformed, Record, Records};
use crate::growth::{
    parse_measure, parse_oedema, parse_sex, zscores_2006, Columns2006, Input2006, RowError,
    Tables2006, ZscoreOptions, OUTPUT_NAMES_2006,
};
use crate::{FieldError, FieldPath, Locale};
use std::io::{Read, Write};

/// Default rows per chunk.
pub const CHUNK: usize = 65_536;

/// Options of reading a children table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChildrenCsvOptions {
    /// The `age` column is in months (WHO anthro's `is_age_in_month`).
    pub age_in_month: bool,
    /// Rows per chunk (memory use is proportional to it).
    pub chunk: usize,
    /// The longest record, in bytes; a longer one is an unreadable row
    /// (`register_line_too_long`).
    pub max_record_bytes: usize,
    /// How input cells are copied to the output.
    pub cells: CellPolicy,
}

/// How cells copied from the input are written to a CSV output meant for
/// spreadsheets.
///
/// By default ([`CellPolicy::neutralised`]) a cell that a spreadsheet would
/// run as a formula (CWE-1236, "CSV injection") gets a leading single quote,
/// as OWASP's *CSV Injection* page recommends: a cell starting with `=`,
/// `+`, `-`, `@`, a tab or a carriage return, unless it is a plain number
/// (`-1.5` stays `-1.5`); and control characters other than tab, carriage
/// return and line feed (e.g. the escape character that starts a terminal
/// escape sequence) are replaced by U+FFFD. [`CellPolicy::raw`] writes
/// cells exactly as read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CellPolicy {
    /// Prefix formula-like cells with `'`.
    pub formulas: bool,
    /// Replace control characters by U+FFFD.
    pub controls: bool,
}

impl Default for CellPolicy {
    fn default() -> Self {
        CellPolicy::neutralised()
    }
}

impl CellPolicy {
    /// Formulas and control characters neutralised (the default).
    pub const fn neutralised() -> CellPolicy {
        CellPolicy {
            formulas: true,
            controls: true,
        }
    }
    /// Cells exactly as read.
    pub const fn raw() -> CellPolicy {
        CellPolicy {
            formulas: false,
            controls: false,
        }
    }
    /// With control characters replaced or kept.
    pub const fn with_controls(mut self, replace: bool) -> CellPolicy {
        self.controls = replace;
        self
    }

    /// The policy of an output: [`CellPolicy::neutralised`], or `raw`
    /// cells, which still lose their control characters when the output is
    /// a `terminal` (an escape sequence would run there).
    pub const fn for_output(raw: bool, terminal: bool) -> CellPolicy {
        if raw {
            CellPolicy::raw().with_controls(terminal)
        } else {
            CellPolicy::neutralised()
        }
    }

    /// `cell` as it is written.
    pub fn apply(self, cell: &str) -> std::borrow::Cow<'_, str> {
        use std::borrow::Cow;
        let control = |c: char| c.is_control() && !matches!(c, '\t' | '\r' | '\n');
        let formula = self.formulas
            && cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
            && !is_plain_number(cell);
        let controls = self.controls && cell.chars().any(control);
        if !formula && !controls {
            return Cow::Borrowed(cell);
        }
        let mut out = String::with_capacity(cell.len() + 1);
        if formula {
            out.push('\'');
        }
        if controls {
            out.extend(
                cell.chars()
                    .map(|c| if control(c) { '\u{fffd}' } else { c }),
            );
        } else {
            out.push_str(cell);
        }
        Cow::Owned(out)
    }
}

/// A decimal number as a spreadsheet reads it: sign, digits, a point, an
/// exponent (no `inf`, no `nan`, nothing else).
fn is_plain_number(cell: &str) -> bool {
    cell.bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'))
        && cell.bytes().any(|b| b.is_ascii_digit())
        && cell.parse::<f64>().is_ok()
}

impl Default for ChildrenCsvOptions {
    fn default() -> Self {
        ChildrenCsvOptions {
            age_in_month: false,
            chunk: CHUNK,
            max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
            cells: CellPolicy::neutralised(),
        }
    }
}

impl ChildrenCsvOptions {
    /// With ages in months.
    pub fn with_age_in_month(mut self, yes: bool) -> Self {
        self.age_in_month = yes;
        self
    }
    /// With `rows` per chunk (at least 1).
    pub fn with_chunk(mut self, rows: usize) -> Self {
        self.chunk = rows.max(1);
        self
    }
    /// With input cells copied under `policy`.
    pub fn with_cells(mut self, policy: CellPolicy) -> Self {
        self.cells = policy;
        self
    }
    /// With records of at most `bytes` bytes (at least 1).
    pub fn with_max_record_bytes(mut self, bytes: usize) -> Self {
        self.max_record_bytes = bytes.max(1);
        self
    }
}

/// One chunk of rows: the records as read and the z-score inputs of each.
#[derive(Debug, Default)]
pub struct ChildrenChunk {
    /// The 0-based number of the chunk's first readable record among the
    /// readable records of the file (its output row).
    pub first_row: usize,
    /// The records as read (those that could be read).
    pub records: Vec<csv::StringRecord>,
    /// The first input line of each record (from 1).
    pub lines: Vec<u64>,
    /// Records that could not be read: their first line and why.
    pub unreadable: Vec<(u64, FieldError)>,
    sex: Vec<u8>,
    age: Vec<f64>,
    months: Vec<bool>,
    weight: Vec<f64>,
    lenhei: Vec<f64>,
    measure: Vec<u8>,
    headc: Vec<f64>,
    armc: Vec<f64>,
    triskin: Vec<f64>,
    subskin: Vec<f64>,
    oedema: Vec<bool>,
    /// Problems found while reading the cells (row numbers from 0 for the file).
    pub errors: Vec<RowError>,
}

struct Layout {
    sex: usize,
    age: usize,
    age_unit: Option<usize>,
    age_months_column: bool,
    weight: Option<usize>,
    lenhei: Option<usize>,
    measure: Option<usize>,
    headc: Option<usize>,
    armc: Option<usize>,
    triskin: Option<usize>,
    subskin: Option<usize>,
    oedema: Option<usize>,
}

/// The age column by WHO anthro's names: `age`, else `age_days`, else
/// `age_months`; with the unit its name states (`Some(true)` months,
/// `Some(false)` days, `None` for `age`, whose unit the caller's option
/// gives). Shared by this reader and the prevalence reader.
pub(crate) fn age_column(find: impl Fn(&str) -> Option<usize>) -> Option<(usize, Option<bool>)> {
    match (find("age"), find("age_days"), find("age_months")) {
        (Some(i), _, _) => Some((i, None)),
        (None, Some(i), _) => Some((i, Some(false))),
        (None, None, Some(i)) => Some((i, Some(true))),
        _ => None,
    }
}

fn layout(headers: &csv::StringRecord) -> Result<Layout, String> {
    let find = |name: &str| headers.iter().position(|h| h.trim() == name);
    let sex = find("sex").ok_or("the input has no `sex` column")?;
    let (age, unit) =
        age_column(find).ok_or("the input has no `age`, `age_days` or `age_months` column")?;
    let age_months_column = unit == Some(true);
    Ok(Layout {
        sex,
        age,
        age_unit: find("age_unit"),
        age_months_column,
        weight: find("weight"),
        lenhei: find("lenhei"),
        measure: find("measure"),
        headc: find("headc"),
        armc: find("armc"),
        triskin: find("triskin"),
        subskin: find("subskin"),
        oedema: find("oedema"),
    })
}

fn number(
    rec: &csv::StringRecord,
    col: Option<usize>,
    name: &'static str,
    decimal_comma: bool,
    row: usize,
    errors: &mut Vec<RowError>,
) -> f64 {
    let Some(cell) = col.and_then(|i| rec.get(i)) else {
        return f64::NAN;
    };
    let t = cell.trim();
    if t.is_empty() || t.eq_ignore_ascii_case("na") || t.eq_ignore_ascii_case("nan") {
        return f64::NAN;
    }
    let parsed = if decimal_comma && t.contains(',') {
        t.replacen(',', ".", 1).parse::<f64>()
    } else {
        t.parse::<f64>()
    };
    match parsed {
        Ok(x) => x,
        Err(_) => {
            errors.push(RowError::new(
                row,
                crate::FieldError::new(crate::ErrorCode::InvalidType)
                    .with_path(FieldPath::field(name))
                    .with_param("expected", "number")
                    .with_param("received", "string"),
            ));
            f64::NAN
        }
    }
}

fn code<T: Copy>(
    rec: &csv::StringRecord,
    col: Option<usize>,
    parse: fn(&str) -> Result<T, crate::FieldError>,
    missing: T,
    row: usize,
    errors: &mut Vec<RowError>,
) -> T {
    let cell = col.and_then(|i| rec.get(i)).unwrap_or("");
    match parse(cell) {
        Ok(c) => c,
        Err(e) => {
            errors.push(RowError::new(row, e));
            missing
        }
    }
}

fn fmt(x: f64, out: &mut String) {
    out.clear();
    if !x.is_nan() {
        use std::fmt::Write as _;
        let _ = write!(out, "{x}");
    }
}

/// The bytes up to and including the first line feed (at most 1 MiB),
/// without a leading UTF-8 byte-order mark.
pub(crate) fn header_line<R: Read>(input: &mut R) -> std::io::Result<Vec<u8>> {
    const MAX: usize = 1 << 20;
    let mut head = Vec::with_capacity(256);
    let mut byte = [0u8; 1];
    while head.len() < MAX {
        if input.read(&mut byte)? == 0 {
            break;
        }
        head.push(byte[0]);
        if byte[0] == b'\n' {
            break;
        }
    }
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        head.drain(..3);
    }
    Ok(head)
}

/// True when the header line has more `;` than `,` outside quotes (the
/// list separator of comma-decimal spreadsheet locales such as `id-ID`).
pub(crate) fn semicolon_separated(head: &[u8]) -> bool {
    let (mut quoted, mut semi, mut comma) = (false, 0usize, 0usize);
    for &b in head {
        match b {
            b'"' => quoted = !quoted,
            b';' if !quoted => semi += 1,
            b',' if !quoted => comma += 1,
            _ => {}
        }
    }
    semi > comma
}

/// A children table read chunk by chunk.
pub struct ChildrenCsv<R: Read> {
    headers: csv::StringRecord,
    layout: Layout,
    records: Records<std::io::Chain<std::io::Cursor<Vec<u8>>, R>>,
    decimal_comma: bool,
    opts: ChildrenCsvOptions,
    rows: usize,
    unreadable: usize,
    done: bool,
}

impl<R: Read> ChildrenCsv<R> {
    /// Reads the header and finds the columns.
    ///
    /// # Errors
    /// The header cannot be read, or it has no `sex` or age column.
    pub fn new(mut input: R, opts: ChildrenCsvOptions) -> Result<ChildrenCsv<R>, String> {
        let head = header_line(&mut input).map_err(|e| e.to_string())?;
        let semicolon = semicolon_separated(&head);
        let mut records = Records::with_delimiter(
            std::io::Cursor::new(head).chain(input),
            opts.max_record_bytes,
            if semicolon { b';' } else { b',' },
        );
        let headers = match records.next() {
            Some(Record::Fields { fields, .. }) => csv::StringRecord::from_byte_record(fields)
                .map_err(|_| "the header is not UTF-8".to_owned())?,
            Some(Record::Bad { error, .. }) => {
                return Err(format!("the header: {}", error.message(Locale::En)))
            }
            None => match records.take_error() {
                Some(e) => return Err(e.to_string()),
                None => csv::StringRecord::new(),
            },
        };
        let layout = layout(&headers)?;
        Ok(ChildrenCsv {
            headers,
            layout,
            records,
            decimal_comma: semicolon,
            opts,
            rows: 0,
            unreadable: 0,
            done: false,
        })
    }

    /// The header row as read.
    pub fn headers(&self) -> &csv::StringRecord {
        &self.headers
    }

    /// Rows read so far (scored, to be scored, or unreadable).
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Unreadable rows so far.
    pub fn unreadable(&self) -> usize {
        self.unreadable
    }

    /// The next record as a row of the header's width, or why it is not one.
    fn next_record(&mut self) -> Option<Result<(u64, csv::StringRecord), (u64, FieldError)>> {
        Some(match self.records.next()? {
            Record::Bad { line, error } => Err((line, error)),
            Record::Fields { line, fields } => {
                let width = self.headers.len();
                match csv::StringRecord::from_byte_record(fields) {
                    Err(_) => Err((line, malformed("not UTF-8"))),
                    Ok(r) if r.len() != width => Err((
                        line,
                        malformed(format!("{} fields, expected {width}", r.len())),
                    )),
                    Ok(r) => Ok((line, r)),
                }
            }
        })
    }

    /// The next chunk of rows; `None` at the end.
    ///
    /// # Errors
    /// The input cannot be read.
    pub fn next_chunk(&mut self) -> Option<Result<ChildrenChunk, String>> {
        if self.done {
            return None;
        }
        let mut buf = ChildrenChunk {
            first_row: self.rows - self.unreadable,
            ..ChildrenChunk::default()
        };
        let chunk = self.opts.chunk.max(1);
        while buf.records.len() + buf.unreadable.len() < chunk {
            let Some(next) = self.next_record() else {
                self.done = true;
                break;
            };
            let (line, rec) = match next {
                Ok(x) => x,
                Err(bad) => {
                    buf.unreadable.push(bad);
                    continue;
                }
            };
            let lay = &self.layout;
            let row = buf.first_row + buf.records.len();
            buf.sex.push(code(
                &rec,
                Some(lay.sex),
                parse_sex,
                0,
                row,
                &mut buf.errors,
            ));
            let dc = self.decimal_comma;
            buf.age
                .push(number(&rec, Some(lay.age), "age", dc, row, &mut buf.errors));
            let unit_months = lay
                .age_unit
                .and_then(|i| rec.get(i))
                .map_or(self.opts.age_in_month || lay.age_months_column, |u| {
                    u.trim() == "months"
                });
            buf.months.push(unit_months);
            buf.weight
                .push(number(&rec, lay.weight, "weight", dc, row, &mut buf.errors));
            buf.lenhei
                .push(number(&rec, lay.lenhei, "lenhei", dc, row, &mut buf.errors));
            buf.measure.push(code(
                &rec,
                lay.measure,
                parse_measure,
                0,
                row,
                &mut buf.errors,
            ));
            buf.headc
                .push(number(&rec, lay.headc, "headc", dc, row, &mut buf.errors));
            buf.armc
                .push(number(&rec, lay.armc, "armc", dc, row, &mut buf.errors));
            buf.triskin.push(number(
                &rec,
                lay.triskin,
                "triskin",
                dc,
                row,
                &mut buf.errors,
            ));
            buf.subskin.push(number(
                &rec,
                lay.subskin,
                "subskin",
                dc,
                row,
                &mut buf.errors,
            ));
            buf.oedema.push(code(
                &rec,
                lay.oedema,
                parse_oedema,
                false,
                row,
                &mut buf.errors,
            ));
            buf.records.push(rec);
            buf.lines.push(line);
        }
        if let Some(e) = self.records.take_error() {
            self.done = true;
            return Some(Err(e.to_string()));
        }
        self.rows += buf.records.len() + buf.unreadable.len();
        self.unreadable += buf.unreadable.len();
        (!buf.records.is_empty() || !buf.unreadable.is_empty()).then_some(Ok(buf))
    }

    /// The WHO 2006 z-scores of a chunk (ages in days and in months may be
    /// mixed row by row), and the problems of its rows (read and computed),
    /// sorted by row.
    ///
    /// # Errors
    /// A shape error of the core (columns of unequal length: not expected).
    pub fn zscores_2006(
        &self,
        chunk: &ChildrenChunk,
        tables: &Tables2006,
    ) -> Result<(Columns2006, Vec<RowError>), String> {
        let lay = &self.layout;
        let n = chunk.records.len();
        // Ages in months are converted to days inside the core (anthro:
        // round half up of months × 30.4375).
        let mut cols = Columns2006::new(n);
        let mut core_errors = Vec::new();
        for months in [false, true] {
            if !chunk.months.contains(&months) {
                continue;
            }
            // Rows of the other unit get a NaN age, so the core leaves them missing.
            let age: Vec<f64> = chunk
                .age
                .iter()
                .zip(&chunk.months)
                .map(|(&a, &m)| if m == months { a } else { f64::NAN })
                .collect();
            let mut part = Columns2006::new(n);
            let input = Input2006 {
                sex: &chunk.sex,
                age: &age,
                age_in_month: months,
                weight: lay.weight.map(|_| chunk.weight.as_slice()),
                lenhei: lay.lenhei.map(|_| chunk.lenhei.as_slice()),
                measure: lay.measure.map(|_| chunk.measure.as_slice()),
                headc: lay.headc.map(|_| chunk.headc.as_slice()),
                armc: lay.armc.map(|_| chunk.armc.as_slice()),
                triskin: None,
                subskin: None,
                oedema: lay.oedema.map(|_| chunk.oedema.as_slice()),
            };
            let mut errs = Vec::new();
            zscores_2006(
                &input,
                tables,
                ZscoreOptions::default(),
                &mut part.output(),
                &mut errs,
            )
            .map_err(|e| e.to_string())?;
            for i in 0..n {
                if chunk.months[i] == months {
                    cols.copy_row_from(&part, i);
                }
            }
            core_errors.extend(
                errs.into_iter()
                    .filter(|e| chunk.months.get(e.row).copied() == Some(months)),
            );
        }
        let mut errors = chunk.errors.clone();
        errors.extend(
            core_errors
                .into_iter()
                .map(|e| RowError::new(e.row + chunk.first_row, e.error)),
        );
        errors.sort_by_key(|e| e.row);
        Ok((cols, errors))
    }
}

/// A csv crate error as an I/O error, its kind kept (the crate's own
/// conversion makes every error `Other`, and a closed pipe would no longer
/// be one).
fn io_error(e: csv::Error) -> std::io::Error {
    if !matches!(e.kind(), csv::ErrorKind::Io(_)) {
        return std::io::Error::other(e);
    }
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        _ => std::io::Error::other("csv"),
    }
}

/// What [`write_zscores_csv`] read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ZscoresCsvSummary {
    /// Records read after the header (scored + unreadable).
    pub rows: usize,
    /// Rows scored (one output row each).
    pub scored: usize,
    /// Scored rows with at least one problem.
    pub with_problems: usize,
    /// Records that could not be read (not scored; in the errors table).
    pub unreadable: usize,
}

impl ZscoresCsvSummary {
    /// One line for a terminal: `3 rows read: 2 scored (1 with problems),
    /// 1 unreadable` in `lang`.
    pub fn describe(&self, lang: Locale) -> String {
        let (rows, scored, problems, unreadable) =
            (self.rows, self.scored, self.with_problems, self.unreadable);
        match lang {
            Locale::Id => format!(
                "{rows} baris dibaca: {scored} dihitung ({problems} bermasalah), {unreadable} tidak terbaca"
            ),
            Locale::En => format!(
                "{rows} rows read: {scored} scored ({problems} with problems), {unreadable} unreadable"
            ),
        }
    }
}

/// WHO 2006 z-scores for every row of a children table: reads `input`,
/// writes every input column and the outputs to `output`, and each row
/// problem to `errors_out` as `row,line,field,code,message` (`row`: the
/// output row, from 1, empty for an unreadable record; `line`: the input
/// line where the record starts; message in `lang`). Cells are written as
/// read unless `cells` neutralises them ([`CellPolicy`]). Both outputs are
/// flushed; a write error is an error.
///
/// # Errors
/// A file that cannot be read or written, or a header without the
/// needed columns.
pub fn write_zscores_csv<R: Read, W: Write, E: Write>(
    input: R,
    output: W,
    mut errors_out: E,
    opts: ChildrenCsvOptions,
    lang: Locale,
) -> std::io::Result<ZscoresCsvSummary> {
    let invalid = |e: String| std::io::Error::new(std::io::ErrorKind::InvalidData, e);
    let mut reader = ChildrenCsv::new(input, opts).map_err(invalid)?;
    let headers = reader.headers().clone();
    let mut wtr = csv::Writer::from_writer(output);
    // Input columns named like an output (e.g. expected values in a golden
    // file) are replaced by the computed ones, which come last.
    let keep: Vec<usize> = (0..headers.len())
        .filter(|&i| !OUTPUT_NAMES_2006.contains(&headers.get(i).unwrap_or("").trim()))
        .collect();
    let cells = opts.cells;
    let mut head: Vec<String> = keep
        .iter()
        .filter_map(|&i| headers.get(i))
        .map(|h| cells.apply(h).into_owned())
        .collect();
    head.extend(OUTPUT_NAMES_2006.iter().map(|s| (*s).to_owned()));
    wtr.write_record(&head).map_err(io_error)?;
    writeln!(errors_out, "row,line,field,code,message")?;
    let tables = Tables2006::bundled();
    let mut sum = ZscoresCsvSummary::default();
    let mut cell = String::new();
    let mut fields: Vec<String> = Vec::new();
    let write_err = |out: &mut E, row: Option<usize>, line: u64, e: &FieldError| {
        let msg = e.message(lang).replace('"', "'");
        let row = row.map(|r| (r + 1).to_string()).unwrap_or_default();
        writeln!(out, "{row},{line},{},{},\"{msg}\"", e.path(), e.code())
    };
    while let Some(chunk) = reader.next_chunk() {
        let chunk = chunk.map_err(std::io::Error::other)?;
        let (cols, errors) = reader
            .zscores_2006(&chunk, &tables)
            .map_err(std::io::Error::other)?;
        let named = cols.named();
        for (i, rec) in chunk.records.iter().enumerate() {
            fields.clear();
            fields.extend(
                keep.iter()
                    .map(|&k| cells.apply(rec.get(k).unwrap_or("")).into_owned()),
            );
            for (_, col) in &named {
                fmt(col[i], &mut cell);
                fields.push(cell.clone());
            }
            wtr.write_record(&fields).map_err(io_error)?;
        }
        // Problems in input order: unreadable records by line, the others by row.
        let line_of = |row: usize| {
            chunk
                .lines
                .get(row - chunk.first_row)
                .copied()
                .unwrap_or_default()
        };
        let mut bad = chunk.unreadable.iter().peekable();
        let mut last = usize::MAX;
        for e in &errors {
            let line = line_of(e.row);
            while let Some((l, err)) = bad.next_if(|(l, _)| *l < line) {
                write_err(&mut errors_out, None, *l, err)?;
            }
            if e.row != last {
                sum.with_problems += 1;
                last = e.row;
            }
            write_err(&mut errors_out, Some(e.row), line, &e.error)?;
        }
        for (l, err) in bad {
            write_err(&mut errors_out, None, *l, err)?;
        }
        sum.scored += chunk.records.len();
    }
    wtr.flush()?;
    errors_out.flush()?;
    sum.rows = reader.rows();
    sum.unreadable = reader.unreadable();
    Ok(sum)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn shared_testdata() -> Option<PathBuf> {
        let dir = std::env::var_os("KAMPUNG_SHARED_DIR")
            .map_or_else(
                || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
                PathBuf::from,
            )
            .join("data/who-growth/testdata");
        if dir.is_dir() {
            return Some(dir);
        }
        assert!(
            std::env::var("CI").ok().as_deref() != Some("true"),
            "{} missing in CI",
            dir.display()
        );
        eprintln!("SKIPPED: {} not found", dir.display());
        None
    }

    fn zscore_rows(input: &str) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        let mut errs = Vec::new();
        write_zscores_csv(
            input.as_bytes(),
            &mut out,
            &mut errs,
            ChildrenCsvOptions::default(),
            Locale::En,
        )
        .expect("runs");
        let mut r = csv::Reader::from_reader(out.as_slice());
        let h = r.headers().expect("headers").clone();
        let pick = ["zwei", "zlen", "zwfl"].map(|n| h.iter().position(|x| x == n).expect(n));
        let errs = String::from_utf8_lossy(&errs);
        assert_eq!(errs.lines().count(), 1, "only the header: {errs}");
        r.records()
            .map(|rec| {
                let rec = rec.expect("row");
                pick.iter().map(|&i| rec[i].to_owned()).collect()
            })
            .collect()
    }

    /// A file saved by a spreadsheet in the id-ID locale (`;` separator,
    /// decimal comma, a byte-order mark) gives the same z-scores as the
    /// plain CSV (issue 16.15).
    #[test]
    fn indonesian_locale_csv_reads_like_plain_csv() {
        let plain = "sex,age,weight,lenhei,measure\n1,365,9.5,74.2,l\n2,700,\"10.1\",80,h\n";
        let id = "\u{feff}sex;age;weight;lenhei;measure\r\n1;365;9,5;74,2;l\r\n2;700;10,1;80;h\r\n";
        let a = zscore_rows(plain);
        assert_eq!(a.len(), 2);
        assert!(a[0][0].parse::<f64>().is_ok(), "{a:?}");
        assert_eq!(zscore_rows(id), a);
    }

    #[test]
    fn the_separator_is_the_more_frequent_one_outside_quotes() {
        assert!(semicolon_separated(b"sex;age;weight\n"));
        assert!(!semicolon_separated(b"sex,age,\"a;b;c\"\n"));
        assert!(!semicolon_separated(b"sex,age\n"));
    }

    /// The edge-case golden file (ages in days and in months mixed, all
    /// inputs) through the command, in small chunks: every z and flag of the
    /// six bundled indicators equals WHO anthro's, except the documented
    /// deliberate differences (weight or length <= 0).
    #[test]
    fn edge_cases_round_trip_through_the_command() {
        let Some(dir) = shared_testdata() else { return };
        let input = std::fs::read(dir.join("anthro_r_golden_edge_cases.csv")).expect("read");
        let mut out = Vec::new();
        let mut errs = Vec::new();
        let opts = ChildrenCsvOptions::default().with_chunk(1000);
        let sum = write_zscores_csv(input.as_slice(), &mut out, &mut errs, opts, Locale::En)
            .expect("runs");
        assert_eq!((sum.rows, sum.scored, sum.unreadable), (19_434, 19_434, 0));
        let mut expected = csv::Reader::from_reader(input.as_slice());
        let mut got = csv::Reader::from_reader(out.as_slice());
        let eh = expected.headers().expect("headers").clone();
        let gh = got.headers().expect("headers").clone();
        let col = |h: &csv::StringRecord, n: &str| h.iter().position(|x| x == n).expect(n);
        let cols = [
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
            "c9mo_flag",
        ];
        let mut compared = 0;
        for (e, g) in expected.records().zip(got.records()) {
            let (e, g) = (e.expect("row"), g.expect("row"));
            let w: f64 = e
                .get(col(&eh, "weight"))
                .and_then(|x| x.parse().ok())
                .unwrap_or(1.0);
            let l: f64 = e
                .get(col(&eh, "lenhei"))
                .and_then(|x| x.parse().ok())
                .unwrap_or(1.0);
            for c in cols {
                if (w <= 0.0 || l <= 0.0) && matches!(c, "zwfl" | "fwfl" | "zbmi" | "fbmi") {
                    continue;
                }
                let ev: Option<f64> = e.get(col(&eh, c)).and_then(|x| x.parse().ok());
                let gv: Option<f64> = g.get(col(&gh, c)).and_then(|x| x.parse().ok());
                assert_eq!(gv, ev, "case {} column {c}", e.get(0).unwrap_or(""));
                compared += 1;
            }
        }
        assert!(compared > 200_000, "{compared}");
        let errors = String::from_utf8(errs).expect("utf8");
        assert!(errors.starts_with("row,line,field,code,message\n"));
        assert!(errors.contains(",weight,not_positive,"));
    }

    #[test]
    fn raw_cells_keep_no_control_characters_on_a_terminal() {
        let terminal = CellPolicy::for_output(true, true);
        assert_eq!((terminal.formulas, terminal.controls), (false, true));
        assert_eq!(CellPolicy::for_output(true, false), CellPolicy::raw());
        assert_eq!(
            CellPolicy::for_output(false, false),
            CellPolicy::neutralised()
        );
        assert_eq!(
            CellPolicy::for_output(false, true),
            CellPolicy::neutralised()
        );
    }

    #[test]
    fn garbage_rows_are_reported_not_fatal() {
        let input = "sex,age,weight,lenhei,measure\n1,100,5,60,l\nx,abc,-1,,q\n2,NA,,,\n";
        let mut out = Vec::new();
        let mut errs = Vec::new();
        let opts = ChildrenCsvOptions::default().with_chunk(2);
        let sum = write_zscores_csv(input.as_bytes(), &mut out, &mut errs, opts, Locale::Id)
            .expect("runs");
        assert_eq!((sum.rows, sum.with_problems), (3, 1));
        assert_eq!(
            sum.describe(Locale::Id),
            "3 baris dibaca: 3 dihitung (1 bermasalah), 0 tidak terbaca"
        );
        let errors = String::from_utf8(errs).expect("utf8");
        assert!(errors.contains("2,3,sex,sex_invalid,"), "{errors}");
        assert!(errors.contains("2,3,age,invalid_type,"), "{errors}");
        assert!(errors.contains("2,3,measure,measure_invalid,"), "{errors}");
        let text = String::from_utf8(out).expect("utf8");
        assert_eq!(text.lines().count(), 4);
        assert!(
            text.lines().nth(1).is_some_and(|l| l.contains(",-1.06,")),
            "{text}"
        );
    }

    fn run(input: &[u8], opts: ChildrenCsvOptions) -> (ZscoresCsvSummary, String, String) {
        let (mut out, mut errs) = (Vec::new(), Vec::new());
        let sum = write_zscores_csv(input, &mut out, &mut errs, opts, Locale::En).expect("runs");
        let text = |b: Vec<u8>| String::from_utf8(b).expect("utf8");
        (sum, text(out), text(errs))
    }

    /// Issue 15.1: an unterminated quote used to swallow every row after
    /// it, and short or long rows were scored as if complete. Every record
    /// is now scored or in the errors table with its line.
    #[test]
    fn every_row_is_scored_or_reported_with_its_line() {
        let input = "sex,age,weight\n1,100,5\n2,\"200,6\n1,300,7\n2,400\n1,500,8,9\n2,600,9";
        for chunk in [1, 2, 100] {
            let opts = ChildrenCsvOptions::default().with_chunk(chunk);
            let (sum, out, errs) = run(input.as_bytes(), opts);
            assert_eq!(
                (sum.rows, sum.scored, sum.unreadable),
                (6, 3, 3),
                "chunk {chunk}: {errs}"
            );
            let lines: Vec<&str> = errs.lines().collect();
            assert_eq!(lines.len(), 4, "{errs}");
            assert!(
                lines[1].starts_with(",3,,register_malformed_line,"),
                "{errs}"
            );
            assert!(lines[1].contains("unterminated quote"), "{errs}");
            assert!(
                lines[2].starts_with(",5,,register_malformed_line,"),
                "{errs}"
            );
            assert!(lines[2].contains("2 fields, expected 3"), "{errs}");
            assert!(
                lines[3].starts_with(",6,,register_malformed_line,"),
                "{errs}"
            );
            let ages: Vec<&str> = out
                .lines()
                .skip(1)
                .filter_map(|l| l.split(',').nth(1))
                .collect();
            assert_eq!(ages, ["100", "300", "600"], "{out}");
        }
    }

    /// Issue 15.2 and 15.3: a line that is not UTF-8 and input without line
    /// feeds are excluded lines, and the run goes on.
    #[test]
    fn bad_bytes_and_endless_lines_are_excluded_lines() {
        let mut input = b"sex,age,weight\n1,100,5\n1,\xff\xfe,5\n".to_vec();
        input.extend(std::iter::repeat_n(b'0', 5000));
        input.extend_from_slice(b"\n2,300,9\n");
        let opts = ChildrenCsvOptions::default().with_max_record_bytes(1000);
        let (sum, out, errs) = run(&input, opts);
        assert_eq!((sum.rows, sum.scored, sum.unreadable), (4, 2, 2), "{errs}");
        assert!(
            errs.contains(",3,,register_malformed_line,\"The line cannot be read: not UTF-8"),
            "{errs}"
        );
        assert!(errs.contains(",4,,register_line_too_long,"), "{errs}");
        assert_eq!(out.lines().count(), 3);
        // No line feed at all, past the limit: one excluded line, bounded memory.
        let zeros = std::io::Read::take(std::io::repeat(0), 50 << 20);
        let opts = ChildrenCsvOptions::default().with_max_record_bytes(1 << 16);
        let e = write_zscores_csv(zeros, Vec::new(), Vec::new(), opts, Locale::En).err();
        assert!(e.is_some_and(|e| e.to_string().contains("too long")));
        let mut cr = b"sex,age,weight\n".to_vec();
        cr.extend(b"1,100,5\r".repeat(100_000));
        let (sum, _, errs) = run(&cr, opts);
        assert_eq!((sum.rows, sum.unreadable), (1, 1), "{errs}");
    }

    /// Issue 15.11: cells a spreadsheet would run as formulas get a quote,
    /// control characters are replaced; numbers and raw mode are untouched.
    #[test]
    fn formula_cells_are_neutralised_unless_raw() {
        let input = "name,sex,age,weight\n=HYPERLINK(\"x\"),1,100,-5\n@SUM(A1),1,100,5\n\"\x1b]0;t\x07\",1,100,5\n-1+2,1,100,5\n";
        let (_, out, _) = run(input.as_bytes(), ChildrenCsvOptions::default());
        let names: Vec<String> = csv::Reader::from_reader(out.as_bytes())
            .records()
            .map(|r| r.expect("row").get(0).unwrap_or("").to_owned())
            .collect();
        assert_eq!(
            names,
            [
                "'=HYPERLINK(\"x\")",
                "'@SUM(A1)",
                "\u{fffd}]0;t\u{fffd}",
                "'-1+2"
            ]
        );
        assert!(out.contains(",100,-5,"), "{out}");
        let raw = ChildrenCsvOptions::default().with_cells(CellPolicy::raw());
        let (_, out, _) = run(input.as_bytes(), raw);
        assert!(out.contains("\n\"=HYPERLINK(\"\"x\"\")\","), "{out}");
        assert!(out.contains("\x1b]0;t\x07"), "{out}");
    }

    #[test]
    fn missing_columns_are_a_clear_error() {
        let opts = ChildrenCsvOptions::default().with_chunk(10);
        let e = write_zscores_csv(
            "age,weight\n1,2\n".as_bytes(),
            Vec::new(),
            Vec::new(),
            opts,
            Locale::En,
        )
        .err();
        assert_eq!(
            e.map(|e| e.to_string()).as_deref(),
            Some("the input has no `sex` column")
        );
    }
}

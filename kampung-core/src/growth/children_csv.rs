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
//! `row,field,code,message`.
//!
//! CSV written by a spreadsheet in an Indonesian (or any comma-decimal)
//! locale is read too: when the header line has more `;` than `,` outside
//! quotes, `;` is the separator and numbers may use the decimal comma
//! (`9,5`), as Excel and LibreOffice write them under `id-ID`. A UTF-8
//! byte-order mark before the header is ignored. Issue 16.15.

use crate::growth::{
    parse_measure, parse_oedema, parse_sex, zscores_2006, Columns2006, Input2006, RowError,
    Tables2006, ZscoreOptions, OUTPUT_NAMES_2006,
};
use crate::{FieldPath, Locale};
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
}

impl Default for ChildrenCsvOptions {
    fn default() -> Self {
        ChildrenCsvOptions {
            age_in_month: false,
            chunk: CHUNK,
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
}

/// One chunk of rows: the records as read and the z-score inputs of each.
#[derive(Debug, Default)]
pub struct ChildrenChunk {
    /// The 0-based row number of the first record of the chunk.
    pub first_row: usize,
    /// The records as read.
    pub records: Vec<csv::StringRecord>,
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

fn layout(headers: &csv::StringRecord) -> Result<Layout, String> {
    let find = |name: &str| headers.iter().position(|h| h.trim() == name);
    let sex = find("sex").ok_or("the input has no `sex` column")?;
    let (age, age_months_column) = match (find("age"), find("age_days"), find("age_months")) {
        (Some(i), _, _) => (i, false),
        (None, Some(i), _) => (i, false),
        (None, None, Some(i)) => (i, true),
        _ => return Err("the input has no `age`, `age_days` or `age_months` column".into()),
    };
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
    records: csv::StringRecordsIntoIter<std::io::Chain<std::io::Cursor<Vec<u8>>, R>>,
    decimal_comma: bool,
    opts: ChildrenCsvOptions,
    rows: usize,
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
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(true)
            .delimiter(if semicolon { b';' } else { b',' })
            .from_reader(std::io::Cursor::new(head).chain(input));
        let headers = rdr.headers().map_err(|e| e.to_string())?.clone();
        let layout = layout(&headers)?;
        Ok(ChildrenCsv {
            headers,
            layout,
            records: rdr.into_records(),
            decimal_comma: semicolon,
            opts,
            rows: 0,
            done: false,
        })
    }

    /// The header row as read.
    pub fn headers(&self) -> &csv::StringRecord {
        &self.headers
    }

    /// Rows read so far.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The next chunk of rows; `None` at the end.
    ///
    /// # Errors
    /// A record that cannot be read (the csv crate's error).
    pub fn next_chunk(&mut self) -> Option<Result<ChildrenChunk, String>> {
        if self.done {
            return None;
        }
        let lay = &self.layout;
        let mut buf = ChildrenChunk {
            first_row: self.rows,
            ..ChildrenChunk::default()
        };
        for rec in self.records.by_ref().take(self.opts.chunk.max(1)) {
            let rec = match rec {
                Ok(r) => r,
                Err(e) => {
                    self.done = true;
                    return Some(Err(e.to_string()));
                }
            };
            let row = self.rows + buf.records.len();
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
        }
        let n = buf.records.len();
        self.rows += n;
        if n < self.opts.chunk.max(1) {
            self.done = true;
        }
        (n > 0).then_some(Ok(buf))
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

/// WHO 2006 z-scores for every row of a children table: reads `input`,
/// writes every input column and the outputs to `output`, and each row
/// problem to `errors_out` (`row,field,code,message`, row numbered from 1,
/// message in `lang`). Returns (rows, rows with problems).
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
) -> Result<(usize, usize), String> {
    let mut reader = ChildrenCsv::new(input, opts)?;
    let headers = reader.headers().clone();
    let mut wtr = csv::Writer::from_writer(output);
    // Input columns named like an output (e.g. expected values in a golden
    // file) are replaced by the computed ones, which come last.
    let keep: Vec<usize> = (0..headers.len())
        .filter(|&i| !OUTPUT_NAMES_2006.contains(&headers.get(i).unwrap_or("").trim()))
        .collect();
    let mut head: Vec<&str> = keep.iter().filter_map(|&i| headers.get(i)).collect();
    head.extend(OUTPUT_NAMES_2006);
    wtr.write_record(&head).map_err(|e| e.to_string())?;
    errors_out
        .write_all(crate::error::ROW_ERRORS_CSV_HEADER.as_bytes())
        .map_err(|e| e.to_string())?;
    let tables = Tables2006::bundled();
    let mut bad_rows = 0usize;
    let mut cell = String::new();
    let mut fields: Vec<String> = Vec::new();
    while let Some(chunk) = reader.next_chunk() {
        let chunk = chunk?;
        let (cols, errors) = reader.zscores_2006(&chunk, &tables)?;
        let named = cols.named();
        for (i, rec) in chunk.records.iter().enumerate() {
            fields.clear();
            fields.extend(keep.iter().map(|&k| rec.get(k).unwrap_or("").to_owned()));
            for (_, col) in &named {
                fmt(col[i], &mut cell);
                fields.push(cell.clone());
            }
            wtr.write_record(&fields).map_err(|e| e.to_string())?;
        }
        let mut last = usize::MAX;
        for e in &errors {
            if e.row != last {
                bad_rows += 1;
                last = e.row;
            }
            crate::error::write_row_error_csv(&mut errors_out, e, lang)
                .map_err(|e| e.to_string())?;
        }
    }
    wtr.flush().map_err(|e| e.to_string())?;
    errors_out.flush().map_err(|e| e.to_string())?;
    Ok((reader.rows(), bad_rows))
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
        let (rows, _) = write_zscores_csv(input.as_slice(), &mut out, &mut errs, opts, Locale::En)
            .expect("runs");
        assert_eq!(rows, 19_434);
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
        assert!(errors.starts_with("row,field,code,message\n"));
        assert!(errors.contains(",weight,not_positive,"));
    }

    #[test]
    fn garbage_rows_are_reported_not_fatal() {
        let input = "sex,age,weight,lenhei,measure\n1,100,5,60,l\nx,abc,-1,,q\n2,NA,,,\n";
        let mut out = Vec::new();
        let mut errs = Vec::new();
        let opts = ChildrenCsvOptions::default().with_chunk(2);
        let (rows, bad) =
            write_zscores_csv(input.as_bytes(), &mut out, &mut errs, opts, Locale::Id)
                .expect("runs");
        assert_eq!((rows, bad), (3, 1));
        let errors = String::from_utf8(errs).expect("utf8");
        assert!(errors.contains("2,sex,sex_invalid,"), "{errors}");
        assert!(errors.contains("2,age,invalid_type,"), "{errors}");
        assert!(errors.contains("2,measure,measure_invalid,"), "{errors}");
        let text = String::from_utf8(out).expect("utf8");
        assert_eq!(text.lines().count(), 4);
        assert!(
            text.lines().nth(1).is_some_and(|l| l.contains(",-1.06,")),
            "{text}"
        );
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
        assert_eq!(e.as_deref(), Some("the input has no `sex` column"));
    }
}

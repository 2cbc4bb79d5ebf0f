//! `kampung zscores INPUT.csv [-o OUTPUT.csv]`: WHO 2006 z-scores for a CSV
//! file of any size, streamed in chunks (memory stays flat).
//!
//! Input columns (WHO anthro's argument names): `sex` (1/2, m/f), `age`
//! (days; months with `--age-in-month` or a column `age_unit` = `months`),
//! or `age_days` / `age_months`; optional `weight`, `lenhei`, `measure`,
//! `headc`, `armc`, `triskin`, `subskin`, `oedema`. The output repeats every
//! input column and appends anthro's outputs (`clenhei, cbmi, c9mo_flag,
//! zlen, flen, …, zss, fss`); missing values are empty cells. Row problems go
//! to stderr (or `--errors FILE`) as `row,field,code,message`.

use kampung_core::growth::{
    parse_measure, parse_oedema, parse_sex, zscores_2006, Columns2006, Input2006, RowError,
    Tables2006, ZscoreOptions, OUTPUT_NAMES_2006,
};
use kampung_core::{FieldPath, Locale};
use std::io::{Read, Write};

/// Default rows per chunk.
pub const CHUNK: usize = 65_536;

/// Options of the `zscores` command.
pub struct ZscoreArgs {
    /// Age column in months.
    pub age_in_month: bool,
    /// Message language of the errors file.
    pub lang: Locale,
    /// Rows per chunk (memory use is proportional to it).
    pub chunk: usize,
}

#[derive(Default)]
struct Buffers {
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
    records: Vec<csv::StringRecord>,
    errors: Vec<RowError>,
}

impl Buffers {
    fn clear(&mut self) {
        self.sex.clear();
        self.age.clear();
        self.months.clear();
        self.weight.clear();
        self.lenhei.clear();
        self.measure.clear();
        self.headc.clear();
        self.armc.clear();
        self.triskin.clear();
        self.subskin.clear();
        self.oedema.clear();
        self.records.clear();
        self.errors.clear();
    }
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
    match t.parse::<f64>() {
        Ok(x) => x,
        Err(_) => {
            errors.push(RowError::new(
                row,
                kampung_core::FieldError::new(kampung_core::ErrorCode::InvalidType)
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
    parse: fn(&str) -> Result<T, kampung_core::FieldError>,
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

/// Runs the command: reads `input`, writes `output`, row problems to `errors`.
/// Returns (rows, rows with problems).
pub fn run<R: Read, W: Write, E: Write>(
    input: R,
    output: W,
    mut errors_out: E,
    args: &ZscoreArgs,
) -> Result<(usize, usize), String> {
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let headers = rdr.headers().map_err(|e| e.to_string())?.clone();
    let lay = layout(&headers)?;
    let mut wtr = csv::Writer::from_writer(output);
    // Input columns named like an output (e.g. expected values in a golden
    // file) are replaced by the computed ones, which come last.
    let keep: Vec<usize> = (0..headers.len())
        .filter(|&i| !OUTPUT_NAMES_2006.contains(&headers.get(i).unwrap_or("").trim()))
        .collect();
    let mut head: Vec<&str> = keep.iter().filter_map(|&i| headers.get(i)).collect();
    head.extend(OUTPUT_NAMES_2006);
    wtr.write_record(&head).map_err(|e| e.to_string())?;
    writeln!(errors_out, "row,field,code,message").map_err(|e| e.to_string())?;
    let tables = Tables2006::bundled();
    let mut buf = Buffers::default();
    let (mut total, mut bad_rows) = (0usize, 0usize);
    let mut cell = String::new();
    let mut records = rdr.into_records();
    loop {
        buf.clear();
        for rec in records.by_ref().take(args.chunk.max(1)) {
            let rec = rec.map_err(|e| e.to_string())?;
            let row = total + buf.records.len();
            buf.sex.push(code(
                &rec,
                Some(lay.sex),
                parse_sex,
                0,
                row,
                &mut buf.errors,
            ));
            buf.age
                .push(number(&rec, Some(lay.age), "age", row, &mut buf.errors));
            let unit_months = lay
                .age_unit
                .and_then(|i| rec.get(i))
                .map_or(args.age_in_month || lay.age_months_column, |u| {
                    u.trim() == "months"
                });
            buf.months.push(unit_months);
            buf.weight
                .push(number(&rec, lay.weight, "weight", row, &mut buf.errors));
            buf.lenhei
                .push(number(&rec, lay.lenhei, "lenhei", row, &mut buf.errors));
            buf.measure.push(code(
                &rec,
                lay.measure,
                parse_measure,
                0,
                row,
                &mut buf.errors,
            ));
            buf.headc
                .push(number(&rec, lay.headc, "headc", row, &mut buf.errors));
            buf.armc
                .push(number(&rec, lay.armc, "armc", row, &mut buf.errors));
            buf.triskin
                .push(number(&rec, lay.triskin, "triskin", row, &mut buf.errors));
            buf.subskin
                .push(number(&rec, lay.subskin, "subskin", row, &mut buf.errors));
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
        if n == 0 {
            break;
        }
        // Ages in months are converted to days here (anthro: round half up
        // of months × 30.4375 happens inside the core for `age_in_month`).
        let mut cols = Columns2006::new(n);
        let mut core_errors = Vec::new();
        for months in [false, true] {
            if !buf.months.contains(&months) {
                continue;
            }
            // Rows of the other unit get a NaN age, so the core leaves them missing.
            let age: Vec<f64> = buf
                .age
                .iter()
                .zip(&buf.months)
                .map(|(&a, &m)| if m == months { a } else { f64::NAN })
                .collect();
            let mut part = Columns2006::new(n);
            let input = Input2006 {
                sex: &buf.sex,
                age: &age,
                age_in_month: months,
                weight: lay.weight.map(|_| buf.weight.as_slice()),
                lenhei: lay.lenhei.map(|_| buf.lenhei.as_slice()),
                measure: lay.measure.map(|_| buf.measure.as_slice()),
                headc: lay.headc.map(|_| buf.headc.as_slice()),
                armc: lay.armc.map(|_| buf.armc.as_slice()),
                triskin: None,
                subskin: None,
                oedema: lay.oedema.map(|_| buf.oedema.as_slice()),
            };
            let mut errs = Vec::new();
            zscores_2006(
                &input,
                &tables,
                ZscoreOptions::default(),
                &mut part.output(),
                &mut errs,
            )
            .map_err(|e| e.to_string())?;
            for i in 0..n {
                if buf.months[i] == months {
                    cols.copy_row_from(&part, i);
                }
            }
            core_errors.extend(
                errs.into_iter()
                    .filter(|e| buf.months.get(e.row).copied() == Some(months)),
            );
        }
        buf.errors.extend(
            core_errors
                .into_iter()
                .map(|e| RowError::new(e.row + total, e.error)),
        );
        buf.errors.sort_by_key(|e| e.row);
        let named = cols.named();
        let mut fields: Vec<String> = Vec::with_capacity(keep.len() + named.len());
        for (i, rec) in buf.records.iter().enumerate() {
            fields.clear();
            fields.extend(keep.iter().map(|&k| rec.get(k).unwrap_or("").to_owned()));
            for (_, col) in &named {
                fmt(col[i], &mut cell);
                fields.push(cell.clone());
            }
            wtr.write_record(&fields).map_err(|e| e.to_string())?;
        }
        let mut last = usize::MAX;
        for e in &buf.errors {
            if e.row != last {
                bad_rows += 1;
                last = e.row;
            }
            let msg = e.error.message(args.lang).replace('"', "'");
            writeln!(
                errors_out,
                "{},{},{},\"{}\"",
                e.row + 1,
                e.error.path(),
                e.error.code(),
                msg
            )
            .map_err(|e| e.to_string())?;
        }
        total += n;
        if n < args.chunk.max(1) {
            break;
        }
    }
    wtr.flush().map_err(|e| e.to_string())?;
    Ok((total, bad_rows))
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
        let args = ZscoreArgs {
            age_in_month: false,
            lang: Locale::En,
            chunk: 1000,
        };
        let (rows, _) = run(input.as_slice(), &mut out, &mut errs, &args).expect("runs");
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
        let args = ZscoreArgs {
            age_in_month: false,
            lang: Locale::Id,
            chunk: 2,
        };
        let (rows, bad) = run(input.as_bytes(), &mut out, &mut errs, &args).expect("runs");
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
        let args = ZscoreArgs {
            age_in_month: false,
            lang: Locale::En,
            chunk: 10,
        };
        let e = run(
            "age,weight\n1,2\n".as_bytes(),
            Vec::new(),
            Vec::new(),
            &args,
        )
        .err();
        assert_eq!(e.as_deref(), Some("the input has no `sex` column"));
    }
}

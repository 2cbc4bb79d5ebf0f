//! `kampung dhs WOMEN.parquet`: the women of a Parquet file give the same
//! tables as the same women in CSV, byte for byte (the indicator table, the
//! v626a file, the errors), whatever the column types pandas/pyarrow chose
//! (integers of every width, nullable, floats with NaN, categoricals, text)
//! and the compression (snappy, gzip, none); a file that is not Parquet,
//! truncated or corrupt, or has columns of the wrong type, is one
//! structured error, never a panic.
#![allow(clippy::unwrap_used)]

use arrow_array::types::Int8Type;
use arrow_array::{
    ArrayRef, BooleanArray, DictionaryArray, Float32Array, Float64Array, Int16Array, Int32Array,
    Int64Array, Int8Array, RecordBatch, StringArray, UInt16Array, UInt8Array,
};
use bytes::Bytes;
use kampung_core::kb::dhs::{
    dhs_csv, dhs_file, dhs_parquet, DhsColumns, DhsRules, FpOptions, WomenFormat, WomenText,
};
use kampung_core::{Error, Locale};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, GzipLevel};
use parquet::file::properties::WriterProperties;
use std::path::PathBuf;
use std::sync::Arc;

/// The 3,000 women of the R survey fixture (a design of 120 clusters in 20
/// strata) as `(header, rows of cells)`.
fn fixture() -> (Vec<String>, Vec<Vec<String>>) {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/dhs/fp_design_women.csv");
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_owned)
        .collect();
    let rows = lines
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect();
    (header, rows)
}

fn csv_of(header: &[String], rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = header.join(",");
    out.push('\n');
    for r in rows {
        out.push_str(&r.join(","));
        out.push('\n');
    }
    out.into_bytes()
}

/// How a column is stored in the Parquet file.
#[derive(Clone, Copy)]
enum Store {
    Text,
    Category,
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    F32,
    F64,
}

/// The type pandas/pyarrow would give each column: nullable integers of
/// several widths, floats where a missing value made pandas use NaN,
/// `v000` a categorical.
fn typed(name: &str) -> Store {
    match name {
        "v000" => Store::Category,
        "v001" | "v528" => Store::I32,
        "v005" => Store::I64,
        "v007" | "v222" | "v215" => Store::I16,
        "v012" | "v020" | "v605" => Store::U8,
        "v022" => Store::U16,
        "v225" | "m6_1" | "v512" => Store::F64,
        "v525" => Store::F32,
        _ => Store::I8,
    }
}

fn array(cells: &[&str], store: Store) -> ArrayRef {
    fn parse<T: std::str::FromStr>(c: &str) -> Option<T> {
        if c.is_empty() {
            None
        } else {
            Some(c.parse().ok().unwrap())
        }
    }
    let nan = |c: &&str| {
        if c.is_empty() {
            f64::NAN
        } else {
            c.parse().unwrap()
        }
    };
    match store {
        Store::Text => Arc::new(StringArray::from(cells.to_vec())),
        Store::Category => Arc::new(
            cells
                .iter()
                .map(|c| if c.is_empty() { None } else { Some(*c) })
                .collect::<DictionaryArray<Int8Type>>(),
        ),
        Store::I8 => Arc::new(cells.iter().map(|c| parse::<i8>(c)).collect::<Int8Array>()),
        Store::I16 => Arc::new(
            cells
                .iter()
                .map(|c| parse::<i16>(c))
                .collect::<Int16Array>(),
        ),
        Store::I32 => Arc::new(
            cells
                .iter()
                .map(|c| parse::<i32>(c))
                .collect::<Int32Array>(),
        ),
        Store::I64 => Arc::new(
            cells
                .iter()
                .map(|c| parse::<i64>(c))
                .collect::<Int64Array>(),
        ),
        Store::U8 => Arc::new(cells.iter().map(|c| parse::<u8>(c)).collect::<UInt8Array>()),
        Store::U16 => Arc::new(
            cells
                .iter()
                .map(|c| parse::<u16>(c))
                .collect::<UInt16Array>(),
        ),
        Store::F32 => Arc::new(
            cells
                .iter()
                .map(|c| nan(c) as f32)
                .collect::<Float32Array>(),
        ),
        Store::F64 => Arc::new(cells.iter().map(nan).collect::<Float64Array>()),
    }
}

/// `columns` as a Parquet file of row groups of 700 rows.
fn write(columns: Vec<(String, ArrayRef)>, compression: Compression) -> Bytes {
    let batch = RecordBatch::try_from_iter(columns).unwrap();
    let props = WriterProperties::builder()
        .set_compression(compression)
        .set_max_row_group_row_count(Some(700))
        .build();
    let mut out = Vec::new();
    let mut w = ArrowWriter::try_new(&mut out, batch.schema(), Some(props)).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    Bytes::from(out)
}

/// The women as a Parquet file: columns stored as `store` says (names
/// upper-cased where `upper`).
fn parquet_of(
    header: &[String],
    rows: &[Vec<String>],
    store: impl Fn(&str) -> Store,
    upper: bool,
    compression: Compression,
) -> Bytes {
    let cols = header
        .iter()
        .enumerate()
        .map(|(k, name)| {
            let cells: Vec<&str> = rows.iter().map(|r| r[k].as_str()).collect();
            let name = if upper {
                name.to_uppercase()
            } else {
                name.clone()
            };
            (name, array(&cells, store(&header[k])))
        })
        .collect();
    write(cols, compression)
}

/// The indicator table, the v626a file and the errors of one run.
#[derive(Debug, PartialEq)]
struct Run {
    rows: usize,
    table: String,
    v626a: String,
    errors: Vec<String>,
}

fn columns(by: &[&str]) -> DhsColumns {
    let mut c = DhsColumns::default();
    c.by = by.iter().map(|b| (*b).to_owned()).collect();
    c
}

fn run(
    f: impl FnOnce(
        &mut dyn std::io::Write,
        &mut dyn std::io::Write,
    ) -> Result<(usize, Vec<kampung_core::RowError>), Error>,
) -> Result<Run, Error> {
    let (mut table, mut v626a) = (Vec::new(), Vec::new());
    let (rows, errors) = f(&mut table, &mut v626a)?;
    Ok(Run {
        rows,
        table: String::from_utf8(table).unwrap(),
        v626a: String::from_utf8(v626a).unwrap(),
        errors: errors
            .iter()
            .map(|e| format!("{} {}", e.row, e.error.describe(Locale::En)))
            .collect(),
    })
}

fn csv_run(csv: &[u8], by: &[&str], options: &FpOptions) -> Run {
    run(|t, v| dhs_csv(csv, t, Some(v), &columns(by), options)).unwrap()
}

fn parquet_run(file: Bytes, by: &[&str], options: &FpOptions) -> Result<Run, Error> {
    run(|t, v| dhs_parquet(file, t, Some(v), &columns(by), options))
}

#[test]
fn every_type_and_codec_gives_the_csv_bytes() {
    let (header, mut rows) = fixture();
    // Two impossible values: the women get 99 and a row in the errors table.
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    rows[4][col("v213")] = "7".into();
    rows[9][col("v605")] = "42".into();
    let csv = csv_of(&header, &rows);
    let options = FpOptions::new().with_rules(DhsRules::R);
    let by = ["v025", "v013"];
    let want = csv_run(&csv, &by, &options);
    assert_eq!(want.rows, 3000);
    assert_eq!(want.errors.len(), 2, "{:?}", want.errors);
    assert!(want.errors[0].starts_with("4 v213"), "{:?}", want.errors);
    assert_eq!(want.table.lines().count(), 1 + 300);
    assert_eq!(want.v626a.lines().nth(5), Some("5,99,invalid_input"));
    for (compression, upper, store) in [
        (Compression::SNAPPY, false, typed as fn(&str) -> Store),
        (Compression::UNCOMPRESSED, true, typed),
        (Compression::GZIP(GzipLevel::default()), false, typed),
        (Compression::SNAPPY, true, |_: &str| Store::Text),
        (Compression::UNCOMPRESSED, false, |n: &str| {
            if n == "v000" {
                Store::Text
            } else if n == "v025" || n == "v213" {
                Store::Category
            } else {
                Store::F64
            }
        }),
    ] {
        let file = parquet_of(&header, &rows, store, upper, compression);
        let got = parquet_run(file, &by, &options).unwrap();
        assert_eq!(got, want, "{compression:?}, upper case {upper}");
    }
}

#[test]
fn the_file_entry_point_picks_the_format() {
    let (header, rows) = fixture();
    let rows = &rows[..400];
    let csv = csv_of(&header, rows);
    let file = parquet_of(&header, rows, typed, false, Compression::SNAPPY);
    let dir = std::env::temp_dir().join(format!("kampung-dhs-parquet-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (p, c) = (dir.join("w.parquet"), dir.join("w.csv"));
    std::fs::write(&p, &file).unwrap();
    std::fs::write(&c, &csv).unwrap();
    let options = FpOptions::new();
    let by_file = |path: &PathBuf, format: WomenFormat| {
        let f = std::fs::File::open(path).unwrap();
        run(|t, v| dhs_file(f, format, t, Some(v), &columns(&["v025"]), &options))
    };
    let want = by_file(&c, WomenFormat::Detect).unwrap();
    assert_eq!(want.rows, 400);
    assert_eq!(WomenFormat::of_path(&p), WomenFormat::Parquet);
    assert_eq!(WomenFormat::of_path(&c), WomenFormat::Detect);
    assert_eq!(by_file(&p, WomenFormat::Parquet).unwrap(), want);
    assert_eq!(
        by_file(&p, WomenFormat::Detect).unwrap(),
        want,
        "by the magic bytes"
    );
    // CSV said to be Parquet: refused, not read as CSV.
    let e = by_file(&c, WomenFormat::Parquet).unwrap_err();
    assert!(e.describe(Locale::En).contains("parquet_unreadable"), "{e}");
    // Parquet forced to CSV: the CSV reader's error, no panic.
    assert!(by_file(&p, WomenFormat::Csv).is_err());
    std::fs::remove_dir_all(&dir).ok();
}

fn error_of(file: Bytes) -> String {
    let r = std::panic::catch_unwind(|| parquet_run(file, &[], &FpOptions::new()));
    match r {
        Ok(Err(e)) => e.describe(Locale::En),
        Ok(Ok(run)) => format!("ok {}", run.rows),
        Err(_) => "PANIC".to_owned(),
    }
}

#[test]
fn missing_columns_and_wrong_types_are_named() {
    let (header, mut rows) = fixture();
    rows.truncate(50);
    // A missing recode column and a missing design column: one error naming both.
    let drop = header.iter().position(|h| h == "v213").unwrap();
    let drop2 = header.iter().position(|h| h == "v022").unwrap();
    let keep = |k: usize| k != drop && k != drop2;
    let h2: Vec<String> = header
        .iter()
        .enumerate()
        .filter(|(k, _)| keep(*k))
        .map(|(_, h)| h.clone())
        .collect();
    let r2: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            r.iter()
                .enumerate()
                .filter(|(k, _)| keep(*k))
                .map(|(_, c)| c.clone())
                .collect()
        })
        .collect();
    let e = error_of(parquet_of(&h2, &r2, typed, false, Compression::SNAPPY));
    assert!(
        e.starts_with("columns:") && e.contains("column=v213, v022") && e.contains("code=required"),
        "{e}"
    );
    let csv_e = run(|t, v| {
        dhs_csv(
            &csv_of(&h2, &r2)[..],
            t,
            Some(v),
            &columns(&[]),
            &FpOptions::new(),
        )
    })
    .unwrap_err()
    .describe(Locale::En);
    assert_eq!(e, csv_e, "the CSV reader's error");
    // A boolean column.
    let boolean = header
        .iter()
        .enumerate()
        .map(|(k, name)| {
            let cells: Vec<&str> = rows.iter().map(|r| r[k].as_str()).collect();
            let a: ArrayRef = if name == "v3a08d" {
                Arc::new(BooleanArray::from(vec![false; rows.len()]))
            } else {
                array(&cells, typed(name))
            };
            (name.clone(), a)
        })
        .collect();
    let e = error_of(write(boolean, Compression::SNAPPY));
    assert!(
        e.contains("code=column_type_invalid")
            && e.contains("column=v3a08d")
            && e.contains("found=Boolean"),
        "{e}"
    );
    // Value labels instead of codes (pandas.read_stata without convert_categoricals=False).
    let v312 = header.iter().position(|h| h == "v312").unwrap();
    for r in &mut rows {
        r[v312] = if r[v312] == "0" {
            "not using".into()
        } else {
            "using".into()
        };
    }
    let labels = |n: &str| {
        if n == "v312" {
            Store::Category
        } else {
            typed(n)
        }
    };
    let e = error_of(parquet_of(
        &header,
        &rows,
        labels,
        false,
        Compression::SNAPPY,
    ));
    assert!(
        e.contains("code=column_not_numeric") && e.contains("column=v312"),
        "{e}"
    );
}

#[test]
fn hostile_files_are_errors_not_panics() {
    let (header, rows) = fixture();
    let good = parquet_of(&header, &rows[..120], typed, false, Compression::SNAPPY);
    assert_eq!(error_of(good.clone()), "ok 120");
    for bad in [
        Bytes::new(),
        Bytes::from_static(b"PAR1"),
        Bytes::from_static(b"v000,v001\nID7,1\n"),
        Bytes::from(csv_of(&header, &rows[..5])),
    ] {
        let e = error_of(bad);
        assert!(e.contains("code=parquet_unreadable"), "{e}");
    }
    // Every truncation: the footer is at the end, so each is an error.
    for len in (0..good.len()).step_by(29) {
        let e = error_of(good.slice(..len));
        assert!(e.contains("code=parquet_unreadable"), "length {len}: {e}");
    }
    // Corrupt bytes anywhere (one bit of every third byte of the 9 KB
    // file): an error or (a flip inside a value) women, never a panic.
    let mut seed = 0x9e37_79b9_u64;
    for k in (0..good.len()).step_by(3) {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let mut b = good.to_vec();
        b[k] ^= 1 << (seed >> 61);
        let read = std::panic::catch_unwind(|| WomenText::from_parquet(Bytes::from(b), &[]));
        assert!(read.is_ok(), "flipped byte {k}: panic");
    }
}

/// `WomenText::from_parquet` and `from_arrow` give the women the CSV reader gives.
#[test]
fn the_women_equal_the_csv_readers() {
    let (header, rows) = fixture();
    let file = parquet_of(&header, &rows, typed, true, Compression::SNAPPY);
    let p = WomenText::from_parquet(file, &["v005", "v001"]).unwrap();
    let h: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut c = WomenText::new(&h, &["v005", "v001"]).unwrap();
    for r in &rows {
        c.push(&r.iter().map(String::as_str).collect::<Vec<_>>());
    }
    let show = |w: &WomenText| format!("{:?}", w.women());
    assert_eq!(show(&p), show(&c));
    assert_eq!(format!("{:?}", p.v313()), format!("{:?}", c.v313()));
    assert_eq!(p.levels("v001"), c.levels("v001"));
    assert_eq!(
        format!("{:?}", p.numbers("v005")),
        format!("{:?}", c.numbers("v005"))
    );
}

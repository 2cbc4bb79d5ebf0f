//! `kampung dhs`: v626a per woman equals the DHS Program's own code (the
//! 3,000 women of tests/fixtures/dhs/dhs_code_outputs.json, both rule
//! sets), and the indicator table equals R's survey package on the
//! stratified cluster design of fp_design_women.csv (fp_table_r.json).

mod common;

use common::{kampung, read_csv, s, scratch, text};
use serde_json::Value;
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/dhs")
        .join(name)
}

fn json(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(fixture(name)).expect("fixture")).expect("json")
}

#[test]
fn v626a_equals_the_dhs_code_under_both_rule_sets() {
    let d = json("dhs_code_outputs.json");
    let cols = d["input"]["columns"].as_object().expect("columns");
    let names: Vec<&String> = cols.keys().collect();
    let n = cols["v000"].as_array().expect("v000").len();
    let cell = |v: &Value| match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    // Each woman her own PSU in one stratum: the design columns the command needs.
    let mut csv = names
        .iter()
        .map(|n| n.to_uppercase())
        .collect::<Vec<_>>()
        .join(",");
    csv.push_str(",v001,v022\n");
    for i in 0..n {
        let row: Vec<String> = names.iter().map(|k| cell(&cols[k.as_str()][i])).collect();
        csv.push_str(&format!("{},{},1\n", row.join(","), i + 1));
    }
    let tmp = scratch("dhs-v626a");
    let (input, table, v626a, errors) = (
        tmp.join("w.csv"),
        tmp.join("t.csv"),
        tmp.join("v.csv"),
        tmp.join("e.csv"),
    );
    std::fs::write(&input, csv).expect("write");
    for rules in ["stata", "r"] {
        let o = kampung(&[
            "dhs",
            s(&input),
            "--rules",
            rules,
            "--v626a",
            s(&v626a),
            "-o",
            s(&table),
            "--errors",
            s(&errors),
            "--lang=en",
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
        assert!(
            text(&o.stderr).contains(&format!("{n} rows read")),
            "{}",
            text(&o.stderr)
        );
        let (h, rows) = read_csv(&v626a);
        assert_eq!(h, ["row", "v626a", "reason"]);
        let want = d["expected"][rules].as_array().expect("expected");
        assert_eq!(rows.len(), want.len());
        for (k, (r, w)) in rows.iter().zip(want).enumerate() {
            assert_eq!(r[0], (k + 1).to_string());
            // R's NA is 99 with the reason undefined_in_r_code (docs/dhs.md).
            let want = if w.is_null() {
                "99".to_owned()
            } else {
                w.to_string()
            };
            assert_eq!(r[1], want, "{rules}: woman {k} ({})", r[2]);
            assert_eq!(w.is_null(), r[2] == "undefined_in_r_code", "woman {k}");
            assert!(!r[2].is_empty());
        }
        let notes = std::fs::read_to_string(&errors).expect("errors file");
        assert!(notes.starts_with("row,field,code,message\n"), "{notes}");
        let (th, trows) = read_csv(&table);
        assert_eq!(th[..4], ["group", "by", "level", "indicator"]);
        assert_eq!(trows.len(), 3 * 10, "three groups, ten indicators");
    }
    std::fs::remove_dir_all(&tmp).ok();
}

#[test]
fn indicator_table_equals_r_survey() {
    let d = json("fp_table_r.json");
    let tmp = scratch("dhs-table");
    let table = tmp.join("t.csv");
    let o = kampung(&[
        "dhs",
        s(&fixture("fp_design_women.csv")),
        "--by",
        "v025",
        "--by",
        "v013",
        "-o",
        s(&table),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let (h, rows) = read_csv(&table);
    let col = |name: &str| h.iter().position(|c| c == name).expect(name);
    let want = d["expected"].as_array().expect("expected");
    assert_eq!(rows.len(), want.len());
    let num = |c: &str| {
        if c.is_empty() {
            f64::NAN
        } else {
            c.parse::<f64>().expect("number")
        }
    };
    let close =
        |a: f64, b: f64| (a.is_nan() && b.is_nan()) || (a - b).abs() <= 1e-9 * b.abs().max(1.0);
    for (r, w) in rows.iter().zip(want) {
        let key = |v: &Value| v.as_str().map_or(String::new(), str::to_owned);
        assert_eq!(
            [&r[0], &r[1], &r[2], &r[3]],
            [
                &key(&w["group"]),
                &key(&w["by"]),
                &key(&w["level"]),
                &key(&w["indicator"])
            ]
        );
        let f = |k: &str| w[k].as_f64().unwrap_or(f64::NAN);
        let (est, se) = (f("estimate"), f("se"));
        for (name, expected) in [
            ("estimate", est),
            ("se", se),
            ("deft", f("deft")),
            ("ci_low", est - 2.0 * se),
            ("ci_high", est + 2.0 * se),
            ("n_weighted", f("n_weighted")),
            ("n_unweighted", f("n_unweighted")),
            ("df", f("df")),
        ] {
            if name == "deft" && se < 1e-9 {
                continue; // R's deft of a zero variance is rounding noise.
            }
            let got = num(&r[col(name)]);
            assert!(close(got, expected), "{r:?} {name}: {got} vs R {expected}");
        }
    }
    std::fs::remove_dir_all(&tmp).ok();
}

/// A missing recode or design column is a usage error naming it, before
/// any row is read; a bad rule set is refused by the argument parser.
#[test]
fn missing_columns_are_usage_errors() {
    let tmp = scratch("dhs-usage");
    let input = tmp.join("w.csv");
    std::fs::write(&input, "v000,v005,v013\nID7,1000000,2\n").expect("write");
    let o = kampung(&["dhs", s(&input), "-o", s(&tmp.join("t.csv"))]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("v213") && err.contains("v001") && err.contains("v022"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_dir(&tmp).expect("dir").count(),
        1,
        "no output left"
    );
    let o = kampung(&["dhs", s(&fixture("fp_design_women.csv")), "--by", "region"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("region"), "{}", text(&o.stderr));
    assert_eq!(
        kampung(&["dhs", s(&input), "--rules", "spss"])
            .status
            .code(),
        Some(2)
    );
    std::fs::remove_dir_all(&tmp).ok();
}

/// The fixture's women as a Parquet file (snappy, row groups of 1,000):
/// `v000` text, every other column a nullable Int64, as pandas writes an
/// `Int64` column, except `v225`, a float with NaN for missing.
fn women_parquet(csv: &std::path::Path, out: &std::path::Path) {
    use arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
    use std::sync::Arc;
    let (header, rows) = read_csv(csv);
    let cols = header.iter().enumerate().map(|(k, name)| {
        let cells = rows.iter().map(|r| r[k].as_str());
        let a: ArrayRef = match name.as_str() {
            "v000" => Arc::new(cells.map(Some).collect::<StringArray>()),
            "v225" => Arc::new(
                cells
                    .map(|c| c.parse::<f64>().unwrap_or(f64::NAN))
                    .collect::<Float64Array>(),
            ),
            _ => Arc::new(cells.map(|c| c.parse::<i64>().ok()).collect::<Int64Array>()),
        };
        (name.to_uppercase(), a)
    });
    let batch = RecordBatch::try_from_iter(cols).expect("batch");
    let props = parquet::file::properties::WriterProperties::builder()
        .set_compression(parquet::basic::Compression::SNAPPY)
        .set_max_row_group_row_count(Some(1000))
        .build();
    let file = std::fs::File::create(out).expect("create");
    let mut w =
        parquet::arrow::ArrowWriter::try_new(file, batch.schema(), Some(props)).expect("writer");
    w.write(&batch).expect("write");
    w.close().expect("close");
}

/// `kampung dhs WOMEN.parquet` writes the bytes `kampung dhs WOMEN.csv`
/// writes (table, v626a, errors, summary), whether the file is known by its
/// name or by its first bytes; a file that is not Parquet, or a truncated
/// one, is a usage error that leaves no output.
#[test]
fn parquet_gives_the_csv_bytes() {
    let tmp = scratch("dhs-parquet");
    let csv = fixture("fp_design_women.csv");
    let parquet = tmp.join("w.parquet");
    women_parquet(&csv, &parquet);
    let unnamed = tmp.join("women.data");
    std::fs::copy(&parquet, &unnamed).expect("copy");
    let outputs = |input: &std::path::Path, tag: &str| {
        let (t, v, e) = (
            tmp.join(format!("{tag}.t.csv")),
            tmp.join(format!("{tag}.v.csv")),
            tmp.join(format!("{tag}.e.csv")),
        );
        let o = kampung(&[
            "dhs",
            s(input),
            "--by",
            "v025",
            "--by",
            "V013",
            "--rules",
            "r",
            "--v626a",
            s(&v),
            "--errors",
            s(&e),
            "-o",
            s(&t),
        ]);
        assert_eq!(o.status.code(), Some(0), "{tag}: {}", text(&o.stderr));
        let read = |p: &PathBuf| std::fs::read(p).expect("output");
        (read(&t), read(&v), read(&e), text(&o.stderr))
    };
    let want = outputs(&csv, "csv");
    assert!(want.3.contains("3000"), "{}", want.3);
    assert_eq!(outputs(&parquet, "parquet"), want);
    assert_eq!(outputs(&unnamed, "unnamed"), want);
    let bytes = std::fs::read(&parquet).expect("parquet");
    for (name, content) in [
        ("csv.parquet", std::fs::read(&csv).expect("csv")),
        ("cut.parquet", bytes[..bytes.len() / 2].to_vec()),
        ("cut.data", bytes[..bytes.len() - 9].to_vec()),
    ] {
        let bad = tmp.join(name);
        std::fs::write(&bad, content).expect("write");
        let out = tmp.join(format!("{name}.out.csv"));
        let o = kampung(&["dhs", s(&bad), "--lang=en", "-o", s(&out)]);
        assert_eq!(o.status.code(), Some(2), "{name}");
        let err = text(&o.stderr);
        assert!(
            err.contains("code=parquet_unreadable") && !err.contains("panicked"),
            "{name}: {err}"
        );
        assert!(!out.exists(), "{name}: no output");
    }
    std::fs::remove_dir_all(&tmp).ok();
}

/// Runs `kampung dhs /dev/stdin` with `input` on a pipe.
fn dhs_from_pipe(input: Vec<u8>, out: &std::path::Path) -> std::process::Output {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_kampung"))
        .args(["dhs", "/dev/stdin", "--lang=en", "-o", s(out)])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        // The reader may stop early (Parquet is refused): a broken pipe is fine.
        let _ = stdin.write_all(&input);
    });
    let o = child.wait_with_output().expect("waits");
    writer.join().expect("writer");
    o
}

/// A women's CSV from a pipe (`kampung dhs /dev/stdin`, `<(zcat …)`) gives
/// the table of the file; Parquet from a pipe, which must be read from its
/// end, is `parquet_unreadable`, never a panic.
#[test]
fn csv_reads_from_a_pipe_and_parquet_is_refused_there() {
    let tmp = scratch("dhs-pipe");
    let csv = fixture("fp_design_women.csv");
    let (from_file, from_pipe) = (tmp.join("file.csv"), tmp.join("pipe.csv"));
    let o = kampung(&["dhs", s(&csv), "-o", s(&from_file)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let o = dhs_from_pipe(std::fs::read(&csv).expect("csv"), &from_pipe);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(
        std::fs::read(&from_pipe).expect("table"),
        std::fs::read(&from_file).expect("table")
    );
    let parquet = tmp.join("w.parquet");
    women_parquet(&csv, &parquet);
    let out = tmp.join("parquet.csv");
    let o = dhs_from_pipe(std::fs::read(&parquet).expect("parquet"), &out);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("code=parquet_unreadable") && err.contains("pipe"),
        "{err}"
    );
    assert!(!out.exists());
    std::fs::remove_dir_all(&tmp).ok();
}

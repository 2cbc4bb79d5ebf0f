//! The JSON Lines scanner reads every line of the bundled sample (which
//! has deliberately bad lines) and of a generated register with many
//! defects into exactly the record `serde_json` gives, and reading a line
//! gives the outcome of validating that record: the same family and
//! contribution, or the same errors and counts.

use chrono::NaiveDate;
use kampung_core::growth::Tables2006;
use kampung_core::register::json::scan_line;
use kampung_core::register::{RawRecord, RegisterFamily, RegisterOptions};
use kampung_core::report::contribution;
use std::process::Command;

/// Runs every line through both readers; returns (lines, lines read by the scanner).
fn both_paths(text: &str, as_of: NaiveDate) -> (usize, usize) {
    let opts = RegisterOptions::new(as_of);
    let tables = Tables2006::bundled();
    let (mut lines, mut typed) = (0, 0);
    for (no, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        lines += 1;
        let value_path = serde_json::from_str::<serde_json::Value>(line)
            .map(|v| RegisterFamily::from_value(&v, &opts));
        let combined = RegisterFamily::from_json_line(line, &opts);
        match (&combined, &value_path) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "line {}", no + 1),
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "line {}", no + 1),
            _ => panic!("line {}: {combined:?} vs {value_path:?}", no + 1),
        }
        if let Some(raw) = scan_line(line) {
            typed += 1;
            let v: serde_json::Value = serde_json::from_str(line).expect("JSON");
            assert_eq!(raw, RawRecord::from_value(&v), "line {}", no + 1);
            if let (Ok(a), Ok(b)) = (&combined, &value_path) {
                if let (Some(fa), Some(fb)) = (&a.family, &b.family) {
                    assert_eq!(
                        contribution(fa, &opts, &tables),
                        contribution(fb, &opts, &tables),
                        "line {}",
                        no + 1
                    );
                }
            }
        }
    }
    (lines, typed)
}

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 7, 1).expect("date")
}

#[test]
fn bundled_sample_same_outcome_on_both_paths() {
    let text = include_str!("../../data/report_sample.jsonl");
    let (lines, typed) = both_paths(text, as_of());
    assert_eq!(lines, 2100);
    // 2 % of the lines have a defect; a few more have a measurement problem.
    assert!(typed > 1900 && typed < lines, "{typed} of {lines}");
}

#[test]
fn generated_register_with_many_defects_same_outcome_on_both_paths() {
    let path = std::env::temp_dir().join(format!("kampung_fast_path_{}.jsonl", std::process::id()));
    let out = Command::new(env!("CARGO_BIN_EXE_kampung"))
        .args([
            "generate",
            "--families",
            "4000",
            "--seed",
            "11",
            "--bad-rate",
            "0.5",
        ])
        .args(["--as-of", "2025-07-01", "-o"])
        .arg(&path)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&path).expect("register");
    let _ = std::fs::remove_file(&path);
    let (lines, typed) = both_paths(&text, as_of());
    assert_eq!(lines, 4000);
    assert!(typed > 3000 && typed < lines, "{typed} of {lines}");
}

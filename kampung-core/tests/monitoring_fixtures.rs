//! Runs every fixture of `tests/fixtures/monitoring/` (the worked examples
//! of MONITORING.md §5, the worked SKDN month, float traps and bad inputs)
//! through the JSON route of `kampung_core::monitoring::records` and
//! compares every key the fixture states (ratios at 2 decimals).
#![cfg(feature = "growth")]
#![allow(clippy::unwrap_used)]

use kampung_core::monitoring::records::assess_json;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/monitoring")
}

fn same(got: &Value, want: &Value) -> bool {
    match (got, want) {
        (Value::Number(g), Value::Number(w)) => {
            let (g, w) = (g.as_f64().unwrap(), w.as_f64().unwrap());
            (g * 100.0).round() == (w * 100.0).round()
        }
        _ => got == want,
    }
}

/// Every key of `want` (an object) equals the same key of `got`.
fn check(what: &str, got: &Value, want: &Value, failures: &mut Vec<String>) {
    for (k, w) in want.as_object().unwrap() {
        let g = got.get(k).unwrap_or(&Value::Null);
        if !same(g, w) {
            failures.push(format!("{what}.{k}: got {g}, want {w}"));
        }
    }
}

#[test]
fn every_monitoring_fixture_matches() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 30, "only {} fixtures", files.len());
    let mut failures = Vec::new();
    for path in &files {
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let case: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        assert!(case["description"].as_str().is_some_and(|d| !d.is_empty()));
        let out =
            assess_json(&case["input"], &case["options"]).unwrap_or_else(|e| panic!("{name}: {e}"));
        let exp = &case["expected"];
        if let Some(rows) = exp.get("visits").and_then(Value::as_array) {
            let got = out["visits"].as_array().unwrap();
            assert_eq!(got.len(), rows.len(), "{name}: visit count");
            for (i, (g, w)) in got.iter().zip(rows).enumerate() {
                check(&format!("{name} visit {i}"), g, w, &mut failures);
            }
        }
        if let Some(errs) = exp.get("errors").and_then(Value::as_array) {
            let got = out["errors"].as_array().unwrap();
            if got.len() != errs.len() {
                failures.push(format!(
                    "{name}: {} errors, want {}: {got:?}",
                    got.len(),
                    errs.len()
                ));
            }
            for (i, (g, w)) in got.iter().zip(errs).enumerate() {
                check(&format!("{name} error {i}"), g, w, &mut failures);
            }
        }
        if let Some(rows) = exp.get("skdn").and_then(Value::as_array) {
            let got = out["skdn"].as_array().unwrap();
            assert_eq!(got.len(), rows.len(), "{name}: skdn rows");
            for (i, (g, w)) in got.iter().zip(rows).enumerate() {
                check(&format!("{name} skdn {i}"), g, w, &mut failures);
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

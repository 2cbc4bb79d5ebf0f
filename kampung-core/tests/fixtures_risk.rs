//! Runs every cross-language fixture under `tests/fixtures/{kb,krs,screening}`
//! through the public JSON entry points and compares the serialized outcome
//! exactly: the full value, or every error's path, code and message in the
//! fixture's locale (in order).

use kampung_core::kb::kb_indicators_json;
use kampung_core::risk::{evaluate_krs_json, screen_catin_json, screen_ibu_hamil_json};
use kampung_core::{Locale, ValidationErrors};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures")
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("readable dir entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
}

fn outcome<T: serde::Serialize>(r: Result<T, ValidationErrors>, locale: Locale) -> Value {
    match r {
        Ok(v) => {
            json!({"status": "valid", "value": serde_json::to_value(v).expect("result serializes")})
        }
        Err(es) => {
            let errors: Vec<Value> = es
                .errors()
                .iter()
                .map(|e| {
                    let full = serde_json::to_value(e.localized(locale)).expect("error serializes");
                    json!({"path": full["path"], "code": full["code"], "message": full["message"]})
                })
                .collect();
            json!({"status": "invalid", "errors": errors})
        }
    }
}

fn run(area: &str, input: &Value, options: &Value) -> Value {
    let locale = options
        .get("locale")
        .and_then(Value::as_str)
        .and_then(|s| Locale::parse(s).ok())
        .unwrap_or_default();
    match area {
        "kb" => outcome(kb_indicators_json(input, options), locale),
        "krs" => outcome(evaluate_krs_json(input, options), locale),
        "catin" => outcome(screen_catin_json(input, options), locale),
        "ibu_hamil" => outcome(screen_ibu_hamil_json(input, options), locale),
        other => panic!("unknown area {other}"),
    }
}

fn area_of(path: &Path) -> &'static str {
    let s = path.to_string_lossy();
    if s.contains("/screening/catin/") {
        "catin"
    } else if s.contains("/screening/ibu_hamil/") {
        "ibu_hamil"
    } else if s.contains("/krs/") {
        "krs"
    } else if s.contains("/kb/") {
        "kb"
    } else {
        panic!("fixture outside a known area: {s}")
    }
}

#[test]
fn every_kb_risk_fixture_matches() {
    let root = fixtures_root();
    let mut all = Vec::new();
    for d in ["kb", "krs", "screening"] {
        files(&root.join(d), &mut all);
    }
    assert!(all.len() >= 60, "only {} fixtures", all.len());
    let mut failures = Vec::new();
    let (mut valid, mut invalid) = (0, 0);
    for path in &all {
        let text = std::fs::read_to_string(path).unwrap();
        let case: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            case["description"].as_str().is_some_and(|d| !d.is_empty()),
            "{}: no description",
            path.display()
        );
        let expected = &case["expected"];
        match expected["status"].as_str() {
            Some("valid") => valid += 1,
            Some("invalid") => {
                invalid += 1;
                assert!(
                    expected["errors"].as_array().is_some_and(|a| !a.is_empty()),
                    "{}: invalid without errors",
                    path.display()
                );
            }
            _ => panic!("{}: bad expected.status", path.display()),
        }
        let got = run(area_of(path), &case["input"], &case["options"]);
        if &got != expected {
            failures.push(format!(
                "{}\n  expected: {}\n  got:      {}",
                path.display(),
                expected,
                got
            ));
        }
    }
    assert!(valid > 0 && invalid > 0);
    assert!(
        failures.is_empty(),
        "{} of {} fixtures differ:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}

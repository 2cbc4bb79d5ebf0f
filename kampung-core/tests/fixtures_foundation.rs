//! Runs every cross-language fixture in tests/fixtures/{nik,family} through
//! the core and compares the outcome exactly (the Python and JS suites read
//! the same files).

use chrono::NaiveDate;
use kampung_core::{input, Family, FamilyOptions, Locale, Nik, ValidationErrors};
use serde_json::{json, Value};
use std::path::PathBuf;

fn fixtures(area: &str) -> Vec<(PathBuf, Value)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(area);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fixtures in {}", dir.display());
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("read fixture");
            let v: Value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p, v)
        })
        .collect()
}

fn options(case: &Value) -> (NaiveDate, Locale) {
    let o = &case["options"];
    let as_of = input::parse_date(o["as_of"].as_str().expect("as_of")).expect("as_of date");
    let locale = Locale::parse(o["locale"].as_str().unwrap_or("id")).expect("locale");
    (as_of, locale)
}

fn outcome<T: serde::Serialize>(r: Result<T, ValidationErrors>, locale: Locale) -> Value {
    match r {
        Ok(v) => json!({"status": "valid", "value": v}),
        Err(e) => {
            let errors: Vec<_> = e.errors().iter().map(|e| e.localized(locale)).collect();
            json!({"status": "invalid", "errors": errors})
        }
    }
}

fn check(area: &str, run: impl Fn(&Value, NaiveDate) -> Value) -> usize {
    let cases = fixtures(area);
    let mut failures = Vec::new();
    for (path, case) in &cases {
        let (as_of, _) = options(case);
        let got = run(case, as_of);
        if got != case["expected"] {
            failures.push(format!(
                "{}\n  expected {}\n  got      {}",
                path.display(),
                case["expected"],
                got
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    cases.len()
}

#[test]
fn nik_fixtures() {
    let n = check("nik", |case, as_of| {
        let (_, locale) = options(case);
        let r = input::text_value(&case["input"])
            .map_err(ValidationErrors::from)
            .and_then(|s| Nik::parse_as_of(&s, as_of))
            .map(|n| n.info(as_of));
        outcome(r, locale)
    });
    assert!(n >= 20, "only {n} NIK fixtures");
}

#[test]
fn family_fixtures() {
    let n = check("family", |case, as_of| {
        let (_, locale) = options(case);
        outcome(
            Family::from_value(&case["input"], &FamilyOptions::new(as_of)),
            locale,
        )
    });
    assert!(n >= 20, "only {n} family fixtures");
}

/// tests/fixtures/wilayah: a code parsed, then checked against the bundled
/// gazetteer (feature `gazetteer`), with its names.
#[cfg(feature = "gazetteer")]
#[test]
fn wilayah_fixtures() {
    use kampung_core::KodeWilayah;
    let cases = fixtures("wilayah");
    for (path, case) in &cases {
        let locale =
            Locale::parse(case["options"]["locale"].as_str().unwrap_or("id")).expect("locale");
        let r = input::text_value(&case["input"])
            .map_err(ValidationErrors::from)
            .and_then(|s| KodeWilayah::parse_existing(&s))
            .map(|k| {
                json!({"code": k, "level": k.level(), "kind": k.kind(),
                       "name": k.name(), "names": k.names()})
            });
        assert_eq!(outcome(r, locale), case["expected"], "{}", path.display());
    }
    assert!(cases.len() >= 15, "only {} wilayah fixtures", cases.len());
}

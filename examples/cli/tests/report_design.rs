//! `kampung report --weights/--cluster/--strata`: the growth prevalences of
//! a sampled register equal R survey's (tests/fixtures/report/
//! design_register.json, written by design_register.R), the method is
//! printed with the figures, and bad design values are structured problems.

mod common;

use common::{kampung, scratch, text};
use serde_json::Value;

const FIXTURE: &str = include_str!("../../../tests/fixtures/report/design_register.json");

/// The fixture's register as a JSON Lines file; its path.
fn register(dir: &std::path::Path, edit: impl Fn(usize, &str) -> String) -> String {
    let f: Value = serde_json::from_str(FIXTURE).expect("fixture");
    let lines: String = f["input"]["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .enumerate()
        .map(|(i, l)| format!("{}\n", edit(i, l.as_str().expect("text"))))
        .collect();
    let path = dir.join("register.jsonl");
    std::fs::write(&path, lines).expect("writes");
    path.display().to_string()
}

const DESIGN: [&str; 7] = [
    "--weights",
    "w",
    "--cluster",
    "ea",
    "--strata",
    "stratum",
    "--quiet",
];

#[test]
fn report_with_a_design_equals_r_survey() {
    let dir = scratch("report-design");
    let path = register(&dir, |_, l| l.to_owned());
    let mut args = vec!["report", &path, "--as-of", "2025-07-01", "--format", "json"];
    args.extend(DESIGN);
    let out = kampung(&args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["ci_method"], "survey_logit_t_95");
    let f: Value = serde_json::from_str(FIXTURE).expect("fixture");
    assert_eq!(doc["design"]["df"], f["expected"]["df"]);
    assert_eq!(doc["design"]["error"], Value::Null);
    for want in f["expected"]["rows"].as_array().expect("rows") {
        let row = doc["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .find(|r| r["code"] == want["code"])
            .expect("row");
        for w in want["indicators"].as_array().expect("indicators") {
            let got = row["indicators"]
                .as_array()
                .expect("indicators")
                .iter()
                .find(|i| i["indicator"] == w["indicator"])
                .expect("indicator");
            assert_eq!(got["numerator"], w["numerator"]);
            assert_eq!(got["denominator"], w["denominator"]);
            for (k, tol) in [
                ("value", 1e-12),
                ("se", 1e-12),
                ("ci_low", 1e-8),
                ("ci_high", 1e-8),
            ] {
                let (g, e) = (got[k].as_f64().expect(k), w[k].as_f64().expect(k));
                assert!((g - e).abs() <= tol * e.abs().max(1.0), "{k}: {g} vs R {e}");
            }
        }
    }
    // The text names the method, in both languages.
    for (lang, words) in [("en", "Taylor linearisation"), ("id", "linearisasi Taylor")] {
        let mut args = vec!["report", &path, "--as-of", "2025-07-01", "--lang", lang];
        args.extend(DESIGN);
        let out = kampung(&args);
        let t = text(&out.stdout);
        assert!(t.contains(words) && t.contains("(SE "), "{t}");
    }
    // Without a design: the Wilson interval of a census, no SE.
    let out = kampung(&[
        "report",
        &path,
        "--as-of",
        "2025-07-01",
        "--format",
        "json",
        "-q",
    ]);
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["ci_method"], "wilson_95");
    assert!(doc.get("design").is_none());
}

#[test]
fn bad_design_values_are_problems_and_bad_options_usage_errors() {
    let dir = scratch("report-design-bad");
    let path = register(&dir, |i, l| match i {
        2 => l.replace("\"w\":21.25", "\"w\":-2"),
        5 => l.replace(",\"ea\":\"c4\"", ""),
        _ => l.to_owned(),
    });
    let errors = dir.join("errors.csv").display().to_string();
    let mut args = vec![
        "report",
        &path,
        "--as-of",
        "2025-07-01",
        "--strict",
        "--errors",
        &errors,
    ];
    args.extend(DESIGN);
    let out = kampung(&args);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let csv = std::fs::read_to_string(&errors).expect("errors file");
    assert!(csv.contains(",3,\"w\",report_weight_invalid,"), "{csv}");
    assert!(csv.contains(",6,\"ea\",report_cluster_missing,"), "{csv}");
    let out = kampung(&[
        "report",
        &path,
        "--weights",
        "w",
        "--lonely-psu",
        "sometimes",
        "-q",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--lonely-psu"),
        "{}",
        text(&out.stderr)
    );
    let out = kampung(&["report", &path, "--nest", "-q"]);
    assert_eq!(out.status.code(), Some(2), "--nest needs --cluster");
}

//! `kampung report --month YYYY-MM` end to end: the worked SKDN month of
//! MONITORING.md §5 as a register (tests/fixtures/report/skdn_march_2024.json)
//! gives the fixture's counts and ratios in the JSON document, the text
//! table and the HTML chart; without `--month` the output has no SKDN; a
//! bad or future month is a usage error.

mod common;

use common::{kampung, s, scratch, text};
use serde_json::Value;

fn fixture() -> Value {
    let p = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/report/skdn_march_2024.json"
    );
    serde_json::from_str(&std::fs::read_to_string(p).expect("fixture")).expect("json")
}

/// The fixture's register as a JSON Lines file in a scratch folder.
fn register(f: &Value, dir: &std::path::Path) -> std::path::PathBuf {
    let lines: String = f["input"]["register"]
        .as_array()
        .expect("register")
        .iter()
        .map(|l| format!("{l}\n"))
        .collect();
    let p = dir.join("register.jsonl");
    std::fs::write(&p, lines).expect("write");
    p
}

fn same(got: &Value, want: &Value) -> bool {
    match (got.as_f64(), want.as_f64()) {
        (Some(g), Some(w)) => (g * 100.0).round() == (w * 100.0).round(),
        _ => got == want,
    }
}

#[test]
fn month_adds_the_skdn_table_to_every_output() {
    let f = fixture();
    let dir = scratch("report-month");
    let reg = register(&f, &dir);
    let html = dir.join("r.html");
    let as_of = f["options"]["as_of"].as_str().expect("as_of");
    let month = f["options"]["month"].as_str().expect("month");
    let out = kampung(&[
        "report",
        s(&reg),
        "--as-of",
        as_of,
        "--month",
        month,
        "--format",
        "json",
        "--html",
        s(&html),
        "-q",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    let skdn = &doc["skdn"];
    assert_eq!(skdn["month"], month);
    assert_eq!(skdn["k_available"], false);
    let rows = skdn["rows"].as_array().expect("rows");
    let mut failures = Vec::new();
    for (code, want) in f["expected"]["rows"].as_object().expect("rows") {
        let row = if code == "total" {
            &rows[0]
        } else {
            rows.iter()
                .find(|r| r["code"] == code.as_str())
                .expect("row")
        };
        for (k, w) in want.as_object().expect("object") {
            if !same(&row[k], w) {
                failures.push(format!("{code}.{k}: got {}, want {w}", row[k]));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    // Every region of the report has its SKDN row, in the same order.
    let codes = |v: &Value| -> Vec<Value> {
        v.as_array()
            .expect("rows")
            .iter()
            .map(|r| r["code"].clone())
            .collect()
    };
    assert_eq!(codes(&doc["rows"]), codes(&skdn["rows"]));
    let page = std::fs::read_to_string(&html).expect("html");
    assert!(page.contains("N/D per desa"), "Indonesian by default");
    assert!(page.contains("50,0% (6/12)"));
    assert!(!page.contains("<script"));
    // The text table in English.
    let out = kampung(&[
        "report",
        s(&reg),
        "--as-of",
        as_of,
        "--month",
        month,
        "--lang",
        "en",
        "-q",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let t = text(&out.stdout);
    assert!(t.contains("SKDN 2024-03 (rules kia2023)"), "{t}");
    assert!(t.contains("K not available"), "{t}");
}

#[test]
fn without_month_no_skdn_and_bad_months_are_refused() {
    let f = fixture();
    let dir = scratch("report-month-bad");
    let reg = register(&f, &dir);
    let out = kampung(&[
        "report",
        s(&reg),
        "--as-of",
        "2024-06-30",
        "--format",
        "json",
        "-q",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(doc.get("skdn").is_none());
    for (month, needle) in [("2024-13", "YYYY-MM"), ("2024-07", "--month")] {
        let out = kampung(&[
            "report",
            s(&reg),
            "--as-of",
            "2024-06-30",
            "--month",
            month,
            "--lang",
            "en",
            "-q",
        ]);
        assert_eq!(out.status.code(), Some(2), "{month}");
        let err = text(&out.stderr);
        assert!(err.contains(needle), "{month}: {err}");
        assert!(!err.contains("month: month"), "{month}: {err}");
        assert!(out.stdout.is_empty(), "{month}: nothing written");
    }
}

//! The report on the bundled sample equals the values hand-computed by
//! `tests/fixtures/report/compute_expected.py` (which does not use kampung).

use serde_json::Value;
use std::process::Command;

fn run(args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_kampung"))
        .args(args)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

fn ind<'a>(row: &'a Value, name: &str) -> &'a Value {
    row["indicators"]
        .as_array()
        .expect("indicators")
        .iter()
        .find(|i| i["indicator"] == name)
        .expect(name)
}

fn nd(row: &Value, name: &str) -> (u64, u64) {
    let i = ind(row, name);
    (
        i["numerator"].as_u64().expect("n"),
        i["denominator"].as_u64().expect("d"),
    )
}

#[test]
fn bundled_sample_matches_hand_computed_values() {
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/report/expected.json"
        ))
        .expect("fixture"),
    )
    .expect("fixture json");
    let report = run(&["report", "--format", "json"]);
    assert_eq!(report["as_of"], "2025-07-01");
    let rows = report["rows"].as_array().expect("rows");
    let regions = expected["regions"].as_object().expect("regions");
    let mut checked = 0;
    for (key, e) in regions {
        let row = if key == "total" {
            &rows[0]
        } else {
            rows.iter()
                .find(|r| r["code"] == key.as_str())
                .unwrap_or_else(|| panic!("row {key}"))
        };
        let u = |k: &str| e[k].as_u64().expect(k);
        let fam = u("families");
        assert_eq!(nd(row, "keluarga_sasaran"), (u("sasaran"), fam), "{key}");
        assert_eq!(nd(row, "krs"), (u("krs"), fam), "{key}");
        assert_eq!(nd(row, "pus"), (u("pus"), fam), "{key}");
        assert_eq!(nd(row, "cpr"), (u("users"), u("pus")), "{key}");
        assert_eq!(nd(row, "mcpr"), (u("modern_users"), u("pus")), "{key}");
        assert_eq!(
            nd(row, "mkjp_share"),
            (u("mkjp_users"), u("users")),
            "{key}"
        );
        assert_eq!(nd(row, "unmet_need"), (u("unmet"), u("pus")), "{key}");
        for (f, n) in e["factors"].as_object().expect("factors") {
            assert_eq!(nd(row, f), (n.as_u64().expect("n"), u("krs")), "{key} {f}");
        }
        for (m, n) in e["methods"].as_object().expect("methods") {
            assert_eq!(
                nd(row, m),
                (n.as_u64().expect("n"), u("users")),
                "{key} {m}"
            );
        }
        for g in ["stunting", "wasting", "underweight", "overweight"] {
            let v: Vec<u64> = e[g]
                .as_array()
                .expect(g)
                .iter()
                .map(|x| x.as_u64().expect("n"))
                .collect();
            assert_eq!(nd(row, g), (v[0], v[1]), "{key} {g}");
            assert_eq!(
                row["counts"][g]["flagged"].as_u64(),
                Some(v[2]),
                "{key} {g} flagged"
            );
            let i = ind(row, g);
            #[allow(clippy::cast_precision_loss)]
            let p = 100.0 * v[0] as f64 / v[1] as f64;
            assert!((i["value"].as_f64().expect("value") - p).abs() < 1e-9);
            let (lo, hi) = (
                i["ci_low"].as_f64().expect("lo"),
                i["ci_high"].as_f64().expect("hi"),
            );
            assert!(lo <= p + 1e-9 && p <= hi + 1e-9 && lo < hi, "{key} {g} CI");
        }
        checked += 1;
    }
    assert_eq!(checked, 8, "total + 7 desa");
    let ex = &report["exclusions"];
    let ee = &expected["exclusions"];
    assert_eq!(ex["families_excluded"], ee["families_excluded"]);
    assert_eq!(ex["measurements_excluded"], ee["measurements_excluded"]);
    for (code, n) in ee["reasons"].as_object().expect("reasons") {
        assert_eq!(&ex["reasons"][code], n, "{code}");
    }
    assert_eq!(
        ex["reasons"]["measured_before_birth"],
        ee["measurements_excluded"]
    );
    // Every excluded row is reported with its line and field.
    let errors = report["errors"].as_array().expect("errors");
    assert!(errors
        .iter()
        .all(|e| e["line"].as_u64().is_some_and(|l| l > 0)));
    assert!(errors
        .iter()
        .any(|e| e["code"] == "measured_before_birth" && e["excluded"] == "measurement"));
    // Kampung KB classification of the profiled desa.
    let kkb = report["kampung_kb"].as_array().expect("kampung_kb");
    assert_eq!(kkb.len(), 4);
    assert!(kkb
        .iter()
        .all(|k| k["classification"]["scores"].as_array().map(Vec::len) == Some(12)));
}

#[test]
fn english_text_and_html_render() {
    let out = Command::new(env!("CARGO_BIN_EXE_kampung"))
        .args(["report", "--lang", "en"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("KAMPUNG KB REPORT"), "{text}");
    assert!(text.contains("Method mix"));
    let dir = std::env::temp_dir().join(format!("kampung-html-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let html = dir.join("r.html");
    let out = Command::new(env!("CARGO_BIN_EXE_kampung"))
        .args(["report", "--html", html.to_str().expect("path"), "-q"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let page = std::fs::read_to_string(&html).expect("html");
    assert_eq!(page.matches("<svg").count(), 5);
    assert!(
        !page.contains("<script") && !page.contains("http://")
            || page.contains("xmlns=\"http://www.w3.org/2000/svg\"")
    );
    std::fs::remove_dir_all(&dir).ok();
}

fn csv_dir(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("kampung-csv-{tag}-{}", std::process::id()));
    let out = Command::new(env!("CARGO_BIN_EXE_kampung"))
        .args(["generate", "--families", "2100", "--seed", "2025"])
        .args(["--bad-rate", "0.02", "--as-of", "2025-07-01", "--csv"])
        .arg(&dir)
        .output()
        .expect("runs");
    assert!(out.status.success());
    dir
}

fn csv_report(dir: &std::path::Path) -> Value {
    let p = |f: &str| dir.join(f).to_str().expect("path").to_owned();
    run(&[
        "report",
        "--families",
        &p("families.csv"),
        "--members",
        &p("members.csv"),
        "--measurements",
        &p("measurements.csv"),
        "--as-of",
        "2025-07-01",
        "--format",
        "json",
        "-q",
    ])
}

/// The bundled sample written as three CSV files (`generate --csv` with the
/// sample's arguments) gives the same report as the JSON Lines route.
#[test]
fn csv_route_equals_jsonl_route() {
    let dir = csv_dir("same");
    let jsonl = run(&["report", "--format", "json"]);
    let csv = csv_report(&dir);
    assert_eq!(jsonl["rows"], csv["rows"]);
    for k in [
        "families_included",
        "families_excluded",
        "measurements_excluded",
        "rows_excluded",
        "reasons",
    ] {
        assert_eq!(jsonl["exclusions"][k], csv["exclusions"][k], "{k}");
    }
    assert!(csv["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .any(|e| e["file"]
            .as_str()
            .is_some_and(|f| f.ends_with("measurements.csv"))
            && e["code"] == "measured_before_birth"
            && e["line"].as_u64().is_some_and(|l| l > 1)));
    std::fs::remove_dir_all(&dir).ok();
}

/// Rows out of order join their family; orphan rows and a member row
/// that cannot be read are reported with file and line and counted; the
/// rest is still processed.
#[test]
fn csv_rows_in_any_order_and_bad_rows() {
    let dir = csv_dir("bad");
    let append = |f: &str, text: &str| {
        use std::io::Write;
        let mut w = std::fs::OpenOptions::new()
            .append(true)
            .open(dir.join(f))
            .expect("open");
        w.write_all(text.as_bytes()).expect("write");
    };
    let before = csv_report(&dir);
    // After the last family: one orphan member, one measurement with a
    // missing no_kk, and a member of the first family (out of order) with
    // a field missing: its family is excluded.
    append(
        "members.csv",
        "9999999999999999,,Ana,P,2020-01-01,anak,belum_kawin\n\
         6402180000000001,,Ani,P,2020-01-01,anak\n",
    );
    append("measurements.csv", ",,0,2025-01-01,9,70,l,\n");
    let r = csv_report(&dir);
    let ex = &r["exclusions"];
    let included = before["exclusions"]["families_included"]
        .as_u64()
        .expect("n");
    assert_eq!(ex["families_included"], included - 1);
    assert_eq!(ex["rows_excluded"], 2);
    assert_eq!(ex["reasons"]["register_family_missing"], 1);
    let errors = r["errors"].as_array().expect("errors");
    let find = |code: &str, excluded: &str| {
        errors
            .iter()
            .find(|e| e["code"] == code && e["excluded"] == excluded)
            .unwrap_or_else(|| panic!("{code}"))
    };
    let orphan = find("register_family_missing", "row");
    assert!(orphan["file"]
        .as_str()
        .expect("file")
        .ends_with("members.csv"));
    assert_eq!(orphan["line"], 7313);
    let broken = find("register_malformed_line", "family");
    assert!(broken["file"]
        .as_str()
        .expect("file")
        .ends_with("members.csv"));
    assert_eq!(broken["line"], 7314);
    assert_eq!(find("required", "row")["field"], "no_kk");
    std::fs::remove_dir_all(&dir).ok();
}

//! `kampung monitor` on every fixture of tests/fixtures/monitoring (the
//! worked examples of MONITORING.md §5, the SKDN month, float traps and bad
//! inputs): the children and visits are written as CSV, the fixture's
//! options become arguments, and the codes, errors and SKDN rows the
//! command writes equal the fixture's expected values.

mod common;

use common::{kampung, read_csv, s, scratch, text};
use serde_json::Value;
use std::path::{Path, PathBuf};

const CHILD_COLUMNS: [&str; 5] = ["child_id", "sex", "birth_date", "has_kia", "posyandu_id"];
const VISIT_COLUMNS: [&str; 9] = [
    "child_id",
    "visit_date",
    "weight_kg",
    "lenhei_cm",
    "measure",
    "oedema",
    "headc_cm",
    "muac_cm",
    "source",
];

/// A JSON value as the command writes it in a CSV cell.
fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().map(cell).collect::<Vec<_>>().join(";"),
        other => other.to_string(),
    }
}

/// Records as CSV with the columns of `names` that any record has.
fn write_csv(path: &Path, records: &[Value], names: &[&str]) {
    let cols: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| records.iter().any(|r| r.get(n).is_some()))
        .collect();
    let mut out = cols.join(",") + "\n";
    for r in records {
        let row: Vec<String> = cols
            .iter()
            .map(|c| r.get(c).map_or(String::new(), cell))
            .collect();
        out.push_str(&(row.join(",") + "\n"));
    }
    std::fs::write(path, out).expect("write");
}

/// Same value: numbers to 2 decimals (as the fixtures are written), else text.
fn same(got: &str, want: &Value) -> bool {
    match want {
        Value::Number(w) => got
            .parse::<f64>()
            .is_ok_and(|g| (g * 100.0).round() == (w.as_f64().expect("f64") * 100.0).round()),
        _ => got == cell(want),
    }
}

fn check_rows(what: &str, path: &Path, want: &[Value], failures: &mut Vec<String>) {
    let (h, rows) = read_csv(path);
    assert_eq!(rows.len(), want.len(), "{what}: rows");
    for (i, (r, w)) in rows.iter().zip(want).enumerate() {
        for (k, wv) in w.as_object().expect("object") {
            let got = h
                .iter()
                .position(|c| c == k)
                .map_or("<no column>", |p| r[p].as_str());
            if !same(got, wv) {
                failures.push(format!("{what} row {i} {k}: got {got:?}, want {wv}"));
            }
        }
    }
}

#[test]
fn every_monitoring_fixture_through_the_command() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/monitoring");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 30, "only {} fixtures", files.len());
    let tmp = scratch("monitor");
    let [children, visits, codes, errors, skdn] =
        ["c.csv", "v.csv", "codes.csv", "e.csv", "skdn.csv"].map(|n| tmp.join(n));
    let mut failures = Vec::new();
    for path in &files {
        let name = path
            .file_stem()
            .expect("name")
            .to_string_lossy()
            .to_string();
        let case: Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json");
        let list = |k: &str| case["input"][k].as_array().expect("list").clone();
        write_csv(&children, &list("children"), &CHILD_COLUMNS);
        write_csv(&visits, &list("visits"), &VISIT_COLUMNS);
        let mut args: Vec<String> = [
            "monitor",
            s(&visits),
            "--children",
            s(&children),
            "-o",
            s(&codes),
        ]
        .map(str::to_owned)
        .to_vec();
        args.extend(["--errors".to_owned(), s(&errors).to_owned()]);
        for (k, v) in case["options"].as_object().expect("options") {
            let v = cell(v);
            match k.as_str() {
                "rules" | "as_of" | "by" | "month_policy" => {
                    args.extend([format!("--{}", k.replace('_', "-")), v]);
                }
                "month" => {
                    args.extend(["--skdn".into(), v, "--skdn-output".into(), s(&skdn).into()])
                }
                _ => args.extend(["--option".into(), format!("{k}={v}")]),
            }
        }
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = kampung(&refs);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", text(&o.stderr));
        let exp = &case["expected"];
        if let Some(rows) = exp.get("visits").and_then(Value::as_array) {
            check_rows(&name, &codes, rows, &mut failures);
        }
        if let Some(want) = exp.get("errors").and_then(Value::as_array) {
            let (_, got) = read_csv(&errors);
            let got: Vec<(String, String, String)> = got
                .iter()
                .map(|r| (r[0].clone(), r[1].clone(), r[2].clone()))
                .collect();
            let want: Vec<(String, String, String)> = want
                .iter()
                .map(|w| {
                    let row = w["visit"].as_u64().expect("visit") + 1;
                    (row.to_string(), cell(&w["field"]), cell(&w["code"]))
                })
                .collect();
            if got != want {
                failures.push(format!("{name} errors: got {got:?}, want {want:?}"));
            }
        }
        if let Some(rows) = exp.get("skdn").and_then(Value::as_array) {
            check_rows(&format!("{name} skdn"), &skdn, rows, &mut failures);
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
    std::fs::remove_dir_all(&tmp).ok();
}

/// Bad options and missing columns are usage errors (exit 2) that name
/// what is wrong, before any row is read; no output is left behind.
#[test]
fn bad_arguments_are_usage_errors() {
    let tmp = scratch("monitor-usage");
    let (children, visits, out) = (tmp.join("c.csv"), tmp.join("v.csv"), tmp.join("o.csv"));
    std::fs::write(&children, "child_id,sex,birth_date\nA,L,2023-06-10\n").expect("write");
    std::fs::write(&visits, "child_id,visit_date,weight\nA,2024-01-12,8.1\n").expect("write");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "monitor",
            s(&visits),
            "--children",
            s(&children),
            "-o",
            s(&out),
        ];
        args.extend(extra);
        kampung(&args)
    };
    for (extra, needle) in [
        (&[][..], "weight_kg"),
        (&["--rules", "kia1999"][..], "rules"),
        (&["--month-policy", "median"][..], "month_policy"),
        (&["--as-of", "2024-13-01"][..], "as_of"),
        (&["--skdn", "2024-3", "--skdn-output", "s.csv"][..], "month"),
    ] {
        let o = run(extra);
        assert_eq!(o.status.code(), Some(2), "{extra:?}");
        assert!(
            text(&o.stderr).contains(needle),
            "{extra:?}: {}",
            text(&o.stderr)
        );
    }
    assert_eq!(
        run(&["--skdn", "2024-03"]).status.code(),
        Some(2),
        "needs --skdn-output"
    );
    std::fs::write(
        &visits,
        "child_id,visit_date,weight_kg\nA,2024-01-12,8.1\nA,2024-02-12,8.3\n",
    )
    .expect("write");
    let o = run(&["--skdn", "2024-02", "--skdn-output", s(&tmp.join("s.csv"))]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "children have no posyandu_id column"
    );
    assert!(
        text(&o.stderr).contains("posyandu_id"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(
        std::fs::read_dir(&tmp).expect("dir").count(),
        2,
        "no output left"
    );
    let o = run(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let (h, rows) = read_csv(&out);
    let code = h.iter().position(|c| c == "code").expect("code column");
    assert_eq!([rows[0][code].as_str(), rows[1][code].as_str()], ["B", "T"]);
    std::fs::remove_dir_all(&tmp).ok();
}

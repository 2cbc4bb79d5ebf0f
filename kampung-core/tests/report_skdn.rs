//! `kampung report --month`: the worked SKDN month of MONITORING.md §5 as
//! a register (tests/fixtures/report/skdn_march_2024.json, generated from
//! the monitoring fixture) through the report engine gives the fixture's
//! counts and ratios; the identities of §2.1 hold in every row and cell;
//! parent regions sum their children; the monitoring route on the same
//! children gives the same row; the renderings carry the table.
#![cfg(feature = "render")]
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use kampung_core::monitoring::date::YearMonth;
use kampung_core::monitoring::{MonitoringRules, SkdnCounts};
use kampung_core::report::{Report, ReportOptions, SkdnOptions};
use kampung_core::Locale;
use serde_json::{json, Value};
use std::path::Path;

fn fixture() -> Value {
    let p =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/report/skdn_march_2024.json");
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn opts(f: &Value) -> ReportOptions {
    let as_of: NaiveDate = f["options"]["as_of"].as_str().unwrap().parse().unwrap();
    ReportOptions::new(as_of).with_threads(2)
}

fn month(f: &Value) -> YearMonth {
    f["options"]["month"].as_str().unwrap().parse().unwrap()
}

fn report(f: &Value, o: &ReportOptions) -> Report {
    let text: String = f["input"]["register"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| format!("{l}\n"))
        .collect();
    Report::from_json_lines(text.as_bytes(), o, &mut ()).unwrap()
}

/// Numbers at 2 decimals, everything else exactly.
fn same(got: &Value, want: &Value) -> bool {
    match (got.as_f64(), want.as_f64()) {
        (Some(g), Some(w)) => (g * 100.0).round() == (w * 100.0).round(),
        _ => got == want,
    }
}

fn row_json(r: &Report, code: Option<&str>) -> Value {
    let k = r.skdn.as_ref().unwrap();
    k.row(code).unwrap().to_json(k.has_k, k.month)
}

#[test]
fn the_worked_month_as_a_register_gives_the_fixture() {
    let f = fixture();
    let r = report(&f, &opts(&f).with_month(month(&f)).unwrap());
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.exclusions.families_included, 16);
    let k = r.skdn.as_ref().unwrap();
    assert_eq!(
        (k.month.to_string(), k.rules.as_str()),
        ("2024-03".into(), "kia2023")
    );
    assert!(!k.has_k, "the register has no has_kia");
    let mut failures = Vec::new();
    for (code, want) in f["expected"]["rows"].as_object().unwrap() {
        let got = row_json(&r, (code != "total").then_some(code.as_str()));
        for (key, w) in want.as_object().unwrap() {
            let g = got.get(key).unwrap_or(&Value::Null);
            if !same(g, w) {
                failures.push(format!("{code}.{key}: got {g}, want {w}"));
            }
        }
        // K is not available: no K/S, no D/K, never a silent 0.
        assert_eq!(got["K"], Value::Null);
        assert!(got.get("K/S").is_none() && got.get("D/K").is_none());
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// §2.1 identities in every row and every cell; a parent row is the sum of
/// its children cell by cell; the report's regions are the SKDN's.
#[test]
fn identities_hold_and_parents_sum_their_children() {
    let f = fixture();
    let r = report(&f, &opts(&f).with_month(month(&f)).unwrap());
    let k = r.skdn.as_ref().unwrap();
    let codes: Vec<Option<&str>> = r.rows.iter().map(|x| x.code.as_deref()).collect();
    let skdn_codes: Vec<Option<&str>> = k.rows.iter().map(|x| x.code.as_deref()).collect();
    assert_eq!(codes, skdn_codes);
    for row in &k.rows {
        row.total().check_identities().unwrap();
        for c in &row.cells {
            c.check_identities().unwrap();
        }
    }
    let desa: Vec<_> = k
        .rows
        .iter()
        .filter(|x| x.code.as_deref().is_some_and(|c| c.len() == 13))
        .collect();
    assert_eq!(desa.len(), 2);
    assert!(desa.iter().all(|d| d.total().s == 8));
    for parent in &k.rows {
        let prefix = parent.code.clone().unwrap_or_default();
        if prefix.len() == 13 {
            continue;
        }
        let mut cells = [SkdnCounts::default(); 10];
        for d in desa
            .iter()
            .filter(|d| d.code.as_ref().unwrap().starts_with(&prefix))
        {
            for (a, b) in cells.iter_mut().zip(&d.cells) {
                a.add(b);
            }
        }
        assert_eq!(parent.cells, cells, "{prefix}");
    }
    // By sex: 8 boys and 8 girls registered.
    let total = &k.rows[0];
    let boys: u64 = total.cells[..5].iter().map(|c| c.s).sum();
    assert_eq!(boys, 8);
}

/// One implementation: the monitoring route on the same children (without
/// `has_kia`) gives the report's row, key for key.
#[test]
fn the_report_row_is_the_monitoring_row() {
    let f = fixture();
    let r = report(&f, &opts(&f).with_month(month(&f)).unwrap());
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/monitoring/skdn_march_2024.json");
    let m: Value = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
    let mut input = m["input"].clone();
    for c in input["children"].as_array_mut().unwrap() {
        c.as_object_mut().unwrap().remove("has_kia");
    }
    let out = kampung_core::monitoring::records::assess_json(
        &input,
        &json!({"month": "2024-03", "as_of": "2024-06-30"}),
    )
    .unwrap();
    let mut want = out["skdn"][0].clone();
    want.as_object_mut().unwrap().remove("posyandu_id");
    let got = row_json(&r, Some("64.72.05"));
    for (key, w) in want.as_object().unwrap() {
        assert_eq!(&got[key], w, "{key}");
    }
}

#[test]
fn legacy_2t_refers_only_the_2t_children() {
    let f = fixture();
    let o = opts(&f)
        .with_skdn(SkdnOptions::new(month(&f)).with_rules(MonitoringRules::legacy_2t()))
        .unwrap();
    let r = report(&f, &o);
    let k = r.skdn.as_ref().unwrap();
    assert_eq!(k.rules, "legacy_2t");
    assert_eq!(k.rows[0].total().refer, 2);
    assert_eq!(k.rows[0].total().n, 6);
}

/// Without a month nothing changes: no table, no `skdn` key; a month
/// after the reference date is refused.
#[test]
fn without_a_month_the_report_is_as_before_and_future_months_are_refused() {
    let f = fixture();
    let plain = report(&f, &opts(&f));
    assert!(plain.skdn.is_none());
    let doc: Value = serde_json::from_str(&plain.to_json(Locale::En)).unwrap();
    assert!(doc.get("skdn").is_none());
    assert!(!plain.to_text(Locale::En).contains("SKDN"));
    let with = report(&f, &opts(&f).with_month(month(&f)).unwrap());
    assert_eq!(with.rows, plain.rows, "the other figures do not move");
    let e = opts(&f).with_month("2024-07".parse().unwrap()).unwrap_err();
    assert_eq!(e.code().as_str(), "date_in_future");
    assert!(opts(&f).with_month("2024-06".parse().unwrap()).is_ok());
}

/// A weighing the cross-visit checks reject (a 20.4 % loss, example 19)
/// gets no code, is not in D, and is counted as rejected.
#[test]
fn rejected_weighings_are_counted_not_coded() {
    let f = fixture();
    let mut fam = f["input"]["register"][0].clone();
    fam["members"][2]["birth_date"] = json!("2023-05-01");
    fam["measurements"] = json!([
        {"member": 2, "measured_on": "2024-02-05", "weight_kg": 9.8},
        {"member": 2, "measured_on": "2024-03-05", "weight_kg": 7.8},
    ]);
    let text = format!("{fam}\n");
    let o = opts(&f).with_month(month(&f)).unwrap();
    let r = Report::from_json_lines(text.as_bytes(), &o, &mut ()).unwrap();
    let total = &r.skdn.as_ref().unwrap().rows[0];
    let c = total.total();
    assert_eq!((c.s, c.d, total.weighings_rejected), (1, 0, 1));
    // The month after: the rejected weighing is not "last month" → O.
    let o = opts(&f).with_month("2024-04".parse().unwrap()).unwrap();
    fam["measurements"]
        .as_array_mut()
        .unwrap()
        .push(json!({"member": 2, "measured_on": "2024-04-05", "weight_kg": 10.0}));
    let r = Report::from_json_lines(format!("{fam}\n").as_bytes(), &o, &mut ()).unwrap();
    let c = r.skdn.as_ref().unwrap().rows[0].total();
    assert_eq!((c.d, c.o, c.n, c.t), (1, 1, 0, 0));
}

#[test]
fn text_json_and_html_carry_the_table_in_both_languages() {
    let f = fixture();
    let r = report(&f, &opts(&f).with_month(month(&f)).unwrap());
    let id = r.to_text(Locale::Id);
    assert!(id.contains("SKDN 2024-03 (aturan kia2023)"), "{id}");
    assert!(id.contains("K tidak tersedia"), "{id}");
    let section = &id[id.find("SKDN 2024-03").unwrap()..];
    let line = section.lines().find(|l| l.contains("64.72.05 ")).unwrap();
    // S K D N T O B D′ 2T BGM Rujuk, then D/S% N/D% N/D′% N/S% T/D% 2T/D% BGM/D%
    // (the region's name may hold spaces: counted from the right).
    let cols: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(
        cols[cols.len() - 18..],
        [
            "16", "t.t.", "12", "6", "4", "1", "1", "10", "2", "0", "4", "75,0", "50,0", "60,0",
            "37,5", "33,3", "16,7", "0,0"
        ]
    );
    let en = r.to_text(Locale::En);
    assert!(en.contains("K not available") && en.contains("n/a"), "{en}");
    let html = r.to_html(Locale::En);
    assert!(html.contains("N/D by village"));
    assert!(html.contains(">50.0% (6/12)</text>"), "total bar");
    assert_eq!(html.matches("<svg").count(), 6, "one more chart");
    assert!(!html.contains("<script"));
    assert!(r.to_html(Locale::Id).contains("N/D per desa"));
    let doc: Value = serde_json::from_str(&r.to_json(Locale::Id)).unwrap();
    assert_eq!(doc["skdn"]["month"], "2024-03");
    assert_eq!(doc["skdn"]["k_available"], false);
    assert_eq!(doc["skdn"]["rows"][0]["N/D"], 50.0);
    assert_eq!(doc["skdn"]["rows"][0]["by_sex_age"][0]["sex"], "L");
}

//! Every JSON entry point of the core from any bytes that parse as JSON:
//! families, KRS, screening, KB indicators, child forms, register lines.
#![no_main]
use kampung_core::growth::{assess_child, ChildMeasurement};
use kampung_core::report::{Report, ReportOptions};
use kampung_core::{kb, risk, Family, FamilyOptions};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};

fuzz_target!(|data: &[u8]| {
    let Ok(v) = serde_json::from_slice::<Value>(data) else { return };
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 1, 15).unwrap_or_default();
    let _ = Family::from_value(&v, &FamilyOptions::new(as_of));
    let opts = json!({"as_of": "2026-01-15", "locale": "en"});
    let _ = risk::evaluate_krs_json(&v, &opts);
    let _ = risk::screen_catin_json(&v, &opts);
    let _ = risk::screen_ibu_hamil_json(&v, &opts);
    let _ = kb::kb_indicators_json(&v, &opts);
    let _ = risk::evaluate_krs_json(&opts, &v);
    if let Ok(m) = ChildMeasurement::from_value(&v) {
        let _ = assess_child(&m);
    }
    let r = Report::from_records(std::slice::from_ref(&v), &ReportOptions::new(as_of).with_threads(1), &mut ());
    assert_eq!(r.exclusions.families_read, 1);
});

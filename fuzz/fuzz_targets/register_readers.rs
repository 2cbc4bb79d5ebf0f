//! The register's readers from any bytes: the JSON Lines scanner against
//! serde_json (same typed record whenever the scanner answers), the line
//! chunker and the whole engine (every line counted as included or
//! excluded), and the CSV entity reader (any bytes as each of the three
//! tables).
#![no_main]
use kampung_core::register::csv::CsvTable;
use kampung_core::register::json::scan_line;
use kampung_core::register::table::EntityTables;
use kampung_core::register::RawRecord;
use kampung_core::report::{Report, ReportOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 1, 15).unwrap_or_default();
    let opts = ReportOptions::new(as_of).with_threads(2).with_max_line_bytes(4096);
    if let Ok(text) = std::str::from_utf8(data) {
        for line in text.split_inclusive('\n') {
            if let Some(raw) = scan_line(line) {
                let v: serde_json::Value = serde_json::from_str(line).expect("the scanner read JSON");
                assert_eq!(raw, RawRecord::from_value(&v));
            }
        }
    }
    let r = Report::from_json_lines(data, &opts, &mut ()).expect("in memory");
    let ex = &r.exclusions;
    assert_eq!(ex.families_read, ex.families_included + ex.families_excluded);
    let lines = data.split(|b| *b == b'\n').count() as u64;
    assert!(ex.families_read <= lines);
    if let Ok(t) = CsvTable::from_bytes(data.to_vec()) {
        let tables = EntityTables::new(&t, &t, &t);
        let r = Report::from_tables(&tables, &opts, &mut ());
        let ex = &r.exclusions;
        assert_eq!(ex.families_read, ex.families_included + ex.families_excluded);
    }
});

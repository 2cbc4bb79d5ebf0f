//! CSV entity assembly (`register::csv` + `register::table`) from any
//! bytes, split into the three files at the first two form feeds: every
//! family row is included or excluded, every excluded row is counted once,
//! and the result does not depend on the number of threads.
#![no_main]
use kampung_core::register::csv::CsvTable;
use kampung_core::register::table::EntityTables;
use kampung_core::report::{Report, ReportOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(3, |b| *b == 0x0c);
    let (f, m, x) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    let table = |b: &[u8]| CsvTable::from_bytes(b.to_vec()).ok();
    let (Some(f), Some(m), Some(x)) = (table(f), table(m), table(x)) else {
        return;
    };
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 1, 15).unwrap_or_default();
    let tables = EntityTables::new(&f, &m, &x);
    let one = Report::from_tables(&tables, &ReportOptions::new(as_of).with_threads(1), &mut ());
    let two = Report::from_tables(&tables, &ReportOptions::new(as_of).with_threads(2), &mut ());
    let ex = &one.exclusions;
    assert_eq!(
        ex.families_read,
        ex.families_included + ex.families_excluded
    );
    assert_eq!(ex.families_read, tables.len() as u64);
    assert_eq!(
        serde_json::to_value(&one.exclusions).ok(),
        serde_json::to_value(&two.exclusions).ok()
    );
});

//! The typed JSON Lines scanner (`register::json::scan_line`) from any
//! text: whenever it answers, its record equals serde_json's reading of the
//! same line, and reading the line gives what validating that record gives.
#![no_main]
use kampung_core::register::json::{read_line, scan_line};
use kampung_core::register::{RawRecord, RegisterOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 1, 15).unwrap_or_default();
    let opts = RegisterOptions::new(as_of);
    for line in text.split_inclusive('\n') {
        let value = serde_json::from_str::<serde_json::Value>(line);
        if let Some(raw) = scan_line(line) {
            let v = value
                .as_ref()
                .expect("the scanner read a line that is not JSON");
            assert_eq!(raw, RawRecord::from_value(v), "{line}");
        }
        match (read_line(line, &opts), &value) {
            (Ok(_), Ok(_)) | (Err(_), Err(_)) => {}
            (a, b) => panic!(
                "{line}: read_line {:?} but serde_json {:?}",
                a.is_ok(),
                b.is_ok()
            ),
        }
    }
});

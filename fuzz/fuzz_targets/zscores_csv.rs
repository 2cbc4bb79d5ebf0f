//! The z-score CSV reader (`kampung zscores`) from any bytes: it never
//! panics, every record is scored or reported (output rows = scored rows,
//! and every unreadable row is in the errors table), records are bounded.
#![no_main]
use kampung_core::growth::children_csv::{write_zscores_csv, ChildrenCsvOptions};
use kampung_core::Locale;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let opts = ChildrenCsvOptions::default()
        .with_chunk(3)
        .with_max_record_bytes(256);
    let (mut out, mut errs) = (Vec::new(), Vec::new());
    let Ok(sum) = write_zscores_csv(data, &mut out, &mut errs, opts, Locale::En) else {
        return;
    };
    assert_eq!(sum.rows, sum.scored + sum.unreadable);
    assert!(sum.with_problems <= sum.scored);
    let rows = csv::ReaderBuilder::new()
        .from_reader(out.as_slice())
        .records()
        .count();
    assert_eq!(rows, sum.scored);
    let errs = String::from_utf8(errs).expect("the errors table is UTF-8");
    let unreadable = errs.lines().filter(|l| l.starts_with(',')).count();
    assert_eq!(unreadable, sum.unreadable, "{errs}");
});

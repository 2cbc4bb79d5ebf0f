//! The run-time WHO table loader from any text, then a z-score with it.
#![no_main]
use kampung_core::growth::{zscores_2006, Columns2006, Input2006, LmsTable, Table, Tables2006, ZscoreOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let Ok(t) = LmsTable::from_csv(s) else { return };
    let Ok(tables) = Tables2006::bundled().with_table(Table::TricepsSkinfoldForAge, t) else { return };
    let input = Input2006 { sex: &[1, 2], age: &[100.0, 1000.0], triskin: Some(&[5.0, 1e300]), ..Default::default() };
    let mut out = Columns2006::new(2);
    let _ = zscores_2006(&input, &tables, ZscoreOptions::default(), &mut out.output(), &mut Vec::new());
});

//! Every bundled WHO table value equals shared/data/who-growth/*.csv exactly.
#![cfg(feature = "growth")]
#![allow(clippy::unwrap_used)] // test code may unwrap
mod common;

use kampung_core::growth::{LmsTable, Table};

#[test]
fn bundled_tables_equal_the_shared_csv_exactly() {
    let Some(dir) = common::who_dir() else { return };
    let mut compared = 0usize;
    for t in Table::ALL {
        let text = std::fs::read_to_string(dir.join(t.csv_name())).unwrap();
        let csv = LmsTable::from_csv(&text).unwrap_or_else(|e| panic!("{t:?}: {e}"));
        assert_eq!(csv.kind(), t.kind(), "{t:?}");
        let Some(b) = LmsTable::bundled(t) else {
            continue;
        };
        assert_eq!(
            (b.first_key(), b.last_key()),
            (csv.first_key(), csv.last_key()),
            "{t:?} key range"
        );
        for sex in [1, 2] {
            let (x, y) = (b.rows(sex).unwrap(), csv.rows(sex).unwrap());
            assert_eq!(x.len(), y.len());
            for (i, (a, c)) in x.iter().zip(y).enumerate() {
                for k in 0..3 {
                    assert!(
                        a[k].to_bits() == c[k].to_bits(),
                        "{t:?} sex {sex} row {i} col {k}: bundled {} csv {}",
                        a[k],
                        c[k]
                    );
                    compared += 1;
                }
            }
        }
    }
    eprintln!("{compared} bundled values equal the shared CSV");
    assert!(compared > 60_000);
}

//! Reading women's files: the same women from CSV and from Parquet, timed
//! (the read alone, then the read with the indicator table as `kampung dhs`
//! computes it). Files from `examples/dhs/synthetic_women.py N OUT.csv` and
//! `... OUT.parquet`:
//! `cargo run --release -p kampung-core --features parquet --example
//! dhs_read_bench -- women.csv women.parquet [more files…]`.
#![allow(clippy::unwrap_used, missing_docs)]

use kampung_core::kb::dhs::{DhsColumns, FpOptions, WomenText};
use std::time::Instant;

fn main() {
    let columns = DhsColumns::default();
    let extra = columns.names();
    for path in std::env::args().skip(1) {
        let parquet = path.ends_with(".parquet");
        let mut best = f64::INFINITY;
        let mut n = 0;
        for _ in 0..3 {
            let file = std::fs::File::open(&path).unwrap();
            let t = Instant::now();
            let women = if parquet {
                WomenText::from_parquet(file, &extra).unwrap()
            } else {
                WomenText::from_csv(std::io::BufReader::new(file), &extra).unwrap()
            };
            best = best.min(t.elapsed().as_secs_f64());
            n = women.len();
        }
        let file = std::fs::File::open(&path).unwrap();
        let women = if parquet {
            WomenText::from_parquet(file, &extra).unwrap()
        } else {
            WomenText::from_csv(std::io::BufReader::new(file), &extra).unwrap()
        };
        let t = Instant::now();
        let table = women
            .fp_indicators(
                Some("v005"),
                Some("v001"),
                Some("v022"),
                &[],
                &FpOptions::new(),
            )
            .unwrap();
        let table_s = t.elapsed().as_secs_f64();
        println!(
            "{path}: {n} women read in {best:.3} s (best of 3); table ({} rows) {table_s:.3} s",
            table.rows.len()
        );
    }
}

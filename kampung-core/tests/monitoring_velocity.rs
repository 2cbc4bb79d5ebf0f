//! Every row of the bundled WHO 2009 velocity tables reproduces WHO's
//! published columns (tests/fixtures/monitoring/who_velocity_published_sd.csv):
//! the same L, M, S and δ, and the −3 … +3 SD values computed with
//! `M·(1 + L·S·z)^(1/L) − δ` equal WHO's, rounded as WHO prints them
//! (whole grams; 0.1 cm, with negative values printed as 0.0).
#![cfg(feature = "growth")]
#![allow(clippy::unwrap_used)]

use kampung_core::monitoring::velocity::VelocityTable;
use kampung_core::Sex;
use std::path::Path;

#[test]
fn every_row_reproduces_the_published_sd_columns() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/monitoring/who_velocity_published_sd.csv");
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let mut rows = [0usize; 4];
    let (mut checked, mut undefined) = (0, 0);
    for line in lines.filter(|l| !l.is_empty()) {
        let f: Vec<&str> = line.split(',').collect();
        let num = |name: &str| f[col(name)].parse::<f64>().unwrap();
        let (table, slot, grams) = match f[col("table")] {
            "weight_1mon" => (VelocityTable::Weight1Month, 0, true),
            "weight_2mon" => (VelocityTable::Weight2Month, 1, true),
            "length_2mon" => (VelocityTable::Length2Month, 2, false),
            "headc_2mon" => (VelocityTable::Headc2Month, 3, false),
            other => panic!("unknown table {other}"),
        };
        let sex = if f[col("sex")] == "1" {
            Sex::Male
        } else {
            Sex::Female
        };
        let k: usize = f[col("row")].parse().unwrap();
        let row = table
            .row(sex, k)
            .unwrap_or_else(|| panic!("{line}: no row"));
        assert_eq!(
            (row.l, row.m, row.s),
            (num("l"), num("m"), num("s")),
            "{line}"
        );
        assert_eq!(row.delta, num("delta"), "{line}");
        rows[slot] += 1;
        for (z, name) in [
            (-3.0, "sd_m3"),
            (-2.0, "sd_m2"),
            (-1.0, "sd_m1"),
            (0.0, "median"),
            (1.0, "sd_p1"),
            (2.0, "sd_p2"),
            (3.0, "sd_p3"),
        ] {
            let want = num(name);
            match row.value_at(z) {
                Some(v) if grams => assert_eq!((v + 0.5).floor(), want, "{line} {name}: {v}"),
                Some(v) => {
                    let printed = ((v * 10.0 + 0.5).floor() / 10.0).max(0.0);
                    assert_eq!(printed, want, "{line} {name}: {v}");
                }
                None => {
                    // 1 + L·S·z ≤ 0: the distribution has no value there;
                    // WHO prints 0.0 or 0.1 cm (never a weight).
                    assert!(!grams && want <= 0.1, "{line} {name}");
                    undefined += 1;
                }
            }
            checked += 1;
        }
    }
    for (t, n) in VelocityTable::ALL.iter().zip(rows) {
        assert_eq!(
            n,
            2 * t.len(),
            "{t:?}: every row of both sexes is published"
        );
    }
    eprintln!(
        "{checked} published SD values checked, {undefined} cells where the LMS curve is undefined"
    );
    assert_eq!(checked, 7 * 138);
    assert_eq!(undefined, 24);
}

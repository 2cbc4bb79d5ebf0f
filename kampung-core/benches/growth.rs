//! Batch WHO 2006 z-scores (zlen, zwei, zwfl, zbmi) on the 100k random
//! golden survey (`shared/data/who-growth/testdata`), or on a synthesised
//! survey of the same shape when shared/ is absent.
//! Run: `cargo bench -p kampung-core --bench growth`.
#![allow(clippy::unwrap_used, missing_docs)]

use divan::counter::ItemsCount;
use divan::Bencher;
use kampung_core::growth::{
    zscores_2006, zscores_2007, Columns2006, Columns2007, Input2006, Input2007, Tables2006,
    Tables2007, ZscoreOptions,
};
use std::path::PathBuf;

fn main() {
    divan::main();
}

struct Survey {
    sex: Vec<u8>,
    age: Vec<f64>,
    weight: Vec<f64>,
    lenhei: Vec<f64>,
    measure: Vec<u8>,
}

fn survey() -> Survey {
    let dir = std::env::var_os("KAMPUNG_SHARED_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
        PathBuf::from,
    );
    let path = dir.join("data/who-growth/testdata/anthro_r_golden_random_100k.csv");
    let mut s = Survey {
        sex: Vec::new(),
        age: Vec::new(),
        weight: Vec::new(),
        lenhei: Vec::new(),
        measure: Vec::new(),
    };
    if let Ok(text) = std::fs::read_to_string(&path) {
        // id,sex,age_days,weight,lenhei,measure,...
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            s.sex.push(f[1].parse().unwrap());
            s.age.push(f[2].parse().unwrap());
            s.weight.push(f[3].parse().unwrap());
            s.lenhei.push(f[4].parse().unwrap());
            s.measure.push(f[5].as_bytes()[0]);
        }
    } else {
        eprintln!("{} not found: synthesising 100k children", path.display());
        let mut x: u64 = 20_240_607;
        let mut rnd = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 11) as f64 / (1u64 << 53) as f64
        };
        for _ in 0..100_000 {
            let age = (rnd() * 1856.0).floor();
            let len = 50.0 + 60.0 * age / 1856.0 + (rnd() - 0.5) * 10.0;
            s.sex.push(if rnd() < 0.5 { 1 } else { 2 });
            s.age.push(age);
            s.lenhei.push((len * 100.0).round() / 100.0);
            s.weight
                .push((3.0 + 15.0 * age / 1856.0 + (rnd() - 0.5) * 4.0).max(1.0));
            s.measure.push(if age < 731.0 { b'l' } else { b'h' });
        }
    }
    s
}

#[divan::bench(sample_count = 30)]
fn who2006_four_indicators(bencher: Bencher) {
    run_2006(bencher, true, true, true);
}

/// One `zscores_2006` call per iteration on the survey, with the weight,
/// length/height and measure columns given or not.
fn run_2006(bencher: Bencher, weight: bool, lenhei: bool, measure: bool) {
    let s = survey();
    let tables = Tables2006::bundled();
    let n = s.sex.len();
    let mut out = Columns2006::new(n);
    let mut errors = Vec::new();
    bencher.counter(ItemsCount::new(n)).bench_local(|| {
        errors.clear();
        let input = Input2006 {
            sex: &s.sex,
            age: &s.age,
            age_in_month: false,
            weight: weight.then_some(&s.weight[..]),
            lenhei: lenhei.then_some(&s.lenhei[..]),
            measure: measure.then_some(&s.measure[..]),
            ..Default::default()
        };
        zscores_2006(
            &input,
            &tables,
            ZscoreOptions::default(),
            &mut out.output(),
            &mut errors,
        )
        .unwrap();
        divan::black_box(&out.zwfl);
    });
}

#[divan::bench(sample_count = 30)]
fn who2007_three_indicators(bencher: Bencher) {
    let s = survey();
    let tables = Tables2007::bundled();
    let n = s.sex.len();
    // Map the ages onto 60-228 months.
    let age: Vec<f64> = s.age.iter().map(|d| 60.0 + d / 1856.0 * 168.0).collect();
    let height: Vec<f64> = s.lenhei.iter().map(|l| l + 40.0).collect();
    let weight: Vec<f64> = s.weight.iter().map(|w| w * 2.0).collect();
    let mut out = Columns2007::new(n);
    let mut errors = Vec::new();
    bencher.counter(ItemsCount::new(n)).bench_local(|| {
        errors.clear();
        let input = Input2007 {
            sex: &s.sex,
            age_months: &age,
            height: Some(&height),
            weight: Some(&weight),
            oedema: None,
        };
        zscores_2007(
            &input,
            &tables,
            ZscoreOptions::default(),
            &mut out.output(),
            &mut errors,
        )
        .unwrap();
        divan::black_box(&out.zbfa);
    });
}

/// The parts of `who2006_four_indicators`: input rules only (`none`), plus
/// length/height-for-age, plus weight-for-age, or all four without the
/// measure column.
#[divan::bench(sample_count = 30, args = ["none", "lenhei", "weight", "all_no_measure"])]
fn who2006_parts(bencher: Bencher, which: &str) {
    let all = which == "all_no_measure";
    run_2006(
        bencher,
        all || which == "weight",
        all || which == "lenhei",
        !all,
    );
}

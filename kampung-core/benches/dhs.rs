//! DHS family planning on one million synthetic women: the v626a
//! classification and the indicator table (3 groups x 10 indicators with
//! Taylor SEs on a design of 40,000 clusters in 68 strata).
//! Run: `cargo bench -p kampung-core --bench dhs`. The Python benchmark
//! `examples/dhs/bench_dhs.py` times the same calls on realistic women.
#![allow(clippy::unwrap_used, missing_docs, clippy::cast_precision_loss)]

use divan::counter::ItemsCount;
use divan::Bencher;
use kampung_core::kb::dhs::{
    fp_indicators, unmet_need, DhsRules, FpInput, FpOptions, IdColumn, SurveyColumn, Women,
};

fn main() {
    divan::main();
}

const N: usize = 1_000_000;

/// Columns of `N` women: values drawn from each variable's usual codes
/// (missing where DHS files have it), 25 women per cluster.
struct Data {
    cols: Vec<Vec<f64>>,
    v313: Vec<f64>,
    v005: Vec<f64>,
    v001: Vec<f64>,
    v022: Vec<f64>,
}

fn data() -> Data {
    let mut state = 0x0064_6873_u64;
    let mut next = |m: u64| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % m
    };
    let nan = f64::NAN;
    let mut pick = |codes: &[f64]| codes[next(codes.len() as u64) as usize];
    // v007 v020 v502 v512 v525 v528 v213 v225 v222 m6_1 m10_1 v215 v302a v312 v605 v3a08d
    let sets: [&[f64]; 16] = [
        &[2017.0],
        &[0.0],
        &[0.0, 1.0, 1.0, 1.0, 2.0],
        &[nan, 2.0, 5.0, 10.0, 20.0],
        &[0.0, 16.0, 18.0, 20.0, 25.0],
        &[nan, 1.0, 5.0, 20.0, 31.0, 60.0],
        &[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0],
        &[nan, nan, nan, nan, nan, nan, nan, nan, 1.0, 2.0],
        &[nan, 5.0, 14.0, 30.0, 59.0, 60.0, 120.0],
        &[nan, nan, 3.0, 6.0, 96.0],
        &[nan, 1.0, 1.0, 2.0, 3.0],
        &[105.0, 112.0, 120.0, 203.0, 306.0, 310.0, 994.0, 995.0],
        &[0.0, 1.0, 1.0],
        &[0.0, 0.0, 0.0, 1.0, 3.0, 3.0, 2.0, 11.0, 6.0, 9.0],
        &[1.0, 2.0, 3.0, 4.0, 5.0, 5.0, 7.0],
        &[0.0, 0.0, 0.0, 1.0],
    ];
    let cols: Vec<Vec<f64>> = sets
        .iter()
        .map(|set| (0..N).map(|_| pick(set)).collect())
        .collect();
    let v313 = cols[13]
        .iter()
        .map(|&m| match m as u8 {
            0 => 0.0,
            9 => 2.0,
            _ => 3.0,
        })
        .collect();
    let v001: Vec<f64> = (0..N).map(|i| (i / 25 + 1) as f64).collect();
    let v022 = v001.iter().map(|c| (*c as u64 % 68 + 1) as f64).collect();
    let v005 = v001
        .iter()
        .map(|c| 500_000.0 + (*c as u64 * 7919 % 1_000_000) as f64)
        .collect();
    Data {
        cols,
        v313,
        v005,
        v001,
        v022,
    }
}

fn women(d: &Data) -> Women<'_> {
    Women::from_columns(
        SurveyColumn::Same("ID7"),
        std::array::from_fn(|k| d.cols[k].as_slice()),
    )
}

#[divan::bench(sample_count = 5)]
fn unmet_need_1m(bencher: Bencher) {
    let d = data();
    let w = women(&d);
    bencher
        .counter(ItemsCount::new(N))
        .bench_local(|| unmet_need(&w, DhsRules::Stata, false).unwrap());
}

#[divan::bench(sample_count = 5)]
fn fp_table_1m(bencher: Bencher) {
    let d = data();
    let input = FpInput {
        women: women(&d),
        v313: &d.v313,
        weight: Some(&d.v005),
        weight_scale: 1e-6,
        cluster: Some(IdColumn::Numbers(&d.v001)),
        strata: Some(IdColumn::Numbers(&d.v022)),
        by: &[],
    };
    bencher
        .counter(ItemsCount::new(N))
        .bench_local(|| fp_indicators(&input, &FpOptions::new()).unwrap());
}

#[divan::bench(sample_count = 5)]
fn fp_table_1m_two_threads(bencher: Bencher) {
    let d = data();
    let input = FpInput {
        women: women(&d),
        v313: &d.v313,
        weight: Some(&d.v005),
        weight_scale: 1e-6,
        cluster: Some(IdColumn::Numbers(&d.v001)),
        strata: Some(IdColumn::Numbers(&d.v022)),
        by: &[],
    };
    let options = FpOptions::new().with_threads(2);
    bencher
        .counter(ItemsCount::new(N))
        .bench_local(|| fp_indicators(&input, &options).unwrap());
}

//! The region gazetteer: decoding the bundled table, and look-ups by code.
//! Run: `cargo bench -p kampung-core --features gazetteer --bench gazetteer`.
#![allow(clippy::unwrap_used, missing_docs)]

use divan::counter::ItemsCount;
use divan::Bencher;
use kampung_core::{Gazetteer, KodeWilayah};

fn main() {
    divan::main();
}

/// Checking and decoding the whole file (what the first use pays).
#[divan::bench]
fn decode(b: Bencher) {
    b.bench(|| Gazetteer::from_bytes(divan::black_box(Gazetteer::bundled_bytes())).unwrap());
}

/// Every desa/kelurahan code of the table, in a scrambled order.
fn desa_codes() -> Vec<KodeWilayah> {
    let mut v: Vec<KodeWilayah> = Gazetteer::bundled()
        .iter()
        .map(|r| r.code)
        .filter(|c| c.as_plain().len() == 10)
        .collect();
    let n = v.len();
    for i in 0..n {
        v.swap(i, (i * 7919 + 13) % n);
    }
    v
}

/// `name(code)` for every desa/kelurahan (83 762 look-ups).
#[divan::bench]
fn name_of_every_desa(b: Bencher) {
    let codes = desa_codes();
    let g = Gazetteer::bundled();
    b.counter(ItemsCount::new(codes.len())).bench(|| {
        codes
            .iter()
            .map(|c| g.name(c).map_or(0, str::len))
            .sum::<usize>()
    });
}

/// Parsing the dotted text, then `name`: what a names column costs per row.
#[divan::bench]
fn parse_and_name_of_every_desa(b: Bencher) {
    let text: Vec<String> = desa_codes().iter().map(ToString::to_string).collect();
    let g = Gazetteer::bundled();
    b.counter(ItemsCount::new(text.len())).bench(|| {
        text.iter()
            .filter_map(|t| KodeWilayah::parse(t).ok())
            .map(|c| g.name(&c).map_or(0, str::len))
            .sum::<usize>()
    });
}

/// Walking every region in code order.
#[divan::bench]
fn iterate_all(b: Bencher) {
    let g = Gazetteer::bundled();
    b.counter(ItemsCount::new(g.len()))
        .bench(|| g.iter().count());
}

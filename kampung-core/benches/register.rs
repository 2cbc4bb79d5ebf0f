//! The register's duplicate guard on one million families of four: one
//! Nomor KK and four NIKs each, numbered as the generator numbers them,
//! admitted in batches of 1 400 families in input order, as
//! `kampung report` does.
//! Run: `cargo bench -p kampung-core --bench register`.
#![allow(clippy::unwrap_used, missing_docs)]

use divan::counter::ItemsCount;
use divan::Bencher;
use kampung_core::register::{DuplicateGuard, FamilyIds};

fn main() {
    divan::main();
}

/// `(Nomor KK, [(member, NIK)], line)`.
type Owned = (u64, Vec<(u32, u64)>, u64);

/// The identifiers of `n` families, numbered as the
/// generator (`kampung generate`) numbers them: families by kecamatan of
/// 2 100, NIKs by kecamatan of first registration of 9 999 people, dates
/// of birth at random.
fn families(n: u64) -> Vec<Owned> {
    let mut state = 0x006b_616d_7075_6e67_u64;
    let mut next = |m: u64| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % m
    };
    let mut person = 0u64;
    (0..n)
        .map(|line| {
            let kk = (647_200 + line / 2100) * 10_000_000_000 + line + 1;
            let niks = (0..4u32)
                .map(|i| {
                    let kec = 640_101 + person / 9999;
                    let serial = person % 9999 + 1;
                    person += 1;
                    let date = (1 + next(28)) * 10_000 + (1 + next(12)) * 100 + next(100);
                    (i, kec * 10_000_000_000 + date * 10_000 + serial)
                })
                .collect();
            (kk, niks, line + 1)
        })
        .collect()
}

#[divan::bench(sample_count = 5)]
fn duplicate_guard_1m_families(bencher: Bencher) {
    let fams = families(1_000_000);
    bencher
        .counter(ItemsCount::new(fams.len()))
        .with_inputs(DuplicateGuard::new)
        .bench_local_values(|mut guard| {
            let mut rejected = 0usize;
            for batch in fams.chunks(1400) {
                let ids: Vec<FamilyIds<'_>> = batch
                    .iter()
                    .map(|(kk, niks, line)| (*kk, niks.as_slice(), *line))
                    .collect();
                rejected += guard
                    .admit_batch(&ids)
                    .iter()
                    .filter(|r| r.is_err())
                    .count();
            }
            (guard, rejected)
        });
}

/// The bundled sample register (2 100 families, 2 % with defects).
const SAMPLE: &str = include_str!("../../examples/data/report_sample.jsonl");

fn sample_options() -> kampung_core::register::RegisterOptions {
    let as_of = chrono::NaiveDate::from_ymd_opt(2025, 7, 1).unwrap();
    kampung_core::register::RegisterOptions::new(as_of)
}

/// The lines of the sample without any problem (as in the generated
/// 1 M register of the report benchmark), or all of them.
fn sample_lines(clean_only: bool) -> Vec<&'static str> {
    let opts = sample_options();
    SAMPLE
        .lines()
        .filter(|l| {
            !clean_only
                || kampung_core::register::RegisterFamily::from_json_line(l, &opts)
                    .is_ok_and(|r| r.family.is_some() && r.errors.is_empty())
        })
        .collect()
}

/// Reading and validating each line of the bundled sample (one core):
/// the lines without problems, and all lines (2 % have defects and are
/// read again through the `serde_json::Value` path).
#[divan::bench(args = [true, false])]
fn read_sample_lines(bencher: Bencher, clean_only: bool) {
    let opts = sample_options();
    let lines = sample_lines(clean_only);
    bencher.counter(ItemsCount::new(lines.len())).bench(|| {
        lines
            .iter()
            .filter_map(|l| kampung_core::register::RegisterFamily::from_json_line(l, &opts).ok())
            .filter(|r| r.family.is_some())
            .count()
    });
}

/// The lines without problems, plus each family's contribution to the
/// report.
#[divan::bench]
fn read_sample_lines_and_contribute(bencher: Bencher) {
    let opts = sample_options();
    let tables = kampung_core::growth::Tables2006::bundled();
    let lines = sample_lines(true);
    bencher.counter(ItemsCount::new(lines.len())).bench(|| {
        let mut families = 0u64;
        for l in &lines {
            if let Ok(r) = kampung_core::register::RegisterFamily::from_json_line(l, &opts) {
                if let Some(f) = r.family {
                    let c = kampung_core::report::contribution(&f, &opts, &tables);
                    families += u64::from(c.pus);
                }
            }
        }
        families
    });
}

//! Growth monitoring: per-visit codes of 100,000 synthetic visits (10,000
//! children, any row order), with and without the WHO velocity z-scores,
//! and SKDN of one month by desa. The 10 M-visit figure of issue 13 comes
//! from `examples/monitoring_bench.rs`.
//! Run: `cargo bench -p kampung-core --bench monitoring`.
#![allow(clippy::unwrap_used, missing_docs)]

use divan::counter::ItemsCount;
use divan::Bencher;
use kampung_core::monitoring::{
    assess, join_children, skdn, synthetic, Children, MonitoringRules, Visits,
};

fn main() {
    divan::main();
}

fn bench_assess(bencher: Bencher, velocity: bool) {
    let s = synthetic::generate(10_000, 10, 500);
    let join = join_children(&s.child_id, &s.visit_child);
    let children = Children {
        sex: &s.sex,
        birth: &s.birth,
        has_kia: Some(&s.has_kia),
    };
    let visits = Visits {
        child: &join.child_of_visit,
        date: &s.date,
        weight_kg: &s.weight_kg,
        ..Visits::default()
    };
    let mut rules = MonitoringRules::kia2023();
    rules.velocity = velocity;
    bencher
        .counter(ItemsCount::new(s.date.len()))
        .bench(|| assess(&children, &join, &visits, &rules, None).unwrap());
}

#[divan::bench(sample_count = 20)]
fn codes_100k_visits(bencher: Bencher) {
    bench_assess(bencher, false);
}

#[divan::bench(sample_count = 20)]
fn codes_and_velocity_100k_visits(bencher: Bencher) {
    bench_assess(bencher, true);
}

#[divan::bench(sample_count = 20)]
fn skdn_one_month_by_desa(bencher: Bencher) {
    let s = synthetic::generate(10_000, 10, 500);
    let join = join_children(&s.child_id, &s.visit_child);
    let children = Children {
        sex: &s.sex,
        birth: &s.birth,
        has_kia: Some(&s.has_kia),
    };
    let visits = Visits {
        child: &join.child_of_visit,
        date: &s.date,
        weight_kg: &s.weight_kg,
        ..Visits::default()
    };
    let rules = MonitoringRules::kia2023();
    let a = assess(&children, &join, &visits, &rules, None).unwrap();
    bencher.bench(|| {
        skdn(
            &children,
            &join,
            &s.area,
            s.n_areas,
            &visits,
            &a,
            &rules,
            12 * 2021 + 6,
        )
    });
}

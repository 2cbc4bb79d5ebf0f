//! The per-visit WAZ of growth monitoring (computed one visit at a time
//! inside `assess`) is bit for bit the `zwei` of the columnar
//! `zscores_2006` on the same sex, age in days and weight, and a weighing
//! is rejected as `weight_implausible_for_age` exactly where `fwei` is 1:
//! over a synthetic population of realistic weights
//! (`monitoring::synthetic`) with some children's weights scaled far out
//! on both sides (restricted z beyond ±3 SD, flags).
#![cfg(feature = "growth")]
#![allow(clippy::unwrap_used, clippy::needless_range_loop)]

use kampung_core::error::ErrorCode;
use kampung_core::growth::{zscores_2006, Columns2006, Input2006, Tables2006, ZscoreOptions};
use kampung_core::monitoring::{
    assess, join_children, synthetic, Children, MonitoringRules, VisitStatus, Visits,
};

#[test]
fn waz_equals_zscores_2006_bit_for_bit() {
    let mut s = synthetic::generate(20_000, 10, 500);
    let join = join_children(&s.child_id, &s.visit_child);
    // A fifth of the children far below, a fifth far above their curve.
    for (w, &c) in s.weight_kg.iter_mut().zip(&join.child_of_visit) {
        match c % 5 {
            0 => *w = (*w * 5.5).round() / 10.0,
            1 => *w = (*w * 16.0).round() / 10.0,
            _ => {}
        }
    }
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
    let a = assess(&children, &join, &visits, &MonitoringRules::kia2023(), None).unwrap();
    let n = s.date.len();
    let (mut sex, mut age) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for i in 0..n {
        let c = join.child_of_visit[i] as usize;
        sex.push(s.sex[c]);
        age.push(f64::from(s.date[i] - s.birth[c]));
    }
    let input = Input2006 {
        sex: &sex,
        age: &age,
        weight: Some(&s.weight_kg),
        ..Input2006::default()
    };
    let mut cols = Columns2006::new(n);
    let mut errors = Vec::new();
    zscores_2006(
        &input,
        &Tables2006::bundled(),
        ZscoreOptions::default(),
        &mut cols.output(),
        &mut errors,
    )
    .unwrap();
    let mut flagged = vec![false; n];
    for e in &a.errors {
        if e.error.code() == ErrorCode::WeightImplausibleForAge {
            flagged[e.visit] = true;
        }
    }
    let (mut coded, mut beyond3, mut n_flagged) = (0, 0, 0);
    for i in 0..n {
        if a.status[i] == VisitStatus::Coded {
            coded += 1;
            assert_eq!(a.waz[i].to_bits(), cols.zwei[i].to_bits(), "visit {i}");
            assert_ne!(cols.fwei[i], 1.0, "visit {i}");
            if a.waz[i].abs() > 3.0 {
                beyond3 += 1;
            }
        }
        if flagged[i] {
            n_flagged += 1;
            assert_eq!(cols.fwei[i], 1.0, "visit {i}");
        }
    }
    assert!(coded > n / 2, "{coded}");
    assert!(beyond3 > n / 20, "{beyond3}");
    assert!(n_flagged > 100, "{n_flagged}");
}

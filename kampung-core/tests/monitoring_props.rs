//! Properties of the growth-monitoring engine: WAZ is the existing exact
//! z-score; row order does not matter; bad visits never change the codes
//! of good ones and never get a code; SKDN identities hold and parent areas
//! sum their children; the form route agrees with the batch route.
#![cfg(feature = "growth")]
#![allow(clippy::unwrap_used)]

use kampung_core::growth::{zscores_2006, Columns2006, Input2006, Tables2006, ZscoreOptions};
use kampung_core::monitoring::date::to_days;
use kampung_core::monitoring::{
    assess, assess_weighing_json, join_children, skdn, Assessment, Children, Code, MonitoringRules,
    SkdnCounts, VisitStatus, Visits,
};
use proptest::prelude::*;
use serde_json::json;

fn d(s: &str) -> i32 {
    to_days(s.parse().unwrap())
}

/// A child's history: birth offset, sex, and (gap in days, weight change in
/// 0.1 kg) steps.
type History = (i32, u8, Vec<(i32, i32)>);

fn history() -> impl Strategy<Value = History> {
    (
        0..1500i32,
        1..=2u8,
        prop::collection::vec((1..70i32, -6..12i32), 1..14),
    )
}

struct Data {
    ids: Vec<u32>,
    sex: Vec<u8>,
    birth: Vec<i32>,
    kia: Vec<u8>,
    area: Vec<u32>,
    vchild: Vec<u32>,
    date: Vec<i32>,
    weight: Vec<f64>,
}

fn build(children: &[History]) -> Data {
    let base = d("2019-01-01");
    let mut x = Data {
        ids: vec![],
        sex: vec![],
        birth: vec![],
        kia: vec![],
        area: vec![],
        vchild: vec![],
        date: vec![],
        weight: vec![],
    };
    for (c, (b, sex, steps)) in children.iter().enumerate() {
        let c = u32::try_from(c).unwrap();
        x.ids.push(c);
        x.sex.push(*sex);
        x.birth.push(base + b);
        x.kia.push(u8::from(c % 3 != 0));
        x.area.push(c % 4);
        let (mut day, mut w) = (base + b + 5, 30 + (c as i32 % 10));
        for (gap, dw) in steps {
            day += gap;
            w = (w + dw).max(20);
            x.vchild.push(c);
            x.date.push(day);
            x.weight.push(f64::from(w) / 10.0);
        }
    }
    x
}

fn run(x: &Data, order: &[usize]) -> (Assessment, Vec<usize>) {
    let vchild: Vec<u32> = order.iter().map(|&i| x.vchild[i]).collect();
    let date: Vec<i32> = order.iter().map(|&i| x.date[i]).collect();
    let weight: Vec<f64> = order.iter().map(|&i| x.weight[i]).collect();
    let join = join_children(&x.ids, &vchild);
    let children = Children {
        sex: &x.sex,
        birth: &x.birth,
        has_kia: Some(&x.kia),
    };
    let visits = Visits {
        child: &join.child_of_visit,
        date: &date,
        weight_kg: &weight,
        ..Visits::default()
    };
    let a = assess(&children, &join, &visits, &MonitoringRules::kia2023(), None).unwrap();
    (a, order.to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    /// Shuffling the visits changes nothing but their order.
    #[test]
    fn row_order_does_not_matter(hs in prop::collection::vec(history(), 1..6), seed in 0u64..1000) {
        let x = build(&hs);
        let n = x.date.len();
        let ident: Vec<usize> = (0..n).collect();
        let mut shuffled = ident.clone();
        let mut s = seed;
        for i in (1..n).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (s >> 33) as usize % (i + 1));
        }
        let (a, _) = run(&x, &ident);
        let (b, ord) = run(&x, &shuffled);
        for (k, &i) in ord.iter().enumerate() {
            prop_assert_eq!(a.code[i], b.code[k]);
            prop_assert_eq!(a.gain_g[i], b.gain_g[k]);
            prop_assert_eq!(a.t_run[i], b.t_run[k]);
            prop_assert_eq!(a.status[i], b.status[k]);
            prop_assert_eq!(a.waz[i].to_bits(), b.waz[k].to_bits());
        }
    }

    /// Bad visits (unknown child, weight 0 or 300 kg, before birth) get
    /// errors and no code, and the good visits keep exactly their codes.
    #[test]
    fn bad_visits_change_nothing(hs in prop::collection::vec(history(), 1..5), which in 0usize..100) {
        let x = build(&hs);
        let n = x.date.len();
        let (good, _) = run(&x, &(0..n).collect::<Vec<_>>());
        let mut y = build(&hs);
        let c = u32::try_from(which % hs.len()).unwrap();
        let day = y.birth[c as usize];
        for (child, date, w) in [(99_999, day + 40, 5.0), (c, day + 41, 0.0), (c, day + 42, 300.0), (c, day - 3, 4.0)] {
            y.vchild.push(child);
            y.date.push(date);
            y.weight.push(w);
        }
        let m = y.date.len();
        let (bad, _) = run(&y, &(0..m).collect::<Vec<_>>());
        for i in 0..n {
            // A same-date clash with a good visit may reject it; else equal.
            if bad.status[i] != VisitStatus::Rejected {
                prop_assert_eq!(good.code[i], bad.code[i], "visit {}", i);
            }
        }
        for i in n..m {
            prop_assert_eq!(bad.status[i], VisitStatus::Rejected);
            prop_assert_eq!(bad.code[i], None);
            prop_assert!(bad.errors.iter().any(|e| e.visit == i));
        }
        for e in &bad.errors {
            prop_assert_eq!(bad.code[e.visit], None);
        }
    }

    /// SKDN: the identities of MONITORING.md §2.1 in every cell, and a
    /// parent area's counts are the sums of its children's.
    #[test]
    fn skdn_identities_and_rollup(hs in prop::collection::vec(history(), 1..12), month in 0i32..60) {
        let x = build(&hs);
        let n = x.date.len();
        let (a, _) = run(&x, &(0..n).collect::<Vec<_>>());
        let join = join_children(&x.ids, &x.vchild);
        let children = Children { sex: &x.sex, birth: &x.birth, has_kia: Some(&x.kia) };
        let visits = Visits { child: &join.child_of_visit, date: &x.date, weight_kg: &x.weight, ..Visits::default() };
        let period = 12 * 2019 + 1 + month;
        let t = skdn(&children, &join, &x.area, 4, &visits, &a, &MonitoringRules::kia2023(), period);
        for c in &t.cells {
            prop_assert_eq!(c.check_identities(), Ok(()));
        }
        let up = t.rollup(&[0, 0, 1, 1], 2);
        for p in 0..2 {
            let mut sum = SkdnCounts::default();
            sum.add(&t.area_total(2 * p));
            sum.add(&t.area_total(2 * p + 1));
            prop_assert_eq!(up.area_total(p), sum);
            prop_assert_eq!(up.area_total(p).check_identities(), Ok(()));
        }
        // D counts the coded weighings of the month.
        let coded = (0..n).filter(|&i| a.code[i].is_some() && a.period[i] == period).count();
        let total: u64 = (0..4).map(|k| t.area_total(k).d).sum();
        prop_assert_eq!(total as usize, coded);
    }
}

/// WAZ of every coded weighing equals `zscores_2006`'s zwei.
#[test]
fn waz_is_the_exact_zscore() {
    let hs: Vec<History> = (0..40)
        .map(|k| {
            (
                k * 37,
                1 + (k % 2) as u8,
                (0..20)
                    .map(|j| (25 + (j * 7 + k) % 20, (j * 3 + k) % 9 - 2))
                    .collect(),
            )
        })
        .collect();
    let x = build(&hs);
    let n = x.date.len();
    let (a, _) = run(&x, &(0..n).collect::<Vec<_>>());
    let sex: Vec<u8> = x.vchild.iter().map(|&c| x.sex[c as usize]).collect();
    let age: Vec<f64> = (0..n)
        .map(|i| f64::from(x.date[i] - x.birth[x.vchild[i] as usize]))
        .collect();
    let mut out = Columns2006::new(n);
    let input = Input2006 {
        sex: &sex,
        age: &age,
        weight: Some(&x.weight),
        ..Default::default()
    };
    zscores_2006(
        &input,
        &Tables2006::bundled(),
        ZscoreOptions::default(),
        &mut out.output(),
        &mut Vec::new(),
    )
    .unwrap();
    let mut compared = 0;
    for i in 0..n {
        if a.code[i].is_some() {
            assert_eq!(a.waz[i].to_bits(), out.zwei[i].to_bits(), "visit {i}");
            compared += 1;
        }
    }
    assert!(compared > 300, "{compared}");
}

/// The form route gives the batch route's answer, with messages.
#[test]
fn form_route_agrees_with_batch() {
    let input = json!({"sex": "L", "birthDate": "2023-06-10",
        "previous": [{"date": "2024-01-12", "weightKg": 8.1}],
        "current": {"date": "2024-02-12", "weightKg": 8.3}});
    let r = assess_weighing_json(&input, &json!({"as_of": "2024-06-30", "locale": "en"})).unwrap();
    assert_eq!((r.code, r.gain_g, r.kbm_g), ("T", Some(200), Some(300)));
    assert!(r.refer);
    assert_eq!(r.refer_reasons[0].code, "t");
    assert_eq!(r.previous_codes, [Some("B")]);
    assert!(
        r.message.starts_with("Not gaining (T): gain of 200 g"),
        "{}",
        r.message
    );
    let r = assess_weighing_json(&input, &json!({"as_of": "2024-06-30"})).unwrap();
    assert!(r.message.starts_with("Tidak naik (T)"), "{}", r.message);
    // The current weighing before an earlier one.
    let bad = json!({"sex": "L", "birthDate": "2023-06-10",
        "previous": [{"date": "2024-03-12", "weightKg": 8.1}, {"date": "2024-01-01", "weightKg": 0}],
        "current": {"date": "2024-02-12", "weightKg": 8.3}});
    let e = assess_weighing_json(&bad, &json!({"as_of": "2024-06-30"})).unwrap_err();
    let got: Vec<(String, &str)> = e
        .errors()
        .iter()
        .map(|e| (e.path().to_string(), e.code().as_str()))
        .collect();
    assert_eq!(
        got,
        [("current.date".to_owned(), "visit_out_of_order")],
        "the order error is reported before the values are assessed"
    );
    let bad = json!({"sex": "L", "birthDate": "2023-06-10",
        "previous": [{"date": "2024-01-01", "weightKg": 0}],
        "current": {"date": "2024-02-12", "weightKg": 8.3}});
    let e = assess_weighing_json(&bad, &json!({"as_of": "2024-06-30"})).unwrap_err();
    assert_eq!(e.errors()[0].path().to_string(), "previous[0].weight_kg");
    assert_eq!(e.errors()[0].code().as_str(), "not_positive");
}

/// Velocity of monthly weighings: computed when the interval fits, else why not.
#[test]
fn velocity_columns() {
    let join = join_children(&[1], &[1, 1, 1, 1]);
    let children = Children {
        sex: &[1],
        birth: &[d("2024-01-01")],
        has_kia: None,
    };
    let dates = [
        d("2024-03-02"),
        d("2024-04-01"),
        d("2024-05-01"),
        d("2024-07-20"),
    ];
    let visits = Visits {
        child: &join.child_of_visit,
        date: &dates,
        weight_kg: &[5.6, 6.1, 6.9, 7.5],
        ..Visits::default()
    };
    let a = assess(&children, &join, &visits, &MonitoringRules::kia2023(), None).unwrap();
    let w1 = &a.velocity[0];
    assert_eq!(
        w1.status[0].and_then(|s| s.reason()),
        Some("no_earlier_measurement")
    );
    // 61 days old at the first weighing, +500 g in 30 days: WHO row 2-3 mo.
    assert_eq!((w1.z[1], w1.interval_days[1]), (-1.39, 30));
    assert!(w1.z[2].is_finite());
    assert_eq!(
        w1.status[3].and_then(|s| s.reason()),
        Some("interval_mismatch")
    );
    // 2-month: the first and third weighings are 60 days apart.
    assert_eq!(a.velocity[1].interval_days[2], 60);
    // +500 g at 3 completed months is below the KBM of 800 g: T, although WHO velocity z is only −1.39.
    assert_eq!(
        a.code,
        [Some(Code::B), Some(Code::T), Some(Code::N), Some(Code::O)]
    );
}

/// Without velocity the columns are left out (no memory) and read as
/// missing; the codes and a velocity-based faltering rule are unaffected
/// (faltering: unknown, never a panic).
#[test]
fn velocity_off_leaves_columns_empty() {
    let join = join_children(&[1], &[1, 1, 1]);
    let children = Children {
        sex: &[1],
        birth: &[d("2024-01-01")],
        has_kia: None,
    };
    let dates = [d("2024-03-02"), d("2024-04-01"), d("2024-05-01")];
    let visits = Visits {
        child: &join.child_of_visit,
        date: &dates,
        weight_kg: &[5.6, 6.1, 6.9],
        ..Visits::default()
    };
    let on = assess(&children, &join, &visits, &MonitoringRules::kia2023(), None).unwrap();
    let mut rules = MonitoringRules::kia2023();
    rules.velocity = false;
    let off = assess(&children, &join, &visits, &rules, None).unwrap();
    assert_eq!(off.code, on.code);
    assert_eq!(off.gain_g, on.gain_g);
    for c in &off.velocity {
        assert!(c.z.is_empty() && c.status.is_empty());
        assert!(c.z_at(1).is_nan() && c.centile_at(1).is_nan());
        assert_eq!(c.status_at(1), None);
    }
    assert_eq!(on.velocity[0].z_at(1), -1.39);
    rules.weight_faltering = kampung_core::monitoring::rules::WeightFaltering::VelocityBelowMinus2;
    let off = assess(&children, &join, &visits, &rules, None).unwrap();
    assert_eq!(off.weight_faltering, [None, None, None]);
    rules.velocity = true;
    let with = assess(&children, &join, &visits, &rules, None).unwrap();
    assert_eq!(with.weight_faltering, [None, Some(false), Some(false)]);
}

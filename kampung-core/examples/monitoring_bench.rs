//! The speed figure of issue 13: 10 million visits of 1 million children
//! (synthetic, `monitoring::synthetic`) assessed and summarised into SKDN by
//! desa for every month. Prints the wall and CPU time (user + system: the
//! system part is mostly the first touch of the output columns' pages) of
//! each step and the peak memory.
//!
//!     cargo run --release -p kampung-core --example monitoring_bench [CHILDREN] [VISITS_PER_CHILD]
//!
//! `CODES_ONLY=1` leaves the WHO velocity out of the first run too.

use kampung_core::monitoring::{
    assess, join_children, skdn, synthetic, Children, MonitoringRules, Visits,
};
use std::time::Instant;

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// CPU time of this process (user + system), seconds: on a shared machine
/// the wall clock also counts the time other processes hold the core.
fn cpu_seconds() -> f64 {
    let (u, s) = cpu_user_system();
    u + s
}

/// User and system CPU time of this process, seconds.
fn cpu_user_system() -> (f64, f64) {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    // Fields 14 and 15 (utime, stime) are the 12th and 13th after ")".
    let ticks = |i: usize| {
        f.get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(f64::NAN)
    };
    (ticks(11) / 100.0, ticks(12) / 100.0)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n_children: usize = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let per_child: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10);
    let t = Instant::now();
    let s = synthetic::generate(n_children, per_child, 500);
    let n = s.date.len();
    println!(
        "generated {n} visits of {n_children} children in {:.2?} (peak {:.0} MiB)",
        t.elapsed(),
        peak_rss_mib()
    );
    let t = Instant::now();
    let join = join_children(&s.child_id, &s.visit_child);
    let t_join = t.elapsed();
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
    if std::env::var_os("CODES_ONLY").is_some() {
        rules.velocity = false;
    }
    let (t, c, us0) = (Instant::now(), cpu_seconds(), cpu_user_system());
    let a = assess(&children, &join, &visits, &rules, None).expect("shapes");
    let (t_assess, c_assess) = (t.elapsed(), cpu_seconds() - c);
    let us1 = cpu_user_system();
    let (user_assess, sys_assess) = (us1.0 - us0.0, us1.1 - us0.1);
    let coded = a.code.iter().filter(|c| c.is_some()).count();
    let mut codes_only = rules;
    codes_only.velocity = false;
    // Fastest of 3 (the machine is shared: the wall clock also counts time
    // other processes hold the core).
    let (mut t_codes, mut c_codes) = (std::time::Duration::MAX, f64::INFINITY);
    let mut us_codes = (0.0, 0.0);
    for _ in 0..3 {
        let (t, c, us0) = (Instant::now(), cpu_seconds(), cpu_user_system());
        let b = assess(&children, &join, &visits, &codes_only, None).expect("shapes");
        let (tw, tc) = (t.elapsed(), cpu_seconds() - c);
        let us1 = cpu_user_system();
        assert_eq!(a.code, b.code);
        t_codes = t_codes.min(tw);
        if tc < c_codes {
            c_codes = tc;
            us_codes = (us1.0 - us0.0, us1.1 - us0.1);
        }
    }

    let t = Instant::now();
    let period = 12 * 2021 + 6;
    let table = skdn(
        &children, &join, &s.area, s.n_areas, &visits, &a, &rules, period,
    );
    let t_skdn = t.elapsed();
    // SKDN by desa for every month with a kept weighing.
    let (lo, hi) = a
        .period
        .iter()
        .filter(|&&p| p != kampung_core::monitoring::NO_VALUE)
        .fold((i32::MAX, i32::MIN), |(lo, hi), &p| (lo.min(p), hi.max(p)));
    let (t, c) = (Instant::now(), cpu_seconds());
    let mut d_all = 0u64;
    for p in lo..=hi {
        let m = skdn(&children, &join, &s.area, s.n_areas, &visits, &a, &rules, p);
        d_all += (0..m.n_areas()).map(|k| m.area_total(k).d).sum::<u64>();
    }
    let (t_months, c_months) = (t.elapsed(), cpu_seconds() - c);
    let total = (0..table.n_areas()).fold(
        kampung_core::monitoring::SkdnCounts::default(),
        |mut acc, k| {
            acc.add(&table.area_total(k));
            acc
        },
    );
    #[allow(clippy::cast_precision_loss)]
    let rate = n as f64 / c_assess;
    let mut by_code = std::collections::BTreeMap::new();
    for e in &a.errors {
        *by_code.entry(e.error.code().as_str()).or_insert(0usize) += 1;
    }
    println!("join by child id: {t_join:.2?}");
    println!("errors by code: {by_code:?}");
    println!("assess (codes, WAZ, velocity, referral): {t_assess:.2?} wall, {c_assess:.2} s CPU ({user_assess:.2} user + {sys_assess:.2} system) = {:.2} M visits per CPU second ({coded} coded, {} errors)", rate / 1e6, a.errors.len());
    #[allow(clippy::cast_precision_loss)]
    let rate_codes = n as f64 / c_codes;
    println!("assess without velocity (codes, WAZ, lines, referral): {t_codes:.2?} wall, {c_codes:.2} s CPU ({:.2} user + {:.2} system) = {:.2} M visits per CPU second", us_codes.0, us_codes.1, rate_codes / 1e6);
    println!(
        "SKDN of 2021-06 for {} desa: {t_skdn:.2?} (S {} D {} N {} T {})",
        table.n_areas(),
        total.s,
        total.d,
        total.n,
        total.t
    );
    println!(
        "SKDN by desa for each of the {} months {}..{}: {t_months:.2?} wall, {c_months:.2} s CPU (D summed over the months {d_all})",
        hi - lo + 1,
        kampung_core::monitoring::date::format_period(lo),
        kampung_core::monitoring::date::format_period(hi)
    );
    println!("peak memory (VmHWM): {:.0} MiB", peak_rss_mib());
}

//! A deterministic synthetic generator of children and monthly visits, for
//! benchmarks (`benches/monitoring.rs`, `examples/monitoring_bench.rs`):
//! `n_children` children born over five years, `visits_per_child` weighings
//! roughly a month apart (some months skipped, a few weighings twice in a
//! month), weights following a plausible curve with noise, in areas
//! (desa) of `children_per_area` children. No randomness from the clock.

use super::date::to_days;

/// Owned columns of a synthetic population.
#[derive(Clone, Debug, Default)]
#[allow(missing_docs)]
pub struct Synthetic {
    pub child_id: Vec<u64>,
    pub sex: Vec<u8>,
    pub birth: Vec<i32>,
    pub has_kia: Vec<u8>,
    /// Area (desa) index of each child.
    pub area: Vec<u32>,
    pub n_areas: usize,
    pub visit_child: Vec<u64>,
    pub date: Vec<i32>,
    pub weight_kg: Vec<f64>,
}

/// xorshift64*: small, fast, deterministic.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Generates the population (visits in child order, then shuffled in
/// blocks so that the input is not sorted).
pub fn generate(n_children: usize, visits_per_child: usize, children_per_area: usize) -> Synthetic {
    let mut r = Rng(0x9e37_79b9_7f4a_7c15);
    let start = to_days(chrono::NaiveDate::from_ymd_opt(2019, 6, 1).unwrap_or_default());
    let mut s = Synthetic {
        n_areas: n_children.div_ceil(children_per_area.max(1)),
        ..Synthetic::default()
    };
    let n_visits = n_children * visits_per_child;
    s.visit_child.reserve(n_visits);
    s.date.reserve(n_visits);
    s.weight_kg.reserve(n_visits);
    for c in 0..n_children {
        let sex = 1 + u8::from(r.below(2) == 1);
        #[allow(clippy::cast_possible_truncation, clippy::cast_possible_wrap)]
        let birth = start + r.below(1500) as i32;
        s.child_id.push(c as u64 * 7 + 3);
        s.sex.push(sex);
        s.birth.push(birth);
        s.has_kia.push(u8::from(r.below(10) != 0));
        s.area
            .push(u32::try_from(c / children_per_area.max(1)).unwrap_or(0));
        #[allow(clippy::cast_possible_truncation, clippy::cast_possible_wrap)]
        let mut day = birth + 20 + r.below(200) as i32;
        let mut tenths: i64 = 30 + i64::try_from(r.below(15)).unwrap_or(0);
        for _ in 0..visits_per_child {
            let gap = match r.below(20) {
                0 => 3 + r.below(10),      // twice in a month
                1 | 2 => 55 + r.below(10), // a month skipped
                _ => 27 + r.below(8),
            };
            #[allow(clippy::cast_possible_truncation, clippy::cast_possible_wrap)]
            {
                day += gap as i32;
            }
            let age_m = i64::from(day - birth) / 30;
            let typical = if age_m < 6 {
                7
            } else if age_m < 12 {
                3
            } else {
                2
            };
            tenths = (tenths + typical + i64::try_from(r.below(5)).unwrap_or(0) - 2).max(20);
            s.visit_child.push(c as u64 * 7 + 3);
            s.date.push(day);
            #[allow(clippy::cast_precision_loss)]
            s.weight_kg.push(tenths as f64 / 10.0);
        }
    }
    // Shuffle visits in blocks of 4096 (any row order is accepted).
    let n = s.date.len();
    let block = 4096.min(n.max(1));
    for b in (0..n).step_by(block) {
        let end = (b + block).min(n);
        for i in (b + 1..end).rev() {
            let j = b + usize::try_from(r.below((i - b + 1) as u64)).unwrap_or(0);
            s.visit_child.swap(i, j);
            s.date.swap(i, j);
            s.weight_kg.swap(i, j);
        }
    }
    s
}

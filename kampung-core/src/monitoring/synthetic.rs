//! A deterministic synthetic generator of children and monthly visits, for
//! benchmarks (`benches/monitoring.rs`, `examples/monitoring_bench.rs`).
//!
//! * `n_children` children born over about four years (from 2019-06-01),
//!   in areas (desa) of `children_per_area` children; 9 in 10 hold a KIA.
//! * `visits_per_child` weighings roughly a month apart (27-34 days; 1 in
//!   10 a month skipped, 1 in 20 a second weighing 3-12 days later).
//! * Weights: each child follows its own WHO 2006 weight-for-age z track.
//!   The child's level is drawn near −0.6 SD with SD 1 (about the mean
//!   WAZ of Indonesian under-fives in SSGI 2022); the z of a weighing moves
//!   by a mean-reverting step toward that level (`z ← z + 0.2·(level − z) +
//!   0.12·ε`), and the weight is the WHO weight-for-age value at that z and
//!   age in days, `M·(1 + L·S·z)^(1/L)` (WHO_GROWTH.md §1.6), read to 0.1 kg
//!   as a Posyandu dacin or scale is read.
//! * Keying errors, few as in real registers: 1 weighing in 10,000 has its
//!   decimal point slipped (×10), which the checks reject.
//!
//! Normal variates are `√3·(u₁+u₂+u₃+u₄ − 2)` from a xorshift64* stream with
//! a fixed seed: no clock, no randomness between runs.

use super::date::to_days;
use crate::growth::tables::{LmsTable, Table};

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
    /// Uniform on [0, 1).
    #[allow(clippy::cast_precision_loss)]
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// About standard normal: the sum of four uniforms, rescaled.
    fn normal(&mut self) -> f64 {
        let s = self.unit() + self.unit() + self.unit() + self.unit();
        (s - 2.0) * 3f64.sqrt()
    }
}

/// Mean of the children's own WAZ levels.
pub const LEVEL_MEAN: f64 = -0.6;
/// SD of the children's own WAZ levels.
pub const LEVEL_SD: f64 = 1.0;
/// One in this many weighings is keyed with its decimal point slipped.
pub const KEYING_ERROR_EVERY: u64 = 10_000;

/// Generates the population (visits in child order, then shuffled in
/// blocks so that the input is not sorted).
pub fn generate(n_children: usize, visits_per_child: usize, children_per_area: usize) -> Synthetic {
    let mut r = Rng(0x9e37_79b9_7f4a_7c15);
    let start = to_days(chrono::NaiveDate::from_ymd_opt(2019, 6, 1).unwrap_or_default());
    let wfa = LmsTable::bundled(Table::WeightForAge);
    let (first_day, last_day) = wfa
        .as_ref()
        .map_or((0, 0), |t| (t.first_key(), t.last_key()));
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
        let rows = wfa.as_ref().and_then(|t| t.rows(sex)).unwrap_or(&[]);
        let level = LEVEL_MEAN + LEVEL_SD * r.normal();
        let mut z = level + 0.3 * r.normal();
        #[allow(clippy::cast_possible_truncation, clippy::cast_possible_wrap)]
        let mut day = birth + 20 + r.below(200) as i32;
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
            z += 0.2 * (level - z) + 0.12 * r.normal();
            let age = i64::from(day - birth).clamp(first_day, last_day);
            let kg = usize::try_from(age - first_day)
                .ok()
                .and_then(|k| rows.get(k))
                .map_or(10.0, |&[l, m, sd]| m * (1.0 + l * sd * z).powf(1.0 / l));
            let mut kg = (kg * 10.0).round() / 10.0;
            if r.below(KEYING_ERROR_EVERY) == 0 {
                kg *= 10.0;
            }
            s.visit_child.push(c as u64 * 7 + 3);
            s.date.push(day);
            s.weight_kg.push(kg);
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

//! SKDN for any area and calendar month (MONITORING.md §2): S, K, D, N, T,
//! O, B, D′, 2T, BGM with the ratios K/S, D/S, D/K, N/D, N/D′, N/S, T/D,
//! 2T/D, BGM/D (numerator and denominator, 0/0 missing), by sex and age
//! group; parent areas sum counts ([`SkdnTable::rollup`]).
//!
//! Definitions (§2.1): S = registered children 0-59 completed months (on
//! the visit date when weighed in the month, else on the month's last day —
//! DERIVED); K = of S, holding a KMS / Buku KIA (`has_kia`); D = of S, with a
//! kept weighing (code N/T/O/B) in the month from a source in `d_sources`.
//! Identities: `D = N + T + O + B`, `D′ = N + T`, `2T ≤ T`, `BGM ≤ D`,
//! `D ≤ S`, `K ≤ S`.

use super::assess::{Assessment, ChildJoin, Children, Code, VisitStatus, Visits};
use super::date::{civil, completed_months, last_day_of_period, BAD_DATE, NO_DATE};
use super::rules::MonitoringRules;
use crate::kb::indicators::Ratio;
use serde::Serialize;

/// The age groups of the F2 register (\[F2-23\]): completed months.
pub const AGE_GROUPS: [(&str, i32, i32); 5] = [
    ("0-5", 0, 5),
    ("6-11", 6, 11),
    ("12-23", 12, 23),
    ("24-35", 24, 35),
    ("36-59", 36, 59),
];

/// Cells per area: 2 sexes × 5 age groups.
pub const CELLS_PER_AREA: usize = 10;

/// The counts of one cell (area × sex × age group) or of a sum of cells.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[allow(missing_docs)]
pub struct SkdnCounts {
    /// *Sasaran*: registered children 0-59 months.
    pub s: u64,
    /// Of S, holding a KMS / Buku KIA.
    pub k: u64,
    /// Of S, weighed in the month.
    pub d: u64,
    pub n: u64,
    pub t: u64,
    pub o: u64,
    pub b: u64,
    /// Two T in a row.
    pub two_t: u64,
    /// Below the red line.
    pub bgm: u64,
    /// Above the orange line.
    pub above_orange: u64,
    /// Referred under the rule set.
    pub refer: u64,
}

impl SkdnCounts {
    /// Adds `other` (aggregation sums counts, never percentages).
    pub fn add(&mut self, o: &SkdnCounts) {
        self.s += o.s;
        self.k += o.k;
        self.d += o.d;
        self.n += o.n;
        self.t += o.t;
        self.o += o.o;
        self.b += o.b;
        self.two_t += o.two_t;
        self.bgm += o.bgm;
        self.above_orange += o.above_orange;
        self.refer += o.refer;
    }

    /// D′ = D − O − B = N + T (\[SKDN′\]).
    pub fn d_prime(&self) -> u64 {
        self.n + self.t
    }

    /// The nine ratios of §2.2, by name (`K/S` … `BGM/D`). With `has_k`
    /// false (no `has_kia` column) K/S and D/K are omitted.
    pub fn ratios(&self, has_k: bool) -> Vec<(&'static str, Ratio)> {
        let mut v = Vec::with_capacity(9);
        if has_k {
            v.push(("K/S", Ratio::new(self.k, self.s)));
        }
        v.push(("D/S", Ratio::new(self.d, self.s)));
        if has_k {
            v.push(("D/K", Ratio::new(self.d, self.k)));
        }
        v.extend([
            ("N/D", Ratio::new(self.n, self.d)),
            ("N/D′", Ratio::new(self.n, self.d_prime())),
            ("N/S", Ratio::new(self.n, self.s)),
            ("T/D", Ratio::new(self.t, self.d)),
            ("2T/D", Ratio::new(self.two_t, self.d)),
            ("BGM/D", Ratio::new(self.bgm, self.d)),
        ]);
        v
    }

    /// Checks the identities of §2.1; returns the first that fails.
    pub fn check_identities(&self) -> Result<(), &'static str> {
        if self.d != self.n + self.t + self.o + self.b {
            return Err("D = N + T + O + B");
        }
        if self.two_t > self.t {
            return Err("2T <= T");
        }
        if self.bgm > self.d {
            return Err("BGM <= D");
        }
        if self.d > self.s {
            return Err("D <= S");
        }
        if self.k > self.s {
            return Err("K <= S");
        }
        Ok(())
    }
}

/// SKDN of one month for `n_areas` areas, each with its 10 cells
/// (`sex_index · 5 + age_group`, sex index 0 male, 1 female).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SkdnTable {
    /// The month, `12·year + month`.
    pub period: i32,
    /// K was computed (a `has_kia` column was given).
    pub has_k: bool,
    /// `n_areas × 10` cells.
    pub cells: Vec<SkdnCounts>,
}

impl SkdnTable {
    /// Number of areas.
    pub fn n_areas(&self) -> usize {
        self.cells.len() / CELLS_PER_AREA
    }

    /// The cell of `area`, sex index (0 male, 1 female) and age group.
    pub fn cell(&self, area: usize, sex_index: usize, group: usize) -> &SkdnCounts {
        &self.cells[area * CELLS_PER_AREA + sex_index * 5 + group]
    }

    /// The totals of `area` (sum of its cells).
    pub fn area_total(&self, area: usize) -> SkdnCounts {
        let mut t = SkdnCounts::default();
        for c in &self.cells[area * CELLS_PER_AREA..(area + 1) * CELLS_PER_AREA] {
            t.add(c);
        }
        t
    }

    /// Parent areas: cell-wise sums, `parent_of[area]` naming each area's
    /// parent in `0..n_parents` (`u32::MAX`: dropped).
    pub fn rollup(&self, parent_of: &[u32], n_parents: usize) -> SkdnTable {
        let mut cells = vec![SkdnCounts::default(); n_parents * CELLS_PER_AREA];
        for (a, &p) in parent_of.iter().enumerate().take(self.n_areas()) {
            let p = p as usize;
            if p >= n_parents {
                continue;
            }
            for c in 0..CELLS_PER_AREA {
                cells[p * CELLS_PER_AREA + c].add(&self.cells[a * CELLS_PER_AREA + c]);
            }
        }
        SkdnTable {
            period: self.period,
            has_k: self.has_k,
            cells,
        }
    }
}

fn group_of(age_months: i32) -> Option<usize> {
    AGE_GROUPS
        .iter()
        .position(|(_, lo, hi)| (*lo..=*hi).contains(&age_months))
}

/// SKDN of the month `period` from an [`assess`](super::assess()) result.
/// `area[row]` is the area of each children row (`u32::MAX`: no area, not
/// counted); `n_areas` the number of areas. Children rows whose sex or date
/// of birth is invalid, and repeated rows of one id, are not counted.
#[allow(clippy::too_many_arguments)]
pub fn skdn(
    children: &Children<'_>,
    join: &ChildJoin,
    area: &[u32],
    n_areas: usize,
    visits: &Visits<'_>,
    assessment: &Assessment,
    rules: &MonitoringRules,
    period: i32,
) -> SkdnTable {
    let n_children = children.sex.len();
    let month_end = last_day_of_period(period).unwrap_or(i32::MAX);
    // The kept weighing of each child in the month (visit index + 1).
    let mut weighed = vec![0u32; n_children];
    for (i, &st) in assessment.status.iter().enumerate() {
        if st != VisitStatus::Coded || assessment.period[i] != period {
            continue;
        }
        let src = visits.source.map_or(0, |c| c[i]);
        if !rules.counts_in_d(src) {
            continue;
        }
        if let Some(&c) = visits
            .child
            .get(i)
            .and_then(|&c| join.first_row.get(c as usize))
        {
            weighed[c as usize] = u32::try_from(i + 1).unwrap_or(0);
        }
    }
    let mut cells = vec![SkdnCounts::default(); n_areas * CELLS_PER_AREA];
    let end_ymd = civil(month_end);
    for row in 0..n_children {
        if join.first_row.get(row).copied() != u32::try_from(row).ok() {
            continue;
        }
        let a = area.get(row).copied().unwrap_or(u32::MAX) as usize;
        let si = match children.sex[row] {
            1 => 0,
            2 => 1,
            _ => continue,
        };
        let birth = children.birth[row];
        if birth == NO_DATE || birth == BAD_DATE || birth > month_end || a >= n_areas {
            continue;
        }
        let w = weighed[row] as usize;
        let age = if w > 0 {
            assessment.age_months[w - 1]
        } else {
            completed_months(civil(birth), end_ymd)
        };
        let Some(g) = group_of(age) else { continue };
        let c = &mut cells[a * CELLS_PER_AREA + si * 5 + g];
        c.s += 1;
        if children.has_kia.is_some_and(|k| k[row] == 1) {
            c.k += 1;
        }
        if w > 0 {
            let i = w - 1;
            c.d += 1;
            match assessment.code[i] {
                Some(Code::N) => c.n += 1,
                Some(Code::T) => c.t += 1,
                Some(Code::O) => c.o += 1,
                Some(Code::B) => c.b += 1,
                None => {}
            }
            if assessment.t_run[i] >= 2 {
                c.two_t += 1;
            }
            if assessment.bgm[i] == Some(true) {
                c.bgm += 1;
            }
            if assessment.above_orange[i] == Some(true) {
                c.above_orange += 1;
            }
            if assessment.refer_reasons[i] != 0 {
                c.refer += 1;
            }
        }
    }
    SkdnTable {
        period,
        has_k: children.has_kia.is_some(),
        cells,
    }
}

//! SKDN of one calendar month in the village report (`kampung report
//! --month YYYY-MM`; MONITORING.md §2, issue 13 point 5).
//!
//! A register family holds every visit of each of its children, so the
//! monthly codes are computed per family, locally and exactly: each
//! family's contribution runs the growth-monitoring assessment
//! ([`crate::monitoring::assess()`]: validation across visits, N/T/O/B,
//! 2T, BGM, referral) on its members' measurements and counts the month
//! with [`crate::monitoring::skdn()`] — the one implementation of the
//! rules; nothing is re-implemented here. The family's area is its region
//! code (desa/kelurahan); the report sums the counts of each region's
//! families and adds them up to kecamatan, kabupaten/kota, province and
//! the total (parents sum counts, never percentages), then computes the
//! ratios with numerator and denominator
//! ([`SkdnCounts::ratios`](crate::monitoring::SkdnCounts::ratios)).
//!
//! What the register does not carry, as MONITORING.md states it:
//! - **K** needs `has_kia` (a KMS / Buku KIA per child, §2.1), which the
//!   register's members have no field for: K, K/S and D/K are reported
//!   as *not available* (`null`), never as 0.
//! - **`source`** of a visit (§4.1): absent, so every kept weighing counts
//!   in D (`d_sources` default: all) and none is a birth record.
//! - **`posyandu_id`**: absent; the area is the family's region code.
//!
//! Weighings the assessment rejects (§4.2: e.g. a 20 % loss, the same date
//! twice with different values) get no code and are not in D; the report
//! counts those of the month (`weighings_rejected`) so a low D is explained.

use crate::id::wilayah::KodeWilayah;
use crate::monitoring::assess::{assess, ChildJoin, Children, VisitStatus, Visits};
use crate::monitoring::date::{civil, completed_months, period, to_days, YearMonth};
use crate::monitoring::rules::MonitoringRules;
use crate::monitoring::skdn::{skdn, SkdnCounts, AGE_GROUPS, CELLS_PER_AREA};
use crate::register::RegisterFamily;
use crate::report::aggregate::{region_name, RowLevel};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The SKDN part of a report run: the month and the monitoring rule set
/// (default `kia2023`, MONITORING.md R9).
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct SkdnOptions {
    /// The calendar month of the table.
    pub month: YearMonth,
    /// The rule set (N/T decision, lines, referral).
    pub rules: MonitoringRules,
}

impl SkdnOptions {
    /// `month` under the default rule set `kia2023`.
    pub fn new(month: YearMonth) -> SkdnOptions {
        SkdnOptions {
            month,
            rules: MonitoringRules::kia2023(),
        }
    }

    /// With the rule set `rules` (e.g. [`MonitoringRules::legacy_2t`]).
    #[must_use]
    pub fn with_rules(mut self, rules: MonitoringRules) -> Self {
        self.rules = rules;
        self
    }

    /// Checks the month against the reference date: a month that starts
    /// after `as_of` has no weighings yet.
    ///
    /// # Errors
    /// `date_in_future` at `month` (with `as_of`).
    pub fn check(&self, as_of: NaiveDate) -> Result<(), crate::FieldError> {
        match self.month.first_day() {
            Some(d) if d <= as_of => Ok(()),
            _ => Err(
                crate::FieldError::at("month", crate::ErrorCode::DateInFuture)
                    .with_param("as_of", as_of.to_string()),
            ),
        }
    }

    /// What a report state records to refuse merging parts computed
    /// differently.
    pub(crate) fn header(&self) -> SkdnHeader {
        SkdnHeader {
            month: self.month,
            rules: serde_json::to_value(self.rules).unwrap_or(Value::Null),
        }
    }
}

/// The month and the rule set (serialised) of a run, as the aggregation
/// and a [`crate::report::ReportState`] keep them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SkdnHeader {
    pub month: YearMonth,
    pub rules: Value,
}

/// What one family adds to the month's SKDN: the non-empty cells
/// (`sex_index · 5 + age group`, as [`crate::monitoring::SkdnTable`]) of
/// its children, and its weighings of the month that the assessment
/// rejected.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FamilySkdn {
    /// `(cell, counts)`, cells in increasing order.
    pub cells: Vec<(u8, SkdnCounts)>,
    /// Weighings in the month rejected by the cross-visit checks (§4.2).
    pub weighings_rejected: u32,
}

/// Counts per stored cell: `cell, s, k, d, n, t, o, b, 2t, bgm, above_orange, refer`.
const STORED_CELL: usize = 12;

/// More children than this in one cell of one family can only come from a
/// forged or corrupted state: such a state is refused, so sums over
/// families cannot overflow.
const MAX_STORED_COUNT: u64 = 1 << 16;

impl FamilySkdn {
    /// The compact form a report state stores: `[]` when empty, else the
    /// rejected count then 12 numbers per cell.
    pub(crate) fn to_stored(&self) -> Vec<u64> {
        if self.cells.is_empty() && self.weighings_rejected == 0 {
            return Vec::new();
        }
        let mut v = Vec::with_capacity(1 + STORED_CELL * self.cells.len());
        v.push(u64::from(self.weighings_rejected));
        for (cell, c) in &self.cells {
            v.extend([
                u64::from(*cell),
                c.s,
                c.k,
                c.d,
                c.n,
                c.t,
                c.o,
                c.b,
                c.two_t,
                c.bgm,
                c.above_orange,
                c.refer,
            ]);
        }
        v
    }

    /// Back from [`FamilySkdn::to_stored`] (`None` when malformed).
    pub(crate) fn from_stored(v: &[u64]) -> Option<FamilySkdn> {
        let Some((rejected, rest)) = v.split_first() else {
            return Some(FamilySkdn::default());
        };
        if rest.len() % STORED_CELL != 0 {
            return None;
        }
        let mut cells = Vec::with_capacity(rest.len() / STORED_CELL);
        for x in rest.chunks_exact(STORED_CELL) {
            if x[1..].iter().any(|&n| n > MAX_STORED_COUNT) {
                return None;
            }
            let cell = u8::try_from(x[0])
                .ok()
                .filter(|c| usize::from(*c) < CELLS_PER_AREA)?;
            let c = SkdnCounts {
                s: x[1],
                k: x[2],
                d: x[3],
                n: x[4],
                t: x[5],
                o: x[6],
                b: x[7],
                two_t: x[8],
                bgm: x[9],
                above_orange: x[10],
                refer: x[11],
            };
            c.check_identities().ok()?;
            cells.push((cell, c));
        }
        Some(FamilySkdn {
            cells,
            weighings_rejected: u32::try_from(*rejected).ok()?,
        })
    }
}

/// The month's SKDN membership of one family's children (a pure function):
/// the members who can be 0-59 completed months in the month are the
/// children, their measurements the visits; [`assess()`] codes every
/// visit (reference date `as_of`) and [`skdn()`] counts the month in one
/// area.
pub fn family_skdn(rf: &RegisterFamily, as_of: NaiveDate, o: &SkdnOptions) -> FamilySkdn {
    let (Some(first), Some(last)) = (o.month.first_day(), o.month.last_day()) else {
        return FamilySkdn::default();
    };
    let members = rf.family.members();
    let start = civil(to_days(first));
    // Members born by the month's end and under 60 months at its start.
    let mut row_of = vec![u32::MAX; members.len()];
    let (mut sex, mut birth) = (Vec::new(), Vec::new());
    for (i, p) in members.iter().enumerate() {
        let b = p.birth_date();
        if b <= last && completed_months(civil(to_days(b)), start) < 60 {
            row_of[i] = u32::try_from(sex.len()).unwrap_or(u32::MAX);
            sex.push(p.sex().code());
            birth.push(to_days(b));
        }
    }
    if sex.is_empty() {
        return FamilySkdn::default();
    }
    let mut child = Vec::new();
    let (mut date, mut weight, mut lenhei) = (Vec::new(), Vec::new(), Vec::new());
    let (mut measure, mut oedema) = (Vec::new(), Vec::new());
    for m in &rf.measurements {
        let Some(&row) = row_of.get(m.member).filter(|r| **r != u32::MAX) else {
            continue;
        };
        child.push(row);
        date.push(to_days(m.measured_on));
        weight.push(m.weight_kg.unwrap_or(f64::NAN));
        lenhei.push(m.length_cm.unwrap_or(f64::NAN));
        measure.push(match m.measure {
            Some(crate::growth::Measure::Length) => b'l',
            Some(crate::growth::Measure::Height) => b'h',
            None => 0,
        });
        oedema.push(u8::from(m.oedema));
    }
    let join = ChildJoin {
        first_row: (0..u32::try_from(sex.len()).unwrap_or(u32::MAX)).collect(),
        child_of_visit: child,
    };
    let children = Children {
        sex: &sex,
        birth: &birth,
        has_kia: None,
    };
    let visits = Visits {
        child: &join.child_of_visit,
        date: &date,
        weight_kg: &weight,
        lenhei_cm: Some(&lenhei),
        measure: Some(&measure),
        oedema: Some(&oedema),
        ..Visits::default()
    };
    // Only the codes are needed: the velocity z-scores change no count.
    let mut rules = o.rules;
    rules.velocity = false;
    // The columns above have one length each: a shape error cannot happen.
    let Ok(a) = assess(&children, &join, &visits, &rules, Some(to_days(as_of))) else {
        return FamilySkdn::default();
    };
    let p = o.month.period();
    let area = vec![0u32; sex.len()];
    let table = skdn(&children, &join, &area, 1, &visits, &a, &rules, p);
    let cells = table
        .cells
        .iter()
        .enumerate()
        .filter(|(_, c)| **c != SkdnCounts::default())
        .map(|(i, c)| (u8::try_from(i).unwrap_or(u8::MAX), *c))
        .collect();
    let rejected = a
        .status
        .iter()
        .zip(&date)
        .filter(|(s, d)| **s == VisitStatus::Rejected && period(**d) == p)
        .count();
    FamilySkdn {
        cells,
        weighings_rejected: u32::try_from(rejected).unwrap_or(u32::MAX),
    }
}

/// The cells of one region.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Leaf {
    cells: [SkdnCounts; CELLS_PER_AREA],
    rejected: u64,
}

impl Leaf {
    fn add(&mut self, o: &Leaf) {
        for (a, b) in self.cells.iter_mut().zip(&o.cells) {
            a.add(b);
        }
        self.rejected += o.rejected;
    }
}

/// Sums families' [`FamilySkdn`] by region (inside
/// [`crate::report::Aggregator`]); does nothing without a month.
#[derive(Clone, Debug, Default)]
pub(crate) struct SkdnAggregator {
    pub header: Option<SkdnHeader>,
    leaves: BTreeMap<KodeWilayah, Leaf>,
}

impl SkdnAggregator {
    /// Adds one family of `region`.
    pub fn add(&mut self, region: KodeWilayah, f: &FamilySkdn) {
        if self.header.is_none() {
            return;
        }
        let leaf = self.leaves.entry(region).or_default();
        for (cell, c) in &f.cells {
            if let Some(x) = leaf.cells.get_mut(usize::from(*cell)) {
                x.add(c);
            }
        }
        leaf.rejected += u64::from(f.weighings_rejected);
    }

    /// Adds everything of `other`.
    pub fn merge(&mut self, other: &SkdnAggregator) {
        for (k, l) in &other.leaves {
            self.leaves.entry(*k).or_default().add(l);
        }
    }

    /// The table: the total, then every region at every level present,
    /// parents (sums of their leaves) before their children, in code order.
    pub fn report(&self) -> Option<SkdnReport> {
        let header = self.header.as_ref()?;
        let mut all: BTreeMap<String, (KodeWilayah, Leaf)> = BTreeMap::new();
        let mut total = Leaf::default();
        for (code, leaf) in &self.leaves {
            total.add(leaf);
            let mut k = Some(*code);
            while let Some(code) = k {
                all.entry(code.as_plain().to_owned())
                    .or_insert((code, Leaf::default()))
                    .1
                    .add(leaf);
                k = code.parent();
            }
        }
        let row = |level, code: Option<&KodeWilayah>, l: Leaf| SkdnRow {
            level,
            code: code.map(ToString::to_string),
            name: code.and_then(region_name),
            cells: l.cells,
            weighings_rejected: l.rejected,
        };
        let mut rows = vec![row(RowLevel::Total, None, total)];
        rows.extend(
            all.into_values()
                .map(|(k, l)| row(k.level().into(), Some(&k), l)),
        );
        Some(SkdnReport {
            month: header.month,
            rules: header.rules["name"].as_str().unwrap_or_default().to_owned(),
            has_k: false,
            rows,
        })
    }
}

/// The month's SKDN table of a report (MONITORING.md §2): by region, with
/// every count, ratio and the breakdown by sex and age group.
#[derive(Clone, Debug, PartialEq)]
pub struct SkdnReport {
    /// The month.
    pub month: YearMonth,
    /// The rule set's name (`kia2023`, `legacy_2t`).
    pub rules: String,
    /// K is known. Always false for a register, which does not record the
    /// KMS / Buku KIA (`has_kia`): K, K/S and D/K are not available.
    pub has_k: bool,
    /// The total, then every region at every level present (the order of
    /// [`crate::report::Report::rows`]).
    pub rows: Vec<SkdnRow>,
}

/// The SKDN of one region (or the total).
#[derive(Clone, Debug, PartialEq)]
pub struct SkdnRow {
    /// Level.
    pub level: RowLevel,
    /// Region code, dotted; `None` for the total.
    pub code: Option<String>,
    /// The region's name when the gazetteer gives it.
    pub name: Option<String>,
    /// The cells `sex_index · 5 + age group` (sex index 0 male, 1 female;
    /// age groups [`AGE_GROUPS`]).
    pub cells: [SkdnCounts; CELLS_PER_AREA],
    /// Weighings of the month rejected by the cross-visit checks.
    pub weighings_rejected: u64,
}

impl SkdnRow {
    /// The region's counts (the sum of its cells).
    pub fn total(&self) -> SkdnCounts {
        let mut t = SkdnCounts::default();
        for c in &self.cells {
            t.add(c);
        }
        t
    }

    /// The row as JSON: `level, code, name`, the counts and ratios as
    /// [`crate::monitoring::records::skdn_row_json`] writes them (the
    /// columns of `kampung.monitoring.skdn`; `K` null when not available),
    /// `weighings_rejected`, and `by_sex_age`: the non-empty cells with
    /// `sex` (`L`/`P`), `age_group` and their counts.
    pub fn to_json(&self, has_k: bool, month: YearMonth) -> Value {
        let mut v = crate::monitoring::records::skdn_row_json(
            "code",
            self.code.as_deref().unwrap_or_default(),
            &self.total(),
            has_k,
            month.period(),
        );
        let cells: Vec<Value> = self
            .cells
            .iter()
            .enumerate()
            .filter(|(_, c)| c.s > 0)
            .map(|(i, c)| {
                json!({
                    "sex": if i < 5 { "L" } else { "P" },
                    "age_group": AGE_GROUPS[i % 5].0,
                    "S": c.s, "K": if has_k { json!(c.k) } else { Value::Null },
                    "D": c.d, "N": c.n, "T": c.t, "O": c.o, "B": c.b,
                    "2T": c.two_t, "BGM": c.bgm, "above_orange": c.above_orange, "refer": c.refer,
                })
            })
            .collect();
        if let Value::Object(m) = &mut v {
            m.insert("level".into(), json!(self.level));
            m.insert("code".into(), json!(self.code));
            m.insert("name".into(), json!(self.name));
            m.insert("weighings_rejected".into(), json!(self.weighings_rejected));
            m.insert("by_sex_age".into(), Value::Array(cells));
        }
        v
    }
}

impl SkdnReport {
    /// The table as JSON: `{month, rules, k_available, rows: [...]}`
    /// ([`SkdnRow::to_json`]).
    pub fn to_json(&self) -> Value {
        json!({
            "month": self.month,
            "rules": self.rules,
            "k_available": self.has_k,
            "rows": self.rows.iter().map(|r| r.to_json(self.has_k, self.month)).collect::<Vec<_>>(),
        })
    }

    /// The row of region `code` (dotted, as in the report), or of the
    /// total for `None`.
    pub fn row(&self, code: Option<&str>) -> Option<&SkdnRow> {
        self.rows.iter().find(|r| r.code.as_deref() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The stored form reads back exactly; a malformed one (wrong length,
    /// a cell out of range, counts that break an identity) is refused.
    #[test]
    fn stored_form_round_trips_and_refuses_malformed() {
        let c = SkdnCounts {
            s: 2,
            d: 2,
            n: 1,
            t: 1,
            two_t: 1,
            refer: 1,
            ..SkdnCounts::default()
        };
        let f = FamilySkdn {
            cells: vec![
                (3, c),
                (
                    9,
                    SkdnCounts {
                        s: 1,
                        ..SkdnCounts::default()
                    },
                ),
            ],
            weighings_rejected: 1,
        };
        let v = f.to_stored();
        assert_eq!(v.len(), 1 + 2 * STORED_CELL);
        assert_eq!(FamilySkdn::from_stored(&v), Some(f.clone()));
        assert_eq!(FamilySkdn::default().to_stored(), Vec::<u64>::new());
        assert_eq!(FamilySkdn::from_stored(&[]), Some(FamilySkdn::default()));
        assert_eq!(FamilySkdn::from_stored(&v[..v.len() - 1]), None);
        let mut bad_cell = v.clone();
        bad_cell[1] = 10;
        assert_eq!(FamilySkdn::from_stored(&bad_cell), None);
        let mut bad_identity = v;
        bad_identity[4] = 5; // D > S
        assert_eq!(FamilySkdn::from_stored(&bad_identity), None);
        // Counts that keep the identities but no family can have (their
        // sums over families would overflow): refused.
        let mut forged = f.to_stored();
        for (at, n) in [(2, u64::MAX), (4, u64::MAX), (5, u64::MAX), (6, 0), (9, 0)] {
            forged[at] = n; // S = D = N, T = 2T = 0
        }
        assert_eq!(forged[3], 0, "K");
        assert_eq!(FamilySkdn::from_stored(&forged), None);
        for at in [2, 4, 5] {
            forged[at] = MAX_STORED_COUNT;
        }
        assert!(FamilySkdn::from_stored(&forged).is_some(), "at the bound");
    }

    #[test]
    fn months_serialise_as_text() {
        let m = YearMonth::parse("2024-02").unwrap_or_else(|_| unreachable!());
        assert_eq!(
            serde_json::to_string(&m).ok().as_deref(),
            Some("\"2024-02\"")
        );
        assert_eq!(
            serde_json::from_str::<YearMonth>("\"2024-02\"").ok(),
            Some(m)
        );
        assert!(serde_json::from_str::<YearMonth>("\"2024-2\"").is_err());
        assert_eq!(m.last_day(), NaiveDate::from_ymd_opt(2024, 2, 29));
        let as_of = NaiveDate::from_ymd_opt(2024, 2, 1).unwrap_or_default();
        assert!(SkdnOptions::new(m).check(as_of).is_ok());
        let before = NaiveDate::from_ymd_opt(2024, 1, 31).unwrap_or_default();
        assert!(SkdnOptions::new(m).check(before).is_err());
    }
}

//! A report's state before it is finished: serialisable, and merged
//! exactly. Parts of one register (the partitions of a Spark job, the
//! files of a month, the chunks of a stream) each give a [`ReportState`];
//! merged in any order and finished, they give the report of the whole
//! register read in one pass, byte for byte (the property test
//! `partials_merge_to_the_one_pass_report`).
//!
//! What makes it exact: everything that does not depend on the other
//! parts is settled in the part (validation, contributions, the problems
//! and counts of invalid records); what does — which family keeps a Nomor
//! KK or a NIK ([`crate::register::DuplicateGuard`]: the first family
//! counted, in the register's order) — is decided when the state is
//! finished, over every family that validated, in (part, record) order.
//! So a state holds each valid family's identifiers and contribution
//! (about 100 bytes per family in memory, more in JSON); counters per
//! region are computed at the end.
//!
//! A part is numbered by the caller ([`super::ReportOptions::with_part`]); its
//! records by their line (or row) in the part, plus
//! [`super::ReportOptions::with_first_record`] to number them as in the whole
//! register. Entity tables must be split by family (every row of one
//! `no_kk` in one part), since a member row's family must be in its part.

use super::engine::collect::{Candidate, Collector};
use super::exclusions::{Excluded, Exclusions, Problem};
use super::skdn::{FamilySkdn, SkdnHeader};
use super::{Aggregator, FamilyContribution, Report};
use crate::error::{ErrorCode, FieldError, FieldPath, ParamValue, PathSegment};
use crate::kb::method::{Method, NonUseReason};
use crate::register::table::EntityTable;
use crate::register::DuplicateGuard;
use crate::KodeWilayah;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A report's mergeable state (see the module documentation).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportState {
    as_of: NaiveDate,
    /// Records settled in their part: invalid families, rows without a family.
    exclusions: Exclusions,
    /// Their problems: the first `errors_kept` in (part, record) order.
    problems: Vec<StoredProblem>,
    /// Problems of settled records not kept.
    problems_dropped: u64,
    /// Rows without a family (after every family in the report).
    tail: Vec<StoredProblem>,
    errors_kept: usize,
    /// Every family that validated, in (part, record) order.
    families: Vec<StoredFamily>,
    /// The survey design of the growth prevalences (absent: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    design: Option<Box<super::ReportDesign>>,
    /// The SKDN month and rule set, when asked for (absent otherwise, so a
    /// state without a month is written as before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    skdn: Option<SkdnHeader>,
}

/// Why two states cannot be merged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MergeError {
    /// The states were computed with different reference dates.
    #[error("the parts have different reference dates ({0} and {1})")]
    AsOf(NaiveDate, NaiveDate),
    /// The states were computed with different survey designs.
    #[error("the parts have different survey designs")]
    Design,
    /// The states were computed for different SKDN months or rule sets
    /// (or one with a month and one without).
    #[error("the parts have different SKDN months or rule sets")]
    Skdn,
}

impl ReportState {
    pub(super) fn from_collector(
        c: Collector,
        as_of: NaiveDate,
        part: u64,
        errors_kept: usize,
    ) -> ReportState {
        let design = c.design.clone().map(Box::new);
        let skdn = c.skdn_header();
        let (exclusions, problems, dropped, tail, families) = c.into_deferred();
        ReportState {
            design,
            as_of,
            exclusions,
            problems: problems
                .into_iter()
                .map(|p| StoredProblem::new(part, p))
                .collect(),
            problems_dropped: dropped,
            tail: tail
                .into_iter()
                .map(|p| StoredProblem::new(part, p))
                .collect(),
            errors_kept,
            families: families
                .into_iter()
                .map(|f| StoredFamily::new(part, f))
                .collect(),
            skdn,
        }
    }

    /// The reference date.
    pub fn as_of(&self) -> NaiveDate {
        self.as_of
    }

    /// Number of families that validated so far (their duplicates not yet decided).
    pub fn valid_families(&self) -> usize {
        self.families.len()
    }

    /// Adds another part of the same register (parts may be merged in any
    /// order and grouping: the result is the same).
    ///
    /// # Errors
    /// [`MergeError::AsOf`] when the reference dates differ.
    pub fn merge(&mut self, other: ReportState) -> Result<(), MergeError> {
        if self.as_of != other.as_of {
            return Err(MergeError::AsOf(self.as_of, other.as_of));
        }
        if self.design != other.design {
            return Err(MergeError::Design);
        }
        if self.skdn != other.skdn {
            return Err(MergeError::Skdn);
        }
        self.exclusions.merge(&other.exclusions);
        self.problems = merge_sorted(
            std::mem::take(&mut self.problems),
            other.problems,
            StoredProblem::key,
        );
        self.problems_dropped += other.problems_dropped;
        self.errors_kept = self.errors_kept.min(other.errors_kept);
        if self.problems.len() > self.errors_kept {
            self.problems_dropped += (self.problems.len() - self.errors_kept) as u64;
            self.problems.truncate(self.errors_kept);
        }
        self.tail = merge_sorted(
            std::mem::take(&mut self.tail),
            other.tail,
            StoredProblem::key,
        );
        self.families = merge_sorted(std::mem::take(&mut self.families), other.families, |f| {
            (f.part, f.record)
        });
        Ok(())
    }

    /// Merges many parts at once (a Spark driver's merge): the same result
    /// as merging them one by one with [`ReportState::merge`] in the given
    /// order, in O(n log k) for n families in k parts instead of the
    /// O(n·k) of a fold (each `merge` copies the families gathered so far).
    /// `None` when `states` is empty.
    ///
    /// # Errors
    /// [`MergeError::AsOf`] when the reference dates differ.
    pub fn merge_all(
        states: impl IntoIterator<Item = ReportState>,
    ) -> Result<Option<ReportState>, MergeError> {
        let mut states = states.into_iter();
        let Some(mut acc) = states.next() else {
            return Ok(None);
        };
        let mut problems = vec![std::mem::take(&mut acc.problems)];
        let mut tails = vec![std::mem::take(&mut acc.tail)];
        let mut families = vec![std::mem::take(&mut acc.families)];
        for s in states {
            if s.as_of != acc.as_of {
                return Err(MergeError::AsOf(acc.as_of, s.as_of));
            }
            if s.design != acc.design {
                return Err(MergeError::Design);
            }
            if s.skdn != acc.skdn {
                return Err(MergeError::Skdn);
            }
            acc.exclusions.merge(&s.exclusions);
            acc.problems_dropped += s.problems_dropped;
            acc.errors_kept = acc.errors_kept.min(s.errors_kept);
            problems.push(s.problems);
            tails.push(s.tail);
            families.push(s.families);
        }
        // A stable sort of the concatenated runs keeps the earlier state
        // first on equal keys, as `merge_sorted` does; the sort merges the
        // already sorted runs.
        let concat_sorted = |runs: Vec<Vec<StoredProblem>>| {
            let mut all: Vec<StoredProblem> = runs.into_iter().flatten().collect();
            all.sort_by_key(StoredProblem::key);
            all
        };
        acc.problems = concat_sorted(problems);
        if acc.problems.len() > acc.errors_kept {
            acc.problems_dropped += (acc.problems.len() - acc.errors_kept) as u64;
            acc.problems.truncate(acc.errors_kept);
        }
        acc.tail = concat_sorted(tails);
        let mut all: Vec<StoredFamily> = families.into_iter().flatten().collect();
        all.sort_by_key(|f| (f.part, f.record));
        acc.families = all;
        Ok(Some(acc))
    }

    /// The report: duplicates decided over every family in (part, record)
    /// order, counters by region, exclusions, problems.
    pub fn finish(self) -> Report {
        let mut guard = DuplicateGuard::new();
        let mut aggregator = Aggregator::new();
        aggregator.skdn.header = self.skdn;
        let mut ex = self.exclusions;
        // Problems with their order: (part, record, source), source 0 for a
        // family's own problems.
        let mut problems: Vec<((u64, u64), Problem)> = self
            .problems
            .into_iter()
            .filter_map(|p| Some((p.key(), p.problem()?)))
            .collect();
        for f in self.families {
            ex.families_read += 1;
            let key = (f.part, f.record);
            let Some(contribution) = f.contribution.contribution() else {
                continue;
            };
            match guard.admit_ids(f.kk, &f.niks, f.record) {
                Ok(()) => {
                    aggregator.add(&contribution);
                    ex.families_included += 1;
                    ex.measurements_excluded += u64::from(f.measurements_excluded);
                    let mut by_measurement: std::collections::BTreeMap<
                        Option<u32>,
                        Vec<FieldError>,
                    > = std::collections::BTreeMap::new();
                    for (m, p) in &f.problems {
                        if let Some(p) = p.problem() {
                            by_measurement.entry(*m).or_default().push(p.error);
                        }
                    }
                    for errors in by_measurement.values() {
                        ex.count(errors);
                    }
                    problems.extend(
                        f.problems
                            .into_iter()
                            .filter_map(|(_, p)| Some((key, p.problem()?))),
                    );
                }
                Err(errs) => {
                    ex.families_excluded += 1;
                    ex.count(errs.errors());
                    problems.extend(errs.into_vec().into_iter().map(|error| {
                        (
                            key,
                            Problem {
                                table: EntityTable::Families,
                                record: f.record,
                                error,
                                excluded: Excluded::Family,
                            },
                        )
                    }));
                }
            }
        }
        // Stable: the problems of one record keep their order.
        problems.sort_by_key(|(k, _)| *k);
        let mut errors: Vec<Problem> = problems.into_iter().map(|(_, p)| p).collect();
        errors.extend(self.tail.into_iter().filter_map(|p| p.problem()));
        let mut truncated = self.problems_dropped;
        if errors.len() > self.errors_kept {
            truncated += (errors.len() - self.errors_kept) as u64;
            errors.truncate(self.errors_kept);
        }
        let (rows, design) = aggregator.rows_with(self.design.as_deref());
        Report {
            design,
            as_of: self.as_of,
            as_of_today: None,
            sources: Vec::new(),
            rows,
            kampung_kb: Vec::new(),
            exclusions: ex,
            errors,
            errors_truncated: truncated,
            skdn: aggregator.skdn.report(),
        }
    }
}

/// `a` and `b`, each sorted by `key`, as one sorted list (`a` first on ties).
fn merge_sorted<T, K: Ord>(a: Vec<T>, b: Vec<T>, key: impl Fn(&T) -> K) -> Vec<T> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let mut b = b.into_iter().peekable();
    for x in a {
        while b.peek().is_some_and(|y| key(y) < key(&x)) {
            out.extend(b.next());
        }
        out.push(x);
    }
    out.extend(b);
    out
}

/// One valid family of a state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredFamily {
    part: u64,
    record: u64,
    kk: u64,
    niks: Vec<(u32, u64)>,
    contribution: StoredContribution,
    measurements_excluded: u32,
    /// Problems of its excluded measurements, with each measurement's position.
    problems: Vec<(Option<u32>, StoredProblem)>,
}

impl StoredFamily {
    fn new(part: u64, c: Candidate) -> StoredFamily {
        StoredFamily {
            part,
            record: c.record,
            kk: c.kk,
            niks: c.niks,
            contribution: StoredContribution::new(&c.contribution),
            measurements_excluded: c.excluded,
            problems: c
                .problems
                .into_iter()
                .map(|(m, p)| (m, StoredProblem::new(part, p)))
                .collect(),
        }
    }
}

/// A [`FamilyContribution`] in a serialisable form (codes as text).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredContribution {
    region: KodeWilayah,
    flags: u8,
    factors: u8,
    children_under5: u32,
    kb: Option<(String, Option<String>)>,
    children_measured: u32,
    /// Stunting, wasting, underweight, overweight: (numerator, denominator, flagged).
    growth: [(u64, u64, u64); 4],
    /// The family's survey design (absent: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    design: Option<Box<super::FamilyDesign>>,
    /// The month's SKDN (`FamilySkdn::to_stored`; absent when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    skdn: Vec<u64>,
}

impl StoredContribution {
    fn new(c: &FamilyContribution) -> StoredContribution {
        let flags = [
            c.sasaran,
            c.krs,
            c.has_baduta,
            c.has_balita,
            c.pus,
            c.pus_hamil,
        ]
        .iter()
        .enumerate()
        .fold(0u8, |acc, (i, b)| acc | (u8::from(*b) << i));
        let p = |x: &super::aggregate::Prevalence| (x.numerator, x.denominator, x.flagged);
        StoredContribution {
            region: c.region,
            flags,
            factors: c.factors,
            children_under5: c.children_under5,
            kb: c
                .kb
                .map(|(m, r)| (m.as_str().to_owned(), r.map(|r| reason_code(r).to_owned()))),
            children_measured: c.children_measured,
            growth: [
                p(&c.stunting),
                p(&c.wasting),
                p(&c.underweight),
                p(&c.overweight),
            ],
            design: c.design.clone(),
            skdn: c.skdn.to_stored(),
        }
    }

    /// The contribution back (`None` when a code is not known).
    fn contribution(&self) -> Option<FamilyContribution> {
        let f = |i: u8| self.flags >> i & 1 == 1;
        let kb = match &self.kb {
            None => None,
            Some((m, r)) => Some((
                Method::parse(m).ok()?,
                match r {
                    None => None,
                    Some(r) => Some(NonUseReason::parse(r).ok()?),
                },
            )),
        };
        let p = |i: usize| {
            let (numerator, denominator, flagged) = self.growth.get(i).copied().unwrap_or_default();
            super::aggregate::Prevalence {
                numerator,
                denominator,
                flagged,
            }
        };
        Some(FamilyContribution {
            region: self.region,
            sasaran: f(0),
            krs: f(1),
            factors: self.factors,
            has_baduta: f(2),
            has_balita: f(3),
            children_under5: self.children_under5,
            pus: f(4),
            pus_hamil: f(5),
            kb,
            children_measured: self.children_measured,
            stunting: p(0),
            wasting: p(1),
            underweight: p(2),
            overweight: p(3),
            design: self.design.clone(),
            skdn: FamilySkdn::from_stored(&self.skdn)?,
        })
    }
}

fn reason_code(r: NonUseReason) -> &'static str {
    match r {
        NonUseReason::Hamil => "hamil",
        NonUseReason::InginAnakSegera => "ingin_anak_segera",
        NonUseReason::Iat => "iat",
        NonUseReason::Tial => "tial",
    }
}

/// The field and parameter names a register problem can have: a stored
/// problem names them by text, and reading it back takes the name from
/// here (names are `&'static str` in [`FieldError`]).
const NAMES: &[&str] = &[
    "no_kk",
    "region_code",
    "members",
    "housing",
    "wife_pregnant",
    "kb",
    "measurements",
    "name",
    "nik",
    "sex",
    "birth_date",
    "relationship",
    "marital_status",
    "water_source",
    "latrine",
    "septic_tank",
    "gooseneck",
    "housing_layak",
    "method",
    "reason_not_using",
    "member",
    "measured_on",
    "weight_kg",
    "length_cm",
    "measure",
    "oedema",
    "kb_method",
    "kb_reason",
    // parameters
    "allowed",
    "as_of",
    "count",
    "expected",
    "gap_years",
    "length",
    "limit",
    "line",
    "max",
    "min",
    "min_years",
    "non_users",
    "other",
    "province",
    "pus",
    "reason",
    "received",
    "table",
    "users",
    "value",
];

fn static_name(s: &str) -> Option<&'static str> {
    NAMES.iter().copied().find(|n| *n == s)
}

/// A path segment as stored: a name or a position.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
enum StoredSegment {
    Index(u32),
    Field(String),
}

/// A parameter value as stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
enum StoredParam {
    Int(i64),
    Float(f64),
    Str(String),
}

/// A [`Problem`] in a serialisable form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredProblem {
    part: u64,
    table: String,
    record: u64,
    path: Vec<StoredSegment>,
    code: String,
    params: Vec<(String, StoredParam)>,
    excluded: String,
}

impl StoredProblem {
    fn new(part: u64, p: Problem) -> StoredProblem {
        StoredProblem {
            part,
            table: p.table.as_str().to_owned(),
            record: p.record,
            path: p
                .error
                .path()
                .segments()
                .iter()
                .map(|s| match s {
                    PathSegment::Field(f) => StoredSegment::Field((*f).to_owned()),
                    PathSegment::Index(i) => StoredSegment::Index(*i),
                    PathSegment::Key(k) => StoredSegment::Field(k.clone()),
                })
                .collect(),
            code: p.error.code().as_str().to_owned(),
            params: p
                .error
                .params()
                .iter()
                .map(|(k, v)| {
                    let v = match v {
                        ParamValue::Int(i) => StoredParam::Int(*i),
                        ParamValue::Float(x) => StoredParam::Float(*x),
                        ParamValue::Str(s) => StoredParam::Str(s.clone()),
                    };
                    (k.to_owned(), v)
                })
                .collect(),
            excluded: p.excluded.as_str().to_owned(),
        }
    }

    fn key(&self) -> (u64, u64) {
        (self.part, self.record)
    }

    /// The problem back (`None` when a code or name is not known).
    fn problem(&self) -> Option<Problem> {
        let code = ErrorCode::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == self.code)?;
        let mut path = FieldPath::default();
        for s in &self.path {
            path.push(match s {
                StoredSegment::Index(i) => PathSegment::Index(*i),
                // A name kampung does not know is an input's unknown key.
                StoredSegment::Field(f) => match static_name(f) {
                    Some(name) => PathSegment::Field(name),
                    None => PathSegment::Key(f.clone()),
                },
            });
        }
        let mut error = FieldError::new(code).with_path(path);
        for (k, v) in &self.params {
            let value = match v {
                StoredParam::Int(i) => ParamValue::Int(*i),
                StoredParam::Float(x) => ParamValue::Float(*x),
                StoredParam::Str(s) => ParamValue::Str(s.clone()),
            };
            error = error.with_param(static_name(k)?, value);
        }
        let table = [
            EntityTable::Families,
            EntityTable::Members,
            EntityTable::Measurements,
        ]
        .into_iter()
        .find(|t| t.as_str() == self.table)?;
        let excluded = [Excluded::Family, Excluded::Measurement, Excluded::Row]
            .into_iter()
            .find(|e| e.as_str() == self.excluded)?;
        Some(Problem {
            table,
            record: self.record,
            error,
            excluded,
        })
    }
}

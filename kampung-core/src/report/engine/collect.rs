//! The collector: takes the workers' batches back in input order and
//! applies what needs the order: duplicates, exclusions, aggregation and
//! the list of problems.

use super::{Observer, Progress};
use crate::register::table::Located;
use crate::register::{DuplicateGuard, FamilyIds};
use crate::report::exclusions::{Excluded, Exclusions, Problem};
use crate::report::{Aggregator, FamilyContribution, Report};
use std::collections::BTreeMap;

/// What one record came to.
pub(super) enum Outcome {
    /// A blank line.
    Blank,
    /// A family that validated, before the duplicate check.
    Family {
        contribution: FamilyContribution,
        /// Its Nomor KK fingerprint.
        kk: u64,
        /// Its `(member index, NIK fingerprint)`s: this range of [`Done::niks`].
        niks: std::ops::Range<usize>,
        /// Problems of its excluded measurements, with each measurement's position.
        measurement_errors: Vec<(Option<u32>, Located)>,
        /// Number of measurements excluded.
        excluded: u32,
    },
    /// The family was excluded.
    Invalid(Vec<Located>),
}

/// What a worker gives back for one batch.
#[derive(Default)]
pub(super) struct Done {
    /// Outcomes with their record numbers (JSON Lines: lines counted from 1
    /// within the batch).
    pub items: Vec<(u64, Outcome)>,
    /// The NIK fingerprints of the batch's families (see [`Outcome::Family`]).
    pub niks: Vec<(u32, u64)>,
    /// JSON Lines: the number of lines of the batch.
    pub lines: u64,
    /// Bytes of input in the batch (JSON Lines).
    pub bytes: u64,
}

/// A family that validated, its duplicate check left for later (a
/// mergeable [`crate::report::ReportState`]).
pub(crate) struct Candidate {
    pub record: u64,
    pub kk: u64,
    pub niks: Vec<(u32, u64)>,
    pub contribution: FamilyContribution,
    /// Problems of its excluded measurements, with each measurement's position.
    pub problems: Vec<(Option<u32>, Problem)>,
    /// Number of measurements excluded.
    pub excluded: u32,
}

/// The state built in input order.
pub(crate) struct Collector {
    aggregator: Aggregator,
    guard: DuplicateGuard,
    exclusions: Exclusions,
    errors: Vec<Problem>,
    truncated: u64,
    kept: usize,
    /// Record numbers are lines within their batch (JSON Lines).
    relative: bool,
    /// Lines of the batches taken so far (JSON Lines).
    before: u64,
    bytes: u64,
    /// Added to every record number (lines, positions) but table rows'.
    first_record: u64,
    /// Deferred mode: the valid families, their duplicates not decided.
    deferred: Option<Vec<Candidate>>,
    /// Deferred mode: rows without a family.
    tail: Vec<Problem>,
    /// The survey design of the growth prevalences.
    pub(crate) design: Option<crate::report::ReportDesign>,
}

impl Collector {
    pub(super) fn new(kept: usize, relative: bool, first_record: u64, deferred: bool) -> Collector {
        Collector {
            aggregator: Aggregator::new(),
            guard: DuplicateGuard::new(),
            exclusions: Exclusions::default(),
            errors: Vec::new(),
            truncated: 0,
            kept,
            relative,
            before: first_record,
            bytes: 0,
            first_record,
            deferred: deferred.then(Vec::new),
            tail: Vec::new(),
            design: None,
        }
    }

    /// Sums the SKDN of `skdn`'s month (nothing when `None`).
    pub(super) fn skdn(&mut self, skdn: Option<&crate::report::SkdnOptions>) {
        self.aggregator.skdn.header = skdn.map(crate::report::SkdnOptions::header);
    }

    /// The SKDN month and rule set of the run.
    pub(crate) fn skdn_header(&self) -> Option<crate::report::skdn::SkdnHeader> {
        self.aggregator.skdn.header.clone()
    }

    /// The problem of `l` for the report: its record number, what it excluded.
    fn located(&self, l: Located, record: u64, excluded: Excluded) -> Problem {
        let record = match (self.relative, l.table) {
            (true, _) => record,
            (false, crate::register::table::EntityTable::Families) if self.first_record > 0 => {
                l.row + self.first_record
            }
            (false, _) => l.row,
        };
        Problem {
            table: l.table,
            record,
            error: l.error,
            excluded,
        }
    }

    fn problem(
        &mut self,
        observer: &mut dyn Observer,
        l: Located,
        record: u64,
        excluded: Excluded,
    ) {
        // Numbered as `located` numbers it: a part's records (not its table
        // rows) from `first_record`.
        let p = self.located(l, record, excluded);
        observer.problem(&p);
        if self.errors.len() < self.kept {
            self.errors.push(p);
        } else {
            self.truncated += 1;
        }
    }

    /// Takes batches as they come (in any order) and applies them in
    /// order; `released` is called once per batch applied.
    pub(super) fn take_all(
        &mut self,
        batches: impl Iterator<Item = (u64, Done)>,
        observer: &mut dyn Observer,
        mut released: impl FnMut(),
    ) {
        let mut pending: BTreeMap<u64, Done> = BTreeMap::new();
        let mut next = 0u64;
        for (no, done) in batches {
            pending.insert(no, done);
            while let Some(done) = pending.remove(&next) {
                next += 1;
                self.take(done, observer);
                released();
            }
        }
    }

    fn take(&mut self, done: Done, observer: &mut dyn Observer) {
        let base = if self.relative { self.before } else { 0 };
        if self.deferred.is_some() {
            return self.take_deferred(done, base, observer);
        }
        // The duplicate guard checks the batch's families at once.
        let ids: Vec<FamilyIds<'_>> = done
            .items
            .iter()
            .filter_map(|(record, o)| match o {
                Outcome::Family { kk, niks, .. } => Some((
                    *kk,
                    done.niks.get(niks.clone()).unwrap_or_default(),
                    base + record,
                )),
                _ => None,
            })
            .collect();
        let mut admitted = self.guard.admit_batch(&ids).into_iter();
        for (record, o) in done.items {
            let record = base + record;
            match o {
                Outcome::Blank => {}
                Outcome::Invalid(errors) => self.exclude(errors, record, observer),
                Outcome::Family {
                    contribution,
                    measurement_errors,
                    excluded,
                    ..
                } => match admitted.next().unwrap_or(Ok(())) {
                    Ok(()) => {
                        self.aggregator.add(&contribution);
                        self.exclusions.families_read += 1;
                        self.exclusions.families_included += 1;
                        self.exclusions.measurements_excluded += u64::from(excluded);
                        // Each excluded measurement counts once per code.
                        let mut by_measurement: BTreeMap<Option<u32>, Vec<&crate::FieldError>> =
                            BTreeMap::new();
                        for (m, l) in &measurement_errors {
                            by_measurement.entry(*m).or_default().push(&l.error);
                        }
                        for errors in by_measurement.into_values() {
                            self.exclusions.count(errors);
                        }
                        for (_, l) in measurement_errors {
                            self.problem(observer, l, record, Excluded::Measurement);
                        }
                    }
                    Err(errs) => {
                        let errors = errs
                            .into_vec()
                            .into_iter()
                            .map(|error| Located {
                                table: crate::register::table::EntityTable::Families,
                                row: record,
                                error,
                            })
                            .collect();
                        self.exclude(errors, record, observer);
                    }
                },
            }
        }
        self.before += done.lines;
        self.bytes += done.bytes;
        observer.progress(Progress {
            records: self.exclusions.families_read,
            bytes: self.bytes,
        });
    }

    /// [`Collector::take`] in deferred mode: valid families become
    /// candidates, the rest is settled here.
    fn take_deferred(&mut self, done: Done, base: u64, observer: &mut dyn Observer) {
        for (record, o) in done.items {
            let record = base + record;
            match o {
                Outcome::Blank => {}
                Outcome::Invalid(errors) => self.exclude(errors, record, observer),
                Outcome::Family {
                    contribution,
                    kk,
                    niks,
                    measurement_errors,
                    excluded,
                } => {
                    let candidate = Candidate {
                        record: if self.relative {
                            record
                        } else {
                            record + self.first_record
                        },
                        kk,
                        niks: done.niks.get(niks).unwrap_or_default().to_vec(),
                        contribution,
                        problems: measurement_errors
                            .into_iter()
                            .map(|(m, l)| (m, self.located(l, record, Excluded::Measurement)))
                            .collect(),
                        excluded,
                    };
                    if let Some(c) = self.deferred.as_mut() {
                        c.push(candidate);
                    }
                }
            }
        }
        self.before += done.lines;
        self.bytes += done.bytes;
        observer.progress(Progress {
            records: self.exclusions.families_read
                + self.deferred.as_ref().map_or(0, |c| c.len() as u64),
            bytes: self.bytes,
        });
    }

    fn exclude(&mut self, errors: Vec<Located>, record: u64, observer: &mut dyn Observer) {
        self.exclusions.families_read += 1;
        self.exclusions.families_excluded += 1;
        self.exclusions.count(errors.iter().map(|l| &l.error));
        for l in errors {
            self.problem(observer, l, record, Excluded::Family);
        }
    }

    /// Rows without a family, after every batch.
    pub(super) fn tail(&mut self, rows: Vec<Located>, observer: &mut dyn Observer) {
        for l in rows {
            self.exclusions.rows_excluded += 1;
            self.exclusions.count([&l.error]);
            let record = l.row;
            if self.deferred.is_some() {
                let p = self.located(l, record, Excluded::Row);
                observer.problem(&p);
                self.tail.push(p);
            } else {
                self.problem(observer, l, record, Excluded::Row);
            }
        }
    }

    /// The deferred parts: settled exclusions, their problems kept and
    /// dropped, rows without a family, the candidates.
    pub(crate) fn into_deferred(
        self,
    ) -> (Exclusions, Vec<Problem>, u64, Vec<Problem>, Vec<Candidate>) {
        (
            self.exclusions,
            self.errors,
            self.truncated,
            self.tail,
            self.deferred.unwrap_or_default(),
        )
    }

    pub(super) fn finish(self, as_of: chrono::NaiveDate) -> Report {
        let (rows, design) = self.aggregator.rows_with(self.design.as_ref());
        Report {
            design,
            as_of,
            as_of_today: None,
            sources: Vec::new(),
            rows,
            kampung_kb: Vec::new(),
            exclusions: self.exclusions,
            errors: self.errors,
            errors_truncated: self.truncated,
            skdn: self.aggregator.skdn.report(),
        }
    }
}

//! One register, record by record, to the village picture: validation,
//! duplicate detection, exclusions counted by reason, and aggregation by
//! region. The same steps the `kampung report` command takes, for callers
//! that hold records in memory (the Python binding, a service).

use super::aggregate::{contribution, Aggregator, RegionRow};
use crate::error::FieldError;
use crate::growth::Tables2006;
use crate::register::{DuplicateGuard, RegisterFamily, RegisterOptions};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// What a problem excluded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Excluded {
    /// The whole family (invalid, or a duplicate Nomor KK / NIK).
    Family,
    /// One measurement only; the family counts.
    Measurement,
}

/// One problem of one record.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// The caller's record number (a line, a row).
    pub record: u64,
    /// What is wrong, with its path inside the record.
    pub error: FieldError,
    /// What was left out because of it.
    pub excluded: Excluded,
}

/// How many records were used or left out, and why.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Exclusions {
    /// Families read.
    pub families_read: u64,
    /// Families counted in the report.
    pub families_included: u64,
    /// Families left out.
    pub families_excluded: u64,
    /// Measurements left out (their families count).
    pub measurements_excluded: u64,
    /// Error code → families (or measurements) left out with that problem;
    /// one family with two problems counts under both codes.
    pub reasons: BTreeMap<&'static str, u64>,
}

/// Counts one excluded family (or row) under each distinct code of its
/// problems: a family with two problems of one kind counts once for it.
pub fn count_reasons(
    reasons: &mut BTreeMap<&'static str, u64>,
    codes: impl IntoIterator<Item = &'static str>,
) {
    let mut codes: Vec<&'static str> = codes.into_iter().collect();
    codes.sort_unstable();
    codes.dedup();
    for c in codes {
        *reasons.entry(c).or_insert(0) += 1;
    }
}

/// Builds the report from register records in the order given.
#[derive(Debug)]
pub struct ReportBuilder {
    opts: RegisterOptions,
    tables: Tables2006,
    aggregator: Aggregator,
    guard: DuplicateGuard,
    exclusions: Exclusions,
}

impl ReportBuilder {
    /// An empty report with these options.
    pub fn new(opts: RegisterOptions) -> ReportBuilder {
        ReportBuilder {
            opts,
            tables: Tables2006::bundled(),
            aggregator: Aggregator::new(),
            guard: DuplicateGuard::new(),
            exclusions: Exclusions::default(),
        }
    }

    fn exclude_family(
        &mut self,
        record: u64,
        errors: Vec<FieldError>,
        problems: &mut Vec<Problem>,
    ) {
        self.exclusions.families_excluded += 1;
        count_reasons(
            &mut self.exclusions.reasons,
            errors.iter().map(|e| e.code().as_str()),
        );
        problems.extend(errors.into_iter().map(|error| Problem {
            record,
            error,
            excluded: Excluded::Family,
        }));
    }

    /// Adds one register record (one family, the JSON Lines format of
    /// `examples/REGISTER.md`) numbered `record`; its problems are appended
    /// to `problems`.
    pub fn add_value(&mut self, v: &Value, record: u64, problems: &mut Vec<Problem>) {
        self.exclusions.families_read += 1;
        let read = RegisterFamily::from_value(v, &self.opts);
        let Some(family) = read.family else {
            self.exclude_family(record, read.errors, problems);
            return;
        };
        if let Err(errs) = self.guard.admit(&family.family, record) {
            self.exclude_family(record, errs.into_vec(), problems);
            return;
        }
        self.aggregator
            .add(&contribution(&family, &self.opts, &self.tables));
        self.exclusions.families_included += 1;
        self.exclusions.measurements_excluded += u64::from(read.measurements_excluded);
        // A measurement with several problems counts once per code.
        let mut seen: Vec<(Option<u32>, &'static str)> = Vec::new();
        for error in read.errors {
            let m = match error.path().segments().get(1) {
                Some(crate::error::PathSegment::Index(i)) => Some(*i),
                _ => None,
            };
            let key = (m, error.code().as_str());
            if !seen.contains(&key) {
                *self.exclusions.reasons.entry(key.1).or_insert(0) += 1;
                seen.push(key);
            }
            problems.push(Problem {
                record,
                error,
                excluded: Excluded::Measurement,
            });
        }
    }

    /// Counts a record that could not be read at all (e.g. a line that is
    /// not JSON): `register_malformed_line` with `reason`.
    pub fn add_malformed(&mut self, record: u64, reason: &str, problems: &mut Vec<Problem>) {
        self.exclusions.families_read += 1;
        let e = FieldError::new(crate::error::ErrorCode::RegisterMalformedLine)
            .with_param("reason", reason);
        self.exclude_family(record, vec![e], problems);
    }

    /// The rows by region (total first, then each level).
    pub fn rows(&self) -> Vec<RegionRow> {
        self.aggregator.rows()
    }

    /// The counts of used and excluded records.
    pub fn exclusions(&self) -> &Exclusions {
        &self.exclusions
    }

    /// The aggregation so far (e.g. to merge reports built on threads).
    pub fn aggregator(&self) -> &Aggregator {
        &self.aggregator
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use serde_json::json;

    fn family(kk: &str, nik: &str) -> Value {
        json!({"no_kk": kk, "region_code": "64.72.05.2001",
          "members": [{"name": "Budi", "nik": nik, "sex": "L", "birth_date": "1985-01-01",
                       "relationship": "kepala_keluarga", "marital_status": "belum_kawin"}],
          "housing": {"water_source": "ledeng", "latrine": "sendiri", "septic_tank": true}})
    }

    #[test]
    fn duplicates_and_invalid_records_are_excluded_and_counted() {
        let mut b = ReportBuilder::new(RegisterOptions::new(
            NaiveDate::from_ymd_opt(2025, 7, 1).expect("date"),
        ));
        let mut p = Vec::new();
        b.add_value(&family("6472052301150007", "6472050101850003"), 1, &mut p);
        b.add_value(&family("6472052301150007", "6472050101850004"), 2, &mut p);
        b.add_value(&json!([1, 2]), 3, &mut p);
        let ex = b.exclusions();
        assert_eq!(
            (ex.families_read, ex.families_included, ex.families_excluded),
            (3, 1, 2)
        );
        assert_eq!(ex.reasons.get("register_duplicate_kk"), Some(&1));
        assert_eq!(p.len(), 2);
        assert_eq!((p[0].record, p[0].excluded), (2, Excluded::Family));
        assert_eq!(b.rows()[0].counts.families, 1);
    }
}

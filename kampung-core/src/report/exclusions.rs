//! What a report left out, and why: every record read is either counted
//! or excluded with its problems, and every exclusion is counted by code.

use crate::error::FieldError;
use crate::register::table::EntityTable;
use serde::Serialize;
use std::collections::BTreeMap;

/// What a problem excluded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Excluded {
    /// The whole family (invalid, unreadable, or a duplicate Nomor KK / NIK).
    Family,
    /// One measurement only; the family counts.
    Measurement,
    /// A member or measurement row without its family (entity tables).
    Row,
}

impl Excluded {
    /// `family`, `measurement` or `row`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Excluded::Family => "family",
            Excluded::Measurement => "measurement",
            Excluded::Row => "row",
        }
    }
}

/// One problem of one record, located in its input.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// The table of the row: [`EntityTable::Families`] for a JSON Lines
    /// register or in-memory records (one table of whole families).
    pub table: EntityTable,
    /// The record's number: the line of a JSON Lines file or CSV file
    /// (from 1), the position of an in-memory record or row (from 0).
    pub record: u64,
    /// What is wrong, with its path inside the record (a column for a table).
    pub error: FieldError,
    /// What was left out because of it.
    pub excluded: Excluded,
}

/// How many records were used or left out, and why.
///
/// Every family record read is either included or excluded:
/// `families_read == families_included + families_excluded`. Member and
/// measurement rows of entity tables that belong to no family are counted
/// in `rows_excluded`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Exclusions {
    /// Family records read (lines of a JSON Lines file that are not blank,
    /// in-memory records, family rows).
    pub families_read: u64,
    /// Families counted in the report.
    pub families_included: u64,
    /// Families left out.
    pub families_excluded: u64,
    /// Measurements left out (their families count).
    pub measurements_excluded: u64,
    /// Member or measurement rows left out on their own (no family row with
    /// their `no_kk`, or no `no_kk`).
    pub rows_excluded: u64,
    /// Error code → families, measurements or rows left out with that
    /// problem; one family with two problems counts under both codes, one
    /// family with one problem on two rows counts once.
    pub reasons: BTreeMap<String, u64>,
}

impl Exclusions {
    /// Everything left out: families, measurements and rows without a
    /// family (`kampung report --strict` fails when it is not 0).
    pub fn total_excluded(&self) -> u64 {
        self.families_excluded + self.measurements_excluded + self.rows_excluded
    }

    /// Counts one excluded unit (a family, a measurement, a row) under each
    /// distinct code of its problems.
    pub fn count<'e>(&mut self, errors: impl IntoIterator<Item = &'e FieldError>) {
        let mut codes: Vec<&'static str> = errors.into_iter().map(|e| e.code().as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        for c in codes {
            match self.reasons.get_mut(c) {
                Some(n) => *n += 1,
                None => {
                    self.reasons.insert(c.to_owned(), 1);
                }
            }
        }
    }

    /// Adds the counts of `other` (another part of the same register).
    pub fn merge(&mut self, other: &Exclusions) {
        self.families_read += other.families_read;
        self.families_included += other.families_included;
        self.families_excluded += other.families_excluded;
        self.measurements_excluded += other.measurements_excluded;
        self.rows_excluded += other.rows_excluded;
        for (code, n) in &other.reasons {
            *self.reasons.entry(code.clone()).or_insert(0) += n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn a_code_counts_once_per_unit() {
        let mut ex = Exclusions::default();
        let e = |c| FieldError::at("x", c);
        ex.count(&[
            e(ErrorCode::Required),
            e(ErrorCode::Required),
            e(ErrorCode::InvalidCode),
        ]);
        ex.count(&[e(ErrorCode::Required)]);
        assert_eq!(ex.reasons.get("required"), Some(&2));
        assert_eq!(ex.reasons.get("invalid_code"), Some(&1));
        let mut twice = ex.clone();
        twice.merge(&ex);
        assert_eq!(twice.reasons.get("required"), Some(&4));
    }
}

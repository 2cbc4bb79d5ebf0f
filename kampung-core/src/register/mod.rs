//! A family register (*register keluarga*): one record per family with its
//! members, housing (water, latrine), the KB status of its PUS and the
//! measurements of its children, as a village or a kecamatan keeps it.
//!
//! The record (one JSON object per line of a JSON Lines file, or one
//! family of the CSV entity files of `examples/REGISTER.md`):
//!
//! ```text
//! { "no_kk": "6472052301150007", "region_code": "64.72.05.2001",
//!   "members": [ {name, nik?, sex, birth_date, relationship, marital_status}, … ],   // as Family::from_value
//!   "housing": { "water_source": "ledeng", "latrine": "sendiri", "septic_tank": true }, // as evaluate_krs_json
//!   "wife_pregnant": false,                                   // optional, default false
//!   "kb": { "method": "implant", "reason_not_using": null },  // required when the family is PUS
//!   "measurements": [ { "nik": "…" | "member": 2, "measured_on": "2025-05-14",
//!                       "weight_kg": 9.4, "length_cm": 74.1, "measure": "l", "oedema": false }, … ] }
//! ```
//!
//! Data flows one way through the register's modules:
//!
//! ```text
//! format        json (JSON Lines scanner, serde_json for the rest), table (CSV entity
//!               files, DataFrame and Arrow rows, in any order), csv (the files)
//!   → typed     record: RawRecord, the fields as read (Cell: text, yes/no, number, …)
//!   → domain    validate: family and members (family::), housing (risk::krs), KB (kb::),
//!               measurements → RegisterFamily, or every problem with its path
//!   → duplicates guard: a Nomor KK or NIK already counted
//!   → report    report::contribution → report::Aggregator
//! ```
//!
//! A problem with the family itself (identifiers, members, housing, KB
//! status) excludes the whole family; a problem with one measurement
//! (date before birth or after `as_of`, unknown member, non-positive
//! value) excludes only that measurement. Both are reported with their
//! paths, never dropped silently.

use crate::error::FieldError;
use crate::family::Family;
use crate::growth::child::Measure;
use crate::kb::method::{Method, NonUseReason};
use crate::risk::krs::{Housing, KrsRuleSet};
use chrono::NaiveDate;
use serde_json::Value;

#[cfg(feature = "arrow")]
pub mod arrow;
#[cfg(feature = "csv")]
pub mod csv;
pub mod guard;
pub mod json;
pub mod record;
pub mod synthetic;
pub mod table;
#[cfg(test)]
pub(crate) mod testing;
pub mod validate;

pub use guard::{fingerprints, id_fingerprint, DuplicateGuard, FamilyIds};
pub use record::{Cell, RawRecord};

/// Options for reading a register.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RegisterOptions {
    /// The reference date (ages, PUS, baduta/balita; no date may be after it).
    pub as_of: NaiveDate,
    /// The KRS rule set (default: [`KrsRuleSet::default`], DOMAIN.md §1.4).
    pub krs_rules: KrsRuleSet,
}

impl RegisterOptions {
    /// Defaults with reference date `as_of`.
    pub fn new(as_of: NaiveDate) -> RegisterOptions {
        RegisterOptions {
            as_of,
            krs_rules: KrsRuleSet::default(),
        }
    }
}

/// The KB status of the family's PUS (DOMAIN.md §2.2-§2.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KbStatus {
    /// Current method ([`Method::None`] for non-users).
    pub method: Method,
    /// Reason for not using KB (non-users only).
    pub reason: Option<NonUseReason>,
}

/// One validated measurement of one member.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Measurement {
    /// Index of the measured member in [`Family::members`].
    pub member: usize,
    /// Date of the measurement (not before birth, not after `as_of`).
    pub measured_on: NaiveDate,
    /// Weight, kg (> 0).
    pub weight_kg: Option<f64>,
    /// Length or height, cm (> 0).
    pub length_cm: Option<f64>,
    /// Lying or standing, when recorded.
    pub measure: Option<Measure>,
    /// Bilateral pitting oedema.
    pub oedema: bool,
}

/// One validated register record.
#[derive(Clone, Debug, PartialEq)]
pub struct RegisterFamily {
    /// The family (Nomor KK, region, members).
    pub family: Family,
    /// Housing, water and latrine.
    pub housing: Housing,
    /// The wife is pregnant (or the KB reason is `hamil`).
    pub wife_pregnant: bool,
    /// KB status, present for every PUS family (may be present for others).
    pub kb: Option<KbStatus>,
    /// The measurements that validated (see [`RegisterRead::errors`] for the others).
    pub measurements: Vec<Measurement>,
}

/// The outcome of reading one record: a family with the problems of the
/// measurements it lost, or no family and every problem that excluded it.
#[derive(Clone, Debug, PartialEq)]
pub struct RegisterRead {
    /// The family, when it validated.
    pub family: Option<RegisterFamily>,
    /// When `family` is `None`: why it was excluded. Otherwise: one entry
    /// per excluded measurement (paths `measurements[i]…`).
    pub errors: Vec<FieldError>,
    /// Number of measurements excluded (counted once each).
    pub measurements_excluded: u32,
}

impl RegisterOptions {
    /// These options with the KRS rule set `rules`.
    pub fn with_krs_rules(mut self, rules: KrsRuleSet) -> RegisterOptions {
        self.krs_rules = rules;
        self
    }
}

impl RegisterFamily {
    /// Reads and validates one JSON Lines record ([`json::read_line`]).
    ///
    /// # Errors
    /// The JSON parser's error when the line is not JSON.
    pub fn from_json_line(
        line: &str,
        opts: &RegisterOptions,
    ) -> Result<RegisterRead, serde_json::Error> {
        json::read_line(line, opts)
    }

    /// Validates one register record given as a JSON value (see the module
    /// documentation for the fields). Never panics; every problem has a path.
    pub fn from_value(v: &Value, opts: &RegisterOptions) -> RegisterRead {
        validate::validate(&RawRecord::from_value(v), opts)
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{base, mutations, opts};
    use super::*;
    use crate::error::ErrorCode;
    use crate::family::FamilyOptions;
    use serde_json::json;

    #[test]
    fn reads_a_family_and_excludes_bad_measurements_only() {
        let mut v = base();
        v["members"][2]["nik"] = json!("6472051506240001");
        v["measurements"] = json!([
            {"nik": "6472051506240001", "measured_on": "2025-06-01", "weight_kg": 9.1, "length_cm": 74.0, "measure": "l"},
            {"member": 2, "measured_on": "2024-01-01", "weight_kg": 3.1},
            {"member": 7, "measured_on": "2025-01-01", "weight_kg": 3.1}]);
        let r = RegisterFamily::from_value(&v, &opts()[0]);
        let f = r.family.expect("family");
        assert_eq!(f.measurements.len(), 1);
        assert_eq!(r.measurements_excluded, 2);
        let codes: Vec<_> = r
            .errors
            .iter()
            .map(|e| (e.path().to_string(), e.code().as_str()))
            .collect();
        assert_eq!(
            codes,
            vec![
                (
                    "measurements[1].measured_on".to_owned(),
                    "measured_before_birth"
                ),
                (
                    "measurements[2].member".to_owned(),
                    "register_member_unknown"
                ),
            ]
        );
    }

    #[test]
    fn pus_without_kb_is_excluded() {
        let mut v = base();
        v.as_object_mut().expect("object").remove("kb");
        let r = RegisterFamily::from_value(&v, &opts()[0]);
        assert!(r.family.is_none());
        assert_eq!(r.errors[0].code(), ErrorCode::RegisterKbMissing);
    }

    /// A required code written as empty text is `required`, never a
    /// family excluded without a reason.
    #[test]
    fn blank_required_codes_are_reported() {
        for (object, key) in [
            ("housing", "water_source"),
            ("housing", "latrine"),
            ("kb", "method"),
        ] {
            for blank in ["", "  "] {
                let mut v = base();
                v[object][key] = json!(blank);
                let r = RegisterFamily::from_value(&v, &opts()[0]);
                assert!(r.family.is_none(), "{object}.{key}");
                let paths: Vec<_> = r
                    .errors
                    .iter()
                    .map(|e| (e.path().to_string(), e.code()))
                    .collect();
                assert_eq!(
                    paths,
                    [(format!("{object}.{key}"), ErrorCode::Required)],
                    "{object}.{key}"
                );
            }
        }
    }

    /// The register reads a family's identifiers and members exactly as
    /// [`Family::from_value`] does (the entry point of `validate_family`):
    /// over every record one edit away from a valid one, the register's
    /// errors on `no_kk`, `region_code` and `members` are the family's,
    /// in the same order, and the family is the same.
    #[test]
    fn family_part_equals_family_from_value() {
        let family_paths = |e: &FieldError| {
            matches!(
                e.path().segments().first(),
                None | Some(crate::PathSegment::Field(
                    "no_kk" | "region_code" | "members"
                ))
            )
        };
        for opts in opts() {
            let fopts = FamilyOptions::new(opts.as_of);
            let mut all = mutations(&base());
            all.push(base());
            for v in &all {
                let r = RegisterFamily::from_value(v, &opts);
                let f = Family::from_value(v, &fopts);
                let ours: Vec<&FieldError> = r.errors.iter().filter(|e| family_paths(e)).collect();
                match &f {
                    Ok(fam) => {
                        assert!(ours.is_empty(), "{v}: {ours:?}");
                        if let Some(rf) = &r.family {
                            assert_eq!(&rf.family, fam, "{v}");
                        }
                    }
                    Err(es) => {
                        assert!(r.family.is_none(), "{v}");
                        let theirs: Vec<&FieldError> = es.errors().iter().collect();
                        assert_eq!(ours, theirs, "{v}");
                    }
                }
            }
        }
    }

    /// The register reads housing exactly as the KRS entry point
    /// (`evaluate_krs_json`, `risk::krs::read_housing`) does.
    #[test]
    fn housing_part_equals_krs_reader() {
        for opts in opts() {
            let mut all = mutations(&base());
            all.push(base());
            for v in &all {
                let Some(h @ serde_json::Value::Object(_)) = v.get("housing") else {
                    continue;
                };
                let r = RegisterFamily::from_value(v, &opts);
                let ours: Vec<&FieldError> = r
                    .errors
                    .iter()
                    .filter(|e| {
                        e.path().segments().first() == Some(&crate::PathSegment::Field("housing"))
                    })
                    .collect();
                let mut he = crate::ValidationErrors::new();
                let housing = crate::risk::krs::read_housing(h, &opts.krs_rules, &mut he);
                let mut theirs = crate::ValidationErrors::new();
                theirs.extend_with_outer(he, &crate::PathSegment::Field("housing"));
                let theirs: Vec<&FieldError> = theirs.errors().iter().collect();
                assert_eq!(ours, theirs, "{v}");
                if let Some(f) = &r.family {
                    assert_eq!(Some(f.housing), housing, "{v}");
                }
            }
        }
    }
}

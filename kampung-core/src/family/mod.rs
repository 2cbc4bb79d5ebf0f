//! Families (*keluarga*) and their members, validated as a whole.

#[cfg(feature = "report")]
pub mod lines;
pub mod marital;
pub mod person;
pub mod relationship;

use crate::error::{ErrorCode, FieldError, FieldPath, PathSegment, ValidationErrors};
use crate::id::nik::Nik;
use crate::id::nomor_kk::NomorKk;
use crate::id::pseudonym::Identifier;
use crate::id::wilayah::KodeWilayah;
use crate::input::Fields;
use chrono::{Datelike, NaiveDate};
use marital::MaritalStatus;
use person::Person;
use relationship::Relationship;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;

/// Options for validating a family: [`FamilyOptions::new`] then `with_*`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FamilyOptions {
    /// The reference date: no birth date may be after it, and two-digit NIK
    /// years are resolved against it. Never read from a clock.
    pub as_of: NaiveDate,
    /// The smallest plausible age gap in whole years between a parent and a
    /// child (*anak* vs the head; the head vs an *orang tua*). DERIVED
    /// plausibility floor, not from a regulation: default 10.
    pub min_parent_child_gap_years: u32,
}

impl FamilyOptions {
    /// Defaults with reference date `as_of`.
    pub const fn new(as_of: NaiveDate) -> FamilyOptions {
        FamilyOptions {
            as_of,
            min_parent_child_gap_years: 10,
        }
    }
    /// With another smallest parent-child age gap (whole years).
    #[must_use]
    pub const fn with_min_parent_child_gap_years(mut self, years: u32) -> FamilyOptions {
        self.min_parent_child_gap_years = years;
        self
    }
}

/// A validated family (*keluarga*): one Kartu Keluarga.
///
/// Invariants: a Nomor KK, a region code, at least one member, exactly one
/// *kepala keluarga*; a *suami*/*istri* only beside a married head of the
/// other sex; no birth date after `as_of`; NIKs unique within the family and
/// consistent with each member's sex and date of birth; children at least
/// [`FamilyOptions::min_parent_child_gap_years`] younger than the head.
#[doc(alias = "keluarga")]
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Family {
    no_kk: Identifier<NomorKk>,
    region_code: KodeWilayah,
    members: Vec<Person>,
}

/// Whole years from `from` to `to` (negative when `to` is earlier). A 29
/// February birthday counts as 1 March in non-leap years (DOMAIN.md §9.5):
/// on 28 February the year is not yet complete.
pub fn completed_years(from: NaiveDate, to: NaiveDate) -> i64 {
    let mut y = i64::from(to.year()) - i64::from(from.year());
    if (to.month(), to.day()) < (from.month(), from.day()) {
        y -= 1;
    }
    y
}

impl Family {
    /// The Nomor KK, or its pseudonym in a pseudonymised register
    /// ([`crate::pseudonym`]).
    pub fn no_kk(&self) -> &Identifier<NomorKk> {
        &self.no_kk
    }
    /// The region (any level, usually desa/kelurahan).
    pub fn region_code(&self) -> &KodeWilayah {
        &self.region_code
    }
    /// All members, in input order.
    pub fn members(&self) -> &[Person] {
        &self.members
    }
    /// The head (*kepala keluarga*).
    pub fn head(&self) -> Option<&Person> {
        self.members
            .iter()
            .find(|p| p.relationship() == Relationship::KepalaKeluarga)
    }

    /// Validates a family from untyped input:
    /// `{no_kk, region_code, members: [{name, nik, sex, birth_date, relationship, marital_status}]}`.
    ///
    /// # Errors
    /// Every problem, each with its path (e.g. `members[2].birth_date`) and code.
    ///
    /// # Example
    /// ```
    /// use kampung_core::{Family, FamilyOptions, ErrorCode};
    /// use chrono::NaiveDate;
    /// let as_of = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    /// let input = serde_json::json!({
    ///     "no_kk": "6472052301150007", "region_code": "64.72.05.1001",
    ///     "members": [{"name": "Siti", "sex": "P", "birth_date": "1990-07-01",
    ///                  "relationship": "istri", "marital_status": "kawin"}]
    /// });
    /// let errs = Family::from_value(&input, &FamilyOptions::new(as_of)).unwrap_err();
    /// assert_eq!(errs.errors()[0].code(), ErrorCode::FamilyNoHead);
    /// ```
    pub fn from_value(v: &Value, opts: &FamilyOptions) -> Result<Family, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let f = Fields::of(v, &mut errors);
        let kk_raw = f.id_text("no_kk", true, &mut errors);
        let region_raw = f.id_text("region_code", true, &mut errors);
        let members_raw = f.list("members", &mut errors);

        let no_kk = kk_raw.and_then(|s| match Identifier::<NomorKk>::parse(&s) {
            Ok(k) => Some(k),
            Err(es) => {
                errors.extend_with_outer(es, &PathSegment::Field("no_kk"));
                None
            }
        });
        let region_code = region_raw.and_then(|s| match KodeWilayah::parse(&s) {
            Ok(k) => Some(k),
            Err(es) => {
                errors.extend_with_outer(es, &PathSegment::Field("region_code"));
                None
            }
        });

        let mut members: Vec<Person> = Vec::new();
        let mut failed: Vec<usize> = Vec::new();
        match members_raw {
            Some(list) if !list.is_empty() => {
                for (i, m) in list.iter().enumerate() {
                    let idx = PathSegment::Index(u32::try_from(i).unwrap_or(u32::MAX));
                    match Person::from_value(m, opts.as_of) {
                        Ok(p) => members.push(p),
                        Err(es) => {
                            let mut nested = ValidationErrors::new();
                            nested.extend_with_outer(es, &idx);
                            errors.extend_with_outer(nested, &PathSegment::Field("members"));
                            failed.push(i);
                        }
                    }
                }
            }
            _ if f.get("members").is_some_and(|v| !v.is_array()) => {}
            _ if matches!(v, Value::Object(_)) => {
                errors.push(FieldError::at("members", ErrorCode::FamilyNoMembers));
            }
            _ => {}
        }

        Family::from_read(no_kk, region_code, members, &failed, opts, &mut errors).ok_or(errors)
    }

    /// The family once its fields are read and each member validated on
    /// its own: `members` are the members that validated, in input order,
    /// `failed` the input positions of those that did not. Runs the
    /// cross-member rules (one head, spouses, unique NIKs, parent-child
    /// gaps) and gives the family when nothing at all was wrong; `errors`
    /// holds what reading found and receives the rest. Shared by
    /// [`Family::from_value`] and the register reader
    /// (`register::validate`), so both accept exactly the same families.
    pub(crate) fn from_read(
        no_kk: Option<Identifier<NomorKk>>,
        region_code: Option<KodeWilayah>,
        members: Vec<Person>,
        failed: &[usize],
        opts: &FamilyOptions,
        errors: &mut ValidationErrors,
    ) -> Option<Family> {
        // The valid members with their input positions.
        let valid: Vec<(usize, &Person)> = if failed.is_empty() {
            members.iter().enumerate().collect()
        } else {
            let mut skip = failed.iter().copied().peekable();
            let mut position = 0usize;
            members
                .iter()
                .map(|p| {
                    while skip.peek() == Some(&position) {
                        skip.next();
                        position += 1;
                    }
                    position += 1;
                    (position - 1, p)
                })
                .collect()
        };
        check_valid_members(&valid, failed.is_empty(), opts, errors);
        match (no_kk, region_code) {
            (Some(no_kk), Some(region_code)) if errors.is_empty() => Some(Family {
                no_kk,
                region_code,
                members,
            }),
            _ => None,
        }
    }
}

impl Family {
    /// A family from typed parts (e.g. a database row and
    /// [`Person::builder`] members): runs the cross-member rules of
    /// [`Family::from_value`] (one head, spouses, unique NIKs, parent-child
    /// gaps) and checks every birth date against `opts.as_of`.
    ///
    /// # Errors
    /// Every problem, with paths such as `members[1].relationship`.
    pub fn new(
        no_kk: NomorKk,
        region_code: KodeWilayah,
        members: Vec<Person>,
        opts: &FamilyOptions,
    ) -> Result<Family, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        for (i, p) in members.iter().enumerate() {
            if p.birth_date() > opts.as_of {
                errors.push(
                    FieldError::new(ErrorCode::DateInFuture)
                        .with_path(member_path(i, "birth_date"))
                        .with_param("as_of", opts.as_of.to_string()),
                );
            }
        }
        if members.is_empty() {
            errors.push(FieldError::at("members", ErrorCode::FamilyNoMembers));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Family::from_read(
            Some(Identifier::Real(no_kk)),
            Some(region_code),
            members,
            &[],
            opts,
            &mut errors,
        )
        .ok_or(errors)
    }
}

fn member_path(i: usize, field: &'static str) -> FieldPath {
    let mut p = FieldPath::field("members");
    p.push(PathSegment::Index(u32::try_from(i).unwrap_or(u32::MAX)));
    p.push(PathSegment::Field(field));
    p
}

/// The cross-member rules over `valid`, the `(index, member)` pairs that
/// validated on their own (`all_valid` when every member did).
fn check_valid_members(
    valid: &[(usize, &Person)],
    all_valid: bool,
    opts: &FamilyOptions,
    errors: &mut ValidationErrors,
) {
    let is_head = |(_, p): &&(usize, &Person)| p.relationship() == Relationship::KepalaKeluarga;
    let n_heads = valid.iter().filter(is_head).count();
    if n_heads > 1 {
        for (i, _) in valid.iter().filter(is_head).skip(1) {
            errors.push(
                FieldError::new(ErrorCode::FamilyMultipleHeads)
                    .with_path(member_path(*i, "relationship"))
                    .with_param("count", n_heads),
            );
        }
    } else if n_heads == 0 && all_valid && !valid.is_empty() {
        errors.push(FieldError::at("members", ErrorCode::FamilyNoHead));
    }
    let head = valid.iter().find(is_head).map(|(_, p)| *p);

    // Unique NIKs: the first member with the same NIK is `other`. A
    // linear scan for the usual family of a few members (no allocation),
    // a hash map for long lists.
    const SCAN: usize = 32;
    let mut seen: HashMap<&Identifier<Nik>, usize> = HashMap::new();
    for (k, (i, p)) in valid.iter().enumerate() {
        let Some(n) = p.identifier() else { continue };
        let first = if valid.len() <= SCAN {
            valid[..k]
                .iter()
                .find(|(_, q)| q.identifier() == Some(n))
                .map(|(j, _)| *j)
        } else {
            let first = seen.get(n).copied();
            seen.entry(n).or_insert(*i);
            first
        };
        if let Some(first) = first {
            errors.push(
                FieldError::new(ErrorCode::DuplicateNik)
                    .with_path(member_path(*i, "nik"))
                    .with_param("other", first + 1),
            );
        }
    }

    let Some(head) = head else { return };
    let min_gap = i64::from(opts.min_parent_child_gap_years);
    for (i, p) in valid {
        let rel = p.relationship();
        if rel.is_spouse() {
            if head.marital_status() != MaritalStatus::Kawin {
                errors.push(
                    FieldError::new(ErrorCode::SpouseWithoutMarriedHead)
                        .with_path(member_path(*i, "relationship")),
                );
            } else if p.marital_status() != MaritalStatus::Kawin {
                errors.push(
                    FieldError::new(ErrorCode::SpouseNotMarried)
                        .with_path(member_path(*i, "marital_status")),
                );
            }
            let expected_sex_ok = match rel {
                Relationship::Istri => {
                    p.sex() == crate::Sex::Female && head.sex() == crate::Sex::Male
                }
                _ => p.sex() == crate::Sex::Male && head.sex() == crate::Sex::Female,
            };
            if !expected_sex_ok {
                errors.push(
                    FieldError::new(ErrorCode::SpouseSexMismatch)
                        .with_path(member_path(*i, "relationship")),
                );
            }
        }
        let gap = match rel {
            Relationship::Anak => Some(completed_years(head.birth_date(), p.birth_date())),
            Relationship::OrangTua => Some(completed_years(p.birth_date(), head.birth_date())),
            _ => None,
        };
        if let Some(gap) = gap {
            if gap < min_gap {
                errors.push(
                    FieldError::new(ErrorCode::ParentChildAgeGap)
                        .with_path(member_path(*i, "birth_date"))
                        .with_param("gap_years", gap)
                        .with_param("min_years", min_gap),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Sex;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    /// The typed constructors accept exactly what `from_value` accepts for
    /// the same family, and report the same cross-member problems.
    #[test]
    fn typed_constructors_equal_from_value() {
        let as_of = d(2026, 1, 15);
        let opts = FamilyOptions::new(as_of);
        let head = Person::builder(
            "Budi",
            Sex::Male,
            d(1985, 1, 1),
            Relationship::KepalaKeluarga,
            MaritalStatus::Kawin,
        )
        .marriage_recorded(Some(true))
        .build(as_of)
        .expect("head");
        let wife = Person::builder(
            "Siti",
            Sex::Female,
            d(1990, 7, 5),
            Relationship::Istri,
            MaritalStatus::Kawin,
        )
        .nik(Nik::parse("6472054507900002").expect("nik"))
        .build(as_of)
        .expect("wife");
        let kk = NomorKk::parse("6472052301150007").expect("kk");
        let rc = KodeWilayah::parse("6472051001").expect("region");
        let typed = Family::new(kk, rc, vec![head.clone(), wife.clone()], &opts).expect("family");
        let v = serde_json::json!({"no_kk": "6472052301150007", "region_code": "64.72.05.1001",
            "members": [
              {"name": "Budi", "sex": "L", "birth_date": "1985-01-01",
               "relationship": "kepala_keluarga", "marital_status": "Kawin Tercatat"},
              {"name": "Siti", "nik": "6472054507900002", "sex": "P", "birth_date": "1990-07-05",
               "relationship": "istri", "marital_status": "kawin"}]});
        assert_eq!(Family::from_value(&v, &opts), Ok(typed));
        // No head: the same error as from_value.
        let e = Family::new(kk, rc, vec![wife.clone()], &opts).expect_err("no head");
        assert_eq!(e.errors()[0].code(), ErrorCode::FamilyNoHead);
        // A member born after as_of.
        let e = Family::new(kk, rc, vec![head, wife], &FamilyOptions::new(d(1989, 1, 1)))
            .expect_err("future");
        assert_eq!(e.errors()[0].path().to_string(), "members[1].birth_date");
        // An empty name is required, as in from_value.
        let e = Person::builder(
            " ",
            Sex::Male,
            d(1985, 1, 1),
            Relationship::Anak,
            MaritalStatus::BelumKawin,
        )
        .build(as_of)
        .expect_err("name");
        assert_eq!(e.errors()[0].code(), ErrorCode::Required);
    }
}

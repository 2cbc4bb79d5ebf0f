//! A family member (*anggota keluarga*) as on the Kartu Keluarga.

use crate::error::{ErrorCode, FieldError, PathSegment, ValidationErrors};
use crate::family::marital::{KkMaritalStatus, MaritalStatus};
use crate::family::relationship::Relationship;
use crate::id::nik::Nik;
use crate::id::pseudonym::Identifier;
use crate::input::{keep, parse_date, Fields};
use crate::sex::Sex;
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;

/// The text fields of one member as read from input: `None` when absent,
/// `null` or blank (as [`Fields::text`] reads them).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct PersonTexts<'a> {
    pub name: Option<&'a str>,
    pub nik: Option<&'a str>,
    pub sex: Option<&'a str>,
    pub birth_date: Option<&'a str>,
    pub relationship: Option<&'a str>,
    pub marital_status: Option<&'a str>,
}

/// The keys of a member object (any other key is `unknown_field`,
/// DOMAIN.md §9.5).
pub const MEMBER_FIELDS: [&str; 6] = [
    "name",
    "nik",
    "sex",
    "birth_date",
    "relationship",
    "marital_status",
];

/// A validated family member.
///
/// The NIK is optional (a newborn may not have one yet); when present it
/// agrees with the stated sex and date of birth.
///
/// `Debug` masks personal data as [`Nik`]'s does (UU 27/2022): the name as
/// `Name(***)`, the NIK as its kecamatan prefix, the birth date as its year.
#[doc(alias = "anggota keluarga")]
#[derive(Clone, PartialEq, Serialize)]
pub struct Person {
    name: Name,
    nik: Option<Identifier<Nik>>,
    sex: Sex,
    birth_date: NaiveDate,
    relationship: Relationship,
    marital_status: MaritalStatus,
    /// Whether the marriage is recorded (DOMAIN.md §9.1): `true` *kawin
    /// tercatat*, `false` *kawin belum tercatat*, `null` unknown or not married.
    marriage_recorded: Option<bool>,
}

/// A member's name, held inline when it has at most [`Name::INLINE`]
/// bytes (almost every name), so that reading a register does not
/// allocate once per member; longer names go to the heap. Compares,
/// prints and serializes as the text.
#[derive(Clone)]
enum Name {
    Inline { len: u8, bytes: [u8; Name::INLINE] },
    Heap(Box<str>),
}

impl Name {
    const INLINE: usize = 23;

    fn new(s: &str) -> Name {
        let mut bytes = [0u8; Name::INLINE];
        match (bytes.get_mut(..s.len()), u8::try_from(s.len())) {
            (Some(dst), Ok(len)) => {
                dst.copy_from_slice(s.as_bytes());
                Name::Inline { len, bytes }
            }
            _ => Name::Heap(s.into()),
        }
    }

    fn as_str(&self) -> &str {
        match self {
            // Whole text copied from a `str`: always UTF-8.
            Name::Inline { len, bytes } => bytes
                .get(..usize::from(*len))
                .and_then(|b| std::str::from_utf8(b).ok())
                .unwrap_or_default(),
            Name::Heap(s) => s,
        }
    }
}

impl PartialEq for Name {
    fn eq(&self, other: &Name) -> bool {
        self.as_str() == other.as_str()
    }
}

/// Masked: a name is personal data (UU 27/2022); `Debug` output ends up
/// in logs and panic messages.
impl std::fmt::Debug for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Name(***)")
    }
}

/// Masked like [`Nik`]'s: no name, the birth year only.
impl std::fmt::Debug for Person {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use chrono::Datelike;
        f.debug_struct("Person")
            .field("name", &self.name)
            .field("nik", &self.nik)
            .field("sex", &self.sex)
            .field("birth_year", &self.birth_date.year())
            .field("relationship", &self.relationship)
            .field("marital_status", &self.marital_status)
            .field("marriage_recorded", &self.marriage_recorded)
            .finish()
    }
}

impl Serialize for Name {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl Person {
    /// Full name.
    pub fn name(&self) -> &str {
        self.name.as_str()
    }
    /// NIK, if recorded.
    pub fn nik(&self) -> Option<&Nik> {
        self.nik.as_ref().and_then(Identifier::real)
    }
    /// The NIK or its pseudonym (a pseudonymised register,
    /// [`crate::pseudonym`]), when recorded.
    pub fn identifier(&self) -> Option<&Identifier<Nik>> {
        self.nik.as_ref()
    }
    /// Sex.
    pub fn sex(&self) -> Sex {
        self.sex
    }
    /// Date of birth.
    pub fn birth_date(&self) -> NaiveDate {
        self.birth_date
    }
    /// Relationship to the head (SHDK).
    pub fn relationship(&self) -> Relationship {
        self.relationship
    }
    /// Marital status, as every rule uses it (*kawin tercatat* and *kawin
    /// belum tercatat* are [`MaritalStatus::Kawin`], DOMAIN.md §9.1).
    pub fn marital_status(&self) -> MaritalStatus {
        self.marital_status
    }
    /// Whether the marriage is recorded: `Some(true)` *kawin tercatat*,
    /// `Some(false)` *kawin belum tercatat* (e.g. *nikah siri*), `None`
    /// unknown (an old card's *kawin*) or not married (DOMAIN.md §9.1).
    pub fn marriage_recorded(&self) -> Option<bool> {
        self.marriage_recorded
    }

    /// Starts a member from typed values (a database row, a struct): set
    /// the NIK and the recording of a marriage with the builder's methods,
    /// then [`PersonBuilder::build`] runs every check of
    /// [`Person::from_value`].
    ///
    /// ```
    /// use kampung_core::family::{marital::MaritalStatus, person::Person, relationship::Relationship};
    /// use kampung_core::{Nik, Sex};
    /// use chrono::NaiveDate;
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// let p = Person::builder("Siti", Sex::Female, d(1990, 7, 5), Relationship::Istri, MaritalStatus::Kawin)
    ///     .nik(Nik::parse("6472054507900002").unwrap())
    ///     .marriage_recorded(Some(false))
    ///     .build(d(2026, 1, 15))
    ///     .unwrap();
    /// assert_eq!(p.marriage_recorded(), Some(false));
    /// let wrong = Person::builder("Siti", Sex::Male, d(1990, 7, 5), Relationship::Istri, MaritalStatus::Kawin)
    ///     .nik(Nik::parse("6472054507900002").unwrap())
    ///     .build(d(2026, 1, 15))
    ///     .unwrap_err();
    /// assert_eq!(wrong.errors()[0].code().as_str(), "nik_sex_mismatch");
    /// ```
    pub fn builder(
        name: &str,
        sex: Sex,
        birth_date: NaiveDate,
        relationship: Relationship,
        marital_status: MaritalStatus,
    ) -> PersonBuilder {
        PersonBuilder {
            name: name.to_owned(),
            nik: None,
            sex,
            birth_date,
            relationship,
            marital: KkMaritalStatus::new(marital_status, None),
        }
    }

    /// Validates one member from untyped input with fields `name`, `nik`
    /// (optional), `sex`, `birth_date` (`YYYY-MM-DD`), `relationship`
    /// (SHDK code or name) and `marital_status`, against the reference date
    /// `as_of`.
    ///
    /// # Errors
    /// Every problem found, with paths relative to the member.
    pub fn from_value(v: &Value, as_of: NaiveDate) -> Result<Person, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let f = Fields::of(v, &mut errors);
        f.deny_unknown(&MEMBER_FIELDS, &mut errors);
        let name = f.text("name", true, false, &mut errors);
        let nik = f.id_text("nik", false, &mut errors);
        let sex = f.text("sex", true, true, &mut errors);
        let birth_date = f.text("birth_date", true, false, &mut errors);
        let relationship = f.text("relationship", true, true, &mut errors);
        let marital_status = f.text("marital_status", true, true, &mut errors);
        let texts = PersonTexts {
            name: name.as_deref(),
            nik: nik.as_deref(),
            sex: sex.as_deref(),
            birth_date: birth_date.as_deref(),
            relationship: relationship.as_deref(),
            marital_status: marital_status.as_deref(),
        };
        Person::from_texts(&texts, as_of, errors)
    }

    /// The usual member, checked without building errors: a NIK of 16
    /// plain digits and a date of birth written `YYYY-MM-DD` with nothing
    /// around it. `Some` only when [`Person::from_texts`] (with no earlier
    /// errors) returns this very person; `None` for anything else, valid
    /// or not.
    fn usual(t: &PersonTexts<'_>, as_of: NaiveDate) -> Option<Person> {
        let nik = Nik::parse_plain(t.nik?, as_of)?;
        let sex = Sex::parse(t.sex?).ok()?;
        let dob = t.birth_date?;
        let birth_date = parse_date(dob).ok()?;
        // `Nik::matches_birth_date` on the text: day, month and the last
        // two digits of the (four-digit, non-negative) year.
        let b = dob.as_bytes();
        let num = |i: usize| crate::id::province::two_digits(b.get(i..i + 2)?);
        let agrees = b.len() == 10
            && num(8) == Some(nik.birth_day())
            && num(5) == Some(nik.birth_month())
            && num(2) == Some(nik.birth_year_2d());
        if !agrees || birth_date > as_of || nik.sex() != sex {
            return None;
        }
        let marital = KkMaritalStatus::parse(t.marital_status?).ok()?;
        Some(Person {
            name: Name::new(crate::input::trim(t.name?)),
            nik: Some(Identifier::Real(nik)),
            sex,
            birth_date,
            relationship: Relationship::parse(t.relationship?).ok()?,
            marital_status: marital.status,
            marriage_recorded: marital.recorded,
        })
    }

    /// Validates a member from its text fields, already read (absent or
    /// blank fields are `None`); `errors` holds what reading them found.
    /// Shared by [`Person::from_value`] and the register's typed reader,
    /// so both accept exactly the same members.
    pub(crate) fn from_texts(
        t: &PersonTexts<'_>,
        as_of: NaiveDate,
        errors: ValidationErrors,
    ) -> Result<Person, ValidationErrors> {
        if errors.is_empty() {
            if let Some(p) = Person::usual(t, as_of) {
                return Ok(p);
            }
        }
        Person::checked(t, as_of, errors)
    }

    /// [`Person::from_texts`] without the shortcut: every check, every error.
    fn checked(
        t: &PersonTexts<'_>,
        as_of: NaiveDate,
        mut errors: ValidationErrors,
    ) -> Result<Person, ValidationErrors> {
        let (name, nik_raw, sex_raw, dob_raw, rel_raw, mar_raw) = (
            t.name,
            t.nik,
            t.sex,
            t.birth_date,
            t.relationship,
            t.marital_status,
        );
        let nik = nik_raw.and_then(|s| match Identifier::<Nik>::parse_as_of(s, as_of) {
            Ok(n) => Some(n),
            Err(es) => {
                errors.extend_with_outer(es, &PathSegment::Field("nik"));
                None
            }
        });
        let sex = sex_raw.and_then(|s| keep(Sex::parse(s), "sex", &mut errors));
        let birth_date = dob_raw.and_then(|s| keep(parse_date(s), "birth_date", &mut errors));
        let relationship =
            rel_raw.and_then(|s| keep(Relationship::parse(s), "relationship", &mut errors));
        let marital_status =
            mar_raw.and_then(|s| keep(KkMaritalStatus::parse(s), "marital_status", &mut errors));

        if let Some(d) = birth_date {
            if d > as_of {
                errors.push(
                    FieldError::at("birth_date", ErrorCode::DateInFuture)
                        .with_param("as_of", as_of.to_string()),
                );
            }
        }
        // A pseudonym was checked against sex and date of birth before the
        // NIK was replaced (`crate::pseudonym`).
        if let Some(Identifier::Real(n)) = &nik {
            if let Some(s) = sex {
                if n.sex() != s {
                    errors.push(FieldError::at("sex", ErrorCode::NikSexMismatch));
                }
            }
            if let Some(d) = birth_date {
                if !n.matches_birth_date(d) {
                    errors.push(FieldError::at(
                        "birth_date",
                        ErrorCode::NikBirthDateMismatch,
                    ));
                }
            }
        }
        match (name, sex, birth_date, relationship, marital_status) {
            (Some(name), Some(sex), Some(birth_date), Some(relationship), Some(marital_status))
                if errors.is_empty() =>
            {
                Ok(Person {
                    name: Name::new(crate::input::trim(name)),
                    nik,
                    sex,
                    birth_date,
                    relationship,
                    marital_status: marital_status.status,
                    marriage_recorded: marital_status.recorded,
                })
            }
            _ => Err(errors),
        }
    }
}

/// A member under construction from typed values ([`Person::builder`]).
/// `Debug` is masked as [`Person`]'s.
#[derive(Clone, PartialEq)]
#[must_use]
pub struct PersonBuilder {
    name: String,
    nik: Option<Nik>,
    sex: Sex,
    birth_date: NaiveDate,
    relationship: Relationship,
    marital: KkMaritalStatus,
}

impl std::fmt::Debug for PersonBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use chrono::Datelike;
        f.debug_struct("PersonBuilder")
            .field("name", &"***")
            .field("nik", &self.nik)
            .field("birth_year", &self.birth_date.year())
            .finish_non_exhaustive()
    }
}

impl PersonBuilder {
    /// With a NIK (checked against the sex and date of birth by `build`).
    pub fn nik(mut self, nik: Nik) -> PersonBuilder {
        self.nik = Some(nik);
        self
    }
    /// With the recording of the marriage (DOMAIN.md §9.1; kept only for
    /// a married member).
    pub fn marriage_recorded(mut self, recorded: Option<bool>) -> PersonBuilder {
        self.marital = KkMaritalStatus::new(self.marital.status, recorded);
        self
    }
    /// Validates the member against `as_of` with the very checks of
    /// [`Person::from_value`] (name required, birth not after `as_of`, NIK
    /// consistent with sex and date of birth).
    ///
    /// # Errors
    /// Every problem, with paths relative to the member.
    pub fn build(self, as_of: NaiveDate) -> Result<Person, ValidationErrors> {
        let date = self.birth_date.format("%Y-%m-%d").to_string();
        let sex = match self.sex {
            Sex::Male => "L",
            Sex::Female => "P",
        };
        let rel = self.relationship.code().to_string();
        let mar = match (self.marital.status, self.marital.recorded) {
            (MaritalStatus::Kawin, Some(true)) => "kawin_tercatat",
            (MaritalStatus::Kawin, Some(false)) => "kawin_belum_tercatat",
            (m, _) => m.as_str(),
        };
        let name = self.name.trim();
        let texts = PersonTexts {
            name: (!name.is_empty()).then_some(name),
            nik: self.nik.as_ref().map(Nik::as_str),
            sex: Some(sex),
            birth_date: Some(&date),
            relationship: Some(&rel),
            marital_status: Some(mar),
        };
        let mut errors = ValidationErrors::new();
        if texts.name.is_none() {
            errors.push(FieldError::at("name", ErrorCode::Required));
        }
        Person::from_texts(&texts, as_of, errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 15.11: `{:?}` of a member shows neither the name nor the
    /// birth date nor the NIK's personal digits.
    #[test]
    fn debug_is_masked() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("date");
        let nik = Nik::parse("6401013001900003").expect("nik");
        let p = Person::builder(
            "Budi Santoso",
            Sex::Male,
            d(1990, 1, 30),
            Relationship::KepalaKeluarga,
            MaritalStatus::Kawin,
        )
        .nik(nik);
        let builder = format!("{p:?}");
        let p = p.build(d(2025, 7, 1)).expect("valid");
        for text in [format!("{p:?}"), format!("{p:#?}"), builder] {
            for secret in ["Budi", "Santoso", "1990-01-30", "300190", "0003", "01-30"] {
                assert!(!text.contains(secret), "{secret} in {text}");
            }
            assert!(text.contains("640101"), "{text}");
        }
        assert_eq!(p.name(), "Budi Santoso");
    }

    /// The shortcut gives the person of the full check whenever it answers,
    /// and answers for the usual members, over every combination of usual
    /// and unusual field texts.
    #[test]
    fn usual_member_shortcut_is_exact() {
        let as_ofs = [
            NaiveDate::from_ymd_opt(2025, 7, 1),
            NaiveDate::from_ymd_opt(2024, 2, 29),
            NaiveDate::from_ymd_opt(1990, 1, 30),
        ];
        let names = [Some("Budi"), Some(" Siti "), None];
        let niks = [
            Some("6401013001900003"),
            Some("6401017001900003"),
            Some(" 6401013001900003"),
            Some("6401013001900000"),
            Some("6401012902000003"),
            Some("6401016902000003"),
            Some("6401012902010003"),
            Some("640101300190000x"),
            None,
        ];
        let sexes = [Some("L"), Some("P"), Some(" l "), Some("x"), None];
        let dates = [
            Some("1990-01-30"),
            Some("2000-02-29"),
            Some("1900-02-29"),
            Some("1890-01-30"),
            Some("1990-01-31"),
            Some(" 1990-01-30"),
            Some("1990-1-30"),
            Some("2090-01-30"),
            None,
        ];
        let rels = [
            Some("anak"),
            Some("Kepala Keluarga"),
            Some("7"),
            Some("x"),
            None,
        ];
        let mars = [
            Some("kawin"),
            Some("belum-kawin"),
            Some("Kawin Belum Tercatat"),
            Some("x"),
            None,
        ];
        let (mut hits, mut total) = (0, 0);
        for as_of in as_ofs.into_iter().flatten() {
            for name in names {
                for nik in niks {
                    for sex in sexes {
                        for birth_date in dates {
                            for relationship in rels {
                                for marital_status in mars {
                                    let t = PersonTexts {
                                        name,
                                        nik,
                                        sex,
                                        birth_date,
                                        relationship,
                                        marital_status,
                                    };
                                    let full = Person::checked(&t, as_of, ValidationErrors::new());
                                    total += 1;
                                    if let Some(p) = Person::usual(&t, as_of) {
                                        hits += 1;
                                        assert_eq!(full.as_ref().ok(), Some(&p), "{t:?} {as_of}");
                                    } else if full.is_ok()
                                        && nik.is_some_and(|n| n.len() == 16)
                                        && birth_date.is_some_and(|d| d.len() == 10)
                                    {
                                        panic!("valid usual member not taken: {t:?} {as_of}");
                                    }
                                    assert_eq!(
                                        Person::from_texts(&t, as_of, ValidationErrors::new()),
                                        full
                                    );
                                }
                            }
                        }
                    }
                }
            }
        }
        assert!(hits > 100 && hits < total / 2, "{hits} of {total}");
    }

    /// A name reads, compares, prints and serializes as its text, inline
    /// or not.
    #[test]
    fn names_inline_and_on_the_heap() {
        for text in [
            "",
            "Budi",
            "Siti Nurhaliza binti Ahmad",
            "Ñoño 李",
            "abcdefghijklmnopqrstuvw",
            "abcdefghijklmnopqrstuvwx",
        ] {
            let n = Name::new(text);
            assert_eq!(n.as_str(), text);
            assert_eq!(format!("{n:?}"), "Name(***)", "masked (issue 15.11)");
            assert_eq!(
                serde_json::to_string(&n).ok(),
                serde_json::to_string(text).ok()
            );
            assert_eq!(n, Name::Heap(text.into()));
            assert_eq!(matches!(n, Name::Inline { .. }), text.len() <= Name::INLINE);
        }
    }
}

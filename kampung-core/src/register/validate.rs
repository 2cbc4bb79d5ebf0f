//! Domain validation of a typed record ([`RawRecord`]): the one place
//! where a register record becomes a [`RegisterFamily`] or its errors,
//! whatever format it was read from.
//!
//! The rules are the domain's own: members and families through
//! [`Person`] and [`Family`] (the same functions as
//! [`Family::from_value`]), housing through the KRS rules
//! (`risk::krs`), KB status through [`Method`] and [`NonUseReason`],
//! measurements against the family's members and `as_of`. Fields are
//! read as [`crate::input`] reads JSON fields (text, yes/no, numbers with
//! a decimal point or comma, codes given as numbers), and every problem
//! is collected with its path, in the order of the record's fields.
//!
//! A problem with the family itself excludes the family; a problem with
//! one measurement excludes only that measurement.

use super::record::{
    Cell, Field, Item, RawFamily, RawHousing, RawKb, RawMeasurement, RawMember, RawRecord,
};
use super::{KbStatus, Measurement, RegisterFamily, RegisterOptions, RegisterRead};
use crate::error::{ErrorCode, FieldError, PathSegment, ValidationErrors};
use crate::family::person::{Person, PersonTexts};
use crate::family::{Family, FamilyOptions};
use crate::growth::child::Measure;
use crate::id::nomor_kk::NomorKk;
use crate::id::pseudonym::Identifier;
use crate::id::wilayah::KodeWilayah;
use crate::input::{
    cell_finite as finite, cell_id_text as id_text, cell_text as text, cell_yes_no as yes_no,
    parse_date,
};
use crate::kb::method::{Method, NonUseReason};
use crate::kb::pus::{age_years, is_pus, wife};
use crate::kb::read::{int_in, number_in};
use crate::risk::krs::{check_housing, Housing, HousingParts, KrsRuleSet, Latrine, WaterSource};
use chrono::NaiveDate;

/// Upper bound of `weight_kg` and `length_cm`.
const MAX_VALUE: f64 = 250.0;

/// `invalid_type` at `name` (or at the root when `name` is `None`).
fn invalid_type(
    name: Option<&'static str>,
    expected: &'static str,
    received: &'static str,
) -> FieldError {
    let e = match name {
        Some(n) => FieldError::at(n, ErrorCode::InvalidType),
        None => FieldError::new(ErrorCode::InvalidType),
    };
    e.with_param("expected", expected)
        .with_param("received", received)
}

/// A code parsed by `parse`, required or not (a number is read as its
/// decimal text; blank is absent).
#[inline]
fn code<T>(
    cell: &Cell<'_>,
    name: &'static str,
    required: bool,
    parse: impl Fn(&str) -> Result<T, FieldError>,
    errors: &mut ValidationErrors,
) -> Option<T> {
    let s = text(cell, name, required, true, errors)?;
    match parse(&s) {
        Ok(t) => Some(t),
        Err(e) => {
            errors.push(e.with_outer(PathSegment::Field(name)));
            None
        }
    }
}

/// Bilateral pitting oedema: a yes/no (also `1`/`0`) or WHO anthro's
/// codes (`y`/`1` yes, `n`/`2` no); missing means no.
#[inline]
fn oedema(cell: &Cell<'_>, errors: &mut ValidationErrors) -> bool {
    let yes = match *cell {
        Cell::Missing => Some(false),
        Cell::Bool(b) => Some(b),
        Cell::UInt(1) => Some(true),
        Cell::UInt(0 | 2) => Some(false),
        // The yes/no texts, plus WHO anthro's `n` and `2` for no.
        Cell::Text(s) => match crate::input::yes_no_text(s) {
            Ok(b) => Some(b.unwrap_or(false)),
            Err(()) => match crate::input::trim(s).to_ascii_lowercase().as_str() {
                "n" | "2" => Some(false),
                _ => None,
            },
        },
        _ => None,
    };
    yes.unwrap_or_else(|| {
        errors.push(FieldError::at("oedema", ErrorCode::OedemaInvalid));
        false
    })
}

/// The path `list[i]` around `errs`, appended to `errors`.
fn nest(errors: &mut ValidationErrors, list: &'static str, i: usize, errs: ValidationErrors) {
    let mut inner = ValidationErrors::new();
    inner.extend_with_outer(
        errs,
        &PathSegment::Index(u32::try_from(i).unwrap_or(u32::MAX)),
    );
    errors.extend_with_outer(inner, &PathSegment::Field(list));
}

/// One member, validated on its own (paths relative to the member).
fn person(item: &Item<RawMember<'_>>, as_of: NaiveDate) -> Result<Person, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let m = match item {
        Item::Object(m) => m,
        Item::Other(t) => {
            errors.push(invalid_type(None, "object", t));
            return Person::from_texts(&PersonTexts::default(), as_of, errors);
        }
    };
    if let Some(key) = m.unknown {
        errors.push(crate::input::unknown_field(
            key,
            &crate::family::person::MEMBER_FIELDS,
        ));
    }
    // The usual member: every field text, the required ones not blank. The
    // texts are then those `text` gives, without an error.
    fn filled<'c>(c: &Cell<'c>) -> Option<&'c str> {
        match *c {
            Cell::Text(s) if !crate::input::trim(s).is_empty() => Some(s),
            _ => None,
        }
    }
    let nik = match m.nik {
        Cell::Missing => Some(None),
        c => filled(&c).map(Some),
    };
    if let (
        Some(name),
        Some(nik),
        Some(sex),
        Some(birth_date),
        Some(relationship),
        Some(marital_status),
    ) = (
        filled(&m.name),
        nik,
        filled(&m.sex),
        filled(&m.birth_date),
        filled(&m.relationship),
        filled(&m.marital_status),
    ) {
        let texts = PersonTexts {
            name: Some(name),
            nik,
            sex: Some(sex),
            birth_date: Some(birth_date),
            relationship: Some(relationship),
            marital_status: Some(marital_status),
        };
        return Person::from_texts(&texts, as_of, errors);
    }
    let name = text(&m.name, "name", true, false, &mut errors);
    let nik = id_text(&m.nik, "nik", false, &mut errors);
    let sex = text(&m.sex, "sex", true, true, &mut errors);
    let birth_date = text(&m.birth_date, "birth_date", true, false, &mut errors);
    let relationship = text(&m.relationship, "relationship", true, true, &mut errors);
    let marital_status = text(&m.marital_status, "marital_status", true, true, &mut errors);
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

/// The family part of a record (identifiers and members), with the
/// errors of [`Family::from_value`] in its order.
fn family(
    raw: &RawFamily<'_>,
    opts: &FamilyOptions,
    errors: &mut ValidationErrors,
) -> Option<Family> {
    let kk_raw = id_text(&raw.no_kk, "no_kk", true, errors);
    let region_raw = id_text(&raw.region_code, "region_code", true, errors);
    if let Field::Other(t) = raw.members {
        errors.push(invalid_type(Some("members"), "array", t));
    }
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
    let mut members = Vec::new();
    let mut failed = Vec::new();
    match &raw.members {
        Field::Present(list) if !list.is_empty() => {
            members.reserve_exact(list.len());
            for (i, m) in list.iter().enumerate() {
                match person(m, opts.as_of) {
                    Ok(p) => members.push(p),
                    Err(es) => {
                        nest(errors, "members", i, es);
                        failed.push(i);
                    }
                }
            }
        }
        Field::Other(_) => {}
        _ => errors.push(FieldError::at("members", ErrorCode::FamilyNoMembers)),
    }
    Family::from_read(no_kk, region_code, members, &failed, opts, errors)
}

/// Absent, or text that is only white space: a required field left empty.
fn empty(cell: &Cell<'_>) -> bool {
    match cell {
        Cell::Missing => true,
        Cell::Text(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// The housing object (paths relative to it).
fn housing(h: &RawHousing<'_>, rules: &KrsRuleSet, he: &mut ValidationErrors) -> Option<Housing> {
    if let Some(key) = h.unknown {
        he.push(crate::input::unknown_field(
            key,
            &crate::risk::krs::HOUSING_FIELDS,
        ));
    }
    let water = code(
        &h.water_source,
        "water_source",
        false,
        WaterSource::parse,
        he,
    );
    if empty(&h.water_source) {
        he.push(FieldError::at("water_source", ErrorCode::Required));
    }
    let latrine = code(&h.latrine, "latrine", false, Latrine::parse, he);
    if empty(&h.latrine) {
        he.push(FieldError::at("latrine", ErrorCode::Required));
    }
    let parts = HousingParts {
        water,
        latrine,
        septic: yes_no(&h.septic_tank, "septic_tank", he),
        septic_absent: h.septic_tank.is_missing(),
        gooseneck: yes_no(&h.gooseneck, "gooseneck", he),
        gooseneck_absent: h.gooseneck.is_missing(),
        housing_layak: yes_no(&h.housing_layak, "housing_layak", he),
        housing_layak_absent: h.housing_layak.is_missing(),
    };
    check_housing(&parts, rules, he)
}

/// The KB object (paths relative to it): a method, and a reason only for
/// non-users.
fn kb(k: &RawKb<'_>, errors: &mut ValidationErrors) -> Option<KbStatus> {
    if let Some(key) = k.unknown {
        errors.push(crate::input::unknown_field(key, &super::record::KB_FIELDS));
    }
    let method = code(&k.method, "method", true, Method::parse, errors);
    let reason = code(
        &k.reason_not_using,
        "reason_not_using",
        false,
        NonUseReason::parse,
        errors,
    );
    let method = method?;
    if method.is_user() && reason.is_some() {
        errors.push(FieldError::at(
            "reason_not_using",
            ErrorCode::KbReasonWithMethod,
        ));
        return None;
    }
    Some(KbStatus { method, reason })
}

/// The rules on the wife: `wife_pregnant` needs a wife; a PUS family needs
/// its KB status (`kb_absent`: no `kb` field at all).
fn check_wife(
    fam: &Family,
    pregnant: Option<bool>,
    kb_absent: bool,
    opts: &RegisterOptions,
    errors: &mut ValidationErrors,
) {
    match wife(fam) {
        None => {
            if pregnant == Some(true) {
                errors.push(FieldError::at(
                    "wife_pregnant",
                    ErrorCode::KrsWifeFieldWithoutWife,
                ));
            }
        }
        Some(w) => {
            let pus = is_pus(
                age_years(w, opts.as_of),
                None,
                pregnant == Some(true),
                opts.krs_rules.pus,
            );
            if pus && kb_absent {
                errors.push(FieldError::at("kb", ErrorCode::RegisterKbMissing));
            }
        }
    }
}

/// `measured_on`: a date not after `as_of`.
#[inline]
fn measured_on(s: &str, as_of: NaiveDate, errors: &mut ValidationErrors) -> Option<NaiveDate> {
    match parse_date(s) {
        Ok(d) if d > as_of => {
            errors.push(
                FieldError::at("measured_on", ErrorCode::DateInFuture)
                    .with_param("as_of", as_of.to_string()),
            );
            None
        }
        Ok(d) => Some(d),
        Err(e) => {
            errors.push(e.with_outer(PathSegment::Field("measured_on")));
            None
        }
    }
}

/// `measure`: `l` lying, `h` standing, `NA`/empty missing.
#[inline]
fn measure_code(s: &str) -> Result<Option<Measure>, FieldError> {
    match crate::growth::codes::parse_measure(s)? {
        b'l' => Ok(Some(Measure::Length)),
        b'h' => Ok(Some(Measure::Height)),
        _ => Ok(None),
    }
}

/// The member a measurement belongs to: by `nik` when given, else by the
/// 0-based index `member_ix`. `member_absent`: the measurement has no
/// `member` field (then a missing `nik` is `required`).
#[inline]
fn resolve_member(
    nik: Option<&str>,
    member_ix: Option<i64>,
    member_absent: bool,
    family: &Family,
    errors: &mut ValidationErrors,
) -> Option<usize> {
    match (nik, member_ix) {
        (Some(n), _) => {
            let found = family
                .members()
                .iter()
                .position(|p| p.identifier().is_some_and(|k| k.is_text(n)));
            if found.is_none() {
                errors.push(FieldError::at("nik", ErrorCode::RegisterMemberUnknown));
            }
            found
        }
        (None, Some(i)) => {
            let i = usize::try_from(i).unwrap_or(usize::MAX);
            if i >= family.members().len() {
                errors.push(FieldError::at("member", ErrorCode::RegisterMemberUnknown));
                None
            } else {
                Some(i)
            }
        }
        (None, None) => {
            if member_absent {
                errors.push(FieldError::at("nik", ErrorCode::Required));
            }
            None
        }
    }
}

/// One measurement of `family` (paths relative to the measurement).
fn measurement(
    item: &Item<RawMeasurement<'_>>,
    family: &Family,
    as_of: NaiveDate,
) -> Result<Measurement, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let m = match item {
        Item::Object(m) => m,
        Item::Other(t) => {
            errors.push(invalid_type(None, "object", t));
            return Err(errors);
        }
    };
    if let Some(key) = m.unknown {
        errors.push(crate::input::unknown_field(
            key,
            &super::record::MEASUREMENT_FIELDS,
        ));
    }
    let e = &mut errors;
    let nik = id_text(&m.nik, "nik", false, e);
    let member_ix = finite(&m.member, "member", e).and_then(|x| int_in(x, "member", 0, 1000, e));
    let member = resolve_member(nik.as_deref(), member_ix, m.member.is_missing(), family, e);
    let on =
        text(&m.measured_on, "measured_on", true, false, e).and_then(|s| measured_on(&s, as_of, e));
    let weight_kg = finite(&m.weight_kg, "weight_kg", e)
        .and_then(|x| number_in(x, "weight_kg", 0.0, MAX_VALUE, e));
    let length_cm = finite(&m.length_cm, "length_cm", e)
        .and_then(|x| number_in(x, "length_cm", 0.0, MAX_VALUE, e));
    for (name, x) in [("weight_kg", weight_kg), ("length_cm", length_cm)] {
        if x.is_some_and(|x| x <= 0.0) {
            e.push(FieldError::at(name, ErrorCode::NotPositive));
        }
    }
    let measure = code(&m.measure, "measure", false, measure_code, e).flatten();
    let oedema = oedema(&m.oedema, e);
    if let (Some(i), Some(d)) = (member, on) {
        if family.members().get(i).is_some_and(|p| d < p.birth_date()) {
            e.push(FieldError::at(
                "measured_on",
                ErrorCode::MeasuredBeforeBirth,
            ));
        }
    }
    match (member, on) {
        (Some(member), Some(measured_on)) if errors.is_empty() => Ok(Measurement {
            member,
            measured_on,
            weight_kg,
            length_cm,
            measure,
            oedema,
        }),
        _ => Err(errors),
    }
}

/// Validates one record (see the module documentation). Never panics;
/// every problem has a path.
pub fn validate(record: &RawRecord<'_>, opts: &RegisterOptions) -> RegisterRead {
    let excluded = |errors: ValidationErrors| RegisterRead {
        family: None,
        errors: errors.into_vec(),
        measurements_excluded: 0,
    };
    let mut errors = ValidationErrors::new();
    let raw = match record {
        RawRecord::Family(raw) => raw,
        RawRecord::Other(t) => {
            errors.push(invalid_type(None, "object", t));
            return excluded(errors);
        }
    };
    let fam = family(raw, &FamilyOptions::new(opts.as_of), &mut errors);

    let mut he = ValidationErrors::new();
    let home = match &raw.housing {
        Field::Present(h) => housing(h, &opts.krs_rules, &mut he),
        Field::Other(t) => {
            errors.push(invalid_type(Some("housing"), "object", t));
            None
        }
        Field::Missing => {
            errors.push(FieldError::at("housing", ErrorCode::Required));
            None
        }
    };
    errors.extend_with_outer(he, &PathSegment::Field("housing"));
    let pregnant = yes_no(&raw.wife_pregnant, "wife_pregnant", &mut errors);
    let mut ke = ValidationErrors::new();
    let kb_status = match &raw.kb {
        Field::Present(k) => kb(k, &mut ke),
        Field::Other(t) => {
            errors.push(invalid_type(Some("kb"), "object", t));
            None
        }
        Field::Missing => None,
    };
    errors.extend_with_outer(ke, &PathSegment::Field("kb"));
    let wife_pregnant = pregnant.unwrap_or(false)
        || kb_status.is_some_and(|k| k.reason == Some(NonUseReason::Hamil));
    if let Some(f) = &fam {
        let kb_absent = kb_status.is_none() && raw.kb == Field::Missing;
        check_wife(f, pregnant, kb_absent, opts, &mut errors);
    }
    let (Some(family), Some(housing), true) = (fam, home, errors.is_empty()) else {
        return excluded(errors);
    };

    let list = match &raw.measurements {
        Field::Missing => &[][..],
        Field::Present(list) => list.as_slice(),
        Field::Other(t) => {
            errors.push(invalid_type(Some("measurements"), "array", t));
            return excluded(errors);
        }
    };
    let mut measurements = Vec::with_capacity(list.len());
    let mut bad = ValidationErrors::new();
    let mut lost = 0u32;
    for (i, m) in list.iter().enumerate() {
        match measurement(m, &family, opts.as_of) {
            Ok(x) => measurements.push(x),
            Err(es) => {
                lost += 1;
                nest(&mut bad, "measurements", i, es);
            }
        }
    }
    RegisterRead {
        family: Some(RegisterFamily {
            family,
            housing,
            wife_pregnant,
            kb: kb_status,
            measurements,
        }),
        errors: bad.into_vec(),
        measurements_excluded: lost,
    }
}

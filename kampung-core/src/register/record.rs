//! The typed record: one family of a register as a reader found it,
//! before any domain rule is applied.
//!
//! Every format reader produces a [`RawRecord`]: the JSON Lines scanner
//! ([`super::json`]), the `serde_json::Value` reader for records the
//! scanner does not describe ([`RawRecord::from_value`]) and the table
//! readers (CSV entity files, DataFrames, Arrow batches; [`super::table`]).
//! [`super::validate`] then applies the rules, once, for every format.
//!
//! A [`Cell`] keeps what the format said about a field: absent, text, a
//! yes/no, a number (whole numbers kept exactly) or another type, so
//! that validation can say `invalid_type` with what it received
//! ([`crate::input`] reads every field of every input through it).

use serde_json::Value;

pub use crate::input::Cell;

/// An object or list field: absent (or `null`), present, or of another type.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Field<T> {
    /// Absent or `null`.
    #[default]
    Missing,
    /// Present, of the expected kind.
    Present(T),
    /// Present, of another type (its type name).
    Other(&'static str),
}

impl<T> Field<T> {
    /// The present value.
    pub fn present(&self) -> Option<&T> {
        match self {
            Field::Present(t) => Some(t),
            _ => None,
        }
    }
}

/// An element of a list of objects: an object, or a value of another type.
#[derive(Clone, Debug, PartialEq)]
pub enum Item<T> {
    /// An object.
    Object(T),
    /// Not an object (its type name).
    Other(&'static str),
}

/// One member (`members[]`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RawMember<'a> {
    /// `name`.
    pub name: Cell<'a>,
    /// `nik`.
    pub nik: Cell<'a>,
    /// `sex`.
    pub sex: Cell<'a>,
    /// `birth_date`.
    pub birth_date: Cell<'a>,
    /// `relationship`.
    pub relationship: Cell<'a>,
    /// `marital_status`.
    pub marital_status: Cell<'a>,
    /// The first key that is not one of the object's fields (an
    /// `unknown_field` error, DOMAIN.md §9.5); table readers never set it.
    pub unknown: Option<&'a str>,
}

/// The housing object (`housing`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RawHousing<'a> {
    /// `water_source`.
    pub water_source: Cell<'a>,
    /// `latrine`.
    pub latrine: Cell<'a>,
    /// `septic_tank`.
    pub septic_tank: Cell<'a>,
    /// `gooseneck`.
    pub gooseneck: Cell<'a>,
    /// `housing_layak`.
    pub housing_layak: Cell<'a>,
    /// The first key that is not one of the object's fields (an
    /// `unknown_field` error, DOMAIN.md §9.5); table readers never set it.
    pub unknown: Option<&'a str>,
}

/// The KB status object (`kb`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RawKb<'a> {
    /// `method`.
    pub method: Cell<'a>,
    /// `reason_not_using`.
    pub reason_not_using: Cell<'a>,
    /// The first key that is not one of the object's fields (an
    /// `unknown_field` error, DOMAIN.md §9.5); table readers never set it.
    pub unknown: Option<&'a str>,
}

/// One measurement (`measurements[]`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RawMeasurement<'a> {
    /// `nik` of the measured member.
    pub nik: Cell<'a>,
    /// `member`: the 0-based index of the measured member.
    pub member: Cell<'a>,
    /// `measured_on`.
    pub measured_on: Cell<'a>,
    /// `weight_kg`.
    pub weight_kg: Cell<'a>,
    /// `length_cm`.
    pub length_cm: Cell<'a>,
    /// `measure`.
    pub measure: Cell<'a>,
    /// `oedema`.
    pub oedema: Cell<'a>,
    /// The first key that is not one of the object's fields (an
    /// `unknown_field` error, DOMAIN.md §9.5); table readers never set it.
    pub unknown: Option<&'a str>,
}

/// The fields of one family record.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawFamily<'a> {
    /// `no_kk`.
    pub no_kk: Cell<'a>,
    /// `region_code`.
    pub region_code: Cell<'a>,
    /// `members`.
    pub members: Field<Vec<Item<RawMember<'a>>>>,
    /// `housing`.
    pub housing: Field<RawHousing<'a>>,
    /// `wife_pregnant`.
    pub wife_pregnant: Cell<'a>,
    /// `kb`.
    pub kb: Field<RawKb<'a>>,
    /// `measurements`.
    pub measurements: Field<Vec<Item<RawMeasurement<'a>>>>,
}

/// One record of a register: a family object, or a value of another type.
// Built once per record on the stack; boxing the family would cost an
// allocation per line.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum RawRecord<'a> {
    /// An object (its known fields; other keys are ignored).
    Family(RawFamily<'a>),
    /// Not an object (its type name).
    Other(&'static str),
}

/// The known fields of a JSON object, or the type of a non-object.
fn object_fields<'a, T>(
    v: &'a Value,
    read: impl FnOnce(&'a serde_json::Map<String, Value>) -> T,
) -> Item<T> {
    match v {
        Value::Object(m) => Item::Object(read(m)),
        other => Item::Other(crate::input::type_name(other)),
    }
}

/// The first key of `m` that is not in `known`.
fn first_unknown<'a>(m: &'a serde_json::Map<String, Value>, known: &[&str]) -> Option<&'a str> {
    m.keys().map(String::as_str).find(|k| !known.contains(k))
}

/// The keys of a KB object.
pub const KB_FIELDS: [&str; 2] = ["method", "reason_not_using"];
/// The keys of a measurement object.
pub const MEASUREMENT_FIELDS: [&str; 7] = [
    "nik",
    "member",
    "measured_on",
    "weight_kg",
    "length_cm",
    "measure",
    "oedema",
];

/// An object-valued field of `m`.
fn object_field<'a, T>(
    m: &'a serde_json::Map<String, Value>,
    key: &str,
    read: impl FnOnce(&'a serde_json::Map<String, Value>) -> T,
) -> Field<T> {
    match m.get(key) {
        None | Some(Value::Null) => Field::Missing,
        Some(v) => match object_fields(v, read) {
            Item::Object(t) => Field::Present(t),
            Item::Other(t) => Field::Other(t),
        },
    }
}

/// A list-of-objects field of `m`.
fn list_field<'a, T>(
    m: &'a serde_json::Map<String, Value>,
    key: &str,
    read: impl Fn(&'a serde_json::Map<String, Value>) -> T,
) -> Field<Vec<Item<T>>> {
    match m.get(key) {
        None | Some(Value::Null) => Field::Missing,
        Some(Value::Array(a)) => {
            Field::Present(a.iter().map(|v| object_fields(v, &read)).collect())
        }
        Some(other) => Field::Other(crate::input::type_name(other)),
    }
}

impl<'a> RawMember<'a> {
    /// The member fields of a JSON object.
    pub fn from_map(m: &'a serde_json::Map<String, Value>) -> RawMember<'a> {
        let c = |k: &str| Cell::of(m.get(k));
        RawMember {
            name: c("name"),
            nik: c("nik"),
            sex: c("sex"),
            birth_date: c("birth_date"),
            relationship: c("relationship"),
            marital_status: c("marital_status"),
            unknown: first_unknown(m, &crate::family::person::MEMBER_FIELDS),
        }
    }
}

impl<'a> RawMeasurement<'a> {
    /// The measurement fields of a JSON object.
    pub fn from_map(m: &'a serde_json::Map<String, Value>) -> RawMeasurement<'a> {
        let c = |k: &str| Cell::of(m.get(k));
        RawMeasurement {
            nik: c("nik"),
            member: c("member"),
            measured_on: c("measured_on"),
            weight_kg: c("weight_kg"),
            length_cm: c("length_cm"),
            measure: c("measure"),
            oedema: c("oedema"),
            unknown: first_unknown(m, &MEASUREMENT_FIELDS),
        }
    }
}

impl<'a> RawRecord<'a> {
    /// The record held in a JSON value (the general reader: any JSON, with
    /// escapes, other key orders, unknown keys, wrong types).
    pub fn from_value(v: &'a Value) -> RawRecord<'a> {
        let Value::Object(m) = v else {
            return RawRecord::Other(crate::input::type_name(v));
        };
        let c = |k: &str| Cell::of(m.get(k));
        RawRecord::Family(RawFamily {
            no_kk: c("no_kk"),
            region_code: c("region_code"),
            members: list_field(m, "members", RawMember::from_map),
            housing: object_field(m, "housing", |h| {
                let c = |k: &str| Cell::of(h.get(k));
                RawHousing {
                    water_source: c("water_source"),
                    latrine: c("latrine"),
                    septic_tank: c("septic_tank"),
                    gooseneck: c("gooseneck"),
                    housing_layak: c("housing_layak"),
                    unknown: first_unknown(h, &crate::risk::krs::HOUSING_FIELDS),
                }
            }),
            wife_pregnant: c("wife_pregnant"),
            kb: object_field(m, "kb", |k| RawKb {
                method: Cell::of(k.get("method")),
                reason_not_using: Cell::of(k.get("reason_not_using")),
                unknown: first_unknown(k, &KB_FIELDS),
            }),
            measurements: list_field(m, "measurements", RawMeasurement::from_map),
        })
    }
}

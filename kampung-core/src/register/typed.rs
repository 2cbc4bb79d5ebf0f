//! The typed fast path of the register reader.
//!
//! [`read_typed`] deserializes one JSON Lines record straight into the
//! borrowed structs below (text fields point into the line; no
//! `serde_json::Value` tree, no `String` per key) and validates them with
//! the same functions as [`RegisterFamily::from_value`]. It only answers
//! for records it describes **exactly** and that are **entirely valid**:
//!
//! * every object has only the documented keys, each at most once, each
//!   of the one JSON type the common form uses (text as strings, yes/no as
//!   booleans, numbers as numbers; `null` is read as absent, as the `Value`
//!   path does);
//! * objects are JSON objects (serde would also accept `[…]` for a struct:
//!   `Obj` refuses it);
//! * the family and every measurement validate without a single error.
//!
//! Anything else (a record with an unknown key, `"sex": 1`, `"oedema": "y"`,
//! a bad NIK, one measurement before birth, malformed JSON…) gives `None`,
//! and the caller reads the line again through the `Value` path, which
//! produces every error code, path, message and count. So the errors of a
//! report never come from this module, and a record it accepts is the
//! [`RegisterFamily`] that `from_value` returns for it (the test
//! `typed_equals_value_path` and `examples/tests/report_fast_path.rs`
//! check this on mutated records, the bundled sample and a generated
//! register with many defects).

use super::{
    check_positive, check_wife, finish_measurement, kb_from_parts, measure_code, measured_on,
    resolve_member, KbStatus, Measurement, RegisterFamily, RegisterOptions, MAX_VALUE,
};
use crate::error::ValidationErrors;
use crate::family::person::{Person, PersonTexts};
use crate::family::{Family, FamilyOptions};
use crate::id::nomor_kk::NomorKk;
use crate::id::wilayah::KodeWilayah;
use crate::kb::method::{Method, NonUseReason};
use crate::kb::read::{int_in, number_in};
use crate::risk::krs::{check_housing, HousingParts, Latrine, WaterSource};
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// A text field: borrowed from the line unless it has escapes. (serde's
/// own `Cow<str>` always copies; this borrows whenever the parser can.)
type Text<'a> = Option<Str<'a>>;

/// A JSON string, borrowed when it has no escapes.
struct Str<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Cow<'de, str>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Self::Value, E> {
                Ok(Cow::Borrowed(s))
            }
            fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
                Ok(Cow::Owned(s.to_owned()))
            }
            fn visit_string<E>(self, s: String) -> Result<Self::Value, E> {
                Ok(Cow::Owned(s))
            }
        }
        d.deserialize_str(V).map(Str)
    }
}

/// `T` read from a JSON object only (never from an array).
struct Obj<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Obj<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = T;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
            }
        }
        d.deserialize_map(V(PhantomData)).map(Obj)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFamily<'a> {
    #[serde(borrow)]
    no_kk: Text<'a>,
    #[serde(borrow)]
    region_code: Text<'a>,
    #[serde(borrow)]
    members: Option<Vec<Obj<RawMember<'a>>>>,
    #[serde(borrow)]
    housing: Option<Obj<RawHousing<'a>>>,
    wife_pregnant: Option<bool>,
    #[serde(borrow)]
    kb: Option<Obj<RawKb<'a>>>,
    #[serde(borrow)]
    measurements: Option<Vec<Obj<RawMeasurement<'a>>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMember<'a> {
    #[serde(borrow)]
    name: Text<'a>,
    #[serde(borrow)]
    nik: Text<'a>,
    #[serde(borrow)]
    sex: Text<'a>,
    #[serde(borrow)]
    birth_date: Text<'a>,
    #[serde(borrow)]
    relationship: Text<'a>,
    #[serde(borrow)]
    marital_status: Text<'a>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHousing<'a> {
    #[serde(borrow)]
    water_source: Text<'a>,
    #[serde(borrow)]
    latrine: Text<'a>,
    septic_tank: Option<bool>,
    gooseneck: Option<bool>,
    housing_layak: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKb<'a> {
    #[serde(borrow)]
    method: Text<'a>,
    #[serde(borrow)]
    reason_not_using: Text<'a>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeasurement<'a> {
    #[serde(borrow)]
    nik: Text<'a>,
    member: Option<f64>,
    #[serde(borrow)]
    measured_on: Text<'a>,
    weight_kg: Option<f64>,
    length_cm: Option<f64>,
    #[serde(borrow)]
    measure: Text<'a>,
    oedema: Option<bool>,
}

/// A text field as `Fields::text` reads it: blank text is absent.
fn text<'s>(t: &'s Text<'_>) -> Option<&'s str> {
    t.as_ref()
        .map(|s| s.0.as_ref())
        .filter(|s| !s.trim().is_empty())
}

/// `Some(x)` when `r` is `Ok`; the typed path gives up on any error.
fn ok<T, E>(r: Result<T, E>) -> Option<T> {
    r.ok()
}

/// Runs `f` with a fresh error list; `None` when it records anything.
fn clean<T>(f: impl FnOnce(&mut ValidationErrors) -> Option<T>) -> Option<T> {
    let mut errors = ValidationErrors::new();
    let x = f(&mut errors);
    if errors.is_empty() {
        x
    } else {
        None
    }
}

/// Reads one JSON Lines record through the typed fast path: the validated
/// family when the record is described exactly by the typed structs and
/// has no problem at all, `None` otherwise (then read it with
/// [`RegisterFamily::from_value`]; see the module documentation).
pub fn read_typed(line: &str, opts: &RegisterOptions) -> Option<RegisterFamily> {
    let Obj(raw) = serde_json::from_str::<Obj<RawFamily<'_>>>(line).ok()?;
    let fopts = FamilyOptions::new(opts.as_of);

    let no_kk = ok(NomorKk::parse(text(&raw.no_kk)?))?;
    let region_code = ok(KodeWilayah::parse(text(&raw.region_code)?))?;
    let raw_members = raw.members?;
    let mut members = Vec::with_capacity(raw_members.len());
    for Obj(m) in &raw_members {
        let t = PersonTexts {
            name: text(&m.name),
            nik: text(&m.nik),
            sex: text(&m.sex),
            birth_date: text(&m.birth_date),
            relationship: text(&m.relationship),
            marital_status: text(&m.marital_status),
        };
        members.push(ok(Person::from_texts(
            &t,
            opts.as_of,
            ValidationErrors::new(),
        ))?);
    }
    let family = ok(Family::from_parts(no_kk, region_code, members, &fopts))?;

    let Obj(h) = raw.housing?;
    let parts = HousingParts {
        water: Some(ok(WaterSource::parse(text(&h.water_source)?))?),
        latrine: Some(ok(Latrine::parse(text(&h.latrine)?))?),
        septic: h.septic_tank,
        septic_absent: h.septic_tank.is_none(),
        gooseneck: h.gooseneck,
        gooseneck_absent: h.gooseneck.is_none(),
        housing_layak: h.housing_layak,
        housing_layak_absent: h.housing_layak.is_none(),
    };
    let housing = clean(|e| check_housing(&parts, &opts.krs_rules, e))?;

    let kb: Option<KbStatus> = match &raw.kb {
        None => None,
        Some(Obj(k)) => {
            let method = ok(Method::parse(text(&k.method)?))?;
            let reason = match text(&k.reason_not_using) {
                None => None,
                Some(r) => Some(ok(NonUseReason::parse(r))?),
            };
            Some(clean(|e| kb_from_parts(Some(method), reason, e))?)
        }
    };
    let wife_pregnant = raw.wife_pregnant.unwrap_or(false)
        || kb.is_some_and(|k| k.reason == Some(NonUseReason::Hamil));
    clean(|e| {
        check_wife(&family, raw.wife_pregnant, raw.kb.is_none(), opts, e);
        Some(())
    })?;

    let raw_measurements = raw.measurements.unwrap_or_default();
    let mut measurements = Vec::with_capacity(raw_measurements.len());
    for Obj(m) in &raw_measurements {
        measurements.push(measurement(m, &family, opts)?);
    }
    Some(RegisterFamily {
        family,
        housing,
        wife_pregnant,
        kb,
        measurements,
    })
}

/// One measurement, when it has no problem.
fn measurement(
    m: &RawMeasurement<'_>,
    family: &Family,
    opts: &RegisterOptions,
) -> Option<Measurement> {
    clean(|e| {
        let finite = |x: Option<f64>| x.filter(|x| x.is_finite());
        // A JSON number is always finite; refuse anything else outright.
        if finite(m.member) != m.member
            || finite(m.weight_kg) != m.weight_kg
            || finite(m.length_cm) != m.length_cm
        {
            return None;
        }
        let member_ix = match m.member {
            Some(x) => Some(int_in(x, "member", 0, 1000, e)?),
            None => None,
        };
        let member = resolve_member(text(&m.nik), member_ix, m.member.is_none(), family, e);
        let measured_on = measured_on(text(&m.measured_on)?, opts.as_of, e);
        let weight_kg = match m.weight_kg {
            Some(x) => Some(number_in(x, "weight_kg", 0.0, MAX_VALUE, e)?),
            None => None,
        };
        let length_cm = match m.length_cm {
            Some(x) => Some(number_in(x, "length_cm", 0.0, MAX_VALUE, e)?),
            None => None,
        };
        check_positive(weight_kg, length_cm, e);
        let measure = match text(&m.measure) {
            Some(s) => ok(measure_code(s))?,
            None => None,
        };
        let oedema = m.oedema.unwrap_or(false);
        let values = (weight_kg, length_cm, measure, oedema);
        ok(finish_measurement(
            family,
            member,
            measured_on,
            values,
            ValidationErrors::new(),
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::krs::{KrsRuleSet, LatrineRule};
    use chrono::NaiveDate;
    use serde_json::{json, Value};

    fn opts() -> Vec<RegisterOptions> {
        let as_of = NaiveDate::from_ymd_opt(2025, 7, 1).expect("date");
        let strict = KrsRuleSet {
            latrine: LatrineRule::SigaCompiled,
            include_housing: true,
            ..KrsRuleSet::default()
        };
        vec![
            RegisterOptions::new(as_of),
            RegisterOptions {
                as_of,
                krs_rules: strict,
            },
        ]
    }

    /// A valid record that the typed path accepts.
    fn base() -> Value {
        json!({"no_kk": "6472052301150007", "region_code": "64.72.05.2001",
            "members": [
              {"name": "Budi", "nik": "6472050101850003", "sex": "L", "birth_date": "1985-01-01",
               "relationship": "kepala_keluarga", "marital_status": "kawin"},
              {"name": "Siti", "nik": "6472054507900002", "sex": "P", "birth_date": "1990-07-05",
               "relationship": "istri", "marital_status": "kawin"},
              {"name": "Bayu", "sex": "L", "birth_date": "2024-06-15",
               "relationship": "anak", "marital_status": "belum_kawin"}],
            "housing": {"water_source": "ledeng", "latrine": "sendiri", "septic_tank": true,
                        "gooseneck": true, "housing_layak": false},
            "wife_pregnant": false,
            "kb": {"method": "none", "reason_not_using": "iat"},
            "measurements": [
              {"member": 2, "measured_on": "2025-06-01", "weight_kg": 9.1, "length_cm": 74,
               "measure": "l", "oedema": false},
              {"member": 2, "measured_on": "2025-01-01", "weight_kg": 7.5}]})
    }

    /// Values put in place of each field.
    fn replacements(current: &Value) -> Vec<Value> {
        let mut out = vec![
            Value::Null,
            json!(""),
            json!(" "),
            json!("x"),
            json!("NA"),
            json!("L"),
            json!("h"),
            json!("hamil"),
            json!("tidak_ada"),
            json!("2024-02-30"),
            json!("2026-01-01"),
            json!("6472051506240001"),
            json!(0),
            json!(1),
            json!(2),
            json!(-1),
            json!(1.5),
            json!(3000),
            json!(true),
            json!(false),
            json!([]),
            json!({}),
        ];
        if let Value::String(s) = current {
            out.push(json!(format!(" {s} ")));
            out.push(json!(s.to_uppercase()));
            out.push(json!(s.replace('_', " ")));
        }
        if let Value::Number(n) = current {
            out.push(json!(n.to_string()));
            out.push(json!(-n.as_f64().unwrap_or(0.0)));
        }
        out
    }

    /// Every record one edit away from `v`: each field removed or replaced,
    /// an unknown field added, an object replaced by an array.
    fn mutations(v: &Value) -> Vec<Value> {
        let mut out = Vec::new();
        match v {
            Value::Object(m) => {
                let mut extra = m.clone();
                extra.insert("extra".to_owned(), json!(1));
                out.push(Value::Object(extra));
                out.push(Value::Array(m.values().cloned().collect()));
                for (k, x) in m {
                    let mut gone = m.clone();
                    gone.remove(k);
                    out.push(Value::Object(gone));
                    for r in replacements(x).into_iter().chain(mutations(x)) {
                        let mut changed = m.clone();
                        changed.insert(k.clone(), r);
                        out.push(Value::Object(changed));
                    }
                }
            }
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    for r in mutations(x) {
                        let mut changed = a.clone();
                        changed[i] = r;
                        out.push(Value::Array(changed));
                    }
                }
                if let Some(first) = a.first() {
                    let mut more = a.clone();
                    more.push(first.clone());
                    out.push(Value::Array(more));
                }
                out.push(json!([]));
            }
            _ => {}
        }
        out
    }

    fn check(line: &str, opts: &RegisterOptions) -> bool {
        let combined = RegisterFamily::from_json_line(line, opts);
        let value =
            serde_json::from_str::<Value>(line).map(|v| RegisterFamily::from_value(&v, opts));
        match (combined, value) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{line}"),
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{line}"),
            (a, b) => panic!("{line}: {a:?} vs {b:?}"),
        }
        read_typed(line, opts).is_some()
    }

    #[test]
    fn typed_equals_value_path() {
        for opts in opts() {
            let line = base().to_string();
            assert!(check(&line, &opts), "the base record takes the typed path");
            let mut typed = 0;
            let all = mutations(&base());
            for m in &all {
                typed += usize::from(check(&m.to_string(), &opts));
            }
            assert!(all.len() > 1000, "{}", all.len());
            assert!(
                typed > 50,
                "{typed} of {} mutations took the typed path",
                all.len()
            );
        }
    }

    #[test]
    fn text_level_oddities_fall_back_or_agree() {
        let base = base().to_string();
        let lines = [
            // Escapes in values and keys.
            base.replace("\"Budi\"", "\"Bu\\u0064i\""),
            base.replace("\"no_kk\"", "\"no\\u005fkk\""),
            base.replace("\"ledeng\"", "\"lede\\u006eg\""),
            // A repeated key (the Value path keeps the last one).
            base.replacen('{', "{\"no_kk\":\"1\",", 1),
            base.replacen('{', "{\"no_kk\":\"6472052301150007\",", 1),
            // Not one object.
            format!("{base} {base}"),
            format!("[{base}]"),
            base[..base.len() - 1].to_owned(),
            format!("  {base}\r\n"),
            "{}".to_owned(),
            "null".to_owned(),
        ];
        for opts in opts() {
            for l in &lines {
                check(l, &opts);
            }
        }
    }
}

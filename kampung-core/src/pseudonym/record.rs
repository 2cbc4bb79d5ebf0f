//! Pseudonymisation of JSON Lines register records (`examples/REGISTER.md`).
//!
//! One output line per input line, so line numbers in the report's
//! problems stay the same. Per record:
//! - `no_kk` → [`super::kk_token`]; `members[].nik` → [`super::nik_token`]
//!   (checked against the member's `sex` and `birth_date`);
//!   `measurements[].nik` → [`super::nik_reference_token`];
//! - `members[].name` → `Anggota 1`, `Anggota 2`, … (its position);
//! - `birth_date` and `region_code` as [`PseudonymOptions`] says;
//! - the other known fields unchanged (codes, dates of measurement,
//!   weights); unknown keys inside members, housing, KB and measurements
//!   keep their key (the reader reports `unknown_field` as before) with a
//!   `null` value; unknown top-level keys (ignored by the reader) are dropped;
//! - values of a wrong type are replaced by an empty value of the same
//!   type (`""`, `0`, `0.5`, `[]`, `{}`), so the reader's `invalid_type`
//!   and `identifier_is_float` errors stay while their content goes;
//! - a line that is not JSON becomes `!` (a syntax error) or `{` (an
//!   incomplete line), one that is not UTF-8 the single byte `0xFF`, one
//!   longer than the reader's limit as many `!`: the same exclusion, with
//!   none of its content.
//!
//! What changes in the report: a family excluded for an invalid NIK or
//! Nomor KK (or a NIK that disagrees with sex or date of birth) is still
//! excluded, with reason `pseudonym_of_invalid_id` at the same field.
//! Everything else (rows, indicators, exclusion counts, other reasons,
//! line numbers) is equal.

use super::{kk_token, nik_reference_token, nik_token, PseudonymKey, PseudonymOptions};
use serde_json::{Map, Value};
use std::io::{BufRead, Write};

/// What [`pseudonymize_json_lines`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PseudonymStats {
    /// Lines read (blank lines included).
    pub lines: u64,
    /// Records pseudonymised (lines that were JSON).
    pub records: u64,
    /// Lines that could not be read (written as an unreadable placeholder).
    pub unreadable: u64,
}

/// The keys of a member, housing, KB and measurement object.
const MEMBER: [&str; 6] = crate::family::person::MEMBER_FIELDS;
const MEASUREMENT: [&str; 7] = crate::register::record::MEASUREMENT_FIELDS;
const KB: [&str; 2] = crate::register::record::KB_FIELDS;

/// An empty value of the type of `v` (its content gone, its type kept).
fn emptied(v: &Value) -> Value {
    match v {
        Value::Null | Value::Bool(_) => v.clone(),
        Value::Number(n) if n.is_f64() => Value::from(0.5),
        Value::Number(_) => Value::from(0u8),
        Value::String(_) => Value::String(String::new()),
        Value::Array(_) => Value::Array(Vec::new()),
        Value::Object(_) => Value::Object(Map::new()),
    }
}

/// The text of an identifier field as the reader takes it (text, or a
/// whole number), `None` for blank text and other types.
fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !crate::input::trim(s).is_empty() => Some(s.clone()),
        Value::Number(n) if !n.is_f64() => Some(n.to_string()),
        _ => None,
    }
}

/// A code field's text (for the NIK checks): text or a number.
fn code_text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(crate::input::trim(s).to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// An identifier field replaced by `token(text)`; blank text kept;
/// another type emptied.
fn identifier(v: &Value, token: impl FnOnce(&str) -> String) -> Value {
    match id_text(v) {
        Some(t) => Value::String(token(&t)),
        None => emptied(v),
    }
}

/// `m` with its known keys through `known`, unknown keys set to `null`.
fn object(
    m: &Map<String, Value>,
    keys: &[&str],
    mut known: impl FnMut(&str, &Value) -> Value,
) -> Value {
    Value::Object(
        m.iter()
            .map(|(k, v)| {
                let v = if keys.contains(&k.as_str()) {
                    known(k, v)
                } else {
                    Value::Null
                };
                (k.clone(), v)
            })
            .collect(),
    )
}

/// One member at position `i`.
fn member(m: &Map<String, Value>, i: usize, key: &PseudonymKey, opts: &PseudonymOptions) -> Value {
    let sex = code_text(m.get("sex"));
    let birth = code_text(m.get("birth_date"));
    object(m, &MEMBER, |k, v| match (k, v) {
        ("name", Value::String(s)) if !crate::input::trim(s).is_empty() => {
            Value::String(format!("Anggota {}", i + 1))
        }
        ("name", _) => emptied(v),
        ("nik", _) => identifier(v, |t| nik_token(key, t, sex.as_deref(), birth.as_deref())),
        ("birth_date", Value::String(s)) => opts
            .birth_date_text(s)
            .map_or_else(|| v.clone(), Value::String),
        _ => v.clone(),
    })
}

/// Each object of a list through `f` (with its position); other
/// elements emptied; a non-list emptied.
fn list(v: &Value, mut f: impl FnMut(&Map<String, Value>, usize) -> Value) -> Value {
    match v {
        Value::Array(a) => Value::Array(
            a.iter()
                .enumerate()
                .map(|(i, x)| match x {
                    Value::Object(m) => f(m, i),
                    other => emptied(other),
                })
                .collect(),
        ),
        other => emptied(other),
    }
}

/// The pseudonymised form of one register record (see the module
/// documentation).
pub fn pseudonymize_record(v: &Value, key: &PseudonymKey, opts: &PseudonymOptions) -> Value {
    let Value::Object(m) = v else {
        return emptied(v);
    };
    let mut out = Map::new();
    for (k, v) in m {
        let new = match k.as_str() {
            "no_kk" => identifier(v, |t| kk_token(key, t)),
            "region_code" => match v {
                Value::String(s) => opts.region_text(s).map_or_else(|| v.clone(), Value::String),
                _ => v.clone(),
            },
            "members" => list(v, |m, i| member(m, i, key, opts)),
            "measurements" => list(v, |m, _| {
                object(m, &MEASUREMENT, |k, v| match k {
                    "nik" => identifier(v, |t| nik_reference_token(key, t)),
                    _ => v.clone(),
                })
            }),
            "housing" => match v {
                Value::Object(h) => object(h, &crate::risk::krs::HOUSING_FIELDS, |_, v| v.clone()),
                other => emptied(other),
            },
            "kb" => match v {
                Value::Object(h) => object(h, &KB, |_, v| v.clone()),
                other => emptied(other),
            },
            "wife_pregnant" => v.clone(),
            // Ignored by the reader: dropped.
            _ => continue,
        };
        out.insert(k.clone(), new);
    }
    Value::Object(out)
}

/// Pseudonymises a JSON Lines register from `input` to `output`, one line
/// for one line (see the module documentation). The key appears nowhere
/// in the output.
///
/// # Errors
/// Reading or writing failed.
pub fn pseudonymize_json_lines<R: BufRead, W: Write>(
    mut input: R,
    output: &mut W,
    key: &PseudonymKey,
    opts: &PseudonymOptions,
) -> std::io::Result<PseudonymStats> {
    let mut stats = PseudonymStats::default();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        if input.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        stats.lines += 1;
        let mut line = buf.as_slice();
        if stats.lines == 1 {
            line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
        }
        // Parsed with its line feed, as the report's reader does (a line
        // cut inside a string is then a syntax error, not an incomplete line).
        let full = line;
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.len() > crate::report::engine::DEFAULT_MAX_LINE_BYTES {
            stats.unreadable += 1;
            output.write_all(&vec![b'!'; line.len()])?;
        } else if line.iter().all(u8::is_ascii_whitespace) {
        } else {
            match std::str::from_utf8(full) {
                Err(_) => {
                    stats.unreadable += 1;
                    output.write_all(b"\xFF")?;
                }
                Ok(text) => match serde_json::from_str::<Value>(text) {
                    Ok(v) => {
                        stats.records += 1;
                        serde_json::to_writer(&mut *output, &pseudonymize_record(&v, key, opts))?;
                    }
                    Err(e) => {
                        stats.unreadable += 1;
                        let eof = e.classify() == serde_json::error::Category::Eof;
                        output.write_all(if eof { b"{" } else { b"!" })?;
                    }
                },
            }
        }
        output.write_all(b"\n")?;
    }
    output.flush()?;
    Ok(stats)
}

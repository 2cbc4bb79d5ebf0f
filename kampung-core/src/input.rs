//! Reading untyped input (a JSON-like tree from a form, a Python dict or a
//! JS object) field by field, turning every type problem into a
//! [`FieldError`] with its path instead of a deserialization failure.

use crate::error::{ErrorCode, FieldError, ValidationErrors};
use chrono::NaiveDate;
use serde_json::{Map, Value};
use std::borrow::Cow;

/// The name of a JSON value's type, used in `invalid_type` errors.
pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// `invalid_type` at field `name`.
pub(crate) fn invalid_type(name: &'static str, expected: &'static str, got: &Value) -> FieldError {
    invalid_type_of(name, expected, type_name(got))
}

/// One field of an input as read, whatever the format (a JSON value, a
/// table cell, a field of the register's JSON Lines scanner).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Cell<'a> {
    /// Absent or `null` (a missing table cell).
    #[default]
    Missing,
    /// Text, as written (blank text is kept: validation decides).
    Text(&'a str),
    /// A yes/no.
    Bool(bool),
    /// A whole number that is not negative, exactly.
    UInt(u64),
    /// A negative whole number, exactly.
    Int(i64),
    /// Any other number.
    Float(f64),
    /// A value of another type (`"array"`, `"object"`): its type name.
    Other(&'static str),
}

impl<'a> Cell<'a> {
    /// A whole number: [`Cell::UInt`] when it is not negative.
    pub fn integer(i: i64) -> Cell<'a> {
        match u64::try_from(i) {
            Ok(u) => Cell::UInt(u),
            Err(_) => Cell::Int(i),
        }
    }

    /// A JSON number as the `serde_json` value holds it.
    pub fn number(n: &serde_json::Number) -> Cell<'a> {
        if let Some(u) = n.as_u64() {
            Cell::UInt(u)
        } else if let Some(i) = n.as_i64() {
            Cell::Int(i)
        } else {
            Cell::Float(n.as_f64().unwrap_or(f64::NAN))
        }
    }

    /// A field of a JSON object (absent and `null` are [`Cell::Missing`];
    /// arrays and objects are [`Cell::Other`]).
    pub fn of(v: Option<&'a Value>) -> Cell<'a> {
        match v {
            None | Some(Value::Null) => Cell::Missing,
            Some(Value::String(s)) => Cell::Text(s),
            Some(Value::Bool(b)) => Cell::Bool(*b),
            Some(Value::Number(n)) => Cell::number(n),
            Some(Value::Array(_)) => Cell::Other("array"),
            Some(Value::Object(_)) => Cell::Other("object"),
        }
    }

    /// The type name used in `invalid_type` errors (`received`).
    pub fn type_name(&self) -> &'static str {
        match self {
            Cell::Missing => "null",
            Cell::Text(_) => "string",
            Cell::Bool(_) => "boolean",
            Cell::UInt(_) | Cell::Int(_) | Cell::Float(_) => "number",
            Cell::Other(t) => t,
        }
    }

    /// True when absent.
    pub fn is_missing(&self) -> bool {
        matches!(self, Cell::Missing)
    }

    /// Blank text is a missing cell (table cells, where an empty cell is
    /// how a spreadsheet writes "nothing").
    pub fn blank_missing(self) -> Cell<'a> {
        match self {
            Cell::Text(s) if trim(s).is_empty() => Cell::Missing,
            c => c,
        }
    }
}

/// `invalid_type` at field `name`, from the received type's name.
pub(crate) fn invalid_type_of(
    name: &'static str,
    expected: &'static str,
    received: &'static str,
) -> FieldError {
    FieldError::at(name, ErrorCode::InvalidType)
        .with_param("expected", expected)
        .with_param("received", received)
}

/// A text field: blank text is absent (`required` when `required`);
/// whole numbers are read as their decimal text when `numbers_ok` (codes
/// such as `sex: 1`); anything else is `invalid_type`.
#[inline]
pub(crate) fn cell_text<'c>(
    cell: &Cell<'c>,
    name: &'static str,
    required: bool,
    numbers_ok: bool,
    errors: &mut ValidationErrors,
) -> Option<Cow<'c, str>> {
    match *cell {
        Cell::Missing => {}
        Cell::Text(s) if trim(s).is_empty() => {}
        Cell::Text(s) => return Some(Cow::Borrowed(s)),
        Cell::UInt(u) if numbers_ok => return Some(Cow::Owned(u.to_string())),
        Cell::Int(i) if numbers_ok => return Some(Cow::Owned(i.to_string())),
        other => {
            errors.push(invalid_type_of(name, "string", other.type_name()));
            return None;
        }
    }
    if required {
        errors.push(FieldError::at(name, ErrorCode::Required));
    }
    None
}

/// An identifier (NIK, Nomor KK, region code): text, or an exact whole
/// number as a table reader gives it (pandas' and polars' default
/// `read_csv` read a column of digits as `int64`), read as its decimal
/// digits; a decimal number is `identifier_is_float` (a `float64` holds
/// whole numbers exactly only up to 2^53, so a NIK of Papua read as a float
/// has already lost digits). The cell form of [`Fields::id_text`]; DOMAIN.md §9.
#[inline]
#[cfg_attr(not(feature = "report"), allow(dead_code))]
pub(crate) fn cell_id_text<'c>(
    cell: &Cell<'c>,
    name: &'static str,
    required: bool,
    errors: &mut ValidationErrors,
) -> Option<Cow<'c, str>> {
    if let Cell::Float(_) = cell {
        errors.push(FieldError::at(name, ErrorCode::IdentifierIsFloat));
        return None;
    }
    cell_text(cell, name, required, true, errors)
}

/// A yes/no field: booleans, `1`/`0`, `ya`/`tidak`, `y`/`t`, `true`/`false`, `yes`/`no`.
#[inline]
pub(crate) fn cell_yes_no(
    cell: &Cell<'_>,
    name: &'static str,
    errors: &mut ValidationErrors,
) -> Option<bool> {
    match *cell {
        Cell::Missing => None,
        Cell::Bool(b) => Some(b),
        Cell::UInt(1) => Some(true),
        Cell::UInt(0) => Some(false),
        Cell::Text(s) => match yes_no_text(s) {
            Ok(b) => b,
            Err(()) => {
                errors.push(invalid_type_of(name, "boolean", "string"));
                None
            }
        },
        other => {
            errors.push(invalid_type_of(name, "boolean", other.type_name()));
            None
        }
    }
}

/// A finite number; numeric text with `.` or `,` as the decimal mark.
#[inline]
pub(crate) fn cell_finite(
    cell: &Cell<'_>,
    name: &'static str,
    errors: &mut ValidationErrors,
) -> Option<f64> {
    #[allow(clippy::cast_precision_loss)]
    let x = match *cell {
        Cell::Missing => return None,
        Cell::UInt(u) => u as f64,
        Cell::Int(i) => i as f64,
        Cell::Float(x) => x,
        Cell::Text(s) if trim(s).is_empty() => return None,
        Cell::Text(s) => match decimal_text(s) {
            Ok(x) => x,
            Err(_) => {
                errors.push(invalid_type_of(name, "number", "string"));
                return None;
            }
        },
        other => {
            errors.push(invalid_type_of(name, "number", other.type_name()));
            return None;
        }
    };
    if x.is_finite() {
        Some(x)
    } else {
        errors.push(FieldError::at(name, ErrorCode::NotFinite));
        None
    }
}

/// A yes/no text: `ya`/`y`/`true`/`yes`/`1` or `tidak`/`t`/`false`/`no`/`0`
/// (any case, white space around), blank for none; `Err` otherwise.
pub(crate) fn yes_no_text(s: &str) -> Result<Option<bool>, ()> {
    let yes_no = |t: &str| match t {
        "ya" | "y" | "true" | "yes" | "1" => Ok(Some(true)),
        "tidak" | "t" | "false" | "no" | "0" => Ok(Some(false)),
        "" => Ok(None),
        _ => Err(()),
    };
    // The usual lowercase forms without allocating.
    let t = trim(s);
    yes_no(t).or_else(|()| yes_no(&t.to_ascii_lowercase()))
}

/// A decimal number written with `.` or `,` as the decimal mark, white
/// space around allowed.
pub(crate) fn decimal_text(s: &str) -> Result<f64, std::num::ParseFloatError> {
    let t = trim(s);
    if t.contains(',') {
        t.replace(',', ".").parse()
    } else {
        t.parse()
    }
}

/// `unknown_field` at key `key` (kept as written), listing the `known` keys.
pub(crate) fn unknown_field(key: &str, known: &[&str]) -> FieldError {
    FieldError::new(ErrorCode::UnknownField)
        .with_path(crate::error::FieldPath::root())
        .with_outer(crate::error::PathSegment::Key(key.to_owned()))
        .with_param("key", key.chars().take(64).collect::<String>())
        .with_param("allowed", known.join(", "))
}

/// `Some(value)`, or records the error at field `name` and gives `None`.
pub(crate) fn keep<T>(
    r: Result<T, FieldError>,
    name: &'static str,
    errors: &mut ValidationErrors,
) -> Option<T> {
    match r {
        Ok(x) => Some(x),
        Err(e) => {
            errors.push(e.with_outer(crate::error::PathSegment::Field(name)));
            None
        }
    }
}

/// Reads the fields of one object, collecting errors.
pub(crate) struct Fields<'a> {
    map: Option<&'a Map<String, Value>>,
}

impl<'a> Fields<'a> {
    /// Wraps `v`; if it is not an object, records `invalid_type` at the root.
    pub(crate) fn of(v: &'a Value, errors: &mut ValidationErrors) -> Fields<'a> {
        match v {
            Value::Object(m) => Fields { map: Some(m) },
            other => {
                errors.push(
                    FieldError::new(ErrorCode::InvalidType)
                        .with_param("expected", "object")
                        .with_param("received", type_name(other)),
                );
                Fields { map: None }
            }
        }
    }

    /// The raw value, treating `null` as absent, and also a NaN marker (a
    /// float NaN from Python: pandas' and numpy's missing value; JS `NaN`)
    /// — a missing cell, as pandas reads it.
    pub(crate) fn get(&self, name: &str) -> Option<&'a Value> {
        self.map.and_then(|m| m.get(name)).filter(|v| match v {
            Value::Null => false,
            Value::Object(m) => !m.contains_key("$non_finite"),
            _ => true,
        })
    }

    /// A text field; numbers are accepted when `numbers_ok` (codes like
    /// `sex: 1`). Empty text counts as absent. Records `required` when absent
    /// and `required` is true.
    pub(crate) fn text(
        &self,
        name: &'static str,
        required: bool,
        numbers_ok: bool,
        errors: &mut ValidationErrors,
    ) -> Option<Cow<'a, str>> {
        self.map?;
        cell_text(
            &Cell::of(self.get(name)),
            name,
            required,
            numbers_ok,
            errors,
        )
    }

    /// True when the field is absent, `null`, or text of only white space
    /// (a required field left empty).
    pub(crate) fn is_blank(&self, name: &str) -> bool {
        match self.get(name) {
            None => true,
            Some(Value::String(s)) => s.trim().is_empty(),
            Some(_) => false,
        }
    }

    /// Records `unknown_field` at every key of the object that is not in
    /// `known` (DOMAIN.md §9.5: "a misspelt or unknown key inside a
    /// structured input (e.g. `dhs.desir`) is an error with its path, never
    /// silently ignored"). The path is the key itself, as written; the
    /// message lists the known keys. A key whose value is `null` is checked
    /// too: a misspelt key is wrong whatever its value.
    pub(crate) fn deny_unknown(&self, known: &[&str], errors: &mut ValidationErrors) {
        let Some(m) = self.map else { return };
        if m.len() <= known.len() && m.keys().all(|k| known.contains(&k.as_str())) {
            return;
        }
        for k in m.keys() {
            if !known.contains(&k.as_str()) {
                errors.push(unknown_field(k, known));
            }
        }
    }

    /// An identifier (NIK, Nomor KK, region code): text, or an exact
    /// integer as a table reader gives it (pandas' and polars' default
    /// `read_csv` read a column of digits as `int64`), turned into its
    /// decimal digits. Identifiers never start with 0 (province codes are
    /// 11-96, DOMAIN.md §7.4), so no leading zero can have been lost. A
    /// decimal number is refused with `identifier_is_float`: a `float64`
    /// holds integers exactly only up to 2^53 ≈ 9.007 × 10^15, so a NIK of
    /// Papua (provinces 91-96) read as a float has already lost digits.
    pub(crate) fn id_text(
        &self,
        name: &'static str,
        required: bool,
        errors: &mut ValidationErrors,
    ) -> Option<Cow<'a, str>> {
        match self.get(name) {
            Some(Value::Number(n)) if !(n.is_i64() || n.is_u64()) => {
                errors.push(FieldError::at(name, ErrorCode::IdentifierIsFloat));
                None
            }
            _ => self.text(name, required, true, errors),
        }
    }

    /// A list field; records `invalid_type` when present but not a list.
    pub(crate) fn list(
        &self,
        name: &'static str,
        errors: &mut ValidationErrors,
    ) -> Option<&'a Vec<Value>> {
        match self.get(name) {
            None => None,
            Some(Value::Array(a)) => Some(a),
            Some(other) => {
                errors.push(invalid_type(name, "array", other));
                None
            }
        }
    }
}

/// A single text input (a form field): `null` is `required`; text is
/// returned as it is (even empty, so the parser can say what is wrong);
/// anything else is `invalid_type`. Bindings use this for one-field
/// validators so that every language answers alike.
///
/// # Errors
/// `required` or `invalid_type` at the root path.
pub fn text_value(v: &Value) -> Result<String, FieldError> {
    match v {
        Value::Null => Err(FieldError::new(ErrorCode::Required)),
        Value::String(s) => Ok(s.clone()),
        other => Err(FieldError::new(ErrorCode::InvalidType)
            .with_param("expected", "string")
            .with_param("received", type_name(other))),
    }
}

/// `s.trim()` (Unicode white space), without decoding characters when `s`
/// starts and ends with a visible ASCII character: then there is nothing
/// to trim, which is the usual case of register fields.
pub(crate) fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(z)) if a.is_ascii_graphic() && z.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// A code normalised for matching: trimmed, ASCII-lowercased, and every
/// character in `seps` replaced by `_`. Borrows the input when it is
/// already in that form (the usual case: `"kepala_keluarga"`, `"kawin"`),
/// so parsing a canonical code allocates nothing. Same result as
/// `s.trim().to_ascii_lowercase()` followed by the replacement.
///
/// `seps` holds ASCII punctuation or space only (never a lower-case letter,
/// digit or `_`), so text made only of those is already normalised.
#[inline]
pub(crate) fn normalize_code<'a>(s: &'a str, seps: &[u8]) -> Cow<'a, str> {
    debug_assert!(seps
        .iter()
        .all(|b| b.is_ascii() && !b.is_ascii_alphanumeric() && *b != b'_'));
    let t = trim(s);
    // Byte-wise: the separators are ASCII, and no byte of a multi-byte
    // character is ASCII.
    let clean = t
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        || t.bytes()
            .all(|b| !b.is_ascii_uppercase() && !seps.contains(&b));
    if clean {
        Cow::Borrowed(t)
    } else {
        Cow::Owned(
            t.to_ascii_lowercase()
                .chars()
                .map(|c| {
                    if u8::try_from(c).is_ok_and(|b| seps.contains(&b)) {
                        '_'
                    } else {
                        c
                    }
                })
                .collect(),
        )
    }
}

/// Parses an ISO date `YYYY-MM-DD`.
///
/// # Errors
/// `invalid_date` for anything else (including `2023-02-29`).
pub fn parse_date(s: &str) -> Result<NaiveDate, FieldError> {
    let invalid = || FieldError::new(ErrorCode::InvalidDate);
    // Exactly YYYY-MM-DD: chrono alone also accepts other widths. The
    // digits are read directly (chrono's `parse_from_str` costs several
    // times more and gives the same dates).
    let b: &[u8; 10] = trim(s).as_bytes().try_into().map_err(|_| invalid())?;
    let d = |i: usize| b[i].wrapping_sub(b'0');
    // Unrolled: eight digits (the largest wrapped difference is below 10)
    // and two dashes.
    let largest = [1, 2, 3, 5, 6, 8, 9].iter().fold(d(0), |m, i| m.max(d(*i)));
    let shape_ok = largest < 10 && b[4] == b'-' && b[7] == b'-';
    if !shape_ok {
        return Err(invalid());
    }
    let n = |i: usize| u32::from(d(i)) * 10 + u32::from(d(i + 1));
    let year = i32::try_from(n(0) * 100 + n(2)).map_err(|_| invalid())?;
    NaiveDate::from_ymd_opt(year, n(5), n(8)).ok_or_else(invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert!(parse_date("2024-02-29").is_ok());
        assert!(parse_date("2023-02-29").is_err());
        assert!(parse_date("2024-2-9").is_err());
        assert!(parse_date("29/02/2024").is_err());
        assert!(parse_date("+2024-02-29").is_err());
        assert!(parse_date("2024-00-10").is_err());
        assert!(parse_date("2024-12-32").is_err());
        assert!(parse_date("0000-01-01").is_ok());
        assert_eq!(
            parse_date(" 1999-03-15 ").ok(),
            NaiveDate::from_ymd_opt(1999, 3, 15)
        );
    }

    /// The digit reading equals chrono's on the exact `YYYY-MM-DD` shape:
    /// every day of 1899-2101 and every one-byte edit of a date.
    #[test]
    fn dates_equal_chrono() {
        let chrono_way = |t: &str| {
            let shape = t.len() == 10
                && t.bytes().enumerate().all(|(i, b)| {
                    if i == 4 || i == 7 {
                        b == b'-'
                    } else {
                        b.is_ascii_digit()
                    }
                });
            shape
                .then(|| NaiveDate::parse_from_str(t, "%Y-%m-%d").ok())
                .flatten()
        };
        let mut day = NaiveDate::from_ymd_opt(1899, 1, 1).expect("date");
        while chrono::Datelike::year(&day) < 2102 {
            let t = day.format("%Y-%m-%d").to_string();
            assert_eq!(parse_date(&t).ok(), Some(day), "{t}");
            day = day.succ_opt().expect("next day");
        }
        for base in ["2024-02-29", "2023-12-31", "0000-01-01", "9999-09-30"] {
            for pos in 0..10 {
                for c in b"0123456789-+/ xA\xff".iter().copied() {
                    let mut b = base.as_bytes().to_vec();
                    b[pos] = c;
                    if let Ok(t) = String::from_utf8(b) {
                        assert_eq!(parse_date(&t).ok(), chrono_way(t.trim()), "{t:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn normalized_codes() {
        for s in [
            "kawin",
            " Belum Kawin ",
            "a-b/c d",
            "ÄB-c",
            "x\u{a0}",
            "",
            "  ",
        ] {
            let slow: String = s.trim().to_ascii_lowercase().replace([' ', '-', '/'], "_");
            assert_eq!(normalize_code(s, b" -/"), slow, "{s:?}");
        }
        assert!(matches!(normalize_code("kawin", b" -/"), Cow::Borrowed(_)));
        assert_eq!(normalize_code(" Laki Laki ", &[]), "laki laki");
    }

    #[test]
    fn trim_is_str_trim() {
        for s in [
            "",
            " ",
            "a",
            " a",
            "a ",
            "\u{a0}a",
            "a\u{a0}",
            "\u{3000}x\u{2003}",
            "\u{85}",
            "x\u{1c}",
            "\u{1f}",
            "\t\n",
            "é",
            "aé",
            "éa",
            "~",
            "a b",
        ] {
            assert_eq!(trim(s), s.trim(), "{s:?}");
        }
    }
}
